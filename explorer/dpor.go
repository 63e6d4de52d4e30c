package explorer

import (
	"mmcheck/model"
)

// nextThread picks the CPU whose event is added next: one in the middle of
// an RMW, else the first that can move; -1 if none can.
func (g *graph) nextThread() int {
	t := -1
	for i := range g.cpus {
		a := g.pend(i)
		if a.kind == actNone {
			continue
		}
		if a.kind == actWrite && a.rmw {
			return i
		}
		if t < 0 {
			t = i
		}
	}
	return t
}

// visit searches g's subtree, the optimal search (TruSt, Kokologiannakis et al., POPL 2022,
// as GenMC implements it): events are added one at a time, always for the
// first CPU that can move (an RMW's write right after its read); a read
// tries every write it may read from (forward revisits); a write takes
// every coherence position and, in addition, may revisit each earlier read
// of its location that is not in its po ∪ rf prefix: the read is changed
// to read from it and every event added after the read that is not in
// the write's prefix is deleted. A revisit is performed only from the one
// graph in which the revisited read and every deleted event were added
// "maximally" (see maximal), which makes every consistent graph reachable
// exactly once. Memory is linear in the graph size: the search is a
// depth-first recursion over graphs with no visited set.
func (w *worker) visit(g *graph) {
	if w.stopped() || w.e.ctx.Err() != nil {
		return
	}
	if !w.countState() {
		return
	}
	if !w.justifiable(g) {
		return
	}
	// Every graph made below is dead when this visit returns, or
	// detached (grow.go: viewArena).
	m := w.mem.views.mark()
	defer w.mem.views.reset(m, w.hooks.poison)
	if g.clock == 0 && g.vk == viewsNone { // the root: choose the views (views.go)
		if g.vk = viewKindFor(w.e.opts.Model, w.e.spec != nil || w.e.lb, &w.hooks); g.vk != viewsNone {
			g.scOK = true
		}
	}
	t := g.nextThread()
	if t < 0 {
		w.finish(g)
		return
	}
	pa := *g.pend(t) // a copy: the children below may change g in place (grow.go: reuse)
	a := &pa
	switch a.kind {
	case actRead:
		if vals := w.specValues(t, a); vals != nil {
			// The maximal choice (see maximal) is the first value the
			// model accepts: a speculated read has no rf or fr edge,
			// so whether a value is accepted depends on its own CPU's
			// events only (spin_is_locked returning 0 inside a
			// critical section is not), and the first accepted value
			// is the same in every graph with this CPU's prefix.
			first := true
			for _, v := range vals {
				h, _ := w.addSpecRead(g, t, v, first)
				if w.consistentExt(h, false) {
					first = false
					w.descend(h, false)
				} else {
					w.drop(h)
				}
			}
			return
		}
		co := g.x.CO[a.loc]
		var rule readRule
		rr := w.readRule(&rule, g, t)
		source := func(i int) model.EventID { // the write at index i of co, -1 the initial one
			if i < 0 {
				return model.InitID(a.loc)
			}
			return co[i]
		}
		floor := w.floorWithoutViews(g, model.EventID{Thread: int32(t), Index: int32(len(g.x.Events[t]))}, a.loc)
		var buf [16]verdict
		vs, last := w.judgeAll(buf[:0], len(co)-1, -1, func(i int) verdict {
			if rr == nil {
				if i+1 < floor {
					return vNo
				}
				return vCheck
			}
			src := source(i)
			ev := w.ip.event(w.e.prog.Threads[t], g.ts(t), a, g.x.WriteVal(src), src)
			return rr.verdict(&ev, i)
		})
		for i := len(co) - 1; i >= -1; i-- {
			v := vs[len(co)-1-i]
			if !w.builds(v) {
				continue
			}
			src := source(i)
			h, id := w.extendOrClone(g, i == last, func(h *graph) model.EventID { return w.readInto(h, t, src) })
			if w.accept(h, v, i == len(co)-1) && !hopeless(h, id) {
				w.child(h, false, h == g)
			} else if h != g {
				w.drop(h)
			}
		}
	case actWrite:
		// Every child extends g with the write: g itself, when reuse
		// allows (its revisits and places are then made from it).
		h, id := w.extendOrClone(g, true, func(h *graph) model.EventID { return w.writeInto(h, t) })
		w.backwardRevisits(h, id)
		lo, hi := 0, len(h.x.CO[a.loc])
		p := anyPos
		if a.rmw {
			p = h.rmwPos(id)
		}
		if p != anyPos {
			lo, hi = p, p
		}
		w.placeAll(h, id, model.NoEvent, lo, hi)
		if h != g {
			w.drop(h) // after every graph cloned from it (grow.go)
		}
	default:
		h, id := w.extendOrClone(g, true, func(h *graph) model.EventID { return w.otherInto(h, t) })
		if w.otherVerdict(h, id) || w.consistentExt(h, true) {
			w.child(h, false, h == g)
		} else if h != g {
			w.drop(h)
		}
	}
}

// hopeless reports whether read id just blocked its CPU in an await for
// good in this part of the search: it did not read the coherence-latest
// write, so it can never read it later (and no revisit of it will be
// tried), so every extension of the graph stays blocked without being a
// deadlock. (GenMC: mootExecutionIfFullyBlocked.)
func hopeless(g *graph, id model.EventID) bool {
	if g.ts(int(id.Thread)).status != model.Blocked || speculated(g.x.Ev(id)) {
		return false
	}
	if int(id.Index) != len(g.x.Events[id.Thread])-1 {
		return false
	}
	m := g.metaOf(id)
	return !m.addedMax || !g.revisitable(int(id.Thread), int(id.Index))
}

// rmwPos returns the only coherence position RMW write id may take: right
// after the write its read half read from; anyPos if the read half is
// speculated (its source will be the write placed before it, see
// resolve); -1 if that write is gone.
func (g *graph) rmwPos(id model.EventID) int {
	r := g.x.Events[id.Thread][id.Index-1]
	if speculated(&r) {
		return anyPos
	}
	return g.coPosAfter(r.RF, r.Loc)
}

const anyPos = -2
