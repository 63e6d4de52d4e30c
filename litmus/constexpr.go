package litmus

import "mmcheck/model"

// Constant expressions: #define values, array sizes and other
// expressions the lowering evaluates before any code runs.

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
