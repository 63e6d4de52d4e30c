package litmus

import (
	"fmt"
	"strconv"

	"mmcheck/model"
)

// Layout: the shared objects (init block, process parameters, the
// objects a program uses without declaring) are given locations, one
// per scalar, and names for traces.

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
