package explorer

import (
	"mmcheck/memmodel"
	"mmcheck/model"
)

// The incremental rule for tso's ghb axiom (memmodel.TSO:
// acyclic(ppo ∪ rfe ∪ co ∪ fr ∪ mfence ∪ implied), ppo = po \ (W×R)).
//
// A search step extends a consistent graph by a po-maximal event e (a
// read with its source, a write with its coherence position; a revisit
// adds a write a and then r, which reads a, both po-maximal). Nothing is
// po-after e and nothing reads it (but r, which reads a), so a new ghb
// cycle leaves e by fr or co, and so through s, the write
// coherence-after e's source or after e's place. It comes back into e
// from an event of e's CPU that is ghb-before it (or, for r, from a, so
// into a first): e's other edges in (rfe from its source, co from the
// write before it, fr from the readers of writes before it) start at
// events already ghb-before s, which s cannot reach without a cycle in
// the graph before the step, which is consistent. With the coherence
// floor of the po ∪ rf view (views.go), which decides uniproc for a
// po-maximal event (its own CPU's accesses are in the view), and
// atomicity (splitsRMW), this decides tso exactly: the search needs no
// check.
//
// Reaching an event of a CPU reaches events after it by ppo: everything
// after a read or a barrier (memmodel.TSOBarrier: a full fence or a
// locked access), but after a write only the writes, up to the next
// barrier, which again orders everything after it. So the search keeps
// two indices per CPU, as the sc search (incrScratch.reaches) keeps one:
// the least from which every event is reached, and the least from which
// every write (and barrier) is; and it looks at each event once.

// ghbTarget is a po-maximal event that reachesGHB looks for a way back
// to (it need not be in the graph yet: a read being judged).
type ghbTarget struct {
	id        model.EventID
	plainRead bool // a read that is not locked: only reads and barriers are ppo-before it
}

// target returns the ghbTarget for event e with identity id.
func target(id model.EventID, e *model.Event) ghbTarget {
	return ghbTarget{id, e.Kind == model.EvRead && !memmodel.TSOBarrier(e)}
}

// reachesGHB reports whether, in g, write s reaches by ghb+ an event
// ghb-before one of the po-maximal events to: any event po-before a
// write or barrier, and, before a plain read, a read or a barrier (a
// write reaches the read only through a barrier between them).
func (sc *incrScratch) reachesGHB(g *graph, s model.EventID, to ...ghbTarget) bool {
	sc.load(g)
	nt := len(g.x.Events)
	sc.reach = grow(sc.reach, nt)   // per CPU: every event from here on is reached
	sc.wreach = grow(sc.wreach, nt) // per CPU: every write and barrier from here on
	for t := range sc.reach {
		n := sc.start[t+1] - sc.start[t]
		sc.reach[t], sc.wreach[t] = n, n
	}
	sc.work = append(sc.work[:0], sc.node(s))
	for len(sc.work) > 0 {
		v := sc.work[len(sc.work)-1]
		sc.work = sc.work[:len(sc.work)-1]
		t := int(sc.thr[v])
		j := v - sc.start[t]
		e := &g.x.Events[t][j]
		if ghbWriteOnly(e) {
			sc.reachWrites(g, t, j)
		} else {
			sc.reachAll(g, t, j)
		}
		for _, x := range to {
			if int(x.id.Thread) != t {
				continue
			}
			lim := sc.reach[t]
			if !x.plainRead {
				lim = min(lim, sc.wreach[t])
			}
			if lim < x.id.Index {
				return true
			}
		}
	}
	return false
}

// ghbWriteOnly reports whether reaching e reaches only the writes and
// barriers after it: e is a write or a kfree, and not locked.
func ghbWriteOnly(e *model.Event) bool {
	return (e.Kind == model.EvWrite || e.Kind == model.EvFree) && !memmodel.TSOBarrier(e)
}

// reachAll marks every event of CPU t from index j on reached, and queues
// the ghb edges out of CPU t of those newly reached.
func (sc *incrScratch) reachAll(g *graph, t int, j int32) {
	old := sc.reach[t]
	if j >= old {
		return
	}
	sc.reach[t] = j
	for i := j; i < old; i++ {
		if i >= sc.wreach[t] && ghbWrites(&g.x.Events[t][i]) {
			continue // reached already, as a write or barrier
		}
		sc.edgesOut(g, t, i)
	}
	sc.wreach[t] = min(sc.wreach[t], j)
}

// reachWrites marks the writes of CPU t from index j on reached, up to the
// first barrier, from which everything is.
func (sc *incrScratch) reachWrites(g *graph, t int, j int32) {
	old := min(sc.wreach[t], sc.reach[t])
	if j >= old {
		return
	}
	evs := g.x.Events[t]
	for i := j; i < old; i++ {
		e := &evs[i]
		if memmodel.TSOBarrier(e) {
			sc.reachAll(g, t, i) // while wreach still says which writes were done
			break
		}
		if ghbWrites(e) {
			sc.edgesOut(g, t, i)
		}
	}
	sc.wreach[t] = min(sc.wreach[t], j)
}

// ghbWrites reports whether e is among the events a write reaches after it
// in its CPU: writes, kfrees and barriers.
func ghbWrites(e *model.Event) bool {
	return e.Kind == model.EvWrite || e.Kind == model.EvFree || memmodel.TSOBarrier(e)
}

// edgesOut queues the targets of the edges out of event i of CPU t other
// than po (those of ghb, and of po ∪ rf ∪ co ∪ fr but for rf within a
// CPU, which goes forward in po): a write's readers on other CPUs (rfe)
// and the write after it (co); a read's fr edge, to the write after its
// source (none if its source is not placed: a revisit's r).
func (sc *incrScratch) edgesOut(g *graph, t int, i int32) {
	u := sc.start[t] + i
	switch e := &g.x.Events[t][i]; e.Kind {
	case model.EvWrite:
		if w := sc.coNext[u]; w >= 0 {
			sc.work = append(sc.work, w)
		}
		for r := sc.rhead[u]; r >= 0; r = sc.rnext[r] {
			if int(sc.thr[r]) != t {
				sc.work = append(sc.work, r)
			}
		}
	case model.EvRead:
		switch {
		case e.RF == model.NoEvent:
		case e.RF.IsInit():
			if co := g.x.CO[e.Loc]; len(co) > 0 {
				sc.work = append(sc.work, sc.node(co[0]))
			}
		default:
			if w := sc.coNext[sc.node(e.RF)]; w >= 0 {
				sc.work = append(sc.work, w)
			}
		}
	}
}
