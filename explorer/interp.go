package explorer

import (
	"fmt"
	mbits "math/bits"
	"slices"

	"mmcheck/model"
)

// tstate is a CPU's local state between two events: where it is in its
// code and its registers. It is a pure function of the values its events
// read, so the explorer can always rebuild it by replaying the thread.
type tstate struct {
	pc        int32
	regs      cowVec[model.Value] // shared copy-on-write between graph copies
	status    model.ThreadStatus
	awaitFrom int32 // po index of the first event of the current await iteration, -1 outside one
	rmwWrite  bool  // the read half of the RMW at pc was added; its write half (rmwVal) is next
	rmwVal    model.Value
	// The write half's location and dependencies, fixed when the read half
	// completes (before it sets the result register, which may also be an
	// operand: r1 = xchg(x, r1)).
	rmwLoc             int
	rmwAddrT, rmwDataT bits
	viol               *model.Violation // why the thread stopped (status Stopped), nil for a failed assume
	cut                bool
	warns              []warning // WARN_ONs that fired (the CPU went on)
	// force is, with interp.free, the walker's decision of the branch at
	// pc: 1 taken, -1 not taken, 0 not decided yet (next returns actFork).
	force int8
	// spur: with interp.free, the path has gone where its own values do
	// not lead (a forced branch against them, a check or fault it went
	// past): from then on, values computed from reads may be values no
	// execution computes (see enumDomain).
	spur bool

	// Dependency tracking (interp.deps): the reads (po indices) each
	// register's value depends on, and those that decided branches so far.
	taint cowChunks[bits] // zero until deps are first tracked
	ctrl  bits
	scope []ctrlScope // open conditionals whose condition depends on reads
}

// ctrlScope is an open conditional: its condition's reads, and where its
// branches join.
type ctrlScope struct {
	join  int32
	taint bits
}

// warning is a WARN_ON that fired after the CPU's first `after` events.
type warning struct {
	v     model.Violation
	after int32
}

// bits is an immutable set of small integers (po indices).
type bits []uint64

// bit returns {i}. Sets are immutable, so the small ones are shared.
func bit(i int) bits {
	if i < len(singletons) {
		return singletons[i]
	}
	b := make(bits, i/64+1)
	b[i/64] = 1 << (i % 64)
	return b
}

// singletons holds {i} for the first po indices (read-only: bit's).
var singletons = func() []bits {
	const n = 256
	words := make([]uint64, 0, n*(n/64+1)/2)
	out := make([]bits, n)
	for i := range out {
		k := len(words)
		words = append(words, make([]uint64, i/64+1)...)
		out[i] = bits(words[k : k+i/64+1 : k+i/64+1])
		out[i][i/64] = 1 << (i % 64)
	}
	return out
}()

func (a bits) union(b bits) bits {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	var c bits
	for i := range b {
		if b[i]&^a[i] != 0 {
			if c == nil {
				c = append(bits(nil), a...)
			}
			c[i] |= b[i]
		}
	}
	if c == nil {
		return a
	}
	return c
}

// empty reports whether a has no member.
func (a bits) empty() bool {
	for _, x := range a {
		if x != 0 {
			return false
		}
	}
	return true
}

// list returns the members in increasing order.
func (a bits) list() []int32 { return a.appendTo(nil) }

// depLists returns the dependency lists of addr, data and ctrl, in one
// allocation.
func depLists(addr, data, ctrl bits) model.Deps {
	n := addr.count() + data.count() + ctrl.count()
	if n == 0 {
		return model.Deps{}
	}
	buf := make([]int32, 0, n)
	buf = addr.appendTo(buf)
	na := len(buf)
	buf = data.appendTo(buf)
	nd := len(buf)
	buf = ctrl.appendTo(buf)
	nilIfEmpty := func(s []int32) []int32 {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	return model.Deps{Addr: nilIfEmpty(buf[:na:na]), Data: nilIfEmpty(buf[na:nd:nd]), Ctrl: nilIfEmpty(buf[nd:])}
}

// count returns the number of members.
func (a bits) count() int {
	n := 0
	for _, x := range a {
		n += mbits.OnesCount64(x)
	}
	return n
}

// appendTo appends the members to out in increasing order.
func (a bits) appendTo(out []int32) []int32 {
	for w, x := range a {
		for x != 0 {
			out = append(out, int32(w*64+mbits.TrailingZeros64(x)))
			x &= x - 1
		}
	}
	return out
}

func newTstate(t *model.Thread) tstate {
	regs := newCowVec[model.Value](t.NumRegs)
	for _, in := range t.Init {
		regs.set(int32(in.Reg), in.Val)
	}
	return tstate{regs: regs, awaitFrom: -1}
}

func (s *tstate) clone() tstate {
	c := *s
	c.regs = s.regs.clone()
	c.taint = s.taint.clone()
	return c
}

// actKind is what a thread wants to do next.
type actKind uint8

const (
	actNone  actKind = iota // the thread cannot move (finished, blocked, stopped)
	actRead                 // a read (plain load, RMW read half, lock read)
	actWrite                // a write (store, RMW write half, unlock)
	actFence
	actFree
	actFork // with interp.free: a branch on read values, which the walker decides (tstate.force)
)

// action is a thread's next event, before the explorer decides what a read
// reads.
type action struct {
	kind  actKind
	instr int32
	loc   int         // location; object for actFree
	val   model.Value // value written
	order model.Order
	fence model.FenceKind
	rmw   bool // read: an RMW read half (may write); write: an RMW write half
	lock  bool
	srcu  bool // srcu_read_lock's read, srcu_read_unlock's write
	await bool // a read inside an await iteration or a lock acquisition

	// With interp.deps: the event's po index and dependencies.
	po               int32
	addr, data, ctrl bits
}

type interp struct {
	prog      *model.Program
	loopBound int
	deps      bool // track addr/data/ctrl dependencies
	// free: a branch whose condition depends on reads goes both ways, as
	// herd7 takes both sides of a condition it cannot decide yet (needs
	// deps). The enumeration computes its value domain so (enumDomain).
	free  bool
	pdom  map[*model.Thread][]int32
	steps int // local steps executed (a guard against runaway straight-line code)
}

const maxLocalSteps = 1 << 20

func (ip *interp) arg(s *tstate, a model.Arg) model.Value {
	if a.Reg < 0 {
		return a.Imm
	}
	return s.regs.get(a.Reg)
}

func (ip *interp) taintOf(s *tstate, a model.Arg) bits {
	if a.Reg < 0 || s.taint.len() == 0 {
		return nil
	}
	return s.taint.get(a.Reg)
}

func (ip *interp) setTaint(s *tstate, r int32, b bits) {
	if r >= 0 && s.taint.len() != 0 {
		s.taint.set(r, b)
	}
}

// openScope starts a conditional at s.pc whose condition depends on reads
// b: the events until its branches join depend on them (ctrl). A
// conditional stop (BUG_ON, assume, leaving an await) never joins: every
// later event depends on it.
func (ip *interp) openScope(t *model.Thread, s *tstate, b bits, forever bool) {
	if len(b) == 0 {
		return
	}
	if forever {
		s.scope = append(s.scope[:len(s.scope):len(s.scope)], ctrlScope{join: -1, taint: b})
		s.ctrl = s.ctrl.union(b)
		return
	}
	if ip.pdom == nil {
		ip.pdom = map[*model.Thread][]int32{}
	}
	pd, ok := ip.pdom[t]
	if !ok {
		pd = model.PostDominators(t.Code)
		ip.pdom[t] = pd
	}
	s.scope = append(s.scope[:len(s.scope):len(s.scope)], ctrlScope{join: pd[s.pc], taint: b})
	s.ctrl = s.ctrl.union(b)
}

// closeScopes ends the conditionals whose branches join at s.pc.
func (ip *interp) closeScopes(s *tstate) {
	keep := 0
	for _, c := range s.scope {
		if c.join != s.pc {
			keep++
		}
	}
	if keep == len(s.scope) {
		return
	}
	ns := make([]ctrlScope, 0, keep)
	var ctrl bits
	for _, c := range s.scope {
		if c.join != s.pc {
			ns = append(ns, c)
			ctrl = ctrl.union(c.taint)
		}
	}
	s.scope, s.ctrl = ns, ctrl
}

// withDeps fills an action's dependencies from the instruction's operands.
func (ip *interp) withDeps(s *tstate, in *model.Instr, a action, nev int) action {
	if !ip.deps {
		return a
	}
	a.po = int32(nev)
	a.addr = ip.taintOf(s, in.A)
	if a.kind == actWrite {
		switch {
		case in.Op == model.OpRMW && in.RMW == model.RMWCmpXchg:
			a.data = ip.taintOf(s, in.C) // the new value; the expected one only decides
		case in.Op == model.OpRMW:
			a.data = ip.taintOf(s, in.B) // add_unless's limit C only decides
		default:
			a.data = ip.taintOf(s, in.B)
		}
	}
	a.ctrl = s.ctrl
	dropDeps(in, &a)
	return a
}

// decide is, with ip.free, the walker's decision of a branch on a: 0 if
// a does not depend on reads (evaluate it), else 1 (taken) or -1, or
// fork if the walker has not decided yet.
func (ip *interp) decide(s *tstate, a model.Arg) (d int8, fork bool) {
	if !ip.free || ip.taintOf(s, a).empty() {
		return 0, false
	}
	if s.force == 0 {
		return 0, true
	}
	d, s.force = s.force, 0
	return d, false
}

// goesOn reports whether, with ip.free, a check, assume or await on a
// goes on whatever a is (it depends on reads): stopping adds no write,
// so only going on matters to the value domain.
func (ip *interp) goesOn(s *tstate, a model.Arg) bool {
	if ip.free && !ip.taintOf(s, a).empty() {
		s.spur = true // its callers ask only where the path would stop
		return true
	}
	return false
}

// skipsFault reports whether, with ip.free, the access of in goes on past
// its address v although v designates no shared location: the address
// depends on reads (goesOn), so the path may be one the rounds forced
// down a branch that the values so far do not take (if (r1) r2 =
// READ_ONCE(*r1) with r1 still NULL). An execution that takes the branch
// holds a good address, which a later round finds; the writes that follow
// must be kept, because a cycle through them may be what gives r1 its
// value. The access is skipped (its result register gets 0).
func (ip *interp) skipsFault(s *tstate, in *model.Instr, v model.Value) bool {
	if _, ok := ip.prog.PtrLoc(v); ok && v != 0 {
		return false
	}
	if !ip.goesOn(s, in.A) {
		return false
	}
	switch in.Op {
	case model.OpLoad, model.OpIsLocked, model.OpRMW, model.OpTrylock:
		ip.set(s, in.Dst, 0)
		if ip.deps {
			ip.setTaint(s, in.Dst, ip.taintOf(s, in.A))
		}
	}
	s.pc++
	return true
}

func (ip *interp) set(s *tstate, r int32, v model.Value) {
	if r >= 0 && s.regs.get(r) != v { // an unchanged value copies no chunk
		s.regs.set(r, v)
	}
}

func (ip *interp) stop(s *tstate, t *model.Thread, in *model.Instr, k model.ViolationKind, msg string) action {
	s.status = model.Stopped
	s.viol = &model.Violation{Kind: k, Msg: msg, Thread: t.ID, Event: model.NoEvent, Other: model.NoEvent, Pos: in.Pos}
	return action{}
}

// addr validates an address operand: a pointer to a location.
func (ip *interp) addr(s *tstate, t *model.Thread, in *model.Instr, v model.Value) (int, bool) {
	if v == 0 {
		ip.stop(s, t, in, model.NullDeref, fmt.Sprintf("%s dereferences NULL", in.Text))
		return 0, false
	}
	l, ok := ip.prog.PtrLoc(v)
	if !ok {
		ip.stop(s, t, in, model.WildDeref, fmt.Sprintf("%s dereferences %d, which is not a pointer to shared memory", in.Text, v))
		return 0, false
	}
	return l, true
}

// next runs thread t's local instructions from s (which it modifies; the
// caller passes a private copy) up to its next event, and returns that
// event. nev is the number of events the thread has so far (for awaits).
// It returns actNone when the thread finished, blocked or stopped.
func (ip *interp) next(t *model.Thread, s *tstate, nev int) action {
	if s.status != model.Running {
		return action{}
	}
	code := t.Code
	if ip.deps && s.taint.len() == 0 {
		s.taint = newCowChunks[bits](t.NumRegs)
	}
	for n := 0; ; n++ {
		if len(s.scope) > 0 {
			ip.closeScopes(s)
		}
		if n > maxLocalSteps {
			s.status = model.Cut
			s.cut = true
			return action{}
		}
		in := &code[s.pc]
		switch in.Op {
		case model.OpNop:
		case model.OpMove:
			ip.set(s, in.Dst, ip.arg(s, in.A))
			if ip.deps {
				ip.setTaint(s, in.Dst, ip.taintOf(s, in.A))
			}
		case model.OpUnary:
			a := ip.arg(s, in.A)
			var v model.Value
			switch in.Alu {
			case model.AluNeg:
				v = -a
			case model.AluNot:
				v = b2v(a == 0)
			case model.AluBitNot:
				v = ^a
			}
			ip.set(s, in.Dst, v)
			if ip.deps {
				ip.setTaint(s, in.Dst, ip.taintOf(s, in.A))
			}
		case model.OpBinary:
			a, b := ip.arg(s, in.A), ip.arg(s, in.B)
			var v model.Value
			switch in.Alu {
			case model.AluAdd:
				v = a + b
			case model.AluSub:
				v = a - b
			case model.AluMul:
				v = a * b
			case model.AluDiv, model.AluMod:
				if b == 0 && ip.goesOn(s, in.B) {
					// A divisor from reads, perhaps zero only on a
					// path the rounds forced (see skipsFault): going
					// on only adds values; the final paths stop.
					break
				}
				if b == 0 {
					return ip.stop(s, t, in, model.DivZero, fmt.Sprintf("%s divides by zero", in.Text))
				}
				if in.Alu == model.AluDiv {
					v = a / b
				} else {
					v = a % b
				}
			case model.AluAnd:
				v = a & b
			case model.AluOr:
				v = a | b
			case model.AluXor:
				v = a ^ b
			case model.AluShl:
				v = a << uint64(b&63)
			case model.AluShr:
				v = a >> uint64(b&63)
			case model.AluEq:
				v = b2v(a == b)
			case model.AluNe:
				v = b2v(a != b)
			case model.AluLt:
				v = b2v(a < b)
			case model.AluLe:
				v = b2v(a <= b)
			case model.AluGt:
				v = b2v(a > b)
			case model.AluGe:
				v = b2v(a >= b)
			}
			ip.set(s, in.Dst, v)
			if ip.deps {
				ip.setTaint(s, in.Dst, ip.taintOf(s, in.A).union(ip.taintOf(s, in.B)))
			}
		case model.OpJump:
			s.pc = in.Target
			continue
		case model.OpJumpIf, model.OpJumpIfNot:
			d, fork := ip.decide(s, in.A)
			if fork {
				return action{kind: actFork, instr: s.pc}
			}
			if ip.deps {
				ip.openScope(t, s, ip.taintOf(s, in.A), false)
			}
			taken := (ip.arg(s, in.A) != 0) == (in.Op == model.OpJumpIf)
			if d != 0 {
				// The walker's decision, which the values may not take.
				s.spur = s.spur || taken != (d > 0)
				taken = d > 0
			}
			if taken {
				s.pc = in.Target
				continue
			}
		case model.OpCheck:
			if ip.deps && in.Check != model.CheckWarn {
				// if (c) BUG(): what follows runs only when c is false.
				ip.openScope(t, s, ip.taintOf(s, in.A), true)
			}
			if ip.arg(s, in.A) != 0 && (in.Check == model.CheckWarn || !ip.goesOn(s, in.A)) {
				k := model.BugOn
				switch in.Check {
				case model.CheckWarn:
					k = model.WarnOn
				case model.CheckAssert:
					k = model.AssertFail
				case model.CheckIndex:
					k = model.IndexRange
				case model.CheckDivZero:
					k = model.DivZero
				}
				msg := in.Text + " triggered"
				if k == model.AssertFail {
					msg = in.Text + " failed"
				}
				if k == model.WarnOn {
					// As in the kernel, WARN_ON warns and goes on.
					v := model.Violation{Kind: k, Msg: msg, Thread: t.ID, Event: model.NoEvent, Other: model.NoEvent, Pos: in.Pos}
					s.warns = append(s.warns[:len(s.warns):len(s.warns)], warning{v: v, after: int32(nev)})
					break
				}
				return ip.stop(s, t, in, k, msg)
			}
		case model.OpAssume:
			if ip.deps {
				ip.openScope(t, s, ip.taintOf(s, in.A), true)
			}
			if ip.arg(s, in.A) == 0 && !ip.goesOn(s, in.A) {
				s.status = model.Stopped
				s.viol = nil
				return action{}
			}
		case model.OpBoundsCheck:
			if ip.deps {
				ip.openScope(t, s, ip.taintOf(s, in.A), true)
			}
			i, n := ip.arg(s, in.A), ip.arg(s, in.B)
			if (i < 0 || i >= n) && !ip.goesOn(s, in.A) && !ip.goesOn(s, in.B) {
				return ip.stop(s, t, in, model.IndexRange, fmt.Sprintf("index %d out of range [0, %d) in %s", i, n, in.Text))
			}
		case model.OpLoopIter:
			c := s.regs.get(in.Dst) + 1
			s.regs.set(in.Dst, c)
			if c > model.Value(ip.loopBound) {
				s.status = model.Cut
				s.cut = true
				return action{}
			}
		case model.OpAwaitBegin:
			s.awaitFrom = int32(nev)
		case model.OpAwaitEnd:
			if ip.deps {
				// Leaving a spin loop is a branch on what it read.
				ip.openScope(t, s, ip.taintOf(s, in.A), true)
			}
			if ip.arg(s, in.A) != 0 && !ip.goesOn(s, in.A) {
				s.status = model.Blocked
				return action{}
			}
			s.awaitFrom = -1
		case model.OpHalt:
			s.status = model.Done
			return action{}

		case model.OpLoad, model.OpIsLocked:
			if ip.skipsFault(s, in, ip.arg(s, in.A)) {
				continue
			}
			l, ok := ip.addr(s, t, in, ip.arg(s, in.A))
			if !ok {
				return action{}
			}
			o := in.Order
			if in.Op == model.OpIsLocked {
				o = model.Once
			}
			return ip.withDeps(s, in, action{kind: actRead, instr: s.pc, loc: l, order: o, srcu: in.Srcu, await: s.awaitFrom >= 0}, nev)
		case model.OpStore, model.OpUnlock:
			if ip.skipsFault(s, in, ip.arg(s, in.A)) {
				continue
			}
			l, ok := ip.addr(s, t, in, ip.arg(s, in.A))
			if !ok {
				return action{}
			}
			if in.Op == model.OpUnlock {
				return ip.withDeps(s, in, action{kind: actWrite, instr: s.pc, loc: l, val: 0, order: model.Release, lock: true}, nev)
			}
			return ip.withDeps(s, in, action{kind: actWrite, instr: s.pc, loc: l, val: ip.arg(s, in.B), order: in.Order, srcu: in.Srcu}, nev)
		case model.OpRMW, model.OpLock, model.OpTrylock:
			if s.rmwWrite {
				// The write half: location, value and dependencies as the
				// read half fixed them.
				o, lock := in.Order, in.Op != model.OpRMW
				if lock {
					o = model.Acquire
				}
				a := ip.withDeps(s, in, action{kind: actWrite, instr: s.pc, loc: s.rmwLoc, val: s.rmwVal, order: o, rmw: true, lock: lock}, nev)
				if ip.deps {
					a.addr, a.data = s.rmwAddrT, s.rmwDataT
					dropDeps(in, &a)
				}
				return a
			}
			if ip.skipsFault(s, in, ip.arg(s, in.A)) {
				continue
			}
			l, ok := ip.addr(s, t, in, ip.arg(s, in.A))
			if !ok {
				return action{}
			}
			o := in.Order
			lock := false
			switch in.Op {
			case model.OpLock:
				o, lock = model.Acquire, true
			case model.OpTrylock:
				o, lock = model.Acquire, true
			}
			if in.Op == model.OpLock && s.awaitFrom < 0 {
				s.awaitFrom = int32(nev) // a lock acquisition is an await on the lock word
			}
			return ip.withDeps(s, in, action{kind: actRead, instr: s.pc, loc: l, order: o, rmw: true, lock: lock,
				await: s.awaitFrom >= 0 || in.Op == model.OpLock}, nev)
		case model.OpFence:
			a := action{kind: actFence, instr: s.pc, fence: in.Fence, loc: -1}
			if in.Fence == model.FenceSyncSRCU {
				if ip.skipsFault(s, in, ip.arg(s, in.A)) {
					continue
				}
				l, ok := ip.addr(s, t, in, ip.arg(s, in.A))
				if !ok {
					return action{}
				}
				a.loc = l
			}
			return ip.withDeps(s, in, a, nev)
		case model.OpFree:
			v := ip.arg(s, in.A)
			if v == 0 {
				// kfree(NULL) is a no-op in the kernel.
				break
			}
			l, ok := ip.prog.PtrLoc(v)
			obj := -1
			if ok {
				obj = ip.prog.Locs[l].Obj
				if ip.prog.Objects[obj].Base != l {
					obj = -1
				}
			}
			if obj < 0 && ip.goesOn(s, in.A) {
				break // see skipsFault
			}
			if obj < 0 {
				return ip.stop(s, t, in, model.BadFree, fmt.Sprintf("%s frees %s, which is not the start of an object", in.Text, ip.prog.FormatValue(v, true)))
			}
			return ip.withDeps(s, in, action{kind: actFree, instr: s.pc, loc: obj}, nev)
		default:
			panic(fmt.Sprintf("explorer: unknown op %v", in.Op))
		}
		s.pc++
	}
}

// complete finishes the instruction that made an event, given the value
// read (for reads). It updates s past the event.
func (ip *interp) complete(t *model.Thread, s *tstate, a *action, readVal model.Value) {
	in := &t.Code[a.instr]
	if a.kind == actRead && (in.Op == model.OpRMW || in.Op == model.OpLock || in.Op == model.OpTrylock) {
		// Fix the write half before the result register changes.
		s.rmwLoc = a.loc
		if ip.deps {
			s.rmwAddrT = ip.taintOf(s, in.A)
			if in.Op == model.OpRMW && in.RMW == model.RMWCmpXchg {
				s.rmwDataT = ip.taintOf(s, in.C) // the new value; the expected one only decides
			} else if in.Op == model.OpRMW {
				s.rmwDataT = ip.taintOf(s, in.B) // add_unless's limit C only decides
			} else {
				s.rmwDataT = nil
			}
		}
	}
	if ip.deps && a.kind == actRead {
		ip.setTaint(s, in.Dst, bit(int(a.po)))
	}
	switch a.kind {
	case actRead:
		switch in.Op {
		case model.OpLoad:
			ip.set(s, in.Dst, readVal)
			s.pc++
		case model.OpIsLocked:
			ip.set(s, in.Dst, b2v(readVal != 0))
			s.pc++
		case model.OpRMW:
			nv, w := in.RMW.Apply(readVal, ip.arg(s, in.B), ip.arg(s, in.C))
			ip.set(s, in.Dst, readVal)
			if w {
				s.rmwWrite, s.rmwVal = true, nv
			} else {
				s.pc++
			}
		case model.OpLock:
			if readVal != 0 {
				// Spinning on a held lock: blocked, as an await.
				s.status = model.Blocked
				return
			}
			s.rmwWrite, s.rmwVal = true, 1
		case model.OpTrylock:
			ip.set(s, in.Dst, b2v(readVal == 0))
			if readVal == 0 {
				s.rmwWrite, s.rmwVal = true, 1
			} else {
				s.pc++
			}
		}
	case actWrite:
		s.rmwWrite = false
		if in.Op == model.OpLock {
			s.awaitFrom = -1
		}
		s.pc++
	default:
		s.pc++
	}
}

// event is the event action a makes. For a read, v is the value it reads
// and src the write it reads from; the read half of an RMW records
// whether the RMW writes, and a failed cmpxchg or add_unless orders
// nothing. It must be called before complete (it reads the operands).
func (ip *interp) event(t *model.Thread, s *tstate, a *action, v model.Value, src model.EventID) model.Event {
	ev := model.Event{RF: model.NoEvent, Instr: int(a.instr)}
	switch a.kind {
	case actRead:
		ev.Kind, ev.Order, ev.Lock, ev.Srcu, ev.Loc, ev.Val, ev.RF = model.EvRead, a.order, a.lock, a.srcu, a.loc, v, src
		if a.rmw {
			ev.RMW = ip.rmwWrites(t, s, a, v)
			if !ev.RMW && !a.lock {
				ev.Order = model.Once
			}
		}
	case actWrite:
		ev.Kind, ev.Order, ev.RMW, ev.Lock, ev.Srcu, ev.Loc, ev.Val = model.EvWrite, a.order, a.rmw, a.lock, a.srcu, a.loc, a.val
	case actFence:
		ev.Kind, ev.Fence, ev.Loc = model.EvFence, a.fence, a.loc
	case actFree:
		ev.Kind, ev.Loc = model.EvFree, a.loc
	}
	return ev
}

// rmwWrites reports whether an RMW read of value v at instruction a will
// write (so the read is the read half of an RMW pair).
func (ip *interp) rmwWrites(t *model.Thread, s *tstate, a *action, v model.Value) bool {
	in := &t.Code[a.instr]
	switch in.Op {
	case model.OpRMW:
		_, w := in.RMW.Apply(v, ip.arg(s, in.B), ip.arg(s, in.C))
		return w
	case model.OpLock, model.OpTrylock:
		return v == 0
	}
	return false
}

func b2v(b bool) model.Value {
	if b {
		return 1
	}
	return 0
}

// readValues returns the values the walkers of the value domain try for
// read a, given the values dom its location may hold: dom, and with
// ip.free, the value an RMW's condition pins its read to (cmpxchg's
// expected value, atomic_add_unless's excluded one), which herd7 tries
// whatever the location may hold, as it tries both sides of a branch.
func (ip *interp) readValues(t *model.Thread, s *tstate, a *action, dom []model.Value) []model.Value {
	if !ip.free || !a.rmw {
		return dom
	}
	in := &t.Code[a.instr]
	if in.Op != model.OpRMW {
		return dom
	}
	var v model.Value
	switch in.RMW {
	case model.RMWCmpXchg:
		v = ip.arg(s, in.B)
	case model.RMWAddUnless:
		v = ip.arg(s, in.C)
	default:
		return dom
	}
	if slices.Contains(dom, v) {
		return dom
	}
	return append(slices.Clone(dom), v)
}
