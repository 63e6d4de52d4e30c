package explorer

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"mmcheck/model"
)

// The HMC search's static check (hmcStaticCheck): before searching, it
// decides whether the program has the properties hmc.go's completeness
// argument needs of every consistent execution under lkmm, and refuses
// the program (with the reason) where it cannot show them:
//
//  1. every read that may read another CPU's write and on which (D, and
//     rfi from its CPU's po-latest write to the location) a write that
//     another CPU may read depends is ordered before that write by ppo,
//     an acquire, a release or a full barrier (else a cycle may enter a
//     CPU at such a read and leave it at such a write, needing a value
//     only itself justifies);
//  2. the existence, location and value of each read and write are
//     functions of the values its D-predecessors read (a value chosen by
//     a branch and used after the branches join, a cmpxchg's expected
//     value, a dependency weaken dropped: not);
//  3. no CPU may release a lock it does not hold.
//
// It replaces a check that ran every path of every CPU over the
// enumeration's value domain (hmcpaths_test.go keeps it as the test
// oracle: the new check refuses every program it refuses, but for those
// it refused for their size), and that refused every protocol file of
// litmus/lazy-mm for its number of paths.
//
// # How
//
// An abstract interpretation of each CPU's code, one abstract state per
// instruction, RMW half and loop-iteration counts (so loops unroll to
// the bound, as lbfree.go's), each the join of the states of every path
// that reaches it; a path goes on in place through local instructions,
// and stops to be joined after each access and at each join point of a
// conditional. The values of registers and the locations of accesses
// come from lbfree.go's abstract values (lbChecker.values: every value a
// location may hold, a branch on a value read goes both ways), and which
// locations other CPUs may read or write from the same pass. What the
// state tracks are may-sets, whose join is a union, and one must-set,
// whose join is an intersection, so that every path's facts are below the
// state's:
//
//   - per register, dep: the reads its value depends on, as the
//     interpreter computes Deps (data flow between registers; a read sets
//     its register to itself), closed under the dependencies of those
//     reads (all), and the part of that closure that lkmm may not order
//     before a marked access with a ppo dependency on the register (uo:
//     a marked read contributes the reads not ordered before it; a plain
//     one itself and all its closure); the reads of that closure on every
//     path (must); and hid, set when the value may depend on a read no
//     recorded dependency names (property 2);
//   - the open conditionals whose condition depends on reads, by where
//     their branches join (the postdominator, as interp.openScope): their
//     deps are the ctrl dependencies of the events inside; the registers
//     assigned inside one get hid when it closes, unless their joined
//     value is one constant; an event inside one whose condition has hid
//     has an existence no dependency decides (a conditional that stops
//     the CPU never joins, and is not counted: the old check compared
//     only paths that finish);
//   - the reads not followed by a full barrier yet (nf), the spin_lock
//     reads so far (every later access depends on them, hmc.go's
//     depPrefix), and per location what its po-latest write depends on
//     (rfi: all of it, and for a marked read of a marked write, the part
//     (addr | data); rfi does not order).
//
// Reads are named by instruction, and a conditional RMW's failed read
// apart (it is Once); the sets are per instruction, not per occurrence,
// which only makes them larger. For an access k, the reads it depends on
// (all) and those lkmm may not order before it (uo) are the union over
// its dependency edges (addr, data, ctrl, the RMW's read half and the
// spin_lock reads, which hmc.go takes as ordered, and rfi), each giving
// uo if it is ppo (both ends marked; data and ctrl to a write; addr to
// any access) and all if not; then the reads ordered before k by an
// acquire, a full barrier between, or k a release or fully ordered write,
// are removed (both marked), and so are those a ppo edge orders on every
// path (in its must, not in its uo), if the read is on no cycle of the
// code (else another of its events may be the one in uo). This is
// hmcOrdered's computation on a path (hmcpaths_test.go), edge by edge,
// with unions where a path has one value: a read ordered on every path
// may be counted unordered here, never the other way round. Property 1 is then checked
// for each write another CPU may read (by instruction, after the
// fixpoint) against the reads that may read another CPU's write.
//
// Property 2 holds on a path when no address, no written value and no
// condition of an open conditional has hid: the interpreter's
// dependencies then name every read whose value flows into them, and the
// events that exist are those the conditions on recorded dependencies
// let through (a conditional's events are its ctrl dependents). A
// register assigned under a conditional on reads and used after the join
// is the one way a value escapes its dependencies, and is marked hid; a
// cmpxchg or atomic_add_unless whose expected value or limit depends on
// reads is refused (whether it writes depends on them, and its write's
// dependencies do not name them), and so is an access whose dependency
// weaken dropped (Instr.NoDeps) while it would have named reads.
//
// Property 3 is lbfree.go's: a spin_unlock whose lock is not held on
// every path to it.
//
// The cost is the number of abstract states: per CPU, instructions times
// the loop-iteration counts that are live, each step copying a state of
// a few sets per register.

// hmcStaticMaxSteps bounds the abstract steps of the check (summed over
// the CPUs): beyond it, the program is refused.
const hmcStaticMaxSteps = 2_000_000

// hmcSet is an immutable set of small integers (read elements: twice
// the instruction, plus one for a conditional RMW's failed read).
type hmcSet []uint64

func (a hmcSet) has(i int) bool {
	w := i / 64
	return w < len(a) && a[w]&(1<<(i%64)) != 0
}

func (a hmcSet) with(i int) hmcSet {
	if a.has(i) {
		return a
	}
	n := make(hmcSet, max(len(a), i/64+1))
	copy(n, a)
	n[i/64] |= 1 << (i % 64)
	return n
}

// union returns a ∪ b, a itself if b adds nothing.
func (a hmcSet) union(b hmcSet) hmcSet {
	if a.covers(b) {
		return a
	}
	if b.covers(a) {
		return b
	}
	n := make(hmcSet, max(len(a), len(b)))
	copy(n, a)
	for i, x := range b {
		n[i] |= x
	}
	return n
}

// covers reports whether b ⊆ a.
func (a hmcSet) covers(b hmcSet) bool {
	for i, x := range b {
		if x == 0 {
			continue
		}
		if i >= len(a) || x&^a[i] != 0 {
			return false
		}
	}
	return true
}

func (a hmcSet) empty() bool { return !slices.ContainsFunc(a, func(x uint64) bool { return x != 0 }) }

// without returns a without the members for which drop holds.
func (a hmcSet) without(drop func(int) bool) hmcSet {
	var n hmcSet
	for w, x := range a {
		for b := 0; x != 0; b++ {
			if x&1 != 0 && drop(w*64+b) {
				if n == nil {
					n = slices.Clone(a)
				}
				n[w] &^= 1 << b
			}
			x >>= 1
		}
	}
	if n == nil {
		return a
	}
	return n
}

// intersect returns a ∩ b.
func (a hmcSet) intersect(b hmcSet) hmcSet {
	if b.covers(a) {
		return a
	}
	n := make(hmcSet, min(len(a), len(b)))
	for i := range n {
		n[i] = a[i] & b[i]
	}
	return n
}

// minus returns a \ b.
func (a hmcSet) minus(b hmcSet) hmcSet {
	n := slices.Clone(a)
	for i := range min(len(a), len(b)) {
		n[i] &^= b[i]
	}
	return n
}

// each calls f with each member, in increasing order.
func (a hmcSet) each(f func(int)) {
	for w, x := range a {
		for b := 0; x != 0; b++ {
			if x&1 != 0 {
				f(w*64 + b)
			}
			x >>= 1
		}
	}
}

// hmcDep is what a value or an event depends on (see the comment at the
// top): every read it may depend on (all), those it depends on on every
// path (must), those lkmm may not order before a marked access with a ppo
// dependency on it (uo), and whether a read no dependency names may
// decide it (hid).
type hmcDep struct {
	all, uo, must hmcSet
	hid           bool
}

// plus is what d and o give together on one path (two edges, two
// operands).
func (d hmcDep) plus(o hmcDep) hmcDep {
	return hmcDep{d.all.union(o.all), d.uo.union(o.uo), d.must.union(o.must), d.hid || o.hid}
}

// join is what d on one path and o on another give.
func (d hmcDep) join(o hmcDep) hmcDep {
	return hmcDep{d.all.union(o.all), d.uo.union(o.uo), d.must.intersect(o.must), d.hid || o.hid}
}

// covers reports whether d.join(o) is d.
func (d hmcDep) covers(o hmcDep) bool {
	return d.all.covers(o.all) && d.uo.covers(o.uo) && o.must.covers(d.must) && (d.hid || !o.hid)
}

// via is what an edge from d contributes to the unordered reads of its
// event: uo if the edge is ppo, all if not.
func (d hmcDep) via(ppo bool) hmcSet {
	if ppo {
		return d.uo
	}
	return d.all
}

func (d hmcDep) none() bool { return d.all.empty() && !d.hid }

// hmcRegion is an open conditional whose condition depends on reads:
// the registers assigned inside it, and whether the condition has hid.
type hmcRegion struct {
	assigned hmcSet
	hidden   bool
}

// hmcHalf is an RMW's write half as its read half fixed it: locations
// (nil: any), value, and dependencies (rmw: the read half, for an RMW
// whose value or existence depends on what it read).
type hmcHalf struct {
	locs            []int
	val             aval
	addr, data, rmw hmcDep
}

// hmcAbs is an abstract state of one CPU (see the comment at the top).
type hmcAbs struct {
	pc       int32
	rmwWrite bool
	regs     []aval
	deps     []hmcDep
	ctrl     map[int32]hmcDep // open ctrl scopes by join (-1: never joins)
	regions  map[int32]hmcRegion
	nf       hmcSet // reads not followed by a full barrier yet
	locks    hmcDep // spin_lock reads so far, as a ppo edge gives them
	lw       map[int]hmcDep
	lwAny    hmcDep // writes to a location not known
	w        hmcHalf
}

func (s *hmcAbs) clone() *hmcAbs {
	n := *s
	n.regs = slices.Clone(s.regs)
	n.deps = slices.Clone(s.deps)
	n.ctrl = cloneMap(s.ctrl)
	n.regions = cloneMap(s.regions)
	n.lw = cloneMap(s.lw)
	return &n
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	n := make(map[K]V, len(m))
	for k, v := range m {
		n[k] = v
	}
	return n
}

// join makes s the join of s and o and reports whether s changed.
func (s *hmcAbs) join(o *hmcAbs) bool {
	changed := false
	for i, r := range s.regs {
		if u := r.union(o.regs[i]); !u.equal(r) {
			s.regs[i], changed = u, true
		}
	}
	dep := func(d *hmcDep, e hmcDep) {
		if !d.covers(e) {
			*d, changed = d.join(e), true
		}
	}
	for i := range s.deps {
		dep(&s.deps[i], o.deps[i])
	}
	joinMap(s.ctrl, o.ctrl, dep)
	for k, e := range o.regions {
		d, ok := s.regions[k]
		if !ok || !d.assigned.covers(e.assigned) || e.hidden && !d.hidden {
			s.regions[k] = hmcRegion{d.assigned.union(e.assigned), d.hidden || e.hidden}
			changed = true
		}
	}
	if !s.nf.covers(o.nf) {
		s.nf, changed = s.nf.union(o.nf), true
	}
	dep(&s.locks, o.locks)
	joinMap(s.lw, o.lw, dep)
	dep(&s.lwAny, o.lwAny)
	if s.rmwWrite {
		if s.w.locs != nil {
			if o.w.locs == nil {
				s.w.locs, changed = nil, true
			} else {
				u := append(slices.Clone(s.w.locs), o.w.locs...)
				slices.Sort(u)
				if u = slices.Compact(u); len(u) != len(s.w.locs) {
					s.w.locs, changed = u, true
				}
			}
		}
		if u := s.w.val.union(o.w.val); !u.equal(s.w.val) {
			s.w.val, changed = u, true
		}
		dep(&s.w.addr, o.w.addr)
		dep(&s.w.data, o.w.data)
		dep(&s.w.rmw, o.w.rmw)
	}
	return changed
}

// joinMap joins o's entries into s's (a key missing on one side is the
// zero hmcDep there: no scope open, no write made).
func joinMap[K comparable](s, o map[K]hmcDep, dep func(*hmcDep, hmcDep)) {
	for k, d := range s {
		if _, ok := o[k]; !ok {
			dep(&d, hmcDep{})
			s[k] = d
		}
	}
	for k, e := range o {
		d := s[k]
		dep(&d, e)
		s[k] = d
	}
}

// hmcStaticCheck runs the check (see the comment at the top) and returns
// why the HMC search cannot be complete on p under lkmm, or "".
func hmcStaticCheck(ctx context.Context, p *model.Program, loopBound int) string {
	c := &lbChecker{p: p, bound: loopBound, ctx: ctx}
	if why := c.values(); why != "" {
		return "its values cannot be bounded: " + why
	}
	if in := c.unmatched; in != nil {
		return fmt.Sprintf("%s (%s) may release a lock its CPU does not hold (lock.cat's checks are not prefix-closed there)", in.Text, in.Pos)
	}
	h := &hmcChecker{c: c, p: p, ctx: ctx}
	for ti, t := range p.Threads {
		if why := h.thread(ti, t); why != "" {
			return why
		}
	}
	return ""
}

// hmcChecker is the state of one static check.
type hmcChecker struct {
	c     *lbChecker
	p     *model.Program
	ctx   context.Context
	steps int

	// The CPU being checked.
	ti     int
	t      *model.Thread
	pd     []int32
	isJoin []bool // a conditional's branches join here
	once   []bool // per instruction: on no cycle of the code (a path makes it once at most)
	cs     []int32
	live   [][]bool
	extR   []bool   // per read element: it may read another CPU's write
	extW   []bool   // per instruction: a write another CPU may read
	uoAt   []hmcSet // per write instruction: the reads lkmm may not order before it
	why    string   // a refusal found on the way (properties 2 and 3)
}

// thread checks CPU ti.
func (h *hmcChecker) thread(ti int, t *model.Thread) string {
	n := len(t.Code)
	h.ti, h.t, h.why = ti, t, ""
	h.pd = model.PostDominators(t.Code)
	h.isJoin = make([]bool, n+1)
	for pc, in := range t.Code {
		if (in.Op == model.OpJumpIf || in.Op == model.OpJumpIfNot) && h.pd[pc] >= 0 {
			h.isJoin[h.pd[pc]] = true
		}
	}
	h.once = acyclicInstrs(t.Code)
	h.cs = counters(t)
	h.live = liveCounters(t, h.cs)
	h.extR, h.extW, h.uoAt = make([]bool, 2*n), make([]bool, n), make([]hmcSet, n)
	start := &hmcAbs{regs: make([]aval, t.NumRegs), deps: make([]hmcDep, t.NumRegs),
		ctrl: map[int32]hmcDep{}, regions: map[int32]hmcRegion{}, lw: map[int]hmcDep{}}
	for i := range start.regs {
		start.regs[i] = one(0)
	}
	for _, ri := range t.Init {
		start.regs[ri.Reg] = one(ri.Val)
	}
	states := map[string]*hmcAbs{}
	var work []string
	add := func(s *hmcAbs) {
		k := h.key(s)
		if old, ok := states[k]; ok {
			if !old.join(s) {
				return
			}
		} else {
			states[k] = s
		}
		work = append(work, k)
	}
	add(start)
	for len(work) > 0 && h.why == "" {
		k := work[len(work)-1]
		work = work[:len(work)-1]
		if h.steps++; h.steps > hmcStaticMaxSteps {
			return fmt.Sprintf("its static check gave up after %d abstract steps", hmcStaticMaxSteps)
		}
		if h.steps&1023 == 0 && h.ctx != nil && h.ctx.Err() != nil {
			return "its static check was stopped"
		}
		for _, n := range h.step(states[k]) {
			add(n)
		}
	}
	if h.why != "" {
		return h.why
	}
	// Property 1.
	for pc, uo := range h.uoAt {
		if !h.extW[pc] {
			continue
		}
		bad := -1
		uo.each(func(e int) {
			if bad < 0 && h.extR[e] {
				bad = e
			}
		})
		if bad >= 0 {
			w, r := &t.Code[pc], &t.Code[bad/2]
			return fmt.Sprintf("P%d: %s (%s) depends on %s (%s), and lkmm does not order them (a plain access, a control dependency to a read, or ctrl; rfi): a load-buffering cycle through them may need a value only itself justifies",
				ti, w.Text, w.Pos, r.Text, r.Pos)
		}
	}
	return ""
}

// key is a state's place: instruction, RMW half and the live loop
// counters (lbChecker.fixpoint's key).
func (h *hmcChecker) key(s *hmcAbs) string {
	b := binary.AppendVarint(nil, int64(s.pc))
	if s.rmwWrite {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	for i, r := range h.cs {
		if !h.live[s.pc][i] {
			continue
		}
		if v, ok := s.regs[r].single(); ok {
			b = binary.AppendVarint(append(b, 1), v)
		} else {
			b = append(b, 0)
		}
	}
	return string(b)
}

// refuse records the first reason for refusing.
func (h *hmcChecker) refuse(format string, args ...any) {
	if h.why == "" {
		h.why = fmt.Sprintf(format, args...)
	}
}

// unknown refuses because of property 2 at instruction in.
func (h *hmcChecker) unknown(in *model.Instr) {
	h.refuse("P%d: whether %s (%s) is made, where, or what it writes depends on reads it has no dependency on (a value chosen by a branch, used after the branches join)",
		h.ti, in.Text, in.Pos)
}

func (s *hmcAbs) get(a model.Arg) aval {
	if a.Reg < 0 {
		return one(a.Imm)
	}
	return s.regs[a.Reg]
}

func (s *hmcAbs) dep(a model.Arg) hmcDep {
	if a.Reg < 0 {
		return hmcDep{}
	}
	return s.deps[a.Reg]
}

// set sets register r, assigned inside every open conditional.
func (s *hmcAbs) set(r int32, v aval, d hmcDep) {
	if r < 0 {
		return
	}
	s.regs[r], s.deps[r] = v, d
	for k, g := range s.regions {
		if !g.assigned.has(int(r)) {
			s.regions[k] = hmcRegion{g.assigned.with(int(r)), g.hidden}
		}
	}
}

// closeAt ends the conditionals whose branches join at s.pc: a register
// assigned inside one may hold a value its condition chose.
func (s *hmcAbs) closeAt() {
	delete(s.ctrl, s.pc)
	g, ok := s.regions[s.pc]
	if !ok {
		return
	}
	delete(s.regions, s.pc)
	g.assigned.each(func(r int) {
		if v := s.regs[r]; v.sym || v.top || len(v.vals) != 1 {
			s.deps[r].hid = true
		}
	})
}

// open opens a conditional at s.pc on d whose branches join at join (-1:
// never, a check that stops the CPU).
func (s *hmcAbs) open(d hmcDep, join int32) {
	if !d.all.empty() {
		s.ctrl[join] = s.ctrl[join].plus(hmcDep{all: d.all, uo: d.uo, must: d.must})
	}
	if join >= 0 && !d.none() {
		g := s.regions[join]
		s.regions[join] = hmcRegion{g.assigned, g.hidden || d.hid}
	}
}

// ctrlDep is the ctrl dependencies of an event at s.pc, and whether an
// open conditional's condition has hid.
func (s *hmcAbs) ctrlDep() (d hmcDep, hidden bool) {
	for _, e := range s.ctrl {
		d = d.plus(e)
	}
	for _, g := range s.regions {
		hidden = hidden || g.hidden
	}
	return d, hidden
}

// step runs local instructions from s0 (on a copy) up to the next access,
// which it makes, or a join point, and returns the states to go on from:
// those after the access or at the join, and those that took another way
// on the way.
func (h *hmcChecker) step(s0 *hmcAbs) []*hmcAbs {
	t := h.t
	s := s0.clone()
	var out []*hmcAbs
	for n := 0; n <= maxLocalSteps; n++ {
		if n > 0 && h.isJoin[s.pc] {
			return append(out, s)
		}
		s.closeAt()
		if s.rmwWrite {
			return append(out, h.access(s, &t.Code[s.pc])...)
		}
		in := &t.Code[s.pc]
		switch in.Op {
		case model.OpNop, model.OpAwaitBegin, model.OpFree:
		case model.OpMove:
			s.set(in.Dst, s.get(in.A), s.dep(in.A))
		case model.OpUnary:
			s.set(in.Dst, unaryVal(in.Alu, s.get(in.A)), s.dep(in.A))
		case model.OpBinary:
			v, ok := binaryVal(in.Alu, s.get(in.A), s.get(in.B))
			if !ok {
				return out // stops at a violation
			}
			s.set(in.Dst, v, s.dep(in.A).plus(s.dep(in.B)))
		case model.OpJump:
			s.pc = in.Target
			continue
		case model.OpJumpIf, model.OpJumpIfNot:
			s.open(s.dep(in.A), h.pd[s.pc])
			jump, fall := branchWays(s.get(in.A), in.Op == model.OpJumpIfNot)
			switch {
			case jump && fall:
				o := s.clone()
				o.pc = in.Target
				out = append(out, o)
				s.pc++
			case jump:
				s.pc = in.Target
			default:
				s.pc++
			}
			continue
		case model.OpCheck, model.OpAssume, model.OpBoundsCheck, model.OpAwaitEnd:
			if in.Op != model.OpCheck || in.Check != model.CheckWarn {
				s.open(s.dep(in.A), -1)
			}
			if !goesOn(in, s.get(in.A), s.get(in.B)) {
				return out
			}
		case model.OpLoopIter:
			if v, ok := s.regs[in.Dst].single(); ok {
				s.regs[in.Dst] = one(v + 1)
				if v+1 > model.Value(h.c.bound) {
					return out // cut
				}
			}
		case model.OpHalt:
			return out
		case model.OpFence:
			if ls := h.c.locs(s.get(in.A)); in.Fence == model.FenceSyncSRCU && ls != nil && len(ls) == 0 && !s.get(in.A).sym {
				return out // a bad srcu_struct pointer stops the CPU
			}
			if in.Fence == model.FenceMb {
				s.nf = nil
			}
		case model.OpLoad, model.OpIsLocked, model.OpStore, model.OpUnlock, model.OpRMW, model.OpLock, model.OpTrylock:
			if h.c.badSym(s.get(in.A)) {
				// Skipped, as lbfree.go's step does.
				if in.Op != model.OpStore && in.Op != model.OpUnlock && in.Op != model.OpLock {
					s.set(in.Dst, aval{vals: []model.Value{0}, sym: true}, s.dep(in.A))
				}
				break
			}
			return append(out, h.access(s, in)...)
		default:
			panic(fmt.Sprintf("explorer: unknown op %v", in.Op))
		}
		s.pc++
	}
	return out
}

// kept is d as the event of in records it: if weaken dropped the kind
// while d names reads, the event depends on reads no dependency names.
func (h *hmcChecker) kept(in *model.Instr, k model.DepKinds, d hmcDep) hmcDep {
	if depKept(in, k) {
		return d
	}
	if !d.none() {
		h.unknown(in)
	}
	return hmcDep{}
}

// edges is an access's dependencies (see the comment at the top): all
// the reads it may depend on, those it depends on on every path (must),
// and those lkmm may not order before it (uo). A read that one ppo edge
// orders on every path (in its must, not in its uo) is ordered, if the
// read is made once at most (else another of its events may be the one
// another edge does not order).
func (h *hmcChecker) edges(s *hmcAbs, in *model.Instr, write, marked bool, order model.Order, addr, data, rmw, rfi hmcDep) (all, uo, must hmcSet) {
	ctrl, hidden := s.ctrlDep()
	if hidden {
		h.unknown(in)
	}
	ctrl = h.kept(in, model.DepCtrl, ctrl)
	var ord hmcSet
	for _, e := range []struct {
		d   hmcDep
		ppo bool
	}{{addr, marked}, {data, marked && write}, {ctrl, marked && write}, {s.locks, true}, {rmw, true}, {rfi, marked}} {
		all, must, uo = all.union(e.d.all), must.union(e.d.must), uo.union(e.d.via(e.ppo))
		if e.ppo {
			ord = ord.union(e.d.must.minus(e.d.uo))
		}
	}
	release := write && (order == model.Release || order == model.Mb)
	uo = uo.without(func(e int) bool {
		return ord.has(e) && h.once[e/2] || marked && h.marked(e) && (release || h.acquire(e) || !s.nf.has(e))
	})
	return all, uo, must
}

// marked reports whether read element e is marked.
func (h *hmcChecker) marked(e int) bool {
	in := &h.t.Code[e/2]
	switch in.Op {
	case model.OpLoad:
		return in.Order != model.Plain
	case model.OpRMW:
		return e%2 == 1 || in.Order != model.Plain
	}
	return true
}

// acquire reports whether read element e is an acquire (or a fully
// ordered RMW's read).
func (h *hmcChecker) acquire(e int) bool {
	in := &h.t.Code[e/2]
	switch in.Op {
	case model.OpLoad:
		return in.Order == model.Acquire || in.Order == model.Mb
	case model.OpRMW:
		return e%2 == 0 && (in.Order == model.Acquire || in.Order == model.Mb)
	case model.OpLock, model.OpTrylock:
		return true
	}
	return false
}

// rfi is what a read of locs may depend on through the po-latest write
// of its CPU to its location.
func (s *hmcAbs) rfi(locs []int) hmcDep {
	var d hmcDep
	if locs == nil {
		for _, e := range s.lw {
			d = d.join(e)
		}
		d.must = nil
	} else {
		for i, l := range locs {
			if i == 0 {
				d = s.lw[l]
			} else {
				d = d.join(s.lw[l])
			}
		}
	}
	return d.plus(hmcDep{all: s.lwAny.all, uo: s.lwAny.uo})
}

// read makes the read element e of in at locs, and returns what a
// register holding its value depends on (reg), and what an edge from it
// that hmc.go takes as ordered (an RMW's, a spin_lock's) contributes.
func (h *hmcChecker) read(s *hmcAbs, in *model.Instr, e int, locs []int, addr hmcDep) (reg, edge hmcDep) {
	m := h.marked(e)
	all, uo, must := h.edges(s, in, false, m, model.Once, addr, hmcDep{}, hmcDep{}, s.rfi(locs))
	if h.c.otherWrites(h.ti, locs) {
		h.extR[e] = true
	}
	s.nf = s.nf.with(e)
	all = all.with(e)
	edge = hmcDep{all: all, uo: uo, must: must.with(e)}
	reg = edge
	if !m {
		reg.uo = all
	}
	return reg, edge
}

// write makes the write of in at locs.
func (h *hmcChecker) write(s *hmcAbs, in *model.Instr, locs []int, order model.Order, addr, data, rmw hmcDep) {
	if data.hid {
		h.unknown(in)
	}
	m := order != model.Plain
	all, uo, _ := h.edges(s, in, true, m, order, addr, data, rmw, hmcDep{})
	pc := s.pc
	if h.c.otherReads(h.ti, locs) {
		h.extW[pc] = true
	}
	h.uoAt[pc] = h.uoAt[pc].union(uo)
	// What a marked read of the location gets by rfi: if the write is
	// marked, (addr | data); rfi and rmw; rfi are ppo.
	lw := hmcDep{all: all, uo: all}
	if m {
		ctrl, _ := s.ctrlDep()
		lw.uo = addr.uo.union(data.uo).union(rmw.uo).union(ctrl.all).union(s.locks.all)
		lw.must = addr.must.union(data.must).union(rmw.must)
	}
	switch {
	case locs == nil:
		s.lwAny = s.lwAny.plus(lw)
		for l, d := range s.lw {
			d.must = nil
			s.lw[l] = d
		}
	case len(locs) == 1:
		s.lw[locs[0]] = lw
	default:
		for _, l := range locs {
			s.lw[l] = s.lw[l].join(lw)
		}
	}
	if order == model.Mb {
		s.nf = nil
	}
}

// access makes the access of in at s.pc (s is step's own copy) and
// returns the states after it.
func (h *hmcChecker) access(s *hmcAbs, in *model.Instr) []*hmcAbs {
	if s.rmwWrite {
		order := in.Order
		if in.Op != model.OpRMW {
			order = model.Acquire
		}
		h.write(s, in, s.w.locs, order, s.w.addr, s.w.data, s.w.rmw)
		s.rmwWrite, s.w = false, hmcHalf{}
		s.pc++
		return []*hmcAbs{s}
	}
	locs := h.c.locs(s.get(in.A))
	if locs != nil && len(locs) == 0 {
		return nil // NULL or wild dereference: the CPU stops
	}
	addr := s.dep(in.A)
	if addr.hid {
		h.unknown(in)
	}
	addr = h.kept(in, model.DepAddr, addr)
	e := 2 * int(s.pc)
	switch in.Op {
	case model.OpLoad, model.OpIsLocked:
		v := h.c.load(locs)
		if in.Op == model.OpIsLocked {
			v = lift(v, one(0), func(x, _ model.Value) model.Value { return b2v(x != 0) })
		}
		d, _ := h.read(s, in, e, locs, addr)
		s.set(in.Dst, v, d)
		s.pc++
		return []*hmcAbs{s}
	case model.OpStore:
		h.write(s, in, locs, in.Order, addr, h.kept(in, model.DepData, s.dep(in.B)), hmcDep{})
		s.pc++
		return []*hmcAbs{s}
	case model.OpUnlock:
		h.write(s, in, locs, model.Release, addr, hmcDep{}, hmcDep{})
		s.pc++
		return []*hmcAbs{s}
	}
	// RMW, lock, trylock: the read half, then the write half if it writes.
	old := h.c.load(locs)
	half := hmcHalf{locs: locs, val: one(1), addr: addr}
	conditional := false
	if in.Op == model.OpRMW {
		b := s.get(in.B)
		switch in.RMW {
		case model.RMWXchg:
			half.val = b
		case model.RMWCmpXchg:
			half.val = s.get(in.C)
		case model.RMWAddUnless:
			half.val = lift(old, b, func(x, y model.Value) model.Value { return x + y })
		default:
			half.val = lift(old, b, func(x, y model.Value) model.Value {
				nv, _ := in.RMW.Apply(x, y, 0)
				return nv
			})
		}
		data := in.B
		switch in.RMW {
		case model.RMWCmpXchg:
			data = in.C
			conditional = true
			if !s.dep(in.B).none() {
				h.refuse("P%d: whether %s (%s) writes depends on its expected value, and so on reads its write has no dependency on", h.ti, in.Text, in.Pos)
			}
		case model.RMWAddUnless:
			conditional = true
			if !s.dep(in.C).none() {
				h.refuse("P%d: whether %s (%s) writes depends on its limit, and so on reads its write has no dependency on", h.ti, in.Text, in.Pos)
			}
		}
		half.data = h.kept(in, model.DepData, s.dep(data))
	}
	var outs []*hmcAbs
	ok := s.clone()
	d, edge := h.read(ok, in, e, locs, addr)
	if in.Op != model.OpRMW || in.RMW != model.RMWXchg {
		half.rmw = edge
	}
	if in.Op == model.OpRMW && in.Order == model.Mb {
		ok.nf = nil // [Mb ∩ R]: the reads before it are fenced for what follows
	}
	if in.Op == model.OpLock {
		ok.locks = ok.locks.plus(edge)
	}
	switch in.Op {
	case model.OpRMW:
		ok.set(in.Dst, old, d)
	case model.OpTrylock:
		ok.set(in.Dst, one(1), d)
	}
	ok.rmwWrite, ok.w = true, half
	outs = append(outs, ok)
	switch {
	case in.Op == model.OpTrylock:
		f := s.clone()
		fd, _ := h.read(f, in, e, locs, addr)
		f.set(in.Dst, one(0), fd)
		f.pc++
		outs = append(outs, f)
	case conditional:
		f := s.clone()
		fd, _ := h.read(f, in, e+1, locs, addr)
		f.set(in.Dst, old, fd)
		f.pc++
		outs = append(outs, f)
	}
	return outs
}

// acyclicInstrs reports, per instruction of code, whether it lies on no
// cycle of the control flow (Tarjan's strongly connected components).
func acyclicInstrs(code []model.Instr) []bool {
	n := len(code)
	index, low := make([]int, n), make([]int, n)
	onStack := make([]bool, n)
	once := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next := 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		self := false
		for _, w := range model.Successors(code, v) {
			if w >= n {
				continue
			}
			if w == v {
				self = true
			}
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		k := len(stack) - 1
		for stack[k] != v {
			k--
		}
		comp := stack[k:]
		stack = stack[:k]
		for _, w := range comp {
			onStack[w] = false
			once[w] = len(comp) == 1 && !self
		}
	}
	for v := range code {
		if index[v] < 0 {
			visit(v)
		}
	}
	return once
}
