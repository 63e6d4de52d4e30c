package litmus

import "mmcheck/model"

// A Node is any node of the syntax tree. Pos is the position of its first
// character, End the position just after its last.
type Node interface {
	Pos() model.Pos
	End() model.Pos
}

// An Expr is an expression: *Ident, *IntLit, *ParenExpr, *UnaryExpr,
// *PostfixExpr, *BinaryExpr, *AssignExpr, *TernaryExpr, *CallExpr,
// *IndexExpr, *SelectorExpr, *CastExpr, *SizeofExpr, *InitList, *RegRef or
// *BadExpr.
type Expr interface {
	Node
	exprNode()
}

// A Stmt is a statement: *DeclStmt, *ExprStmt, *BlockStmt, *IfStmt,
// *ForStmt, *WhileStmt, *DoStmt, *SwitchStmt, *CaseStmt, *LabelStmt,
// *GotoStmt, *BranchStmt, *ReturnStmt, *EmptyStmt, *RegDeclStmt (init
// block only) or *BadStmt.
type Stmt interface {
	Node
	stmtNode()
}

// A Decl is a top-level declaration: *DefineDecl, *IncludeDecl,
// *StructDecl, *TypedefDecl, *InitDecl, *FuncDecl, *ProcDecl or *BadDecl.
type Decl interface {
	Node
	declNode()
}

// A Clause is one of the clauses after the processes: *CondClause,
// *LocationsClause, *FilterClause or *LeakCheckClause.
type Clause interface {
	Node
	clauseNode()
}

// A Prop is a proposition of a condition: *PropBinary, *PropNot,
// *PropParen, *PropCmp, *PropFreed, *PropConst or *BadProp.
type Prop interface {
	Node
	propNode()
}

// span is the extent of a node.
type span struct{ From, To model.Pos }

func (s span) Pos() model.Pos { return s.From }
func (s span) End() model.Pos { return s.To }

// A File is a parsed .lit (or herd7 .litmus) file, or an included header.
//
//	File = "C" Name [String] [Comment] { Decl } { Clause } .
type File struct {
	Name    string // file name, as given to Parse
	Src     []byte // source text
	Header  bool   // parsed as an #include'd header: no name line, init block, processes or clauses
	Arch    *Ident // "C"; nil for headers
	Test    string // test name from the "C name" line
	TestPos model.Pos
	Info    string      // optional quoted string after the name line (herd7's cycle), with quotes
	Meta    []*MetaLine // herd7 "key=value" lines after the name line
	Doc     *Comment    // the (* ... *) comment after the name line, if any
	Decls   []Decl
	Clauses []Clause

	lines []int  // offset of the start of each line
	text  string // Src as a string, which Text slices without copying

	expansions map[model.Pos]string // the positions of macro uses, and the macros used
}

// expansion returns the macro whose use is at pos, if any: the nodes of
// its expansion all start there.
func (f *File) expansion(pos model.Pos) string {
	if f == nil {
		return ""
	}
	return f.expansions[pos]
}

// A MetaLine is a herd7 "Key=Value" line after the name line (Cycle=...,
// Prefetch=...), kept as written.
type MetaLine struct {
	span
	Key, Value string
}

// A Comment is a herd7 (* ... *) comment; Text includes the delimiters.
type Comment struct {
	span
	Text string
}

// ---- Types ----

// A TypeSpec is a base type: int, intptr_t, unsigned long, atomic_t,
// spinlock_t, void, or struct Name. Qualifiers (volatile, const) are
// accepted and dropped.
type TypeSpec struct {
	span
	Struct  bool      // struct Name
	Name    string    // "int", "unsigned long", "mm_struct" (for struct mm_struct)
	NamePos model.Pos // for struct Name: the position of Name
	PerCPU  bool      // qualified __percpu: the type of a per-CPU variable's instances
}

// A TypeName is a base type with pointer stars, as in casts and parameters.
//
//	TypeName = TypeSpec { "*" } .
type TypeName struct {
	span
	Spec  *TypeSpec
	Stars int
}

// ---- Expressions ----

type (
	// An Ident is a name.
	Ident struct {
		span
		Name string
	}

	// An IntLit is an integer or character constant.
	IntLit struct {
		span
		Lit   string // as written
		Value int64
	}

	// A ParenExpr is "(" X ")".
	ParenExpr struct {
		span
		X Expr
	}

	// A UnaryExpr is Op X, Op one of - + ! ~ & * ++ --.
	UnaryExpr struct {
		span
		Op string
		X  Expr
	}

	// A PostfixExpr is X Op, Op one of ++ --.
	PostfixExpr struct {
		span
		Op    string
		OpPos model.Pos
		X     Expr
	}

	// A BinaryExpr is X Op Y, Op a C binary operator (including ",").
	BinaryExpr struct {
		span
		Op    string
		OpPos model.Pos
		X, Y  Expr
	}

	// An AssignExpr is X Op Y, Op one of = += -= *= /= %= &= |= ^= <<= >>=.
	AssignExpr struct {
		span
		Op    string
		OpPos model.Pos
		X, Y  Expr
	}

	// A TernaryExpr is Cond "?" Then ":" Else.
	TernaryExpr struct {
		span
		Cond, Then, Else Expr
	}

	// A CallExpr is Fun "(" [Args] ")": a primitive or a helper function.
	CallExpr struct {
		span
		Fun  *Ident
		Args []Expr
	}

	// An IndexExpr is X "[" Index "]".
	IndexExpr struct {
		span
		X, Index Expr
	}

	// A SelectorExpr is X "." Sel or X "->" Sel.
	SelectorExpr struct {
		span
		X     Expr
		Arrow bool
		Sel   *Ident
	}

	// A CastExpr is "(" Type ")" X.
	CastExpr struct {
		span
		Type *TypeName
		X    Expr
	}

	// A SizeofExpr is "sizeof" "(" TypeName ")" or "sizeof" UnaryExpr:
	// exactly one of Type and X is set. X is not evaluated.
	SizeofExpr struct {
		span
		Type *TypeName
		X    Expr
	}

	// An InitList is "{" [InitElem {"," InitElem} [","]] "}", allowed only
	// as an initialiser.
	InitList struct {
		span
		Elems []*InitElem
	}

	// A RegRef is Proc ":" Name, a register of a process, in the init
	// block and in conditions; Proc is written N or PN ("0:r1", "P0:r1").
	RegRef struct {
		span
		Proc int
		Name string
	}

	// A BadExpr stands for an expression with a syntax error.
	BadExpr struct {
		span
	}
)

// An InitElem is an element of an initialiser list:
//
//	InitElem = [ "." Field "=" | "[" Index "]" "=" ] (Expr | InitList) .
type InitElem struct {
	span
	Field *Ident // designator .Field, or nil
	Index Expr   // designator [Index], or nil
	Value Expr
}

func (*Ident) exprNode()        {}
func (*IntLit) exprNode()       {}
func (*ParenExpr) exprNode()    {}
func (*UnaryExpr) exprNode()    {}
func (*PostfixExpr) exprNode()  {}
func (*BinaryExpr) exprNode()   {}
func (*AssignExpr) exprNode()   {}
func (*TernaryExpr) exprNode()  {}
func (*CallExpr) exprNode()     {}
func (*IndexExpr) exprNode()    {}
func (*SelectorExpr) exprNode() {}
func (*CastExpr) exprNode()     {}
func (*SizeofExpr) exprNode()   {}
func (*InitList) exprNode()     {}
func (*RegRef) exprNode()       {}
func (*BadExpr) exprNode()      {}

// ---- Statements ----

type (
	// A DeclStmt declares variables (locals, struct fields, or shared
	// objects in the init block):
	//
	//	DeclStmt = TypeSpec VarSpec {"," VarSpec} ";" .
	//
	// Align is the largest aligned(N) attribute in the declaration, or 0:
	// for a struct's field, the field's alignment (attr.go); elsewhere it
	// changes no value and is ignored.
	DeclStmt struct {
		span
		Type  *TypeSpec
		Vars  []*VarSpec
		Align int64
	}

	// An ExprStmt is Expr ";".
	ExprStmt struct {
		span
		X Expr
	}

	// A BlockStmt is "{" {Stmt} "}".
	BlockStmt struct {
		span
		List []Stmt
	}

	// An IfStmt is "if" "(" Cond ")" Then ["else" Else].
	IfStmt struct {
		span
		Cond Expr
		Then Stmt
		Else Stmt // or nil
	}

	// A ForStmt is "for" "(" [Init] ";" [Cond] ";" [Post] ")" Body. Init is
	// a *DeclStmt or *ExprStmt (or nil).
	ForStmt struct {
		span
		Init Stmt
		Cond Expr // or nil
		Post Expr // or nil
		Body Stmt
	}

	// A WhileStmt is "while" "(" Cond ")" Body.
	WhileStmt struct {
		span
		Cond Expr
		Body Stmt
	}

	// A DoStmt is "do" Body "while" "(" Cond ")" ";".
	DoStmt struct {
		span
		Body Stmt
		Cond Expr
	}

	// A SwitchStmt is "switch" "(" Tag ")" Body. The case labels are
	// *CaseStmt statements of Body.
	SwitchStmt struct {
		span
		Tag  Expr
		Body Stmt
	}

	// A CaseStmt is a case label and the statement it labels:
	//
	//	CaseStmt = ("case" Expr ["..." Expr] | "default") ":" [Stmt] .
	//
	// Value is nil for default; Hi is the end of GNU C's range "case
	// Value ... Hi:", or nil; Stmt is nil for a label at the end of a
	// block (as C23 allows).
	CaseStmt struct {
		span
		Value Expr
		Hi    Expr
		Stmt  Stmt
	}

	// A LabelStmt is a label and the statement it labels:
	//
	//	LabelStmt = Name ":" [Stmt] .
	//
	// Stmt is nil for a label at the end of a block.
	LabelStmt struct {
		span
		Label *Ident
		Stmt  Stmt
	}

	// A GotoStmt is "goto" Label ";".
	GotoStmt struct {
		span
		Label *Ident
	}

	// A BranchStmt is "break" ";" or "continue" ";".
	BranchStmt struct {
		span
		Tok string
	}

	// A ReturnStmt is "return" [Result] ";".
	ReturnStmt struct {
		span
		Result Expr // or nil
	}

	// An EmptyStmt is ";".
	EmptyStmt struct {
		span
	}

	// A RegDeclStmt is herd7's typed declaration of a register in the
	// init block, with its initial value (0 if none):
	//
	//	RegDeclStmt = TypeSpec {"*"} Reg ["=" (Expr | InitList)] ";" .
	//
	// ("int 0:r1;", "int *1:r2 = x;"). The untyped "0:r1 = 3;" is an
	// *ExprStmt assigning to a *RegRef.
	RegDeclStmt struct {
		span
		Type  *TypeName
		Reg   *RegRef
		Value Expr // or nil
	}

	// A BadStmt stands for a statement with a syntax error.
	BadStmt struct {
		span
	}
)

// A VarSpec is one declarator of a declaration:
//
//	VarSpec = {"*"} Name {"[" Expr "]"} ["=" (Expr | InitList)] .
type VarSpec struct {
	span
	Stars int
	Name  *Ident
	Dims  []Expr
	Init  Expr // or nil
}

func (*DeclStmt) stmtNode()    {}
func (*ExprStmt) stmtNode()    {}
func (*BlockStmt) stmtNode()   {}
func (*IfStmt) stmtNode()      {}
func (*ForStmt) stmtNode()     {}
func (*WhileStmt) stmtNode()   {}
func (*DoStmt) stmtNode()      {}
func (*SwitchStmt) stmtNode()  {}
func (*CaseStmt) stmtNode()    {}
func (*LabelStmt) stmtNode()   {}
func (*GotoStmt) stmtNode()    {}
func (*BranchStmt) stmtNode()  {}
func (*ReturnStmt) stmtNode()  {}
func (*EmptyStmt) stmtNode()   {}
func (*RegDeclStmt) stmtNode() {}
func (*BadStmt) stmtNode()     {}

// ---- Declarations ----

type (
	// A DefineDecl is "#" "define" Name Value EOL, an integer constant.
	DefineDecl struct {
		span
		Name  *Ident
		Value Expr
	}

	// An IncludeDecl is "#" "include" String EOL. File is filled in by
	// [LoadFile] (or [Load]) with the parsed header.
	IncludeDecl struct {
		span
		Path    string // without quotes
		PathPos model.Pos
		File    *File
	}

	// A StructDecl is "struct" Name "{" {DeclStmt} "}" ";". Align is
	// the largest aligned(N) attribute of the struct type (in its head
	// or after its body), or 0.
	StructDecl struct {
		span
		Name   *Ident
		Fields []*DeclStmt
		Align  int64
	}

	// A TypedefDecl declares a type name:
	//
	//	TypedefDecl = "typedef" (TypeSpec | "struct" [Name] "{" {DeclStmt} "}")
	//	              {"*"} Name {"[" Expr "]"} ";" .
	//
	// With a body (Body), Type is "struct Name", or "struct" with an empty
	// Name for an anonymous struct, and Fields are its fields.
	TypedefDecl struct {
		span
		Type   *TypeSpec
		Body   bool
		Fields []*DeclStmt
		Stars  int
		Name   *Ident
		Dims   []Expr
		Align  int64 // the aligned(N) attribute of the struct of the body, or 0
	}

	// An InitDecl is the init block "{" {Stmt} "}": declarations of
	// shared objects, assignments to locations, and "N:reg = v;".
	InitDecl struct {
		span
		List []Stmt
	}

	// A FuncDecl is a helper function, inlined at each call:
	//
	//	FuncDecl = {"static" | "inline"} TypeName Name "(" [Params] ")" Block .
	FuncDecl struct {
		span
		Static bool
		Inline bool
		Result *TypeName
		Name   *Ident
		Params []*Param
		Body   *BlockStmt // nil for a prototype: ... ")" ";"
	}

	// A ProcDecl is a process: "P" N "(" [Params] ")" Block.
	ProcDecl struct {
		span
		Name   *Ident // "P0"
		ID     int
		Params []*Param
		Body   *BlockStmt
	}

	// A BadDecl stands for a declaration with a syntax error.
	BadDecl struct {
		span
	}
)

// A Param is a parameter: TypeName Name.
type Param struct {
	span
	Type *TypeName
	Name *Ident
}

func (*DefineDecl) declNode()  {}
func (*IncludeDecl) declNode() {}
func (*StructDecl) declNode()  {}
func (*TypedefDecl) declNode() {}
func (*InitDecl) declNode()    {}
func (*FuncDecl) declNode()    {}
func (*ProcDecl) declNode()    {}
func (*BadDecl) declNode()     {}

// ---- Clauses and conditions ----

type (
	// A CondClause is ("exists" | "~exists" | "forall") Prop, or one of
	// herd7's older spellings of exists: "final" Prop, and "observed"
	// {Atom ";"} {"and" {Atom ";"}} (a disjunction of conjunctions).
	// herd7's trailing "with" Name ":" Kind {";" ...} is parsed and
	// ignored, as herd7 ignores it.
	CondClause struct {
		span
		Kind model.CondKind
		X    Prop
	}

	// A LocationsClause is "locations" "[" [Term {";" Term} [";"]] "]".
	LocationsClause struct {
		span
		Terms []Expr
	}

	// A FilterClause is "filter" Prop.
	FilterClause struct {
		span
		X Prop
	}

	// A LeakCheckClause is "leak_check" "(" Name {"," Name} ")".
	LeakCheckClause struct {
		span
		Objs []*Ident
	}
)

func (*CondClause) clauseNode()      {}
func (*LocationsClause) clauseNode() {}
func (*FilterClause) clauseNode()    {}
func (*LeakCheckClause) clauseNode() {}

// Terms of propositions are expressions: *RegRef (N:reg), a location path
// (*Ident, *SelectorExpr, *IndexExpr), a number (*IntLit, or "-" *IntLit as
// a *UnaryExpr), NULL (*Ident), an address "&" path (*UnaryExpr), or the
// value of a location, "*" path or "*" N:reg (*UnaryExpr). On the left
// of a comparison a path is a location, on the right its address (as in
// herd7); herd7's "[x]" is the path x on the left and "*x" on the right.
type (
	// A PropBinary is X "/\" Y, X "\/" Y or X "=>" Y. "=>" binds
	// tighter than "/\" and "\/", and to the right, as in herd7.
	PropBinary struct {
		span
		Op    string
		OpPos model.Pos
		X, Y  Prop
	}

	// A PropNot is "~" X or "not" X.
	PropNot struct {
		span
		X Prop
	}

	// A PropParen is "(" X ")".
	PropParen struct {
		span
		X Prop
	}

	// A PropCmp is L Op R, Op one of = == != (herd7's "<>" is "!=").
	PropCmp struct {
		span
		L     Expr
		Op    string
		OpPos model.Pos
		R     Expr
	}

	// A PropFreed is "freed" "(" Obj ")".
	PropFreed struct {
		span
		Obj Expr
	}

	// A PropConst is "true" or "false".
	PropConst struct {
		span
		Value bool
	}

	// A BadProp stands for a proposition with a syntax error.
	BadProp struct {
		span
	}
)

func (*PropBinary) propNode() {}
func (*PropNot) propNode()    {}
func (*PropParen) propNode()  {}
func (*PropCmp) propNode()    {}
func (*PropFreed) propNode()  {}
func (*PropConst) propNode()  {}
func (*BadProp) propNode()    {}

// Text returns the source text of a node of f (or of a file it includes,
// when the node comes from there, as long as the node was parsed from f).
// It allocates nothing: the lowering gives every instruction the text of
// its node, and the nodes of a chain a + b + c ... each span most of it.
func (f *File) Text(n Node) string {
	from, ok1 := f.offset(n.Pos())
	to, ok2 := f.offset(n.End())
	if !ok1 || !ok2 || from > to || to > len(f.text) {
		return ""
	}
	return f.text[from:to]
}

// offset converts a position in f to a byte offset.
func (f *File) offset(p model.Pos) (int, bool) {
	if p.File != f.Name || p.Line < 1 || p.Line > len(f.lines) || p.Col < 1 {
		return 0, false
	}
	off := f.lines[p.Line-1] + p.Col - 1
	if off > len(f.Src) {
		return 0, false
	}
	return off, true
}

func lineOffsets(src []byte) []int {
	lines := []int{0}
	for i, c := range src {
		if c == '\n' {
			lines = append(lines, i+1)
		}
	}
	return lines
}
