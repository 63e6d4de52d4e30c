package reports

import (
	"errors"
	"fmt"
	"strings"
)

// This file splits a C litmus test's text as herd7 does for its hash:
// the splitter (herdtools7 lib/splitter.mll) finds the header's key=value
// lines, the initial state and the code; the shallow C parser (CLexer.mll
// and CParser.mly's shallow_main) cuts the code into P<n>(params) {body}
// with each body kept as written; the state parser (stateLexer.mll,
// stateParser.mly's init) reads the initial state. Each follows
// ocamllex's rule: the longest match, and the first rule on a tie.

var errHerdSyntax = errors.New("not herd7's C litmus syntax")

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// splitterName is the length of splitter.mll's name at s[i:]:
// alpha (alpha|digit|'_'|'/'|'.'|'-')*.
func splitterName(s string, i int) int {
	if i >= len(s) || !isAlpha(s[i]) {
		return 0
	}
	j := i + 1
	for j < len(s) && (isAlpha(s[j]) || isDigit(s[j]) || strings.IndexByte("_/.-", s[j]) >= 0) {
		j++
	}
	return j - i
}

// skipComment skips an OCaml comment (nested) opened just before i.
func skipComment(s string, i int) (int, error) {
	depth := 1
	for i < len(s) {
		switch {
		case strings.HasPrefix(s[i:], "(*"):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], "*)"):
			i += 2
			if depth--; depth == 0 {
				return i, nil
			}
		default:
			i++
		}
	}
	return i, errHerdSyntax
}

func splitHerd(src string) (*herdTest, error) {
	t := &herdTest{}
	s := src
	// The first line: arch, name, an optional (texname) and "doc", ';'.
	i := 0
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	j := i
	for j < len(s) && (isAlpha(s[j]) || isDigit(s[j]) || s[j] == '_') {
		j++
	}
	if j == i || j >= len(s) || !isBlank(s[j]) {
		return nil, errHerdSyntax
	}
	i = j
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	j = i
	for j < len(s) && (isAlpha(s[j]) || isDigit(s[j]) || strings.IndexByte("_/.-+[]:", s[j]) >= 0) {
		j++
	}
	if j == i {
		return nil, errHerdSyntax
	}
	i = j
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '(' {
		if n := splitterName(s, i+1); n > 0 && i+1+n < len(s) && s[i+1+n] == ')' {
			i += n + 2
			for i < len(s) && isBlank(s[i]) {
				i++
			}
		}
	}
	// ('\n'? blank* '"' [^'"']* '"' blank*)?
	j = i
	if j < len(s) && s[j] == '\n' {
		j++
	}
	for j < len(s) && isBlank(s[j]) {
		j++
	}
	if j < len(s) && s[j] == '"' {
		if k := strings.IndexByte(s[j+1:], '"'); k >= 0 {
			i = j + 1 + k + 1
			for i < len(s) && isBlank(s[i]) {
				i++
			}
		}
	}
	if i < len(s) && s[i] == ';' {
		i++
	}

	// find_init: header lines up to the '{' of the initial state.
	for {
		if i >= len(s) {
			return nil, errHerdSyntax
		}
		if s[i] == '\n' {
			i++
			continue
		}
		if s[i] == '{' {
			i++
			break
		}
		text := 0
		for i+text < len(s) && s[i+text] != '\n' && s[i+text] != '{' {
			text++
		}
		comment := 0
		if strings.HasPrefix(s[i:], "(*") {
			comment = 2
		}
		key, kv := headerKey(s, i)
		switch {
		case comment >= key && comment >= text:
			var err error
			if i, err = skipComment(s, i+2); err != nil {
				return nil, err
			}
		case key >= text:
			t.info = append(t.info, kv)
			i += key
		default:
			i += text
		}
	}
	// inside_init: up to the matching '}'.
	start, depth := i, 0
	for ; ; i++ {
		if i >= len(s) {
			return nil, errHerdSyntax
		}
		if s[i] == '{' {
			depth++
		} else if s[i] == '}' {
			if depth == 0 {
				break
			}
			depth--
		}
	}
	t.init = s[start:i]
	i++
	// inside_prog: up to the first keyword that starts the condition.
	start = i
	end := len(s)
	for i < len(s) {
		c := s[i]
		if c == '\n' {
			i++
			continue
		}
		if strings.HasPrefix(s[i:], "(*") {
			i += 2
			continue
		}
		if c == '"' {
			k := strings.IndexAny(s[i+1:], "\"\n")
			if k < 0 || s[i+1+k] == '\n' {
				return nil, errHerdSyntax
			}
			i += k + 2
			continue
		}
		kw := 0
		for _, w := range []string{"final", "forall", "exists", "cases", "observed", "Observed", "locations", "filter"} {
			if strings.HasPrefix(s[i:], w) {
				kw = len(w)
				break
			}
		}
		if c == '~' {
			k := i + 1
			for k < len(s) && isBlank(s[k]) {
				k++
			}
			if strings.HasPrefix(s[k:], "exists") {
				kw = k + 6 - i
			}
		}
		n := max(splitterName(s, i), 1)
		if kw > 0 && kw >= n {
			end = i
			break
		}
		i += n
	}
	procs, err := parseHerdProcs(s[start:end])
	if err != nil {
		return nil, err
	}
	t.procs = procs
	return t, nil
}

// headerKey matches splitter.mll's key=value rule at s[i:] (a name,
// blanks, '=', blanks, the value up to the end of the line) and returns
// its length with the newline (0 if it does not match).
func headerKey(s string, i int) (int, [2]string) {
	n := splitterName(s, i)
	if n == 0 {
		return 0, [2]string{}
	}
	key := s[i : i+n]
	j := i + n
	for j < len(s) && isBlank(s[j]) {
		j++
	}
	if j >= len(s) || s[j] != '=' {
		return 0, [2]string{}
	}
	j++
	for j < len(s) && isBlank(s[j]) {
		j++
	}
	k := j
	for k < len(s) && s[k] != '\n' && s[k] != '\r' {
		k++
	}
	val := s[j:k]
	if k < len(s) && s[k] == '\r' {
		k++
	}
	if k >= len(s) || s[k] != '\n' {
		return 0, [2]string{}
	}
	return k + 1 - i, [2]string{key, val}
}

// cTok is a token of herd7's shallow C lexer.
type cTok struct {
	kind string // "body", "proc", "name", "(", ")", ",", "*", "eof", or another punctuation or number
	text string
	proc int
}

// cTokens lexes the code section as CLexer.mll does with deep=false: a
// '{' takes everything up to the matching '}' as one body token.
func cTokens(s string) ([]cTok, error) {
	var toks []cTok
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case isBlank(c) || c == '\n':
			i++
		case strings.HasPrefix(s[i:], "/*"):
			k := strings.Index(s[i+2:], "*/")
			if k < 0 {
				return nil, errHerdSyntax
			}
			i += k + 4
		case strings.HasPrefix(s[i:], "//"):
			k := strings.IndexByte(s[i:], '\n')
			if k < 0 {
				k = len(s) - i
			}
			i += k
		case c == '{':
			depth := 0
			j := i + 1
			for ; ; j++ {
				if j >= len(s) {
					return nil, errHerdSyntax
				}
				if s[j] == '{' {
					depth++
				} else if s[j] == '}' {
					if depth == 0 {
						break
					}
					depth--
				}
			}
			toks = append(toks, cTok{kind: "body", text: s[i+1 : j]})
			i = j + 1
		case isDigit(c) || c == '-' && i+1 < len(s) && isDigit(s[i+1]):
			j := i + 1
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			toks = append(toks, cTok{kind: "num", text: s[i:j]})
			i = j
		case isAlpha(c) || c == '_':
			j := i
			for j < len(s) && (isAlpha(s[j]) || s[j] == '_') {
				j++
			}
			for j < len(s) && (isAlpha(s[j]) || isDigit(s[j]) || s[j] == '_') {
				j++
			}
			w := s[i:j]
			if c == 'P' && len(w) > 1 && strings.Trim(w[1:], "0123456789") == "" {
				n := 0
				fmt.Sscan(w[1:], &n)
				toks = append(toks, cTok{kind: "proc", text: w, proc: n})
			} else {
				toks = append(toks, cTok{kind: "name", text: w})
			}
			i = j
		default:
			toks = append(toks, cTok{kind: string(c), text: string(c)})
			i++
		}
	}
	return append(toks, cTok{kind: "eof"}), nil
}

// cType is CType.t, enough of it for parameters.
type cType struct {
	kind string // "base", "volatile", "const", "atomic", "pointer"
	base string
	of   *cType
}

func (t *cType) dump() string {
	switch t.kind {
	case "base":
		return t.base
	case "volatile":
		if t.of.kind == "base" {
			return "volatile " + t.of.base
		}
		return t.of.dump() + " volatile"
	case "atomic":
		if t.of.kind == "base" {
			return "_Atomic " + t.of.base
		}
		return "_Atomic (" + t.of.dump() + ")"
	case "const":
		return t.of.dump() + " const"
	}
	return t.of.dump() + "*"
}

// cBaseTypes are CLexer.mll's BASE_TYPE names.
var cBaseTypes = map[string]bool{
	"int8_t": true, "uint8_t": true, "int16_t": true, "uint16_t": true, "int32_t": true, "uint32_t": true,
	"int64_t": true, "uint64_t": true, "__int128_t": true, "__uint128_t": true, "__int128": true, "__uint128": true,
	"intptr_t": true, "uintptr_t": true, "mtx_t": true, "spinlock_t": true, "atomic_t": true,
	"char": true, "int": true, "long": true,
}

// parseHerdProcs parses the code section as shallow_main does.
func parseHerdProcs(code string) ([]herdProc, error) {
	toks, err := cTokens(code)
	if err != nil {
		return nil, err
	}
	var procs []herdProc
	k := 0
	for toks[k].kind != "eof" {
		if toks[k].kind == "body" {
			procs = append(procs, herdProc{global: true, body: toks[k].text})
			k++
			continue
		}
		if toks[k].kind == "name" && toks[k].text == "void" {
			k++
			if toks[k].kind == "*" {
				k++
			}
		}
		if toks[k].kind != "proc" || toks[k+1].kind != "(" {
			return nil, errHerdSyntax
		}
		p := herdProc{proc: toks[k].proc}
		k += 2
		for toks[k].kind != ")" {
			ty, n, err := parseCType(toks[k:])
			if err != nil {
				return nil, err
			}
			k += n
			if ty.kind != "pointer" || toks[k].kind != "name" {
				return nil, errHerdSyntax
			}
			p.params = append(p.params, herdParam{ty: ty.of.dump(), name: toks[k].text})
			k++
			if toks[k].kind == "," {
				k++
			} else if toks[k].kind != ")" {
				return nil, errHerdSyntax
			}
		}
		k++
		if toks[k].kind != "body" {
			return nil, errHerdSyntax
		}
		p.body = toks[k].text
		k++
		procs = append(procs, p)
	}
	return procs, nil
}

// parseCType parses CParser.mly's typ: a base (with _Atomic, volatile or
// const before it), then any number of '*', volatile and const after.
func parseCType(toks []cTok) (*cType, int, error) {
	k := 0
	word := func() string {
		if toks[k].kind == "name" {
			return toks[k].text
		}
		return ""
	}
	base := func() (*cType, error) {
		w := word()
		switch {
		case w == "struct" && toks[k+1].kind == "name" && toks[k+1].text == "srcu_struct":
			k += 2
			return &cType{kind: "base", base: "struct srcu_struct"}, nil
		case w == "atomic_int":
			k++
			return &cType{kind: "atomic", of: &cType{kind: "base", base: "int"}}, nil
		case w == "atomic" && toks[k+1].kind == "<" && toks[k+2].kind == "name" && cBaseTypes[toks[k+2].text] && toks[k+3].kind == ">":
			b := toks[k+2].text
			k += 4
			return &cType{kind: "atomic", of: &cType{kind: "base", base: b}}, nil
		case cBaseTypes[w]:
			k++
			return &cType{kind: "base", base: w}, nil
		}
		return nil, errHerdSyntax
	}
	var t *cType
	switch w := word(); w {
	case "_Atomic", "volatile", "const":
		k++
		b, err := base()
		if err != nil {
			return nil, 0, err
		}
		t = &cType{kind: map[string]string{"_Atomic": "atomic", "volatile": "volatile", "const": "const"}[w], of: b}
	case "void":
		k++
		if toks[k].kind != "*" {
			return nil, 0, errHerdSyntax
		}
		t = &cType{kind: "base", base: "void"}
	default:
		b, err := base()
		if err != nil {
			return nil, 0, err
		}
		t = b
	}
	for {
		switch {
		case toks[k].kind == "*":
			t = &cType{kind: "pointer", of: t}
		case word() == "volatile":
			t = &cType{kind: "volatile", of: t}
		case word() == "const":
			t = &cType{kind: "const", of: t}
		default:
			return t, k, nil
		}
		k++
	}
}
