package litmus

import (
	"fmt"
	"strconv"
	"strings"

	"mmcheck/model"
)

// Config holds the options of the front end. The zero Config is the
// default used by the package-level functions.
type Config struct {
	// AllErrors reports every error (up to MaxErrors), several on a line
	// included, as go/parser's AllErrors; otherwise only the first error
	// of each line is reported (the others usually follow from it).
	AllErrors bool
	_         struct{}
}

// Parse parses a .lit or herd7 C .litmus file. The error, if any, is a
// [model.ErrorList]; the File is returned even then, possibly with
// *BadExpr, *BadStmt and *BadDecl nodes.
func Parse(filename string, src []byte) (*File, error) {
	return Config{}.Parse(filename, src)
}

// Parse is like the package-level [Parse] with the options of c.
func (c Config) Parse(filename string, src []byte) (*File, error) {
	return c.parse(filename, src, false)
}

// bailout is the parser's own panic sentinel: too many errors, or a
// tree too deep to parse on.
type bailout struct{}

func (c Config) parse(filename string, src []byte, header bool) (f *File, err error) {
	return c.parseWith(filename, src, header, newMacroTable(), nil)
}

// parseWith parses a file with the macros defined so far, reading the
// files it #includes in place with inc if it is not nil.
func (c Config) parseWith(filename string, src []byte, header bool, defs *macroTable, inc *includer) (f *File, err error) {
	p := &parser{all: c.AllErrors, header: header, inc: inc}
	f = &File{Name: filename, Src: src, Header: header, lines: lineOffsets(src), text: string(src)}
	p.file = f
	p.s.init(filename, src, p.error)
	p.pp.init(&p.s, p.error, defs)
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
		}
		p.errs = finishErrors(p.errs, c.AllErrors, p.tooMany, p.pos)
		err = p.errs.Err()
	}()
	p.next()
	p.parseFile()
	return f, nil
}

type parser struct {
	s      scanner
	pp     preproc
	inc    *includer // reads #include'd files in place, if not nil
	errs   model.ErrorList
	all    bool
	header bool
	file   *File

	pos, end model.Pos // current token
	tok      token
	lit      string
	macro    string    // the macro the current token comes from, if any
	prev     model.Pos // end of the previous token
	ntok     int       // tokens read: progress, where positions may repeat (a macro's expansion)

	typedefs map[string]bool // the type names declared by typedef so far

	tooMany bool // stopped at MaxErrors errors
	inInit  bool // parsing the init block: "N:reg" is a register reference
	depth   int  // nesting of expressions, statements and conditions
}

// nest counts one level of nesting of the parser's recursion, which is
// at most the depth of the tree it builds: past maxDepth the tree would
// be refused anyway, so the parser stops there, before its own recursion
// gets out of hand. The caller must call p.unnest() after the level.
// what names the construct ("expression", "statement", "condition").
func (p *parser) nest(what string) {
	p.depth++
	if p.depth > maxDepth {
		p.errs.Addf(p.pos, "%s nested too deeply (more than %d levels)", what, maxDepth)
		panic(bailout{})
	}
}

func (p *parser) unnest() { p.depth-- }

func (p *parser) next() {
	p.prev = p.end
	t := p.pp.next()
	p.pos, p.end, p.tok, p.lit, p.macro = t.pos, t.end, t.tok, t.lit, t.macro
	p.ntok++
	if t.macro != "" && t.pos.File == p.file.Name {
		if p.file.expansions == nil {
			p.file.expansions = map[model.Pos]string{}
		}
		p.file.expansions[t.pos] = t.macro
	}
}

// peek returns the token after the current one.
func (p *parser) peek() (token, string) {
	t := p.pp.peek()
	return t.tok, t.lit
}

func (p *parser) error(pos model.Pos, msg string) {
	if !p.all {
		if n := len(p.errs); n > 0 && p.errs[n-1].Pos.Line == pos.Line && p.errs[n-1].Pos.File == pos.File {
			return
		}
	}
	if len(p.errs) >= MaxErrors {
		p.tooMany = true
		panic(bailout{})
	}
	if p.macro != "" && pos == p.pos {
		msg += " (in expansion of macro " + p.macro + ")"
	}
	p.errs.Add(pos, msg)
}

func (p *parser) found() string {
	switch {
	case p.tok == tokEOF:
		return "EOF"
	case p.tok == tokEOL:
		return "newline"
	case p.tok.isLiteral() || p.tok == tokBad:
		return printable(p.lit) // a string may hold anything; tokBad's is a description
	}
	return "'" + string(p.tok) + "'"
}

func (p *parser) errorExpected(what string) {
	if p.unsupported() {
		return // refused by name
	}
	p.error(p.pos, "expected "+what+", found "+p.found())
}

// expect consumes tok or reports an error (without consuming anything).
func (p *parser) expect(tok token) model.Pos {
	pos := p.pos
	if p.tok == tok {
		p.next()
	} else {
		p.errorExpected("'" + string(tok) + "'")
	}
	return pos
}

// got consumes tok if it is the current token.
func (p *parser) got(tok token) bool {
	if p.tok == tok {
		p.next()
		return true
	}
	return false
}

func (p *parser) isKeyword(kw string) bool { return p.tok == tokIdent && p.lit == kw }

// ---- Files ----

func (p *parser) parseFile() {
	f := p.file
	if !p.header {
		if p.isKeyword("C") {
			f.Arch = &Ident{span{p.pos, p.end}, "C"}
			// The name is the rest of the line, whatever characters it has.
			pos, end, name := p.s.restOfLine()
			if name == "" {
				p.error(pos, "missing test name after C")
			}
			f.Test, f.TestPos = name, pos
			p.end = end
			p.next()
			if p.tok == "(" && p.pos.Line == pos.Line {
				// herd7's "(texname)", the name for LaTeX output
				p.next()
				p.ident()
				p.expect(")")
			}
		} else {
			p.error(p.pos, "expected 'C name' line, found "+p.found())
		}
		if p.tok == tokString {
			f.Info = p.lit
			p.next()
		}
		// herd7 "key=value" lines (Cycle=..., Prefetch=...)
		for p.tok == tokIdent && p.pos.Col == 1 {
			if t, _ := p.peek(); t != "=" {
				break
			}
			pos, key := p.pos, p.lit
			val := strings.TrimSpace(p.s.rawLine())
			val = strings.TrimSpace(strings.TrimPrefix(val, "="))
			f.Meta = append(f.Meta, &MetaLine{span{pos, p.s.pos(p.s.off)}, key, val})
			p.next()
		}
		if cs := *p.s.comments; len(cs) > 0 {
			f.Doc = &Comment{span{cs[0].pos, cs[0].pos}, cs[0].text}
			f.Doc.To = endOf(cs[0].pos, cs[0].text)
		}
	}
	for p.tok != tokEOF {
		start := p.ntok
		if c := p.parseClause(); c != nil {
			if p.shallow(c) {
				f.Clauses = append(f.Clauses, c)
			}
		} else if d := p.parseDecl(); d != nil {
			if !p.shallow(d) {
				d = &BadDecl{span{d.Pos(), d.End()}}
			}
			f.Decls = append(f.Decls, d)
		}
		if p.ntok == start && p.tok != tokEOF {
			p.next() // make progress
		}
	}
}

// shallow reports whether the tree of a top-level declaration or clause
// is at most maxDepth levels deep, and reports an error at the first node
// below that if it is not. Left-associative chains (a + b + c ..., x->f->g
// ..., c1 /\ c2 /\ ...) are parsed by loops, not recursion, so only the
// finished tree shows how deep they are; every later walk of the tree may
// then recurse without a check.
func (p *parser) shallow(n Node) bool {
	deep := tooDeep(n)
	if deep == nil {
		return true
	}
	e := depthError(deep)
	p.error(e.Pos, e.Msg)
	return false
}

// endOf returns the position just after text starting at pos.
func endOf(pos model.Pos, text string) model.Pos {
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		return model.Pos{File: pos.File, Line: pos.Line + strings.Count(text, "\n"), Col: len(text) - i}
	}
	return model.Pos{File: pos.File, Line: pos.Line, Col: pos.Col + len(text)}
}

// syncDecl skips to something that can start a top-level declaration.
func (p *parser) syncDecl() {
	for p.tok != tokEOF {
		if p.pos.Col == 1 && (p.tok == "{" || p.tok == "#" || p.tok == "~" || p.tok == tokIdent) {
			return
		}
		p.next()
	}
}

func isProcName(s string) (int, bool) {
	if len(s) < 2 || s[0] != 'P' {
		return 0, false
	}
	for i := 1; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil || n > 1<<16 {
		return 0, false
	}
	return n, true
}

func (p *parser) parseDecl() Decl {
	p.takeAlign(p.pos) // on something no value depends on
	if pos := p.pos; p.unsupported() {
		p.skipStmt()
		return &BadDecl{span{pos, p.prev}}
	}
	switch {
	case p.tok == "#":
		return p.parseDirective()
	case p.tok == "{":
		if p.header {
			p.error(p.pos, "init block not allowed in an included file")
		}
		return p.parseInitDecl()
	case p.tok == tokIdent:
		if id, ok := isProcName(p.lit); ok {
			if t, _ := p.peek(); t == "(" {
				return p.parseProc(id)
			}
		}
		if p.lit == "void" {
			// herd7's "void P0(...)"
			if t, lit := p.peek(); t == tokIdent {
				if id, ok := isProcName(lit); ok {
					p.next()
					return p.parseProc(id)
				}
			}
		}
		if p.lit == "struct" {
			return p.parseStructOrFunc()
		}
		if p.lit == "typedef" {
			return p.parseTypedef()
		}
		if p.isPerCPUDecl() {
			return p.parsePerCPUDecl()
		}
		if p.lit == "static" || p.lit == "inline" || funcSpecs[p.lit] != "" || p.isTypeStart() {
			return p.parseFunc(nil)
		}
	}
	pos := p.pos
	p.errorExpected("declaration")
	p.next()
	p.syncDecl()
	return &BadDecl{span{pos, p.prev}}
}

func (p *parser) parseDirective() Decl {
	pos := p.pos
	p.next() // #
	bad := func() Decl {
		for p.tok != tokEOL && p.tok != tokEOF {
			p.next()
		}
		end := p.prev
		p.got(tokEOL)
		return &BadDecl{span{pos, end}}
	}
	if p.tok != tokIdent {
		p.errorExpected("directive name")
		return bad()
	}
	switch p.lit {
	case "define":
		p.next()
		if p.tok != tokIdent {
			p.errorExpected("macro name")
			return bad()
		}
		name := p.ident()
		if p.tok == tokEOL || p.tok == tokEOF {
			p.error(p.pos, "missing value of #define "+name.Name)
			return bad()
		}
		x := p.parseExpr()
		d := &DefineDecl{span{pos, p.prev}, name, x}
		if p.tok != tokEOL && p.tok != tokEOF {
			p.errorExpected("end of line")
			bad()
			return d
		}
		p.got(tokEOL)
		return d
	case "include":
		p.next()
		if p.tok != tokString {
			p.errorExpected(`"file name"`)
			return bad()
		}
		path, err := strconv.Unquote(p.lit)
		if err != nil {
			p.error(p.pos, "invalid file name "+printable(p.lit))
		}
		d := &IncludeDecl{span: span{pos, p.end}, Path: path, PathPos: p.pos}
		if p.inc != nil && err == nil {
			// Read it now, before the lines after the #include are
			// preprocessed: its macros apply to them, and so do its
			// typedefs.
			p.inc.include(p, d)
			p.addTypedefs(d.File)
		}
		p.next()
		if p.tok != tokEOL && p.tok != tokEOF {
			p.errorExpected("end of line")
			bad()
			return d
		}
		p.got(tokEOL)
		return d
	}
	p.error(p.pos, "unknown directive #"+p.lit)
	return bad()
}

func (p *parser) ident() *Ident {
	id := &Ident{span{p.pos, p.end}, p.lit}
	if p.tok != tokIdent {
		p.errorExpected("name")
		id.Name = "_"
		id.To = id.From
		return id
	}
	p.next()
	return id
}

func (p *parser) parseInitDecl() Decl {
	pos := p.pos
	p.next() // {
	p.inInit = true
	defer func() { p.inInit = false }()
	var list []Stmt
	for p.tok != "}" && p.tok != tokEOF {
		start := p.ntok
		var s Stmt
		switch {
		case p.tok == ";":
			s = &EmptyStmt{span{p.pos, p.end}}
			p.next()
		case p.isTypeStart() || p.isKeyword("_Atomic"):
			s = p.parseInitTyped()
		default:
			spos := p.pos
			x := p.parseExpr()
			// herd7 allows the last item of the block without ';'
			if p.tok != "}" {
				p.expectSemi()
			}
			s = &ExprStmt{span{spos, p.prev}, x}
		}
		list = append(list, s)
		if p.ntok == start {
			p.next()
		}
	}
	p.expect("}")
	return &InitDecl{span{pos, p.prev}, list}
}

// expectSemi consumes a ';' or reports an error and skips to a likely end
// of statement.
func (p *parser) expectSemi() {
	if p.tok == ";" {
		p.next()
		return
	}
	if p.unsupported() {
		p.skipStmt()
		return
	}
	if p.semiAtEOL() {
		return // as if the ';' were there
	}
	p.errorExpected("';'")
	line := p.pos.Line
	for p.tok != tokEOF && p.tok != "}" {
		if p.tok == ";" {
			p.next()
			return
		}
		if p.pos.Line != line && (p.isStmtKeyword() || p.isTypeStart()) {
			return
		}
		p.next()
	}
}

func (p *parser) isStmtKeyword() bool {
	if p.tok != tokIdent {
		return false
	}
	switch p.lit {
	case "if", "for", "while", "do", "return", "break", "continue", "else", "switch", "case", "default", "goto":
		return true
	}
	return false
}

func (p *parser) parseStructOrFunc() Decl {
	pos := p.pos
	spec := p.parseTypeSpec()
	if p.tok != "{" {
		return p.parseFuncAfterSpec(pos, false, false, spec)
	}
	name := &Ident{span{spec.NamePos, spec.To}, spec.Name}
	fields, head := p.parseFields()
	tail, _ := p.takeAlign(p.pos)
	d := &StructDecl{span{pos, p.prev}, name, fields, max(head, tail)}
	switch {
	case p.tok == ";":
		p.next()
		d.To = p.prev
	case p.unsupported():
		p.skipStmt()
	case p.semiAtEOL():
	default:
		p.errorExpected("';'")
	}
	return d
}

// parseFields parses the body of a struct, from its "{" to its "}", and
// returns its fields and the alignment the attributes of the struct's
// head give it (struct __aligned(64) s { ... }), or 0.
func (p *parser) parseFields() ([]*DeclStmt, int64) {
	// As in a body, "(*" is code here ("void (*fn)(int);"), not a comment.
	code := p.s.code
	p.s.code = true
	head, _ := p.takeAlign(p.pos)
	p.expect("{")
	var fields []*DeclStmt
	for p.tok != "}" && p.tok != tokEOF {
		start := p.ntok
		if p.isTypeStart() {
			d := p.parseDeclStmt(false, false)
			d.Align, _ = p.takeAlign(p.prev)
			fields = append(fields, d)
		} else {
			p.errorExpected("field declaration")
			p.expectSemi()
		}
		if p.ntok == start {
			p.next()
		}
	}
	p.s.code = code
	p.takeAlign(p.pos) // after the last field's ';'
	p.expect("}")
	return fields, head
}

// parseTypedef parses a typedef; from then on its name is a type.
func (p *parser) parseTypedef() Decl {
	pos := p.pos
	p.next() // typedef
	d := &TypedefDecl{}
	switch {
	case p.isKeyword("struct"):
		if t, _ := p.peek(); t == "{" {
			d.Type = &TypeSpec{span: span{p.pos, p.end}, Struct: true, NamePos: p.end}
			p.next()
		} else {
			d.Type = p.parseTypeSpec()
		}
		if p.tok == "{" {
			d.Body = true
			d.Fields, d.Align = p.parseFields()
		}
	case p.isTypeStart():
		d.Type = p.parseTypeSpec()
	default:
		p.errorExpected("type")
		p.syncDecl()
		return &BadDecl{span{pos, p.prev}}
	}
	for p.tok == "*" {
		d.Stars++
		p.next()
		p.skipQualifiers(nil)
	}
	d.Name = p.ident()
	for p.tok == "[" {
		p.next()
		d.Dims = append(d.Dims, p.parseExpr())
		p.expect("]")
	}
	p.expectSemi()
	if n, at := p.takeAlign(p.prev); n > 0 {
		if d.Body && d.Stars == 0 && len(d.Dims) == 0 {
			d.Align = max(d.Align, n)
		} else {
			p.error(at, "aligned(...) on a typedef is supported only on the struct body it declares")
		}
	}
	d.span = span{pos, p.prev}
	if d.Name.Name != "_" {
		p.addTypedef(d.Name.Name)
	}
	return d
}

func (p *parser) addTypedef(name string) {
	if p.typedefs == nil {
		p.typedefs = map[string]bool{}
	}
	p.typedefs[name] = true
}

// addTypedefs makes the typedefs of an #include'd file, and of those it
// includes, type names here.
func (p *parser) addTypedefs(f *File) {
	if f == nil {
		return
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *TypedefDecl:
			p.addTypedef(d.Name.Name)
		case *IncludeDecl:
			p.addTypedefs(d.File)
		}
	}
}

// funcSpecs are the kernel's spellings of inline that may come with
// static: "inline" for each. The kernel's other function attributes
// (noinline, notrace, __cold, ...) never reach the parser: the
// preprocessor takes them out (attr.go).
var funcSpecs = map[string]string{
	"__always_inline": "inline", "__inline": "inline", "__inline__": "inline",
}

func (p *parser) parseFunc(_ *TypeSpec) Decl {
	pos := p.pos
	static, inline := false, false
	for {
		switch {
		case p.isKeyword("static"):
			static = true
			p.next()
			continue
		case p.isKeyword("inline"):
			inline = true
			p.next()
			continue
		case p.tok == tokIdent && funcSpecs[p.lit] != "":
			// the kernel's function attributes (compiler_types.h)
			inline = inline || funcSpecs[p.lit] == "inline"
			p.next()
			continue
		}
		break
	}
	if !p.isTypeStart() {
		p.errorExpected("type")
		p.syncDecl()
		return &BadDecl{span{pos, p.prev}}
	}
	spec := p.parseTypeSpec()
	return p.parseFuncAfterSpec(pos, static, inline, spec)
}

func (p *parser) parseFuncAfterSpec(pos model.Pos, static, inline bool, spec *TypeSpec) Decl {
	res := &TypeName{span{spec.From, spec.To}, spec, 0}
	for p.tok == "*" {
		res.Stars++
		res.To = p.end
		p.next()
		p.skipQualifiers(nil)
	}
	if p.tok != tokIdent || p.unsupported() {
		if p.tok != tokIdent {
			p.errorExpected("function name")
		}
		p.syncDecl()
		return &BadDecl{span{pos, p.prev}}
	}
	name := p.ident()
	if p.tok != "(" {
		switch p.tok {
		case ";", "=", "[", ",":
			// kernel code's "static int x;"
			p.error(name.Pos(), "top-level variable "+name.Name+" is not supported: declare shared variables in the init block")
			p.skipStmt()
		default:
			p.errorExpected("'('")
			p.syncDecl()
		}
		return &BadDecl{span{pos, p.prev}}
	}
	params := p.parseParams()
	if p.tok == ";" {
		// a prototype
		p.next()
		return &FuncDecl{span{pos, p.prev}, static, inline, res, name, params, nil}
	}
	if p.tok != "{" {
		switch {
		case p.unsupported():
		case p.semiAtEOL():
			// a prototype without its ';'
			return &FuncDecl{span{pos, p.prev}, static, inline, res, name, params, nil}
		default:
			p.errorExpected("'{'")
		}
		p.syncDecl()
		return &BadDecl{span{pos, p.prev}}
	}
	body := p.parseBody()
	return &FuncDecl{span{pos, p.prev}, static, inline, res, name, params, body}
}

func (p *parser) parseProc(id int) Decl {
	pos := p.pos
	name := p.ident()
	params := p.parseParams()
	if p.tok != "{" {
		p.errorExpected("'{'")
		p.syncDecl()
		return &BadDecl{span{pos, p.prev}}
	}
	body := p.parseBody()
	return &ProcDecl{span{pos, p.prev}, name, id, params, body}
}

func (p *parser) parseParams() []*Param {
	// "(*" is code here ("void (*fn)(int)"), not a comment.
	code := p.s.code
	p.s.code = true
	p.expect("(")
	var params []*Param
	if p.isKeyword("void") {
		if t, _ := p.peek(); t == ")" {
			p.next()
		}
	}
	for p.tok != ")" && p.tok != tokEOF {
		pos := p.pos
		if p.tok == "." {
			p.error(pos, "variadic functions (...) are not supported")
			for p.tok == "." {
				p.next()
			}
			break
		}
		if !p.isTypeStart() {
			p.errorExpected("parameter type")
			for p.tok != ")" && p.tok != "{" && p.tok != tokEOF {
				p.next()
			}
			break
		}
		t := p.parseTypeName()
		if p.funcPointer() {
			p.skipBalanced() // (*name)
			p.skipBalanced() // (params)
			if !p.got(",") {
				break
			}
			continue
		}
		name := p.ident()
		params = append(params, &Param{span{pos, p.prev}, t, name})
		if !p.got(",") {
			break
		}
	}
	p.s.code = code
	p.expect(")")
	return params
}

// parseBody parses a function or process body, where "(*" is code.
func (p *parser) parseBody() *BlockStmt {
	// The current token is '{', already scanned; the tokens after it are
	// scanned in code mode.
	p.s.code = true
	pos := p.pos
	p.next()
	list := p.parseStmtList()
	p.s.code = false
	p.expect("}")
	return &BlockStmt{span{pos, p.prev}, list}
}

// ---- Types ----

var typeWords = map[string]bool{
	"int": true, "char": true, "short": true, "long": true, "unsigned": true, "signed": true,
	"void": true, "_Bool": true, "bool": true,
	"intptr_t": true, "uintptr_t": true, "size_t": true,
	"u8": true, "u16": true, "u32": true, "u64": true, "s8": true, "s16": true, "s32": true, "s64": true,
	"atomic_t": true, "atomic_long_t": true, "refcount_t": true, "spinlock_t": true, "cpumask_t": true,
}

// qualifiers are skipped where a type may have them: C's, and sparse's
// address-space annotations of kernel code, which mean nothing here.
var qualifiers = map[string]bool{"volatile": true, "const": true,
	"__rcu": true, "__user": true, "__kernel": true, "__iomem": true, "__force": true,
	"__percpu": true} // not ignored: see skipQualifiers

// basicWords can combine ("unsigned long int").
var basicWords = map[string]bool{"int": true, "char": true, "short": true, "long": true, "unsigned": true, "signed": true}

func (p *parser) isTypeStart() bool {
	return p.tok == tokIdent && p.isTypeWord(p.lit)
}

// isTypeWord reports whether a name starts a type: a type word, a
// qualifier, struct, or a typedef name.
func (p *parser) isTypeWord(lit string) bool {
	return typeWords[lit] || qualifiers[lit] || lit == "struct" || p.typedefs[lit]
}

// skipQualifiers skips the qualifiers of a type: those of its base type
// spec, or, if spec is nil, those after a '*'. __percpu qualifies a base
// type (T __percpu *p: p points to a per-CPU variable); after a '*' it
// is refused.
func (p *parser) skipQualifiers(spec *TypeSpec) {
	for p.tok == tokIdent && (qualifiers[p.lit] || p.lit == "restrict" || p.lit == "__restrict") {
		switch {
		case !qualifiers[p.lit]:
			p.unsupported() // and go on without it
		case p.lit == "__percpu" && spec != nil:
			spec.PerCPU = true
		case p.lit == "__percpu":
			p.error(p.pos, "__percpu after '*' is not supported: write T __percpu *p, a pointer to a per-CPU variable")
		}
		p.next()
	}
}

func (p *parser) parseTypeSpec() *TypeSpec {
	var percpu TypeSpec
	p.skipQualifiers(&percpu)
	pos := p.pos
	spec := &TypeSpec{span: span{pos, p.end}, PerCPU: percpu.PerCPU}
	switch {
	case p.isKeyword("struct"):
		p.next()
		spec.NamePos = p.pos
		if p.tok != tokIdent {
			p.errorExpected("struct name")
			spec.Name = "_"
		} else {
			spec.Name = p.lit
			p.next()
		}
		spec.Struct = true
	case p.tok == tokIdent && basicWords[p.lit]:
		var words []string
		for p.tok == tokIdent && (basicWords[p.lit] || qualifiers[p.lit]) {
			if basicWords[p.lit] {
				words = append(words, p.lit)
			}
			spec.PerCPU = spec.PerCPU || p.lit == "__percpu"
			p.next()
		}
		spec.Name = strings.Join(words, " ")
	case p.tok == tokIdent && (typeWords[p.lit] || p.typedefs[p.lit]):
		spec.Name = p.lit
		p.next()
	default:
		p.errorExpected("type")
		spec.Name = "int"
	}
	spec.To = p.prev
	p.skipQualifiers(spec)
	return spec
}

func (p *parser) parseTypeName() *TypeName {
	spec := p.parseTypeSpec()
	t := &TypeName{span{spec.From, spec.To}, spec, 0}
	for p.tok == "*" {
		t.Stars++
		t.To = p.end
		p.next()
		p.skipQualifiers(nil)
	}
	return t
}

// parseDeclStmt parses a declaration. inits says whether initialisers are
// allowed (not in structs); semi whether a missing final ';' may be
// tolerated before '}' (the init block).
func (p *parser) parseDeclStmt(inits, lenient bool) *DeclStmt {
	pos := p.pos
	spec := p.parseTypeSpec()
	return p.parseDeclRest(pos, spec, p.pos, p.stars(), inits, lenient)
}

// stars parses the stars of a declarator, and the qualifiers after them.
func (p *parser) stars() int {
	n := 0
	for p.tok == "*" {
		n++
		p.next()
		p.skipQualifiers(nil)
	}
	return n
}

// parseDeclRest parses the declarators of a declaration after its type,
// the first one's stars (from vpos) already parsed.
func (p *parser) parseDeclRest(pos model.Pos, spec *TypeSpec, vpos model.Pos, stars int, inits, lenient bool) *DeclStmt {
	d := &DeclStmt{span{pos, pos}, spec, nil, 0}
	for first := true; ; first = false {
		v := &VarSpec{}
		if first {
			v.Stars = stars
		} else {
			vpos = p.pos
			v.Stars = p.stars()
		}
		if p.funcPointer() {
			p.skipStmt()
			d.To = p.prev
			return d
		}
		v.Name = p.ident()
		for p.tok == "[" {
			p.next()
			v.Dims = append(v.Dims, p.parseExpr())
			p.expect("]")
		}
		if p.tok == ":" && !inits {
			p.error(p.pos, "bit-fields are not supported")
			p.next()
			p.parseTernary()
		}
		if p.tok == "=" {
			if !inits {
				p.error(p.pos, "struct fields cannot have initialisers")
			}
			p.next()
			v.Init = p.parseInitializer()
		}
		v.span = span{vpos, p.prev}
		d.Vars = append(d.Vars, v)
		if !p.got(",") {
			break
		}
	}
	if lenient && p.tok == "}" {
		d.To = p.prev
		return d
	}
	p.expectSemi()
	d.To = p.prev
	return d
}

// parseInitTyped parses a declaration in the init block: of shared
// objects, or herd7's of a register ("int 0:r1;", "int *1:r2 = x;").
// herd7's _Atomic before the type means nothing to an initial value.
func (p *parser) parseInitTyped() Stmt {
	pos := p.pos
	if p.isKeyword("_Atomic") {
		p.next()
	}
	spec := p.parseTypeSpec()
	vpos := p.pos
	stars := p.stars()
	if !p.atRegRef() {
		return p.parseDeclRest(pos, spec, vpos, stars, true, true)
	}
	t := &TypeName{span{spec.From, p.prev}, spec, stars}
	reg := p.parseRegRef()
	d := &RegDeclStmt{span{pos, pos}, t, reg, nil}
	if p.got("=") {
		d.Value = p.parseInitializer()
	}
	if p.tok != "}" {
		p.expectSemi()
	}
	d.To = p.prev
	return d
}

// atRegRef reports whether a register N:reg or PN:reg starts here.
func (p *parser) atRegRef() bool {
	if t, _ := p.peek(); t != ":" {
		return false
	}
	if p.tok == tokInt {
		return true
	}
	_, ok := isProcName(p.lit)
	return p.tok == tokIdent && ok
}

// parseRegRef parses N:reg or PN:reg, at atRegRef.
func (p *parser) parseRegRef() *RegRef {
	pos := p.pos
	var n int64
	if p.tok == tokInt {
		n, _ = parseInt(p.lit) // errors reported by the scanner
	} else {
		id, _ := isProcName(p.lit)
		n = int64(id)
	}
	p.next()
	p.next() // :
	name := p.ident()
	if n < 0 || n > 1<<16 {
		p.error(pos, fmt.Sprintf("no process P%d", n))
		n = 0
	}
	return &RegRef{span{pos, p.prev}, int(n), name.Name}
}

func (p *parser) parseInitializer() Expr {
	if p.tok == "{" {
		return p.parseInitList()
	}
	return p.parseAssign()
}

func (p *parser) parseInitList() Expr {
	p.nest("expression")
	defer p.unnest()
	pos := p.pos
	p.next() // {
	var elems []*InitElem
	for p.tok != "}" && p.tok != tokEOF {
		epos := p.pos
		e := &InitElem{}
		switch p.tok {
		case ".":
			p.next()
			e.Field = p.ident()
			p.expect("=")
		case "[":
			p.next()
			e.Index = p.parseExpr()
			p.expect("]")
			p.expect("=")
		}
		e.Value = p.parseInitializer()
		e.span = span{epos, p.prev}
		elems = append(elems, e)
		if !p.got(",") {
			break
		}
	}
	if p.tok != "}" {
		p.errorExpected("'}'")
		for p.tok != "}" && p.tok != ";" && p.tok != tokEOF {
			p.next()
		}
	}
	p.got("}")
	return &InitList{span{pos, p.prev}, elems}
}

// ---- Statements ----

func (p *parser) parseStmtList() []Stmt {
	var list []Stmt
	for p.tok != "}" && p.tok != tokEOF {
		start := p.ntok
		list = append(list, p.parseStmt())
		if p.ntok == start {
			p.next()
		}
	}
	return list
}

func (p *parser) parseBlock() *BlockStmt {
	pos := p.pos
	p.expect("{")
	list := p.parseStmtList()
	p.expect("}")
	return &BlockStmt{span{pos, p.prev}, list}
}

func (p *parser) parseStmt() Stmt {
	p.nest("statement")
	defer p.unnest()
	pos := p.pos
	switch p.tok {
	case "{":
		return p.parseBlock()
	case ";":
		p.next()
		return &EmptyStmt{span{pos, p.prev}}
	case tokIdent:
		if p.unsupported() {
			p.skipStmt()
			return &BadStmt{span{pos, p.prev}}
		}
		switch p.lit {
		case "static":
			p.error(pos, "static local variables are not supported: declare shared variables in the init block")
			p.skipStmt()
			return &BadStmt{span{pos, p.prev}}
		case "if":
			p.next()
			cond := p.parseParenExpr()
			then := p.parseStmt()
			var els Stmt
			if p.isKeyword("else") {
				p.next()
				els = p.parseStmt()
			}
			return &IfStmt{span{pos, p.prev}, cond, then, els}
		case "while":
			p.next()
			cond := p.parseParenExpr()
			body := p.parseStmt()
			return &WhileStmt{span{pos, p.prev}, cond, body}
		case "do":
			p.next()
			body := p.parseStmt()
			if !p.isKeyword("while") {
				p.errorExpected("'while'")
				return &BadStmt{span{pos, p.prev}}
			}
			p.next()
			cond := p.parseParenExpr()
			p.expectSemi()
			return &DoStmt{span{pos, p.prev}, body, cond}
		case "for":
			return p.parseFor()
		case "break", "continue":
			tok := p.lit
			p.next()
			p.expectSemi()
			return &BranchStmt{span{pos, p.prev}, tok}
		case "return":
			p.next()
			var x Expr
			if p.tok != ";" {
				x = p.parseExpr()
			}
			p.expectSemi()
			return &ReturnStmt{span{pos, p.prev}, x}
		case "switch":
			p.next()
			tag := p.parseParenExpr()
			body := p.parseStmt()
			return &SwitchStmt{span{pos, p.prev}, tag, body}
		case "case", "default":
			var x, hi Expr
			if p.lit == "case" {
				p.next()
				x = p.parseTernary()
				if p.tok == "." {
					// GNU C's case range: "case lo ... hi:"
					for k := 0; k < 3; k++ {
						p.expect(".")
					}
					hi = p.parseTernary()
				}
			} else {
				p.next()
			}
			p.expect(":")
			return &CaseStmt{span{pos, p.prev}, x, hi, p.parseLabeled()}
		case "goto":
			p.next()
			if p.tok == "*" {
				p.error(pos, "computed goto (goto *) is not supported")
				p.skipStmt()
				return &BadStmt{span{pos, p.prev}}
			}
			label := p.ident()
			p.expectSemi()
			return &GotoStmt{span{pos, p.prev}, label}
		case "typedef":
			p.error(p.pos, "typedef inside a function is not supported yet (declare the type at the top level)")
			for p.tok != ";" && p.tok != "}" && p.tok != tokEOF {
				p.next()
			}
			p.got(";")
			return &BadStmt{span{pos, p.prev}}
		case "else":
			p.error(p.pos, "else without if")
			p.next()
			return &BadStmt{span{pos, p.prev}}
		}
		if p.isTypeStart() {
			return p.parseDeclStmt(true, false)
		}
		if t, _ := p.peek(); t == ":" && !p.inInit {
			label := p.ident()
			p.next() // :
			return &LabelStmt{span{pos, p.prev}, label, p.parseLabeled()}
		}
	}
	x := p.parseExpr()
	if _, bad := x.(*BadExpr); bad {
		p.expectSemi()
		return &BadStmt{span{pos, p.prev}}
	}
	if c, ok := x.(*CallExpr); ok && forEachLoops[c.Fun.Name] {
		return p.forEachCPU(c) // for_each_cpu(cpu, mask) Body
	}
	p.expectSemi()
	return &ExprStmt{span{pos, p.prev}, x}
}

// parseLabeled parses the statement after a label, if any: none at the
// end of a block.
func (p *parser) parseLabeled() Stmt {
	if p.tok == "}" || p.tok == tokEOF {
		return nil
	}
	return p.parseStmt()
}

func (p *parser) parseParenExpr() Expr {
	p.expect("(")
	x := p.parseExpr()
	p.expect(")")
	return x
}

func (p *parser) parseFor() Stmt {
	pos := p.pos
	p.next() // for
	p.expect("(")
	var init Stmt
	switch {
	case p.tok == ";":
		p.next()
	case p.isTypeStart():
		init = p.parseDeclStmt(true, false)
	default:
		ipos := p.pos
		x := p.parseExpr()
		p.expect(";")
		init = &ExprStmt{span{ipos, p.prev}, x}
	}
	var cond, post Expr
	if p.tok != ";" {
		cond = p.parseExpr()
	}
	p.expect(";")
	if p.tok != ")" {
		post = p.parseExpr()
	}
	p.expect(")")
	body := p.parseStmt()
	return &ForStmt{span{pos, p.prev}, init, cond, post, body}
}

// ---- Expressions ----

func (p *parser) parseExpr() Expr {
	x := p.parseAssign()
	for p.tok == "," {
		opPos := p.pos
		p.next()
		y := p.parseAssign()
		x = &BinaryExpr{span{x.Pos(), y.End()}, ",", opPos, x, y}
	}
	return x
}

var assignOps = map[token]bool{"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true,
	"&=": true, "|=": true, "^=": true, "<<=": true, ">>=": true}

func (p *parser) parseAssign() Expr {
	x := p.parseTernary()
	if assignOps[p.tok] {
		op, opPos := string(p.tok), p.pos
		p.next()
		p.nest("expression")
		y := p.parseAssign()
		p.unnest()
		return &AssignExpr{span{x.Pos(), y.End()}, op, opPos, x, y}
	}
	return x
}

func (p *parser) parseTernary() Expr {
	x := p.parseBinary(1)
	if p.tok == "?" {
		p.next()
		p.nest("expression")
		defer p.unnest()
		then := p.parseExpr()
		p.expect(":")
		els := p.parseTernary()
		return &TernaryExpr{span{x.Pos(), els.End()}, x, then, els}
	}
	return x
}

var binPrec = map[token]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
	"<": 7, "<=": 7, ">": 7, ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

func (p *parser) parseBinary(prec int) Expr {
	x := p.parseUnary()
	for {
		q, ok := binPrec[p.tok]
		if !ok || q < prec {
			return x
		}
		op, opPos := string(p.tok), p.pos
		p.next()
		y := p.parseBinary(q + 1)
		x = &BinaryExpr{span{x.Pos(), y.End()}, op, opPos, x, y}
	}
}

func (p *parser) parseUnary() Expr {
	p.nest("expression")
	defer p.unnest()
	pos := p.pos
	switch p.tok {
	case "-", "+", "!", "~", "&", "*", "++", "--":
		op := string(p.tok)
		p.next()
		x := p.parseUnary()
		return &UnaryExpr{span{pos, x.End()}, op, x}
	case "(":
		if t, lit := p.peek(); t == tokIdent && p.isTypeWord(lit) {
			p.next()
			typ := p.parseTypeName()
			p.expect(")")
			if p.tok == "{" {
				p.error(pos, "compound literals are not supported")
				p.skipBalanced()
				return &BadExpr{span{pos, p.prev}}
			}
			x := p.parseUnary()
			return &CastExpr{span{pos, x.End()}, typ, x}
		}
	case "&&":
		if p.unsupported() { // &&label
			p.next()
			p.next()
			return &BadExpr{span{pos, p.prev}}
		}
	case tokIdent:
		if p.lit == "sizeof" {
			return p.parseSizeof()
		}
	}
	return p.parsePostfix(p.parsePrimary())
}

// parseSizeof parses sizeof(TypeName) or sizeof UnaryExpr.
func (p *parser) parseSizeof() Expr {
	pos := p.pos
	p.next() // sizeof
	if p.tok == "(" {
		if t, lit := p.peek(); t == tokIdent && p.isTypeWord(lit) {
			p.next()
			typ := p.parseTypeName()
			p.expect(")")
			return &SizeofExpr{span{pos, p.prev}, typ, nil}
		}
	}
	x := p.parseUnary()
	return &SizeofExpr{span{pos, x.End()}, nil, x}
}

func (p *parser) parsePrimary() Expr {
	pos := p.pos
	switch p.tok {
	case tokIdent:
		if p.inInit && p.atRegRef() {
			return p.parseRegRef()
		}
		if p.unsupported() { // typeof(x), _Generic(...), asm(...)
			p.next()
			if p.tok == "(" {
				p.skipBalanced()
			}
			return &BadExpr{span{pos, p.prev}}
		}
		return p.ident()
	case tokInt:
		if p.inInit && p.atRegRef() {
			return p.parseRegRef()
		}
		lit := p.lit
		v, _ := parseInt(lit) // errors reported by the scanner
		p.next()
		return &IntLit{span{pos, p.prev}, lit, v}
	case "[":
		if p.inInit {
			// herd7's [x], the location x
			p.next()
			x := p.parseTerm()
			p.expect("]")
			return x
		}
	case "(":
		if p.unsupported() { // ({ ... })
			p.skipBalanced()
			return &BadExpr{span{pos, p.prev}}
		}
		p.next()
		x := p.parseExpr()
		p.expect(")")
		return &ParenExpr{span{pos, p.prev}, x}
	case "{":
		p.error(pos, "initializer list not allowed here")
		return p.parseInitList()
	case tokString:
		p.unsupported()
		p.next()
		return &BadExpr{span{pos, p.prev}}
	}
	p.errorExpected("expression")
	return &BadExpr{span{pos, pos}}
}

func (p *parser) parsePostfix(x Expr) Expr {
	for {
		switch p.tok {
		case "[":
			p.next()
			i := p.parseExpr()
			p.expect("]")
			x = &IndexExpr{span{x.Pos(), p.prev}, x, i}
		case ".", "->":
			if t, _ := p.peek(); p.tok == "." && t == "." {
				return x // "...": GNU C's case range
			}
			arrow := p.tok == "->"
			p.next()
			sel := p.ident()
			x = &SelectorExpr{span{x.Pos(), p.prev}, x, arrow, sel}
		case "++", "--":
			x = &PostfixExpr{span{x.Pos(), p.end}, string(p.tok), p.pos, x}
			p.next()
		case "(":
			id, ok := x.(*Ident)
			if !ok {
				p.error(p.pos, "cannot call a non-function")
				id = &Ident{span{x.Pos(), x.End()}, "_"}
			}
			p.next()
			var args []Expr
			for p.tok != ")" && p.tok != tokEOF {
				args = append(args, p.parseAssign())
				if !p.got(",") {
					break
				}
			}
			p.expect(")")
			x = &CallExpr{span{x.Pos(), p.prev}, id, args}
		default:
			return x
		}
	}
}

// ---- Clauses ----

// parseClause parses a clause if one starts here, else returns nil.
func (p *parser) parseClause() Clause {
	pos := p.pos
	var kind model.CondKind
	switch {
	case p.tok == "~":
		if t, lit := p.peek(); t != tokIdent || lit != "exists" {
			return nil
		}
		p.next()
		kind = model.NotExists
	case p.isKeyword("exists"), p.isKeyword("final"):
		kind = model.Exists
	case p.isKeyword("observed"), p.isKeyword("Observed"):
		kind = model.Exists
	case p.isKeyword("forall"):
		kind = model.Forall
	case p.isKeyword("locations"):
		p.next()
		p.expect("[")
		var terms []Expr
		for p.tok != "]" && p.tok != tokEOF {
			start := p.ntok
			terms = append(terms, p.parseTerm())
			// herd7's type of a location ("x*", "x int", "0:r0 int*"),
			// which only says how herd7 prints its values: mmcheck
			// knows the type.
			if p.tok == tokIdent && p.isTypeWord(p.lit) {
				p.next()
			}
			p.got("*")
			if !p.got(";") && p.tok != "]" {
				p.errorExpected("';' or ']'")
				if p.ntok == start {
					break
				}
			}
		}
		p.expect("]")
		return p.clauseEnd(&LocationsClause{span{pos, p.prev}, terms})
	case p.isKeyword("filter"):
		p.next()
		x := p.parseProp()
		return p.clauseEnd(&FilterClause{span{pos, p.prev}, x})
	case p.isKeyword("leak_check"):
		p.next()
		p.expect("(")
		var objs []*Ident
		for p.tok != ")" && p.tok != tokEOF {
			objs = append(objs, p.ident())
			if !p.got(",") {
				break
			}
		}
		p.expect(")")
		return p.clauseEnd(&LeakCheckClause{span{pos, p.prev}, objs})
	default:
		return nil
	}
	if p.header {
		p.error(pos, "conditions not allowed in an included file")
	}
	observed := p.isKeyword("observed") || p.isKeyword("Observed")
	p.next() // exists / forall / final / observed
	var x Prop
	if observed {
		x = p.parseObserved(pos)
	} else {
		x = p.parseProp()
	}
	c := &CondClause{span{pos, p.prev}, kind, x}
	p.parseWith()
	return p.clauseEnd(c)
}

func (p *parser) clauseEnd(c Clause) Clause {
	p.got(";")
	return c
}

// parseObserved parses the body of herd7's "observed" clause: conjunctions
// of atoms each followed by ";", separated by "and"; the clause is their
// disjunction, and an empty conjunction is true.
func (p *parser) parseObserved(pos model.Pos) Prop {
	var or Prop
	for {
		var and Prop
		for p.tok != tokEOF && !p.isKeyword("and") && !p.isKeyword("with") && !p.startsClause() {
			start := p.ntok
			a := p.parsePropAtom()
			if and == nil {
				and = a
			} else {
				and = &PropBinary{span{and.Pos(), a.End()}, `/\`, a.Pos(), and, a}
			}
			if !p.got(";") {
				p.errorExpected("';'")
				if p.ntok == start {
					break
				}
			}
		}
		if and == nil {
			and = &PropConst{span{p.pos, p.pos}, true}
		} else {
			and = &PropParen{span{and.Pos(), and.End()}, and}
		}
		if or == nil {
			or = and
		} else {
			or = &PropBinary{span{or.Pos(), and.End()}, `\/`, and.Pos(), or, and}
		}
		if !p.isKeyword("and") {
			return or
		}
		p.next()
	}
}

// startsClause reports whether a clause starts here (ending an
// "observed" clause).
func (p *parser) startsClause() bool {
	if p.tok == "~" {
		t, lit := p.peek()
		return t == tokIdent && lit == "exists"
	}
	if p.tok != tokIdent {
		return false
	}
	switch p.lit {
	case "exists", "forall", "final", "observed", "Observed", "locations", "filter", "leak_check":
		return true
	}
	return false
}

// parseWith parses and drops herd7's "with" Name ":" Kind {";" ...}
// after a condition, which herd7 parses and ignores too.
func (p *parser) parseWith() {
	if !p.isKeyword("with") {
		return
	}
	p.next()
	for {
		p.ident()
		p.expect(":")
		switch {
		case p.isKeyword("exists"), p.isKeyword("forall"):
			p.next()
		case p.tok == "~" || p.isKeyword("not"):
			p.next()
			if !p.isKeyword("exists") {
				p.errorExpected("'exists'")
				return
			}
			p.next()
		default:
			p.errorExpected("'exists', 'forall' or '~exists'")
			return
		}
		if p.tok != ";" {
			return
		}
		if t, _ := p.peek(); t != tokIdent {
			return
		}
		p.next()
		if p.startsClause() {
			return
		}
	}
}

// Propositions: "\/" binds loosest, then "/\", then "=>" (to the
// right), then "~" and "not", as in herd7's grammar.

func (p *parser) parseProp() Prop {
	x := p.parsePropAnd()
	for p.tok == `\/` {
		op := p.pos
		p.next()
		y := p.parsePropAnd()
		x = &PropBinary{span{x.Pos(), y.End()}, `\/`, op, x, y}
	}
	return x
}

func (p *parser) parsePropAnd() Prop {
	x := p.parsePropImplies()
	for p.tok == `/\` {
		op := p.pos
		p.next()
		y := p.parsePropImplies()
		x = &PropBinary{span{x.Pos(), y.End()}, `/\`, op, x, y}
	}
	return x
}

func (p *parser) parsePropImplies() Prop {
	x := p.parsePropUnary()
	if p.tok == "=" {
		if t, _ := p.peek(); t == ">" {
			op := p.pos
			p.next()
			p.next()
			p.nest("condition")
			y := p.parsePropImplies()
			p.unnest()
			return &PropBinary{span{x.Pos(), y.End()}, "=>", op, x, y}
		}
	}
	return x
}

func (p *parser) parsePropUnary() Prop {
	p.nest("condition")
	defer p.unnest()
	pos := p.pos
	switch {
	case p.tok == "~" || p.isKeyword("not"):
		p.next()
		x := p.parsePropUnary()
		return &PropNot{span{pos, x.End()}, x}
	case p.tok == "(":
		p.next()
		x := p.parseProp()
		p.expect(")")
		return &PropParen{span{pos, p.prev}, x}
	case p.isKeyword("true") || p.isKeyword("false"):
		if t, _ := p.peek(); t != "=" && t != "==" && t != "!=" {
			v := p.lit == "true"
			p.next()
			return &PropConst{span{pos, p.prev}, v}
		}
	case p.isKeyword("freed"):
		if t, _ := p.peek(); t == "(" {
			p.next()
			p.next()
			x := p.parseTerm()
			p.expect(")")
			return &PropFreed{span{pos, p.prev}, x}
		}
	}
	return p.parsePropAtom()
}

// parsePropAtom parses a comparison L Op R.
func (p *parser) parsePropAtom() Prop {
	pos := p.pos
	l := p.parseTerm()
	if _, bad := l.(*BadExpr); bad {
		p.skipProp()
		return &BadProp{span{pos, p.prev}}
	}
	op, opPos := string(p.tok), p.pos
	if id, ok := l.(*Ident); ok && (id.Name == "true" || id.Name == "false") && p.tok == "=" {
		if t, _ := p.peek(); t == ">" {
			return &PropConst{id.span, id.Name == "true"} // true => P
		}
	}
	switch {
	case p.tok == "=" || p.tok == "==" || p.tok == "!=":
		p.next()
	case p.tok == "<":
		if t, _ := p.peek(); t != ">" {
			p.errorExpected("'='")
			p.skipProp()
			return &BadProp{span{pos, p.prev}}
		}
		op = "!=" // herd7's "<>"
		p.next()
		p.next()
	default:
		p.errorExpected("'='")
		p.skipProp()
		return &BadProp{span{pos, p.prev}}
	}
	var r Expr
	if p.tok == "{" {
		// herd7's a={1,2}: every element of array a
		r = p.parseInitList()
	} else if p.tok == "[" {
		// herd7's [x] on the right: the value of location x
		rpos := p.pos
		p.next()
		x := p.parseTerm()
		p.expect("]")
		r = &UnaryExpr{span{rpos, p.prev}, "*", x}
	} else {
		r = p.parseTerm()
	}
	return &PropCmp{span{pos, p.prev}, l, op, opPos, r}
}

// skipProp skips to the end of a bad atom.
func (p *parser) skipProp() {
	for p.tok != tokEOF && p.tok != `/\` && p.tok != `\/` && p.tok != ")" && p.tok != ";" {
		if p.tok == tokIdent && p.pos.Col == 1 {
			return
		}
		p.next()
	}
}

// parseTerm parses a term of a condition or locations clause.
func (p *parser) parseTerm() Expr {
	p.nest("expression")
	defer p.unnest()
	pos := p.pos
	switch p.tok {
	case tokInt:
		if p.atRegRef() {
			return p.parseRegRef()
		}
		lit := p.lit
		v, _ := parseInt(lit)
		p.next()
		return &IntLit{span{pos, p.prev}, lit, v}
	case "-", "&", "*":
		op := string(p.tok)
		p.next()
		x := p.parseTerm()
		return &UnaryExpr{span{pos, x.End()}, op, x}
	case "[":
		// herd7's [x] on the left of a comparison, or in the init
		// block: the location x
		p.next()
		x := p.parseTerm()
		p.expect("]")
		return x
	case tokIdent:
		if p.atRegRef() {
			return p.parseRegRef()
		}
		x := Expr(p.ident())
		for {
			switch p.tok {
			case ".", "->":
				arrow := p.tok == "->"
				p.next()
				sel := p.ident()
				x = &SelectorExpr{span{x.Pos(), p.prev}, x, arrow, sel}
				continue
			case "[":
				p.next()
				i := p.parseExpr()
				p.expect("]")
				x = &IndexExpr{span{x.Pos(), p.prev}, x, i}
				continue
			case "(":
				if id, ok := x.(*Ident); ok && id.Name == "per_cpu" {
					x = p.parsePostfix(x) // per_cpu(x, 1).f
					continue
				}
			}
			return x
		}
	}
	p.errorExpected("term")
	return &BadExpr{span{pos, pos}}
}

// String returns a short description of a node kind (for messages).
func nodeKind(n Node) string { return strings.TrimPrefix(fmt.Sprintf("%T", n), "*litmus.") }
