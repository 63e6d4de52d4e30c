package explorer

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	mbits "math/bits"
	"slices"

	"mmcheck/model"
)

// This file decides, before any search, whether a program can have an
// lkmm-consistent execution with a po ∪ rf cycle (load buffering). When it
// cannot, DPOR, which builds every consistent execution without such a
// cycle, is complete under lkmm and its verdict is a proof.
//
// The argument. Take an execution with a po ∪ rf cycle. An rf edge inside
// one thread goes forward in po (coherence), so the cycle can be written
// r1 po w1 rfe r2 po w2 rfe ... rn po wn rfe r1: each ri reads from another
// thread and each wi, a later write of ri's thread, is read by another
// thread. If every such pair (ri, wi) is in hb+ with both ends Marked, the
// cycle is a cycle of hb (rfe between Marked accesses is in hb), which the
// happens-before axiom forbids. So it suffices that in every thread, every
// read that may read from another thread is hb-before every later write
// that another thread may read, in every execution; or, for a read that
// is not, that it lies on no cycle of the static graph of cyclicReads
// (reads, linked through the writes that follow them), which every
// such execution cycle follows. lbplain.go extends this to cycles
// through one plain rfe edge, which plain-coherence forbids.
//
// lbFree checks this by abstract interpretation of each thread's code:
// registers and memory locations hold a small set of possible values or
// "any value" (a flow-insensitive fixpoint over all threads gives each
// location every value any write may store in it, so pointers loaded
// from memory keep their possible targets), and a branch is followed
// every way its condition's values allow, and both ways if they come
// from a read (see aval.sym: the executions in question have a cycle,
// which may take a branch no acyclic execution takes), so every path of
// every execution is covered (loop counters stay known, so loops unroll
// to --loop-bound). For each read r and each path from it, the
// later writes must be ordered after r by rules that hold in every
// execution taking that path (see readOrdered): r is an acquire (or LKR,
// or the read half of a fully ordered RMW); the write is a release (or
// UL, or a fully ordered RMW); a strong fence (smp_mb, a fully ordered
// RMW, synchronize_rcu/srcu, smp_mb__after_atomic after an RMW,
// smp_mb__before_atomic before one, smp_mb__after_spinlock after a lock)
// lies between; the write depends on r (address, data, or control as
// herd7 scopes it, exactly as the interpreter computes Deps), possibly
// through a Marked read whose address depends on r; or it is r's own
// RMW's write or a write to the same, known, location (fr ∩ int). Plain
// accesses are never in hb, so a plain read that may read from another
// thread, followed by such a write, or such a plain write after such a
// read, makes the check fail. Which locations other threads may write and
// read is taken from the same abstract interpretation (an address that may
// be any value may be any location). A lock's write (LKW) counts as read
// by another thread only if that thread reads the lock word other than by
// spin_lock (spin_trylock, spin_is_locked, READ_ONCE, an RMW, an unknown
// address): a spin_lock that reads it blocks for ever, writing nothing
// after it. An RMW's write half takes its location, value and
// dependencies from its operands before the read half sets the result
// register, as the interpreter does (r1 = xchg(x, r1)).

// lbMaxStates bounds the abstract interpretation (states per thread,
// summed over the searches from each read): beyond it the check gives up
// (and the program may have load buffering, as far as it knows).
const lbMaxStates = 1_000_000

// lbMaxVals bounds the value sets: a larger set becomes "any value".
const lbMaxVals = 16

// aval is an abstract value: one of a few values (vals, sorted and
// distinct, never empty), or any value (top). sym marks a value computed
// from a read: vals holds every value it takes in an execution whose
// reads each read a write made before it (in some order of the events:
// no po ∪ rf cycle), but in an execution with such a cycle the read may
// return a value only the cycle justifies (a write behind a branch that
// the cycle itself takes, or a value copied round a cycle of data
// dependencies, which herd7 leaves symbolic). The executions the check
// must cover are exactly those, so a branch, check or assumption on a sym
// value goes every way, as herd7 takes both sides of a branch on a read
// and solves the constraint afterwards. Addresses use vals: an address
// justified only out of thin air is beyond herd7 too.
type aval struct {
	top  bool
	sym  bool
	vals []model.Value
}

func one(v model.Value) aval { return aval{vals: []model.Value{v}} }

var anyVal = aval{top: true}

// single returns the value if there is only one.
func (a aval) single() (model.Value, bool) {
	if a.top || len(a.vals) != 1 {
		return 0, false
	}
	return a.vals[0], true
}

func (a aval) equal(b aval) bool {
	return a.top == b.top && a.sym == b.sym && slices.Equal(a.vals, b.vals)
}

// union returns a ∪ b.
func (a aval) union(b aval) aval {
	if a.top || b.top {
		return anyVal
	}
	sym := a.sym || b.sym
	if subset(b.vals, a.vals) {
		a.sym = sym
		return a
	}
	if subset(a.vals, b.vals) {
		b.sym = sym
		return b
	}
	u := append(slices.Clone(a.vals), b.vals...)
	slices.Sort(u)
	u = slices.Compact(u)
	if len(u) > lbMaxVals {
		return anyVal
	}
	return aval{vals: u, sym: sym}
}

// subset reports whether the sorted set x is contained in the sorted set y.
func subset(x, y []model.Value) bool {
	j := 0
	for _, v := range x {
		for j < len(y) && y[j] < v {
			j++
		}
		if j == len(y) || y[j] != v {
			return false
		}
	}
	return true
}

// lift applies f to every pair of values of a and b.
func lift(a, b aval, f func(x, y model.Value) model.Value) aval {
	if a.top || b.top || len(a.vals)*len(b.vals) > 4*lbMaxVals {
		return anyVal
	}
	var u []model.Value
	for _, x := range a.vals {
		for _, y := range b.vals {
			u = append(u, f(x, y))
		}
	}
	slices.Sort(u)
	u = slices.Compact(u)
	if len(u) > lbMaxVals {
		return anyVal
	}
	return aval{vals: u, sym: a.sym || b.sym}
}

// unaryVal is the value of the unary operator op (OpUnary) on a.
func unaryVal(op model.Alu, a aval) aval {
	return lift(a, one(0), func(x, _ model.Value) model.Value {
		switch op {
		case model.AluNeg:
			return -x
		case model.AluNot:
			return b2v(x == 0)
		case model.AluBitNot:
			return ^x
		}
		return 0
	})
}

// binaryVal is the value of the binary operator op (OpBinary) on a and
// b; false if the CPU stops there at a violation (a division whose
// divisor can only be zero; a value out of thin air, sym, goes on with
// any value).
func binaryVal(op model.Alu, a, b aval) (aval, bool) {
	if op == model.AluDiv || op == model.AluMod {
		var ok bool
		if b, ok = b.without(0); !ok {
			if !b.sym {
				return aval{}, false
			}
			b = anyVal
		}
	}
	return lift(a, b, func(x, y model.Value) model.Value { return alu(op, x, y) }), true
}

// branchWays reports whether a conditional jump on a value a may jump and
// whether it may fall through (jumpIfZero: OpJumpIfNot).
func branchWays(a aval, jumpIfZero bool) (jump, fall bool) {
	zero, nonzero := a.can()
	if jumpIfZero {
		return zero, nonzero
	}
	return nonzero, zero
}

// goesOn reports whether a CPU may go on past the check in (OpCheck,
// OpAssume, OpBoundsCheck or OpAwaitEnd) on the values a and b of its
// operands.
func goesOn(in *model.Instr, a, b aval) bool {
	zero, nonzero := a.can()
	switch in.Op {
	case model.OpCheck:
		return in.Check == model.CheckWarn || zero
	case model.OpAssume:
		return nonzero
	case model.OpBoundsCheck:
		if ai, ok := a.single(); ok && !a.sym {
			if bi, ok := b.single(); ok && !b.sym {
				return 0 <= ai && ai < bi
			}
		}
	case model.OpAwaitEnd:
		return zero
	}
	return true
}

// can reports whether a may be zero and whether it may be non-zero.
func (a aval) can() (zero, nonzero bool) {
	if a.top || a.sym {
		return true, true
	}
	for _, v := range a.vals {
		if v == 0 {
			zero = true
		} else {
			nonzero = true
		}
	}
	return
}

// without returns a without the value v (empty: false).
func (a aval) without(v model.Value) (aval, bool) {
	if a.top {
		return a, true
	}
	u := slices.DeleteFunc(slices.Clone(a.vals), func(x model.Value) bool { return x == v })
	return aval{vals: u, sym: a.sym}, len(u) > 0
}

// lbState is an abstract thread state. The tracking fields are used by
// the search from one read r only.
type lbState struct {
	pc       int32
	regs     cowChunks[aval] // shared with the states cloned from it (fork): protocol files have hundreds of registers per CPU
	rmwWrite bool            // the next event is the write half of the RMW at pc
	// The write half's locations (nil: any), value and dependencies on r,
	// fixed by the read half before it sets its result register (which
	// may also be an operand: r1 = xchg(x, r1)).
	wLocs          []int
	wVal           aval
	wAddrT, wDataT bool
	// held: the locks (single known locations) the thread holds on every
	// path here, for the unmatched-unlock guard.
	held []int

	// Tracking r.
	taint cowChunks[bool] // the register depends on r (or on a Marked read hb-after r); absent outside a search
	joins []int32         // open control scopes on r (join pc; -1 = never joins)
	full  bool            // a strong fence since r: every later Marked access is hb-after r
	// strong: (r, a) is in strong-fence for every later access a, or r
	// is po-before a fully ordered RMW's read that is hb-before every
	// later Marked access; unlike full, not set by an acquire hb-after r
	// (which orders nothing after a plain r). See plainCycles.
	strong  bool
	beforeA bool // smp_mb__before_atomic since r: the next RMW orders r before what follows
	sawRMW  bool // an RMW at or after r (for smp_mb__after_atomic)
	sawLKW  bool // a lock write at or after r (for smp_mb__after_spinlock)
	rmwHB   bool // the RMW at pc has its read hb-after r
	// Value numbers: registers with the same non-zero number hold the
	// same value on every path to here (0: unknown), so a write whose
	// address has r's address's number writes r's location (fr ∩ int).
	vn      cowChunks[int32] // absent when not numbering
	vt      *lbVN
	wAddrVN int32  // the write half's address
	key     string // the fixpoint's key of the state (see lbVN)
}

// lbVN hands out a thread's value numbers (from its start, in collect,
// and on in each search): one per constant and per operation on numbered
// operands (hash-consed), a fresh one per value read; where paths with
// different numbers join, 0.
//
// A value read (or otherwise not computed from numbered operands) gets
// the number of (the fixpoint run, the abstract state it was made from,
// the instruction): re-stepping a state after a join gives the same
// numbers, so the fixpoint converges. Two registers holding the number
// on one path hold the same value: a path that makes the read again
// from the same state has come round a cycle of abstract states, and
// where that cycle was entered the join with the entering path (which
// held no such number yet) set it to 0 in every register.
type lbVN struct {
	next int32
	gen  int64 // fixpoint runs so far
	tab  map[lbVNKey]int32
}

type lbVNKey struct {
	op, a, b int64
	state    string
}

func (t *lbVN) cons(k lbVNKey) int32 {
	if n, ok := t.tab[k]; ok {
		return n
	}
	t.next++
	t.tab[k] = t.next
	return t.next
}

// vnOf returns an operand's value number (0: unknown, or not tracking).
func (s *lbState) vnOf(a model.Arg) int32 {
	if !s.vn.present() {
		return 0
	}
	if a.Reg < 0 {
		return s.vt.cons(lbVNKey{op: -1, a: int64(a.Imm)})
	}
	return s.vn.get(a.Reg)
}

// setVN gives register r the number of operation op on a and b (0 if one
// of them is unknown).
func (s *lbState) setVN(r int32, op int64, a, b int32) {
	if r < 0 || !s.vn.present() {
		return
	}
	if a == 0 || b == 0 {
		s.vn.set(r, 0)
		return
	}
	s.vn.set(r, s.vt.cons(lbVNKey{op: op, a: int64(a), b: int64(b)}))
}

func (s *lbState) clone() *lbState {
	n := *s
	n.regs = s.regs.fork()
	n.taint = s.taint.fork()
	n.joins = append([]int32(nil), s.joins...)
	n.held = slices.Clone(s.held)
	n.vn = s.vn.fork()
	return &n
}

// lbAccess is an access one abstract step makes.
type lbAccess struct {
	write   bool
	locs    []int // the locations it may access; nil: any
	order   model.Order
	lock    bool // LKR/LKW/UL
	lkw     bool
	rmw     bool // either half of an RMW (lock included)
	spin    bool // the read half of a spin_lock (reading 1, it blocks for ever)
	acquire bool // a read in lkmm's Acquire (or Mb) set on every path
	mbRMW   bool // a fully ordered RMW half that always writes
	instr   int32
}

type lbChecker struct {
	p      *model.Program
	bound  int
	states int
	ctx    context.Context // the check stops when it is done (nil: never)
	// The test switches (hooks) the check reads.
	specReaders, noPlainCycles bool
	// Per thread: the loop counters (counters) and where each is live
	// (liveCounters), computed once.
	cs   [][]int32
	live [][][]bool
	// plainSeen: the thread being checked has a plain write another
	// thread may read (else, once a strong fence orders everything after
	// r, the search from r can stop).
	plainSeen bool

	// mem: per location, the values it may hold; grown by the writes of
	// the first pass until a fixpoint.
	mem     []aval
	changed bool
	// unmatched: a spin_unlock that may release a lock its CPU does not
	// hold (see lbFree).
	unmatched *model.Instr
	// Per thread and instruction: the locations its writes may access.
	instrWrites []map[int32]*lset
	instrPlain  []map[int32]bool // the writes that are plain
	// instrVals: per thread and write instruction, the locations and
	// values it may write (from the first pass; see spec.go's pruning).
	instrVals []map[int32]*lbWriteSum
	cur       int // the thread the first pass is collecting
	// The locations of the writes search found not ordered after its
	// read (unorderedAny: one may write any location).
	unordered    []int
	unorderedAny bool
	// segs: how search found each write (by instruction) another thread
	// may read ordered after its read, on every path.
	segs  map[int32]lbSeg
	pdoms map[*model.Thread][]int32 // immediate postdominators (model.PostDominators)

	// From the first pass, per thread.
	readLocs, writeLocs []map[int]bool
	anyRead, anyWrite   []bool // an access at an unknown address
	// Reads other than spin_lock's: the ones that can read a lock write
	// (LKW) and go on.
	nlReadLocs  []map[int]bool
	anyNLRead   []bool
	plainWrites [][][]int // locations of plain writes (nil: any)
	reads       [][]*lbState
}

// lbStopped is the reason the check gives when its context is done.
const lbStopped = "the load-buffering check was stopped"

// done reports whether the check must stop (timeout, interrupt).
func (c *lbChecker) done() bool { return c.ctx != nil && c.ctx.Err() != nil }

// lbFree reports whether no lkmm-consistent execution of p has a po ∪ rf
// cycle, and if it cannot tell, why.
func lbFree(p *model.Program, loopBound int) (bool, string) {
	a := lbAnalyze(context.Background(), p, loopBound, nil)
	return a.why == "", a.why
}

// lbAnalysis is what lbAnalyze finds.
type lbAnalysis struct {
	why string // "" if no execution can have load buffering, else the first reason
	// spec, when the only reasons are reads not ordered before a later
	// write (and so every po ∪ rf cycle of a consistent execution enters
	// one of them by an rfe edge): per thread and instruction, those reads.
	// nil when some other reason (a limit, an unmatched unlock) stands.
	spec   [][]bool
	nospec string // why spec is nil although the reasons are such reads
	mem    []aval // the values each location may hold
	// writes: per thread and write instruction, the locations and
	// values it may write.
	writes []map[int32]*lbWriteSum
	// viaPlain: some read is not hb-before a later write, and only
	// plainCycles (lbplain.go) rules load buffering out.
	viaPlain bool
}

// lbAnalyze runs the check of lbFree, and collects every read on which it
// fails (see spec.go). When ctx is done it stops and gives a reason, as
// for any other limit; the caller tells an interrupted check by ctx. Of
// the test switches h (nil: none), it reads specReaders and
// noPlainCycles.
func lbAnalyze(ctx context.Context, p *model.Program, loopBound int, h *hooks) lbAnalysis {
	hk := h.get()
	c := &lbChecker{p: p, bound: loopBound, ctx: ctx, specReaders: hk.specReaders, noPlainCycles: hk.noPlainCycles}
	if why := c.values(); why != "" {
		return lbAnalysis{why: why}
	}
	n := len(p.Threads)
	if in := c.unmatched; in != nil {
		// lock.cat's axioms on a CPU that releases a lock it does not hold
		// are not prefix-closed as the lkmm checker applies them, and DPOR
		// then misses executions (found by review): no proof.
		return lbAnalysis{why: fmt.Sprintf("%s (%s) may release a lock its CPU does not hold; DPOR is not known to be complete under lkmm there", in.Text, in.Pos)}
	}
	a := lbAnalysis{mem: c.mem, writes: c.instrVals, spec: make([][]bool, n)}
	for i, t := range p.Threads {
		a.spec[i] = make([]bool, len(t.Code))
	}
	// known reports whether the values of every location of an access
	// are known (why not, if not).
	known := func(t *model.Thread, acc *lbAccess) string {
		if acc.locs == nil {
			return fmt.Sprintf("%s (%s) may read any location", t.Code[acc.instr].Text, t.Code[acc.instr].Pos)
		}
		for _, l := range acc.locs {
			if c.mem[l].top {
				return fmt.Sprintf("the values %s may hold are not known", p.Locs[l].Name)
			}
		}
		return ""
	}
	// The access at each of c.reads (nil: none, or a write).
	readAccs := make([][]*lbAccess, n)
	for u, tu := range p.Threads {
		c.cur = u // step may note writes (noteWrite)
		for _, su := range c.reads[u] {
			ru, _, _ := c.step(tu, su, false)
			if ru != nil && ru.write {
				ru = nil
			}
			readAccs[u] = append(readAccs[u], ru)
		}
	}
	cyclic := c.cyclicReads(readAccs)
	// Reads whose values are not known first: they are the ones that may
	// make speculation impossible, and then the search can stop.
	type item struct{ i, k int }
	var items []item
	for pass := 0; pass < 2; pass++ {
		for i, t := range p.Threads {
			for k, acc := range readAccs[i] {
				if acc != nil && (known(t, acc) != "") == (pass == 0) {
					items = append(items, item{i, k})
				}
			}
		}
	}
	// Search from every read first: plainCycles needs them all.
	type found struct {
		why          string
		pair         bool
		unordered    []int
		unorderedAny bool
		segs         map[int32]lbSeg
	}
	res := map[item]found{}
	limit, failed := false, false
	for _, it := range items {
		i, t, s := it.i, p.Threads[it.i], c.reads[it.i][it.k]
		c.plainSeen = false
		for _, l := range c.plainWrites[i] {
			if c.otherReads(i, l) {
				c.plainSeen = true
			}
		}
		c.unordered, c.unorderedAny = nil, false
		why, pair := c.readOrdered(i, t, s)
		if c.done() {
			return lbAnalysis{why: lbStopped}
		}
		res[it] = found{why, pair, c.unordered, c.unorderedAny, c.segs}
		limit = limit || why != "" && !pair
		failed = failed || why != ""
	}
	var plainCut map[lbNode]bool // see cutCycles
	if failed && !limit && !c.noPlainCycles {
		segs := make([][]map[int32]lbSeg, n)
		for i := range segs {
			segs[i] = make([]map[int32]lbSeg, len(readAccs[i]))
		}
		for it, f := range res {
			segs[it.i][it.k] = f.segs
		}
		plainCut = c.cutCycles(readAccs, segs, known)
		if plainCut != nil && len(plainCut) == 0 {
			return lbAnalysis{mem: c.mem, viaPlain: true}
		}
	}
	old := func() lbAnalysis {
		firstI, firstK := n, 0
		for _, it := range items {
			i, t, s := it.i, p.Threads[it.i], c.reads[it.i][it.k]
			{
				if a.spec[i][s.pc] && !s.rmwWrite {
					continue
				}
				f := res[it]
				why, pair := f.why, f.pair
				c.unordered, c.unorderedAny = f.unordered, f.unorderedAny
				if why == "" {
					continue
				}
				if i < firstI || i == firstI && it.k < firstK {
					a.why, firstI, firstK = why, i, it.k
				}
				if !pair {
					a.spec = nil
					return a
				}

				// Every cycle through this read enters it by an rfe edge and
				// leaves by one from an unordered write: speculate the read,
				// or else every read of another CPU that may read one of
				// those writes. Either needs the values they may read.
				if !cyclic[i][s.pc] {
					continue // on no cycle: nothing to cut
				}
				aWhy := known(t, readAccs[i][it.k])
				if aWhy == "" && (!c.specReaders || c.unorderedAny) {
					a.spec[i][s.pc] = true
					continue
				}
				if c.unorderedAny {
					a.spec, a.nospec = nil, aWhy
					return a
				}
				var readers [][2]int
				bWhy := ""
				for u, tu := range p.Threads {
					for k, su := range c.reads[u] {
						if u == i || bWhy != "" {
							break
						}
						ru := readAccs[u][k]
						if ru == nil {
							continue
						}
						if ru.locs != nil && !slices.ContainsFunc(ru.locs, func(l int) bool { return slices.Contains(c.unordered, l) }) {
							continue
						}
						if !cyclic[u][su.pc] {
							continue
						}
						if bWhy = known(tu, ru); bWhy == "" {
							readers = append(readers, [2]int{u, int(su.pc)})
						}
					}
				}
				if bWhy != "" {
					if aWhy == "" { // specReaders: the readers' values are not known
						a.spec[i][s.pc] = true
						continue
					}
					a.spec, a.nospec = nil, bWhy
					return a
				}
				for _, rd := range readers {
					a.spec[rd[0]][rd[1]] = true
				}
			}
		}
		marked := false
		for _, sp := range a.spec {
			marked = marked || slices.Contains(sp, true)
		}
		if !marked {
			// Every read that is not ordered lies on no cycle of the graph
			// below: no execution has load buffering.
			a.why, a.spec = "", nil
		}
		return a
	}()
	return c.preferCut(old, plainCut)
}

// values runs the first pass (collect) over every thread until the
// values in memory reach a fixpoint: then c.mem holds every value each
// location may hold, and c.readLocs, c.writeLocs and the rest what each
// thread may access. It returns why it gave up, or "".
func (c *lbChecker) values() string {
	p := c.p
	n := len(p.Threads)
	c.cs, c.live = make([][]int32, n), make([][][]bool, n)
	c.mem = make([]aval, len(p.Locs))
	for l, v := range p.Init {
		c.mem[l] = one(v)
	}
	for round := 0; ; round++ {
		if round > 50 {
			return "the load-buffering check found no fixpoint of the values in memory"
		}
		c.changed = false
		c.readLocs, c.writeLocs = make([]map[int]bool, n), make([]map[int]bool, n)
		c.anyRead, c.anyWrite = make([]bool, n), make([]bool, n)
		c.nlReadLocs, c.anyNLRead = make([]map[int]bool, n), make([]bool, n)
		c.reads = make([][]*lbState, n)
		c.plainWrites = make([][][]int, n)
		c.instrWrites = make([]map[int32]*lset, n)
		c.instrPlain = make([]map[int32]bool, n)
		c.instrVals = make([]map[int32]*lbWriteSum, n)
		for i, t := range p.Threads {
			c.instrVals[i] = map[int32]*lbWriteSum{}
			c.readLocs[i], c.writeLocs[i], c.nlReadLocs[i] = map[int]bool{}, map[int]bool{}, map[int]bool{}
			c.instrWrites[i] = map[int32]*lset{}
			c.instrPlain[i] = map[int32]bool{}
			if why := c.collect(i, t); why != "" {
				return why
			}
		}
		if !c.changed {
			return ""
		}
	}
}

// cyclicReads returns, per thread and instruction, whether the read there
// lies on a cycle of the graph whose nodes are the reads (instructions)
// and whose edges go from a read to every read of another thread that
// may read a location some write at or after it (in the thread's control
// flow) may write. A po ∪ rf cycle of an execution, r1 po w1 rfe r2 po w2
// rfe ... r1, is a cycle of that graph through every ri, so a read on no
// cycle of it needs no speculation: no po ∪ rf cycle enters it.
func (c *lbChecker) cyclicReads(readAccs [][]*lbAccess) [][]bool {
	p := c.p
	type node struct{ t, pc int }
	var nodes []node
	id := map[node]int{}
	var locs []*lset // per node: what it may read
	for i := range p.Threads {
		for k, acc := range readAccs[i] {
			if acc == nil {
				continue
			}
			nd := node{i, int(c.reads[i][k].pc)}
			j, ok := id[nd]
			if !ok {
				j = len(nodes)
				id[nd] = j
				nodes = append(nodes, nd)
				locs = append(locs, &lset{})
			}
			locs[j].add(acc.locs)
		}
	}
	// out: the locations written at or after each read.
	out := make([]*lset, len(nodes))
	for j, nd := range nodes {
		o := &lset{}
		c.writesFrom(nd.t, nd.pc, func(_ int32, w *lset) { o.union(w) })
		out[j] = o
	}
	succ := make([][]int, len(nodes))
	for j := range nodes {
		for k := range nodes {
			if nodes[k].t != nodes[j].t && out[j].meetsSet(locs[k]) {
				succ[j] = append(succ[j], k)
			}
		}
	}
	// Tarjan's strongly connected components; a node is on a cycle iff
	// its component has another node (no edge goes to its own thread).
	index, low := make([]int, len(nodes)), make([]int, len(nodes))
	onStack := make([]bool, len(nodes))
	for j := range index {
		index[j] = -1
	}
	var stack []int
	res := make([][]bool, len(p.Threads))
	for i, t := range p.Threads {
		res[i] = make([]bool, len(t.Code))
	}
	next := 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range succ[v] {
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var comp []int
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			if len(comp) > 1 {
				for _, w := range comp {
					res[nodes[w].t][nodes[w].pc] = true
				}
			}
		}
	}
	for j := range nodes {
		if index[j] < 0 {
			visit(j)
		}
	}
	return res
}

// writesFrom calls f with each write instruction of thread t reachable
// in its control flow from instruction pc (pc included), and the
// locations it may write.
func (c *lbChecker) writesFrom(t, pc int, f func(q int32, w *lset)) {
	code := c.p.Threads[t].Code
	if pc >= len(code) {
		return
	}
	seen := make([]bool, len(code))
	stack := []int{pc}
	for len(stack) > 0 {
		q := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[q] {
			continue
		}
		seen[q] = true
		if w := c.instrWrites[t][int32(q)]; w != nil {
			f(int32(q), w)
		}
		stack = append(stack, model.Successors(code, q)...)
	}
}

// otherWrites reports whether a thread other than t may write one of
// locs (nil: any location).
func (c *lbChecker) otherWrites(t int, locs []int) bool {
	return c.other(t, locs, c.writeLocs, c.anyWrite)
}

// otherReads reports whether a thread other than t may read one of locs.
func (c *lbChecker) otherReads(t int, locs []int) bool {
	return c.other(t, locs, c.readLocs, c.anyRead)
}

func (c *lbChecker) other(t int, locs []int, sets []map[int]bool, anys []bool) bool {
	for u := range c.p.Threads {
		if u == t {
			continue
		}
		if anys[u] || locs == nil && len(sets[u]) > 0 {
			return true
		}
		for _, l := range locs {
			if sets[u][l] {
				return true
			}
		}
	}
	return false
}

// load returns the values the locations may hold (nil: any location).
func (c *lbChecker) load(locs []int) aval {
	if locs == nil {
		return anyVal
	}
	v := aval{}
	for i, l := range locs {
		if i == 0 {
			v = c.mem[l]
		} else {
			v = v.union(c.mem[l])
		}
	}
	v.sym = true
	return v
}

// store records that the locations may hold the values v.
func (c *lbChecker) store(locs []int, v aval) {
	if locs == nil {
		for l := range c.mem {
			c.store([]int{l}, v)
		}
		return
	}
	for _, l := range locs {
		if u := c.mem[l].union(v); !u.equal(c.mem[l]) {
			c.mem[l] = u
			c.changed = true
		}
	}
}

// lbWriteSum is what a write instruction may write: to any location or
// to those of locs, the values val.
type lbWriteSum struct {
	anyLoc bool
	locs   map[int]bool
	val    aval
}

// noteWrite records that the instruction at pc of the thread being
// collected may write the values v to locs (nil: any location).
func (c *lbChecker) noteWrite(pc int32, locs []int, v aval) {
	w := c.instrVals[c.cur][pc]
	if w == nil {
		w = &lbWriteSum{locs: map[int]bool{}, val: v}
		c.instrVals[c.cur][pc] = w
	} else {
		w.val = w.val.union(v)
	}
	if locs == nil {
		w.anyLoc = true
	}
	for _, l := range locs {
		w.locs[l] = true
	}
}

// counters returns the registers thread t's loops count iterations in.
func counters(t *model.Thread) []int32 {
	var cs []int32
	for _, in := range t.Code {
		if in.Op == model.OpLoopIter && in.Dst >= 0 && !slices.Contains(cs, in.Dst) {
			cs = append(cs, in.Dst)
		}
	}
	return cs
}

// liveCounters returns, for each instruction, which of the counters cs
// are live there (some path reads the counter before it is reset): only
// then do states that differ in it need to be kept apart.
func liveCounters(t *model.Thread, cs []int32) [][]bool {
	n := len(t.Code)
	live := make([][]bool, n+1)
	for i := range live {
		live[i] = make([]bool, len(cs))
	}
	succ := func(i int) []int {
		in := &t.Code[i]
		switch in.Op {
		case model.OpHalt:
			return nil
		case model.OpJump:
			return []int{int(in.Target)}
		case model.OpJumpIf, model.OpJumpIfNot:
			return []int{int(in.Target), i + 1}
		}
		return []int{i + 1}
	}
	uses := func(in *model.Instr, r int32) bool {
		return in.Op == model.OpLoopIter && in.Dst == r || in.A.Reg == r || in.B.Reg == r || in.C.Reg == r
	}
	for changed := true; changed; {
		changed = false
		for i := n - 1; i >= 0; i-- {
			in := &t.Code[i]
			for k, r := range cs {
				l := uses(in, r)
				if !l && in.Dst != r {
					for _, j := range succ(i) {
						l = l || live[j][k]
					}
				}
				if l && !live[i][k] {
					live[i][k] = true
					changed = true
				}
			}
		}
	}
	return live
}

// fixpoint computes the abstract states thread t reaches from starts: one
// state per instruction, RMW half and loop-iteration counts (so loops
// unroll to the bound), the join of every state that reaches it. With
// track, the join keeps only the orderings common to all paths. States
// for which skip holds are not expanded (until a join changes them).
func (c *lbChecker) fixpoint(t *model.Thread, starts []*lbState, track bool, skip func(*lbState) bool) ([]*lbState, string) {
	if c.done() {
		return nil, lbStopped
	}
	ti := slices.Index(c.p.Threads, t)
	if c.cs[ti] == nil {
		c.cs[ti] = counters(t)
		c.live[ti] = liveCounters(t, c.cs[ti])
	}
	cs, live := c.cs[ti], c.live[ti]
	key := func(s *lbState) string {
		b := binary.AppendVarint(nil, int64(s.pc))
		if s.rmwWrite {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		for i, r := range cs {
			if !live[s.pc][i] {
				continue // the loop is not running: its count does not matter
			}
			if v, ok := s.regs.get(r).single(); ok {
				b = binary.AppendVarint(append(b, 1), v)
			} else {
				b = append(b, 0)
			}
		}
		return string(b)
	}
	states := map[string]*lbState{}
	var work []string
	if len(starts) > 0 && starts[0].vt != nil {
		starts[0].vt.gen++
	}
	add := func(n *lbState) {
		k := key(n)
		n.key = k
		if old, ok := states[k]; ok {
			if !old.join(n) {
				return
			}
		} else {
			states[k] = n
		}
		work = append(work, k)
	}
	for _, s := range starts {
		add(s)
	}
	for len(work) > 0 {
		k := work[len(work)-1]
		work = work[:len(work)-1]
		if c.states++; c.states > lbMaxStates {
			return nil, fmt.Sprintf("the load-buffering check gave up after %d abstract steps", lbMaxStates)
		}
		if c.states&1023 == 0 && c.done() {
			return nil, lbStopped
		}
		s := states[k]
		if skip != nil && skip(s) {
			continue
		}
		_, _, next := c.step(t, s, track)
		for _, n := range next {
			add(n)
		}
	}
	// In a fixed order, so that the pair reported is always the same.
	keys := slices.Sorted(maps.Keys(states))
	out := make([]*lbState, len(keys))
	for i, k := range keys {
		out[i] = states[k]
	}
	return out, ""
}

// join makes s the join of s and o (registers known in both with one
// value stay known; an ordering stays only if both have it) and reports
// whether s changed.
func (s *lbState) join(o *lbState) bool {
	changed := false
	for i := int32(0); i < int32(s.regs.len()); i++ {
		if s.regs.sameChunk(&o.regs, i) {
			i |= 1<<cowBits - 1 // the whole chunk is the same
			continue
		}
		r := s.regs.get(i)
		if u := r.union(o.regs.get(i)); !u.equal(r) {
			s.regs.set(i, u)
			changed = true
		}
	}
	for i := int32(0); i < int32(s.taint.len()); i++ {
		if s.taint.sameChunk(&o.taint, i) {
			i |= 1<<cowBits - 1
			continue
		}
		if s.taint.get(i) && !o.taint.get(i) {
			s.taint.set(i, false)
			changed = true
		}
	}
	for i := int32(0); i < int32(s.vn.len()); i++ {
		if s.vn.sameChunk(&o.vn, i) {
			i |= 1<<cowBits - 1
			continue
		}
		if v := s.vn.get(i); v != 0 && v != o.vn.get(i) {
			s.vn.set(i, 0)
			changed = true
		}
	}
	if s.rmwWrite && s.wAddrVN != 0 && s.wAddrVN != o.wAddrVN {
		s.wAddrVN = 0
		changed = true
	}
	for _, f := range []struct {
		a *bool
		b bool
	}{{&s.full, o.full}, {&s.strong, o.strong}, {&s.beforeA, o.beforeA},
		{&s.sawRMW, o.sawRMW}, {&s.sawLKW, o.sawLKW}, {&s.rmwHB, o.rmwHB}} {
		if *f.a && !f.b {
			*f.a = false
			changed = true
		}
	}
	if s.rmwWrite {
		if s.wAddrT && !o.wAddrT || s.wDataT && !o.wDataT {
			s.wAddrT, s.wDataT = s.wAddrT && o.wAddrT, s.wDataT && o.wDataT
			changed = true
		}
		if u := s.wVal.union(o.wVal); !u.equal(s.wVal) {
			s.wVal = u
			changed = true
		}
		if s.wLocs != nil {
			if o.wLocs == nil {
				s.wLocs = nil
				changed = true
			} else {
				u := append(slices.Clone(s.wLocs), o.wLocs...)
				slices.Sort(u)
				if u = slices.Compact(u); len(u) != len(s.wLocs) {
					s.wLocs = u
					changed = true
				}
			}
		}
	}
	var held []int
	for _, l := range s.held {
		if slices.Contains(o.held, l) {
			held = append(held, l)
		}
	}
	if len(held) != len(s.held) {
		s.held = held
		changed = true
	}
	keep := s.joins[:0:0]
	for _, j := range s.joins {
		if slices.Contains(o.joins, j) && !slices.Contains(keep, j) {
			keep = append(keep, j)
		}
	}
	if len(keep) != len(s.joins) {
		changed = true
	}
	s.joins = keep
	return changed
}

// collect explores thread ti's abstract states, recording the locations
// it may access and the states at which it reads.
func (c *lbChecker) collect(ti int, t *model.Thread) string {
	c.cur = ti
	start := &lbState{pc: 0, regs: newCowChunks[aval](t.NumRegs)}
	for i := range t.NumRegs {
		start.regs.set(int32(i), one(0))
	}
	for _, ri := range t.Init {
		start.regs.set(int32(ri.Reg), one(ri.Val))
	}
	start.vt = &lbVN{tab: map[lbVNKey]int32{}}
	start.vn = newCowChunks[int32](t.NumRegs)
	for i := range t.NumRegs {
		start.vn.set(int32(i), start.vt.cons(lbVNKey{op: -1, a: int64(start.regs.get(int32(i)).vals[0])}))
	}
	states, why := c.fixpoint(t, []*lbState{start}, false, nil)
	if why != "" {
		return why
	}
	for _, s := range states {
		acc, at, _ := c.step(t, s, false)
		if acc == nil {
			continue
		}
		set, any := c.readLocs[ti], &c.anyRead[ti]
		if acc.write {
			set, any = c.writeLocs[ti], &c.anyWrite[ti]
		}
		if acc.locs == nil {
			*any = true
		}
		for _, l := range acc.locs {
			set[l] = true
		}
		if !acc.write && !acc.spin {
			if acc.locs == nil {
				c.anyNLRead[ti] = true
			}
			for _, l := range acc.locs {
				c.nlReadLocs[ti][l] = true
			}
		}
		if acc.write && acc.order == model.Plain {
			c.plainWrites[ti] = append(c.plainWrites[ti], acc.locs)
			c.instrPlain[ti][at.pc] = true
		}
		if !acc.write {
			c.reads[ti] = append(c.reads[ti], at)
		} else {
			w := c.instrWrites[ti][at.pc]
			if w == nil {
				w = &lset{}
				c.instrWrites[ti][at.pc] = w
			}
			w.add(acc.locs)
		}
	}
	return ""
}

// meetsSet reports whether s and o have a location in common.
func (s *lset) meetsSet(o *lset) bool {
	if s.any && (o.any || o.n > 0) || o.any && s.n > 0 {
		return true
	}
	for k := range min(len(s.bits), len(o.bits)) {
		if s.bits[k]&o.bits[k] != 0 {
			return true
		}
	}
	return false
}

// lset is a set of locations, or any location: a bitset (the pairs of
// plainCycles meet it hundreds of thousands of times on a protocol file).
type lset struct {
	any  bool
	bits []uint64
	n    int // locations in bits
}

// has reports whether location l is in bits.
func (s *lset) has(l int) bool {
	return l/64 < len(s.bits) && s.bits[l/64]&(1<<(l%64)) != 0
}

// set adds location l to bits.
func (s *lset) set(l int) {
	for l/64 >= len(s.bits) {
		s.bits = append(s.bits, 0)
	}
	if s.bits[l/64]&(1<<(l%64)) == 0 {
		s.bits[l/64] |= 1 << (l % 64)
		s.n++
	}
}

// add adds locs (nil: any location).
func (s *lset) add(locs []int) {
	if locs == nil {
		s.any = true
	}
	for _, l := range locs {
		s.set(l)
	}
}

// union adds o's locations to s.
func (s *lset) union(o *lset) {
	s.any = s.any || o.any
	for k, w := range o.bits {
		for w != 0 {
			b := mbits.TrailingZeros64(w)
			w &^= 1 << b
			s.set(k*64 + b)
		}
	}
}

// only returns s's one location, or -1 if it has none or more (or any).
func (s *lset) only() int {
	if s.any || s.n != 1 {
		return -1
	}
	for k, w := range s.bits {
		if w != 0 {
			return k*64 + mbits.TrailingZeros64(w)
		}
	}
	return -1
}

// meets reports whether one of locs (nil: any) may be in s.
func (s *lset) meets(locs []int) bool {
	if s.any || locs == nil && s.n > 0 {
		return true
	}
	for _, l := range locs {
		if s.has(l) {
			return true
		}
	}
	return false
}

// readOrdered checks that the read thread ti makes at state s is, if
// another thread may write what it reads, hb-before every later write of
// the thread that another thread may read.
func (c *lbChecker) readOrdered(ti int, t *model.Thread, s *lbState) (string, bool) {
	c.segs, c.cur = nil, ti
	acc, _, _ := c.step(t, s, false)
	if acc == nil || acc.write || !c.otherWrites(ti, acc.locs) {
		return "", false
	}
	r := acc
	c.segs = map[int32]lbSeg{}
	if r.order != model.Plain && (r.acquire || r.mbRMW) {
		// acq-po, or [Mb ∩ R] then fr ∩ int and [Mb ∩ W]; po: every later
		// Marked access is hb-after r. Plain writes are not in hb.
		return c.search(ti, t, s, r, true)
	}
	return c.search(ti, t, s, r, false)
}

// search follows every path from the read r (made at state s) and fails
// at the first write another thread may read that is not hb-after r
// (pair: the failure is such a write, not a limit).
func (c *lbChecker) search(ti int, t *model.Thread, s0 *lbState, r *lbAccess, full bool) (string, bool) {
	// Step over r itself, tracking.
	s := s0.clone()
	s.taint = newCowChunks[bool](t.NumRegs)
	s.joins = nil
	s.full = full
	rAddrVN := s.vnOf(t.Code[r.instr].A) // numbered since the thread's start (collect)
	_, _, next := c.step(t, s, true)
	for _, n := range next {
		in := &t.Code[r.instr]
		if in.Dst >= 0 && in.Op != model.OpStore && in.Op != model.OpUnlock {
			n.taint.set(in.Dst, true)
		}
		n.rmwHB = n.rmwWrite // r's own write: fr ∩ int
	}
	// Once every later Marked access is hb-after r, and the thread has no
	// plain write another thread may read, nothing after can fail. Not
	// for a plain r: it is in no hb at all (full may still be set, by an
	// acquire whose address depends on r), and every write after it
	// counts (found by review: a plain read, an acquire at an address
	// computed from it, then WRITE_ONCE was taken as ordered).
	done := func(s *lbState) bool { return s.full && !c.plainSeen && r.order != model.Plain }
	states, why := c.fixpoint(t, next, true, done)
	if why != "" {
		return why, false
	}
	first := ""
	for _, s := range states {
		if done(s) {
			continue
		}
		acc, at, _ := c.step(t, s, true)
		if acc == nil || !acc.write {
			continue
		}
		// Another CPU may read the write. A lock write (LKW) is read only
		// by reads other than spin_lock's: a spin_lock that reads it
		// blocks for ever, writing nothing after.
		read := c.otherReads(ti, acc.locs)
		if acc.lkw {
			read = c.other(ti, acc.locs, c.nlReadLocs, c.anyNLRead)
		}
		if read {
			in := &t.Code[at.pc]
			addrT, dataT, addrVN := at.taintOf(in.A), dataTainted(in, at), at.vnOf(in.A)
			if acc.rmw {
				addrT, dataT, addrVN = at.wAddrT, at.wDataT, at.wAddrVN
			}
			addrT, dataT = addrT && depKept(in, model.DepAddr), dataT && depKept(in, model.DepData)
			ctrlT := len(at.joins) > 0 && depKept(in, model.DepCtrl)
			ordered := false
			switch {
			case r.order == model.Plain || acc.order == model.Plain:
				// Plain accesses are not in hb.
			case at.full, acc.order == model.Release, acc.order == model.Mb, acc.lock && !acc.lkw:
				ordered = true
			case acc.rmw && at.rmwHB:
				ordered = true // r's own RMW, or an RMW whose read is hb-after r (fr ∩ int)
			case ctrlT, addrT, dataT:
				ordered = true
			case len(r.locs) == 1 && slices.Equal(acc.locs, r.locs):
				ordered = true // fr ∩ int
			case rAddrVN != 0 && addrVN == rAddrVN:
				ordered = true // fr ∩ int: the same address, computed the same way
			}
			g := lbSeg{hb: ordered, endB: ordered, startB: ordered, plainW: acc.order == model.Plain}
			if r.order == model.Plain && acc.order != model.Plain &&
				(at.strong || acc.order == model.Release || acc.order == model.Mb || acc.lock && !acc.lkw) {
				g.startB = true // strong-fence or po-rel: r-post-bounded; hb*
			}
			if r.order != model.Plain && acc.order == model.Plain && (at.full || addrT) {
				g.endB = true // hb*; [Marked]; (fence | addr): w-pre-bounded
			}
			if old, ok := c.segs[at.pc]; ok {
				g = old.and(g)
			}
			c.segs[at.pc] = g
			if !ordered {
				if first == "" {
					rin := &t.Code[r.instr]
					first = fmt.Sprintf("%s's %s (%s) may read from another CPU, and its later %s (%s), which another CPU may read, is not ordered after it: a load-buffering cycle through them is not ruled out",
						t.Name, rin.Text, rin.Pos, in.Text, in.Pos)
				}
				if acc.locs == nil {
					c.unorderedAny = true
				} else {
					c.unordered = append(c.unordered, acc.locs...)
				}
			}
		}
	}
	return first, first != ""
}

// dataTainted reports whether the write an instruction makes has a data
// dependency on r, as the interpreter computes it (withDeps).
func dataTainted(in *model.Instr, s *lbState) bool {
	switch {
	case in.Op == model.OpRMW && in.RMW == model.RMWCmpXchg:
		return s.taintOf(in.C)
	case in.Op == model.OpRMW, in.Op == model.OpStore:
		return s.taintOf(in.B)
	}
	return false
}

func (s *lbState) get(a model.Arg) aval {
	if a.Reg < 0 {
		return one(a.Imm)
	}
	return s.regs.get(int32(a.Reg))
}

func (s *lbState) set(r int32, v aval, taint bool) {
	if r < 0 {
		return
	}
	s.regs.set(r, v)
	if s.taint.present() {
		s.taint.set(r, taint)
	}
	if s.vn.present() {
		s.vn.set(r, s.vt.cons(lbVNKey{op: -100, a: s.vt.gen, b: int64(s.pc), state: s.key}))
	}
}

func (s *lbState) taintOf(a model.Arg) bool {
	return a.Reg >= 0 && s.taint.present() && s.taint.get(a.Reg)
}

// openScope mirrors interp.openScope for the dependency on r.
func (s *lbState) openScope(tainted bool, join int32) {
	if tainted {
		s.joins = append(s.joins, join)
	}
}

func (s *lbState) closeScopes() {
	keep := s.joins[:0]
	for _, j := range s.joins {
		if j != s.pc {
			keep = append(keep, j)
		}
	}
	s.joins = keep
}

// step runs local instructions from s0 (on a private copy) to the next
// access on one path, and returns that access (nil if the path ends
// first), the state at its instruction, and the states to explore next:
// those after the access, and those that took another way on the way (a
// branch, or a check that may stop the thread or not). With track, it
// updates the tracking fields.
func (c *lbChecker) step(t *model.Thread, s0 *lbState, track bool) (*lbAccess, *lbState, []*lbState) {
	s := s0.clone()
	var pd []int32
	if track {
		pd = c.pdom(t)
	}
	var out []*lbState
	for n := 0; n <= maxLocalSteps; n++ {
		if track && len(s.joins) > 0 {
			s.closeScopes()
		}
		in := &t.Code[s.pc]
		branch := func(a aval, jumpIfZero bool) []*lbState {
			if track {
				s.openScope(s.taintOf(in.A), pd[s.pc])
			}
			jump, fall := branchWays(a, jumpIfZero)
			switch {
			case jump && fall:
				o := s.clone()
				o.pc = in.Target
				s.pc++
				return []*lbState{o}
			case jump:
				s.pc = in.Target
			default:
				s.pc++
			}
			return nil
		}
		switch in.Op {
		case model.OpNop:
		case model.OpMove:
			va := s.vnOf(in.A)
			s.set(in.Dst, s.get(in.A), s.taintOf(in.A))
			if s.vn.present() && in.Dst >= 0 {
				s.vn.set(in.Dst, va) // the same value
			}
		case model.OpUnary:
			v := unaryVal(in.Alu, s.get(in.A))
			va := s.vnOf(in.A)
			s.set(in.Dst, v, s.taintOf(in.A))
			s.setVN(in.Dst, -3-int64(in.Alu), va, 1)
		case model.OpBinary:
			v, ok := binaryVal(in.Alu, s.get(in.A), s.get(in.B))
			if !ok {
				return nil, nil, out // stops at a violation
			}
			va, vb := s.vnOf(in.A), s.vnOf(in.B)
			s.set(in.Dst, v, s.taintOf(in.A) || s.taintOf(in.B))
			s.setVN(in.Dst, 1000+int64(in.Alu), va, vb)
		case model.OpJump:
			s.pc = in.Target
			continue
		case model.OpJumpIf:
			out = append(out, branch(s.get(in.A), false)...)
			continue
		case model.OpJumpIfNot:
			out = append(out, branch(s.get(in.A), true)...)
			continue
		case model.OpCheck, model.OpAssume, model.OpBoundsCheck, model.OpAwaitEnd:
			if track && (in.Op != model.OpCheck || in.Check != model.CheckWarn) {
				s.openScope(s.taintOf(in.A), -1)
			}
			if !goesOn(in, s.get(in.A), s.get(in.B)) {
				return nil, nil, out
			}
		case model.OpLoopIter:
			if v, ok := s.regs.get(int32(in.Dst)).single(); ok {
				s.regs.set(int32(in.Dst), one(v+1))
				if v+1 > model.Value(c.bound) {
					return nil, nil, out // cut
				}
			}
		case model.OpAwaitBegin:
		case model.OpHalt:
			return nil, nil, out
		case model.OpFence:
			if ls := c.locs(s.get(in.A)); in.Fence == model.FenceSyncSRCU && ls != nil && len(ls) == 0 {
				if !s.get(in.A).sym {
					return nil, nil, out // a bad srcu_struct pointer stops the thread
				}
				break // see badSym
			}
			if track {
				switch in.Fence {
				case model.FenceMb, model.FenceSyncRCU, model.FenceSyncSRCU:
					s.full, s.strong = true, true
				case model.FenceBeforeAtomic:
					s.beforeA = true
				case model.FenceAfterAtomic:
					s.full = s.full || s.sawRMW
					s.strong = s.strong || s.sawRMW
				case model.FenceAfterSpinlock:
					s.full = s.full || s.sawLKW
					s.strong = s.strong || s.sawLKW
				}
			}
		case model.OpFree:
			// Nothing reads from a kfree: it lies on no po ∪ rf cycle.
		case model.OpLoad, model.OpIsLocked, model.OpStore, model.OpUnlock, model.OpRMW, model.OpLock, model.OpTrylock:
			if !s.rmwWrite && c.badSym(s.get(in.A)) {
				// The access is skipped, as the enumeration's rounds
				// do (interp.skipsFault).
				if in.Op != model.OpStore && in.Op != model.OpUnlock && in.Op != model.OpLock {
					s.set(in.Dst, aval{vals: []model.Value{0}, sym: true}, s.taintOf(in.A))
				}
				break
			}
			acc, next := c.access(t, s, in, track)
			if acc == nil {
				return nil, nil, out
			}
			return acc, s, append(out, next...)
		default:
			panic(fmt.Sprintf("explorer: unknown op %v", in.Op))
		}
		s.pc++
	}
	return nil, nil, out
}

// badSym reports whether the address a designates no location but comes
// from a read: then the path is one only a po ∪ rf cycle takes (a branch
// that went both ways on a sym value, while the values reaching it so far
// are all bad), and the executions that take it with a good address hold
// a value a later round of the fixpoint adds. Stopping there would lose
// the writes that follow, which the cycle may need to give that value.
func (c *lbChecker) badSym(a aval) bool {
	ls := c.locs(a)
	return a.sym && ls != nil && len(ls) == 0
}

// locs returns the locations an address may designate (nil for any; an
// empty non-nil slice if none: the access stops its thread).
func (c *lbChecker) locs(a aval) []int {
	if a.top {
		return nil
	}
	ls := []int{}
	for _, v := range a.vals {
		if l, ok := c.p.PtrLoc(v); ok {
			ls = append(ls, l)
		}
	}
	return ls
}

// access makes the access of the instruction at s.pc and returns it with
// the states that follow (nil if the access stops the thread on every
// value of its address). Outside tracking, the writes' values go to
// c.mem.
func (c *lbChecker) access(t *model.Thread, s *lbState, in *model.Instr, track bool) (*lbAccess, []*lbState) {
	if s.rmwWrite {
		// The write half of an RMW, lock or trylock, as its read half
		// fixed it.
		acc := &lbAccess{locs: s.wLocs, order: in.Order, instr: s.pc, write: true, rmw: true}
		if in.Op != model.OpRMW {
			acc.lock, acc.lkw, acc.order = true, true, model.Acquire
		}
		if !track {
			c.store(s.wLocs, s.wVal)
			c.noteWrite(s.pc, s.wLocs, s.wVal)
		}
		n := s.clone()
		n.rmwWrite = false
		if in.Op != model.OpRMW && len(s.wLocs) == 1 && !slices.Contains(n.held, s.wLocs[0]) {
			n.held = append(n.held, s.wLocs[0]) // spin_lock or a successful spin_trylock
		}
		n.wLocs, n.wVal = nil, aval{}
		if track {
			if in.Op == model.OpRMW && in.Order == model.Mb {
				n.full, n.strong = true, true // [Mb ∩ W]; po; [M]
			}
			if in.Op != model.OpRMW {
				n.sawLKW = true
			}
			n.rmwHB = false
		}
		n.pc++
		return acc, []*lbState{n}
	}
	locs := c.locs(s.get(in.A))
	if locs != nil && len(locs) == 0 {
		return nil, nil // NULL or wild dereference: the thread stops
	}
	acc := &lbAccess{locs: locs, order: in.Order, instr: s.pc}
	addrHB := track && (s.full || s.taintOf(in.A) && depKept(in, model.DepAddr))
	write := func(v aval) {
		if !track {
			c.store(locs, v)
			c.noteWrite(s.pc, locs, v)
		}
	}
	switch in.Op {
	case model.OpLoad, model.OpIsLocked:
		v := c.load(locs)
		if in.Op == model.OpIsLocked {
			acc.order, acc.lock = model.Once, true
			v = lift(v, one(0), func(x, _ model.Value) model.Value { return b2v(x != 0) })
		}
		acc.acquire = in.Op == model.OpLoad && in.Order == model.Acquire
		n := s.clone()
		// The read is hb-after r if its address depends on r (addr; [R])
		// or a strong fence came first; then what depends on it does too.
		hb := addrHB && acc.order != model.Plain
		if track && hb && acc.acquire {
			n.full = true
		}
		n.set(in.Dst, v, hb)
		n.pc++
		return acc, []*lbState{n}
	case model.OpStore, model.OpUnlock:
		acc.write = true
		n := s.clone()
		if in.Op == model.OpUnlock {
			acc.order, acc.lock = model.Release, true
			write(one(0))
			i := -1
			if len(locs) == 1 {
				i = slices.Index(n.held, locs[0])
			}
			if i < 0 {
				if !track && c.unmatched == nil {
					c.unmatched = in
				}
			} else {
				n.held = slices.Delete(n.held, i, i+1)
			}
		} else {
			write(s.get(in.B))
		}
		n.pc++
		return acc, []*lbState{n}
	}
	// RMW, lock, trylock: the read half; the write half follows if it
	// writes.
	acc.rmw = true
	old := c.load(locs)
	// What the write half writes, from the operands before the result
	// register is set.
	wVal := one(1) // lock, trylock
	if in.Op == model.OpRMW {
		b := s.get(in.B)
		switch in.RMW {
		case model.RMWXchg:
			wVal = b
		case model.RMWCmpXchg:
			wVal = s.get(in.C)
		case model.RMWAddUnless:
			wVal = lift(old, b, func(x, y model.Value) model.Value { return x + y })
		default:
			// add, sub, and, or, xor, andnot: C is not an operand (and
			// in.C, unused, names register 0).
			wVal = lift(old, b, func(x, y model.Value) model.Value {
				nv, _ := in.RMW.Apply(x, y, 0)
				return nv
			})
		}
	}
	wAddrT, wDataT, wAddrVN := s.taintOf(in.A), false, s.vnOf(in.A)
	if in.Op == model.OpRMW {
		wDataT = dataTainted(in, s)
	}
	var outs []*lbState
	// The read half is hb-after r if its address depends on r or a strong
	// fence came first; then so is its write (fr ∩ int). (search sets
	// rmwHB for r's own RMW.)
	writes := func(n *lbState) {
		n.rmwWrite = true
		n.rmwHB = track && addrHB && in.Order != model.Plain
		n.wLocs, n.wVal, n.wAddrT, n.wDataT, n.wAddrVN = locs, wVal, wAddrT, wDataT, wAddrVN
		outs = append(outs, n)
	}
	switch in.Op {
	case model.OpLock:
		acc.lock, acc.order, acc.acquire, acc.spin = true, model.Acquire, true, true
		n := s.clone()
		if track && addrHB {
			n.full = true // an LKR hb-after r: acq-po
		}
		writes(n) // reading 1 blocks for ever
	case model.OpTrylock:
		// Success: LKR (Acquire) and LKW, Dst = 1. Failure: LF, Dst = 0.
		acc.lock, acc.order = true, model.Acquire
		ok, fail := s.clone(), s.clone()
		ok.set(in.Dst, one(1), addrHB)
		if track && addrHB {
			ok.full = true
		}
		writes(ok)
		fail.set(in.Dst, one(0), addrHB)
		fail.pc++
		outs = append(outs, fail)
	case model.OpRMW:
		always := in.RMW != model.RMWCmpXchg && in.RMW != model.RMWAddUnless
		acc.mbRMW = always && in.Order == model.Mb
		acc.acquire = always && in.Order == model.Acquire
		hb := addrHB && in.Order != model.Plain
		// The success branch: the read is in RMW (and in Mb or Acquire
		// as the RMW's order says).
		n := s.clone()
		n.set(in.Dst, old, hb)
		if track {
			n.sawRMW = true
			if in.Order == model.Mb || hb && in.Order == model.Acquire || n.beforeA {
				n.full = true
			}
			if in.Order == model.Mb || n.beforeA {
				n.strong = true // [M]; po; [Mb ∩ R], or Before-atomic
			}
		}
		writes(n)
		if !always {
			// A failed cmpxchg or add_unless: a lone Once read.
			f := s.clone()
			f.set(in.Dst, old, hb)
			f.pc++
			outs = append(outs, f)
		}
	}
	return acc, outs
}

func (c *lbChecker) pdom(t *model.Thread) []int32 {
	if pd, ok := c.pdoms[t]; ok {
		return pd
	}
	if c.pdoms == nil {
		c.pdoms = map[*model.Thread][]int32{}
	}
	pd := model.PostDominators(t.Code)
	c.pdoms[t] = pd
	return pd
}

func alu(op model.Alu, a, b model.Value) model.Value {
	switch op {
	case model.AluAdd:
		return a + b
	case model.AluSub:
		return a - b
	case model.AluMul:
		return a * b
	case model.AluDiv:
		return a / b
	case model.AluMod:
		return a % b
	case model.AluAnd:
		return a & b
	case model.AluOr:
		return a | b
	case model.AluXor:
		return a ^ b
	case model.AluShl:
		return a << uint64(b&63)
	case model.AluShr:
		return a >> uint64(b&63)
	case model.AluEq:
		return b2v(a == b)
	case model.AluNe:
		return b2v(a != b)
	case model.AluLt:
		return b2v(a < b)
	case model.AluLe:
		return b2v(a <= b)
	case model.AluGt:
		return b2v(a > b)
	case model.AluGe:
		return b2v(a >= b)
	}
	return 0
}
