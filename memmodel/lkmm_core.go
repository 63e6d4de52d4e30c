package memmodel

import "mmcheck/model"

// Deciding lkmm on the part of an execution where its cycles lie.
//
// Every axiom of linux-kernel.cat but atomicity says that some relation
// is acyclic or irreflexive, or that a relation meets the inverse of
// another nowhere (plain-coherence: w rf r and r rw-xbstar w, and the
// like), which is a cycle too. Without RCU (rcu-rscsi runs from an
// rcu_read_unlock back to its lock, against program order) each
// relation the axioms use is built from po, rf, co and fr by sequence,
// union, closure and intersection with sets of events or with int and
// ext, all of them positive (lock.cat's too: po-unlock-lock-po, and an
// unlock's rf to a lock): an edge a -> b of any of them comes from a
// path from a to b in B = po ∪ rf ∪ co ∪ fr. So a cycle of any of them
// is a closed walk in B, whose events all lie in one strongly connected
// component of B with more than one event.
//
// Let C be the events on cycles of B, and P the part of the execution
// that C's events depend on: each CPU's events up to its last one in C,
// closed under rf, and extended to the unlock of a critical section the
// cut would leave open. P is an execution of its own (each CPU's events
// a prefix, every read's source in it), and its relations are those of
// the whole restricted to P, or fewer: every relation is monotone, and
// P's coherence order is the whole's restricted. Between events of C
// they are the same: a path in B between two events of one component
// stays in it. So the execution is consistent iff coherence, atomicity
// and lock.cat's axioms that are not cycles (lock-nest,
// nested-is-locked, unmatched-locks) hold on it, all checked on the
// whole, and P is consistent: a failure of P is one of the whole (P's
// unmatched locks are the whole's, as no critical section is cut), and
// a cycle of the whole lies in C, within P.
//
// On the speculation of the protocol files, the consistent executions
// that are not sc are what is left of the checker's work (Refutes shows
// most inconsistent ones): on parked-on-dead-cpu-reonline a third of
// their events are on cycles, and P keeps four fifths. With the sc
// shortcut and the refutation done once, on one loading of the
// execution, its speculation takes 30 s instead of 42 (one worker).

// Consistent reports whether x is consistent, as Check(x) == nil does,
// deciding at once what coherence, atomicity, lock.cat's checks that are
// not cycles, the sc shortcut or Refutes' cycle search decide, and
// computing the relations, if it must, only on the part of x where a
// cycle can lie. It leaves no judged execution behind.
func (c *lkmmChecker) Consistent(x *model.Execution) bool {
	f := c.start(x)
	if _, _, ok := f.poLoc(); !ok {
		return false
	}
	if _, _, _, ok := f.atomicity(); !ok {
		return false
	}
	rcu := false
	for v := int32(0); v < f.n && !rcu; v++ {
		e := f.ev[v]
		rcu = !e.Lock && SCShortcutExcluded(e)
	}
	c.prepare()
	if c.lockAxioms() != nil {
		return false
	}
	useCore := !rcu && !DisableSCShortcut
	if useCore {
		if scAcyclic(f, &c.scg) {
			return true // see scShortcut
		}
		c.onCycle = grow(c.onCycle, int(f.n))
		c.scg.onCycles(c.onCycle) // before refuteAcyclic reuses c.scg
	}
	if !c.refuteAcyclic() {
		return false
	}
	sub := x
	if useCore {
		sub = c.core(x)
	}
	var fail *Failure
	if sub != x {
		c.coreCalls++
		fail = c.Check(sub)
	} else {
		// x is loaded and classified, its lock axioms hold and it is
		// not sc: what Check would do next.
		fail = c.rest()
	}
	c.ok, c.lazy = false, false
	return fail == nil
}

// core returns the part P of the loaded execution x that its axioms
// need (see above), x itself if that is all of it. c.onCycle must mark
// the events on cycles of po ∪ rf ∪ co ∪ fr.
func (c *lkmmChecker) core(x *model.Execution) *model.Execution {
	f := &c.f
	nt := len(f.start) - 1
	c.keep = grow(c.keep, nt)
	c.done = grow(c.done, nt)
	for t := 0; t < nt; t++ {
		c.keep[t], c.done[t] = 0, 0
		for v := f.start[t+1] - 1; v >= f.start[t]; v-- {
			if c.onCycle[v] {
				c.keep[t] = v - f.start[t] + 1
				break
			}
		}
	}
	// Close under rf (a kept read keeps its source and the events
	// before that on its CPU) and critical sections (a kept lock keeps
	// its unlock).
	for changed := true; changed; {
		changed = false
		for t := 0; t < nt; t++ {
			for ; c.done[t] < c.keep[t]; c.done[t]++ {
				v := f.start[t] + c.done[t]
				e := f.ev[v]
				if e.Lock && e.Kind == model.EvWrite && e.RMW {
					if u := c.unlockAfter(v); u >= 0 && u-f.start[t]+1 > c.keep[t] {
						c.keep[t] = u - f.start[t] + 1
					}
				}
				if e.Kind != model.EvRead || f.rf[v] < 0 {
					continue
				}
				w := f.rf[v]
				s := f.thr[w]
				if i := w - f.start[s] + 1; i > c.keep[s] {
					c.keep[s] = i
					changed = true
				}
			}
		}
	}
	kept := int32(0)
	for t := 0; t < nt; t++ {
		kept += c.keep[t]
	}
	if kept == f.n {
		return x
	}
	s := &c.sub
	s.Prog = x.Prog
	s.Events = grow(s.Events, nt)
	for t := range s.Events {
		s.Events[t] = x.Events[t][:c.keep[t]]
	}
	s.Deps = nil
	if x.Deps != nil {
		s.Deps = grow(s.Deps, nt)
		for t := range s.Deps {
			s.Deps[t] = x.Deps[t][:min(int(c.keep[t]), len(x.Deps[t]))]
		}
	}
	s.CO = grow(s.CO, len(x.CO))
	for l, co := range x.CO {
		s.CO[l] = s.CO[l][:0]
		for _, w := range co {
			if w.Index < c.keep[w.Thread] {
				s.CO[l] = append(s.CO[l], w)
			}
		}
	}
	return s
}

// unlockAfter returns the unlock that ends the critical section lock
// write v opens: the first later unlock of its location on its CPU,
// unless another lock of it comes first; -1 if none.
func (c *lkmmChecker) unlockAfter(v int32) int32 {
	f := &c.f
	loc := f.ev[v].Loc
	for u := v + 1; u < f.start[f.thr[v]+1]; u++ {
		if e := f.ev[u]; e.Lock && e.Kind == model.EvWrite && e.Loc == loc {
			if e.RMW {
				return -1
			}
			return u
		}
	}
	return -1
}
