package explorer

import "mmcheck/model"

// Backward revisits (TruSt): when a write is added, each earlier read of
// its location outside the write's po ∪ rf prefix may be made to read
// from it, deleting what was added after the read and is not in that
// prefix (see visit in dpor.go for the search that calls them).

// porfPrefix returns, per thread, how many of its first events are in the
// po ∪ rf prefix of event a (a included). The prefix is closed under po,
// so a count per thread describes it.
func porfPrefix(g *graph, a model.EventID) []int32 {
	if g.vk != viewsNone && g.meta[a.Thread][a.Index].view != nil {
		return g.view(a, vPorf) // never modified by callers
	}
	k := make([]int32, len(g.x.Events))
	k[a.Thread] = a.Index + 1
	stack := []model.EventID{a}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		evs := g.x.Events[e.Thread]
		for i := e.Index; i >= 0; i-- {
			ev := &evs[i]
			if ev.Kind == model.EvRead && !ev.RF.IsInit() {
				src := ev.RF
				if src.Index+1 > k[src.Thread] {
					k[src.Thread] = src.Index + 1
					stack = append(stack, src)
				}
			}
		}
	}
	return k
}

func inPrefix(k []int32, id model.EventID) bool { return id.IsInit() || id.Index < k[id.Thread] }

// backwardRevisits tries to make each earlier read of a's location that is
// not in a's prefix read from a. a is in g but not yet in coherence order.
func (w *worker) backwardRevisits(g *graph, a model.EventID) {
	x := g.x
	loc := x.Ev(a).Loc
	lb := w.e.lb && !w.hooks.lbRevisitsOff
	var porf []int32
	if !lb {
		// Only reads past a's prefix and past the unrevisitable events
		// can be revisited: the scan starts there (it was 6% of the
		// search on unlazy-6 under ra).
		porf = porfPrefix(g, a)
	}
	for t, evs := range x.Events {
		from := 0
		if !lb {
			from = int(max(porf[t], g.norev[t]))
		}
		for i := from; i < len(evs); i++ {
			ev := &evs[i]
			if ev.Kind != model.EvRead || ev.Loc != loc || speculated(ev) {
				continue
			}
			m := g.meta[t][i]
			flagsOK := g.revisitable(t, i) && m.addedMax
			if !flagsOK && !lb {
				continue
			}
			if porf == nil {
				porf = porfPrefix(g, a)
			}
			r := model.EventID{Thread: int32(t), Index: int32(i)}
			if int32(i) < porf[t] {
				// r is in a's prefix: only a load-buffering revisit.
				if lb {
					w.lbRevisit(g, r, a, porf)
				}
				continue
			}
			if !flagsOK {
				continue
			}
			keep := keepSet(g, r, porf)
			if !maximal(g, r, a, keep) {
				continue
			}
			h := w.revisit(g, r, a, keep)
			lo, hi := 0, len(h.x.CO[loc])
			p := anyPos
			if x.Ev(a).RMW {
				p = h.rmwPos(a)
			}
			if p != anyPos {
				lo, hi = p, p
			}
			if lo >= 0 { // else the write a's RMW read from was deleted: impossible, it is in a's prefix
				w.placeAll(h, a, r, lo, hi)
			}
			w.drop(h)
			if w.e.ctx.Err() != nil {
				return
			}
		}
	}
}

// keepSet returns, per thread, how many events survive the revisit of r:
// those added no later than r, and a's prefix.
func keepSet(g *graph, r model.EventID, porf []int32) []int32 {
	sr := g.stampOf(r)
	keep := make([]int32, len(g.x.Events))
	for t := range g.x.Events {
		ms := g.meta[t]
		n := int32(0)
		for n < int32(len(ms)) && ms[n].stamp <= sr {
			n++
		}
		keep[t] = max(n, porf[t])
	}
	return keep
}

// maximal is TruSt's condition for revisiting r with a: the revisited read
// (judged on what it read before) and every deleted event must have been
// added maximally: a read read the coherence-latest write when it was
// added, and no kept write is coherence-after what it read; a write was
// placed last when added (RMW writes have no choice), and no kept write is
// coherence-after it; and no deleted read reads from a write added after
// it that is deleted too. Of all the graphs that differ only in the
// deleted part, exactly one satisfies it.
func maximal(g *graph, r, a model.EventID, keep []int32) bool {
	x := g.x
	coAfterKept := func(w model.EventID, loc int) bool {
		co := x.CO[loc]
		k := 0
		if !w.IsInit() {
			k = x.COIndex(w)
		}
		for _, s := range co[k:] {
			if s != a && inPrefix(keep, s) {
				return true
			}
		}
		return false
	}
	check := func(id model.EventID) bool {
		ev := x.Ev(id)
		m := g.metaOf(id)
		switch ev.Kind {
		case model.EvRead:
			if speculated(ev) {
				return m.addedMax // the first value (addSpecRead)
			}
			if !m.addedMax {
				return false
			}
			if coAfterKept(ev.RF, ev.Loc) {
				return false
			}
			if !ev.RF.IsInit() && !inPrefix(keep, ev.RF) && g.stampOf(ev.RF) > m.stamp {
				return false
			}
		case model.EvWrite:
			// An RMW write has no choice, unless its read half is
			// speculated (then it was placed anywhere).
			if (!ev.RMW || speculated(x.Ev(model.EventID{Thread: id.Thread, Index: id.Index - 1}))) && !m.addedMax {
				return false
			}
			if coAfterKept(id, ev.Loc) {
				return false
			}
		}
		return true
	}
	if !check(r) {
		return false
	}
	for t, evs := range x.Events {
		for i := keep[t]; i < int32(len(evs)); i++ {
			id := model.EventID{Thread: int32(t), Index: i}
			if id != a && !check(id) {
				return false
			}
		}
	}
	return true
}

// revisit builds the graph in which r reads from a and the events outside
// keep are gone; a's prefix becomes non-revisitable. a is not placed in
// coherence order yet.
func (w *worker) revisit(g *graph, r, a model.EventID, keep []int32) *graph {
	h := cut(g, r, a, keep)
	for t := range g.x.Events {
		if int(keep[t]) < len(g.x.Events[t]) || t == int(r.Thread) {
			w.replay(h, t)
		}
	}
	// r's metadata gets an array of h's own, which h's placements of a
	// write in place (backwardRevisits); r reads from a now: new views.
	m := h.metaOf(r)
	if h.vk != viewsNone {
		m.view = blockAddr(h.computeView(int(r.Thread), int(r.Index), h.x.Ev(r)))
	}
	h.setMeta(r, m)
	return h
}

// cut is revisit without rebuilding the CPUs' local states.
func cut(g *graph, r, a model.EventID, keep []int32) *graph {
	x := g.x
	h := g.clone()
	for t := range x.Events {
		if keep[t] < int32(len(x.Events[t])) {
			h.x.Events[t] = x.Events[t][:keep[t]:keep[t]]
			h.meta[t] = g.meta[t][:keep[t]:keep[t]]
			if x.Deps != nil {
				h.x.Deps[t] = x.Deps[t][:keep[t]:keep[t]]
			}
		}
	}
	for l, co := range x.CO {
		drop := false
		for _, id := range co {
			if id.Index >= keep[id.Thread] {
				drop = true
				break
			}
		}
		if drop {
			nc, _ := h.coArrays().get(0, len(co), false)
			for _, id := range co {
				if id.Index < keep[id.Thread] {
					nc = append(nc, id)
				}
			}
			h.x.CO[l] = nc
		}
	}
	ev := *x.Ev(r)
	ev.RF = a
	ev.Val = x.Ev(a).Val
	h.setEvent(r, ev)
	if h.vk != viewsNone && keep[r.Thread] != r.Index+1 {
		// Nothing after r survives (every such event was added after it
		// and is not in a's prefix, which does not hold r): only r's
		// views change, and revisit computes them once r's CPU is
		// replayed.
		panic("explorer: a revisit kept events after the read")
	}
	// Nothing in a's prefix may be revisited again in this subtree.
	porf := porfPrefix(h, a)
	for t := range h.norev {
		h.norev[t] = max(min(h.norev[t], keep[t]), porf[t])
	}
	return h
}

// replay rebuilds thread t's local state from its events (after a
// revisit changed or removed some of them), fixes the revisited read's
// RMW flag and order, and settles the thread on its next action.
func (w *worker) replay(g *graph, t int) {
	th := w.e.prog.Threads[t]
	s := newTstate(th)
	evs := g.x.Events[t]
	var fixed []model.Event
	for i := range evs {
		a := w.ip.next(th, &s, i)
		if a.kind == actNone {
			panic("explorer: replay ran out of code")
		}
		ev := &evs[i]
		if a.kind == actRead {
			// The revisited read's value changed: so may whether its RMW
			// writes, and its order.
			if re := w.ip.event(th, &s, &a, ev.Val, ev.RF); re.RMW != ev.RMW || re.Order != ev.Order {
				if fixed == nil {
					fixed = append([]model.Event(nil), evs...)
				}
				fixed[i].RMW = re.RMW
				fixed[i].Order = re.Order
			}
		}
		w.ip.complete(th, &s, &a, ev.Val)
	}
	if fixed != nil {
		g.x.Events[t] = fixed[:len(fixed):len(fixed)]
	}
	g.setCPU(t, s, action{})
	if s.status == model.Running {
		w.settle(g, t)
	}
}
