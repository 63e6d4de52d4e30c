package litmus

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"mmcheck/model"
)

// Lower resolves names, checks types, and lowers a parsed file to the
// program IR. The error, if any, is a [model.ErrorList].
func Lower(f *File) (*model.Program, error) { return Config{}.Lower(f) }

// Lower is like the package-level [Lower] with the options of c.
func (c Config) Lower(f *File) (*model.Program, error) {
	l := &lowerer{
		cfg:        c,
		main:       f,
		files:      map[string]*File{},
		structs:    map[string]*structType{},
		globals:    map[string]*global{},
		features:   map[string]bool{},
		used:       map[*FuncDecl]bool{},
		regs:       map[*model.Thread]map[string]int{},
		regInitIdx: map[*model.Thread]map[int]int{},
		prog:       &model.Program{Name: f.Test, File: f.Name},
	}
	l.run()
	l.errs = finishErrors(l.errs, c.AllErrors, l.tooMany, l.tooManyPos)
	if err := l.errs.Err(); err != nil {
		return nil, err
	}
	return l.prog, nil
}

type lowerer struct {
	cfg        Config
	tooMany    bool      // errors were dropped past maxRawErrors
	tooManyPos model.Pos // where the first was
	main       *File
	files      map[string]*File // by name, for source text
	errs       model.ErrorList
	strict     bool                             // the file uses the extended language: C typing rules
	resolving  int                              // structs being laid out, one inside the other
	idx        *stmtIndex                       // built on first use
	threadIdx  map[int]int                      // process number → index in prog.Threads, built on first use
	regs       map[*model.Thread]map[string]int // regByName's maps
	regInitIdx map[*model.Thread]map[int]int    // register → index in Thread.Init, for "N:reg = v;"
	prog       *model.Program
	work       int  // steps of lowering (see maxWork)
	maxWork    int  // the budget of steps
	tooMuch    bool // work exceeded maxWork: stop generating

	decls      []Decl // every top-level declaration, #includes expanded
	structs    map[string]*structType
	globals    map[string]*global
	objects    []*object
	procs      []*ProcDecl // by process number
	initDecl   *InitDecl
	regInits   []*AssignExpr             // "N:reg = v" in the init block
	regTypes   map[*AssignExpr]*TypeName // the types of registers declared with one there (herdInit)
	features   map[string]bool
	used       map[*FuncDecl]bool         // helpers inlined somewhere
	sizes      map[*SizeofExpr]sizeResult // each sizeof, computed once
	typedefs   map[string]*typedef        // by name
	gotoInfo   *gotoInfo                  // built on first use
	labelLoops map[*DoStmt]string         // the loops made of a label and a backward goto, and the label
	cur        *gen                       // the thread being generated, for sizeof in constants

	nCPUs        int        // the number of CPUs, once known (ncpus)
	staticCPU    *staticCPU // the instance per_cpu() names in the init block or a condition
	cpumask      *ctype     // struct cpumask, once made (cpumask.go)
	builtinMask  *object    // the built-in __cpu_online_mask, if any
	builtinCount *object    // the built-in __num_online_cpus, if any
}

type gkind uint8

const (
	gObject gkind = iota
	gDefine
	gFunc
)

// A global is a top-level name: a shared object, a #define or a function.
type global struct {
	kind gkind
	name string
	pos  model.Pos

	obj *object

	def   *DefineDecl
	val   model.Value
	state int // 0 not evaluated, 1 evaluating, 2 done
	ok    bool

	fn     *FuncDecl
	res    *ctype
	params []*ctype
}

// An object is a shared object being laid out.
type object struct {
	name    string
	t       *ctype
	pos     model.Pos
	untyped bool // created by a herd7 "x = v;" or implicitly: int, but a parameter may retype it
	idx     int
	base    int
}

func (l *lowerer) errorf(pos model.Pos, format string, args ...any) {
	if len(l.errs) >= maxRawErrors {
		if !l.tooMany {
			l.tooMany, l.tooManyPos = true, pos
		}
		return
	}
	msg := fmt.Sprintf(format, args...)
	if m := l.files[pos.File].expansion(pos); m != "" {
		msg += " (in expansion of macro " + m + ")"
	}
	l.errs.Add(pos, msg)
}

// source returns the source text of a node.
func (l *lowerer) source(n Node) string {
	f := l.files[n.Pos().File]
	if f == nil {
		return ""
	}
	return f.Text(n)
}

// text returns the source text of a node for a message: an excerpt, on
// one line and printable.
func (l *lowerer) text(n Node) string { return excerpt(l.source(n)) }

func (l *lowerer) run() {
	l.collectDecls(l.main, 0)
	l.maxWork = maxWork
	for _, f := range l.files {
		l.maxWork += workPerByte * len(f.Src)
	}
	if !l.checkDepth() {
		return
	}
	l.declareGlobals()
	if len(l.errs) >= MaxErrors {
		return // and spare the cascade
	}
	l.collectProcs()
	l.collectObjects()
	l.layout()
	l.initValues()
	for _, pd := range l.procs {
		if pd != nil {
			l.prog.Threads = append(l.prog.Threads, l.genProc(pd))
		}
	}
	l.applyRegInits()
	for _, d := range l.decls {
		if fd, ok := d.(*FuncDecl); ok && fd.Body != nil && !l.used[fd] && l.globals[fd.Name.Name] != nil && l.globals[fd.Name.Name].fn == fd {
			l.checkFunc(fd)
		}
	}
	l.lowerClauses()
	l.prog.Doc = docText(l.main.Doc)
	l.prog.Lines = strings.Split(strings.ReplaceAll(string(l.main.Src), "\r\n", "\n"), "\n")
	for name := range l.features {
		l.prog.Features = append(l.prog.Features, name)
	}
	slices.Sort(l.prog.Features)
}

func docText(c *Comment) string {
	if c == nil {
		return ""
	}
	t := strings.TrimPrefix(c.Text, "(*")
	t = strings.TrimSuffix(t, "*)")
	return strings.TrimSpace(t)
}

// collectDecls gathers the declarations of f and of the files it includes.
func (l *lowerer) collectDecls(f *File, depth int) {
	l.files[f.Name] = f
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *IncludeDecl:
			l.strict = true
			if d.File == nil {
				l.errorf(d.PathPos, "#include %q not loaded (use Load or LoadFile)", d.Path)
				continue
			}
			if depth > 20 {
				l.errorf(d.PathPos, "#include nested too deeply")
				continue
			}
			l.collectDecls(d.File, depth+1)
			continue
		case *DefineDecl, *StructDecl, *TypedefDecl, *FuncDecl, *PerCPUDecl:
			l.strict = true
		case *ProcDecl:
			if f.Header {
				l.errorf(d.Pos(), "process %s not allowed in an included file", d.Name.Name)
				continue
			}
		case *InitDecl:
			if f.Header {
				continue // reported by the parser
			}
		}
		l.decls = append(l.decls, d)
	}
}

func (l *lowerer) redeclared(name string, pos, prev model.Pos) {
	l.errorf(pos, "%s redeclared; previous declaration at %s", name, prev)
}

// declareGlobals declares structs, #defines and functions, and resolves
// struct layouts and function signatures.
func (l *lowerer) declareGlobals() {
	for _, d := range l.decls {
		switch d := d.(type) {
		case *StructDecl:
			if prev := l.structs[d.Name.Name]; prev != nil {
				l.errorf(d.Name.Pos(), "struct %s redeclared; previous declaration at %s", d.Name.Name, prev.decl.Name.Pos())
				continue
			}
			l.structs[d.Name.Name] = &structType{name: d.Name.Name, decl: d}
		case *TypedefDecl:
			l.declareTypedef(d)
		case *DefineDecl:
			l.declareGlobal(&global{kind: gDefine, name: d.Name.Name, pos: d.Name.Pos(), def: d})
		case *FuncDecl:
			if p := prims[d.Name.Name]; p != nil && !p.soft {
				l.errorf(d.Name.Pos(), "cannot redefine primitive %s", d.Name.Name)
				continue
			}
			if prev := l.globals[d.Name.Name]; prev != nil && prev.kind == gFunc && (prev.fn.Body == nil || d.Body == nil) {
				// a prototype and its definition
				if d.Body != nil {
					prev.fn, prev.pos = d, d.Name.Pos()
				}
				continue
			}
			l.declareGlobal(&global{kind: gFunc, name: d.Name.Name, pos: d.Name.Pos(), fn: d})
		case *InitDecl:
			if l.initDecl != nil {
				l.errorf(d.Pos(), "duplicate init block; previous at %s", l.initDecl.Pos())
				continue
			}
			l.initDecl = l.herdInit(d)
		}
	}
	for _, d := range l.decls {
		if d, ok := d.(*StructDecl); ok && l.structs[d.Name.Name] != nil && l.structs[d.Name.Name].decl == d {
			l.resolveStruct(l.structs[d.Name.Name])
		}
		if d, ok := d.(*TypedefDecl); ok {
			if td := l.typedefs[d.Name.Name]; td != nil && td.decl == d {
				l.typedefType(td)
			}
		}
	}
	for _, d := range l.decls {
		if d, ok := d.(*DefineDecl); ok {
			if g := l.globals[d.Name.Name]; g != nil && g.def == d {
				l.defineValue(g)
			}
		}
	}
	for _, d := range l.decls {
		if d, ok := d.(*FuncDecl); ok {
			if g := l.globals[d.Name.Name]; g != nil && g.fn == d {
				l.funcSig(g)
			}
		}
	}
}

func (l *lowerer) declareGlobal(g *global) bool {
	if prev := l.globals[g.name]; prev != nil {
		l.redeclared(g.name, g.pos, prev.pos)
		return false
	}
	l.globals[g.name] = g
	return true
}

func (l *lowerer) resolveStruct(st *structType) {
	switch st.state {
	case 2:
		return
	case 1:
		l.errorf(st.decl.Name.Pos(), "invalid recursive type struct %s", st.name)
		return
	}
	if l.resolving >= maxTypeDepth {
		// A struct holds one by value, which holds one by value... The
		// layout recursion stops here; the struct's objects are invalid.
		l.errorf(st.decl.Name.Pos(), "struct %s nested too deeply (more than %d levels)", st.name, maxTypeDepth)
		st.state, st.size, st.bad = 2, 1, true
		return
	}
	l.resolving++
	defer func() { l.resolving-- }()
	st.state = 1
	st.align = st.decl.Align
	seen := map[string]*field{}
	off := 0
	for _, fd := range st.decl.Fields {
		base := l.typeSpec(fd.Type)
		for _, v := range fd.Vars {
			t := l.declarator(v.Name.Pos(), base, v.Stars, v.Dims)
			if t.kind == kVoid {
				l.errorf(v.Name.Pos(), "field %s declared void", v.Name.Name)
				t = tBad
			}
			st.depth = max(st.depth, t.depth+1)
			if prev := seen[v.Name.Name]; prev != nil {
				l.errorf(v.Name.Pos(), "duplicate field %s in struct %s", v.Name.Name, st.name)
				continue
			}
			f := &field{name: v.Name.Name, t: t, off: off, pos: v.Name.Pos(), align: fd.Align}
			seen[f.name] = f
			st.fields = append(st.fields, f)
			off += t.size()
			if off > maxLocs {
				l.errorf(v.Name.Pos(), "struct %s too large (more than %d locations)", st.name, maxLocs)
				off = 1
			}
		}
	}
	st.size = off
	if st.depth > maxTypeDepth {
		l.errorf(st.decl.Name.Pos(), "struct %s nested too deeply (more than %d levels)", st.name, maxTypeDepth)
		st.bad = true
	}
	if off == 0 {
		l.errorf(st.decl.Name.Pos(), "struct %s has no fields", st.name)
		st.size = 1
	}
	st.state = 2
}

// typeSpec resolves a base type. T __percpu is the type of a per-CPU
// variable of T (percpu.go), which only a pointer may point to.
func (l *lowerer) typeSpec(spec *TypeSpec) *ctype {
	t := l.baseType(spec)
	if !spec.PerCPU || t.kind == kBad {
		return t
	}
	if t.kind == kVoid || t.kind == kPerCPU {
		l.errorf(spec.Pos(), "__percpu of %s is not supported", t)
		return tBad
	}
	if t.kind == kStruct {
		l.resolveStruct(t.st)
		if t.st.state != 2 || t.st.bad {
			return tBad
		}
		t = &ctype{kind: kStruct, st: t.st, depth: t.st.depth}
	}
	if t.depth+1 > maxTypeDepth {
		l.errorf(spec.Pos(), "type nested too deeply (more than %d levels of pointers, arrays and structs)", maxTypeDepth)
		return tBad
	}
	return &ctype{kind: kPerCPU, elem: t, n: l.ncpus(), depth: t.depth + 1}
}

// baseType resolves a base type without its __percpu qualifier.
func (l *lowerer) baseType(spec *TypeSpec) *ctype {
	if td := l.typedefs[spec.Name]; td != nil && !spec.Struct {
		return l.typedefType(td)
	}
	if spec.Struct {
		st := l.structs[spec.Name]
		if st == nil && spec.Name == "cpumask" {
			return l.cpumaskType()
		}
		if st == nil && spec.Name == "srcu_struct" {
			// The kernel's SRCU domain: one location, which
			// srcu_read_lock() reads and srcu_read_unlock() writes.
			return tSrcu
		}
		if st == nil {
			l.errorf(spec.Pos(), "undefined: struct %s", spec.Name)
			return tBad
		}
		return &ctype{kind: kStruct, st: st}
	}
	switch spec.Name {
	case "void":
		return tVoid
	case "atomic_t":
		return tAtomic
	case "atomic_long_t":
		return tAtomicLong
	case "refcount_t":
		return tRefcount
	case "spinlock_t":
		return tLock
	case "cpumask_t":
		if l.structs["cpumask"] == nil {
			return l.cpumaskType()
		}
		return &ctype{kind: kStruct, st: l.structs["cpumask"]}
	case "int":
		return tInt
	}
	return &ctype{kind: kInt, name: spec.Name}
}

// declarator applies pointer stars and array dimensions to a base type;
// pos is the declarator's, for errors. Struct types used by value are
// laid out first.
func (l *lowerer) declarator(pos model.Pos, base *ctype, stars int, dims []Expr) *ctype {
	if base.kind == kPerCPU && stars == 0 {
		l.errorf(pos, "%s: an object of a __percpu type is a per-CPU variable, declared with DEFINE_PER_CPU(type, name) at the top level (T __percpu *p points to one)", base)
		return tBad
	}
	if base.kind == kStruct && stars == 0 {
		l.resolveStruct(base.st)
		if base.st.state != 2 || base.st.bad {
			return tBad // recursive or too deep: reported
		}
		base = &ctype{kind: kStruct, st: base.st, depth: base.st.depth}
	}
	if base.depth+stars+len(dims) > maxTypeDepth {
		l.errorf(pos, "type nested too deeply (more than %d levels of pointers, arrays and structs)", maxTypeDepth)
		return tBad
	}
	t := base
	for i := 0; i < stars; i++ {
		t = ptrTo(t)
	}
	for i := len(dims) - 1; i >= 0; i-- {
		n, ok := l.constExpr(dims[i])
		if !ok {
			t = tBad
			continue
		}
		if n <= 0 || n > 1<<16 {
			l.errorf(dims[i].Pos(), "invalid array length %d", n)
			t = tBad
			continue
		}
		if t.kind == kVoid {
			l.errorf(dims[i].Pos(), "array of void")
			t = tBad
			continue
		}
		if t.kind != kBad && int64(n)*int64(t.size()) > maxLocs {
			l.errorf(dims[i].Pos(), "array too large (more than %d locations)", maxLocs)
			t = tBad
			continue
		}
		t = &ctype{kind: kArray, elem: t, n: int(n), depth: t.depth + 1}
	}
	return t
}

// maxLocs bounds the number of memory locations of a program.
const maxLocs = 1 << 20

// typeName resolves a type in a cast, parameter or function result.
func (l *lowerer) typeName(t *TypeName) *ctype {
	return l.declarator(t.Pos(), l.typeSpec(t.Spec), t.Stars, nil)
}

// ---- constants ----

// evalConst evaluates an integer constant expression; id gives the value
// of a name, if it is a constant.
func (l *lowerer) evalConst(x Expr, id func(*Ident) (model.Value, bool)) (model.Value, bool) {
	switch x := x.(type) {
	case *IntLit:
		return x.Value, true
	case *Ident:
		return id(x)
	case *ParenExpr:
		return l.evalConst(x.X, id)
	case *CastExpr:
		return l.evalConst(x.X, id)
	case *UnaryExpr:
		switch x.Op {
		case "-", "~", "!", "+":
			v, ok := l.evalConst(x.X, id)
			return foldUnary(x.Op, v), ok
		}
	case *BinaryExpr:
		if x.Op == "," {
			return 0, false
		}
		a, ok1 := l.evalConst(x.X, id)
		b, ok2 := l.evalConst(x.Y, id)
		if !ok1 || !ok2 {
			return 0, false
		}
		v, ok := fold(x.Op, a, b)
		if !ok {
			l.errorf(x.OpPos, "division by zero")
		}
		return v, ok
	case *SizeofExpr:
		if l.cur != nil {
			return l.cur.sizeof(x)
		}
		if x.Type != nil && x.Type.Spec != nil {
			return l.sizeofType(x)
		}
		return 0, false
	case *CallExpr:
		if arg, ok := l.hintArg(x); ok {
			v, ok := l.evalConst(arg, id)
			return b2i(v != 0), ok
		}
	case *TernaryExpr:
		c, ok := l.evalConst(x.Cond, id)
		if !ok {
			return 0, false
		}
		if c != 0 {
			return l.evalConst(x.Then, id)
		}
		return l.evalConst(x.Else, id)
	}
	return 0, false
}

// globalConst is the value of a global constant name.
func (l *lowerer) globalConst(id *Ident) (model.Value, bool) {
	if g := l.globals[id.Name]; g != nil {
		if g.kind == gDefine {
			return l.defineValue(g)
		}
		return 0, false
	}
	switch id.Name {
	case "NULL", "false":
		return 0, true
	case "true":
		return 1, true
	case "nr_cpu_ids":
		return model.Value(l.ncpus()), true
	}
	return 0, false
}

// constExpr evaluates a constant expression of the global scope, or
// reports an error.
func (l *lowerer) constExpr(x Expr) (model.Value, bool) {
	v, ok := l.evalConst(x, l.globalConst)
	if !ok && !l.mentionsBadDefine(x) {
		if id, isID := x.(*Ident); isID && l.globals[id.Name] == nil && id.Name != "NULL" {
			l.errorf(x.Pos(), "undefined: %s", id.Name)
		} else {
			l.errorf(x.Pos(), "%s is not an integer constant", l.text(x))
		}
	}
	return v, ok
}

// mentionsBadDefine reports whether x uses a #define whose value is in
// error (already reported).
func (l *lowerer) mentionsBadDefine(x Expr) bool {
	bad := false
	walk(x, func(n Node) bool {
		if id, ok := n.(*Ident); ok {
			if g := l.globals[id.Name]; g != nil && g.kind == gDefine && (g.state == 1 || g.state == 2 && !g.ok) {
				bad = true
			}
		}
		return !bad
	})
	return bad
}

func (l *lowerer) defineValue(g *global) (model.Value, bool) {
	switch g.state {
	case 2:
		return g.val, g.ok
	case 1:
		l.errorf(g.pos, "recursive #define %s", g.name)
		return 0, false
	}
	g.state = 1
	v, ok := l.evalConst(g.def.Value, l.globalConst)
	if !ok && !l.mentionsBadDefine(g.def.Value) {
		l.errorf(g.def.Value.Pos(), "#define %s: %s is not an integer constant", g.name, l.text(g.def.Value))
	}
	g.val, g.ok, g.state = v, ok, 2
	return v, ok
}

func (l *lowerer) funcSig(g *global) {
	fd := g.fn
	g.res = l.typeName(fd.Result)
	if !g.res.scalar() && g.res.kind != kVoid {
		l.errorf(fd.Result.Pos(), "function %s cannot return %s", g.name, g.res)
		g.res = tBad
	}
	seen := map[string]model.Pos{}
	for _, p := range fd.Params {
		t := l.typeName(p.Type)
		if !t.scalar() {
			l.errorf(p.Pos(), "parameter %s: type %s is not a scalar (pass a pointer)", p.Name.Name, t)
			t = tBad
		}
		if prev, ok := seen[p.Name.Name]; ok {
			l.redeclared(p.Name.Name, p.Name.Pos(), prev)
		}
		seen[p.Name.Name] = p.Name.Pos()
		g.params = append(g.params, t)
	}
}

// ---- processes and objects ----

func (l *lowerer) collectProcs() {
	byID := map[int]*ProcDecl{}
	max := -1
	for _, d := range l.decls {
		pd, ok := d.(*ProcDecl)
		if !ok {
			continue
		}
		if prev := byID[pd.ID]; prev != nil {
			l.redeclared(pd.Name.Name, pd.Name.Pos(), prev.Name.Pos())
			continue
		}
		byID[pd.ID] = pd
		if pd.ID > max {
			max = pd.ID
		}
	}
	if max < 0 {
		l.errorf(model.Pos{File: l.main.Name, Line: 1, Col: 1}, "no processes")
		return
	}
	l.procs = make([]*ProcDecl, max+1)
	for id, pd := range byID {
		l.procs[id] = pd
	}
	// Report each gap in the numbering at the process after it.
	for id := 0; id <= max; {
		if l.procs[id] != nil {
			id++
			continue
		}
		next := id + 1
		for l.procs[next] == nil {
			next++
		}
		if next == id+1 {
			l.errorf(l.procs[next].Name.Pos(), "missing process P%d (processes must be numbered P0, P1, ...)", id)
		} else {
			l.errorf(l.procs[next].Name.Pos(), "missing processes P%d to P%d (processes must be numbered P0, P1, ...)", id, next-1)
		}
		id = next
	}
}

func (l *lowerer) newObject(name string, t *ctype, pos model.Pos, untyped bool) *object {
	o := &object{name: name, t: t, pos: pos, untyped: untyped}
	if !l.declareGlobal(&global{kind: gObject, name: name, pos: pos, obj: o}) {
		return nil
	}
	l.objects = append(l.objects, o)
	return o
}

func isPredeclared(name string) bool {
	return name == "NULL" || name == "true" || name == "false"
}

// collectObjects creates the shared objects: declarations and herd7
// assignments in the init block, then process parameters, then (herd7
// files) variables only mentioned in initial values or conditions.
func (l *lowerer) collectObjects() {
	l.perCPUObjects()
	if l.initDecl != nil {
		for _, s := range l.initDecl.List {
			switch s := s.(type) {
			case *DeclStmt:
				base := l.typeSpec(s.Type)
				for _, v := range s.Vars {
					t := l.declarator(v.Name.Pos(), base, v.Stars, v.Dims)
					if t.kind == kVoid {
						l.errorf(v.Name.Pos(), "variable %s declared void", v.Name.Name)
						t = tBad
					}
					l.newObject(v.Name.Name, t, v.Name.Pos(), false)
				}
			case *ExprStmt:
				if isInitCall(s.X) {
					continue // set_cpu_online(cpu, online);
				}
				a, ok := s.X.(*AssignExpr)
				if !ok || a.Op != "=" {
					l.errorf(s.Pos(), "expected declaration or assignment in the init block, found %s", l.text(s))
					continue
				}
				if id, ok := a.X.(*Ident); ok && l.globals[id.Name] == nil && !isPredeclared(id.Name) {
					l.newObject(id.Name, tInt, id.Pos(), true)
				}
			}
		}
	}
	for _, pd := range l.procs {
		if pd == nil {
			continue
		}
		for _, p := range pd.Params {
			l.paramObject(pd, p)
		}
	}
	l.onlineObjects()
	if !l.strict {
		l.implicitObjects()
	}
}

func (l *lowerer) paramObject(pd *ProcDecl, p *Param) {
	name := p.Name.Name
	if p.Type.Stars == 0 {
		l.errorf(p.Pos(), "parameter %s of %s must be a pointer to the shared variable %s (%s *%s)", name, pd.Name.Name, name, p.Type.Spec.Name, name)
		return
	}
	elem := l.declarator(p.Pos(), l.typeSpec(p.Type.Spec), p.Type.Stars-1, nil)
	if elem.kind == kVoid {
		if l.strict {
			l.errorf(p.Pos(), "parameter %s: shared variable of type void", name)
			return
		}
		elem = tInt
	}
	g := l.globals[name]
	if g == nil {
		l.newObject(name, elem, p.Name.Pos(), false)
		return
	}
	if g.kind != gObject {
		l.redeclared(name, p.Name.Pos(), g.pos)
		return
	}
	o := g.obj
	switch {
	case o.untyped:
		o.t, o.untyped = elem, false
	case identical(o.t, elem), elem.kind == kBad, o.t.kind == kBad:
	case o.t.kind == kArray && identical(o.t.elem, elem):
	case o.t.scalar() && elem.scalar() && o.t.kind != kLock && elem.kind != kLock:
		// herd7 does not care whether a variable holds an int or a pointer
		if o.t.kind != kPtr && elem.kind == kPtr && !l.strict {
			o.t = elem
		}
	default:
		l.errorf(p.Pos(), "parameter %s has type %s, but %s is declared as %s at %s", name, ptrTo(elem), name, o.t, o.pos)
	}
}

// implicitObjects creates, as herd7 does, int variables that are only
// mentioned in initial values or in conditions.
func (l *lowerer) implicitObjects() {
	var walk func(x Expr)
	walk = func(x Expr) {
		switch x := x.(type) {
		case *Ident:
			if l.globals[x.Name] == nil && !isPredeclared(x.Name) {
				l.newObject(x.Name, tInt, x.Pos(), true)
			}
		case *UnaryExpr:
			walk(x.X)
		case *BinaryExpr:
			walk(x.X)
			walk(x.Y)
		case *ParenExpr:
			walk(x.X)
		case *CastExpr:
			walk(x.X)
		case *CallExpr:
			for _, a := range x.Args {
				walk(a)
			}
		case *InitList:
			for _, e := range x.Elems {
				walk(e.Value)
			}
		}
	}
	if l.initDecl != nil {
		for _, s := range l.initDecl.List {
			switch s := s.(type) {
			case *DeclStmt:
				for _, v := range s.Vars {
					if v.Init != nil {
						walk(v.Init)
					}
				}
			case *ExprStmt:
				if a, ok := s.X.(*AssignExpr); ok {
					walk(a.Y)
				}
			}
		}
	}
	var prop func(p Prop)
	prop = func(p Prop) {
		switch p := p.(type) {
		case *PropBinary:
			prop(p.X)
			prop(p.Y)
		case *PropNot:
			prop(p.X)
		case *PropParen:
			prop(p.X)
		case *PropCmp:
			walk(p.L)
			walk(p.R)
		}
	}
	for _, c := range l.main.Clauses {
		switch c := c.(type) {
		case *CondClause:
			prop(c.X)
		case *FilterClause:
			prop(c.X)
		case *LocationsClause:
			for _, t := range c.Terms {
				walk(t)
			}
		}
	}
}

// layout assigns locations to objects.
func (l *lowerer) layout() {
	p := l.prog
	total := 0
	var names int64
	for _, o := range l.objects {
		size, nb := 0, int64(0)
		if o.t.kind != kBad {
			size = o.t.size()
			nb = int64(len(o.name))*int64(size) + nameBytes(o.t)
		}
		switch {
		case total+size > maxLocs:
			l.errorf(o.pos, "too many memory locations (more than %d)", maxLocs)
			o.t = tBad
		case names+nb > maxNameBytes:
			// a few locations can be many bytes of names: x[65536]
			// of a struct with a field of a 100 KB name
			l.errorf(o.pos, "memory locations' names too long (more than %d MiB in all)", maxNameBytes>>20)
			o.t = tBad
		default:
			total += size
			names += nb
		}
		o.idx = len(p.Objects)
		o.base = len(p.Locs)
		l.flatten(o.name, o.t, o.idx)
		p.Objects = append(p.Objects, model.Object{
			Name: o.name, Type: o.t.String(), Base: o.base, Size: len(p.Locs) - o.base,
			IsArray: o.t.kind == kArray || o.t.kind == kPerCPU, Pos: o.pos,
		})
	}
	p.Init = make([]model.Value, len(p.Locs))
}

// maxNameBytes bounds the bytes of the names of all the memory locations
// ("rq[1].lazy_mm"), which the layout builds: a location's name is as long
// as the names of its object and fields, so a short input can make many
// long names.
const maxNameBytes = 64 << 20

// nameBytes is the bytes of the names of the locations of an object of
// type t, not counting the object's name: ".f" for each location of each
// field f, "[i]" for each location of element i.
func nameBytes(t *ctype) int64 {
	switch t.kind {
	case kStruct:
		st := t.st
		if !st.namesDone {
			for _, f := range st.fields {
				st.names += int64(1+len(f.name))*int64(f.t.size()) + nameBytes(f.t)
			}
			st.namesDone = true
		}
		return st.names
	case kArray:
		var idx int64
		for i := 0; i < t.n; i++ {
			idx += int64(len(strconv.Itoa(i)) + 2)
		}
		return int64(t.n)*nameBytes(t.elem) + idx*int64(t.elem.size())
	case kPerCPU:
		// "per_cpu(" + ", i)" around the object's name, which layout
		// counts once per location
		var idx int64
		for i := 0; i < t.n; i++ {
			idx += int64(len(strconv.Itoa(i)) + len("per_cpu(, )"))
		}
		return int64(t.n)*nameBytes(t.elem) + idx*int64(t.elem.size())
	}
	return 0
}

func (l *lowerer) flatten(name string, t *ctype, obj int) {
	switch t.kind {
	case kStruct:
		for _, f := range t.st.fields {
			l.flatten(name+"."+f.name, f.t, obj)
		}
	case kArray:
		for i := 0; i < t.n; i++ {
			l.flatten(fmt.Sprintf("%s[%d]", name, i), t.elem, obj)
		}
	case kPerCPU:
		for i := 0; i < t.n; i++ {
			l.flatten(perCPUName(name, i), t.elem, obj)
		}
	default:
		l.prog.Locs = append(l.prog.Locs, model.Loc{Name: name, Obj: obj, IsPtr: t.kind == kPtr, Lock: t.kind == kLock})
	}
}

// ---- initial values ----

func (l *lowerer) initValues() {
	l.initPerCPU()
	l.initOnline()
	defer l.initOnlineCount()
	if l.initDecl == nil {
		return
	}
	for _, s := range l.initDecl.List {
		switch s := s.(type) {
		case *DeclStmt:
			for _, v := range s.Vars {
				g := l.globals[v.Name.Name]
				if v.Init == nil || g == nil || g.obj == nil || g.obj.t.kind == kBad {
					continue
				}
				l.initObject(v.Init, g.obj.t, g.obj.base)
			}
		case *ExprStmt:
			if isInitCall(s.X) {
				l.initSetOnline(s.X.(*CallExpr))
				continue
			}
			a, ok := s.X.(*AssignExpr)
			if !ok || a.Op != "=" {
				continue
			}
			if _, ok := a.X.(*RegRef); ok {
				l.regInits = append(l.regInits, a)
				continue
			}
			loc, t, ok := l.staticLoc(a.X)
			if !ok {
				continue
			}
			if !t.scalar() {
				l.errorf(a.X.Pos(), "cannot assign to %s of type %s; use an initialiser in its declaration", l.text(a.X), t)
				continue
			}
			l.setInit(loc, a.Y)
		}
	}
}

func (l *lowerer) setInit(loc int, x Expr) {
	v, ok := l.staticValue(x)
	if !ok {
		return
	}
	l.prog.Init[loc] = v
	if _, ok := l.prog.PtrLoc(v); ok {
		l.prog.Locs[loc].IsPtr = true
	}
}

// initObject applies an initialiser to the object of type t at base.
func (l *lowerer) initObject(x Expr, t *ctype, base int) {
	il, isList := x.(*InitList)
	switch {
	case t.kind == kBad:
	case t.scalar():
		if isList {
			if len(il.Elems) == 0 {
				return
			}
			if len(il.Elems) > 1 || il.Elems[0].Field != nil || il.Elems[0].Index != nil {
				l.errorf(x.Pos(), "too many initialisers for %s", t)
				return
			}
			l.initObject(il.Elems[0].Value, t, base)
			return
		}
		l.setInit(base, x)
		if isBool(t) {
			l.prog.Init[base] = b2i(l.prog.Init[base] != 0)
			l.prog.Locs[base].IsPtr = false
		}
	case t.kind == kStruct:
		if !isList {
			l.errorf(x.Pos(), "cannot initialise %s with %s", t, l.text(x))
			return
		}
		next := 0
		for _, e := range il.Elems {
			switch {
			case e.Index != nil:
				l.errorf(e.Pos(), "array index in initialiser of %s", t)
				continue
			case e.Field != nil:
				next = -1
				for i, f := range t.st.fields {
					if f.name == e.Field.Name {
						next = i
					}
				}
				if next < 0 {
					l.errorf(e.Field.Pos(), "%s has no field %s", t, e.Field.Name)
					next = len(t.st.fields)
					continue
				}
			}
			if next >= len(t.st.fields) {
				l.errorf(e.Pos(), "too many initialisers for %s", t)
				return
			}
			f := t.st.fields[next]
			l.initObject(e.Value, f.t, base+f.off)
			next++
		}
	case t.kind == kArray:
		if !isList {
			l.errorf(x.Pos(), "cannot initialise %s with %s", t, l.text(x))
			return
		}
		next := 0
		for _, e := range il.Elems {
			switch {
			case e.Field != nil:
				l.errorf(e.Pos(), "field name in initialiser of %s", t)
				continue
			case e.Index != nil:
				i, ok := l.constExpr(e.Index)
				if !ok {
					continue
				}
				if i < 0 || i >= int64(t.n) {
					l.errorf(e.Index.Pos(), "index %d out of range [0:%d]", i, t.n)
					continue
				}
				next = int(i)
			}
			if next >= t.n {
				l.errorf(e.Pos(), "too many initialisers for %s", t)
				return
			}
			l.initObject(e.Value, t.elem, base+next*t.elem.size())
			next++
		}
	}
}

// staticLoc resolves a location path (x, mm.f, rq[1].lazy_mm) with
// constant indices to its first location and type.
func (l *lowerer) staticLoc(x Expr) (int, *ctype, bool) {
	switch x := x.(type) {
	case *Ident:
		g := l.globals[x.Name]
		if g == nil {
			l.errorf(x.Pos(), "undefined: %s", x.Name)
			return 0, nil, false
		}
		if g.kind != gObject {
			l.errorf(x.Pos(), "%s is not a shared variable", x.Name)
			return 0, nil, false
		}
		if g.obj.t.kind == kBad {
			return 0, nil, false
		}
		if c := l.staticCPU; c != nil && c.obj == g.obj {
			return g.obj.base + c.cpu*g.obj.t.elem.size(), g.obj.t.elem, true
		}
		return g.obj.base, g.obj.t, true
	case *CallExpr:
		return l.staticPerCPU(x)
	case *ParenExpr:
		return l.staticLoc(x.X)
	case *SelectorExpr:
		if x.Arrow {
			l.errorf(x.Pos(), "cannot use -> here: %s", l.text(x))
			return 0, nil, false
		}
		base, t, ok := l.staticLoc(x.X)
		if !ok {
			return 0, nil, false
		}
		if t.kind != kStruct {
			l.errorf(x.Sel.Pos(), "%s.%s: %s is not a struct (type %s)", l.text(x.X), x.Sel.Name, l.text(x.X), t)
			return 0, nil, false
		}
		for _, f := range t.st.fields {
			if f.name == x.Sel.Name {
				return base + f.off, f.t, true
			}
		}
		l.errorf(x.Sel.Pos(), "%s.%s undefined (%s has no field %s)", l.text(x.X), x.Sel.Name, t, x.Sel.Name)
		return 0, nil, false
	case *IndexExpr:
		base, t, ok := l.staticLoc(x.X)
		if !ok {
			return 0, nil, false
		}
		if t.kind != kArray {
			l.errorf(x.Pos(), "cannot index %s (type %s)", l.text(x.X), t)
			return 0, nil, false
		}
		i, ok := l.constExpr(x.Index)
		if !ok {
			return 0, nil, false
		}
		if i < 0 || i >= int64(t.n) {
			l.errorf(x.Index.Pos(), "index %d out of range [0:%d]", i, t.n)
			return 0, nil, false
		}
		return base + int(i)*t.elem.size(), t.elem, true
	}
	l.errorf(x.Pos(), "%s is not a location", l.text(x))
	return 0, nil, false
}

// staticValue evaluates an initial value: an integer constant, NULL, &path,
// or (as herd7 does) the bare name of a shared variable for its address.
func (l *lowerer) staticValue(x Expr) (model.Value, bool) {
	switch x := x.(type) {
	case *Ident:
		if g := l.globals[x.Name]; g != nil {
			switch g.kind {
			case gObject:
				return model.Ptr(g.obj.base), true
			case gDefine:
				return l.defineValue(g)
			}
			l.errorf(x.Pos(), "%s is a function, not a value", x.Name)
			return 0, false
		}
		if v, ok := l.globalConst(x); ok {
			return v, true
		}
		l.errorf(x.Pos(), "undefined: %s", x.Name)
		return 0, false
	case *IntLit:
		return x.Value, true
	case *ParenExpr:
		return l.staticValue(x.X)
	case *CastExpr:
		return l.staticValue(x.X)
	case *UnaryExpr:
		switch x.Op {
		case "&":
			loc, _, ok := l.staticLoc(x.X)
			return model.Ptr(loc), ok
		case "-", "~", "!", "+":
			v, ok := l.staticValue(x.X)
			return foldUnary(x.Op, v), ok
		}
	case *BinaryExpr:
		a, ok1 := l.staticValue(x.X)
		b, ok2 := l.staticValue(x.Y)
		if !ok1 || !ok2 {
			return 0, false
		}
		v, ok := fold(x.Op, a, b)
		if !ok {
			l.errorf(x.OpPos, "invalid constant operation %s", x.Op)
		}
		return v, ok
	case *CallExpr:
		if n := x.Fun.Name; n == "ATOMIC_INIT" || n == "ATOMIC_LONG_INIT" || n == "REFCOUNT_INIT" {
			if len(x.Args) != 1 {
				l.errorf(x.Pos(), "%s expects 1 argument, found %d", n, len(x.Args))
				return 0, false
			}
			return l.staticValue(x.Args[0])
		}
	case *InitList:
		l.errorf(x.Pos(), "unexpected initialiser list")
		return 0, false
	case *RegRef:
		l.errorf(x.Pos(), "register %d:%s is not a constant", x.Proc, x.Name)
		return 0, false
	}
	l.errorf(x.Pos(), "%s is not a constant", l.text(x))
	return 0, false
}

// applyRegInits applies "N:reg = v;" from the init block.
func (l *lowerer) applyRegInits() {
	for _, a := range l.regInits {
		ref := a.X.(*RegRef)
		th := l.thread(ref.Proc)
		if th == nil {
			l.errorf(ref.Pos(), "no process P%d", ref.Proc)
			continue
		}
		v, ok := l.staticValue(a.Y)
		if !ok {
			continue
		}
		reg, found := l.regByName(th, ref.Name)
		if !found {
			// herd7 registers need no declaration
			reg = len(th.Regs)
			_, isPtr := l.prog.PtrLoc(v)
			th.Regs = append(th.Regs, model.RegInfo{Name: ref.Name, IsPtr: isPtr})
			th.NumRegs = len(th.Regs)
			l.regs[th][ref.Name] = reg
		}
		inits := l.regInitIdx[th]
		if inits == nil {
			inits = map[int]int{}
			for i, in := range th.Init {
				inits[in.Reg] = i // only the process parameters so far: no register twice
			}
			l.regInitIdx[th] = inits
		}
		if i, ok := inits[reg]; ok {
			th.Init[i].Val = v
		} else {
			inits[reg] = len(th.Init)
			th.Init = append(th.Init, model.RegInit{Reg: reg, Val: v})
		}
	}
}

// thread returns the thread of process id, or nil.
func (l *lowerer) thread(id int) *model.Thread {
	if i := l.threadIndex(id); i >= 0 {
		return l.prog.Threads[i]
	}
	return nil
}

// regByName is th.RegByName, from a map built on first use (conditions
// and initial values name registers one at a time).
func (l *lowerer) regByName(th *model.Thread, name string) (int, bool) {
	m := l.regs[th]
	if m == nil {
		m = map[string]int{}
		for i := len(th.Regs) - 1; i >= 0; i-- {
			m[th.Regs[i].Name] = i // the first of a name wins
		}
		l.regs[th] = m
	}
	r, ok := m[name]
	return r, ok
}

// ---- clauses ----

func (l *lowerer) lowerClauses() {
	var cond *CondClause
	var locs *LocationsClause
	var filter *FilterClause
	var leak *LeakCheckClause
	for _, c := range l.main.Clauses {
		var prev Node
		switch c := c.(type) {
		case *CondClause:
			if cond != nil {
				prev = cond
			} else {
				cond = c
			}
		case *LocationsClause:
			if locs != nil {
				prev = locs
			} else {
				locs = c
			}
		case *FilterClause:
			if filter != nil {
				prev = filter
			} else {
				filter = c
			}
		case *LeakCheckClause:
			if leak != nil {
				prev = leak
			} else {
				leak = c
			}
		}
		if prev != nil {
			l.errorf(c.Pos(), "duplicate clause; previous at %s", prev.Pos())
		}
	}
	p := l.prog
	seen := map[string]bool{}
	observe := func(t model.Term) {
		var key string
		switch t := t.(type) {
		case *model.RegTerm:
			key = fmt.Sprintf("r%d:%d", t.Thread, t.Reg)
		case *model.LocTerm:
			key = fmt.Sprintf("l%d", t.Loc)
		default:
			return
		}
		if !seen[key] {
			seen[key] = true
			p.Observed = append(p.Observed, t)
		}
	}
	if cond != nil {
		var terms []model.Term
		e := l.prop(cond.X, &terms)
		p.Cond = &model.Cond{Kind: cond.Kind, Expr: e, Pos: cond.Pos(), Text: strings.TrimSpace(l.source(cond.X))}
		for _, t := range terms {
			observe(t)
		}
	}
	if locs != nil {
		for _, x := range locs.Terms {
			if t := l.term(x, true); t != nil {
				observe(t)
			}
		}
	}
	if filter != nil {
		p.Filter = l.prop(filter.X, nil)
	}
	if leak != nil {
		for _, id := range leak.Objs {
			g := l.globals[id.Name]
			switch {
			case g == nil:
				l.errorf(id.Pos(), "undefined: %s", id.Name)
			case g.kind != gObject:
				l.errorf(id.Pos(), "%s is not a shared object", id.Name)
			default:
				p.LeakCheck = append(p.LeakCheck, g.obj.idx)
			}
		}
	}
}

// prop lowers a proposition, collecting its terms.
func (l *lowerer) prop(x Prop, terms *[]model.Term) model.BoolExpr {
	switch x := x.(type) {
	case *PropBinary:
		a, b := l.prop(x.X, terms), l.prop(x.Y, terms)
		switch x.Op {
		case `/\`:
			return &model.And{L: a, R: b}
		case "=>":
			return &model.Or{L: &model.Not{X: a}, R: b, Implies: true}
		}
		return &model.Or{L: a, R: b}
	case *PropNot:
		return &model.Not{X: l.prop(x.X, terms)}
	case *PropParen:
		return l.prop(x.X, terms)
	case *PropConst:
		return &model.Const{V: x.Value}
	case *PropFreed:
		id, ok := unparen(x.Obj).(*Ident)
		if u, isAddr := unparen(x.Obj).(*UnaryExpr); isAddr && u.Op == "&" {
			id, ok = unparen(u.X).(*Ident)
		}
		if !ok {
			l.errorf(x.Obj.Pos(), "freed expects an object name, found %s", l.text(x.Obj))
			return &model.Const{V: false}
		}
		g := l.globals[id.Name]
		if g == nil || g.kind != gObject {
			if g == nil {
				l.errorf(id.Pos(), "undefined: %s", id.Name)
			} else {
				l.errorf(id.Pos(), "%s is not a shared object", id.Name)
			}
			return &model.Const{V: false}
		}
		return &model.Freed{Obj: g.obj.idx, Pos: x.Pos()}
	case *PropCmp:
		if il, ok := x.R.(*InitList); ok {
			return l.arrayCmp(x, il, terms)
		}
		lt := l.term(x.L, true)
		rt := l.term(x.R, false)
		if lt == nil || rt == nil {
			return &model.Const{V: false}
		}
		if terms != nil {
			*terms = append(*terms, lt, rt)
		}
		return &model.Cmp{L: lt, R: rt, Neq: x.Op == "!=", Pos: x.Pos()}
	}
	return &model.Const{V: false}
}

// term lowers a term of a condition. On the left of a comparison (and in
// locations) a bare name is a location; on the right it is the address of
// the variable, as in herd7.
func (l *lowerer) term(x Expr, lhs bool) model.Term {
	switch x := x.(type) {
	case *RegRef:
		th := l.thread(x.Proc)
		if th == nil {
			l.errorf(x.Pos(), "no process P%d", x.Proc)
			return nil
		}
		reg, ok := l.regByName(th, x.Name)
		if !ok && l.herdFile() {
			reg, ok = l.herdReg(th, x.Name), true
		}
		if !ok {
			l.errorf(x.Pos(), "undefined: register %d:%s", x.Proc, x.Name)
			return nil
		}
		return &model.RegTerm{Thread: l.threadIndex(x.Proc), Reg: reg, Name: x.Name}
	case *Ident:
		g := l.globals[x.Name]
		if g != nil && g.kind == gObject && lhs {
			return l.locTerm(x)
		}
		v, ok := l.staticValue(x)
		if !ok {
			return nil
		}
		return &model.ConstTerm{Val: v}
	case *SelectorExpr, *IndexExpr, *CallExpr:
		return l.locTerm(x)
	case *UnaryExpr:
		if x.Op == "*" {
			return l.derefTerm(x)
		}
		v, ok := l.staticValue(x)
		if !ok {
			return nil
		}
		return &model.ConstTerm{Val: v}
	case *IntLit, *ParenExpr:
		v, ok := l.staticValue(x)
		if !ok {
			return nil
		}
		return &model.ConstTerm{Val: v}
	}
	l.errorf(x.Pos(), "invalid term %s", l.text(x))
	return nil
}

func (l *lowerer) locTerm(x Expr) model.Term {
	loc, t, ok := l.staticLoc(x)
	if !ok {
		return nil
	}
	if !t.scalar() {
		l.errorf(x.Pos(), "%s is not a scalar location (type %s)", l.text(x), t)
		return nil
	}
	return &model.LocTerm{Loc: loc}
}

// threadIndex returns the index in the program of process id's thread,
// or -1.
func (l *lowerer) threadIndex(id int) int {
	if len(l.threadIdx) != len(l.prog.Threads) {
		l.threadIdx = map[int]int{}
		for i, th := range l.prog.Threads {
			l.threadIdx[th.ID] = i
		}
	}
	if i, ok := l.threadIdx[id]; ok {
		return i
	}
	return -1
}
