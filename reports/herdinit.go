package reports

import (
	"strconv"
	"strings"
)

// sTok is a token of herd7's state lexer (stateLexer.mll).
type sTok struct {
	kind string // "name", "num", "proc", "kw", "eof", or the punctuation itself
	text string
}

// stateKeywords are the state lexer's words that are not names.
var stateKeywords = map[string]bool{
	"NOP": true, "nop": true, "not": true, "true": true, "false": true, "observed": true, "Observed": true,
	"and": true, "exists": true, "forall": true, "final": true, "with": true, "locations": true, "filter": true,
	"fault": true, "Fault": true, "tag": true, "TAG": true, "attrs": true, "Attrs": true, "oa": true,
	"PTE": true, "TTD": true, "PA": true, "parel1_t": true, "PAREL1_T": true, "_Atomic": true, "ATOMIC_INIT": true,
}

func stateTokens(s string) ([]sTok, error) {
	var toks []sTok
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case isBlank(c) || c == '\n':
			i++
			continue
		case strings.HasPrefix(s[i:], "(*"):
			var err error
			if i, err = skipComment(s, i+2); err != nil {
				return nil, err
			}
			continue
		}
		// The longest of a number, P<n>, a name; then punctuation.
		num := 0
		if j := i; j < len(s) {
			if strings.HasPrefix(s[j:], "0x") || strings.HasPrefix(s[j:], "0X") {
				k := j + 2
				for k < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[k]) >= 0 {
					k++
				}
				if k > j+2 {
					num = k - i
				}
			}
			if s[j] == '-' {
				j++
			}
			k := j
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			if k > j && k-i > num {
				num = k - i
			}
		}
		proc := 0
		if c == 'P' {
			j := i + 1
			if j < len(s) && s[j] == '-' {
				j++
			}
			k := j
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			if k > j {
				proc = k - i
			}
		}
		name := stateName(s, i)
		switch {
		case num > 0 && num >= proc && num >= name:
			toks = append(toks, sTok{"num", s[i : i+num]})
			i += num
		case proc > 0 && proc >= name:
			toks = append(toks, sTok{"proc", s[i+1 : i+proc]})
			i += proc
		case name > 0:
			w := s[i : i+name]
			if stateKeywords[w] {
				toks = append(toks, sTok{"kw", w})
			} else {
				toks = append(toks, sTok{"name", w})
			}
			i += name
		case strings.HasPrefix(s[i:], "=="), strings.HasPrefix(s[i:], "!="), strings.HasPrefix(s[i:], "<>"):
			toks = append(toks, sTok{s[i : i+2], s[i : i+2]})
			i += 2
		case strings.IndexByte(",&;:+[](){}=*", c) >= 0:
			toks = append(toks, sTok{string(c), string(c)})
			i++
		default:
			return nil, errHerdSyntax
		}
	}
	return append(toks, sTok{kind: "eof"}), nil
}

// stateName is the length of the state lexer's '_'? name at s[i:], name
// being (alpha|'_'|'.'|'$')+ (alpha|digit|'_'|'/'|'.'|'-')*.
func stateName(s string, i int) int {
	j := i
	for j < len(s) && (isAlpha(s[j]) || strings.IndexByte("_.$", s[j]) >= 0) {
		j++
	}
	if j == i {
		return 0
	}
	for j < len(s) && (isAlpha(s[j]) || isDigit(s[j]) || strings.IndexByte("_/.-", s[j]) >= 0) {
		j++
	}
	return j - i
}

// parseHerdInit parses the initial state as stateParser.mly's init does,
// for what C tests write: x=1; int x=1; int *p=&x; 0:r1=x;
// atomic_t v=ATOMIC_INIT(0); int a[2];
func parseHerdInit(text string) ([]herdInit, error) {
	toks, err := stateTokens(text)
	if err != nil {
		return nil, err
	}
	k := 0
	is := func(kind string) bool { return toks[k].kind == kind }
	// left_loc: a register (P0:r0, 0:r0), a global (x) or [x].
	leftLoc := func() (herdLoc, bool) {
		switch {
		case (is("proc") || is("num")) && toks[k+1].kind == ":" && toks[k+2].kind == "name":
			n, err := strconv.Atoi(toks[k].text)
			if err != nil {
				return herdLoc{}, false
			}
			l := herdLoc{proc: n, name: toks[k+2].text, index: -1}
			k += 3
			return l, true
		case is("name"):
			l := herdLoc{proc: -1, name: toks[k].text, index: -1}
			k++
			return l, true
		case is("[") && toks[k+1].kind == "name" && toks[k+2].kind == "]":
			l := herdLoc{proc: -1, name: toks[k+1].text, index: -1}
			k += 3
			return l, true
		}
		return herdLoc{}, false
	}
	// maybev, and &x when amper.
	value := func(amper bool) (string, bool) {
		if amper && is("&") {
			k++
			if !is("name") {
				return "", false
			}
		}
		switch {
		case is("num"):
			k++
			return toks[k-1].text, true
		case is("name") && toks[k+1].kind == "[" && toks[k+2].kind == "num" && toks[k+3].kind == "]":
			n, err := strconv.Atoi(toks[k+2].text)
			if err != nil {
				return "", false
			}
			v := toks[k].text
			if n != 0 {
				v += "+" + strconv.Itoa(n)
			}
			k += 4
			return v, true
		case is("name"):
			k++
			return toks[k-1].text, true
		}
		return "", false
	}
	var out []herdInit
	for !is("eof") {
		if is(";") {
			k++
			continue
		}
		x := herdInit{val: "0"}
		ok := true
		withValue := func(amper bool) {
			if is("=") {
				k++
				x.val, ok = value(amper)
			}
		}
		switch {
		case is("*"):
			k++
			x.ty = tyDefPointer
			if x.loc, ok = leftLoc(); ok {
				withValue(true)
			}
		case is("kw") && toks[k].text == "_Atomic" && toks[k+1].kind == "name":
			x.ty, x.tn = tyAtomic, toks[k+1].text
			k += 2
			if x.loc, ok = leftLoc(); ok {
				withValue(false)
			}
		case is("name") && toks[k+1].kind == "*":
			x.ty, x.tn = tyPointer, toks[k].text
			k += 2
			if x.loc, ok = leftLoc(); ok {
				withValue(true)
			}
		case is("name") && toks[k+1].kind == "name" && toks[k+2].kind == "[":
			// NAME arrayspec: an array, printed without a value.
			n, err := strconv.Atoi(toks[k+3].text)
			if toks[k+3].kind != "num" || err != nil || toks[k+4].kind != "]" {
				return nil, errHerdSyntax
			}
			x.ty, x.tn, x.n = tyArray, toks[k].text, n
			x.loc = herdLoc{proc: -1, name: toks[k+1].text, index: -1}
			k += 5
			if is("=") {
				// {v, ...}: not printed.
				for !is("}") && !is("eof") {
					k++
				}
				if is("eof") {
					return nil, errHerdSyntax
				}
				k++
			}
		case is("name") && (toks[k+1].kind == "name" || toks[k+1].kind == "proc" || toks[k+1].kind == "num" || toks[k+1].kind == "["):
			x.ty, x.tn = tyNamed, toks[k].text
			k++
			if x.loc, ok = leftLoc(); ok && is("=") {
				k++
				if is("kw") && toks[k].text == "ATOMIC_INIT" && toks[k+1].kind == "(" {
					k += 2
					x.val, ok = value(false)
					if ok && is(")") {
						k++
					} else {
						ok = false
					}
				} else {
					x.val, ok = value(false)
				}
			}
		default:
			x.ty = tyDef
			if x.loc, ok = leftLoc(); ok && is("=") {
				k++
				if x.loc.proc >= 0 && is("&") {
					x.ty = tyDefPointer
					x.val, ok = value(true)
				} else {
					x.val, ok = value(false)
				}
			}
		}
		if !ok || !is(";") && !is("eof") {
			return nil, errHerdSyntax
		}
		out = append(out, x)
	}
	return out, nil
}
