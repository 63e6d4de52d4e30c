package litmus

// Calls: helper functions inlined, and the primitives of prims.go.

import (
	"fmt"
	"sort"
	"strings"

	"mmcheck/model"
)

func (g *gen) call(x *CallExpr, want int, discard bool) opnd {
	name := x.Fun.Name
	if g.lookup(name) != nil {
		g.errorf(x.Pos(), "cannot call non-function %s", name)
		return badOp
	}
	if gl := g.l.globals[name]; gl != nil {
		if gl.kind == gFunc {
			return g.inline(x, gl, want, discard)
		}
		g.errorf(x.Pos(), "cannot call non-function %s", name)
		return badOp
	}
	if p := prims[name]; p != nil {
		return g.prim(x, p, want, discard)
	}
	g.errorf(x.Fun.Pos(), "unknown primitive or function %s", name)
	for _, a := range x.Args {
		g.discard(a)
	}
	return badOp
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (g *gen) argCount(x *CallExpr, n int) bool {
	if len(x.Args) != n {
		g.errorf(x.Pos(), "%s expects %d argument%s, found %d", x.Fun.Name, n, plural(n), len(x.Args))
		return false
	}
	return true
}

// inline expands a call of a helper function.
func (g *gen) inline(x *CallExpr, gl *global, want int, discard bool) opnd {
	fd := gl.fn
	for fr := g.frame; fr != nil; fr = fr.parent {
		if fr.fn == fd {
			g.errorf(x.Pos(), "recursive call of %s", fd.Name.Name)
			return badOp
		}
	}
	if fd.Body == nil {
		g.errorf(x.Pos(), "function %s declared at %s has no body", fd.Name.Name, fd.Name.Pos())
		return badOp
	}
	if !g.argCount(x, len(fd.Params)) {
		return badOp
	}
	if !g.scratch {
		g.l.used[fd] = true
	}
	vals := make([]opnd, len(x.Args))
	for i, a := range x.Args {
		vals[i] = g.rv(a, -1)
		if isBool(gl.params[i]) {
			vals[i] = g.toBool(a, vals[i], -1) // as C converts to _Bool
		}
	}
	calls := append(append([]string(nil), g.frame.calls...), fd.Name.Name)
	top := newScope(nil)
	fr := &frame{fn: fd, name: fd.Name.Name, calls: calls, result: -1, resType: gl.res,
		scope: top, top: top, parent: g.frame, loopBase: len(g.loops)}
	for _, v := range vals {
		if want >= 0 && !v.arg.IsImm() && int(v.arg.Reg) == want {
			want = -1 // the result must not overwrite an argument
		}
	}
	if gl.res.kind != kVoid {
		if discard {
			fr.result = g.temp(gl.res)
		} else {
			fr.result = g.dst(want, gl.res)
		}
	}
	caller := g.frame
	g.frame = fr
	for i, p := range fd.Params {
		if vals[i].t.kind != kBad && !g.l.assigns(fd.Body, p.Name.Name) {
			// A parameter never assigned is the argument itself: a
			// constant, or the register holding it (the callee cannot
			// change the caller's registers).
			if prev := fr.scope.vars[p.Name.Name]; prev != nil {
				g.l.redeclared(p.Name.Name, p.Name.Pos(), prev.pos)
			}
			a := vals[i].arg
			g.bind(fr.scope, p.Name.Name, &local{name: p.Name.Name, reg: int(a.Reg), t: gl.params[i], pos: p.Name.Pos(),
				konst: a.IsImm(), val: a.Imm})
			continue
		}
		v := g.declare(p, p.Name, gl.params[i])
		g.frame = caller
		g.mov(x, v.reg, vals[i].arg)
		g.frame = fr
	}
	g.stmtList(fd.Body.List)
	g.patch(fr.returns, g.here())
	g.frame = caller
	if gl.res.kind == kVoid {
		return opnd{mode: oVal, arg: model.Imm(0), t: tVoid}
	}
	return opnd{mode: oVal, arg: model.R(fr.result), t: gl.res}
}

// lvArg evaluates the location argument of READ_ONCE and the like.
func (g *gen) lvArg(x *CallExpr, a Expr) opnd {
	o := g.expr(a, -1)
	switch {
	case o.t.kind == kBad:
		return badOp
	case o.mode == oVal:
		g.errorf(a.Pos(), "%s expects a location, found %s", x.Fun.Name, g.text(a))
		return badOp
	case o.mode == oMem && !o.t.scalar():
		g.errorf(a.Pos(), "%s of non-scalar %s (type %s)", x.Fun.Name, g.text(a), o.t)
		return badOp
	}
	return o
}

// ptrArg evaluates the pointer argument of smp_load_acquire and the like;
// it returns the pointer and the type it points to.
func (g *gen) ptrArg(x *CallExpr, a Expr) (model.Arg, *ctype, bool) {
	return g.ptrOperand(x, a, g.rv(a, -1))
}

// ptrOperand is ptrArg for an argument a already evaluated to p.
func (g *gen) ptrOperand(x *CallExpr, a Expr, p opnd) (model.Arg, *ctype, bool) {
	switch p.t.kind {
	case kBad:
		return p.arg, tBad, false
	case kPtr:
		elem := p.t.elem
		if !elem.scalar() && elem.kind != kVoid {
			if x.Fun.Name == "kfree" {
				return p.arg, elem, true
			}
			g.errorf(a.Pos(), "%s of non-scalar %s (type %s)", x.Fun.Name, g.text(a), elem)
			return p.arg, tBad, false
		}
		if elem.kind == kVoid {
			elem = tInt
		}
		return p.arg, elem, true
	case kInt:
		if !g.l.strict || (p.arg.IsImm() && p.arg.Imm == 0) {
			return p.arg, tInt, true
		}
	}
	g.errorf(a.Pos(), "%s expects a pointer, found %s (type %s)", x.Fun.Name, g.text(a), p.t)
	return p.arg, tBad, false
}

func valueType(t *ctype) *ctype {
	if t.kind == kAtomic || t.kind == kLock || t.kind == kBad {
		return tInt
	}
	return t
}

var voidOp = opnd{mode: oVal, arg: model.Imm(0), t: tVoid}

// prim lowers a call of a primitive.
func (g *gen) prim(x *CallExpr, p *primInfo, want int, discard bool) opnd {
	name := x.Fun.Name
	g.feature(name)
	nargs := p.nargs
	if !g.argCount(x, nargs) {
		for _, a := range x.Args {
			g.discard(a)
		}
		return badOp
	}
	args := x.Args
	rmwDst := func(t *ctype) int {
		if discard {
			return -1
		}
		return g.dst(want, t)
	}
	emit := func(in model.Instr) int {
		in.Prim = name
		return g.emit(x, in)
	}
	switch p.kind {
	case pLoadLV:
		o := g.lvArg(x, args[0])
		switch {
		case o.t.kind == kBad:
			return badOp
		case o.mode == oReg:
			return opnd{mode: oVal, arg: model.R(o.reg), t: o.t}
		}
		t := valueType(o.t)
		d := g.dst(want, t)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order = int32(d), g.addr(o, args[0]), p.order
		emit(in)
		return opnd{mode: oVal, arg: model.R(d), t: t}
	case pStoreLV, pStoreMb:
		o := g.lvArg(x, args[0])
		var a model.Arg
		if o.mode == oMem {
			a = g.addr(o, args[0])
		}
		w := -1
		if o.mode == oReg {
			w = o.reg
		}
		v := g.rv(args[1], w)
		if o.t.kind == kBad || v.t.kind == kBad {
			return voidOp
		}
		if o.mode == oReg {
			g.mov(x, o.reg, v.arg)
			return voidOp
		}
		in := ins(model.OpStore)
		in.A, in.B, in.Order = a, v.arg, p.order
		emit(in)
		if p.kind == pStoreMb {
			f := ins(model.OpFence)
			f.Fence = model.FenceMb
			emit(f)
		}
		return voidOp
	case pLoadP:
		a, elem, ok := g.ptrArg(x, args[0])
		if !ok {
			return badOp
		}
		t := valueType(elem)
		d := g.dst(want, t)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order = int32(d), a, p.order
		emit(in)
		return opnd{mode: oVal, arg: model.R(d), t: t}
	case pStoreP:
		a, _, ok := g.ptrArg(x, args[0])
		v := g.rv(args[1], -1)
		if !ok || v.t.kind == kBad {
			return voidOp
		}
		in := ins(model.OpStore)
		in.A, in.B, in.Order = a, v.arg, p.order
		emit(in)
		return voidOp
	case pFence:
		in := ins(model.OpFence)
		in.Fence = p.fence
		emit(in)
		return voidOp
	case pSrcuLock:
		a, _, ok := g.ptrArg(x, args[0])
		if !ok {
			return badOp
		}
		d := g.dst(want, tInt)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order, in.Srcu = int32(d), a, model.Once, true
		emit(in)
		return opnd{mode: oVal, arg: model.R(d), t: tInt}
	case pSrcuUnlock:
		a, _, ok := g.ptrArg(x, args[0])
		v := g.rv(args[1], -1)
		if !ok || v.t.kind == kBad {
			return voidOp
		}
		in := ins(model.OpStore)
		in.A, in.B, in.Order, in.Srcu = a, v.arg, model.Once, true
		emit(in)
		return voidOp
	case pSyncSrcu:
		a, _, ok := g.ptrArg(x, args[0])
		if !ok {
			return voidOp
		}
		in := ins(model.OpFence)
		in.Fence, in.A = model.FenceSyncSRCU, a
		emit(in)
		return voidOp
	case pXchg, pCmpxchg:
		a, elem, ok := g.ptrArg(x, args[0])
		b := g.rv(args[1], -1)
		c := opnd{mode: oVal, arg: model.Imm(0), t: tInt}
		if p.kind == pCmpxchg {
			c = g.rv(args[2], -1)
		}
		if !ok || b.t.kind == kBad || c.t.kind == kBad {
			return badOp
		}
		t := valueType(elem)
		d := rmwDst(t)
		in := rmwIns()
		in.Dst, in.A, in.B, in.RMW, in.Order = int32(d), a, b.arg, p.rmw, p.order
		if p.kind == pCmpxchg {
			in.C = c.arg
		}
		emit(in)
		if d < 0 {
			return voidOp
		}
		return opnd{mode: oVal, arg: model.R(d), t: t}
	case pAtomicOp, pAtomicRet, pAtomicFetch, pTest:
		var operand opnd
		pa := args[0]
		if p.imm {
			operand = imm(p.val, tInt)
		} else {
			operand = g.rv(args[0], -1)
			pa = args[1]
		}
		a, _, ok := g.ptrArg(x, pa)
		if !ok || operand.t.kind == kBad {
			return badOp
		}
		in := rmwIns()
		in.A, in.B, in.RMW, in.Order = a, operand.arg, p.rmw, p.order
		switch {
		case p.kind == pAtomicOp || discard:
			emit(in)
			return voidOp
		case p.kind == pAtomicFetch:
			d := g.dst(want, tInt)
			in.Dst = int32(d)
			emit(in)
			return opnd{mode: oVal, arg: model.R(d), t: tInt}
		}
		old := g.temp(tInt)
		in.Dst = int32(old)
		emit(in)
		d := g.dst(want, tInt)
		alu := model.AluAdd
		if p.rmw == model.RMWSub {
			alu = model.AluSub
		}
		switch {
		case p.kind == pAtomicRet:
			g.binop(x, d, alu, model.R(old), operand.arg)
			return opnd{mode: oVal, arg: model.R(d), t: tInt}
		case p.test == testNegAfter:
			t := g.temp(tInt)
			g.binop(x, t, alu, model.R(old), operand.arg)
			g.binop(x, d, model.AluLt, model.R(t), model.Imm(0))
		case p.rmw == model.RMWSub:
			// old - operand == 0
			g.binop(x, d, model.AluEq, model.R(old), operand.arg)
		case operand.arg.IsImm():
			// old + k == 0
			g.binop(x, d, model.AluEq, model.R(old), model.Imm(-operand.arg.Imm))
		default:
			t := g.temp(tInt)
			g.binop(x, t, alu, model.R(old), operand.arg)
			g.binop(x, d, model.AluEq, model.R(t), model.Imm(0))
		}
		return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
	case pAddUnless:
		a, _, ok := g.ptrArg(x, args[0])
		add, unless := imm(1, tInt), imm(0, tInt)
		if nargs == 3 {
			add, unless = g.rv(args[1], -1), g.rv(args[2], -1)
		}
		if !ok || add.t.kind == kBad || unless.t.kind == kBad {
			return badOp
		}
		in := rmwIns()
		in.A, in.B, in.C, in.RMW, in.Order = a, add.arg, unless.arg, p.rmw, p.order
		if discard {
			emit(in)
			return voidOp
		}
		old := g.temp(tInt)
		in.Dst = int32(old)
		emit(in)
		d := g.dst(want, tInt)
		g.binop(x, d, model.AluNe, model.R(old), unless.arg)
		return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
	case pTryCmpxchg:
		return g.tryCmpxchg(x, p, want, discard)
	case pCondLoad:
		return g.condLoad(x, p)
	case pRefInc, pRefDec, pRefAddNotZero, pRefDecIfOne, pRefDecNotOne:
		return g.refcount(x, p, want, discard)
	case pBitOp, pTestBit, pTestAndBit, pTestAndSetLock, pPlainBit:
		return g.bitop(x, p, want, discard)
	case pLock, pUnlock, pTrylock, pIsLocked:
		a, elem, ok := g.ptrArg(x, args[0])
		if !ok {
			return badOp
		}
		if g.l.strict && elem.kind != kLock && elem.kind != kBad {
			g.errorf(args[0].Pos(), "%s expects spinlock_t *, found %s (type %s)", name, g.text(args[0]), ptrTo(elem))
			return badOp
		}
		op := map[primKind]model.Op{pLock: model.OpLock, pUnlock: model.OpUnlock, pTrylock: model.OpTrylock, pIsLocked: model.OpIsLocked}[p.kind]
		in := ins(op)
		in.A = a
		if p.kind == pTrylock || p.kind == pIsLocked {
			d := g.dst(want, tInt)
			in.Dst = int32(d)
			emit(in)
			return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
		}
		emit(in)
		return voidOp
	case pFree:
		a, _, ok := g.ptrArg(x, args[0])
		if !ok {
			return voidOp
		}
		in := ins(model.OpFree)
		in.A = a
		emit(in)
		return voidOp
	case pCheck:
		c := g.rv(args[0], -1)
		if c.t.kind == kBad {
			return badOp
		}
		in := ins(model.OpCheck)
		in.Check = p.check
		switch {
		case p.check == model.CheckAssert:
			if c.arg.IsImm() {
				in.A = model.Imm(b2i(c.arg.Imm == 0))
			} else {
				t := g.temp(tInt)
				u := ins(model.OpUnary)
				u.Dst, u.Alu, u.A = int32(t), model.AluNot, c.arg
				g.emit(x, u)
				in.A = model.R(t)
			}
			emit(in)
			return voidOp
		case p.check == model.CheckWarn && !discard && !c.isBool:
			if c.arg.IsImm() {
				c = opnd{mode: oVal, arg: model.Imm(b2i(c.arg.Imm != 0)), t: tInt}
			} else {
				d := g.dst(want, tInt)
				g.binop(x, d, model.AluNe, c.arg, model.Imm(0))
				c = opnd{mode: oVal, arg: model.R(d), t: tInt}
			}
		}
		in.A = c.arg
		emit(in)
		if p.check == model.CheckBug {
			return voidOp
		}
		return opnd{mode: oVal, arg: c.arg, t: tInt, isBool: true}
	case pAssume:
		c := g.rv(args[0], -1)
		if c.t.kind == kBad {
			return voidOp
		}
		in := ins(model.OpAssume)
		in.A = c.arg
		emit(in)
		return voidOp
	case pCPU:
		return imm(model.Value(g.proc), tInt)
	case pNumCPUs:
		return imm(model.Value(len(g.l.procs)), tInt)
	case pCPUIn:
		c := g.rv(args[0], -1)
		n := model.Value(len(g.l.procs))
		switch {
		case c.t.kind == kBad:
			return badOp
		case c.arg.IsImm():
			return opnd{mode: oVal, arg: model.Imm(b2i(c.arg.Imm >= 0 && c.arg.Imm < n)), t: tInt, isBool: true}
		}
		lo, hi, d := g.temp(tInt), g.temp(tInt), g.dst(want, tInt)
		g.binop(x, lo, model.AluGe, c.arg, model.Imm(0))
		g.binop(x, hi, model.AluLt, c.arg, model.Imm(n))
		g.binop(x, d, model.AluAnd, model.R(lo), model.R(hi))
		return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
	case pNop:
		return voidOp
	case pPerCPU, pPerCPUPtr, pThisCPUPtr:
		return g.perCPU(x, p, want)
	case pThisCPURead, pThisCPUWrite, pThisCPUOp:
		return g.thisCPUOp(x, p, want)
	case pCPUOnline, pSetCPUOnline, pNumOnline, pMaskEmpty, pMaskWeight, pForEachCPU:
		return g.cpumask(x, p, want, discard)
	}
	panic(fmt.Sprintf("litmus: unhandled primitive %s", name))
}

// notOp returns !c, as a constant or in a new register.
func (g *gen) notOp(x Node, c opnd) model.Arg {
	if c.arg.IsImm() {
		return model.Imm(b2i(c.arg.Imm == 0))
	}
	t := g.temp(tInt)
	u := ins(model.OpUnary)
	u.Dst, u.Alu, u.A = int32(t), model.AluNot, c.arg
	g.emit(x, u)
	return model.R(t)
}

// warnIf emits a WARN (a violation, as WARN_ON) of primitive name when c
// holds: the kernel's refcount_warn_saturate().
func (g *gen) warnIf(x *CallExpr, c model.Arg) {
	in := ins(model.OpCheck)
	in.Check, in.A, in.Prim = model.CheckWarn, c, x.Fun.Name
	g.emit(x, in)
}

// tryCmpxchg lowers try_cmpxchg(p, &old, new) and its forms, as
// include/linux/atomic/atomic-instrumented.h defines it: a cmpxchg of *p
// from old to new (ordered as cmpxchg: a failed one orders nothing) whose
// value is whether it succeeded; on failure old is set to the value read.
// old is a local (its register is written) or a pointer to memory (read
// and, on failure, written by plain accesses, as C code would).
func (g *gen) tryCmpxchg(x *CallExpr, p *primInfo, want int, discard bool) opnd {
	args := x.Args
	a, elem, ok := g.ptrArg(x, args[0])
	t := valueType(elem)
	var lv *local
	if u, isU := unparen(args[1]).(*UnaryExpr); isU && u.Op == "&" {
		if id, isID := unparen(u.X).(*Ident); isID {
			lv = g.lookup(id.Name)
		}
	}
	var expect, oldPtr model.Arg
	switch {
	case lv != nil && lv.konst:
		g.errorf(args[1].Pos(), "%s: cannot take the address of %s, a constant here", x.Fun.Name, lv.name)
		ok = false
	case lv != nil:
		expect = model.R(lv.reg)
		if lv.t.kind == kBad {
			ok = false
		}
	default:
		var ok2 bool
		oldPtr, _, ok2 = g.ptrArg(x, args[1])
		if ok2 && ok {
			r := g.temp(t)
			in := ins(model.OpLoad)
			in.Dst, in.A, in.Order = int32(r), oldPtr, model.Plain
			g.emit(args[1], in)
			expect = model.R(r)
		}
		ok = ok && ok2
	}
	nv := g.rv(args[2], -1)
	if !ok || nv.t.kind == kBad {
		return badOp
	}
	old := g.temp(t)
	in := rmwIns()
	in.Dst, in.A, in.B, in.C, in.RMW, in.Order, in.Prim = int32(old), a, expect, nv.arg, p.rmw, p.order, x.Fun.Name
	g.emit(x, in)
	if lv != nil && want == lv.reg {
		want = -1
	}
	var d int
	if discard {
		d = g.temp(tInt)
	} else {
		d = g.dst(want, tInt)
	}
	g.binop(x, d, model.AluEq, model.R(old), expect)
	// On success old keeps its value (and no dependency on the read).
	j := g.jump(x, model.OpJumpIf, model.R(d))
	if lv != nil {
		g.mov(x, lv.reg, model.R(old))
	} else {
		st := ins(model.OpStore)
		st.A, st.B, st.Order = oldPtr, model.R(old), model.Plain
		g.emit(args[1], st)
	}
	g.patch([]int{j}, g.here())
	if discard {
		return voidOp
	}
	return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
}

// condLoad lowers smp_cond_load_acquire(p, cond) and the like, as an
// await (include/asm-generic/barrier.h: the loop reads *p with
// READ_ONCE, or smp_load_acquire for the _acquire forms, until cond
// holds, VAL naming the value read; the value is the last one read). As
// in the generic code, only the read that ends the loop orders anything:
// mmcheck explores no other.
func (g *gen) condLoad(x *CallExpr, p *primInfo) opnd {
	a, elem, ok := g.ptrArg(x, x.Args[0])
	if !ok {
		return badOp
	}
	t := valueType(elem)
	mark := g.here()
	g.emit(x, ins(model.OpAwaitBegin))
	d := g.temp(t)
	in := ins(model.OpLoad)
	in.Dst, in.A, in.Order, in.Prim = int32(d), a, p.order, x.Fun.Name
	g.emit(x, in)
	g.pushScope()
	g.bind(g.frame.scope, "VAL", &local{name: "VAL", reg: d, t: t, pos: x.Pos()})
	start := g.here()
	c := g.rv(x.Args[1], -1)
	g.popScope()
	if c.t.kind == kBad {
		return badOp
	}
	for i := start; i < g.here(); i++ {
		if in := &g.code[i]; !awaitOp(in.Op) || in.Op == model.OpFence && in.Fence != model.FenceBarrier ||
			isJump(in.Op) && (int(in.Target) <= mark || int(in.Target) > g.here()) {
			g.errorf(x.Args[1].Pos(), "the condition of %s may only read (it is an await)", x.Fun.Name)
			return badOp
		}
	}
	end := ins(model.OpAwaitEnd)
	end.A = g.notOp(x.Args[1], c)
	g.emit(x.Args[1], end)
	return opnd{mode: oVal, arg: model.R(d), t: t}
}

// refcount lowers the refcount_t operations that are not plain atomics,
// as include/linux/refcount.h implements them, saturation aside (values
// have no width): refcount_inc and refcount_add are
// atomic_fetch_add_relaxed and WARN if the count was 0 (a use after
// free); refcount_add_not_zero is a relaxed atomic_add_unless(r, i, 0);
// refcount_dec is atomic_fetch_sub_release and WARNs if the count reaches
// 0 (a leak); refcount_dec_and_test and refcount_sub_and_test are
// atomic_fetch_sub_release, then on success (the count reaches 0)
// smp_acquire__after_ctrl_dep(), and WARN if the count goes below 0;
// refcount_dec_if_one is atomic_cmpxchg_release(r, 1, 0), true if it
// succeeded; refcount_dec_not_one decrements (release) unless the count
// is 1, true if it did, and WARNs if the count was 0 (where the kernel
// then leaves it alone).
func (g *gen) refcount(x *CallExpr, p *primInfo, want int, discard bool) opnd {
	pa := x.Args[0]
	operand := imm(p.val, tInt)
	if p.nargs == 2 {
		operand = g.rv(x.Args[0], -1)
		pa = x.Args[1]
	}
	a, _, ok := g.ptrArg(x, pa)
	if !ok || operand.t.kind == kBad {
		return badOp
	}
	old := g.temp(tInt)
	in := rmwIns()
	in.Dst, in.A, in.B, in.RMW, in.Order, in.Prim = int32(old), a, operand.arg, p.rmw, p.order, x.Fun.Name
	switch p.kind {
	case pRefAddNotZero:
		in.C = model.Imm(0)
	case pRefDecIfOne:
		in.B, in.C = model.Imm(1), model.Imm(0)
	case pRefDecNotOne:
		in.B, in.C = model.Imm(-1), model.Imm(1)
	}
	g.emit(x, in)
	result := func(alu model.Alu, b model.Arg) (int, opnd) {
		var d int
		if discard {
			d = g.temp(tInt)
		} else {
			d = g.dst(want, tInt)
		}
		g.binop(x, d, alu, model.R(old), b)
		return d, opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
	}
	w := g.temp(tInt)
	switch {
	case p.kind == pRefInc:
		g.binop(x, w, model.AluEq, model.R(old), model.Imm(0))
		g.warnIf(x, model.R(w))
		return voidOp
	case p.kind == pRefAddNotZero:
		_, r := result(model.AluNe, model.Imm(0))
		return r
	case p.kind == pRefDecIfOne:
		_, r := result(model.AluEq, model.Imm(1))
		return r
	case p.kind == pRefDecNotOne:
		g.binop(x, w, model.AluLe, model.R(old), model.Imm(0))
		g.warnIf(x, model.R(w))
		_, r := result(model.AluNe, model.Imm(1))
		return r
	case !p.andTest:
		g.binop(x, w, model.AluLe, model.R(old), operand.arg)
		g.warnIf(x, model.R(w))
		return voidOp
	}
	d, r := result(model.AluEq, operand.arg)
	j := g.jump(x, model.OpJumpIfNot, model.R(d))
	f := ins(model.OpFence)
	f.Fence, f.Prim = model.FenceRmb, x.Fun.Name
	g.emit(x, f)
	k := g.jump(x, model.OpJump, model.Imm(0))
	g.patch([]int{j}, g.here())
	g.binop(x, w, model.AluLt, model.R(old), operand.arg)
	g.warnIf(x, model.R(w))
	g.patch([]int{k}, g.here())
	if discard {
		return voidOp
	}
	return r
}

// bitop lowers the bit operations on bit nr of the bitmap at p, as
// include/asm-generic/bitops (atomic.h, lock.h, generic-non-atomic.h)
// implements them on the unsigned long p[nr / 64] (LP64), with the mask
// 1 << (nr % 64).
func (g *gen) bitop(x *CallExpr, p *primInfo, want int, discard bool) opnd {
	name := x.Fun.Name
	nr := g.rv(x.Args[0], -1)
	a, elem, ok := g.maskPtr(x, x.Args[1])
	if !ok || nr.t.kind == kBad {
		return badOp
	}
	size := model.Value(elem.size())
	if size < 1 {
		size = 1
	}
	if nr.arg.IsImm() && nr.arg.Imm < 0 {
		g.errorf(x.Args[0].Pos(), "%s: negative bit number %d", name, nr.arg.Imm)
		return badOp
	}
	if !g.bitBound(x, nr.arg, a, elem, size) {
		return badOp
	}
	var word, mask, shift model.Arg
	if nr.arg.IsImm() {
		n := nr.arg.Imm
		shift, mask = model.Imm(n%64), model.Imm(model.Value(1)<<(n%64))
		off := n / 64 * size
		if a.IsImm() {
			word = model.Imm(a.Imm + off)
		} else if off != 0 {
			r := g.temp(ptrTo(elem))
			g.binop(x, r, model.AluAdd, a, model.Imm(off))
			word = model.R(r)
		} else {
			word = a
		}
	} else {
		s, m, i, r := g.temp(tInt), g.temp(tInt), g.temp(tInt), g.temp(ptrTo(elem))
		g.binop(x, s, model.AluAnd, nr.arg, model.Imm(63))
		g.binop(x, m, model.AluShl, model.Imm(1), model.R(s))
		g.binop(x, i, model.AluShr, nr.arg, model.Imm(6))
		if size != 1 {
			g.binop(x, i, model.AluMul, model.R(i), model.Imm(size))
		}
		g.binop(x, r, model.AluAdd, a, model.R(i))
		word, mask, shift = model.R(r), model.R(m), model.R(s)
	}
	bit := func(v model.Arg) opnd { // (v >> shift) & 1
		if discard {
			return voidOp
		}
		t := g.temp(tInt)
		d := g.dst(want, tInt)
		g.binop(x, t, model.AluShr, v, shift)
		g.binop(x, d, model.AluAnd, model.R(t), model.Imm(1))
		return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
	}
	switch p.kind {
	case pBitOp:
		in := rmwIns()
		in.A, in.B, in.RMW, in.Order, in.Prim = word, mask, p.rmw, p.order, name
		g.emit(x, in)
		return voidOp
	case pTestBit:
		v := g.temp(tInt)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order, in.Prim = int32(v), word, p.order, name
		g.emit(x, in)
		return bit(model.R(v))
	case pTestAndBit:
		old := g.temp(tInt)
		in := rmwIns()
		in.Dst, in.A, in.B, in.RMW, in.Order, in.Prim = int32(old), word, mask, p.rmw, p.order, name
		g.emit(x, in)
		return bit(model.R(old))
	case pTestAndSetLock:
		// if (READ_ONCE(*p) & mask) return 1;
		// return !!(atomic_long_fetch_or_acquire(mask, p) & mask);
		old := g.temp(tInt)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order, in.Prim = int32(old), word, model.Once, name
		g.emit(x, in)
		set := g.temp(tInt)
		g.binop(x, set, model.AluAnd, model.R(old), mask)
		j := g.jump(x, model.OpJumpIf, model.R(set))
		rmw := rmwIns()
		rmw.Dst, rmw.A, rmw.B, rmw.RMW, rmw.Order, rmw.Prim = int32(old), word, mask, p.rmw, p.order, name
		g.emit(x, rmw)
		g.patch([]int{j}, g.here())
		return bit(model.R(old))
	case pPlainBit:
		v, nv := g.temp(tInt), g.temp(tInt)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order = int32(v), word, model.Plain
		g.emit(x, in)
		alu := map[model.RMWOp]model.Alu{model.RMWOr: model.AluOr, model.RMWXor: model.AluXor}[p.rmw]
		if p.rmw == model.RMWAndNot {
			nm := g.temp(tInt)
			u := ins(model.OpUnary)
			u.Dst, u.Alu, u.A = int32(nm), model.AluBitNot, mask
			g.emit(x, u)
			mask, alu = model.R(nm), model.AluAnd
		}
		g.binop(x, nv, alu, model.R(v), mask)
		st := ins(model.OpStore)
		st.A, st.B, st.Order = word, model.R(nv), model.Plain
		g.emit(x, st)
		return voidOp
	}
	panic("litmus: unhandled bit operation " + name)
}

// bitBound checks the bit number nr of the bit operation x on the
// bitmap at a, of words of size locations, against the bitmap's length,
// as an array index is checked: out of range, a constant is an error
// and a computed number a violation (index out of range) when it runs.
// The bitmap runs from a to the end of the object a points into (of the
// instance, for a per-CPU variable); the cpumask_*_cpu operations on a
// struct cpumask take a CPU number, below the number of CPUs, as
// cpumask_check() has it (on another bitmap, its length).
// A bitmap whose address is computed at run time (read from memory) is
// not checked: nothing says, at compile time, which object it is in.
func (g *gen) bitBound(x *CallExpr, nr, a model.Arg, elem *ctype, size model.Value) bool {
	name, what := x.Fun.Name, "bit"
	var limit int64
	if strings.Contains(name, "cpumask_") && elem == tULong {
		limit, what = int64(g.l.ncpus()), "CPU"
	} else if a.IsImm() && model.IsPtr(a.Imm) {
		o := g.l.objectAt(int(a.Imm - model.PtrBase))
		if o == nil {
			return true // a wild pointer: the access is the violation
		}
		end := o.base + o.t.size()
		if o.t.kind == kPerCPU {
			n := o.t.elem.size()
			end = o.base + ((int(a.Imm-model.PtrBase)-o.base)/n+1)*n
		}
		words := (int64(end) - int64(a.Imm-model.PtrBase)) / int64(size)
		limit = words * 64
	} else {
		return true
	}
	if nr.IsImm() {
		if nr.Imm >= 0 && nr.Imm < limit {
			return true
		}
		if _, lit := g.literalConst(x.Args[0]); lit {
			g.errorf(x.Args[0].Pos(), "%s: %s %d out of range [0:%d]", name, what, nr.Imm, limit)
			return false
		}
		// out of range only in this copy of an unrolled loop: a
		// violation if it runs
	}
	g.boundsCheck(x, nr, int(limit))
	return true
}

// objectAt returns the shared object holding location loc, or nil.
func (l *lowerer) objectAt(loc int) *object {
	i := sort.Search(len(l.objects), func(i int) bool {
		o := l.objects[i]
		return o.base+o.t.size() > loc
	})
	if i < len(l.objects) && l.objects[i].base <= loc {
		return l.objects[i]
	}
	return nil
}

// rmwIns returns an RMW instruction whose operands B and C are the
// constant 0 until set: an operand left zero would be register 0, which
// the explorer reads for every RMW (a CPU may have no register at all).
func rmwIns() model.Instr {
	in := ins(model.OpRMW)
	in.B, in.C = model.Imm(0), model.Imm(0)
	return in
}
