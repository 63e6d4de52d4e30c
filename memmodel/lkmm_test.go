package memmodel

import (
	"slices"
	"testing"

	"mmcheck/model"
)

// lkx builds executions for lkmm: an xb with instructions (so that the
// checker can tell atomic_add from atomic_add_return, a failed cmpxchg
// from a READ_ONCE, spin_is_locked from a load) and dependencies.
type lkx struct {
	*xb
	has  map[model.EventID]bool
	deps map[model.EventID]*model.Deps
}

func newLKX(threads, locs int) *lkx {
	return &lkx{xb: newXB(threads, locs), has: map[model.EventID]bool{}, deps: map[model.EventID]*model.Deps{}}
}

// instr gives the events (of one thread) a new instruction in.
func (b *lkx) instr(in model.Instr, ids ...model.EventID) {
	th := b.x.Prog.Threads[ids[0].Thread]
	th.Code = append(th.Code, in)
	for _, id := range ids {
		b.x.Ev(id).Instr = len(th.Code) - 1
		b.has[id] = true
	}
}

// rmwPrim adds a successful RMW of the given primitive reading from.
func (b *lkx) rmwPrim(t, loc int, from model.EventID, o model.Order, prim string, op model.RMWOp) (r, w model.EventID) {
	r, w = b.RMW(t, loc, from, o)
	dst := int32(0)
	if lkNoreturn(prim) {
		dst = -1
	}
	b.instr(model.Instr{Op: model.OpRMW, RMW: op, Prim: prim, Dst: dst, Order: o}, r, w)
	return r, w
}

// failedCmpxchg adds a cmpxchg that fails, reading from: a lone Once read.
func (b *lkx) failedCmpxchg(t, loc int, from model.EventID, o model.Order) model.EventID {
	r := b.R(t, loc, from, once)
	b.instr(model.Instr{Op: model.OpRMW, RMW: model.RMWCmpXchg, Prim: "cmpxchg", Order: o}, r)
	return r
}

// isLocked adds spin_is_locked reading from (an unlock, the initial
// value, or a lock write).
func (b *lkx) isLocked(t, loc int, from model.EventID) model.EventID {
	r := b.R(t, loc, from, once)
	if !from.IsInit() && b.x.Ev(from).RMW {
		b.x.Ev(r).Val = 1
	}
	b.instr(model.Instr{Op: model.OpIsLocked, Prim: "spin_is_locked"}, r)
	return r
}

func (b *lkx) dep(e model.EventID) *model.Deps {
	d := b.deps[e]
	if d == nil {
		d = new(model.Deps)
		b.deps[e] = d
	}
	return d
}

func (b *lkx) addr(e, from model.EventID) { b.dep(e).Addr = append(b.dep(e).Addr, from.Index) }
func (b *lkx) data(e, from model.EventID) { b.dep(e).Data = append(b.dep(e).Data, from.Index) }
func (b *lkx) ctrl(e, from model.EventID) { b.dep(e).Ctrl = append(b.dep(e).Ctrl, from.Index) }

// exec finishes the execution: every event without an instruction gets
// one of its kind, unlock writes write 0, and the dependencies are filled in.
func (b *lkx) exec() *model.Execution {
	x := b.x
	x.Deps = make([][]model.Deps, len(x.Events))
	for t, evs := range x.Events {
		x.Deps[t] = make([]model.Deps, len(evs))
		for i := range evs {
			id := model.EventID{Thread: int32(t), Index: int32(i)}
			if d := b.deps[id]; d != nil {
				x.Deps[t][i] = *d
			}
			e := &evs[i]
			if e.Kind == model.EvWrite && e.Lock && !e.RMW {
				e.Val = 0
			}
			if b.has[id] {
				continue
			}
			op := map[model.EventKind]model.Op{model.EvRead: model.OpLoad, model.EvWrite: model.OpStore,
				model.EvFence: model.OpFence, model.EvFree: model.OpFree}[e.Kind]
			switch {
			case e.Lock && e.RMW:
				op = model.OpLock
			case e.Lock:
				op = model.OpUnlock
			case e.RMW:
				op = model.OpRMW
			}
			if e.RMW && e.Kind == model.EvWrite && i > 0 && evs[i-1].RMW {
				e.Instr = evs[i-1].Instr // the read half's instruction
				continue
			}
			th := x.Prog.Threads[t]
			th.Code = append(th.Code, model.Instr{Op: op, Order: e.Order, Fence: e.Fence, Dst: 0})
			e.Instr = len(th.Code) - 1
		}
	}
	return x
}

const lk = u // the spinlock's location in the lock shapes

// lkShape is an execution of a litmus test's outcome with lkmm's verdict:
// "" when consistent, else the axiom that rejects it. herd names the
// kernel's tools/memory-model/litmus-tests file it comes from (with herd7's
// observation of the exists clause), "" for shapes made up here.
type lkShape struct {
	name, herd    string
	threads, locs int
	build         func(b *lkx)
	want          string
	race          bool // the data-race flag (consistent executions)
}

var lkShapes = []lkShape{
	// Coherence.
	{"CoRR", "CoRR+poonceonce+Once Never", 2, 1, func(b *lkx) {
		w := b.W(0, x, once)
		b.R(1, x, w, once)
		b.R(1, x, ini(x), once)
	}, "coherence", false},
	{"CoRW", "CoRW+poonceonce+Once Never", 2, 1, func(b *lkx) {
		r := b.R(0, x, model.EventID{Thread: 1, Index: 0}, once)
		w1 := b.W(0, x, once)
		w2 := b.W(1, x, once)
		_ = r
		b.co(x, w1, w2)
	}, "coherence", false},
	{"CoWR", "CoWR+poonceonce+Once Never", 2, 1, func(b *lkx) {
		w1 := b.W(0, x, once)
		b.R(0, x, model.EventID{Thread: 1, Index: 0}, once)
		w2 := b.W(1, x, once)
		b.co(x, w2, w1)
	}, "coherence", false},
	{"CoWW", "CoWW+poonceonce Never", 1, 1, func(b *lkx) {
		w1 := b.W(0, x, once)
		w2 := b.W(0, x, once)
		b.co(x, w2, w1)
	}, "coherence", false},
	{"atomicity", "", 2, 1, func(b *lkx) {
		r, w := b.rmwPrim(0, x, ini(x), once, "atomic_inc", model.RMWAdd)
		_ = r
		w1 := b.W(1, x, once)
		b.co(x, w1, w)
	}, "atomic", false},

	// Message passing.
	{"MP", "MP+poonceonces Sometimes", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		w := b.W(0, y, once)
		b.R(1, y, w, once)
		b.R(1, x, ini(x), once)
	}, "", false},
	{"MP+release+acquire", "MP+pooncerelease+poacquireonce Never", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		w := b.W(0, y, rel)
		b.R(1, y, w, acq)
		b.R(1, x, ini(x), once)
	}, "happens-before", false},
	{"MP+wmb+rmb", "MP+fencewmbonceonce+fencermbonceonce Never", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceWmb)
		w := b.W(0, y, once)
		b.R(1, y, w, once)
		b.F(1, model.FenceRmb)
		b.R(1, x, ini(x), once)
	}, "happens-before", false},
	{"MP+wmb+addr", "MP+onceassign+derefonce Never (the rcu_read_lock()s are no-ops here)", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		w := b.W(0, y, rel) // rcu_assign_pointer
		b.F(1, model.FenceRCULock)
		r := b.R(1, y, w, once) // rcu_dereference
		r2 := b.R(1, x, ini(x), once)
		b.F(1, model.FenceRCUUnlock)
		b.addr(r2, r)
	}, "happens-before", false},

	// Store buffering, R, S, LB.
	{"SB", "SB+poonceonces Sometimes", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.R(1, x, ini(x), once)
	}, "", false},
	{"SB+mbs", "SB+fencembonceonces Never", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.F(1, model.FenceMb)
		b.R(1, x, ini(x), once)
	}, "propagation", false},
	{"SB+rfi", "SB+rfionceonce-poonceonces Sometimes", 2, 2, func(b *lkx) {
		w := b.W(0, x, once)
		b.R(0, x, w, once)
		b.R(0, y, ini(y), once)
		w = b.W(1, y, once)
		b.R(1, y, w, once)
		b.R(1, x, ini(x), once)
	}, "", false},
	{"R+mbs", "R+fencembonceonces Never", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		w1 := b.W(0, y, once)
		w2 := b.W(1, y, once)
		b.F(1, model.FenceMb)
		b.R(1, x, ini(x), once)
		b.co(y, w1, w2)
	}, "propagation", false},
	{"R", "R+poonceonces Sometimes", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		w1 := b.W(0, y, once)
		w2 := b.W(1, y, once)
		b.R(1, x, ini(x), once)
		b.co(y, w1, w2)
	}, "", false},
	{"S+wmb+acquire", "S+fencewmbonceonce+poacquireonce Never", 2, 2, func(b *lkx) {
		w2 := b.W(0, x, once)
		b.F(0, model.FenceWmb)
		wy := b.W(0, y, once)
		b.R(1, y, wy, acq)
		w1 := b.W(1, x, once)
		b.co(x, w1, w2)
	}, "happens-before", false},
	{"S", "S+poonceonces Sometimes", 2, 2, func(b *lkx) {
		w2 := b.W(0, x, once)
		wy := b.W(0, y, once)
		b.R(1, y, wy, once)
		w1 := b.W(1, x, once)
		b.co(x, w1, w2)
	}, "", false},
	{"LB", "LB+poonceonces Sometimes", 2, 2, func(b *lkx) {
		b.R(0, x, model.EventID{Thread: 1, Index: 1}, once)
		b.W(0, y, once)
		b.R(1, y, model.EventID{Thread: 0, Index: 1}, once)
		b.W(1, x, once)
	}, "", false},
	{"LB+acquire+release", "LB+poacquireonce+pooncerelease Never", 2, 2, func(b *lkx) {
		b.R(0, x, model.EventID{Thread: 1, Index: 1}, once)
		b.W(0, y, rel)
		b.R(1, y, model.EventID{Thread: 0, Index: 1}, acq)
		b.W(1, x, once)
	}, "happens-before", false},
	{"LB+mb+ctrl", "LB+fencembonceonce+ctrlonceonce Never", 2, 2, func(b *lkx) {
		r := b.R(0, x, model.EventID{Thread: 1, Index: 2}, once)
		w := b.W(0, y, once)
		b.ctrl(w, r)
		b.R(1, y, w, once)
		b.F(1, model.FenceMb)
		b.W(1, x, once)
	}, "happens-before", false},
	{"LB+ctrl+ctrl", "", 2, 2, func(b *lkx) {
		r := b.R(0, x, model.EventID{Thread: 1, Index: 1}, once)
		w := b.W(0, y, once)
		b.ctrl(w, r)
		r = b.R(1, y, w, once)
		w = b.W(1, x, once)
		b.ctrl(w, r)
	}, "happens-before", false},
	{"LB+data+nothing", "", 2, 2, func(b *lkx) {
		r := b.R(0, x, model.EventID{Thread: 1, Index: 1}, once)
		w := b.W(0, y, once)
		b.data(w, r)
		b.R(1, y, w, once)
		b.W(1, x, once)
	}, "", false},
	{"dep+plain", "dep+plain Never: dependencies carried through plain memory", 2, 4, func(b *lkx) {
		wx := model.EventID{Thread: 1, Index: 1}
		rx := b.R(0, x, wx, once)
		w1 := b.W(0, z, plain)
		b.data(w1, rx)
		r1 := b.R(0, z, w1, plain)
		w2 := b.W(0, u, plain)
		b.data(w2, r1)
		r2 := b.R(0, u, w2, plain)
		wy := b.W(0, y, once)
		b.ctrl(wy, r2)
		ry := b.R(1, y, wy, acq)
		b.W(1, x, rel)
		b.data(wx, ry)
	}, "happens-before", false},
	{"dep+plain without carrying", "", 2, 4, func(b *lkx) {
		wx := model.EventID{Thread: 1, Index: 1}
		b.R(0, x, wx, once)
		w1 := b.W(0, z, plain) // a constant: no dependency to carry
		r1 := b.R(0, z, w1, plain)
		wy := b.W(0, y, once)
		b.ctrl(wy, r1)
		ry := b.R(1, y, wy, acq)
		b.W(1, x, rel)
		b.data(wx, ry)
	}, "", false},

	// Cumulativity.
	{"WRC", "WRC+poonceonces+Once Sometimes", 3, 2, func(b *lkx) {
		wx := b.W(0, x, once)
		b.R(1, x, wx, once)
		wy := b.W(1, y, once)
		b.R(2, y, wy, once)
		b.R(2, x, ini(x), once)
	}, "", false},
	{"WRC+release+rmb", "WRC+pooncerelease+fencermbonceonce+Once Never", 3, 2, func(b *lkx) {
		wx := b.W(0, x, once)
		b.R(1, x, wx, once)
		wy := b.W(1, y, rel)
		b.R(2, y, wy, once)
		b.F(2, model.FenceRmb)
		b.R(2, x, ini(x), once)
	}, "happens-before", false},
	{"ISA2", "ISA2+poonceonces Sometimes", 3, 3, func(b *lkx) {
		b.W(0, x, once)
		wy := b.W(0, y, once)
		b.R(1, y, wy, once)
		wz := b.W(1, z, once)
		b.R(2, z, wz, once)
		b.R(2, x, ini(x), once)
	}, "", false},
	{"ISA2+release+acquire", "ISA2+pooncerelease+poacquirerelease+poacquireonce Never", 3, 3, func(b *lkx) {
		b.W(0, x, once)
		wy := b.W(0, y, rel)
		b.R(1, y, wy, acq)
		wz := b.W(1, z, rel)
		b.R(2, z, wz, acq)
		b.R(2, x, ini(x), once)
	}, "happens-before", false},
	{"Z6.0+release+acquire+mb", "Z6.0+pooncerelease+poacquirerelease+fencembonceonce Sometimes", 3, 3, func(b *lkx) {
		b.W(0, x, once)
		wy := b.W(0, y, rel)
		b.R(1, y, wy, acq)
		wz1 := b.W(1, z, rel)
		wz2 := b.W(2, z, once)
		b.F(2, model.FenceMb)
		b.R(2, x, ini(x), once)
		b.co(z, wz1, wz2)
	}, "", false},
	{"IRIW", "IRIW+poonceonces+OnceOnce Sometimes", 4, 2, func(b *lkx) {
		wx := b.W(0, x, once)
		b.R(1, x, wx, once)
		b.R(1, y, ini(y), once)
		wy := b.W(2, y, once)
		b.R(3, y, wy, once)
		b.R(3, x, ini(x), once)
	}, "", false},
	{"IRIW+mbs", "IRIW+fencembonceonces+OnceOnce Never", 4, 2, func(b *lkx) {
		wx := b.W(0, x, once)
		b.R(1, x, wx, once)
		b.F(1, model.FenceMb)
		b.R(1, y, ini(y), once)
		wy := b.W(2, y, once)
		b.R(3, y, wy, once)
		b.F(3, model.FenceMb)
		b.R(3, x, ini(x), once)
	}, "propagation", false},

	// Fully ordered, relaxed, non-returning and failed RMWs.
	{"SB+xchgs", "", 2, 3, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.rmwPrim(1, z, ini(z), mb, "xchg", model.RMWXchg)
		b.R(1, x, ini(x), once)
	}, "propagation", false},
	{"SB+xchg_relaxed", "", 2, 3, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.rmwPrim(1, z, ini(z), once, "xchg_relaxed", model.RMWXchg)
		b.R(1, x, ini(x), once)
	}, "", false},
	{"SB+failed cmpxchg", "", 2, 3, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.failedCmpxchg(1, z, ini(z), mb)
		b.R(1, x, ini(x), once)
	}, "", false},
	{"SB+before_atomic+atomic_inc", "", 2, 3, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.F(1, model.FenceBeforeAtomic)
		b.rmwPrim(1, z, ini(z), once, "atomic_inc", model.RMWAdd)
		b.R(1, x, ini(x), once)
	}, "propagation", false},
	{"SB+before_atomic+failed cmpxchg", "", 2, 3, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.F(1, model.FenceBeforeAtomic)
		b.failedCmpxchg(1, z, ini(z), once) // still in herd's RMW set
		b.R(1, x, ini(x), once)
	}, "propagation", false},
	{"SB+before_atomic+READ_ONCE", "", 2, 3, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.F(1, model.FenceBeforeAtomic)
		b.R(1, z, ini(z), once)
		b.R(1, x, ini(x), once)
	}, "", false},
	{"SB+atomic_inc+after_atomic", "", 2, 3, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceMb)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.rmwPrim(1, z, ini(z), once, "atomic_inc", model.RMWAdd)
		b.F(1, model.FenceAfterAtomic)
		b.R(1, x, ini(x), once)
	}, "propagation", false},
	{"MP+wmb+atomic_add_return_relaxed+rmb", "", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceWmb)
		wy := b.W(0, y, once)
		b.rmwPrim(1, y, wy, once, "atomic_add_return_relaxed", model.RMWAdd)
		b.F(1, model.FenceRmb)
		b.R(1, x, ini(x), once)
	}, "happens-before", false},
	{"MP+wmb+atomic_add+rmb", "smp_rmb does not order Noreturn reads", 2, 2, func(b *lkx) {
		b.W(0, x, once)
		b.F(0, model.FenceWmb)
		wy := b.W(0, y, once)
		b.rmwPrim(1, y, wy, once, "atomic_add", model.RMWAdd)
		b.F(1, model.FenceRmb)
		b.R(1, x, ini(x), once)
	}, "", false},

	// Locks.
	{"MP+polocks", "MP+polocks Never", 2, 4, func(b *lkx) {
		b.W(0, x, once)
		b.Lock(0, lk, ini(lk))
		wy := b.W(0, y, once)
		ul := b.Unlock(0, lk)
		b.Lock(1, lk, ul)
		b.R(1, y, wy, once)
		b.Unlock(1, lk)
		b.R(1, x, ini(x), once)
	}, "happens-before", false},
	{"MP+porevlocks", "MP+porevlocks Never", 2, 4, func(b *lkx) {
		wy := model.EventID{Thread: 1, Index: 4}
		b.R(0, y, wy, once)
		b.Lock(0, lk, ini(lk))
		b.R(0, x, ini(x), once)
		ul := b.Unlock(0, lk)
		b.Lock(1, lk, ul)
		b.W(1, x, once)
		b.Unlock(1, lk)
		b.W(1, y, once)
	}, "happens-before", false},
	{"MP+unlocklock+rmb", "MP+unlocklockonceonce+fencermbonceonce Never", 2, 4, func(b *lkx) {
		// Two different locks: u and z.
		b.Lock(0, lk, ini(lk))
		b.W(0, x, once)
		b.Unlock(0, lk)
		b.Lock(0, z, ini(z))
		wy := b.W(0, y, once)
		b.Unlock(0, z)
		b.R(1, y, wy, once)
		b.F(1, model.FenceRmb)
		b.R(1, x, ini(x), once)
	}, "happens-before", false},
	{"LB+unlocklock+acquire", "LB+unlocklockonceonce+poacquireonce Never", 2, 4, func(b *lkx) {
		b.Lock(0, lk, ini(lk))
		b.R(0, x, model.EventID{Thread: 1, Index: 1}, once)
		b.Unlock(0, lk)
		b.Lock(0, z, ini(z))
		wy := b.W(0, y, once)
		b.Unlock(0, z)
		b.R(1, y, wy, acq)
		b.W(1, x, once)
	}, "happens-before", false},
	{"ISA2+locks+mb", "ISA2+pooncelock+pooncelock+pombonce Never", 3, 4, func(b *lkx) {
		b.Lock(0, lk, ini(lk))
		b.W(0, x, once)
		wy := b.W(0, y, once)
		ul := b.Unlock(0, lk)
		b.Lock(1, lk, ul)
		b.R(1, y, wy, once)
		wz := b.W(1, z, once)
		b.Unlock(1, lk)
		b.R(2, z, wz, once)
		b.F(2, model.FenceMb)
		b.R(2, x, ini(x), once)
	}, "happens-before", false},
	{"Z6.0+locks+mb", "Z6.0+pooncelock+pooncelock+pombonce Sometimes", 3, 4, func(b *lkx) {
		b.Lock(0, lk, ini(lk))
		b.W(0, x, once)
		wy := b.W(0, y, once)
		ul := b.Unlock(0, lk)
		b.Lock(1, lk, ul)
		b.R(1, y, wy, once)
		wz1 := b.W(1, z, once)
		b.Unlock(1, lk)
		wz2 := b.W(2, z, once)
		b.F(2, model.FenceMb)
		b.R(2, x, ini(x), once)
		b.co(z, wz1, wz2)
	}, "", false},
	{"Z6.0+locks+after_spinlock+mb", "Z6.0+pooncelock+poonceLock+pombonce Never", 3, 4, func(b *lkx) {
		b.Lock(0, lk, ini(lk))
		b.W(0, x, once)
		wy := b.W(0, y, once)
		ul := b.Unlock(0, lk)
		b.Lock(1, lk, ul)
		b.F(1, model.FenceAfterSpinlock)
		b.R(1, y, wy, once)
		wz1 := b.W(1, z, once)
		b.Unlock(1, lk)
		wz2 := b.W(2, z, once)
		b.F(2, model.FenceMb)
		b.R(2, x, ini(x), once)
		b.co(z, wz1, wz2)
	}, "propagation", false},
	{"MP+lock+is_locked", "MP+polockonce+poacquiresilsil Sometimes", 2, 4, func(b *lkx) {
		_, lkw := b.Lock(0, lk, ini(lk))
		wx := b.W(0, x, once)
		b.Unlock(0, lk)
		b.R(1, x, wx, acq)
		b.isLocked(1, lk, ini(lk))
		b.isLocked(1, lk, lkw)
	}, "", false},
	{"MP+lock+after_spinlock+is_locked", "MP+polockmbonce+poacquiresilsil Never", 2, 4, func(b *lkx) {
		_, lkw := b.Lock(0, lk, ini(lk))
		b.F(0, model.FenceAfterSpinlock)
		wx := b.W(0, x, once)
		b.Unlock(0, lk)
		b.R(1, x, wx, acq)
		b.isLocked(1, lk, ini(lk))
		b.isLocked(1, lk, lkw)
	}, "happens-before", false}, // RU fre LKW mb Wx rfe Rx: (prop \ id) ∩ int
	{"lock-nest", "spin_lock twice (not an explorer execution: the second lock reads a held lock)", 1, 4, func(b *lkx) {
		_, w := b.Lock(0, lk, ini(lk))
		b.Lock(0, lk, w)
	}, "lock-nest", false},

	// RCU.
	{"RCU guarantee", "a critical section cannot span a grace period", 2, 2, func(b *lkx) {
		wx := model.EventID{Thread: 1, Index: 2}
		b.F(0, model.FenceRCULock)
		b.R(0, x, wx, once)
		b.R(0, y, ini(y), once)
		b.F(0, model.FenceRCUUnlock)
		b.W(1, y, once)
		b.F(1, model.FenceSyncRCU)
		b.W(1, x, once)
	}, "rcu", false},
	{"RCU guarantee, nested", "", 2, 2, func(b *lkx) {
		wx := model.EventID{Thread: 1, Index: 2}
		b.F(0, model.FenceRCULock)
		b.F(0, model.FenceRCULock)
		b.R(0, x, wx, once)
		b.F(0, model.FenceRCUUnlock)
		b.R(0, y, ini(y), once)
		b.F(0, model.FenceRCUUnlock)
		b.W(1, y, once)
		b.F(1, model.FenceSyncRCU)
		b.W(1, x, once)
	}, "rcu", false},
	{"RCU: a critical section extends forward from rcu_read_lock", "", 2, 2, func(b *lkx) {
		wx := model.EventID{Thread: 1, Index: 2}
		b.F(0, model.FenceRCULock)
		b.R(0, x, wx, once)
		b.F(0, model.FenceRCUUnlock)
		b.R(0, y, ini(y), once)
		b.W(1, y, once)
		b.F(1, model.FenceSyncRCU)
		b.W(1, x, once)
	}, "rcu", false},
	{"RCU: a read before rcu_read_lock is not covered", "", 2, 2, func(b *lkx) {
		wx := model.EventID{Thread: 1, Index: 2}
		b.R(0, y, ini(y), once)
		b.F(0, model.FenceRCULock)
		b.R(0, x, wx, once)
		b.F(0, model.FenceRCUUnlock)
		b.W(1, y, once)
		b.F(1, model.FenceSyncRCU)
		b.W(1, x, once)
	}, "", false},
	{"RCU without grace period", "", 2, 2, func(b *lkx) {
		wx := model.EventID{Thread: 1, Index: 1}
		b.F(0, model.FenceRCULock)
		b.R(0, x, wx, once)
		b.R(0, y, ini(y), once)
		b.F(0, model.FenceRCUUnlock)
		b.W(1, y, once)
		b.W(1, x, once)
	}, "", false},
	{"RCU LB, 1 grace period, 2 critical sections", "", 3, 3, func(b *lkx) {
		b.F(0, model.FenceRCULock)
		b.R(0, x, model.EventID{Thread: 2, Index: 2}, once)
		b.W(0, y, once)
		b.F(0, model.FenceRCUUnlock)
		b.R(1, y, model.EventID{Thread: 0, Index: 2}, once)
		b.F(1, model.FenceSyncRCU)
		b.W(1, z, once)
		b.F(2, model.FenceRCULock)
		b.R(2, z, model.EventID{Thread: 1, Index: 2}, once)
		b.W(2, x, once)
		b.F(2, model.FenceRCUUnlock)
	}, "", false},
	{"RCU LB, 2 grace periods, 2 critical sections", "", 4, 4, func(b *lkx) {
		b.F(0, model.FenceRCULock)
		b.R(0, x, model.EventID{Thread: 3, Index: 2}, once)
		b.W(0, y, once)
		b.F(0, model.FenceRCUUnlock)
		b.R(1, y, model.EventID{Thread: 0, Index: 2}, once)
		b.F(1, model.FenceSyncRCU)
		b.W(1, z, once)
		b.F(2, model.FenceRCULock)
		b.R(2, z, model.EventID{Thread: 1, Index: 2}, once)
		b.W(2, u, once)
		b.F(2, model.FenceRCUUnlock)
		b.R(3, u, model.EventID{Thread: 2, Index: 2}, once)
		b.F(3, model.FenceSyncRCU)
		b.W(3, x, once)
	}, "rcu", false},

	// Plain accesses.
	{"MP+plain", "a data race: plain x written and read unordered", 2, 2, func(b *lkx) {
		b.W(0, x, plain)
		w := b.W(0, y, once)
		b.R(1, y, w, once)
		b.R(1, x, ini(x), plain)
	}, "", true},
	{"MP+plain, reading the data", "", 2, 2, func(b *lkx) {
		wx := b.W(0, x, plain)
		w := b.W(0, y, once)
		b.R(1, y, w, once)
		b.R(1, x, wx, plain)
	}, "", true},
	{"MP+plain+release+acquire", "no race: the release/acquire orders the plain accesses", 2, 2, func(b *lkx) {
		wx := b.W(0, x, plain)
		w := b.W(0, y, rel)
		b.R(1, y, w, acq)
		b.R(1, x, wx, plain)
	}, "", false},
	{"MP+plain+release+acquire, stale", "the plain read cannot miss the write", 2, 2, func(b *lkx) {
		b.W(0, x, plain)
		w := b.W(0, y, rel)
		b.R(1, y, w, acq)
		b.R(1, x, ini(x), plain)
	}, "plain-coherence", false},
	{"plain write, marked read", "", 2, 1, func(b *lkx) {
		w := b.W(0, x, plain)
		b.R(1, x, w, once)
	}, "", true},
	{"marked accesses do not race", "", 2, 1, func(b *lkx) {
		w := b.W(0, x, once)
		b.R(1, x, w, once)
		b.W(1, x, once)
	}, "", false},
}

func TestLKMMShapes(t *testing.T) {
	c := LKMM.NewChecker()
	for _, s := range lkShapes {
		b := newLKX(s.threads, s.locs)
		s.build(b)
		x := b.exec()
		got := ""
		if f := c.Check(x); f != nil {
			got = f.Axiom
		}
		if got != s.want {
			t.Errorf("%s (%s): got %s, want %s\n%s", s.name, s.herd, verdict(got), verdict(s.want), lkDump(x))
			continue
		}
		if got == "" {
			race := slices.Contains(c.(Flagger).Flags(), "data-race")
			if race != s.race {
				t.Errorf("%s: data race %v, want %v", s.name, race, s.race)
			}
		}
	}
}

// TestLKMMMixedAccesses checks linux-kernel.cat's mixed-accesses flag: a
// plain write and a marked event of the same location in one CPU, with no
// barrier between them (barrier(), smp_rmb, smp_wmb, smp_mb, an acquire
// or release, a fully ordered RMW, RCU and SRCU events, ...), the later
// not a release and the earlier not an acquire.
func TestLKMMMixedAccesses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(b *lkx)
		want  bool
	}{
		{"plain write, READ_ONCE", func(b *lkx) {
			w := b.W(0, x, plain)
			b.R(0, x, w, once)
		}, true},
		{"plain write, barrier(), READ_ONCE", func(b *lkx) {
			w := b.W(0, x, plain)
			b.F(0, model.FenceBarrier)
			b.R(0, x, w, once)
		}, false},
		{"plain write, smp_rmb, READ_ONCE", func(b *lkx) {
			w := b.W(0, x, plain)
			b.F(0, model.FenceRmb)
			b.R(0, x, w, once)
		}, false},
		{"plain write, smp_mb__after_spinlock (not in barrier), READ_ONCE", func(b *lkx) {
			w := b.W(0, x, plain)
			b.F(0, model.FenceAfterSpinlock)
			b.R(0, x, w, once)
		}, true},
		{"WRITE_ONCE, plain write", func(b *lkx) {
			b.W(0, x, once)
			b.W(0, x, plain)
		}, true},
		{"smp_store_release, plain write (the release is the earlier)", func(b *lkx) {
			b.W(0, x, rel)
			b.W(0, x, plain)
		}, true},
		{"smp_load_acquire, plain write", func(b *lkx) {
			b.R(0, x, ini(x), acq)
			b.W(0, x, plain)
		}, false},
		{"xchg_acquire, plain write (its write half is not an Acquire)", func(b *lkx) {
			b.rmwPrim(0, x, ini(x), acq, "xchg_acquire", model.RMWXchg)
			b.W(0, x, plain)
		}, true},
		{"plain write, smp_store_release", func(b *lkx) {
			b.W(0, x, plain)
			b.W(0, x, rel)
		}, false},
		{"plain write, smp_load_acquire of another location, READ_ONCE", func(b *lkx) {
			w := b.W(0, x, plain)
			b.R(0, y, ini(y), acq)
			b.R(0, x, w, once)
		}, false},
		{"plain write, xchg of another location, READ_ONCE", func(b *lkx) {
			w := b.W(0, x, plain)
			b.rmwPrim(0, y, ini(y), mb, "xchg", model.RMWXchg)
			b.R(0, x, w, once)
		}, false},
		{"plain write, failed cmpxchg of another location, READ_ONCE", func(b *lkx) {
			w := b.W(0, x, plain)
			b.failedCmpxchg(0, y, ini(y), mb)
			b.R(0, x, w, once)
		}, true},
		{"plain write, spin_lock, READ_ONCE", func(b *lkx) {
			w := b.W(0, x, plain)
			b.Lock(0, lk, ini(lk))
			b.R(0, x, w, once)
		}, false},
		// A kfree is not a Plain & W here. (Each shape has a plain access
		// elsewhere, so that the checker looks for the flag at all.)
		{"READ_ONCE, kfree", func(b *lkx) {
			b.R(0, x, ini(x), once)
			b.Free(0, x)
			b.R(1, y, ini(y), plain)
		}, false},
		{"WRITE_ONCE, kfree, then a plain write", func(b *lkx) {
			b.W(0, x, once)
			b.Free(0, x)
			b.W(0, y, plain)
		}, false},
		{"atomic_dec_and_test, kfree", func(b *lkx) {
			b.rmwPrim(0, x, ini(x), mb, "atomic_dec_and_test", model.RMWSub)
			b.Free(0, x)
			b.R(1, y, ini(y), plain)
		}, false},
		{"plain write, READ_ONCE of another location", func(b *lkx) {
			b.W(0, x, plain)
			b.R(0, y, ini(y), once)
		}, false},
		{"plain read, WRITE_ONCE", func(b *lkx) {
			b.R(0, x, ini(x), plain)
			b.W(0, x, once)
		}, false},
		{"plain write and READ_ONCE on different CPUs", func(b *lkx) {
			w := b.W(0, x, plain)
			b.R(1, x, w, once)
		}, false},
	} {
		b := newLKX(2, 4)
		tc.build(b)
		x := b.exec()
		c := LKMM.NewChecker()
		if f := c.Check(x); f != nil {
			t.Errorf("%s: inconsistent (%s)\n%s", tc.name, f.Axiom, lkDump(x))
			continue
		}
		if got := slices.Contains(c.(Flagger).Flags(), "mixed-accesses"); got != tc.want {
			t.Errorf("%s: mixed-accesses %v, want %v\n%s", tc.name, got, tc.want, lkDump(x))
		}
	}
}

func TestLKMMModel(t *testing.T) {
	if err := Validate([]*Model{LKMM}); err != nil {
		t.Fatal(err)
	}
	if !LKMM.LoadBuffering || !LKMM.NeedsDeps || LKMM.MaximalConsistent {
		t.Error("lkmm: LoadBuffering and NeedsDeps must be set, MaximalConsistent not")
	}
	for _, p := range []string{"rcu_read_lock", "rcu_read_unlock", "synchronize_rcu", "synchronize_rcu_expedited",
		"smp_load_acquire", "spin_trylock", "atomic_add", "cmpxchg_release",
		"srcu_read_lock", "srcu_read_unlock", "synchronize_srcu", "srcu_down_read", "smp_mb__after_srcu_read_unlock"} {
		if !LKMM.SupportsPrim(p) {
			t.Errorf("lkmm does not support %s", p)
		}
	}
	for _, m := range Chain {
		if m.SupportsPrim("srcu_read_lock") || m.SupportsPrim("synchronize_srcu") {
			t.Errorf("%s claims SRCU", m.Name)
		}
	}
	if len(LKMM.Axioms) != 9 || LKMM.Axioms[0] != "coherence" {
		t.Errorf("axioms %v", LKMM.Axioms)
	}
}

// TestLKMMOrdered checks use-after-free ordering: an access of another
// CPU is ordered before a kfree exactly when it does not race with it.
func TestLKMMOrdered(t *testing.T) {
	c := LKMM.NewChecker()
	check := func(name string, b *lkx, a, f model.EventID, want bool) {
		t.Helper()
		x := b.exec()
		if fail := c.Check(x); fail != nil {
			t.Fatalf("%s: inconsistent (%s)", name, fail.Axiom)
		}
		if got := c.Ordered(a, f); got != want {
			t.Errorf("%s: Ordered(%v, %v) = %v, want %v\n%s", name, a, f, got, want, lkDump(x))
		}
	}

	// Message passing into a kfree.
	for _, o := range []struct {
		w, r model.Order
		want bool
	}{{once, once, false}, {rel, acq, true}, {rel, once, false}, {once, acq, false}} {
		b := newLKX(2, 2)
		a := b.W(0, x, once)
		w := b.W(0, y, o.w)
		r := b.R(1, y, w, o.r)
		f := b.Free(1, x)
		b.ctrl(f, r)
		check("MP "+o.w.String()+"/"+o.r.String(), b, a, f, o.want)
	}
	// A read before the release.
	b := newLKX(2, 2)
	a := b.R(0, x, ini(x), once)
	w := b.W(0, y, rel)
	b.R(1, y, w, acq)
	f := b.Free(1, x)
	check("read, release, acquire", b, a, f, true)
	// smp_wmb/smp_rmb do not order a read before the free.
	b = newLKX(2, 2)
	a = b.R(0, x, ini(x), once)
	b.F(0, model.FenceWmb)
	w = b.W(0, y, once)
	b.R(1, y, w, once)
	b.F(1, model.FenceRmb)
	f = b.Free(1, x)
	check("read, wmb, rmb", b, a, f, false)

	// The refcount idiom: the last atomic_dec_and_test frees.
	for _, o := range []struct {
		order model.Order
		prim  string
		want  bool
	}{{mb, "atomic_dec_and_test", true}, {once, "atomic_dec_return_relaxed", false}, {once, "atomic_dec", false}} {
		b := newLKX(2, 2)
		a := b.R(0, x, ini(x), plain)
		_, w := b.rmwPrim(0, y, ini(y), o.order, o.prim, model.RMWSub)
		r, _ := b.rmwPrim(1, y, w, o.order, o.prim, model.RMWSub)
		f := b.Free(1, x)
		b.ctrl(f, r)
		check("refcount "+o.prim, b, a, f, o.want)
	}
	// The free's own CPU: program order.
	b = newLKX(1, 1)
	a = b.W(0, x, plain)
	f = b.Free(0, x)
	a2 := b.R(0, x, a, plain)
	check("same CPU, before", b, a, f, true)
	check("same CPU, after", b, a2, f, false)
	check("initial write", b, ini(x), f, true)
}

func TestLKMMOrderedWithoutCheckPanics(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	c := LKMM.NewChecker()
	mustPanic("no Check", func() { c.Ordered(ini(x), model.EventID{}) })
	b := newLKX(1, 1)
	w1 := b.W(0, x, once)
	w2 := b.W(0, x, once)
	b.co(x, w2, w1)
	if c.Check(b.exec()) == nil {
		t.Fatal("CoWW is consistent")
	}
	mustPanic("failed Check", func() { c.Ordered(w1, w2) })
	if fl := c.(Flagger).Flags(); fl != nil {
		t.Errorf("flags %v after a failed Check", fl)
	}
}

// lkRCUChain builds the RCU LB cycle of the big corpus tests: n CPUs,
// CPU i reads a[i] (written by CPU i-1) and writes a[i+1]; the CPUs in gp
// separate them with synchronize_rcu, the others are readers.
func lkRCUChain(gp []bool) *model.Execution {
	n := len(gp)
	b := newLKX(n, n)
	for i := 0; i < n; i++ {
		prev := (i + n - 1) % n
		from := model.EventID{Thread: int32(prev), Index: 2}
		if gp[i] {
			b.R(i, i, from, once)
			b.F(i, model.FenceSyncRCU)
			b.W(i, (i+1)%n, once)
		} else {
			b.F(i, model.FenceRCULock)
			b.R(i, i, from, once)
			b.W(i, (i+1)%n, once)
			b.F(i, model.FenceRCUUnlock)
		}
	}
	return b.exec()
}

func TestLKMMRCUChains(t *testing.T) {
	c := LKMM.NewChecker()
	for _, tc := range []struct {
		gp   string // G for a grace period, R for a reader
		want string
	}{
		{"GR", "rcu"}, {"GGR", "rcu"}, {"GRR", ""}, {"GRGR", "rcu"}, {"GRRG", "rcu"},
		{"GGRRR", ""}, {"RRGGRRGG", "rcu"}, {"RRRGGRRG", ""}, {"GG", "happens-before"},
	} {
		var gp []bool
		for _, ch := range tc.gp {
			gp = append(gp, ch == 'G')
		}
		got := ""
		if f := c.Check(lkRCUChain(gp)); f != nil {
			got = f.Axiom
		}
		if got != tc.want {
			t.Errorf("RCU chain %s: got %s, want %s", tc.gp, verdict(got), verdict(tc.want))
		}
	}
}

func BenchmarkLKMMCheck(b *testing.B) {
	gp := make([]bool, 19)
	for i := range gp {
		gp[i] = i%3 == 0
	}
	x := lkRCUChain(gp)
	c := LKMM.NewChecker()
	b.ReportAllocs()
	for b.Loop() {
		c.Check(x)
	}
}
