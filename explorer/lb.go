package explorer

import (
	"slices"

	"mmcheck/model"
)

// Load buffering in the DPOR fallback.
//
// Under a model with load buffering (lkmm) a program too big for the
// enumeration is searched with DPOR, which adds events in po ∪ rf order
// and so only builds executions whose po ∪ rf is acyclic. lbRevisit adds
// some of the others, as a bug finder: when a write a is added and an
// earlier read r of its location (on another CPU) is in a's po ∪ rf
// prefix, DPOR cannot make r read from a, because the events a's prefix
// holds after r were computed from r's old value. But if none of them
// depends on r (no address, data or control dependency, directly or
// through reads-from; see dependsOn), r can read from a and they stay
// what they were, except for values that a data dependency carries
// (an RMW's write half): propagate recomputes those, and gives up if
// the CPUs' code no longer produces the same events. An RMW read's write
// half moves in coherence order to right after a. The graph is judged
// by the model like any other, so a violation found in it is a real
// execution of the program, consistent under the model (and it
// replays); its po ∪ rf has a cycle, which is what load buffering is.
//
// This is not GenMC's dependency-aware DPOR (which keeps only a's
// dependency prefix and re-adds the rest with every choice): the events
// kept keep their choices, so not every execution with load buffering
// is built, and a search that finds nothing is still inconclusive.

// lbRevisit makes r read from a, where r is in a's po ∪ rf prefix.
func (w *worker) lbRevisit(g *graph, r, a model.EventID, porf []int32) {
	if r.Thread == a.Thread || g.x.Deps == nil || dependsOn(g, a, r) {
		return
	}
	// Neither TruSt's maximality condition nor the revisitable flag
	// applies: they make each execution without load buffering be built
	// once, and would forbid exactly these revisits (r is in the prefix of
	// the write that last revisited something, and its RMW write half
	// stays). Some graphs may be built more than once.
	keep := keepSet(g, r, porf)
	if !rfClosed(g, keep) {
		return
	}
	h := cut(g, r, a, keep)
	h.lb = true
	if !w.propagate(h) || dependsOn(h, a, r) {
		return // the CPUs now compute a from r: a cycle, out of thin air
	}
	// r's RMW write half, if kept, follows a in coherence order.
	rw := model.NoEvent
	if e := h.x.Ev(r); e.RMW && int(r.Index)+1 < len(h.x.Events[r.Thread]) {
		rw = model.EventID{Thread: r.Thread, Index: r.Index + 1}
		h.removeCO(h.x.Ev(rw).Loc, rw)
	}
	loc := h.x.Ev(a).Loc
	lo, hi := 0, len(h.x.CO[loc])
	p := anyPos
	if h.x.Ev(a).RMW {
		p = h.rmwPos(a)
	}
	if p != anyPos {
		lo, hi = p, p
		if lo < 0 {
			return
		}
	}
	for pos := hi; pos >= lo; pos-- {
		h2 := place(h, a, pos)
		if rw != model.NoEvent {
			h2.insertCO(loc, pos+1, rw)
		}
		m := h2.metaOf(r)
		m.addedMax = pos == len(h.x.CO[loc])
		h2.setMeta(r, m)
		if w.consistent(h2) && !hopeless(h2, r) {
			w.descend(h2, true)
		}
	}
}

// rfClosed reports whether every kept read reads from a kept write (TruSt
// guarantees it with the revisitable flag, which lbRevisit ignores).
func rfClosed(g *graph, keep []int32) bool {
	for t, evs := range g.x.Events {
		for i := int32(0); i < keep[t] && int(i) < len(evs); i++ {
			if e := &evs[i]; e.Kind == model.EvRead && !inPrefix(keep, e.RF) {
				return false
			}
		}
	}
	return true
}

// poRfCyclic reports whether po ∪ rf has a cycle in x: no order of its
// events puts each read after the write it reads from.
func poRfCyclic(x *model.Execution) bool {
	next := make([]int, len(x.Events))
	done := func(id model.EventID) bool { return id.IsInit() || int(id.Index) < next[id.Thread] }
	for progress := true; progress; {
		progress = false
		for t, evs := range x.Events {
			for next[t] < len(evs) && (evs[next[t]].Kind != model.EvRead || done(evs[next[t]].RF)) {
				next[t]++
				progress = true
			}
		}
	}
	for t, evs := range x.Events {
		if next[t] < len(evs) {
			return true
		}
	}
	return false
}

// dependsOn reports whether event a depends on read r: r is in a's
// dependency prefix (addr, data and ctrl dependencies, an RMW write's read
// half, and reads-from, closed transitively).
func dependsOn(g *graph, a, r model.EventID) bool {
	x := g.x
	seen := map[model.EventID]bool{a: true}
	stack := []model.EventID{a}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e == r {
			return true
		}
		push := func(id model.EventID) {
			if !id.IsInit() && !seen[id] {
				seen[id] = true
				stack = append(stack, id)
			}
		}
		ev := x.Ev(e)
		if ev.Kind == model.EvRead {
			push(ev.RF)
		}
		if ev.Kind == model.EvWrite && ev.RMW {
			push(model.EventID{Thread: e.Thread, Index: e.Index - 1})
		}
		d := &x.Deps[e.Thread][e.Index]
		for _, l := range [][]int32{d.Addr, d.Data, d.Ctrl} {
			for _, i := range l {
				push(model.EventID{Thread: e.Thread, Index: i})
			}
		}
	}
	return false
}

// propagate reruns every CPU's code on the values its reads now read
// (each read takes its source's value), updating the values the events
// write and the RMW and order flags that depend on them, until nothing
// changes; it reports false if some CPU's code no longer produces the
// events of the graph (a different kind, location or instruction) or the
// values do not settle. It leaves each CPU's local state after its last
// event and settles its next action.
func (w *worker) propagate(g *graph) bool {
	p := w.e.prog
	for round := 0; round <= len(p.Threads)+1; round++ {
		changed := false
		for t, th := range p.Threads {
			evs := g.x.Events[t]
			s := newTstate(th)
			var fixed []model.Event
			var fixedDeps []model.Deps
			for i := range evs {
				act := w.ip.next(th, &s, i)
				ev := &evs[i]
				if act.kind == actNone || int(act.instr) != ev.Instr {
					return false
				}
				val := ev.Val
				if ev.Kind == model.EvRead {
					val = g.x.WriteVal(ev.RF)
				}
				ne := w.ip.event(th, &s, &act, val, ev.RF)
				if ne.Kind != ev.Kind || ne.Loc != ev.Loc || ne.Fence != ev.Fence {
					return false
				}
				if ne.Val != ev.Val || ne.RMW != ev.RMW || ne.Order != ev.Order {
					if fixed == nil {
						fixed = append([]model.Event(nil), evs...)
					}
					fixed[i].Val, fixed[i].RMW, fixed[i].Order = ne.Val, ne.RMW, ne.Order
					changed = true
				}
				// The dependencies too: a value computed on the other
				// side of a branch may now come from a read (if (r)
				// v = r; else v = 1;), and the model must see it.
				if g.x.Deps != nil {
					nd := depLists(act.addr, act.data, act.ctrl)
					if od := &g.x.Deps[t][i]; !slices.Equal(od.Addr, nd.Addr) || !slices.Equal(od.Data, nd.Data) || !slices.Equal(od.Ctrl, nd.Ctrl) {
						if fixedDeps == nil {
							fixedDeps = append([]model.Deps(nil), g.x.Deps[t]...)
						}
						fixedDeps[i] = nd
					}
				}
				w.ip.complete(th, &s, &act, val)
			}
			if fixed != nil {
				g.x.Events[t] = fixed[:len(fixed):len(fixed)]
			}
			if fixedDeps != nil {
				g.x.Deps[t] = fixedDeps[:len(fixedDeps):len(fixedDeps)]
			}
			g.setCPU(t, s, action{})
		}
		if !changed {
			for t := range p.Threads {
				if g.ts(t).status == model.Running {
					w.settle(g, t)
				}
			}
			return true
		}
	}
	return false
}
