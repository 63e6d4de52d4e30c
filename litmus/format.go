package litmus

import (
	"bytes"
	"fmt"
	"strings"
)

// Format prints a syntax tree as source text, in a canonical layout (tabs,
// one statement per line). Parse(Format(f)) gives back f up to positions
// and comments other than the doc comment. A tree nested more deeply than
// Parse allows (1,000 levels) is printed down to that depth, with a
// comment in place of the rest. Format does not add
// parentheses: an expression tree that did not come from Parse must
// already have *ParenExpr nodes where precedence needs them. The tree is
// that of the preprocessed source: conditional directives and the
// definitions of function-like and empty macros are not in it, and their
// uses are expanded.
func Format(f *File) []byte {
	var p printer
	if f.Arch != nil {
		p.str("C " + f.Test)
		p.nl()
	}
	if f.Info != "" {
		p.str(f.Info)
		p.nl()
	}
	for _, m := range f.Meta {
		p.raw(m.Key + "=" + m.Value)
		p.nl()
	}
	if f.Doc != nil {
		p.nl()
		p.raw(f.Doc.Text)
		p.nl()
	}
	for _, d := range f.Decls {
		p.nl()
		p.decl(d)
	}
	if len(f.Clauses) > 0 {
		p.nl()
	}
	for _, c := range f.Clauses {
		p.clause(c)
		p.nl()
	}
	return p.buf.Bytes()
}

// FormatExpr prints an expression.
func FormatExpr(x Expr) string {
	var p printer
	p.expr(x)
	return p.buf.String()
}

type printer struct {
	buf    bytes.Buffer
	indent int
	bol    bool // at the beginning of a line (before indentation)
	code   bool // in a function body, where "(*" is not a comment
	depth  int  // statements, expressions and conditions being printed
}

// enter counts a level of nesting. A tree from Parse is at most maxDepth
// levels deep; a deeper one (built by hand) is cut there, with a comment
// in place of what is below, rather than overflowing the stack. If enter
// reports true, the caller must call p.leave() after the level.
func (p *printer) enter() bool {
	if p.depth >= maxDepth {
		p.str("/* nested too deeply */")
		return false
	}
	p.depth++
	return true
}

func (p *printer) leave() { p.depth-- }

// glue lists the pairs of characters that must not be printed next to
// each other because they would scan as one token or start a comment.
var glue = map[string]bool{
	"++": true, "--": true, "->": true, "&&": true, "||": true, "<<": true, ">>": true,
	"<=": true, ">=": true, "==": true, "!=": true, "+=": true, "-=": true, "*=": true,
	"/=": true, "%=": true, "&=": true, "|=": true, "^=": true, "//": true, "/*": true,
	"(*": true, `/\`: true, `\/`: true,
}

func (p *printer) str(s string) {
	if s == "" {
		return
	}
	if p.bol {
		p.bol = false
		for i := 0; i < p.indent; i++ {
			p.buf.WriteByte('\t')
		}
	}
	if n := p.buf.Len(); n > 0 {
		last := p.buf.Bytes()[n-1]
		pair := string([]byte{last, s[0]})
		if glue[pair] && (pair != "(*" || !p.code) || isIdentByte(last) && isIdentByte(s[0]) {
			p.buf.WriteByte(' ')
		}
	}
	p.buf.WriteString(s)
}

// raw writes text verbatim (comments).
func (p *printer) raw(s string) {
	if p.bol {
		p.bol = false
	}
	p.buf.WriteString(s)
}

func isIdentByte(c byte) bool { return isLetter(c) || isDigit(c) }

func (p *printer) sp() {
	if !p.bol && p.buf.Len() > 0 {
		p.buf.WriteByte(' ')
	}
}

func (p *printer) nl() {
	p.buf.WriteByte('\n')
	p.bol = true
}

// ---- Declarations ----

func (p *printer) decl(d Decl) {
	switch d := d.(type) {
	case *DefineDecl:
		p.str("#define")
		p.sp()
		p.str(d.Name.Name)
		p.sp()
		p.expr(d.Value)
		p.nl()
	case *IncludeDecl:
		p.str("#include")
		p.sp()
		p.str(fmt.Sprintf("%q", d.Path))
		p.nl()
	case *StructDecl:
		p.str("struct")
		p.sp()
		p.str(d.Name.Name)
		p.sp()
		p.fields(d.Fields)
		p.aligned(d.Align)
		p.str(";")
		p.nl()
	case *TypedefDecl:
		p.str("typedef")
		p.sp()
		if d.Body {
			p.str("struct")
			p.sp()
			if d.Type.Name != "" {
				p.str(d.Type.Name)
				p.sp()
			}
			p.fields(d.Fields)
			p.aligned(d.Align)
		} else {
			p.typeSpec(d.Type)
		}
		p.sp()
		p.str(strings.Repeat("*", d.Stars))
		p.str(d.Name.Name)
		for _, dim := range d.Dims {
			p.str("[")
			p.expr(dim)
			p.str("]")
		}
		p.str(";")
		p.nl()
	case *InitDecl:
		p.str("{")
		p.nl()
		p.indent++
		for _, s := range d.List {
			p.stmt(s)
			p.nl()
		}
		p.indent--
		p.str("}")
		p.nl()
	case *FuncDecl:
		if d.Static {
			p.str("static")
			p.sp()
		}
		if d.Inline {
			p.str("inline")
			p.sp()
		}
		p.typeName(d.Result)
		if d.Result.Stars == 0 {
			p.sp()
		}
		p.str(d.Name.Name)
		p.params(d.Params)
		if d.Body == nil {
			p.str(";")
			p.nl()
			return
		}
		p.nl()
		p.body0(d.Body)
		p.nl()
	case *ProcDecl:
		p.str(d.Name.Name)
		p.params(d.Params)
		p.nl()
		p.body0(d.Body)
		p.nl()
	case *PerCPUDecl:
		p.perCPUDecl(d)
	case *BadDecl:
		p.str("/* bad declaration */")
		p.nl()
	}
}

// body0 prints a function body, in code mode.
func (p *printer) body0(b *BlockStmt) {
	p.code = true
	p.block(b)
	p.code = false
}

func (p *printer) params(ps []*Param) {
	p.str("(")
	for i, par := range ps {
		if i > 0 {
			p.str(",")
			p.sp()
		}
		p.typeName(par.Type)
		if par.Type.Stars == 0 {
			p.sp()
		}
		p.str(par.Name.Name)
	}
	p.str(")")
}

func (p *printer) typeSpec(t *TypeSpec) {
	if t.Struct {
		p.str("struct")
		p.sp()
	}
	p.str(t.Name)
	if t.PerCPU {
		p.str(" __percpu")
	}
}

// aligned prints an aligned(n) attribute, if n is not 0.
func (p *printer) aligned(n int64) {
	if n != 0 {
		p.str(fmt.Sprintf(" __attribute__((aligned(%d)))", n))
	}
}

func (p *printer) typeName(t *TypeName) {
	p.typeSpec(t.Spec)
	if t.Stars > 0 {
		p.sp()
		p.str(strings.Repeat("*", t.Stars))
	}
}

// ---- Statements ----

func (p *printer) declStmt(d *DeclStmt) {
	p.typeSpec(d.Type)
	for i, v := range d.Vars {
		if i > 0 {
			p.str(",")
		}
		p.sp()
		p.str(strings.Repeat("*", v.Stars))
		p.str(v.Name.Name)
		for _, dim := range v.Dims {
			p.str("[")
			p.expr(dim)
			p.str("]")
		}
		if v.Init != nil {
			p.sp()
			p.str("=")
			p.sp()
			p.expr(v.Init)
		}
	}
	p.aligned(d.Align)
	p.str(";")
}

func (p *printer) block(b *BlockStmt) {
	p.str("{")
	p.nl()
	p.indent++
	for _, s := range b.List {
		p.stmt(s)
		p.nl()
	}
	p.indent--
	p.str("}")
}

// body prints the body of an if, loop or else: a block on the same line,
// another statement indented on the next line.
func (p *printer) body(s Stmt) {
	if b, ok := s.(*BlockStmt); ok {
		p.sp()
		p.block(b)
		return
	}
	p.nl()
	p.indent++
	p.stmt(s)
	p.indent--
}

func (p *printer) stmt(s Stmt) {
	if !p.enter() {
		return
	}
	defer p.leave()
	switch s := s.(type) {
	case *DeclStmt:
		p.declStmt(s)
	case *ExprStmt:
		p.expr(s.X)
		p.str(";")
	case *RegDeclStmt:
		p.typeName(s.Type)
		if s.Type.Stars == 0 {
			p.sp()
		}
		p.expr(s.Reg)
		if s.Value != nil {
			p.sp()
			p.str("=")
			p.sp()
			p.expr(s.Value)
		}
		p.str(";")
	case *BlockStmt:
		p.block(s)
	case *IfStmt:
		p.str("if")
		p.sp()
		p.str("(")
		p.expr(s.Cond)
		p.str(")")
		p.body(s.Then)
		if s.Else != nil {
			if _, ok := s.Then.(*BlockStmt); ok {
				p.sp()
			} else {
				p.nl()
			}
			p.str("else")
			if _, ok := s.Else.(*IfStmt); ok {
				p.sp()
				p.stmt(s.Else)
			} else {
				p.body(s.Else)
			}
		}
	case *ForStmt:
		p.str("for")
		p.sp()
		p.str("(")
		switch init := s.Init.(type) {
		case nil:
			p.str(";")
		case *DeclStmt:
			p.declStmt(init)
		case *ExprStmt:
			p.expr(init.X)
			p.str(";")
		default:
			p.stmt(init)
		}
		if s.Cond != nil {
			p.sp()
			p.expr(s.Cond)
		}
		p.str(";")
		if s.Post != nil {
			p.sp()
			p.expr(s.Post)
		}
		p.str(")")
		p.body(s.Body)
	case *WhileStmt:
		p.str("while")
		p.sp()
		p.str("(")
		p.expr(s.Cond)
		p.str(")")
		p.body(s.Body)
	case *DoStmt:
		p.str("do")
		p.body(s.Body)
		if _, ok := s.Body.(*BlockStmt); ok {
			p.sp()
		} else {
			p.nl()
		}
		p.str("while")
		p.sp()
		p.str("(")
		p.expr(s.Cond)
		p.str(");")
	case *SwitchStmt:
		p.str("switch")
		p.sp()
		p.str("(")
		p.expr(s.Tag)
		p.str(")")
		p.body(s.Body)
	case *CaseStmt:
		if s.Value != nil {
			p.str("case")
			p.sp()
			p.expr(s.Value)
			if s.Hi != nil {
				p.sp()
				p.str("...")
				p.sp()
				p.expr(s.Hi)
			}
			p.str(":")
		} else {
			p.str("default:")
		}
		if s.Stmt != nil {
			p.nl()
			p.stmt(s.Stmt)
		}
	case *LabelStmt:
		p.str(s.Label.Name + ":")
		if s.Stmt != nil {
			p.nl()
			p.stmt(s.Stmt)
		}
	case *GotoStmt:
		p.str("goto")
		p.sp()
		p.str(s.Label.Name + ";")
	case *BranchStmt:
		p.str(s.Tok + ";")
	case *ReturnStmt:
		p.str("return")
		if s.Result != nil {
			p.sp()
			p.expr(s.Result)
		}
		p.str(";")
	case *EmptyStmt:
		p.str(";")
	case *BadStmt:
		p.str("/* bad statement */;")
	}
}

// ---- Expressions ----

func (p *printer) expr(x Expr) {
	if !p.enter() {
		return
	}
	defer p.leave()
	switch x := x.(type) {
	case *Ident:
		p.str(x.Name)
	case *IntLit:
		p.str(x.Lit)
	case *ParenExpr:
		p.str("(")
		p.expr(x.X)
		p.str(")")
	case *UnaryExpr:
		p.str(x.Op)
		p.expr(x.X)
	case *PostfixExpr:
		p.expr(x.X)
		p.str(x.Op)
	case *BinaryExpr:
		p.expr(x.X)
		if x.Op != "," {
			p.sp()
		}
		p.str(x.Op)
		p.sp()
		p.expr(x.Y)
	case *AssignExpr:
		p.expr(x.X)
		p.sp()
		p.str(x.Op)
		p.sp()
		p.expr(x.Y)
	case *TernaryExpr:
		p.expr(x.Cond)
		p.sp()
		p.str("?")
		p.sp()
		p.expr(x.Then)
		p.sp()
		p.str(":")
		p.sp()
		p.expr(x.Else)
	case *CallExpr:
		p.str(x.Fun.Name)
		p.str("(")
		for i, a := range x.Args {
			if i > 0 {
				p.str(",")
				p.sp()
			}
			p.expr(a)
		}
		p.str(")")
	case *IndexExpr:
		p.expr(x.X)
		p.str("[")
		p.expr(x.Index)
		p.str("]")
	case *SelectorExpr:
		p.expr(x.X)
		if x.Arrow {
			p.str("->")
		} else {
			p.str(".")
		}
		p.str(x.Sel.Name)
	case *CastExpr:
		p.str("(")
		p.typeName(x.Type)
		p.str(")")
		p.expr(x.X)
	case *SizeofExpr:
		p.str("sizeof")
		if x.Type != nil {
			p.str("(")
			p.typeName(x.Type)
			p.str(")")
		} else {
			p.expr(x.X)
		}
	case *InitList:
		p.str("{")
		for i, e := range x.Elems {
			if i > 0 {
				p.str(",")
			}
			p.sp()
			if e.Field != nil {
				p.str(".")
				p.str(e.Field.Name)
				p.sp()
				p.str("=")
				p.sp()
			} else if e.Index != nil {
				p.str("[")
				p.expr(e.Index)
				p.str("]")
				p.sp()
				p.str("=")
				p.sp()
			}
			p.expr(e.Value)
		}
		if len(x.Elems) > 0 {
			p.sp()
		}
		p.str("}")
	case *RegRef:
		p.str(fmt.Sprintf("%d:%s", x.Proc, x.Name))
	case *BadExpr:
		p.str("/* bad expression */")
	}
}

// ---- Clauses ----

func (p *printer) clause(c Clause) {
	switch c := c.(type) {
	case *CondClause:
		p.str(c.Kind.String())
		p.sp()
		p.prop(c.X)
	case *LocationsClause:
		p.str("locations")
		p.sp()
		p.str("[")
		for i, t := range c.Terms {
			if i > 0 {
				p.str(";")
				p.sp()
			}
			p.expr(t)
		}
		p.str("]")
	case *FilterClause:
		p.str("filter")
		p.sp()
		p.prop(c.X)
	case *LeakCheckClause:
		p.str("leak_check")
		p.sp()
		p.str("(")
		for i, o := range c.Objs {
			if i > 0 {
				p.str(",")
				p.sp()
			}
			p.str(o.Name)
		}
		p.str(")")
	}
}

func (p *printer) prop(x Prop) {
	if !p.enter() {
		return
	}
	defer p.leave()
	switch x := x.(type) {
	case *PropBinary:
		p.prop(x.X)
		p.sp()
		p.str(x.Op)
		p.sp()
		p.prop(x.Y)
	case *PropNot:
		p.str("~")
		p.prop(x.X)
	case *PropParen:
		p.str("(")
		p.prop(x.X)
		p.str(")")
	case *PropCmp:
		p.expr(x.L)
		p.str(x.Op)
		p.expr(x.R)
	case *PropFreed:
		p.str("freed(")
		p.expr(x.Obj)
		p.str(")")
	case *PropConst:
		if x.Value {
			p.str("true")
		} else {
			p.str("false")
		}
	case *BadProp:
		p.str("/* bad condition */")
	}
}

// fields prints a struct's body, "{", a field a line, "}", for struct
// declarations and typedefs of structs alike.
func (p *printer) fields(fields []*DeclStmt) {
	p.str("{")
	p.nl()
	p.indent++
	for _, f := range fields {
		p.declStmt(f)
		p.nl()
	}
	p.indent--
	p.str("}")
}
