package litmus

// Expressions: values, addresses, operators, branches, assignment, indexing and fields.

import (
	"mmcheck/model"
)

// discard evaluates x for its side effects.
func (g *gen) discard(x Expr) {
	switch e := x.(type) {
	case *PostfixExpr:
		g.incdec(e.X, e.Op, false, e, -1)
		return
	case *CallExpr:
		if arg, ok := g.hint(e); ok {
			g.discard(arg)
			return
		}
		g.call(e, -1, true)
		return
	case *ParenExpr:
		g.discard(e.X)
		return
	case *BinaryExpr:
		if e.Op == "," {
			g.discard(e.X)
			g.discard(e.Y)
			return
		}
	case *CastExpr:
		g.discard(e.X)
		return
	}
	o := g.expr(x, -1)
	if o.mode == oVal && o.t.kind == kVoid {
		return
	}
	if o.mode == oMem && !o.t.scalar() {
		return
	}
	// a plain read whose value is unused is still a read
	if o.mode == oMem {
		g.value(o, x, -1)
	}
}

// rv evaluates x to a value, preferably in register want (if >= 0).
func (g *gen) rv(x Expr, want int) opnd {
	return g.value(g.expr(x, want), x, want)
}

// value turns an operand into a value: a register or memory location is
// read (memory with a plain load), an array decays to a pointer.
func (g *gen) value(o opnd, n Node, want int) opnd {
	switch o.mode {
	case oVal:
		if o.t.kind == kVoid {
			g.errorf(n.Pos(), "%s (no value) used as value", g.text(n))
			return badOp
		}
		return o
	case oReg:
		return opnd{mode: oVal, arg: model.R(o.reg), t: o.t}
	}
	switch o.t.kind {
	case kBad:
		return badOp
	case kArray:
		return opnd{mode: oVal, arg: g.addr(o, n), t: ptrTo(o.t.elem)}
	case kStruct:
		g.errorf(n.Pos(), "cannot use %s (type %s) as a value", g.text(n), o.t)
		return badOp
	case kPerCPU:
		g.errorf(n.Pos(), "cannot use per-CPU variable %s as a value (use per_cpu(%s, cpu) or this_cpu_read(%s))", g.text(n), g.text(n), g.text(n))
		return badOp
	case kVoid:
		g.errorf(n.Pos(), "cannot dereference void pointer in %s", g.text(n))
		return badOp
	}
	t := o.t
	if t.kind == kAtomic || t.kind == kLock {
		t = tInt
	}
	d := g.dst(want, t)
	in := ins(model.OpLoad)
	in.Dst, in.A, in.Order = int32(d), g.addr(o, n), model.Plain
	g.emit(n, in)
	g.feature("plain-access")
	return opnd{mode: oVal, arg: model.R(d), t: t}
}

// addr returns the address of a memory operand.
func (g *gen) addr(o opnd, n Node) model.Arg {
	if o.off == 0 {
		return o.arg
	}
	if o.arg.IsImm() {
		return model.Imm(o.arg.Imm + o.off)
	}
	t := g.temp(ptrTo(o.t))
	g.binop(n, t, model.AluAdd, o.arg, model.Imm(o.off))
	return model.R(t)
}

// mem makes a memory operand at the address held by v.
func mem(a model.Arg, t *ctype) opnd { return opnd{mode: oMem, arg: a, t: t} }

func (g *gen) expr(x Expr, want int) opnd {
	if g.stopped() || !g.enter(x) {
		return badOp
	}
	defer g.leave()
	switch x := x.(type) {
	case *Ident:
		return g.ident(x)
	case *IntLit:
		return imm(x.Value, tInt)
	case *ParenExpr:
		return g.expr(x.X, want)
	case *CastExpr:
		t := g.l.typeName(x.Type)
		if !t.scalar() && t.kind != kVoid {
			g.errorf(x.Pos(), "invalid cast to %s", t)
			return badOp
		}
		v := g.rv(x.X, want)
		if t.kind == kVoid {
			return opnd{mode: oVal, arg: v.arg, t: tVoid}
		}
		if v.t.kind == kBad {
			return v
		}
		if isBool(t) {
			return g.toBool(x, v, want)
		}
		return opnd{mode: oVal, arg: v.arg, t: t, isBool: v.isBool}
	case *UnaryExpr:
		return g.unary(x, want)
	case *PostfixExpr:
		return g.incdec(x.X, x.Op, true, x, want)
	case *BinaryExpr:
		return g.binary(x, want)
	case *AssignExpr:
		return g.assign(x, want)
	case *TernaryExpr:
		return g.ternary(x, want)
	case *CallExpr:
		if arg, ok := g.hint(x); ok {
			return g.hintValue(x, arg, want)
		}
		return g.call(x, want, false)
	case *IndexExpr:
		return g.index(x)
	case *SelectorExpr:
		return g.selector(x)
	case *SizeofExpr:
		v, ok := g.sizeof(x)
		if !ok {
			return badOp
		}
		return imm(v, tSizeT)
	case *InitList:
		g.errorf(x.Pos(), "initialiser list outside a declaration")
		return badOp
	case *RegRef:
		g.errorf(x.Pos(), "register reference %d:%s outside the init block and conditions", x.Proc, x.Name)
		return badOp
	case *BadExpr:
		return badOp
	}
	g.errorf(x.Pos(), "unexpected %s", nodeKind(x))
	return badOp
}

func (g *gen) ident(x *Ident) opnd {
	if v := g.lookup(x.Name); v != nil {
		if v.konst {
			return imm(v.val, v.t)
		}
		return opnd{mode: oReg, reg: v.reg, t: v.t}
	}
	if gl := g.l.globals[x.Name]; gl != nil {
		switch gl.kind {
		case gObject:
			if gl.obj.t.kind == kBad {
				return badOp
			}
			if gl.obj.t.kind == kPerCPU {
				return g.perCPUVar(x, gl.obj)
			}
			return mem(model.Imm(model.Ptr(gl.obj.base)), gl.obj.t)
		case gDefine:
			v, ok := g.l.defineValue(gl)
			if !ok {
				return badOp
			}
			return imm(v, tInt)
		case gFunc:
			g.errorf(x.Pos(), "%s is a function, not a value", x.Name)
			return badOp
		}
	}
	switch x.Name {
	case "NULL":
		return imm(0, tVoidP)
	case "true":
		return opnd{mode: oVal, arg: model.Imm(1), t: tInt, isBool: true}
	case "false":
		return opnd{mode: oVal, arg: model.Imm(0), t: tInt, isBool: true}
	}
	if o, ok := g.builtinValue(x); ok {
		return o
	}
	if prims[x.Name] != nil {
		g.errorf(x.Pos(), "%s is a primitive, not a value", x.Name)
		return badOp
	}
	g.errorf(x.Pos(), "undefined: %s", x.Name)
	return badOp
}

func (g *gen) unary(x *UnaryExpr, want int) opnd {
	switch x.Op {
	case "*":
		p := g.rv(x.X, -1)
		switch p.t.kind {
		case kBad:
			return opnd{mode: oMem, arg: p.arg, t: tBad}
		case kPtr:
			elem := p.t.elem
			if elem.kind == kVoid {
				if g.l.strict {
					g.errorf(x.Pos(), "cannot dereference void pointer %s", g.text(x.X))
					return badOp
				}
				elem = tInt
			}
			return mem(p.arg, elem)
		case kInt:
			if !g.l.strict {
				// herd7 registers are untyped: an int may hold an address
				return mem(p.arg, tInt)
			}
		}
		g.errorf(x.Pos(), "cannot dereference non-pointer %s (type %s)", g.text(x.X), p.t)
		return badOp
	case "&":
		o := g.expr(x.X, -1)
		switch o.mode {
		case oReg:
			g.errorf(x.Pos(), "cannot take the address of local %s", g.text(x.X))
			return badOp
		case oVal:
			if o.t.kind != kBad {
				g.errorf(x.Pos(), "cannot take the address of %s", g.text(x.X))
			}
			return badOp
		}
		if o.t.kind == kBad {
			return badOp
		}
		return opnd{mode: oVal, arg: g.addr(o, x), t: ptrTo(o.t)}
	case "++", "--":
		return g.incdec(x.X, x.Op, false, x, want)
	case "+":
		return g.rv(x.X, want)
	}
	v := g.rv(x.X, -1)
	if v.t.kind == kBad {
		return v
	}
	isBool := x.Op == "!"
	if v.arg.IsImm() {
		return opnd{mode: oVal, arg: model.Imm(foldUnary(x.Op, v.arg.Imm)), t: tInt, isBool: isBool}
	}
	d := g.dst(want, tInt)
	in := ins(model.OpUnary)
	in.Dst, in.Alu, in.A = int32(d), unaryAlu[x.Op], v.arg
	g.emit(x, in)
	return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: isBool}
}

// store writes v to a register or memory lvalue.
func (g *gen) store(o opnd, v model.Arg, n Node, addr model.Arg) {
	if o.mode == oReg {
		g.mov(n, o.reg, v)
		return
	}
	in := ins(model.OpStore)
	in.A, in.B, in.Order = addr, v, model.Plain
	g.emit(n, in)
	g.feature("plain-access")
}

// lvalue checks that o can be assigned.
func (g *gen) lvalue(o opnd, x Expr) bool {
	switch o.mode {
	case oVal:
		if o.t.kind != kBad {
			g.errorf(x.Pos(), "cannot assign to %s (not an lvalue)", g.text(x))
		}
		return false
	case oMem:
		if o.t.kind == kBad {
			return false
		}
		if !o.t.scalar() {
			g.errorf(x.Pos(), "cannot assign to %s (type %s)", g.text(x), o.t)
			return false
		}
	}
	return true
}

func (g *gen) incdec(target Expr, op string, post bool, n Node, want int) opnd {
	o := g.expr(target, -1)
	if !g.lvalue(o, target) {
		return badOp
	}
	step := model.Value(1)
	if o.t.kind == kPtr {
		step = model.Value(o.t.elem.size())
	}
	alu := model.AluAdd
	if op == "--" {
		alu = model.AluSub
	}
	t := o.t
	if t.kind == kAtomic || t.kind == kLock {
		t = tInt
	}
	if o.mode == oReg {
		if post {
			old := g.dst(want, t)
			g.mov(n, old, model.R(o.reg))
			g.binop(n, o.reg, alu, model.R(o.reg), model.Imm(step))
			return opnd{mode: oVal, arg: model.R(old), t: t}
		}
		g.binop(n, o.reg, alu, model.R(o.reg), model.Imm(step))
		return opnd{mode: oVal, arg: model.R(o.reg), t: t}
	}
	a := g.addr(o, target)
	old := g.value(mem(a, o.t), target, -1)
	nw := g.temp(t)
	g.binop(n, nw, alu, old.arg, model.Imm(step))
	g.store(o, model.R(nw), n, a)
	if post {
		return old
	}
	return opnd{mode: oVal, arg: model.R(nw), t: t}
}

// scale multiplies an index by an element size.
func (g *gen) scale(n Node, v opnd, size int) opnd {
	if size == 1 {
		return v
	}
	if v.arg.IsImm() {
		return imm(v.arg.Imm*model.Value(size), tInt)
	}
	d := g.temp(tInt)
	g.binop(n, d, model.AluMul, v.arg, model.Imm(model.Value(size)))
	return opnd{mode: oVal, arg: model.R(d), t: tInt}
}

func (g *gen) binary(x *BinaryExpr, want int) opnd {
	switch x.Op {
	case "&&", "||":
		if c, ok := g.constValue(x); ok {
			return opnd{mode: oVal, arg: model.Imm(c), t: tInt, isBool: true}
		}
		d := g.dst(want, tInt)
		f := g.branch(x, false)
		g.mov(x, d, model.Imm(1))
		j := g.jump(x, model.OpJump, model.Arg{})
		g.patch(f, g.here())
		g.mov(x, d, model.Imm(0))
		g.patch([]int{j}, g.here())
		return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
	case ",":
		g.discard(x.X)
		return g.expr(x.Y, want)
	}
	a := g.rv(x.X, -1)
	b := g.rv(x.Y, -1)
	if a.t.kind == kBad || b.t.kind == kBad {
		return badOp
	}
	t := tInt
	diff := 0
	switch x.Op {
	case "+":
		switch {
		case a.t.kind == kPtr && b.t.intLike():
			b = g.scale(x, b, a.t.elem.size())
			t = a.t
		case b.t.kind == kPtr && a.t.intLike():
			a = g.scale(x, a, b.t.elem.size())
			t = b.t
		}
	case "-":
		switch {
		case a.t.kind == kPtr && b.t.intLike():
			b = g.scale(x, b, a.t.elem.size())
			t = a.t
		case a.t.kind == kPtr && b.t.kind == kPtr:
			diff = a.t.elem.size()
		}
	case "*", "/", "%", "&", "|", "^", "<<", ">>":
		if g.l.strict && (a.t.kind == kPtr || b.t.kind == kPtr) {
			g.errorf(x.OpPos, "invalid operation: operator %s on pointer", x.Op)
			return badOp
		}
	}
	alu := aluOps[x.Op]
	if a.arg.IsImm() && b.arg.IsImm() {
		v, ok := fold(x.Op, a.arg.Imm, b.arg.Imm)
		if !ok {
			g.errorf(x.OpPos, "division by zero")
			return badOp
		}
		if diff > 1 {
			v /= model.Value(diff)
		}
		return opnd{mode: oVal, arg: model.Imm(v), t: t, isBool: isComparison(x.Op)}
	}
	if (x.Op == "/" || x.Op == "%") && b.arg.IsImm() && b.arg.Imm == 0 {
		g.errorf(x.OpPos, "division by zero")
		return badOp
	}
	var d int
	if diff > 1 {
		d0 := g.temp(tInt)
		g.binop(x, d0, alu, a.arg, b.arg)
		d = g.dst(want, tInt)
		g.binop(x, d, model.AluDiv, model.R(d0), model.Imm(model.Value(diff)))
	} else {
		d = g.dst(want, t)
		g.binop(x, d, alu, a.arg, b.arg)
	}
	return opnd{mode: oVal, arg: model.R(d), t: t, isBool: isComparison(x.Op)}
}

// branch emits code that jumps when the truth of x is jumpIf and falls
// through otherwise; it returns the jumps to patch.
func (g *gen) branch(x Expr, jumpIf bool) []int { return g.branchOf(x, jumpIf, false) }

// branchNonConst is branch for an x known not to be constant.
func (g *gen) branchNonConst(x Expr, jumpIf bool) []int { return g.branchOf(x, jumpIf, true) }

// branchOf is branch; nonConst says x is known not to be constant, and
// then so are the operands of its ! and == 0: knowing it saves asking
// again at each level of a chain (quadratic in its length).
func (g *gen) branchOf(x Expr, jumpIf, nonConst bool) []int {
	switch e := unparen(x).(type) {
	case *UnaryExpr:
		if e.Op == "!" {
			return g.branchOf(e.X, !jumpIf, nonConst)
		}
	case *CallExpr:
		if arg, ok := g.hint(e); ok {
			return g.branchOf(arg, jumpIf, nonConst)
		}
	case *BinaryExpr:
		switch e.Op {
		case "&&":
			if !jumpIf {
				return append(g.branch(e.X, false), g.branch(e.Y, false)...)
			}
			f := g.branch(e.X, false)
			t := g.branch(e.Y, true)
			g.patch(f, g.here())
			return t
		case "||":
			if jumpIf {
				return append(g.branch(e.X, true), g.branch(e.Y, true)...)
			}
			t := g.branch(e.X, true)
			f := g.branch(e.Y, false)
			g.patch(t, g.here())
			return f
		case "==", "!=":
			if c, ok := g.literalConst(e.Y); ok && c == 0 {
				if !nonConst {
					_, isConst := g.constValue(e.X)
					nonConst = !isConst
				}
				if nonConst {
					if e.Op == "==" {
						return g.branchOf(e.X, !jumpIf, true)
					}
					return g.branchOf(e.X, jumpIf, true)
				}
			}
		}
	}
	v := g.rv(x, -1)
	if v.arg.IsImm() {
		if (v.arg.Imm != 0) == jumpIf {
			return []int{g.jump(x, model.OpJump, model.Arg{})}
		}
		return nil
	}
	op := model.OpJumpIfNot
	if jumpIf {
		op = model.OpJumpIf
	}
	return []int{g.jump(x, op, v.arg)}
}

func (g *gen) ternary(x *TernaryExpr, want int) opnd {
	if c, ok := g.constValue(x.Cond); ok {
		live, dead := x.Then, x.Else
		if c == 0 {
			live, dead = x.Else, x.Then
		}
		g.deadCode(func() { g.rv(dead, -1) })
		return g.rv(live, want)
	}
	f := g.branchNonConst(x.Cond, false)
	d := want
	var t *ctype
	if d < 0 {
		d = g.temp(tInt)
	}
	a := g.rv(x.Then, d)
	g.mov(x.Then, d, a.arg)
	j := g.jump(x, model.OpJump, model.Arg{})
	g.patch(f, g.here())
	b := g.rv(x.Else, d)
	g.mov(x.Else, d, b.arg)
	g.patch([]int{j}, g.here())
	t = a.t
	if t.kind == kBad || (t.kind == kVoid && b.t.kind == kPtr) || (t.intLike() && b.t.kind == kPtr) {
		t = b.t
	}
	if isPtrType(t) && want < 0 {
		g.regs[d].IsPtr = true
	}
	return opnd{mode: oVal, arg: model.R(d), t: t, isBool: a.isBool && b.isBool}
}

func (g *gen) assign(x *AssignExpr, want int) opnd {
	nerr := len(g.l.errs)
	o := g.expr(x.X, -1)
	if o.mode == oVal && o.t.kind == kBad && !g.l.strict && x.Op == "=" && g.frame.fn == nil {
		// herd7: registers need no declaration
		if id, ok := x.X.(*Ident); ok && g.lookup(id.Name) == nil && g.l.globals[id.Name] == nil && !isPredeclared(id.Name) && prims[id.Name] == nil {
			g.dropErrorsAt(id.Pos(), nerr)
			sc := g.frame.scope
			g.frame.scope = g.frame.top
			v := g.declare(id, id, tInt)
			g.frame.scope = sc
			o = opnd{mode: oReg, reg: v.reg, t: tInt}
		}
	}
	if !g.lvalue(o, x.X) {
		g.rv(x.Y, -1)
		return badOp
	}
	var addr model.Arg
	if o.mode == oMem {
		addr = g.addr(o, x.X)
	}
	if x.Op == "=" {
		w := -1
		if o.mode == oReg {
			w = o.reg
		}
		v := g.rv(x.Y, w)
		if v.t.kind == kVoid {
			return badOp
		}
		if isBool(o.t) {
			v = g.toBool(x, v, w)
		}
		g.store(o, v.arg, x, addr)
		if o.mode == oReg {
			return opnd{mode: oVal, arg: model.R(o.reg), t: o.t}
		}
		return v
	}
	// compound assignment
	op := x.Op[:len(x.Op)-1]
	var old opnd
	if o.mode == oReg {
		old = opnd{mode: oVal, arg: model.R(o.reg), t: o.t}
	} else {
		old = g.value(mem(addr, o.t), x.X, -1)
	}
	v := g.rv(x.Y, -1)
	if v.t.kind == kBad {
		return badOp
	}
	if o.t.kind == kPtr && (op == "+" || op == "-") {
		v = g.scale(x, v, o.t.elem.size())
	}
	if (op == "/" || op == "%") && v.arg.IsImm() && v.arg.Imm == 0 {
		g.errorf(x.OpPos, "division by zero")
		return badOp
	}
	d := -1
	if o.mode == oReg {
		d = o.reg
	} else {
		d = g.temp(old.t)
	}
	g.binop(x, d, aluOps[op], old.arg, v.arg)
	if isBool(o.t) {
		g.binop(x, d, model.AluNe, model.R(d), model.Imm(0))
	}
	g.store(o, model.R(d), x, addr)
	return opnd{mode: oVal, arg: model.R(d), t: old.t}
}

// dropErrorsAt removes the errors reported at pos since the first nerr
// (used when a herd7 assignment turns out to declare a register).
func (g *gen) dropErrorsAt(pos model.Pos, nerr int) {
	errs := g.l.errs[:nerr]
	for _, e := range g.l.errs[nerr:] {
		if e.Pos != pos {
			errs = append(errs, e)
		}
	}
	g.l.errs = errs
}

// index lowers x[i].
func (g *gen) index(x *IndexExpr) opnd {
	base := g.expr(x.X, -1)
	if base.mode == oMem && base.t.kind == kArray {
		elem := base.t.elem
		i := g.rv(x.Index, -1)
		if i.t.kind == kBad {
			return opnd{mode: oMem, arg: base.arg, t: tBad}
		}
		size := model.Value(elem.size())
		if i.arg.IsImm() {
			if i.arg.Imm < 0 || i.arg.Imm >= int64(base.t.n) {
				if _, lit := g.literalConst(x.Index); lit {
					g.errorf(x.Index.Pos(), "index %d out of range [0:%d]", i.arg.Imm, base.t.n)
					return opnd{mode: oMem, arg: base.arg, t: tBad}
				}
				// out of range only in this copy of an unrolled loop:
				// a violation if it runs
				g.boundsCheck(x, i.arg, base.t.n)
			}
			return opnd{mode: oMem, arg: base.arg, off: base.off + i.arg.Imm*size, t: elem}
		}
		g.boundsCheck(x, i.arg, base.t.n)
		s := g.scale(x, i, int(size))
		d := g.temp(ptrTo(elem))
		a := base.arg
		off := base.off
		if a.IsImm() {
			a, off = model.Imm(a.Imm+off), 0
		}
		g.binop(x, d, model.AluAdd, a, s.arg)
		return opnd{mode: oMem, arg: model.R(d), off: off, t: elem}
	}
	p := g.value(base, x.X, -1)
	var elem *ctype
	switch p.t.kind {
	case kBad:
		return opnd{mode: oMem, arg: p.arg, t: tBad}
	case kPtr:
		elem = p.t.elem
	case kInt:
		if !g.l.strict {
			elem = tInt
		}
	}
	if elem == nil || elem.kind == kVoid {
		g.errorf(x.Pos(), "cannot index %s (type %s)", g.text(x.X), p.t)
		return badOp
	}
	i := g.rv(x.Index, -1)
	if i.t.kind == kBad {
		return opnd{mode: oMem, arg: p.arg, t: tBad}
	}
	s := g.scale(x, i, elem.size())
	if s.arg.IsImm() && p.arg.IsImm() {
		return mem(model.Imm(p.arg.Imm+s.arg.Imm), elem)
	}
	if s.arg.IsImm() {
		return opnd{mode: oMem, arg: p.arg, off: s.arg.Imm, t: elem}
	}
	d := g.temp(ptrTo(elem))
	g.binop(x, d, model.AluAdd, p.arg, s.arg)
	return mem(model.R(d), elem)
}

func (g *gen) boundsCheck(n Node, i model.Arg, length int) {
	in := ins(model.OpBoundsCheck)
	in.A, in.B = i, model.Imm(model.Value(length))
	g.emit(n, in)
}

// selector lowers x.f and x->f.
func (g *gen) selector(x *SelectorExpr) opnd {
	var base opnd
	var st *ctype
	if x.Arrow {
		p := g.rv(x.X, -1)
		if p.t.kind == kBad {
			return opnd{mode: oMem, arg: p.arg, t: tBad}
		}
		if p.t.kind != kPtr || p.t.elem.kind != kStruct {
			g.errorf(x.Pos(), "%s->%s: %s is not a pointer to a struct (type %s)", g.text(x.X), x.Sel.Name, g.text(x.X), p.t)
			return badOp
		}
		base, st = mem(p.arg, p.t.elem), p.t.elem
	} else {
		base = g.expr(x.X, -1)
		if base.t.kind == kBad {
			return opnd{mode: oMem, arg: base.arg, t: tBad}
		}
		if base.t.kind != kStruct {
			g.errorf(x.Pos(), "%s.%s: %s is not a struct (type %s)", g.text(x.X), x.Sel.Name, g.text(x.X), base.t)
			return badOp
		}
		if base.mode != oMem {
			g.errorf(x.Pos(), "cannot select a field of %s", g.text(x.X))
			return badOp
		}
		st = base.t
	}
	for _, f := range st.st.fields {
		if f.name == x.Sel.Name {
			if base.arg.IsImm() {
				return mem(model.Imm(base.arg.Imm+base.off+model.Value(f.off)), f.t)
			}
			return opnd{mode: oMem, arg: base.arg, off: base.off + model.Value(f.off), t: f.t}
		}
	}
	g.errorf(x.Sel.Pos(), "%s undefined (%s has no field %s)", g.text(x), st, x.Sel.Name)
	return badOp
}
