package litmus

import "mmcheck/model"

// Resolution: the file's top-level names (shared objects, #defines,
// functions, processes) are collected and checked for redeclaration, and
// the type syntax is resolved to ctypes.

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
