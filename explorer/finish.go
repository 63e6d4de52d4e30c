package explorer

import (
	"fmt"
	"strconv"
	"strings"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// Finishing an execution: a graph in which no CPU can move is judged
// (violations, deadlocks, leaks, data races, the final state and the
// condition) and recorded.

// finish handles a graph in which no CPU can move: a complete execution,
// a blocked or cut one, or one stopped by a violation.
func (w *worker) finish(g *graph) {
	if w.resolve(g) {
		return
	}
	w.finishComplete(g)
}

// finishComplete is finish for a graph whose reads all have a source.
func (w *worker) finishComplete(g *graph) {
	x := g.x
	p := w.e.prog
	// Violations: CPUs stopped at a failed check, WARN_ONs, double frees
	// and uses after free. The one reported is the first in the trace.
	if v, ok := w.firstViolation(g); ok {
		w.violation(g, v)
		return
	}
	blocked, cut := false, false
	for t := range g.cpus {
		switch g.ts(t).status {
		case model.Blocked:
			blocked = true
		case model.Cut:
			cut = true
		}
	}
	// A CPU cut by the loop bound might have gone on to a violation: the
	// execution is incomplete whatever the others did (even an assume).
	if cut {
		w.stats.Cut++
		if w.task != nil {
			w.seg.cut = true
		} else {
			w.e.cutSeen.Store(true)
		}
		return
	}
	for t := range g.cpus {
		if g.ts(t).status == model.Stopped { // a failed assume
			w.stats.Assumed++
			return
		}
	}
	if blocked {
		// A deadlock: every blocked CPU waits for good (each read of its
		// last await iteration reads the coherence-latest write). If one
		// could still see a newer value, another execution lets it go on.
		first := -1
		for t := range g.cpus {
			if g.ts(t).status != model.Blocked {
				continue
			}
			if !w.stuck(g, t) {
				w.stats.Blocked++
				return
			}
			if first < 0 {
				first = t
			}
		}
		t := first
		ev := model.EventID{Thread: int32(t), Index: int32(len(x.Events[t]) - 1)}
		pos := model.Pos{}
		if ev.Index >= 0 {
			pos = p.Threads[t].Code[x.Ev(ev).Instr].Pos
		}
		var waiting []string
		for u := range g.cpus {
			if g.ts(u).status == model.Blocked {
				waiting = append(waiting, fmt.Sprintf("P%d", u))
			}
		}
		w.violation(g, model.Violation{Kind: model.Deadlock, Thread: t, Event: ev, Other: model.NoEvent, Pos: pos,
			Msg: fmt.Sprintf("%s wait forever: every other CPU has finished, and the values they wait on are final", strings.Join(waiting, ", "))})
		return
	}
	// A complete execution.
	fs := w.final(g)
	if p.Filter != nil && !fs.Holds(p.Filter) {
		w.stats.Assumed++
		return
	}
	w.stats.Executions++
	if g.lb && poRfCyclic(x) {
		w.stats.LoadBuffer++
	}
	if fl, ok := w.chk.(memmodel.Flagger); ok {
		w.judge(g)
		for _, f := range fl.Flags() {
			if w.task == nil {
				w.e.flag(f)
				continue
			}
			if w.seg.flags == nil {
				w.seg.flags = map[string]bool{}
			}
			w.seg.flags[f] = true
		}
	}
	if v, ok := w.race(g); ok {
		// A racy execution is still one of the final states (herd7
		// counts it), and then a counterexample.
		w.outcome(g, fs)
		w.violation(g, v)
		return
	}
	// Leaks.
	if v, ok := w.checkLeaks(g, fs); ok {
		w.violation(g, v)
		return
	}
	w.outcome(g, fs)
}

// race returns the data race of the finished execution g (just judged
// consistent) as a violation, with Options.CheckRaces.
func (w *worker) race(g *graph) (model.Violation, bool) {
	rc, ok := w.chk.(memmodel.Racer)
	if !w.e.opts.CheckRaces || !ok {
		return model.Violation{}, false
	}
	a, b, ok := rc.Race()
	if !ok {
		return model.Violation{}, false
	}
	p := w.e.prog
	x := g.x
	// Report it at the access that comes second in the trace.
	lin := map[model.EventID]int{}
	for i, e := range Linearize(x) {
		lin[e] = i
	}
	if lin[a] > lin[b] {
		a, b = b, a
	}
	in := func(id model.EventID) *model.Instr { return &p.Threads[id.Thread].Code[x.Ev(id).Instr] }
	kind := func(id model.EventID) string {
		if x.Ev(id).Order == model.Plain {
			return "plain"
		}
		return "marked"
	}
	return model.Violation{Kind: model.DataRace, Thread: int(b.Thread), Event: b, Other: a, Pos: in(b).Pos, OtherPos: in(a).Pos,
		Msg: fmt.Sprintf("%s on P%d (%s) races with %s on P%d (%s): neither is ordered before the other", in(b).Text, b.Thread, kind(b), in(a).Text, a.Thread, kind(a))}, true
}

// stuck reports whether blocked thread t waits for good: each read of its
// last await iteration reads the coherence-latest write, so no write can
// ever release it.
func (w *worker) stuck(g *graph, t int) bool {
	from := int(g.ts(t).awaitFrom)
	evs := g.x.Events[t]
	if from < 0 {
		from = len(evs)
	}
	for i := from; i < len(evs); i++ {
		e := &evs[i]
		if e.Kind == model.EvRead && e.RF != g.x.COLast(e.Loc) {
			return false
		}
	}
	return true
}

// firstViolation collects the violations of a finished graph (CPUs
// stopped at a failed check, WARN_ONs, double frees, uses after free) and
// returns the one that comes first in the trace's linearization.
func (w *worker) firstViolation(g *graph) (model.Violation, bool) {
	x := g.x
	p := w.e.prog
	type cand struct {
		v     model.Violation
		at    model.EventID // the event the violation happens at
		after bool          // it happens right after `at` (a CPU check)
	}
	var cands []cand
	for t := range g.cpus {
		s := g.ts(t)
		for _, wn := range s.warns {
			cands = append(cands, cand{v: wn.v, at: model.EventID{Thread: int32(t), Index: wn.after - 1}, after: true})
		}
		if s.status == model.Stopped && s.viol != nil {
			cands = append(cands, cand{v: *s.viol, at: model.EventID{Thread: int32(t), Index: int32(len(x.Events[t]) - 1)}, after: true})
		}
	}
	var frees []model.EventID
	for t, evs := range x.Events {
		for i := range evs {
			if evs[i].Kind == model.EvFree {
				frees = append(frees, model.EventID{Thread: int32(t), Index: int32(i)})
			}
		}
	}
	var lin map[model.EventID]int
	position := func(id model.EventID, after bool) int {
		if lin == nil {
			lin = map[model.EventID]int{}
			for i, e := range Linearize(x) {
				lin[e] = i
			}
		}
		if id.Index < 0 {
			return -1 // before the CPU's first event
		}
		n := 2 * lin[id]
		if after {
			n++
		}
		return n
	}
	if len(frees) > 0 {
		pos := func(id model.EventID) model.Pos { return p.Threads[id.Thread].Code[x.Ev(id).Instr].Pos }
		text := func(id model.EventID) string { return p.Threads[id.Thread].Code[x.Ev(id).Instr].Text }
		for i, f := range frees {
			for _, f2 := range frees[:i] {
				if x.Ev(f).Loc != x.Ev(f2).Loc {
					continue
				}
				a, b := f2, f
				if position(b, false) < position(a, false) {
					a, b = b, a
				}
				cands = append(cands, cand{at: b, v: model.Violation{Kind: model.DoubleFree, Thread: int(b.Thread), Event: b, Other: a, Pos: pos(b), OtherPos: pos(a),
					Msg: fmt.Sprintf("%s frees %s, which %s on P%d already frees", text(b), p.Objects[x.Ev(b).Loc].Name, text(a), a.Thread)}})
			}
		}
		ordered := w.orderedFn(g)
		for _, f := range frees {
			obj := x.Ev(f).Loc
			o := p.Objects[obj]
			for t, evs := range x.Events {
				for i := range evs {
					e := &evs[i]
					if !e.IsAccess() || e.Loc < o.Base || e.Loc >= o.Base+o.Size {
						continue
					}
					a := model.EventID{Thread: int32(t), Index: int32(i)}
					if ordered(a, f) {
						continue
					}
					why := "is not ordered before"
					if int32(t) == f.Thread && a.Index > f.Index {
						why = "comes after"
					}
					at := a
					if position(f, false) > position(a, false) {
						at = f
					}
					cands = append(cands, cand{at: at, v: model.Violation{Kind: model.UseAfterFree, Thread: t, Event: a, Other: f, Pos: pos(a), OtherPos: pos(f),
						Msg: fmt.Sprintf("%s on P%d %s %s on P%d", text(a), t, why, text(f), f.Thread)}})
				}
			}
		}
	}
	if len(cands) == 0 {
		return model.Violation{}, false
	}
	best := 0
	for i := 1; i < len(cands); i++ {
		if position(cands[i].at, cands[i].after) < position(cands[best].at, cands[best].after) {
			best = i
		}
	}
	return cands[best].v, true
}

func (g *graph) stampOf(id model.EventID) int32 { return g.meta[id.Thread][id.Index].stamp }

func (w *worker) checkLeaks(g *graph, fs *model.FinalState) (model.Violation, bool) {
	p := w.e.prog
	objs := p.LeakCheck
	if w.e.opts.CheckLeaks {
		objs = nil
		for i := range p.Objects {
			objs = append(objs, i)
		}
	}
	for _, o := range objs {
		if !fs.Freed[o] {
			return model.Violation{Kind: model.Leak, Thread: -1, Event: model.NoEvent, Other: model.NoEvent, Pos: p.Objects[o].Pos,
				Msg: fmt.Sprintf("%s is still allocated when every CPU has finished", p.Objects[o].Name)}, true
		}
	}
	return model.Violation{}, false
}

func (w *worker) violation(g *graph, v model.Violation) {
	e := w.e
	if w.task != nil {
		// A parallel search: the violation ends a segment of the log,
		// unless it comes after the one that ends the search.
		if w.foundViolation() {
			w.closeSegment(newCounterexample(v, w.snapshotExec(g)))
		}
		return
	}
	cx := newCounterexample(v, w.snapshotExec(g))
	e.mu.Lock()
	e.seenViolations++
	e.keepViolation(cx)
	stop := !e.opts.AllViolations && e.seenViolations > e.budget()
	e.mu.Unlock()
	if stop {
		e.cancel()
	}
}

func newCounterexample(v model.Violation, x *model.Execution) *Counterexample {
	cx := &Counterexample{Violation: v, Exec: x, Order: Linearize(x)}
	for i := 1; i < len(cx.Order); i++ {
		if cx.Order[i].Thread != cx.Order[i-1].Thread {
			cx.Switches++
		}
	}
	return cx
}

// snapshotExec copies a graph's execution for a report, with the final
// registers and a linearization.
func (w *worker) snapshotExec(g *graph) *model.Execution {
	x := g.x.Clone()
	x.Regs = make([][]model.Value, len(g.cpus))
	x.Status = make([]model.ThreadStatus, len(g.cpus))
	for t := range g.cpus {
		x.Regs[t] = cowValues(&g.ts(t).regs)
		x.Status[t] = g.ts(t).status
	}
	return x
}

func (w *worker) outcome(g *graph, fs *model.FinalState) {
	p := w.e.prog
	k := w.buf[:0]
	for _, t := range p.Observed {
		k = strconv.AppendInt(k, fs.Eval(t), 10)
		k = append(k, ',')
	}
	w.buf = k
	sat := true
	if p.Cond != nil {
		sat = fs.Holds(p.Cond.Expr)
	}
	e := w.e
	outcomes, witness := &w.seg.outcomes, &w.seg.witness
	if w.task == nil {
		e.mu.Lock()
		defer e.mu.Unlock()
		outcomes, witness = &e.outcomes, &e.witness
	}
	if *outcomes == nil {
		*outcomes = map[string]*Outcome{}
	}
	o := (*outcomes)[string(k)]
	if o == nil {
		vals := make([]model.Value, len(p.Observed))
		for i, t := range p.Observed {
			vals[i] = fs.Eval(t)
		}
		o = &Outcome{Values: vals, Satisfies: sat}
		(*outcomes)[string(k)] = o
	}
	o.Count++
	refutes := false
	if p.Cond != nil {
		switch p.Cond.Kind {
		case model.Exists, model.NotExists:
			refutes = sat
		case model.Forall:
			refutes = !sat
		}
	}
	if refutes {
		cx := newCounterexample(model.Violation{Kind: model.CondWitness, Thread: -1,
			Event: model.NoEvent, Other: model.NoEvent, Pos: p.Cond.Pos, Msg: condMsg(p.Cond)}, w.snapshotExec(g))
		if *witness == nil || cx.before(*witness) {
			*witness = cx
		}
	}
}

func condMsg(c *model.Cond) string {
	switch c.Kind {
	case model.Exists:
		return "a final state satisfies exists " + c.Text
	case model.NotExists:
		return "a final state satisfies " + c.Text + ", which ~exists forbids"
	default:
		return "a final state does not satisfy forall " + c.Text
	}
}

// final returns the final state of the complete execution g, in the
// worker's scratch (w.fin): valid until the next call. Nothing keeps it:
// outcome copies the values it stores, and a counterexample takes a
// snapshot of the graph (snapshotExec).
func (w *worker) final(g *graph) *model.FinalState {
	fs := &w.fin
	fs.Regs = grow(fs.Regs, len(g.cpus))
	for t := range g.cpus {
		r := &g.ts(t).regs
		fs.Regs[t] = grow(fs.Regs[t], r.len())
		for i := range fs.Regs[t] {
			fs.Regs[t][i] = r.get(int32(i))
		}
	}
	g.x.FinalMem(fs)
	return fs
}
