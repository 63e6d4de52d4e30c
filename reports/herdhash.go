package reports

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// herd7's "Hash=" line is an MD5 digest of a canonical form of the test,
// computed from its text the way herd7 (herdtools7's lib/CTestHash.ml,
// testHash.ml, CGenParser_lib.ml) computes it for a C test:
//
//	hex(md5(info ++ md5(init) ++ md5(code) ++ md5(observed)))
//
// where each inner digest is the raw 16 bytes of MD5 and
//
//   - info is "" unless the header has memory-type keys (MemoryType, MT,
//     CacheType: never in C tests; they are digested as herd7 does);
//   - init is the initial state as written (not the parameters herd7
//     adds to it as registers), sorted by location (registers first, by CPU then name,
//     then globals by name), each "loc=v", "*loc=v", "type loc=v" or
//     "type *loc=v" as declared, joined by "; ";
//   - code is, for each P<n>(...) {...} in order, "P<n>(int* x, ...) {\n"
//     + the body exactly as written + "\n}\n" (a parameter's type without
//     its outer pointer, then "*"), each framed " %s " and joined by "|",
//     then ";\n";
//   - observed is the locations of the `locations` clause and of the
//     condition, sorted the same way, joined by "; " ("0:r0; 1:r1; x").
//
// A test whose header already has a Hash= line keeps it.

// herdTest is the part of a C litmus test's text that herd7 digests,
// split as herd7's splitter and shallow C parser split it.
type herdTest struct {
	info  [][2]string // header key=value lines
	init  string      // the text between the braces of the initial state
	procs []herdProc  // P<n>(...) {...} and top-level {...} blocks, in order
}

type herdProc struct {
	global bool // a top-level {...} block (no P<n>)
	proc   int  // n of P<n>
	params []herdParam
	body   string
}

type herdParam struct{ ty, name string }

// herdHash returns the Hash= value herd7 prints for the test whose text is
// src, given the locations herd7 observes (the `locations` clause and
// the condition's), already in herd7's syntax ("0:r0", "x", "a[1]").
func herdHash(src string, observed []string) (string, error) {
	t, err := splitHerd(src)
	if err != nil {
		return "", err
	}
	for _, kv := range t.info {
		if strings.EqualFold(kv[0], "Hash") {
			return kv[1], nil
		}
	}
	init, err := parseHerdInit(t.init)
	if err != nil {
		return "", err
	}
	d := md5.New()
	d.Write(herdDigestInfo(t.info))
	d.Write(md5sum(herdInitText(init)))
	d.Write(md5sum(herdCodeText(t.procs)))
	d.Write(md5sum(herdObservedText(observed)))
	return hex.EncodeToString(d.Sum(nil)), nil
}

func md5sum(s string) []byte {
	h := md5.Sum([]byte(s))
	return h[:]
}

// herdDigestInfo digests the header keys herd7 digests (testHash.ml's
// digest_info): "" when there is none.
func herdDigestInfo(info [][2]string) []byte {
	var keys [][2]string
	for _, kv := range info {
		switch strings.ToLower(kv[0]) {
		case "memorytype", "mt", "cachetype":
			keys = append(keys, kv)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i][0] < keys[j][0] })
	var b strings.Builder
	for i := len(keys) - 1; i >= 0; i-- { // herd7 folds them in reverse
		b.WriteString(strings.ToLower(keys[i][0]) + "=" + keys[i][1])
	}
	return md5sum(b.String())
}

func herdCodeText(procs []herdProc) string {
	var cells []string
	for _, p := range procs {
		var s string
		if p.global {
			s = "{" + p.body + "}\n\n"
		} else {
			var ps []string
			for _, a := range p.params {
				ps = append(ps, a.ty+"* "+a.name)
			}
			s = fmt.Sprintf("P%d(%s) {\n%s\n}\n", p.proc, strings.Join(ps, ", "), p.body)
		}
		cells = append(cells, " "+s+" ")
	}
	return strings.Join(cells, "|") + ";\n"
}

func herdObservedText(observed []string) string {
	locs := make([]herdLoc, 0, len(observed))
	seen := map[string]bool{}
	for _, o := range observed {
		if !seen[o] {
			seen[o] = true
			locs = append(locs, parseHerdLoc(o))
		}
	}
	sort.SliceStable(locs, func(i, j int) bool { return locs[i].less(locs[j]) })
	var parts []string
	for _, l := range locs {
		parts = append(parts, l.String())
	}
	return strings.Join(parts, "; ")
}

// herdLoc is a location as herd7 orders and prints it: a register "0:r0"
// (proc >= 0), a global "x", or an array cell "a[1]" (index >= 0).
type herdLoc struct {
	proc  int // -1 for a global
	name  string
	index int // -1 unless an array cell
}

func parseHerdLoc(s string) herdLoc {
	if i := strings.IndexByte(s, ':'); i > 0 {
		if n, err := strconv.Atoi(s[:i]); err == nil {
			return herdLoc{proc: n, name: s[i+1:], index: -1}
		}
	}
	if i := strings.IndexByte(s, '['); i > 0 && strings.HasSuffix(s, "]") {
		if n, err := strconv.Atoi(s[i+1 : len(s)-1]); err == nil {
			return herdLoc{proc: -1, name: s[:i], index: n}
		}
	}
	return herdLoc{proc: -1, name: s, index: -1}
}

func (l herdLoc) String() string {
	switch {
	case l.proc >= 0:
		return strconv.Itoa(l.proc) + ":" + l.name
	case l.index >= 0:
		return fmt.Sprintf("%s[%d]", l.name, l.index)
	}
	return l.name
}

// less is herd7's order of locations (ConstrGen.compare_rloc over
// MiscParser.location_compare): plain locations before array cells;
// registers before globals; registers by CPU, then name; globals by name.
func (l herdLoc) less(m herdLoc) bool {
	if (l.index >= 0) != (m.index >= 0) {
		return m.index >= 0
	}
	if (l.proc >= 0) != (m.proc >= 0) {
		return l.proc >= 0
	}
	if l.proc != m.proc {
		return l.proc < m.proc
	}
	if l.name != m.name {
		return l.name < m.name
	}
	return l.index < m.index
}

// herdInit is one item of the initial state.
type herdInit struct {
	loc herdLoc
	ty  herdType
	tn  string // the type's name, for tyNamed, tyAtomic, tyPointer and tyArray
	n   int    // tyArray's size
	val string // as herd7 prints it: "0", "x", "-1"
}

type herdType int

const (
	tyDef        herdType = iota // x=1
	tyDefPointer                 // *x=y, 0:r1=&x
	tyNamed                      // int x=1
	tyAtomic                     // _Atomic int x=1
	tyPointer                    // int *x=y
	tyArray                      // int a[2]
)

func herdInitText(init []herdInit) string {
	sort.SliceStable(init, func(i, j int) bool { return init[i].loc.less(init[j].loc) })
	var parts []string
	for i, x := range init {
		if i > 0 && !init[i-1].loc.less(x.loc) {
			continue // a duplicate: herd7 keeps the first
		}
		loc := x.loc.String()
		switch x.ty {
		case tyDef:
			parts = append(parts, loc+"="+x.val)
		case tyDefPointer:
			parts = append(parts, "*"+loc+"="+x.val)
		case tyNamed:
			parts = append(parts, x.tn+" "+loc+"="+x.val)
		case tyAtomic:
			parts = append(parts, "_Atomic "+x.tn+" "+loc+"="+x.val)
		case tyPointer:
			parts = append(parts, x.tn+" *"+loc+"="+x.val)
		case tyArray:
			parts = append(parts, fmt.Sprintf("%s %s[%d]", x.tn, loc, x.n))
		}
	}
	return strings.Join(parts, "; ")
}
