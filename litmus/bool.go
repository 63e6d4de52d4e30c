package litmus

// bool: C's _Bool holds 0 or 1, and converting any other value to it
// gives 1, as in C; the other integer types keep their 64-bit values.

import "mmcheck/model"

// isBool reports whether t is bool (or _Bool).
func isBool(t *ctype) bool { return t.kind == kInt && (t.name == "bool" || t.name == "_Bool") }

// toBool converts v to bool, as an assignment, initialisation, cast or
// return does: 0 stays 0, anything else becomes 1.
func (g *gen) toBool(n Node, v opnd, want int) opnd {
	switch {
	case v.t.kind == kBad:
		return v
	case v.arg.IsImm():
		return opnd{mode: oVal, arg: model.Imm(b2i(v.arg.Imm != 0)), t: tBool, isBool: true}
	case v.isBool:
		return opnd{mode: oVal, arg: v.arg, t: tBool, isBool: true}
	}
	d := g.dst(want, tBool)
	g.binop(n, d, model.AluNe, v.arg, model.Imm(0))
	return opnd{mode: oVal, arg: model.R(d), t: tBool, isBool: true}
}

var tBool = &ctype{kind: kInt, name: "bool"}
