package memmodel

import "mmcheck/model"

// TSO is x86-TSO (Owens, Sarkar, Sewell, "A better x86 memory model:
// x86-TSO", TPHOLs 2009) as herd's x86tso.cat states it: each CPU's
// writes wait in a FIFO store buffer, so a read may be satisfied before
// the CPU's earlier writes reach memory, and nothing else is reordered.
//
// Axioms, checked in this order (herd leaves the first two unnamed and
// calls the third "tso"; the names here follow the relations):
//
//	uniproc    acyclic(po-loc ∪ rf ∪ co ∪ fr)
//	atomicity  empty(rmw ∩ (fre; coe))
//	ghb        acyclic(ppo ∪ rfe ∪ co ∪ fr ∪ mfence ∪ implied)
//
// where ppo = po \ (W×R); mfence relates accesses on either side of a full
// barrier (smp_mb, smp_mb__before_atomic, smp_mb__after_atomic,
// smp_mb__after_spinlock, smp_mb__after_unlock_lock are all mfence on
// x86); implied relates a write and a po-later read when either is
// locked. Locked events are both halves of every RMW whatever its Order
// (x86 RMWs all carry the lock prefix; so do lock acquisitions) and, as
// the kernel implements them with xchg, accesses with Order Mb. smp_rmb,
// smp_wmb, acquire and release add nothing: TSO already gives them.
//
// A kfree counts as a plain write. Ordered(a, b) is the transitive closure
// of ghb.
var TSO = &Model{
	Name: "tso",
	Doc: `x86-TSO (herd's x86tso.cat): each CPU's writes wait in a FIFO store buffer, so only a write followed by a read may be reordered.

An execution is consistent when
  uniproc:   acyclic(po-loc ∪ rf ∪ co ∪ fr)
  atomicity: empty(rmw ∩ (fre; coe))
  ghb:       acyclic(ppo ∪ rfe ∪ co ∪ fr ∪ mfence ∪ implied)   (herd: "tso")
where ppo = po \ (W×R), mfence orders accesses across smp_mb and the
smp_mb__* barriers, and implied orders W→R pairs where either is locked:
every RMW (whatever its ordering), lock acquisitions, and mb accesses.
smp_rmb, smp_wmb, acquire and release add nothing.
An access is ordered before a kfree (a plain write) when ghb+ relates them.`,
	Axioms:            []string{"uniproc", "atomicity", "ghb"},
	MaximalConsistent: true,
	Incremental:       IncrPorf,
	NewChecker:        func() Checker { return new(tsoChecker) },
}

// tsoChecker checks uniproc with a linear scan (see flat.poLoc) and ghb on
// a reduced graph.
//
// Within a thread, the closure of ppo ∪ mfence ∪ implied orders a before
// b unless a is a write, b a read, and no barrier (a full fence or a
// locked access, a and b included) lies between them. The graph keeps two
// frontiers per thread: wf, the last write or barrier, and rd, the last
// read or barrier. A write gets edges from wf and (if not already implied)
// rd; a read gets an edge from rd only; a barrier gets edges from both and
// becomes both frontiers. mfence events are nodes of the graph; other
// fences have no edges. Across threads: rfe, co between consecutive
// writes, and one fr edge per read, as for [SC].
type tsoChecker struct {
	f  flat
	g  digraph
	ok bool
}

// TSOBarrier reports whether e orders every earlier event of its CPU
// before every later one under TSO: a full fence, or a locked access
// (either half of an RMW, an access with Order Mb). The explorer's
// incremental ghb rule (package explorer, ghb.go) reads it too.
func TSOBarrier(e *model.Event) bool {
	switch e.Kind {
	case model.EvFence:
		return isFullFence(e.Fence)
	case model.EvRead, model.EvWrite:
		return e.RMW || e.Order == model.Mb
	}
	return false
}

func (c *tsoChecker) Check(x *model.Execution) *Failure {
	c.ok = false
	f, g := &c.f, &c.g
	f.load(x)
	if a, b, ok := f.poLoc(); !ok {
		return f.failure("uniproc", a, b)
	}
	if r, m, w, ok := f.atomicity(); !ok {
		return f.failure("atomicity", r, m, w)
	}
	g.reset(int(f.n))
	for t := 0; t+1 < len(f.start); t++ {
		wf, rd := int32(-1), int32(-1)
		covered := true // rd reaches wf (or there is no rd)
		for v := f.start[t]; v < f.start[t+1]; v++ {
			e := f.ev[v]
			switch {
			case TSOBarrier(e):
				g.edge(wf, v)
				if rd != wf {
					g.edge(rd, v)
				}
				wf, rd, covered = v, v, true
			case e.Kind == model.EvWrite || e.Kind == model.EvFree:
				g.edge(wf, v)
				if !covered {
					g.edge(rd, v)
					covered = true
				}
				wf = v
			case e.Kind == model.EvRead:
				g.edge(rd, v)
				rd, covered = v, false
			}
		}
	}
	for v := int32(0); v < f.n; v++ {
		switch f.ev[v].Kind {
		case model.EvRead:
			if w := f.rf[v]; w >= 0 && f.thr[w] != f.thr[v] {
				g.edge(w, v)
			}
			g.edge(v, f.frNext(v))
		case model.EvWrite:
			g.edge(v, f.coNext[v])
		}
	}
	if !g.acyclic() {
		return f.cycleFailure("ghb", g.cycle)
	}
	c.ok = true
	return nil
}

func (c *tsoChecker) Ordered(a, b model.EventID) bool {
	if !c.ok {
		panicUnchecked()
	}
	return orderedIn(&c.f, &c.g, nil, a, b)
}
