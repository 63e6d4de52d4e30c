package litmus

// Calls: helper functions inlined, and the primitives of prims.go.

import (
	"fmt"

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
	p := g.rv(a, -1)
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
		in := ins(model.OpRMW)
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
		in := ins(model.OpRMW)
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
		in := ins(model.OpRMW)
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
	case pNop:
		return voidOp
	}
	panic(fmt.Sprintf("litmus: unhandled primitive %s", name))
}
