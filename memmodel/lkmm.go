package memmodel

import (
	"fmt"

	"mmcheck/model"
)

// LKMM is the Linux-kernel memory model: linux-kernel.cat, .bell and
// lock.cat of the kernel's tools/memory-model (herd7 variant lkmmv2; Alglave,
// Maranget, McKenney, Parri, Stern, "Frightening small children and
// disconcerting grown-ups", ASPLOS 2018), decided on mmcheck's execution
// graphs. The relations below are the .cat's, under its names.
//
// # Events
//
// herd7 expands each primitive (linux-kernel.def) into events with tags;
// ours carry the same information as follows (lkmmv2 puts the primitive's
// tag on both halves of an RMW and wraps nothing in fences):
//
//	herd7                                  mmcheck event
//	R[once], W[once]                        Order Once (READ_ONCE, WRITE_ONCE, rcu_dereference, atomic_read/set)
//	R[acquire]                              read, Order Acquire
//	W[release]                              write, Order Release (smp_store_release, rcu_assign_pointer)
//	plain access (~Marked)                  Order Plain; kfree is a plain write of each location of its object
//	__xchg{t}, __cmpxchg{t} success,        read (RMW) + write (RMW), both Order t; rmw pairs them;
//	  __atomic_op_return{t}, fetch_op{t}      both are in herd's RMW set (atomic accesses)
//	  add_unless{mb} success
//	RMW tag t = mb                          Mb (both halves)
//	__atomic_op{noreturn} (atomic_add...)   RMW with Order Once; its read is Noreturn
//	                                        (instruction OpRMW whose Prim returns nothing)
//	failed cmpxchg / add_unless             a lone read, Order Once, of an OpRMW instruction:
//	                                        Marked and in RMW, but not Acquire or Mb (FailedRMW)
//	smp_store_mb                            WRITE_ONCE + FenceMb
//	spin_lock: LKR, LKW                     read (Lock, RMW, Acquire) + write (Lock, RMW)
//	spin_unlock: UL                         write (Lock, Release)
//	spin_trylock: LKR+LKW / LF              as spin_lock / a lone read (Lock, not RMW): LF
//	spin_is_locked: RL / RU                 a read of an OpIsLocked instruction: RL if it reads
//	                                        a locked value (an LKW), RU if 0 (a UL or the initial write)
//	blocked spin_lock (mmcheck only)        a lone read (Lock, not RMW) of a held lock: treated as LF
//	F[mb], F[rmb], F[wmb], F[before-atomic] FenceMb, FenceRmb, FenceWmb, FenceBeforeAtomic,
//	  F[after-atomic], F[after-spinlock],   FenceAfterAtomic, FenceAfterSpinlock,
//	  F[after-unlock-lock]                  FenceAfterUnlockLock
//	F[rcu-lock], F[rcu-unlock], F[sync-rcu] FenceRCULock, FenceRCUUnlock, FenceSyncRCU
//	                                        (synchronize_rcu and synchronize_rcu_expedited)
//	R[srcu-lock], W[srcu-unlock]            a read / write with Srcu set, Order Once: srcu_read_lock(s)
//	                                        and srcu_down_read(s) read *s (the index is the value),
//	                                        srcu_read_unlock(s, idx) and srcu_up_read(s, idx) write idx
//	F[sync-srcu], F[after-srcu-read-unlock] FenceSyncSRCU (its Loc is s), FenceAfterSrcuUnlock
//	F[barrier]                              FenceBarrier (barrier()): only mixed-accesses heeds it
//	(not in linux-kernel.def)               atomic_long_*: as atomic_*; set_bit, clear_bit, change_bit:
//	                                        Noreturn RMWs; refcount_dec_and_test, refcount_sub_and_test:
//	                                        a Release RMW whose read is also Acquire when it succeeds
//	                                        (writes 0; see lkAcquireOnSuccess)
//
// Marked = fences ∪ every access whose Order is not Plain ∪ lock events;
// Plain = the other accesses and kfree (but kfree is not a Plain & W of
// the mixed-accesses flag: herd7 has no kfree). Acquire = acquire reads but LF and
// failed RMWs, plus LKR; Release = release writes (UL included); Mb = the Mb
// accesses but failed RMWs. Initial writes are not nodes: nothing is
// ordered before them, so they lie on no cycle and start no race.
//
// Dependencies come from model.Execution.Deps (register data flow), plus
// the data dependency herd7 puts from the read to the write of an atomic
// arithmetic RMW (atomic_add, atomic_*_return, atomic_fetch_*,
// atomic_add_unless; not xchg or cmpxchg). As in linux-kernel.bell they
// are then carried through plain and marked memory within a thread:
// carry-dep = (data ; rfi)*, addr = carry-dep ; addr, and so on. Deps
// are taken as given; for herd7's verdicts Ctrl must cover only the events
// inside the branches of an if (herd7's ctrl stops where the branches
// join), and the data of a cmpxchg's write only its new value.
//
// # Locks
//
// lock.cat generates the rf and co of lock events: each LKR reads the
// write right before its LKW in co, a UL follows its LKW (the "critical"
// pair) directly in co, LF and RL read an LKW, RU an UL or the initial
// write. mmcheck's explorer gives rf and co explicitly, with values (a
// lock write writes 1, an unlock 0, spin_lock awaits 0): with coherence
// and atomicity these give exactly lock.cat's shapes, so only lock.cat's
// axioms remain to check:
//
//	lock-nest         empty ([LKW]; po-loc; [LKR]) \ (po-loc; [UL]; po-loc)
//	nested-is-locked  empty ([LKW]; po-loc; [RU]) \ (po-loc; [UL]; po-loc)
//	unmatched-locks   at most one LKW per location without its UL
//
// # Axioms
//
// Checked in this order (the first that fails is reported):
//
//	coherence        acyclic(po-loc ∪ rf ∪ co ∪ fr)
//	atomic           empty(rmw ∩ (fre; coe))
//	lock-nest, nested-is-locked, unmatched-locks (lock.cat, above)
//	happens-before   acyclic(hb)
//	propagation      acyclic(pb)
//	rcu              irreflexive(rb)
//	plain-coherence  empty(wr-incoh ∪ rw-incoh ∪ ww-incoh)
//
// with, as in linux-kernel.cat (fencerel(F) = po; [F]; po):
//
//	acq-po = [Acquire]; po; [M]         po-rel = [M]; po; [Release]
//	po-unlock-lock-po = po; [UL]; (po ∪ rf); [LKR]; po
//	rmb = [R4rmb]; fencerel(Rmb); [R4rmb]   with R4rmb = R \ Noreturn
//	wmb = [W]; fencerel(Wmb); [W]
//	mb  = [M]; fencerel(Mb); [M] ∪ [M]; po; [Mb ∩ R] ∪ [Mb ∩ W]; po; [M]
//	    ∪ [M]; fencerel(Before-atomic); [RMW]; po?; [M]
//	    ∪ [M]; po?; [RMW]; fencerel(After-atomic); [M]
//	    ∪ [M]; po?; [LKW]; fencerel(After-spinlock); [M]
//	    ∪ [M]; po-unlock-lock-po; [After-unlock-lock]; po; [M]
//	gp = po; [Sync-rcu]; po?        strong-fence = mb ∪ gp
//	nonrw-fence = strong-fence ∪ po-rel ∪ acq-po   fence = nonrw-fence ∪ wmb ∪ rmb
//	ppo = (addr; [R]) ∪ (dep; [Marked]; rfi) ∪ ((dep ∪ ctrl); [W]) ∪ ((co ∪ fr) ∩ int)
//	    ∪ (addr; [Plain]; wmb) ∪ (fence ∩ int) ∪ (po-unlock-lock-po ∩ int)
//	cumul-fence = [Marked]; ((rfe; [Marked])?; (strong-fence ∪ po-rel) ∪ wmb
//	              ∪ po-unlock-lock-po); [Marked]; (rf; rmw)*
//	prop = [Marked]; ((co ∪ fr) ∩ ext)?; cumul-fence*; [Marked]; rfe?; [Marked]
//	hb = [Marked]; (ppo ∪ rfe ∪ ((prop \ id) ∩ int)); [Marked]
//	pb = prop; strong-fence; hb*; [Marked]
//	rcu-link = po?; hb*; pb*; prop; po
//	rcu-order = least fixpoint of [Sync-rcu] ∪ gp;link;rscsi ∪ rscsi;link;gp
//	            ∪ gp;link;rcu-order;link;rscsi ∪ rscsi;link;rcu-order;link;gp
//	            ∪ rcu-order;link;rcu-order
//	rcu-fence = po; rcu-order; po?      rb = prop; rcu-fence; hb*; pb*; [Marked]
//
// where rscsi relates each rcu_read_unlock to the rcu_read_lock it closes
// (innermost nesting, per thread). The plain-access section then uses
// fence and strong-fence extended by rcu-fence: xbstar = (hb ∪ pb ∪ rb)*,
// vis, the pre/post bounds, ww-vis, wr-vis, rw-xbstar, and pre-race =
// ext ∩ ((Plain × M) ∪ (M × Plain)); plain-coherence forbids a plain
// rf/fr/co pair that runs against rw-xbstar/wr-vis/ww-vis, and the flag
// data-race (see [Flagger]) is ww-race ∪ wr-race ∪ rw-race.
//
// Ordered(a, b) for a kfree b (a plain write): an access a of another thread
// is ordered before b iff (a, b) is not a race in the "a first" direction:
// for a read, rw-xbstar(a, b); for a write, ww-nonrace(a, b) = ww-vis ∩
// (Marked × W ∪ rw-xbstar) ∩ (W × Marked ∪ wr-vis). In one thread,
// po.
//
// SRCU as linux-kernel.bell and .cat define it: srcu-rscs matches each
// srcu_read_lock to the srcu_read_unlock its index reaches through data
// dependencies (carried through memory too), on the same srcu_struct;
// rcu-order pairs SRCU grace periods with critical sections of the same
// srcu_struct only ("& loc"); gp and the After-srcu-read-unlock fence as
// in the .cat. Flags: data-race, the .cat's mixed-accesses (a plain
// write and a marked access of one location in one CPU with no barrier
// between; see mixedAccesses), and the bell's unmatched-srcu-lock,
// unmatched-srcu-unlock, multiple-srcu-matches, invalid-sleep and
// srcu-bad-value-match. herd7's other flags (unmatched-rcu-lock,
// mixed-lock-accesses, ...) are not raised.
var LKMM = &Model{
	Name: "lkmm",
	Doc: `the Linux-kernel memory model (tools/memory-model linux-kernel.cat + lock.cat, herd7 variant lkmmv2).

Events: READ_ONCE/WRITE_ONCE and relaxed atomics are Once; acquire reads and
the read of spin_lock are Acquire; release writes and spin_unlock Release;
fully ordered RMWs Mb on both halves; other accesses and kfree are plain.
Failed cmpxchg/add_unless and failed spin_trylock reads order nothing; the read of
a non-value-returning atomic (atomic_add, ...) is Noreturn (smp_rmb skips it).
addr/data/ctrl are carried through memory within a thread: (data; rfi)*.
An execution is consistent when
  coherence:        acyclic(po-loc ∪ rf ∪ co ∪ fr)
  atomic:           empty(rmw ∩ (fre; coe))
  lock-nest, nested-is-locked, unmatched-locks: lock.cat's lock discipline
  happens-before:   acyclic(hb),  hb = [Marked]; (ppo ∪ rfe ∪ (prop \ id) ∩ int); [Marked]
  propagation:      acyclic(pb),  pb = prop; strong-fence; hb*; [Marked]
  rcu:              irreflexive(rb), rb = prop; rcu-fence; hb*; pb*; [Marked]
  plain-coherence:  plain accesses obey coherence along the race-free orders
(ppo, prop, strong-fence, rcu-fence as in linux-kernel.cat; grace periods
synchronize_rcu and synchronize_rcu_expedited, critical sections matched
innermost; SRCU's srcu_read_lock reads and srcu_read_unlock writes its
srcu_struct, an unlock closing the lock whose index reaches it by data
dependencies, and its grace periods pair only with critical sections of
the same srcu_struct). Flag "data-race": two plain (or plain and marked)
accesses of different CPUs race as linux-kernel.cat defines it; flag
"mixed-accesses": a CPU has a plain write and a marked access of one
location with no barrier (barrier(), smp_rmb/wmb/mb, an acquire or release,
RCU/SRCU events, ...) between them (kfree is not such a write); SRCU's
flags as linux-kernel.bell raises them (unmatched-srcu-lock, ...).
An access is ordered before a kfree (a plain write) when they do not race
with the access first: rw-xbstar for a read, ww-vis ∩ ... for a write.`,
	Axioms: []string{"coherence", "atomic", "lock-nest", "nested-is-locked", "unmatched-locks",
		"happens-before", "propagation", "rcu", "plain-coherence"},
	LoadBuffering: true,
	NeedsDeps:     true,
	Incremental:   IncrSCShortcut,
	Supports:      lkmmSupports,
	NewChecker:    func() Checker { return new(lkmmChecker) },
}

// lkmmSupports gives a meaning to every primitive.
func lkmmSupports(prim string) bool { return true }

// lkNoreturn lists linux-kernel.def's __atomic_op{NORETURN} primitives,
// their atomic_long_t forms, and the bit operations the kernel implements
// with them (set_bit is atomic_long_or, clear_bit atomic_long_andnot,
// change_bit atomic_long_xor; clear_bit_unlock is a fetch_andnot_release).
func lkNoreturn(prim string) bool {
	switch prim {
	case "atomic_add", "atomic_sub", "atomic_and", "atomic_or", "atomic_xor",
		"atomic_inc", "atomic_dec", "atomic_andnot",
		"atomic_long_add", "atomic_long_sub", "atomic_long_and", "atomic_long_or", "atomic_long_xor",
		"atomic_long_inc", "atomic_long_dec", "atomic_long_andnot",
		"set_bit", "clear_bit", "change_bit":
		return true
	}
	return false
}

// lkAcquireOnSuccess reports whether node v is the read of a
// refcount_dec_and_test or refcount_sub_and_test that brings the count to
// 0 (its write, the next node, writes 0): refcount.h gives them acquire
// ordering on success, which the kernel implements as a control
// dependency and smp_acquire__after_ctrl_dep() (smp_rmb); the lowering
// emits that smp_rmb, but linux-kernel.cat's ctrl orders only marked
// writes inside the branch, not the kfree() the acquire is there for, so
// the read is an Acquire, as refcount.h documents it.
func lkAcquireOnSuccess(f *flat, in *model.Instr, v int32) bool {
	if in == nil || in.Op != model.OpRMW || !f.ev[v].RMW ||
		in.Prim != "refcount_dec_and_test" && in.Prim != "refcount_sub_and_test" {
		return false
	}
	return v+1 < f.n && f.rmwRead(v+1) == v && f.ev[v+1].Val == 0
}

// lkmmChecker decides LKMM with bit-matrix relations (lkRels), following
// the .cat definitions one by one. Check costs a few dozen matrix
// compositions and closures, O(n³/64) each at worst for n events.
type lkmmChecker struct {
	f flat
	r lkRels
	// trusted: the loaded execution is known consistent (the sc shortcut
	// said so), and axioms builds the relations Ordered, Flags and Race
	// need without looking for their cycles (compute).
	trusted bool

	// sets of nodes
	sR, sW, sM, sMarked, sPlain, sAcq, sRel, sMbR, sMbW, sR4rmb, sNotNoret,
	sAtomic, sLKR, sLKW, sUL, sRU []uint64
	sSrcuLock, sSrcuUnlock, sNotSrcuUnlock []uint64
	srcuFlags                              []string // linux-kernel.bell's SRCU flags raised by the last execution
	plainAccess                            bool     // some read or write is plain (kfree aside)
	sFence                                 [model.NumFences][]uint64

	// relations kept for the plain-access section, Ordered and Flags
	rf, co, fr, rfe, addr, rmwseq, cfStar, hb, pb, rb []uint64
	strong, nonrw, fence, strong2, fence2, hbStar     []uint64

	// plain-access relations (computed on demand)
	plainDone          bool
	wwVis, wrVis, rwXb []uint64
	race               bool
	raceA, raceB       int32 // one racing pair when race
	rscsStack          []int32
	lockLocs           []int32 // scratch for unmatched-locks: per location
	lockGen            []uint32
	gen                uint32
	ok                 bool
	lazy               bool    // ok by scShortcut; the axioms' relations are not computed yet
	scg                digraph // for scShortcut and Refutes
	// scratch for Refutes (lkmm_refute.go)
	coOff, nextAtom, nextAA, nextBA, nextMbR, nextRel, maxCo []int32
	checks                                                   uint64 // Check calls so far (quickScratch.checks)
	quick                                                    quickScratch
	// scratch for Consistent (lkmm_core.go)
	onCycle    []bool
	keep, done []int32
	sub        model.Execution
	coreCalls  uint64 // Consistent calls that checked a proper part
}

// compute computes the relations of an execution that scShortcut judged
// consistent, when Ordered, Flags or Race needs them.
func (c *lkmmChecker) compute() {
	if !c.lazy {
		return
	}
	c.lazy = false
	// The shortcut's verdict is not checked again here:
	// TestLKMMAgainstReference compares it with the reference model.
	c.trusted = true
	defer func() { c.trusted = false }()
	if fail := c.rest(); fail != nil {
		panic(fmt.Sprintf("memmodel: lkmm: an SC-consistent execution fails %s", fail.Axiom))
	}
}

// cycle is r.cycle(m), or nil without looking when the execution is
// trusted to be consistent (compute).
func (c *lkmmChecker) cycle(m []uint64) []int32 {
	if c.trusted {
		return nil
	}
	return c.r.cycle(m)
}

// instr returns the instruction that made node v, or nil if the program
// does not have it (hand-built executions).
func (c *lkmmChecker) instr(v int32) *model.Instr {
	x := c.f.x
	t := int(c.f.thr[v])
	if x.Prog == nil || t >= len(x.Prog.Threads) || x.Prog.Threads[t] == nil {
		return nil
	}
	code := x.Prog.Threads[t].Code
	if i := c.f.ev[v].Instr; i >= 0 && i < len(code) {
		return &code[i]
	}
	return nil
}

func (c *lkmmChecker) Check(x *model.Execution) *Failure {
	f := c.start(x)
	if a, b, ok := f.poLoc(); !ok {
		return f.failure("coherence", a, b)
	}
	if r, m, w, ok := f.atomicity(); !ok {
		return f.failure("atomic", r, m, w)
	}
	c.prepare()
	if fail := c.lockAxioms(); fail != nil {
		return fail
	}
	if c.scShortcut() {
		// Consistent; the relations Ordered, Flags and Race need are
		// computed when one of them is asked (rest).
		c.ok, c.lazy = true, true
		return nil
	}
	return c.rest()
}

// start forgets the execution judged last and loads x.
func (c *lkmmChecker) start(x *model.Execution) *flat {
	c.checks++
	c.ok, c.lazy = false, false
	c.plainDone, c.race = false, false
	c.f.load(x)
	return &c.f
}

// prepare sizes the relations for the loaded execution and classifies
// its events.
func (c *lkmmChecker) prepare() {
	f, r := &c.f, &c.r
	r.reset(int(f.n))
	for t := 0; t+1 < len(f.start); t++ {
		for v := f.start[t]; v < f.start[t+1]; v++ {
			r.lo[v], r.hi[v] = f.start[t], f.start[t+1]
		}
	}
	c.classify()
}

// scShortcut reports whether the loaded execution is SC-consistent
// (acyclic po ∪ rf ∪ co ∪ fr; coherence and atomicity were checked) and
// has no RCU or SRCU event, in which case it is consistent under lkmm:
// with a total order T containing po, rf, co and fr, every relation the
// happens-before and propagation axioms close (ppo ⊆ po, rfe, prop built
// from co, fr, po, rf and fences, hb, pb) lies in T, so they are acyclic;
// rb is empty without RCU; and the plain-coherence pairs run against
// rw-xbstar, wr-vis or ww-vis, which lie in T too. Most executions of a
// protocol are SC-consistent, and this check is linear where the axioms
// are cubic. (DisableSCShortcut turns it off, for tests.)
func (c *lkmmChecker) scShortcut() bool {
	if DisableSCShortcut {
		return false
	}
	f, g := &c.f, &c.scg
	for v := int32(0); v < f.n; v++ {
		// Lock events may stay: the lock axioms were checked first.
		if e := f.ev[v]; !e.Lock && SCShortcutExcluded(e) {
			return false
		}
	}
	return scAcyclic(f, g)
}

// DisableSCShortcut makes the lkmm checker judge every execution with its
// axioms (tests compare the two ways).
var DisableSCShortcut = false

// rest checks the axioms after the lock axioms, on the loaded execution.
func (c *lkmmChecker) rest() *Failure {
	f := &c.f
	if fail := c.axioms(); fail != nil {
		return fail
	}
	if c.plainAccess {
		c.plain()
		if a, b, ok := c.plainCoherence(); !ok {
			return f.failure("plain-coherence", a, b)
		}
	}
	c.ok = true
	return nil
}

// classify computes the sets of events of linux-kernel.bell and lock.cat.
func (c *lkmmChecker) classify() {
	r, f := &c.r, &c.f
	c.sR, c.sW, c.sM, c.sMarked, c.sPlain = r.set(), r.set(), r.set(), r.set(), r.set()
	c.sAcq, c.sRel, c.sMbR, c.sMbW = r.set(), r.set(), r.set(), r.set()
	c.sR4rmb, c.sNotNoret, c.sAtomic = r.set(), r.set(), r.set()
	c.sLKR, c.sLKW, c.sUL, c.sRU = r.set(), r.set(), r.set(), r.set()
	c.sSrcuLock, c.sSrcuUnlock, c.sNotSrcuUnlock = r.set(), r.set(), r.set()
	c.plainAccess = false
	for k := range c.sFence {
		c.sFence[k] = r.set()
	}
	for v := int32(0); v < f.n; v++ {
		e := f.ev[v]
		in := c.instr(v)
		rmwOp := in != nil && in.Op == model.OpRMW
		noret := false
		switch {
		case e.Srcu && e.Kind == model.EvRead:
			lkAdd(c.sSrcuLock, v)
		case e.Srcu && e.Kind == model.EvWrite:
			lkAdd(c.sSrcuUnlock, v)
		}
		if !(e.Srcu && e.Kind == model.EvWrite) {
			lkAdd(c.sNotSrcuUnlock, v)
		}
		switch e.Kind {
		case model.EvRead:
			lkAdd(c.sR, v)
			lkAdd(c.sM, v)
			failedRMW := !e.RMW && rmwOp
			lf := e.Lock && !e.RMW // failed spin_trylock, or a spin_lock spinning on a held lock
			if e.Order != model.Plain || e.Lock {
				lkAdd(c.sMarked, v)
			} else {
				lkAdd(c.sPlain, v)
			}
			switch {
			case e.Lock && e.RMW:
				lkAdd(c.sLKR, v)
				lkAdd(c.sAcq, v)
			case e.Order == model.Acquire && !lf && !failedRMW, lkAcquireOnSuccess(f, in, v):
				lkAdd(c.sAcq, v)
			case e.Order == model.Mb && !failedRMW:
				lkAdd(c.sMbR, v)
			}
			if in != nil && in.Op == model.OpIsLocked && e.Val == 0 {
				lkAdd(c.sRU, v)
			}
			if rmwOp && e.RMW {
				noret = in.Prim != "" && lkNoreturn(in.Prim) || in.Prim == "" && in.Dst < 0
			}
			if !noret {
				lkAdd(c.sR4rmb, v)
			}
		case model.EvWrite:
			lkAdd(c.sW, v)
			lkAdd(c.sM, v)
			if e.Order != model.Plain || e.Lock {
				lkAdd(c.sMarked, v)
			} else {
				lkAdd(c.sPlain, v)
			}
			switch {
			case e.Lock && e.RMW:
				lkAdd(c.sLKW, v)
			case e.Lock:
				lkAdd(c.sUL, v)
				lkAdd(c.sRel, v)
			case e.Order == model.Release:
				lkAdd(c.sRel, v)
			case e.Order == model.Mb:
				lkAdd(c.sMbW, v)
			}
		case model.EvFree:
			lkAdd(c.sW, v)
			lkAdd(c.sM, v)
			lkAdd(c.sPlain, v)
		case model.EvFence:
			lkAdd(c.sMarked, v)
			if int(e.Fence) < len(c.sFence) {
				lkAdd(c.sFence[e.Fence], v)
			}
		}
		if e.IsAccess() && e.Order == model.Plain && !e.Lock {
			c.plainAccess = true
		}
		if e.IsAccess() && !e.Lock && (e.RMW || rmwOp) {
			lkAdd(c.sAtomic, v)
		}
		if !noret {
			lkAdd(c.sNotNoret, v)
		}
	}
}

// lockAxioms checks lock.cat's lock-nest, nested-is-locked and
// unmatched-locks.
func (c *lkmmChecker) lockAxioms() *Failure {
	f := &c.f
	if lkEmpty(c.sLKW) && lkEmpty(c.sLKR) {
		return nil
	}
	// lock-nest and nested-is-locked: the nearest po-earlier LKW or UL of
	// the location of an LKR or RU must not be an LKW.
	for v := int32(0); v < f.n; v++ {
		if !lkHas(c.sLKR, v) && !lkHas(c.sRU, v) {
			continue
		}
		loc := f.ev[v].Loc
		for u := v - 1; u >= c.r.lo[v]; u-- {
			if f.ev[u].Kind != model.EvWrite || f.ev[u].Loc != loc {
				continue
			}
			if lkHas(c.sUL, u) {
				break
			}
			if lkHas(c.sLKW, u) {
				if lkHas(c.sLKR, v) {
					return f.failure("lock-nest", u, v)
				}
				return f.failure("nested-is-locked", u, v)
			}
		}
	}
	// unmatched-locks: an LKW whose next po-later LKW or UL of its
	// location is not an UL is unmatched; there is at most one per location.
	nl := len(f.x.CO)
	if len(c.lockGen) < nl {
		c.lockGen = make([]uint32, nl)
		c.lockLocs = make([]int32, nl)
		c.gen = 0
	}
	c.gen++
	if c.gen == 0 {
		clear(c.lockGen)
		c.gen = 1
	}
	for v := int32(0); v < f.n; v++ {
		if !lkHas(c.sLKW, v) {
			continue
		}
		loc := f.ev[v].Loc
		matched := false
		for u := v + 1; u < c.r.hi[v]; u++ {
			if lkHas(c.sLKW, u) && f.ev[u].Loc == loc {
				break
			}
			if lkHas(c.sUL, u) && f.ev[u].Loc == loc {
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		// A lock whose read is speculated (its rf not chosen yet) is
		// not held against the others: until that rf is chosen, no
		// atomicity orders it after their unlocks, and on a complete
		// graph the axiom is checked again.
		if r := f.rmwRead(v); r >= 0 && f.rf[r] == rfNone {
			continue
		}
		if c.lockGen[loc] == c.gen {
			return f.failure("unmatched-locks", c.lockLocs[loc], v)
		}
		c.lockGen[loc] = c.gen
		c.lockLocs[loc] = v
	}
	return nil
}

// axioms builds the relations of linux-kernel.cat and checks
// happens-before, propagation and rcu.
func (c *lkmmChecker) axioms() *Failure {
	r, f := &c.r, &c.f
	x := f.x
	n := f.n

	// Basic relations: rf, co, fr, rmw.
	rf, co, fr, rmw := r.rel(), r.rel(), r.rel(), r.rel()
	acc := r.set()
	for _, ws := range x.CO {
		clear(acc)
		for k := len(ws) - 1; k >= 0; k-- {
			v := f.node(ws[k])
			copy(r.row(co, v), acc)
			lkAdd(acc, v)
		}
	}
	for v := int32(0); v < n; v++ {
		switch e := f.ev[v]; e.Kind {
		case model.EvRead:
			if w := f.rf[v]; w >= 0 {
				r.add(rf, w, v)
				copy(r.row(fr, v), r.row(co, w))
			} else if w := f.coFirst[e.Loc]; w >= 0 && f.rf[v] != rfNone {
				copy(r.row(fr, v), r.row(co, w))
				r.add(fr, v, w)
			}
		case model.EvWrite:
			if u := f.rmwRead(v); u >= 0 {
				r.add(rmw, u, v)
			}
		}
	}
	c.rf, c.co, c.fr = rf, co, fr
	rfe := r.extra(r.clone(rf))
	rfi := r.intra(r.clone(rf))
	c.rfe = rfe
	overwrite := r.clone(co)
	lkOr(overwrite, fr)
	owExt := r.extra(r.clone(overwrite))
	owInt := r.intra(overwrite)

	// Dependencies, carried through memory: carry-dep = (data; rfi)*.
	addr0, data0, ctrl0 := r.rel(), r.rel(), r.rel()
	if x.Deps != nil {
		for t := 0; t+1 < len(f.start) && t < len(x.Deps); t++ {
			base, cnt := f.start[t], f.start[t+1]-f.start[t]
			for i, d := range x.Deps[t] {
				if int32(i) >= cnt {
					break
				}
				v := base + int32(i)
				for _, k := range d.Addr {
					if k >= 0 && k < int32(i) {
						r.add(addr0, base+k, v)
					}
				}
				for _, k := range d.Data {
					if k >= 0 && k < int32(i) {
						r.add(data0, base+k, v)
					}
				}
				for _, k := range d.Ctrl {
					if k >= 0 && k < int32(i) {
						r.add(ctrl0, base+k, v)
					}
				}
			}
		}
	}
	for v := int32(0); v < n; v++ {
		u := f.rmwRead(v)
		if u < 0 {
			continue
		}
		if in := c.instr(v); in != nil && in.Op == model.OpRMW && in.RMW != model.RMWXchg && in.RMW != model.RMWCmpXchg {
			r.add(data0, u, v) // herd7: the written value is computed from the read one
		}
	}
	carry := r.star(r.seq(r.rng(r.clone(data0), c.sNotSrcuUnlock), rfi)) // (data; [~Srcu-unlock]; rfi)*
	addr := r.seq(carry, addr0)
	data := r.seq(carry, data0)
	ctrl := r.seq(carry, ctrl0)
	c.addr = addr

	// Release/acquire, locks, fences.
	M, Marked := c.sM, c.sMarked
	acqPo := r.po(c.sAcq, M)
	poRel := r.po(M, c.sRel)
	ulLkr := r.po(c.sUL, c.sLKR)
	lkEach(c.sUL, func(u int32) { lkOr(r.row(ulLkr, u), r.row(rf, u)) })
	r.rng(ulLkr, c.sLKR)
	pulp := r.seqPo(r.poSeq(ulLkr)) // po-unlock-lock-po

	rmb := r.rng(r.dom(r.fencerel(c.sFence[model.FenceRmb]), c.sR4rmb), c.sR4rmb)
	wmb := r.rng(r.dom(r.fencerel(c.sFence[model.FenceWmb]), c.sW), c.sW)
	mbRel := r.rng(r.dom(r.fencerel(c.sFence[model.FenceMb]), M), M)
	lkOr(mbRel, r.po(M, c.sMbR), r.po(c.sMbW, M))
	t := r.rng(r.fencerel(c.sFence[model.FenceBeforeAtomic]), c.sAtomic)
	t = r.rng(r.dom(r.seqPoOpt(t), M), M)
	lkOr(mbRel, t)
	t = r.rng(r.dom(r.fencerel(c.sFence[model.FenceAfterAtomic]), c.sAtomic), M)
	lkOr(mbRel, r.dom(r.poOptSeq(t), M))
	t = r.rng(r.dom(r.fencerel(c.sFence[model.FenceAfterSpinlock]), c.sLKW), M)
	lkOr(mbRel, r.dom(r.poOptSeq(t), M))
	t = r.rng(r.clone(pulp), c.sFence[model.FenceAfterUnlockLock])
	lkOr(mbRel, r.rng(r.dom(r.seqPo(t), M), M))
	t = r.rng(r.dom(r.fencerel(c.sFence[model.FenceAfterSrcuUnlock]), c.sSrcuUnlock), M)
	lkOr(mbRel, r.dom(r.poOptSeq(t), M)) // [M]; po?; [Srcu-unlock]; fencerel(After-srcu-read-unlock); [M]

	sync, ssync := c.sFence[model.FenceSyncRCU], c.sFence[model.FenceSyncSRCU]
	syncs := r.clone(sync)
	lkOr(syncs, ssync)
	gp := r.poSeq(r.seqPoOpt(r.dom(r.addID(r.rel()), syncs))) // po; [Sync-rcu | Sync-srcu]; po?
	strong := r.clone(mbRel)
	lkOr(strong, gp)
	nonrw := r.clone(strong)
	lkOr(nonrw, poRel, acqPo)
	fence := r.clone(nonrw)
	lkOr(fence, wmb, rmb)
	c.strong, c.nonrw, c.fence = strong, nonrw, fence

	// Preserved program order.
	dep := r.clone(addr)
	lkOr(dep, data)
	toW := r.clone(dep)
	lkOr(toW, ctrl)
	r.rng(toW, c.sW)
	lkOr(toW, owInt, r.seq(r.rng(r.clone(addr), c.sPlain), wmb))
	toR := r.rng(r.clone(addr), c.sR)
	lkOr(toR, r.seq(r.rng(r.clone(dep), Marked), rfi))
	ppo := toR
	lkOr(ppo, toW, r.intra(r.clone(fence)), r.intra(r.clone(pulp)))

	// Propagation.
	rmwseq := r.star(r.seq(rf, rmw))
	c.rmwseq = rmwseq
	aCumul := r.clone(strong)
	lkOr(aCumul, poRel)
	lkOr(aCumul, r.seq(r.rng(r.clone(rfe), Marked), aCumul))
	cf := aCumul
	lkOr(cf, wmb, pulp)
	r.rng(r.dom(cf, Marked), Marked)
	cf = r.seq(cf, rmwseq)
	cfStar := r.star(cf)
	c.cfStar = cfStar
	p := r.dom(r.addID(r.clone(owExt)), Marked)
	p = r.rng(r.seq(p, cfStar), Marked)
	prop := r.rng(r.seq(p, r.addID(r.clone(rfe))), Marked)

	// happens-before
	hb := r.clone(ppo)
	lkOr(hb, rfe)
	t = r.intra(r.clone(prop))
	for v := int32(0); v < n; v++ {
		t[int(v)*r.w+int(v>>6)] &^= 1 << (uint(v) & 63)
	}
	lkOr(hb, t)
	r.rng(r.dom(hb, Marked), Marked)
	c.hb = hb
	// hb+ answers both the axiom (irreflexive) and hb* below: one
	// closure, where the cycle search used to compute its own.
	hbStar := r.plus(r.clone(hb))
	if s := r.reflexive(hbStar); s >= 0 && !c.trusted {
		return f.cycleFailure("happens-before", r.cycleFrom(hb, s))
	}
	r.addID(hbStar)
	c.hbStar = hbStar

	// propagation
	pb := r.rng(r.seq(r.seq(prop, strong), hbStar), Marked)
	c.pb = pb
	if cyc := c.cycle(pb); cyc != nil {
		return f.cycleFailure("propagation", cyc)
	}

	// RCU
	c.rb = nil
	c.strong2, c.fence2 = strong, fence
	rscsi, found := c.rcuCriticalSections()
	srscsi, sfound := c.srcuCriticalSections(data0, rf, rscsi)
	if !found && !sfound && lkEmpty(sync) && lkEmpty(ssync) {
		return nil
	}
	pbStar := r.star(r.clone(pb))
	link := r.poOptSeq(r.seqPo(r.seq(r.seq(hbStar, pbStar), prop)))
	gpID := r.dom(r.addID(r.rel()), sync)
	gl := r.dom(r.clone(link), sync)     // rcu-gp; rcu-link
	rl := r.seq(rscsi, link)             // rcu-rscsi; rcu-link
	base := r.clone(gpID)                // rcu-gp
	lkOr(base, r.seq(gl, rscsi))         // rcu-gp; rcu-link; rcu-rscsi
	lkOr(base, r.rng(r.clone(rl), sync)) // rcu-rscsi; rcu-link; rcu-gp
	// SRCU: its grace periods and critical sections pair up only on the
	// same srcu_struct (& loc).
	lkOr(base, r.dom(r.addID(r.rel()), ssync))                        // srcu-gp
	lkOr(base, c.sameLoc(r.seq(r.dom(r.clone(link), ssync), srscsi))) // (srcu-gp; rcu-link; srcu-rscsi) & loc
	lkOr(base, c.sameLoc(r.rng(r.seq(srscsi, link), ssync)))          // (srcu-rscsi; rcu-link; srcu-gp) & loc
	order := r.clone(base)
	mark := r.used
	for {
		next := r.clone(base)
		lo := r.seq(link, order)
		lol := r.seq(lo, link)
		lkOr(next, r.seq(r.dom(r.clone(lol), sync), rscsi))
		lkOr(next, r.rng(r.seq(rscsi, lol), sync))
		lkOr(next, c.sameLoc(r.seq(r.dom(r.clone(lol), ssync), srscsi)))
		lkOr(next, c.sameLoc(r.rng(r.seq(srscsi, lol), ssync)))
		lkOr(next, r.seq(order, lo))
		if equalWords(next, order) {
			break
		}
		copy(order, next)
		r.used = mark // the loop's temporaries are dead
	}
	rcuFence := r.seqPoOpt(r.poSeq(order))
	rb := r.rng(r.seq(r.seq(r.seq(prop, rcuFence), hbStar), pbStar), Marked)
	c.rb = rb
	if v := r.reflexive(rb); v >= 0 {
		return f.failure("rcu", v)
	}
	c.strong2 = r.clone(strong)
	lkOr(c.strong2, rcuFence)
	c.fence2 = r.clone(fence)
	lkOr(c.fence2, rcuFence)
	return nil
}

// sameLoc keeps the pairs of m whose events have the same location
// (linux-kernel.cat's "& loc"; a synchronize_srcu's is its srcu_struct).
func (c *lkmmChecker) sameLoc(m []uint64) []uint64 {
	r, f := &c.r, &c.f
	for a := int32(0); a < f.n; a++ {
		row := r.row(m, a)
		for b := lkNext(row, 0); b >= 0; b = lkNext(row, b+1) {
			if f.ev[a].Loc != f.ev[b].Loc {
				row[b>>6] &^= 1 << uint(b&63)
			}
		}
	}
	return m
}

// srcuCriticalSections returns srcu-rscsi, relating each srcu_read_unlock
// to the srcu_read_lock it closes, and whether there is any. As in
// linux-kernel.bell, an unlock closes a lock of the same srcu_struct whose
// value (the index) reaches it through data dependencies, possibly
// carried through memory by other writes and reads-from (srcu_down_read
// on one CPU, srcu_up_read on another):
//
//	srcu-rscs = ([Srcu-lock]; (data; [~Srcu-unlock]; rf)*; data; [Srcu-unlock]) & loc
//
// It also computes the bell's SRCU flags (unmatched-srcu-lock,
// unmatched-srcu-unlock, multiple-srcu-matches, srcu-bad-value-match)
// and lock.cat's invalid-sleep (a synchronize_srcu inside an RCU critical
// section, rscsi relating RCU unlocks to locks).
func (c *lkmmChecker) srcuCriticalSections(data0, rf, rscsi []uint64) ([]uint64, bool) {
	r, f := &c.r, &c.f
	c.srcuFlags = c.srcuFlags[:0]
	srscsi := r.rel()
	if lkEmpty(c.sSrcuLock) && lkEmpty(c.sSrcuUnlock) {
		if !lkEmpty(c.sFence[model.FenceSyncSRCU]) && c.invalidSleep(rscsi) {
			c.srcuFlags = append(c.srcuFlags, "invalid-sleep")
		}
		return srscsi, false
	}
	carry := r.star(r.seq(r.rng(r.clone(data0), c.sNotSrcuUnlock), rf))
	rscs := c.sameLoc(r.rng(r.dom(r.seq(carry, data0), c.sSrcuLock), c.sSrcuUnlock))
	found, multiple, badValue := false, false, false
	matchedUnlock := r.set()
	lkEach(c.sSrcuLock, func(l int32) {
		row := r.row(rscs, l)
		n := 0
		for u := lkNext(row, 0); u >= 0; u = lkNext(row, u+1) {
			r.add(srscsi, u, l)
			lkAdd(matchedUnlock, u)
			found = true
			n++
			if f.ev[u].Val != f.ev[l].Val {
				badValue = true
			}
		}
		if n > 1 {
			multiple = true
		}
	})
	unmatchedLock := false
	lkEach(c.sSrcuLock, func(l int32) {
		if lkEmpty(r.row(rscs, l)) {
			unmatchedLock = true
		}
	})
	unmatchedUnlock := false
	lkEach(c.sSrcuUnlock, func(u int32) {
		if !lkHas(matchedUnlock, u) {
			unmatchedUnlock = true
		}
	})
	for _, fl := range []struct {
		on   bool
		name string
	}{{unmatchedLock, "unmatched-srcu-lock"}, {unmatchedUnlock, "unmatched-srcu-unlock"},
		{multiple, "multiple-srcu-matches"}, {c.invalidSleep(rscsi), "invalid-sleep"},
		{badValue, "srcu-bad-value-match"}} {
		if fl.on {
			c.srcuFlags = append(c.srcuFlags, fl.name)
		}
	}
	return srscsi, found
}

// invalidSleep reports linux-kernel.bell's invalid-sleep:
// a synchronize_srcu strictly inside an RCU read-side critical section
// (rscsi relates each rcu_read_unlock to its rcu_read_lock).
func (c *lkmmChecker) invalidSleep(rscsi []uint64) bool {
	r, f := &c.r, &c.f
	ssync := c.sFence[model.FenceSyncSRCU]
	bad := false
	for u := int32(0); u < f.n && !bad; u++ {
		row := r.row(rscsi, u)
		for l := lkNext(row, 0); l >= 0 && !bad; l = lkNext(row, l+1) {
			for v := l + 1; v < u; v++ {
				if lkHas(ssync, v) {
					bad = true
					break
				}
			}
		}
	}
	return bad
}

func equalWords(a, b []uint64) bool {
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// rcuCriticalSections returns rcu-rscsi, relating each rcu_read_unlock to
// the rcu_read_lock it closes (innermost first, as linux-kernel.bell's
// fixpoint matches them), and whether there is any.
func (c *lkmmChecker) rcuCriticalSections() ([]uint64, bool) {
	r, f := &c.r, &c.f
	lock, unlock := c.sFence[model.FenceRCULock], c.sFence[model.FenceRCUUnlock]
	rscsi := r.rel()
	if lkEmpty(lock) || lkEmpty(unlock) {
		return rscsi, false
	}
	found := false
	for t := 0; t+1 < len(f.start); t++ {
		c.rscsStack = c.rscsStack[:0]
		for v := f.start[t]; v < f.start[t+1]; v++ {
			switch {
			case lkHas(lock, v):
				c.rscsStack = append(c.rscsStack, v)
			case lkHas(unlock, v) && len(c.rscsStack) > 0:
				l := c.rscsStack[len(c.rscsStack)-1]
				c.rscsStack = c.rscsStack[:len(c.rscsStack)-1]
				r.add(rscsi, v, l)
				found = true
			}
		}
	}
	return rscsi, found
}

// plain computes the relations of linux-kernel.cat's plain-access section
// that plain-coherence, the data-race flag and Ordered need.
func (c *lkmmChecker) plain() {
	if c.plainDone {
		return
	}
	r := &c.r
	Marked := c.sMarked
	xb := r.clone(c.hb)
	lkOr(xb, c.pb)
	if c.rb != nil {
		lkOr(xb, c.rb)
	}
	xbStar := r.star(xb)

	// vis = cumul-fence*; rfe?; [Marked]; ((strong-fence; [Marked]; xbstar) | (xbstar & int))
	a := r.rng(r.seq(c.cfStar, r.addID(r.clone(c.rfe))), Marked)
	s := r.seq(r.rng(r.clone(c.strong2), Marked), xbStar)
	lkOr(s, r.intra(r.clone(xbStar)))
	vis := r.seq(a, s)

	// Bounds.
	rmbx := r.rng(r.dom(r.fencerel(c.sFence[model.FenceRmb]), c.sR4rmb), c.sNotNoret)
	wPre := r.clone(c.addr)
	lkOr(wPre, c.fence2)
	r.dom(r.addID(wPre), Marked)
	rPre := r.clone(c.addr)
	lkOr(rPre, c.nonrw, rmbx)
	r.dom(r.addID(rPre), Marked)
	wPost := r.seq(r.rng(r.addID(r.clone(c.fence2)), Marked), c.rmwseq)
	rPost := r.rng(r.dom(r.fencerel(c.sFence[model.FenceRmb]), c.sNotNoret), c.sR4rmb)
	lkOr(rPost, c.nonrw)
	r.rng(r.addID(rPost), Marked)

	sx := r.seq(c.strong2, xbStar)
	wv := r.seq(wPost, vis)
	c.wwVis = r.clone(c.fence2)
	lkOr(c.wwVis, r.seq(sx, wPre), r.seq(wv, wPre))
	c.wrVis = r.clone(c.fence2)
	lkOr(c.wrVis, r.seq(sx, rPre), r.seq(wv, rPre))
	c.rwXb = r.clone(c.fence2)
	lkOr(c.rwXb, r.seq(r.seq(rPost, xbStar), wPre))
	c.plainDone = true
}

// preRace reports whether (a, b) is in pre-race: different threads, one
// of them plain (both are accesses).
func (c *lkmmChecker) preRace(a, b int32) bool {
	return c.f.thr[a] != c.f.thr[b] && (lkHas(c.sPlain, a) || lkHas(c.sPlain, b))
}

// wwNonrace is ww-nonrace(a, b) for writes a, b.
func (c *lkmmChecker) wwNonrace(a, b int32) bool {
	r := &c.r
	return r.has(c.wwVis, a, b) &&
		(lkHas(c.sMarked, a) && lkHas(c.sW, b) || r.has(c.rwXb, a, b)) &&
		(lkHas(c.sW, a) && lkHas(c.sMarked, b) || r.has(c.wrVis, a, b))
}

// plainCoherence checks plain-coherence and computes the data-race flag.
// It returns the first incoherent pair, or ok.
func (c *lkmmChecker) plainCoherence() (a, b int32, ok bool) {
	r, f := &c.r, &c.f
	race := false
	for v := int32(0); v < f.n; v++ {
		switch f.ev[v].Kind {
		case model.EvWrite:
			// co pairs: ww-incoh and ww-race.
			row := r.row(c.co, v)
			for w := lkNext(row, 0); w >= 0; w = lkNext(row, w+1) {
				if !c.preRace(v, w) {
					continue
				}
				if r.has(c.wwVis, w, v) {
					return v, w, false
				}
				if !c.wwNonrace(v, w) && !race {
					race, c.raceA, c.raceB = true, v, w
				}
			}
		case model.EvRead:
			// rf: wr-incoh; (co?; rf): wr-race.
			if src := f.rf[v]; src >= 0 {
				if c.preRace(src, v) && r.has(c.rwXb, v, src) {
					return src, v, false
				}
				for w := int32(0); w < f.n; w++ {
					if (w == src || r.has(c.co, w, src)) && c.preRace(w, v) &&
						!r.has(c.wrVis, w, v) && !r.has(c.rwXb, v, w) && !race {
						race, c.raceA, c.raceB = true, w, v
					}
				}
			}
			// fr: rw-incoh and rw-race.
			row := r.row(c.fr, v)
			for w := lkNext(row, 0); w >= 0; w = lkNext(row, w+1) {
				if !c.preRace(v, w) {
					continue
				}
				if r.has(c.wrVis, w, v) {
					return v, w, false
				}
				if !r.has(c.rwXb, v, w) && !race {
					race, c.raceA, c.raceB = true, v, w
				}
			}
		}
	}
	c.race = race
	return -1, -1, true
}

// Flags returns the flags the last (consistent) execution raises:
// "data-race", "mixed-accesses", and linux-kernel.bell's SRCU flags.
func (c *lkmmChecker) Flags() []string {
	if !c.ok {
		return nil
	}
	if c.lazy && !c.plainAccess {
		return nil // no data race or mixed accesses without plain accesses; no SRCU (scShortcut)
	}
	mixed := c.plainAccess && c.mixedAccesses()
	c.compute()
	var fl []string
	if c.race {
		fl = append(fl, "data-race")
	}
	if mixed {
		fl = append(fl, "mixed-accesses")
	}
	return append(fl, c.srcuFlags...)
}

// mixedAccesses reports linux-kernel.cat's mixed-accesses flag on the
// loaded execution:
//
//	barrier = fencerel(Barrier | Rmb | Wmb | Mb | Sync-rcu | Sync-srcu |
//	          Before-atomic | After-atomic | Acquire | Release |
//	          Rcu-lock | Rcu-unlock | Srcu-lock | Srcu-unlock)
//	        | (po; [Release]) | ([Acquire]; po)
//	mixed-accesses = ([Plain & W]; (po-loc \ barrier); [Marked])
//	               | ([Marked]; (po-loc \ barrier); [Plain & W])
//
// that is, a CPU's plain write and a marked event of the same location
// (an access, or a synchronize_srcu of that srcu_struct: herd7's loc
// relates every event that has a location) with none of those events
// strictly between them in po, the later not a release and the earlier
// not an acquire. Acquire includes LKR, Release UL, Mb the fully ordered
// accesses (not a failed RMW) and smp_mb; smp_mb__after_spinlock,
// smp_mb__after_unlock_lock and smp_mb__after_srcu_read_unlock are not in
// the list. A kfree (a plain write of its object for ordering) is not
// Plain & W here: herd7 has no kfree, and a marked access followed by the
// kfree of its object is how objects die.
func (c *lkmmChecker) mixedAccesses() bool {
	f := &c.f
	plainW := func(v int32) bool { return f.ev[v].Kind == model.EvWrite && lkHas(c.sPlain, v) }
	// markedAt reports whether v is a Marked event of location loc.
	markedAt := func(v int32, loc int) bool {
		e := f.ev[v]
		if e.Loc != loc || !lkHas(c.sMarked, v) {
			return false
		}
		return e.IsAccess() || e.Kind == model.EvFence && e.Fence == model.FenceSyncSRCU
	}
	for p := int32(0); p < f.n; p++ {
		if !plainW(p) {
			continue
		}
		loc := f.ev[p].Loc
		// [Marked]; (po-loc \ barrier); [Plain & W], p the write: the
		// nearest barrier event before p may be the marked access itself.
		for u := p - 1; u >= c.r.lo[p]; u-- {
			if markedAt(u, loc) && !lkHas(c.sAcq, u) {
				return true
			}
			if c.mixedBarrier(u) {
				break
			}
		}
		// [Plain & W]; (po-loc \ barrier); [Marked].
		for v := p + 1; v < c.r.hi[p]; v++ {
			if markedAt(v, loc) && !lkHas(c.sRel, v) {
				return true
			}
			if c.mixedBarrier(v) {
				break
			}
		}
	}
	return false
}

// mixedBarrier reports whether v is in the set whose fencerel is in
// linux-kernel.cat's barrier relation.
func (c *lkmmChecker) mixedBarrier(v int32) bool {
	e := c.f.ev[v]
	if e.Kind == model.EvFence {
		switch e.Fence {
		case model.FenceBarrier, model.FenceRmb, model.FenceWmb, model.FenceMb,
			model.FenceSyncRCU, model.FenceSyncSRCU, model.FenceBeforeAtomic, model.FenceAfterAtomic,
			model.FenceRCULock, model.FenceRCUUnlock:
			return true
		}
		return false
	}
	return lkHas(c.sAcq, v) || lkHas(c.sRel, v) || lkHas(c.sMbR, v) || lkHas(c.sMbW, v) ||
		lkHas(c.sSrcuLock, v) || lkHas(c.sSrcuUnlock, v)
}

// Race returns the first racing pair plainCoherence found.
func (c *lkmmChecker) Race() (a, b model.EventID, ok bool) {
	if !c.ok || c.lazy && !c.plainAccess {
		return model.NoEvent, model.NoEvent, false
	}
	c.compute()
	if !c.race {
		return model.NoEvent, model.NoEvent, false
	}
	return c.f.id(c.raceA), c.f.id(c.raceB), true
}

func (c *lkmmChecker) Ordered(a, b model.EventID) bool {
	if !c.ok {
		panicUnchecked()
	}
	if a == b || b.IsInit() {
		return false
	}
	if a.IsInit() {
		return true
	}
	f := &c.f
	na, nb := f.node(a), f.node(b)
	if f.thr[na] == f.thr[nb] {
		return na < nb
	}
	if c.lazy && c.orderedQuick(na, nb) {
		return true // proved without the relations (lkmm_quick.go)
	}
	c.compute()
	c.plain()
	switch f.ev[na].Kind {
	case model.EvRead:
		return c.r.has(c.rwXb, na, nb)
	case model.EvWrite, model.EvFree:
		return c.wwNonrace(na, nb)
	}
	return false
}
