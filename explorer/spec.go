package explorer

import (
	"fmt"

	"mmcheck/model"
)

// Speculated reads: DPOR made complete under a model with load buffering.
//
// DPOR adds events in po ∪ rf order, so it builds only executions whose
// po ∪ rf is acyclic. lbfree.go shows, when it can, that no consistent
// execution has such a cycle; when it cannot, it names the reads on which
// it fails: reads r that may read from another CPU and have a later write
// w (that another CPU may read) not hb-after r. Every po ∪ rf cycle of a
// consistent execution enters one of those reads by an rfe edge (the
// argument in lbfree.go: a cycle whose every read is hb-before the next
// write is an hb cycle). Call them speculated reads, and po ∪ rf' the
// relation without the rf edges into them: it is acyclic in every
// consistent execution.
//
// So DPOR is run in po ∪ rf' order. A speculated read is added with a
// value, not a write: one branch per value its location may hold (the
// fixpoint of lbfree.go, which covers every value some write may store),
// and reads from nothing yet (its RF is model.NoEvent: no rf and no fr
// edge, see memmodel's flat). Nothing revisits it. When no CPU can move,
// each speculated read is given, in every way, a write of its value (an
// RMW's read half: the write coherence-before its write half, by
// atomicity), and each completed graph the model accepts is a finished
// execution like any other. Why this is complete: take a consistent
// execution G; removing the rf edges into its speculated reads leaves a
// graph G' that the model accepts (lkmm's axioms are monotone in rf and
// fr: removing edges keeps every acyclicity and emptiness; lock.cat's
// are not: unmatched-locks would see a lock whose read lost its rf held
// at once with another, so lkmm.go does not count such a lock, and
// lbfree.go refuses unmatched unlocks; see TestSpecLocks) whose
// po ∪ rf is acyclic; DPOR's argument (TruSt: every such graph is built,
// by induction on the order the events were added) goes through with
// one more kind of read, whose choice is a value instead of a write:
// the "maximal" choice a revisit requires of the deleted events is, for
// a speculated read, the first value of its location's set that the
// model accepts (a read with no rf or fr edge is refused a value only
// for its own CPU's events, as lock.cat's nested-is-locked refuses
// spin_is_locked returning 0 in a critical section, so that value is the
// same in every graph where the read can be). Then G' is
// built, and G is one of its completions.
//
// Each execution is still built once: G' is determined by G, and each
// completion of G' is a different G. The cost is the branching on
// values, with no coherence to prune it until the end.

// specInfo is the speculation plan of a run.
type specInfo struct {
	reads [][]bool        // per thread and instruction: a speculated read
	dom   [][]model.Value // per location: the values it may hold (nil: unknown)
	n     int             // speculated read instructions
}

func newSpec(a lbAnalysis) *specInfo {
	s := &specInfo{reads: a.spec, dom: make([][]model.Value, len(a.mem))}
	for l, v := range a.mem {
		if !v.top {
			s.dom[l] = v.vals
		}
	}
	for _, t := range a.spec {
		for _, b := range t {
			if b {
				s.n++
			}
		}
	}
	return s
}

// specValues returns the values thread t's pending read a should be
// speculated with, or nil if it is read normally.
func (w *worker) specValues(t int, a *action) []model.Value {
	sp := w.e.spec
	if sp == nil || !sp.reads[t][a.instr] {
		return nil
	}
	if d := sp.dom[a.loc]; d != nil {
		return d
	}
	// The location's values are not known: read it normally, and the
	// search is no proof.
	w.e.mu.Lock()
	if w.e.specMissed == "" {
		in := &w.e.prog.Threads[t].Code[a.instr]
		w.e.specMissed = fmt.Sprintf("%s's %s (%s) may read from another CPU before a write not ordered after it, and the values %s may hold are not known", w.e.prog.Threads[t].Name, in.Text, in.Pos, w.e.prog.Locs[a.loc].Name)
	}
	w.e.mu.Unlock()
	return nil
}

// addSpecRead adds thread t's pending read with value v and no source;
// the first value is its maximal choice (see maximal).
func (w *worker) addSpecRead(g *graph, t int, v model.Value, first bool) (*graph, model.EventID) {
	a := g.pend[t]
	h := g.clone()
	s := h.ts[t].clone()
	id := h.add(t, w.ip.event(w.e.prog.Threads[t], &s, &a, v, model.NoEvent))
	h.addDeps(t, &a)
	m := &h.meta[t][len(h.meta[t])-1] // the slice was just copied by add
	m.addedMax, m.revisitable = first, false
	w.ip.complete(w.e.prog.Threads[t], &s, &a, v)
	h.ts[t] = s
	h.pend[t] = action{}
	if s.status == model.Running {
		w.settle(h, t)
	}
	return h, id
}

// speculated reports whether read ev has no source yet.
func speculated(ev *model.Event) bool { return ev.Kind == model.EvRead && ev.RF == model.NoEvent }

// resolve gives every speculated read of the finished graph g a source,
// in every way that gives it its value, and finishes each completion the
// model accepts. It reports whether g had speculated reads.
func (w *worker) resolve(g *graph) bool {
	var us []model.EventID
	for t, evs := range g.x.Events {
		for i := range evs {
			if speculated(&evs[i]) {
				us = append(us, model.EventID{Thread: int32(t), Index: int32(i)})
			}
		}
	}
	if len(us) == 0 {
		return false
	}
	var rec func(k int, h *graph)
	rec = func(k int, h *graph) {
		if w.e.ctx.Err() != nil {
			return
		}
		if k == len(us) {
			if w.consistent(h) {
				w.finishComplete(h)
			}
			return
		}
		id := us[k]
		ev := *h.x.Ev(id)
		var srcs []model.EventID
		evs := h.x.Events[id.Thread]
		if ev.RMW && int(id.Index)+1 < len(evs) && evs[id.Index+1].RMW && evs[id.Index+1].Kind == model.EvWrite {
			// Atomicity: the write coherence-before the RMW's write.
			wid := model.EventID{Thread: id.Thread, Index: id.Index + 1}
			src := model.InitID(ev.Loc)
			if i := h.x.COIndex(wid); i > 1 { // positions count from 1
				src = h.x.CO[ev.Loc][i-2]
			}
			srcs = append(srcs, src)
		} else {
			srcs = append(srcs, model.InitID(ev.Loc))
			srcs = append(srcs, h.x.CO[ev.Loc]...)
		}
		for _, src := range srcs {
			if h.x.WriteVal(src) != ev.Val {
				continue
			}
			h2 := h.clone()
			e2 := ev
			e2.RF = src
			h2.setEvent(id, e2)
			rec(k+1, h2)
		}
	}
	h := g.clone()
	h.lb = true
	rec(0, h)
	return true
}
