package litmus

import (
	"strings"

	"mmcheck/model"
)

// herd7's forms of the init block that the C-style lowering does not
// know are rewritten, for the lowering only, into forms it knows (the
// File is left as parsed):
//
//	x;               x = 0;          (herd7: a location is 0 unless given)
//	0:r1;            0:r1 = 0;
//	*x = v;          x = v;          (herd7: x holds a pointer)
//	p = a[1];        p = &a[1];      (herd7: an array element's address)
//	int 0:r1;        0:r1 = 0;       and the register is an int
//	int *1:r2 = x;   1:r2 = x;       and the register is an int *
//
// A register given a value only there is a register of its process: the
// process may use it without declaring it (see declareInitRegs).

// herdInit returns the init block d with herd7's forms rewritten, and
// records the types of the registers declared with one in l.regTypes.
func (l *lowerer) herdInit(d *InitDecl) *InitDecl {
	var list []Stmt
	changed := false
	for _, s := range d.List {
		switch s := s.(type) {
		case *ExprStmt:
			switch x := s.X.(type) {
			case *Ident, *RegRef, *SelectorExpr, *IndexExpr:
				list = append(list, assignZero(s, x))
				changed = true
				continue
			case *UnaryExpr:
				if x.Op == "*" {
					list = append(list, assignZero(s, x.X))
					changed = true
					continue
				}
			case *AssignExpr:
				lhs, star := x.X.(*UnaryExpr)
				star = star && lhs.Op == "*"
				if x.Op == "=" && (star || isHerdElem(x.Y)) {
					a := &AssignExpr{x.span, "=", x.OpPos, x.X, herdValue(x.Y)}
					if star {
						a.X = lhs.X
					}
					list = append(list, &ExprStmt{s.span, a})
					changed = true
					continue
				}
			}
		case *DeclStmt:
			var vars []*VarSpec
			for i, v := range s.Vars {
				if isHerdElem(v.Init) {
					if vars == nil {
						vars = append([]*VarSpec(nil), s.Vars...)
					}
					w := *v
					w.Init = herdValue(v.Init)
					vars[i] = &w
				}
			}
			if vars != nil {
				list = append(list, &DeclStmt{s.span, s.Type, vars, s.Align})
				changed = true
				continue
			}
		case *RegDeclStmt:
			var a *AssignExpr
			if s.Value != nil {
				a = &AssignExpr{s.span, "=", s.Reg.To, s.Reg, herdValue(s.Value)}
			} else {
				a = zeroAssign(s.Reg)
			}
			if l.regTypes == nil {
				l.regTypes = map[*AssignExpr]*TypeName{}
			}
			l.regTypes[a] = s.Type
			list = append(list, &ExprStmt{s.span, a})
			changed = true
			continue
		}
		list = append(list, s)
	}
	if !changed {
		return d
	}
	return &InitDecl{d.span, list}
}

// isHerdElem reports whether x is herd7's initial value a[i], the
// address of an element of array a (which C would write &a[i]).
func isHerdElem(x Expr) bool {
	ix, ok := x.(*IndexExpr)
	if !ok {
		return false
	}
	_, ok = ix.X.(*Ident)
	return ok
}

// herdValue returns an initial value with herd7's a[i] written &a[i].
func herdValue(x Expr) Expr {
	if isHerdElem(x) {
		return &UnaryExpr{span{x.Pos(), x.End()}, "&", x}
	}
	return x
}

// assignZero is "x = 0;" for the herd7 init item s, "x;".
func assignZero(s *ExprStmt, x Expr) Stmt {
	return &ExprStmt{s.span, zeroAssign(x)}
}

func zeroAssign(x Expr) *AssignExpr {
	zero := &IntLit{span{x.End(), x.End()}, "0", 0}
	return &AssignExpr{span{x.Pos(), x.End()}, "=", x.End(), x, zero}
}

// declareInitRegs declares, in the process being generated, the
// registers that the init block gives a value and the process does not
// declare: it reads them with their initial values, as in herd7. A
// register keeps its type from the init block ("int *1:r2 = x;"), or
// else is an int, or a pointer to the object its initial value points
// to. A register the process never assigns is a constant, as a
// parameter is.
func (l *lowerer) declareInitRegs(g *gen, pd *ProcDecl) {
	var declared map[string]bool // the names pd declares, found once: a walk per register is quadratic
	for _, a := range l.regInits {
		ref := a.X.(*RegRef)
		if ref.Proc != pd.ID || g.frame.scope.vars[ref.Name] != nil {
			continue
		}
		if declared == nil {
			declared = declaredNames(pd.Body)
		}
		if declared[ref.Name] {
			continue
		}
		var t *ctype
		target, isAddr := l.addressOf(a.Y)
		switch {
		case l.regTypes[a] != nil:
			t = l.typeName(l.regTypes[a])
		case isAddr:
			t = ptrTo(target.t)
		default:
			t = tInt
		}
		v := g.declare(a, &Ident{ref.span, ref.Name}, t)
		if isAddr && !l.assigns(pd.Body, ref.Name) && !l.regInitTwice(ref) {
			v.konst, v.val = true, model.Ptr(target.base)
		}
	}
}

// addressOf returns the object whose address x is, if x is x or &x for
// a shared object x (without reporting errors: the initial value is
// evaluated, and its errors reported, later).
func (l *lowerer) addressOf(x Expr) (*object, bool) {
	if u, ok := x.(*UnaryExpr); ok && u.Op == "&" {
		x = u.X
	}
	id, ok := unparen(x).(*Ident)
	if !ok {
		return nil, false
	}
	g := l.globals[id.Name]
	if g == nil || g.kind != gObject || g.obj.t.kind == kBad {
		return nil, false
	}
	return g.obj, true
}

// regInitTwice reports whether the init block gives register ref a value
// more than once (the last one wins: it is not a constant of the first).
func (l *lowerer) regInitTwice(ref *RegRef) bool {
	if l.regInitCount == nil {
		l.regInitCount = map[regKey]int{}
		for _, a := range l.regInits {
			r := a.X.(*RegRef)
			l.regInitCount[regKey{r.Proc, r.Name}]++
		}
	}
	return l.regInitCount[regKey{ref.Proc, ref.Name}] > 1
}

// A regKey names a register of a process.
type regKey struct {
	proc int
	name string
}

// declaredNames returns the names that declarations in s declare.
func declaredNames(s Stmt) map[string]bool {
	names := map[string]bool{}
	walk(s, func(n Node) bool {
		if d, ok := n.(*DeclStmt); ok {
			for _, v := range d.Vars {
				names[v.Name.Name] = true
			}
		}
		return true
	})
	return names
}

// derefTerm lowers "*" x in a condition (herd7's "*x" and "[x]" on the
// right of a comparison): the value of location x, or of register x.
func (l *lowerer) derefTerm(x *UnaryExpr) model.Term {
	switch y := unparen(x.X).(type) {
	case *RegRef:
		return l.term(y, true)
	case *Ident, *SelectorExpr, *IndexExpr:
		return l.locTerm(y)
	}
	l.errorf(x.Pos(), "invalid term %s: * applies to a location or a register", l.text(x))
	return nil
}

// herdReg adds to th a register name its process does not have, for a
// herd7 test's condition that names it: as in herd7, the register is
// never written and ends with 0.
func (l *lowerer) herdReg(th *model.Thread, name string) int {
	reg := len(th.Regs)
	th.Regs = append(th.Regs, model.RegInfo{Name: name})
	th.NumRegs = len(th.Regs)
	l.regs[th][name] = reg // regByName built the map
	return reg
}

// herdFile reports whether the file is a herd7 test: a .litmus file in
// herd7's language (none of the extended language's declarations). Its
// conditions may name registers its processes do not have.
func (l *lowerer) herdFile() bool {
	return !l.strict && strings.HasSuffix(l.main.Name, ".litmus")
}

// arrayCmp lowers herd7's comparison of a whole array with a list of
// values, a={1,2} (a!={1,2}), as the conjunction of its elements'
// comparisons (and its negation).
func (l *lowerer) arrayCmp(x *PropCmp, il *InitList, terms *[]model.Term) model.BoolExpr {
	base, t, ok := l.staticLoc(x.L)
	if !ok {
		return &model.Const{V: false}
	}
	if t.kind != kArray || !t.elem.scalar() {
		l.errorf(x.L.Pos(), "%s is not an array of scalars (type %s): cannot compare it with a list", l.text(x.L), t)
		return &model.Const{V: false}
	}
	if len(il.Elems) != t.n {
		l.errorf(il.Pos(), "%d values for %s, which has %d elements", len(il.Elems), l.text(x.L), t.n)
		return &model.Const{V: false}
	}
	var all model.BoolExpr
	for i, e := range il.Elems {
		if e.Field != nil || e.Index != nil {
			l.errorf(e.Pos(), "designator in a list compared with an array")
			return &model.Const{V: false}
		}
		v, ok := l.staticValue(e.Value)
		if !ok {
			return &model.Const{V: false}
		}
		lt := &model.LocTerm{Loc: base + i*t.elem.size()}
		rt := &model.ConstTerm{Val: v}
		if terms != nil {
			*terms = append(*terms, lt, rt)
		}
		var c model.BoolExpr = &model.Cmp{L: lt, R: rt, Pos: e.Pos()}
		if all != nil {
			c = &model.And{L: all, R: c}
		}
		all = c
	}
	if x.Op == "!=" {
		return &model.Not{X: all}
	}
	return all
}
