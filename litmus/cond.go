package litmus

import (
	"fmt"
	"strings"

	"mmcheck/model"
)

// Conditions: the final condition, filter and locations clauses lowered
// to terms over registers and locations.

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
