package litmus

import (
	"fmt"
	"strings"

	"mmcheck/model"
)

// The preprocessor sits between the scanner and the parser and works on
// tokens, as a C preprocessor does: the parser asks it for the next token
// and it hands on the scanner's, less the directives it carries out and
// the lines a false #if removes, with macros expanded. Working on tokens
// rather than on text keeps every token's position exact: a line that a
// false #if removes is simply not handed on, so the lines after it keep
// their numbers, and the tokens of a macro expansion all carry the
// position of the macro's use (the span of "F(a, b)"), so that an error
// in an expansion points at the use, and the source text of any node
// built from the expansion (in messages and traces) is the text of the
// use. A pass over the text, before the scanner, would have to map every
// position back: an expansion moves the columns after it, and removed
// lines must be counted (cpp's #line markers), for the .expected files
// and traces name lines and columns of the source as written.
//
// It carries out:
//
//   - #if, #ifdef, #ifndef, #elif, #else and #endif, nested, with
//     defined(NAME) and integer constant expressions in #if and #elif
//     (C's operators and precedence; a name that is not a macro is 0).
//     The primitives count as defined (#ifndef READ_ONCE is false), and
//     cannot be #defined: they are built in, as if the kernel's headers
//     had declared them.
//     The lines of a group not taken are not parsed: only directives are
//     looked for there, and no error is reported in them.
//   - #define of function-like macros, F(a, b) expanded with its arguments
//     (themselves expanded first, unless they are operands of # or ##),
//     and of empty macros (flags for #ifdef; in code they expand to
//     nothing). # makes a string literal of an argument, ## pastes two
//     tokens into one. A macro's expansion is expanded again, except for
//     the macro itself (no recursion), as in C.
//   - #undef. A constant's DefineDecl stays (the lowering knows it in the
//     whole file), but #if no longer sees it, a new #define of it stands
//     for code, and a use in code before that is refused.
//   - #include <linux/...> and <asm/...>: accepted and ignored, since what
//     the kernel headers declare is built in.
//
// A #define whose value looks like an integer constant expression
// ("#define N 2", see constantLike) is both a macro, for #if and
// defined(), and, as before there was a preprocessor, a named integer
// constant of the program, handed on to the parser as a DefineDecl and
// resolved by the lowering (so it obeys the lowering's rules: it is
// declared once, and a reference to it is a name, not text). #include
// "file" is handed on too, and read in place by [Load] and [LoadFile], so
// that the macros of the including file up to the #include are seen by
// the header (defaults such as "#ifndef LAZY_SCHEME") and those of the
// header are seen after it. A #define with any other value stands for
// code, and is expanded like a function-like macro (#define current
// tasks[smp_processor_id()]).
//
// A variadic macro, F(a, ...), takes the rest of the arguments as
// __VA_ARGS__ (or GNU's F(a, rest...) as rest). #if and the like may
// come in a macro call's arguments, as GCC allows. Other directives
// there, and the use of a constant between its #undef and a new #define,
// are refused with a positioned "not supported yet" error.
type preproc struct {
	s     *scanner
	errf  func(pos model.Pos, msg string)
	defs  *macroTable
	conds []cond
	queue []ppTok // tokens ready for the parser

	aligns []alignAttr // aligned attributes taken out, for the parser (attr.go)

	lastEnd model.Pos // the end of the last token read
}

// maxExpansion bounds the tokens that macro expansion produces in one
// file and the files it includes, and maxArgDepth how deeply macro calls
// nest in arguments: beyond them input is refused, so that the work is
// linear in the input.
const (
	maxExpansion = 1 << 18
	maxArgDepth  = 200
)

// A ppTok is a token as the preprocessor hands it on.
type ppTok struct {
	pos, end model.Pos
	tok      token
	lit      string
	macro    string   // the macro whose use this token comes from, if any
	space    bool     // white space before it in the source (for #)
	hide     *hideSet // macros not to expand this token as (C's hide set)
}

// A hideSet is a list of macro names.
type hideSet struct {
	name string
	next *hideSet
}

func (h *hideSet) has(name string) bool {
	for ; h != nil; h = h.next {
		if h.name == name {
			return true
		}
	}
	return false
}

// A macro is a #define'd name.
type macro struct {
	name     string
	pos      model.Pos // of the name in its #define
	fn       bool      // function-like
	params   []string  // a variadic macro's last one takes the rest of the arguments
	body     []ppTok
	variadic bool
	value    bool // "#define N expr", constantLike: also a constant of the program, not expanded in code
}

// A macroTable holds the macros of a file and the files it includes.
type macroTable struct {
	m        map[string]*macro
	undone   map[string]model.Pos // constants #undef'd (at): their DefineDecl stays
	produced int                  // tokens produced by expansion so far
	tooLarge bool                 // maxExpansion reached (reported)
}

func newMacroTable() *macroTable { return &macroTable{m: map[string]*macro{}} }

// A cond is an open #if, #ifdef or #ifndef.
type cond struct {
	pos    model.Pos // of the '#' of the directive that opened it
	name   string    // "#if", "#ifdef" or "#ifndef"
	taken  bool      // a group of the section has been taken
	inElse bool      // after #else
}

func (pp *preproc) init(s *scanner, errf func(model.Pos, string), defs *macroTable) {
	pp.s, pp.errf, pp.defs = s, errf, defs
}

// raw returns the scanner's next token.
func (pp *preproc) raw() ppTok {
	pos, end, tok, lit := pp.s.scan()
	t := ppTok{pos: pos, end: end, tok: tok, lit: lit, space: pos != pp.lastEnd}
	pp.lastEnd = end
	return t
}

// defined reports whether name is a macro, for #ifdef and defined(): one
// #define'd, or a primitive, since what the kernel's headers declare is
// built in (#ifndef READ_ONCE is false).
func (pp *preproc) defined(name string) bool {
	return pp.defs.m[name] != nil || prims[name] != nil
}

// expands reports whether the identifier t is a macro expanded in code.
func (pp *preproc) expands(t ppTok) bool {
	m := pp.defs.m[t.lit]
	return t.tok == tokIdent && m != nil && !m.value && !t.hide.has(t.lit)
}

// next returns the next token for the parser.
func (pp *preproc) next() ppTok {
	t := pp.next1()
	for pp.isAttr(t) {
		// attributes are taken out here, wherever they are (attr.go)
		pp.attribute(t)
		t = pp.next1()
	}
	if t.tok == tokIdent && pp.defs.m[t.lit] == nil {
		if at, ok := pp.defs.undone[t.lit]; ok {
			// The lowering knows the constant everywhere: it cannot be
			// undone for the code that follows.
			pp.errf(t.pos, fmt.Sprintf("use of %s after its #undef at %s not supported yet (it was a constant #define; #define it again, or use an #if)", t.lit, at))
		}
	}
	return t
}

func (pp *preproc) next1() ppTok {
	for {
		if len(pp.queue) > 0 {
			t := pp.queue[0]
			pp.queue = pp.queue[1:]
			return t
		}
		t := pp.raw()
		switch {
		case t.tok == "#" && pp.s.directive:
			pp.directive(t)
			continue
		case t.tok == tokEOF:
			for len(pp.conds) > 0 {
				c := pp.conds[len(pp.conds)-1]
				pp.conds = pp.conds[:len(pp.conds)-1]
				pp.errf(t.pos, fmt.Sprintf("missing #endif for %s at %s", c.name, c.pos))
			}
			return t
		case pp.expands(t):
			pp.expandUse(t)
			continue
		}
		return t
	}
}

// peek returns the token after the next, without consuming it.
func (pp *preproc) peek() ppTok {
	if len(pp.queue) > 0 {
		return pp.queue[0]
	}
	s := *pp.s
	s.err = nil
	n := len(*s.comments)
	pos, end, tok, lit := s.scan()
	*pp.s.comments = (*pp.s.comments)[:n]
	t := ppTok{pos: pos, end: end, tok: tok, lit: lit}
	if (tok == "#" && s.directive) || pp.expands(t) || pp.isAttr(t) {
		// A directive, a macro or an attribute: carry it out now, and
		// keep its token.
		t = pp.next()
		pp.queue = append([]ppTok{t}, pp.queue...)
	}
	return t
}

// line returns the raw tokens of the rest of a directive line, and the
// EOL token that ends it.
func (pp *preproc) line() ([]ppTok, ppTok) {
	var toks []ppTok
	for {
		t := pp.raw()
		if t.tok == tokEOL || t.tok == tokEOF {
			return toks, t
		}
		toks = append(toks, t)
	}
}

// directive carries out the directive whose '#' is hash.
func (pp *preproc) directive(hash ppTok) {
	code := pp.s.code
	pp.s.code = true // "(*" in a macro is code
	defer func() { pp.s.code = code }()
	name := pp.raw()
	if name.tok != tokIdent {
		pp.pass(hash, name, false)
		return
	}
	switch name.lit {
	case "if", "ifdef", "ifndef":
		toks, _ := pp.line()
		pp.conds = append(pp.conds, cond{pos: hash.pos, name: "#" + name.lit})
		if pp.test(name, toks) {
			pp.conds[len(pp.conds)-1].taken = true
			return
		}
		pp.skip()
	case "elif", "else":
		toks, _ := pp.line()
		if len(pp.conds) == 0 {
			pp.errf(hash.pos, "#"+name.lit+" without #if")
			return
		}
		c := &pp.conds[len(pp.conds)-1]
		if c.inElse {
			pp.errf(hash.pos, fmt.Sprintf("#%s after #else at %s", name.lit, c.pos))
			return
		}
		if name.lit == "else" {
			c.inElse = true
			if len(toks) > 0 {
				pp.errf(toks[0].pos, "expected end of line after #else, found "+tokDesc(toks[0]))
			}
		}
		// A group was taken (this #elif or #else ends it): skip to #endif.
		pp.skip()
	case "endif":
		toks, _ := pp.line()
		if len(pp.conds) == 0 {
			pp.errf(hash.pos, "#endif without #if")
			return
		}
		if len(toks) > 0 {
			pp.errf(toks[0].pos, "expected end of line after #endif, found "+tokDesc(toks[0]))
		}
		pp.conds = pp.conds[:len(pp.conds)-1]
	case "undef":
		toks, _ := pp.line()
		if len(toks) == 0 || toks[0].tok != tokIdent {
			pp.errf(name.end, "expected macro name after #undef")
			return
		}
		if len(toks) > 1 {
			pp.errf(toks[1].pos, "expected end of line after #undef "+toks[0].lit+", found "+tokDesc(toks[1]))
		}
		if m := pp.defs.m[toks[0].lit]; m != nil {
			if m.value {
				// Its DefineDecl stays; a new #define of it is expanded
				// in code, and a use before that is refused.
				if pp.defs.undone == nil {
					pp.defs.undone = map[string]model.Pos{}
				}
				pp.defs.undone[m.name] = hash.pos
			}
			delete(pp.defs.m, m.name)
		}
	case "define":
		pp.define(hash, name)
	case "include":
		if t := pp.peekRaw(); t.tok == "<" {
			pp.systemInclude(hash)
			return
		}
		pp.pass(hash, name, false)
	default:
		pp.pass(hash, name, false)
	}
}

// pass hands a directive line on to the parser, its tokens macro-expanded
// if expand.
func (pp *preproc) pass(hash, name ppTok, expand bool) {
	pp.queue = append(pp.queue, hash)
	if name.tok == tokEOL || name.tok == tokEOF {
		pp.queue = append(pp.queue, name)
		return
	}
	toks, eol := pp.line()
	if expand {
		toks = pp.expand(toks, false, 0)
	}
	pp.queue = append(pp.queue, name)
	pp.queue = append(pp.queue, toks...)
	pp.queue = append(pp.queue, eol)
}

// peekRaw returns the scanner's next token without consuming it.
func (pp *preproc) peekRaw() ppTok {
	s := *pp.s
	s.err = nil
	n := len(*s.comments)
	pos, end, tok, lit := s.scan()
	*pp.s.comments = (*pp.s.comments)[:n]
	return ppTok{pos: pos, end: end, tok: tok, lit: lit}
}

// systemInclude accepts #include <linux/...> and <asm/...>: what the
// kernel headers declare is built in.
func (pp *preproc) systemInclude(hash ppTok) {
	lt := pp.raw()
	s := pp.s
	start := s.off
	for s.off < len(s.src) && s.src[s.off] != '>' && s.src[s.off] != '\n' {
		s.off++
	}
	path := string(s.src[start:s.off])
	if s.off >= len(s.src) || s.src[s.off] != '>' {
		pp.errf(lt.pos, "expected '>' after #include <"+printable(path))
		pp.line()
		return
	}
	s.off++
	if !strings.HasPrefix(path, "linux/") && !strings.HasPrefix(path, "asm/") {
		pp.errf(lt.pos, fmt.Sprintf("#include <%s>: only the kernel's <linux/...> and <asm/...> headers are accepted (what they declare is built in); use #include \"file\"", printable(path)))
	}
	if toks, _ := pp.line(); len(toks) > 0 {
		pp.errf(toks[0].pos, "expected end of line, found "+tokDesc(toks[0]))
	}
}

// define carries out a #define.
func (pp *preproc) define(hash, name ppTok) {
	id := pp.peekRaw()
	if id.tok != tokIdent {
		pp.pass(hash, name, false) // the parser reports it
		return
	}
	pp.raw()
	if p := prims[id.lit]; p != nil && !p.soft {
		pp.errf(id.pos, "cannot redefine primitive "+id.lit)
		pp.line()
		return
	}
	m := &macro{name: id.lit, pos: id.pos}
	t := pp.peekRaw()
	if t.tok == "(" && t.pos == id.end {
		pp.raw()
		m.fn = true
		if !pp.params(m) {
			pp.line()
			return
		}
	}
	body, eol := pp.line()
	body, ok := pp.operators(m, body)
	if !ok {
		return
	}
	m.body = body
	if _, undone := pp.defs.undone[m.name]; !m.fn && len(body) > 0 && !undone && pp.constantLike(body) {
		// A constant: the parser makes a DefineDecl of it.
		m.value = true
		if prev := pp.defs.m[m.name]; prev == nil || prev.value {
			pp.defs.m[m.name] = m // a redefinition is the lowering's to report
			pp.queue = append(pp.queue, hash, name, id)
			for _, b := range body {
				if b.tok == "##" {
					// Paste, and give the value the span of the whole body.
					body = pp.subst(m, nil, nil, ppTok{pos: body[0].pos}, body[len(body)-1].end)
					for i := range body {
						body[i].macro, body[i].hide = "", nil
					}
					break
				}
			}
			pp.queue = append(pp.queue, pp.expand(body, false, 0)...)
			pp.queue = append(pp.queue, eol)
			return
		}
	}
	if prev := pp.defs.m[m.name]; prev != nil {
		if !sameMacro(prev, m) {
			pp.errf(id.pos, fmt.Sprintf("macro %s redefined; previous definition at %s", m.name, prev.pos))
		}
		return
	}
	pp.defs.m[m.name] = m
}

// params parses the parameters of a function-like macro, after its '('.
func (pp *preproc) params(m *macro) bool {
	t := pp.raw()
	if t.tok == ")" {
		return true
	}
	for {
		name := t.lit
		switch {
		case t.tok == "." && pp.ellipsis(t):
			// "...": the rest of the arguments are __VA_ARGS__
			name, m.variadic = "__VA_ARGS__", true
		case t.tok == tokIdent && t.lit == "__VA_ARGS__":
			pp.errf(t.pos, "__VA_ARGS__ can only be the ... of a variadic macro")
			return false
		case t.tok != tokIdent:
			pp.errf(t.pos, "expected parameter name, found "+tokDesc(t))
			return false
		}
		for _, p := range m.params {
			if p == name {
				pp.errf(t.pos, "duplicate macro parameter "+name)
				return false
			}
		}
		m.params = append(m.params, name)
		t = pp.raw()
		if !m.variadic && t.tok == "." && pp.ellipsis(t) {
			m.variadic = true // GNU's "args...": the rest are args
			t = pp.raw()
		}
		if m.variadic && t.tok != ")" {
			pp.errf(t.pos, "expected ')' after the ... of a variadic macro, found "+tokDesc(t))
			return false
		}
		switch t.tok {
		case ")":
			return true
		case ",":
			t = pp.raw()
		default:
			pp.errf(t.pos, "expected ',' or ')' in macro parameters, found "+tokDesc(t))
			return false
		}
	}
}

// operators checks the # and ## operators of a macro's body, and makes
// each ## one token: in a body, "#" is then the stringizing operator and
// "##" the pasting one.
func (pp *preproc) operators(m *macro, body []ppTok) ([]ppTok, bool) {
	out := body[:0:0]
	for i := 0; i < len(body); i++ {
		b := body[i]
		if b.tok != "#" {
			out = append(out, b)
			continue
		}
		if i+1 < len(body) && body[i+1].tok == "#" && body[i+1].pos == b.end {
			b.tok, b.end = "##", body[i+1].end
			i++
			if len(out) == 0 || i+1 >= len(body) {
				pp.errf(b.pos, "'##' cannot be at either end of a macro's body")
				return nil, false
			}
			out = append(out, b)
			continue
		}
		if !m.fn || i+1 >= len(body) || m.param(body[i+1]) < 0 {
			pp.errf(b.pos, "'#' is not followed by a macro parameter")
			return nil, false
		}
		out = append(out, b)
	}
	return out, true
}

// constOps are the operators of integer constant expressions.
var constOps = map[token]bool{
	"+": true, "-": true, "*": true, "/": true, "%": true, "<<": true, ">>": true,
	"&": true, "|": true, "^": true, "~": true, "!": true, "&&": true, "||": true,
	"<": true, "<=": true, ">": true, ">=": true, "==": true, "!=": true,
	"?": true, ":": true, "(": true, ")": true, "##": true,
}

// constantLike reports whether the value of an object-like macro looks
// like an integer constant expression: numbers, the operators of
// constants, casts, and names that are neither primitives nor macros
// expanded in code, none of them called. Such a macro is also a
// constant of the program (a DefineDecl); any other stands for code,
// and is expanded in code as C does (#define current tasks[cpu]).
func (pp *preproc) constantLike(body []ppTok) bool {
	for i, t := range body {
		switch {
		case t.tok == tokInt || constOps[t.tok]:
		case t.tok == tokIdent:
			if i+1 < len(body) && body[i+1].tok == "(" || prims[t.lit] != nil {
				return false
			}
			if m := pp.defs.m[t.lit]; m != nil && !m.value {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// param returns the index of the parameter t names, or -1.
func (m *macro) param(t ppTok) int {
	if t.tok == tokIdent {
		for i, p := range m.params {
			if p == t.lit {
				return i
			}
		}
	}
	return -1
}

// ellipsis reports whether the '.' t starts "...", and reads the rest.
func (pp *preproc) ellipsis(t ppTok) bool {
	a := pp.peekRaw()
	if a.tok != "." || a.pos != t.end {
		return false
	}
	pp.raw()
	if b := pp.peekRaw(); b.tok != "." || b.pos != a.end {
		return false
	}
	pp.raw()
	return true
}

func sameMacro(a, b *macro) bool {
	if a.fn != b.fn || a.value != b.value || a.variadic != b.variadic || len(a.params) != len(b.params) || len(a.body) != len(b.body) {
		return false
	}
	for i := range a.params {
		if a.params[i] != b.params[i] {
			return false
		}
	}
	for i := range a.body {
		if a.body[i].tok != b.body[i].tok || a.body[i].lit != b.body[i].lit {
			return false
		}
	}
	return true
}

// tokDesc describes a token for a message.
func tokDesc(t ppTok) string {
	switch {
	case t.tok == tokEOF:
		return "EOF"
	case t.tok == tokEOL:
		return "newline"
	case t.tok.isLiteral() || t.tok == tokBad:
		return printable(t.lit)
	}
	return "'" + string(t.tok) + "'"
}

// skip skips the lines of a group not taken, up to the #elif, #else or
// #endif that ends it, and carries that out: an #elif whose condition
// holds, or an #else, starts a group that is taken (unless one was
// already). Nothing is reported in the lines skipped, which may hold
// anything.
func (pp *preproc) skip() {
	errf, code := pp.s.err, pp.s.code
	pp.s.code = true
	pp.s.err = nil
	defer func() { pp.s.err, pp.s.code = errf, code }()
	depth := 0 // sections opened inside the skipped lines
	for {
		t := pp.raw()
		if t.tok == tokEOF {
			return // next reports the open sections at the EOF
		}
		if t.tok != "#" || !pp.s.directive {
			continue
		}
		name := pp.raw()
		if name.tok != tokIdent {
			if name.tok != tokEOL {
				pp.line()
			}
			continue
		}
		switch name.lit {
		case "if", "ifdef", "ifndef":
			depth++
			pp.line()
			continue
		case "endif":
			if depth > 0 {
				depth--
				pp.line()
				continue
			}
		case "elif", "else":
			if depth > 0 {
				pp.line()
				continue
			}
		default:
			pp.line()
			continue
		}
		// The end of the skipped group, in the current section.
		pp.s.err = errf
		c := &pp.conds[len(pp.conds)-1]
		switch name.lit {
		case "endif":
			toks, _ := pp.line()
			if len(toks) > 0 {
				pp.errf(toks[0].pos, "expected end of line after #endif, found "+tokDesc(toks[0]))
			}
			pp.conds = pp.conds[:len(pp.conds)-1]
			return
		case "else":
			toks, _ := pp.line()
			if c.inElse {
				pp.errf(t.pos, fmt.Sprintf("#else after #else at %s", c.pos))
			} else if len(toks) > 0 {
				pp.errf(toks[0].pos, "expected end of line after #else, found "+tokDesc(toks[0]))
			}
			c.inElse = true
			if !c.taken {
				c.taken = true
				return
			}
		case "elif":
			toks, _ := pp.line()
			if c.inElse {
				pp.errf(t.pos, fmt.Sprintf("#elif after #else at %s", c.pos))
			} else if !c.taken && pp.test(name, toks) {
				c.taken = true
				return
			}
		}
		pp.s.err = nil
	}
}

// test evaluates the condition of an #if, #elif, #ifdef or #ifndef.
func (pp *preproc) test(name ppTok, toks []ppTok) bool {
	switch name.lit {
	case "ifdef", "ifndef":
		if len(toks) == 0 || toks[0].tok != tokIdent {
			pp.errf(name.end, "expected macro name after #"+name.lit)
			return false
		}
		if len(toks) > 1 {
			pp.errf(toks[1].pos, "expected end of line after #"+name.lit+" "+toks[0].lit+", found "+tokDesc(toks[1]))
		}
		return pp.defined(toks[0].lit) == (name.lit == "ifdef")
	}
	if len(toks) == 0 {
		pp.errf(name.end, "expected expression after #"+name.lit)
		return false
	}
	e := ifEval{pp: pp, toks: pp.expand(toks, true, 0), at: name.end}
	v, ok := e.cond()
	if ok && e.i < len(e.toks) {
		e.errf(e.toks[e.i], "expected end of line in #"+name.lit+", found "+tokDesc(e.toks[e.i]))
		ok = false
	}
	return ok && v != 0
}

// expand macro-expands toks: function-like macros followed by '(' and
// empty macros, and in an #if (inIf) also macros with a value and
// defined(NAME) / defined NAME. The tokens of an expansion take the
// position of the use (the name, to the ')' of a function-like macro's
// call) and remember the outermost macro used. The tokens still to read
// are a stack (the next one last), onto which an expansion is pushed to
// be read again: the work is linear in the tokens produced.
func (pp *preproc) expand(toks []ppTok, inIf bool, depth int) []ppTok {
	work := make([]ppTok, len(toks))
	for i, t := range toks {
		work[len(toks)-1-i] = t
	}
	pop := func() ppTok {
		t := work[len(work)-1]
		work = work[:len(work)-1]
		return t
	}
	top := func() token {
		if len(work) == 0 {
			return tokEOL
		}
		return work[len(work)-1].tok
	}
	var out []ppTok
	for len(work) > 0 {
		t := pop()
		if t.tok != tokIdent {
			out = append(out, t)
			continue
		}
		if inIf && t.lit == "defined" {
			paren := top() == "("
			if paren {
				pop()
			}
			var name ppTok
			if top() == tokIdent {
				name = pop()
			}
			if name.tok == "" || paren && top() != ")" {
				pp.errf(t.pos, "expected defined(NAME) or defined NAME")
				return append(out, ppTok{pos: t.pos, end: t.end, tok: tokBad})
			}
			end := name.end
			if paren {
				end = pop().end
			}
			v := "0"
			if pp.defined(name.lit) {
				v = "1"
			}
			out = append(out, ppTok{pos: t.pos, end: end, tok: tokInt, lit: v})
			continue
		}
		m := pp.defs.m[t.lit]
		if m == nil || t.hide.has(m.name) || m.value && !inIf {
			out = append(out, t)
			continue
		}
		var args [][]ppTok
		end := t.end
		if m.fn {
			if top() != "(" {
				out = append(out, t) // the name alone is not a use
				continue
			}
			pop()
			var ok bool
			// the arguments, up to the matching ')'
			var cur []ppTok
			nest := 0
			for ok = false; len(work) > 0; {
				a := pop()
				if a.tok == ")" && nest == 0 {
					args = append(args, cur)
					end, ok = a.end, true
					break
				}
				switch a.tok {
				case "(":
					nest++
				case ")":
					nest--
				case ",":
					if nest == 0 && !(m.variadic && len(args) == len(m.params)-1) {
						args = append(args, cur)
						cur = nil
						continue
					}
				}
				cur = append(cur, a)
			}
			if !ok {
				pp.errf(t.pos, "unterminated argument list invoking macro "+m.name)
				return out
			}
			if len(m.params) == 0 && len(args) == 1 && len(args[0]) == 0 {
				args = nil
			}
			if m.variadic && len(args) == len(m.params)-1 {
				args = append(args, nil) // no variable arguments
			}
			if len(args) != len(m.params) {
				pp.errf(t.pos, fmt.Sprintf("macro %s expects %d arguments, found %d", m.name, len(m.params), len(args)))
				return out
			}
			if depth >= maxArgDepth {
				pp.errf(t.pos, fmt.Sprintf("macro calls nested too deeply in arguments (more than %d levels)", maxArgDepth))
				return out
			}
		}
		repl := pp.subst(m, args, func(a []ppTok) []ppTok { return pp.expand(a, inIf, depth+1) }, t, end)
		if pp.defs.tooLarge {
			return out
		}
		for i := len(repl) - 1; i >= 0; i-- {
			work = append(work, repl[i])
		}
	}
	return out
}

// subst returns the body of m with its parameters replaced by args, as
// used by the token use (ending at end). An argument is expanded (by
// expand) first, unless it is an operand of # or ##.
func (pp *preproc) subst(m *macro, args [][]ppTok, expand func([]ppTok) []ppTok, use ppTok, end model.Pos) []ppTok {
	hide := &hideSet{m.name, use.hide}
	outer := use.macro
	if outer == "" {
		outer = m.name
	}
	repl := make([]ppTok, 0, len(m.body))
	add := func(t ppTok) {
		t.pos, t.end, t.macro = use.pos, end, outer
		h := hide
		if t.hide != nil {
			// keep the hide set of an argument's token, plus this macro
			h = &hideSet{m.name, t.hide}
		}
		t.hide = h
		repl = append(repl, t)
	}
	expanded := make([][]ppTok, len(args))
	done := make([]bool, len(args))
	paste, lastEmpty := false, false
	for i := 0; i < len(m.body); i++ {
		b := m.body[i]
		var seg []ppTok
		switch k := m.param(b); {
		case b.tok == "##":
			paste = true
			continue
		case b.tok == "#":
			i++
			seg = []ppTok{stringize(args[m.param(m.body[i])])}
		case k < 0:
			seg = []ppTok{b}
		case paste || i+1 < len(m.body) && m.body[i+1].tok == "##":
			seg = args[k]
		default:
			if !done[k] {
				expanded[k], done[k] = expand(args[k]), true
			}
			seg = expanded[k]
		}
		// An empty operand of ## is C's placemarker: the other operand
		// stays as it is.
		switch {
		case !paste:
			lastEmpty = len(seg) == 0
		case lastEmpty:
			lastEmpty = len(seg) == 0
		case len(seg) > 0:
			last := &repl[len(repl)-1]
			t, ok := pasteTokens(*last, seg[0])
			if !ok {
				pp.errf(use.pos, fmt.Sprintf("pasting %s and %s does not give a valid token", printable(spelling(*last)), printable(spelling(seg[0]))))
				t = *last
			}
			t.pos, t.end, t.macro, t.hide = last.pos, last.end, last.macro, last.hide
			*last = t
			seg = seg[1:]
		}
		paste = false
		for _, t := range seg {
			add(t)
		}
	}
	pp.defs.produced += len(repl)
	if pp.defs.produced > maxExpansion {
		if !pp.defs.tooLarge {
			pp.errf(use.pos, fmt.Sprintf("macro expansion too large (more than %d tokens)", maxExpansion))
		}
		pp.defs.tooLarge = true
		return nil
	}
	return repl
}

// spelling returns a token's text.
func spelling(t ppTok) string {
	if t.tok.isLiteral() || t.tok == tokBad {
		return t.lit
	}
	return string(t.tok)
}

// stringize returns the string literal of the spelling of toks, as the
// # operator makes it: one space where there was white space between
// tokens, and \ and " escaped in string and character literals.
func stringize(toks []ppTok) ppTok {
	var b strings.Builder
	b.WriteByte('"')
	for i, t := range toks {
		if i > 0 && t.space {
			b.WriteByte(' ')
		}
		sp := spelling(t)
		if t.tok == tokString || t.tok == tokInt && strings.HasPrefix(sp, "'") {
			sp = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(sp)
		}
		b.WriteString(sp)
	}
	b.WriteByte('"')
	return ppTok{tok: tokString, lit: b.String()}
}

// pasteTokens joins two tokens into one, as the ## operator does, if
// their spellings together are one token.
func pasteTokens(a, b ppTok) (ppTok, bool) {
	text := spelling(a) + spelling(b)
	var s scanner
	bad := false
	s.init("", []byte(text), func(model.Pos, string) { bad = true })
	s.code = true
	pos, end, tok, lit := s.scan()
	if bad || tok == tokEOF || s.off != len(text) {
		return ppTok{}, false
	}
	return ppTok{pos: pos, end: end, tok: tok, lit: lit}, true
}

// expandUse expands the use of a macro that t names, in the source. If
// the expansion ends with the name of a function-like macro and the
// source goes on with '(', that call is expanded too, as in C.
func (pp *preproc) expandUse(t ppTok) {
	var out []ppTok
	for {
		m := pp.defs.m[t.lit]
		toks := []ppTok{t}
		if m.fn {
			if pp.peekRaw().tok != "(" {
				break // the name alone is not a use
			}
			call, ok := pp.call(t, m)
			if !ok {
				return
			}
			toks = append(toks, call...)
		}
		more := pp.expand(toks, false, 0)
		if n := len(more); n > 0 && pp.expands(more[n-1]) && pp.defs.m[more[n-1].lit].fn {
			out = append(out, more[:n-1]...)
			t = more[n-1]
			continue
		}
		pp.queue = append(pp.queue, out...)
		pp.queue = append(pp.queue, more...)
		return
	}
	pp.queue = append(pp.queue, out...)
	pp.queue = append(pp.queue, t)
}

// call reads the '(' and arguments of a call of m, named by t, from the
// source, up to its ')'.
func (pp *preproc) call(t ppTok, m *macro) ([]ppTok, bool) {
	var toks []ppTok
	depth := 0
	for {
		a := pp.raw()
		if a.tok == tokEOF {
			pp.errf(t.pos, "unterminated argument list invoking macro "+m.name)
			return nil, false
		}
		if a.tok == "#" && pp.s.directive {
			// Conditionals are carried out, as GCC does; other directives
			// would have to come before the expansion.
			switch name := pp.peekRaw(); name.lit {
			case "if", "ifdef", "ifndef", "elif", "else", "endif":
				pp.directive(a)
			default:
				pp.errf(a.pos, "directive in the arguments of macro "+m.name+" not supported yet (only #if and the like)")
				pp.line()
			}
			continue
		}
		toks = append(toks, a)
		if a.tok == "(" {
			depth++
		} else if a.tok == ")" {
			depth--
			if depth == 0 {
				return toks, true
			}
		}
	}
}

// ifEval evaluates the expression of an #if: C's integer constant
// expressions over int64 (the language's one integer type).
type ifEval struct {
	pp    *preproc
	toks  []ppTok
	i     int
	at    model.Pos // the end of the directive's name, for an empty expression
	depth int
	bad   bool
}

func (e *ifEval) errf(t ppTok, msg string) {
	if !e.bad {
		e.pp.errf(t.pos, msg)
	}
	e.bad = true
}

func (e *ifEval) peek() ppTok {
	if e.i < len(e.toks) {
		return e.toks[e.i]
	}
	at := e.at
	if len(e.toks) > 0 {
		at = e.toks[len(e.toks)-1].end
	}
	return ppTok{pos: at, end: at, tok: tokEOL}
}

// ifPrec is the precedence of the binary operators of #if.
var ifPrec = map[token]int{
	"*": 10, "/": 10, "%": 10,
	"+": 9, "-": 9,
	"<<": 8, ">>": 8,
	"<": 7, "<=": 7, ">": 7, ">=": 7,
	"==": 6, "!=": 6,
	"&":  5,
	"^":  4,
	"|":  3,
	"&&": 2,
	"||": 1,
}

func (e *ifEval) cond() (int64, bool) {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxDepth {
		e.errf(e.peek(), fmt.Sprintf("expression nested too deeply (more than %d levels)", maxDepth))
		return 0, false
	}
	c, ok := e.binary(1)
	if !ok || e.peek().tok != "?" {
		return c, ok
	}
	e.i++
	a, ok1 := e.cond()
	if t := e.peek(); t.tok != ":" {
		e.errf(t, "expected ':' in #if, found "+tokDesc(t))
		return 0, false
	}
	e.i++
	b, ok2 := e.cond()
	if c != 0 {
		return a, ok1 && ok2
	}
	return b, ok1 && ok2
}

func (e *ifEval) binary(prec int) (int64, bool) {
	x, ok := e.unary()
	for ok {
		op := e.peek()
		p := ifPrec[op.tok]
		if p < prec {
			break
		}
		e.i++
		y, ok2 := e.binary(p + 1)
		if !ok2 {
			return 0, false
		}
		v, fok := fold(string(op.tok), model.Value(x), model.Value(y))
		if !fok {
			e.errf(op, "division by zero in #if")
			return 0, false
		}
		x = int64(v)
	}
	return x, ok
}

func (e *ifEval) unary() (int64, bool) {
	t := e.peek()
	switch t.tok {
	case "!", "~", "-", "+":
		e.i++
		e.depth++
		defer func() { e.depth-- }()
		if e.depth > maxDepth {
			e.errf(t, fmt.Sprintf("expression nested too deeply (more than %d levels)", maxDepth))
			return 0, false
		}
		x, ok := e.unary()
		return int64(foldUnary(string(t.tok), model.Value(x))), ok
	case "(":
		e.i++
		x, ok := e.cond()
		if !ok {
			return 0, false
		}
		if c := e.peek(); c.tok != ")" {
			e.errf(c, "expected ')' in #if, found "+tokDesc(c))
			return 0, false
		}
		e.i++
		return x, true
	case tokInt:
		e.i++
		v, err := parseInt(t.lit)
		if err != nil {
			e.errf(t, err.Error())
			return 0, false
		}
		return v, true
	case tokIdent:
		// A name that is not a macro is 0, as in C; true is 1.
		e.i++
		if t.lit == "true" {
			return 1, true
		}
		return 0, true
	}
	e.errf(t, "expected expression in #if, found "+tokDesc(t))
	return 0, false
}
