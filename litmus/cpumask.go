package litmus

// CPU masks (include/linux/cpumask.h, kernel/cpu.c): the types cpumask_t
// and struct cpumask, the online mask and its functions, cpumask_empty(),
// cpumask_weight(), and the loops for_each_cpu(), for_each_online_cpu()
// and for_each_possible_cpu().
//
// struct cpumask is the kernel's, { unsigned long bits[W]; } with W the
// words for a bit per CPU of the test (one up to 64 CPUs), and cpumask_t
// its typedef; the cpumask_* bit operations of prims.go take a pointer
// to one (or to a bitmap of unsigned longs).
//
// The online mask is the shared object __cpu_online_mask, a struct
// cpumask, with every CPU of the test online at the start; its pointer is
// cpu_online_mask. It is built in when the program uses it, unless the
// program declares an object of that name itself (then it must be a
// struct cpumask, whose initial value is the program's), and so is the
// count of online CPUs, __num_online_cpus, an atomic_t, when
// set_cpu_online() or num_online_cpus() is used. A file takes CPUs
// offline at the start in its init block, with set_cpu_online(cpu,
// false); (or by assigning __cpu_online_mask.bits[0]).
//
// The orderings are the kernel's: cpu_online() is cpumask_test_cpu(), a
// test_bit(): a READ_ONCE of the word; set_cpu_online() is
// cpumask_test_and_set_cpu() or cpumask_test_and_clear_cpu() (fully
// ordered), then if the bit changed an atomic_inc() or atomic_dec()
// (relaxed) of __num_online_cpus, which num_online_cpus() reads with
// atomic_read(). cpumask_empty(), cpumask_weight() and the for_each
// loops go through find_next_bit() and bitmap_weight(), whose reads are
// plain C reads of the mask's words.

import (
	"mmcheck/model"
)

// cpumaskType is struct cpumask: the kernel's { unsigned long bits[W]; },
// W words for a bit per CPU of the test.
func (l *lowerer) cpumaskType() *ctype {
	if l.cpumask == nil {
		w := (l.ncpus() + 63) / 64
		bits := &ctype{kind: kArray, elem: tULong, n: w, depth: 1}
		st := &structType{name: "cpumask", size: w, state: 2, depth: 2, namesDone: false,
			fields: []*field{{name: "bits", t: bits}}}
		l.cpumask = &ctype{kind: kStruct, st: st, depth: 2}
	}
	return l.cpumask
}

var tULong = &ctype{kind: kInt, name: "unsigned long"}

// isCpumask reports whether t is struct cpumask (the built-in one, or the
// program's own struct of that name).
func isCpumask(t *ctype) bool { return t.kind == kStruct && t.st.name == "cpumask" && !t.st.anon }

// The names of the online mask's objects and of the names that use them.
const (
	onlineMaskName  = "__cpu_online_mask"
	onlineCountName = "__num_online_cpus"
)

var (
	onlineUsers = map[string]bool{"cpu_online": true, "cpu_is_offline": true, "set_cpu_online": true,
		"num_online_cpus": true, "for_each_online_cpu": true, "cpu_online_mask": true, onlineMaskName: true}
	countUsers = map[string]bool{"set_cpu_online": true, "num_online_cpus": true, onlineCountName: true}
)

// onlineObjects creates the built-in __cpu_online_mask and
// __num_online_cpus if the program uses them and does not declare them.
func (l *lowerer) onlineObjects() {
	var online, count bool
	for _, d := range l.decls {
		walk(d, func(n Node) bool {
			if id, ok := n.(*Ident); ok {
				if g := l.globals[id.Name]; g == nil || g.kind != gFunc {
					online = online || onlineUsers[id.Name]
					count = count || countUsers[id.Name]
				}
			}
			return true
		})
	}
	for _, c := range l.main.Clauses {
		walk(c, func(n Node) bool {
			if id, ok := n.(*Ident); ok {
				online = online || id.Name == onlineMaskName
				count = count || id.Name == onlineCountName
			}
			return true
		})
	}
	pos := model.Pos{File: l.main.Name, Line: 1, Col: 1}
	if online && l.globals[onlineMaskName] == nil {
		l.builtinMask = l.newObject(onlineMaskName, l.cpumaskType(), pos, false)
	}
	if count && l.globals[onlineCountName] == nil {
		l.builtinCount = l.newObject(onlineCountName, tAtomic, pos, false)
	}
}

// initOnline gives the built-in online mask its initial value, every CPU
// online, before the init block's assignments.
func (l *lowerer) initOnline() {
	if o := l.builtinMask; o != nil && o.t.kind != kBad {
		n := l.ncpus()
		for w := 0; w*64 < n; w++ {
			bits := min(n-w*64, 64)
			l.prog.Init[o.base+w] = model.Value(uint64(1)<<bits - 1)
			if bits == 64 {
				l.prog.Init[o.base+w] = -1
			}
		}
	}
}

// initOnlineCount gives the built-in count of online CPUs its initial
// value: the CPUs of the online mask's initial value.
func (l *lowerer) initOnlineCount() {
	o := l.builtinCount
	if o == nil || o.t.kind == kBad {
		return
	}
	g := l.globals[onlineMaskName]
	if g == nil || g.kind != gObject || !isCpumask(g.obj.t) {
		return // reported where it is used
	}
	n := 0
	for cpu := 0; cpu < l.ncpus(); cpu++ {
		if l.prog.Init[g.obj.base+cpu/64]>>(cpu%64)&1 != 0 {
			n++
		}
	}
	l.prog.Init[o.base] = model.Value(n)
}

// initSetOnline carries out set_cpu_online(cpu, online); in the init
// block: it sets the CPU's bit of the initial online mask.
func (l *lowerer) initSetOnline(x *CallExpr) {
	if len(x.Args) != 2 {
		l.errorf(x.Pos(), "set_cpu_online expects 2 arguments, found %d", len(x.Args))
		return
	}
	cpu, ok1 := l.constExpr(x.Args[0])
	on, ok2 := l.constExpr(x.Args[1])
	o, ok3 := l.onlineMask(x)
	if !ok1 || !ok2 || !ok3 {
		return
	}
	if n := l.ncpus(); cpu < 0 || cpu >= int64(n) {
		l.errorf(x.Args[0].Pos(), "set_cpu_online: CPU %d out of range [0:%d]", cpu, n)
		return
	}
	w := &l.prog.Init[o.base+int(cpu/64)]
	if on != 0 {
		*w |= 1 << (cpu % 64)
	} else {
		*w &^= 1 << (cpu % 64)
	}
}

// onlineMask returns the object __cpu_online_mask for a use of the online
// mask at x, or reports why there is none.
func (l *lowerer) onlineMask(x Node) (*object, bool) {
	g := l.globals[onlineMaskName]
	switch {
	case g == nil:
		l.errorf(x.Pos(), "undefined: %s", onlineMaskName) // not used, says the scan: a tree built by hand
		return nil, false
	case g.kind != gObject:
		l.errorf(x.Pos(), "%s: %s is not the online mask (declared at %s)", l.text(x), onlineMaskName, g.pos)
		return nil, false
	case g.obj.t.kind == kBad:
		return nil, false
	case !isCpumask(g.obj.t):
		l.errorf(x.Pos(), "%s uses the built-in online mask, but %s is declared at %s as %s, not struct cpumask",
			l.text(x), onlineMaskName, g.pos, g.obj.t)
		return nil, false
	}
	return g.obj, true
}

// builtinValue is the value of a built-in name of the kernel's headers in
// code: nr_cpu_ids, the number of CPUs, and cpu_online_mask, the pointer
// to the online mask. ok is false if name is none of them.
func (g *gen) builtinValue(x *Ident) (opnd, bool) {
	switch x.Name {
	case "nr_cpu_ids":
		return imm(model.Value(g.l.ncpus()), tInt), true
	case "cpu_online_mask":
		o, ok := g.l.onlineMask(x)
		if !ok {
			return badOp, true
		}
		return imm(model.Ptr(o.base), ptrTo(o.t)), true
	}
	return opnd{}, false
}

// maskArg evaluates the mask argument a of x: a pointer to a struct
// cpumask, or to a bitmap of unsigned longs (any integer type). It
// returns the pointer to the first word.
func (g *gen) maskArg(x *CallExpr, a Expr) (model.Arg, bool) {
	p, elem, ok := g.maskPtr(x, a)
	if ok && elem.kind != kInt {
		g.errorf(a.Pos(), "%s expects a struct cpumask * or an unsigned long *, found %s (type %s)", x.Fun.Name, g.text(a), ptrTo(elem))
		return p, false
	}
	return p, ok
}

// maskPtr is ptrArg for the bitmap argument of a bit operation, which
// may also be a pointer to a struct cpumask: a pointer to its first word.
func (g *gen) maskPtr(x *CallExpr, a Expr) (model.Arg, *ctype, bool) {
	p := g.rv(a, -1)
	if p.t.kind == kPtr && isCpumask(p.t.elem) {
		return p.arg, tULong, true
	}
	return g.ptrOperand(x, a, p)
}

// bitOf returns the address of the word holding bit cpu of the bitmap at
// base, the bit's mask and its shift.
func (g *gen) bitOf(n Node, base, cpu model.Arg) (word, mask, shift model.Arg) {
	if cpu.IsImm() {
		c := cpu.Imm
		shift, mask = model.Imm(c%64), model.Imm(model.Value(1)<<(c%64))
		switch {
		case base.IsImm():
			word = model.Imm(base.Imm + c/64)
		case c/64 != 0:
			r := g.temp(ptrTo(tULong))
			g.binop(n, r, model.AluAdd, base, model.Imm(c/64))
			word = model.R(r)
		default:
			word = base
		}
		return word, mask, shift
	}
	s, m, i, r := g.temp(tInt), g.temp(tInt), g.temp(tInt), g.temp(ptrTo(tULong))
	g.binop(n, s, model.AluAnd, cpu, model.Imm(63))
	g.binop(n, m, model.AluShl, model.Imm(1), model.R(s))
	g.binop(n, i, model.AluShr, cpu, model.Imm(6))
	g.binop(n, r, model.AluAdd, base, model.R(i))
	return model.R(r), model.R(m), model.R(s)
}

// testBit emits a load of the word of bit cpu of the bitmap at base, of
// the given order and primitive, and returns the bit (0 or 1), or its
// negation.
func (g *gen) testBit(x *CallExpr, base, cpu model.Arg, order model.Order, negate bool, want int) opnd {
	word, _, shift := g.bitOf(x, base, cpu)
	v, t := g.temp(tInt), g.temp(tInt)
	in := ins(model.OpLoad)
	in.Dst, in.A, in.Order, in.Prim = int32(v), word, order, x.Fun.Name
	g.emit(x, in)
	if order == model.Plain {
		g.feature("plain-access")
	}
	g.binop(x, t, model.AluShr, model.R(v), shift)
	d := g.dst(want, tInt)
	if negate {
		g.binop(x, t, model.AluAnd, model.R(t), model.Imm(1))
		g.binop(x, d, model.AluEq, model.R(t), model.Imm(0))
	} else {
		g.binop(x, d, model.AluAnd, model.R(t), model.Imm(1))
	}
	return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
}

// cpumask lowers the online mask's functions, cpumask_empty,
// cpumask_weight and the tests of the for_each loops.
func (g *gen) cpumask(x *CallExpr, p *primInfo, want int, discard bool) opnd {
	l := g.l
	n := l.ncpus()
	switch p.kind {
	case pCPUOnline:
		cpu, ok := g.cpuArg(x, x.Args[0])
		o, ok2 := l.onlineMask(x)
		if !ok || !ok2 {
			return badOp
		}
		return g.testBit(x, model.Imm(model.Ptr(o.base)), cpu, p.order, p.negate, want)
	case pSetCPUOnline:
		cpu, ok := g.cpuArg(x, x.Args[0])
		on := g.rv(x.Args[1], -1)
		o, ok2 := l.onlineMask(x)
		if !ok || !ok2 || on.t.kind == kBad {
			return voidOp
		}
		count := l.globals[onlineCountName]
		if count == nil || count.kind != gObject || count.obj.t.kind == kBad {
			return voidOp // a tree built by hand; or reported
		}
		word, mask, shift := g.bitOf(x, model.Imm(model.Ptr(o.base)), cpu)
		// if (online) { if (!cpumask_test_and_set_cpu(cpu, &__cpu_online_mask))
		//	atomic_inc(&__num_online_cpus); }
		// else if (cpumask_test_and_clear_cpu(cpu, &__cpu_online_mask))
		//	atomic_dec(&__num_online_cpus);
		half := func(set bool) {
			old, bit := g.temp(tInt), g.temp(tInt)
			in := rmwIns()
			in.Dst, in.A, in.B, in.Order, in.Prim = int32(old), word, mask, model.Mb, x.Fun.Name
			in.RMW = model.RMWAndNot
			if set {
				in.RMW = model.RMWOr
			}
			g.emit(x, in)
			g.binop(x, bit, model.AluShr, model.R(old), shift)
			g.binop(x, bit, model.AluAnd, model.R(bit), model.Imm(1))
			skip := model.OpJumpIfNot
			if set {
				skip = model.OpJumpIf
			}
			j := g.jump(x, skip, model.R(bit))
			inc := rmwIns()
			inc.A, inc.B, inc.Order, inc.Prim = model.Imm(model.Ptr(count.obj.base)), model.Imm(1), model.Once, x.Fun.Name
			inc.RMW = model.RMWSub
			if set {
				inc.RMW = model.RMWAdd
			}
			g.emit(x, inc)
			g.patch([]int{j}, g.here())
		}
		if on.arg.IsImm() {
			half(on.arg.Imm != 0)
			return voidOp
		}
		j := g.jump(x, model.OpJumpIfNot, on.arg)
		half(true)
		k := g.jump(x, model.OpJump, model.Imm(0))
		g.patch([]int{j}, g.here())
		half(false)
		g.patch([]int{k}, g.here())
		return voidOp
	case pNumOnline:
		count := l.globals[onlineCountName]
		if count == nil || count.kind != gObject || count.obj.t.kind == kBad {
			return badOp
		}
		d := g.dst(want, tInt)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order, in.Prim = int32(d), model.Imm(model.Ptr(count.obj.base)), p.order, x.Fun.Name
		g.emit(x, in)
		return opnd{mode: oVal, arg: model.R(d), t: tInt}
	case pMaskEmpty, pMaskWeight:
		base, ok := g.maskArg(x, x.Args[0])
		if !ok {
			return badOp
		}
		return g.maskCount(x, p, base, n, want)
	case pForEachCPU:
		if !g.eachOK[x] {
			g.errorf(x.Pos(), "%s is a loop (%s(...) statement), not a value", x.Fun.Name, x.Fun.Name)
			return badOp
		}
		switch p.each {
		case eachPossible:
			return opnd{mode: oVal, arg: model.Imm(1), t: tInt, isBool: true}
		case eachOnline:
			cpu := g.rv(x.Args[0], -1)
			o, ok := l.onlineMask(x)
			if !ok || cpu.t.kind == kBad {
				return badOp
			}
			return g.testBit(x, model.Imm(model.Ptr(o.base)), cpu.arg, p.order, false, want)
		}
		cpu := g.rv(x.Args[0], -1)
		base, ok := g.maskArg(x, x.Args[1])
		if !ok || cpu.t.kind == kBad {
			return badOp
		}
		return g.testBit(x, base, cpu.arg, p.order, false, want)
	}
	panic("litmus: unhandled cpumask primitive " + x.Fun.Name)
}

// maskCount lowers cpumask_empty and cpumask_weight of the mask at base,
// of n bits: bitmap_empty() reads the words in turn (find_first_bit(),
// plain reads) until one has a bit set; bitmap_weight() reads them all.
func (g *gen) maskCount(x *CallExpr, p *primInfo, base model.Arg, n int, want int) opnd {
	d := g.dst(want, tInt)
	var exits []int
	if p.kind == pMaskWeight {
		g.mov(x, d, model.Imm(0))
	}
	for w := 0; w*64 < n; w++ {
		bits := min(n-w*64, 64)
		word := base
		if w != 0 {
			if base.IsImm() {
				word = model.Imm(base.Imm + model.Value(w))
			} else {
				r := g.temp(ptrTo(tULong))
				g.binop(x, r, model.AluAdd, base, model.Imm(model.Value(w)))
				word = model.R(r)
			}
		}
		v := g.temp(tInt)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order, in.Prim = int32(v), word, model.Plain, x.Fun.Name
		g.emit(x, in)
		g.feature("plain-access")
		if p.kind == pMaskEmpty {
			if bits < 64 {
				g.binop(x, v, model.AluAnd, model.R(v), model.Imm(model.Value(uint64(1)<<bits-1)))
			}
			g.binop(x, d, model.AluEq, model.R(v), model.Imm(0))
			if (w+1)*64 < n {
				exits = append(exits, g.jump(x, model.OpJumpIfNot, model.R(d)))
			}
			continue
		}
		t := g.temp(tInt)
		for b := 0; b < bits; b++ {
			g.binop(x, t, model.AluShr, model.R(v), model.Imm(model.Value(b)))
			g.binop(x, t, model.AluAnd, model.R(t), model.Imm(1))
			g.binop(x, d, model.AluAdd, model.R(d), model.R(t))
		}
	}
	g.patch(exits, g.here())
	return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: p.kind == pMaskEmpty}
}

// eachKind says which loop a for_each primitive makes.
type eachKind uint8

const (
	eachMask     eachKind = iota // for_each_cpu(cpu, mask)
	eachOnline                   // for_each_online_cpu(cpu)
	eachPossible                 // for_each_possible_cpu(cpu)
)

// forEachCPU parses the body of the loop that the for_each call x heads,
// and returns the loop: as the kernel's macros expand to a for over the
// CPUs, find_next_bit() finding the next one in the mask,
//
//	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
//		if (for_each_cpu(cpu, mask))
//			body
//
// where the call is the test of one CPU (plain reads of the mask's word;
// always true for for_each_possible_cpu). The loop is unrolled, cpu a
// constant in each copy of the body. After it, as in the kernel, cpu is
// nr_cpu_ids.
func (p *parser) forEachCPU(x *CallExpr) Stmt {
	body := p.parseStmt()
	var id *Ident
	if len(x.Args) > 0 {
		id, _ = unparen(x.Args[0]).(*Ident)
	}
	if id == nil {
		p.error(x.Pos(), x.Fun.Name+": the CPU must be a variable")
		return &BadStmt{span{x.Pos(), p.prev}}
	}
	at := span{x.Pos(), x.End()}
	name := func() Expr { return &Ident{id.span, id.Name} }
	init := &ExprStmt{at, &AssignExpr{at, "=", x.Pos(), name(), &IntLit{at, "0", 0}}}
	cond := &BinaryExpr{at, "<", x.Pos(), name(), &Ident{at, "nr_cpu_ids"}}
	post := &PostfixExpr{at, "++", x.Pos(), name()}
	test := &IfStmt{span{x.Pos(), body.End()}, x, body, nil}
	return &ForStmt{span{x.Pos(), body.End()}, init, cond, post, test}
}

// forEachLoops are the loops forEachCPU parses.
var forEachLoops = map[string]bool{"for_each_cpu": true, "for_each_online_cpu": true, "for_each_possible_cpu": true}

// forEachTest returns the for_each call that is the test of a loop made
// by forEachCPU, or nil.
func forEachTest(s *ForStmt) *CallExpr {
	is, ok := s.Body.(*IfStmt)
	if !ok || is.Else != nil {
		return nil
	}
	c, ok := unparen(is.Cond).(*CallExpr)
	if !ok || !forEachLoops[c.Fun.Name] {
		return nil
	}
	return c
}

// isInitCall reports whether x, a statement of the init block, is a call
// of set_cpu_online (which sets the initial online mask).
func isInitCall(x Expr) bool {
	c, ok := x.(*CallExpr)
	return ok && c.Fun.Name == "set_cpu_online"
}
