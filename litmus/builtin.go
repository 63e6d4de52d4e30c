package litmus

// Builtins of the kernel's compiler.h that are neither primitives nor
// helpers: likely() and unlikely().

import "mmcheck/model"

// hintArg returns the argument of a call of likely(x) or unlikely(x), the
// kernel's branch-prediction hints, unless the name is a helper or a
// variable of the program (which then takes precedence). Their value is
// !!(x), as in the kernel (__builtin_expect(!!(x), 1)); for the memory
// model they are nothing more.
func (l *lowerer) hintArg(x *CallExpr) (Expr, bool) {
	if x.Fun.Name != "likely" && x.Fun.Name != "unlikely" || l.globals[x.Fun.Name] != nil || len(x.Args) != 1 {
		return nil, false
	}
	return x.Args[0], true
}

// hint is hintArg in code, where a local can shadow the name too.
func (g *gen) hint(x *CallExpr) (Expr, bool) {
	if g.lookup(x.Fun.Name) != nil {
		return nil, false
	}
	return g.l.hintArg(x)
}

// hintValue lowers likely(x) or unlikely(x) as a value: !!(x).
func (g *gen) hintValue(x *CallExpr, arg Expr, want int) opnd {
	v := g.rv(arg, -1)
	if v.t.kind == kBad {
		return v
	}
	if v.arg.IsImm() {
		return opnd{mode: oVal, arg: model.Imm(b2i(v.arg.Imm != 0)), t: tInt, isBool: true}
	}
	if v.isBool {
		return opnd{mode: oVal, arg: v.arg, t: tInt, isBool: true}
	}
	d := g.dst(want, tInt)
	g.binop(x, d, model.AluNe, v.arg, model.Imm(0))
	return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
}
