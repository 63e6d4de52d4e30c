package explorer

import (
	"fmt"
	"slices"

	"mmcheck/model"
)

// Enumeration limits: beyond them the search stops, inconclusive.
const (
	maxDomain     = 256   // values per location
	maxPaths      = 4_000 // paths per CPU
	maxCandidates = 50_000_000
	maxCombos     = 2_000_000 // combinations of per-CPU paths
)

// runEnumerate is the herd7-style search, complete for every model,
// including those with load buffering: each CPU's code is run on every
// value each read could return (the values some write could store, found
// by a fixpoint), giving a set of paths per CPU; then every combination of
// paths, every reads-from that gives each read its value, and every
// coherence order is built and judged by the model. It is exponential and
// meant for small tests (the kernel's litmus tests) and as an oracle.
// It returns why it gave up before exploring anything (too many paths,
// values or combinations), or "".
func (e *engine) runEnumerate() string {
	w := e.newWorker()
	defer w.done()
	w.ip.deps = e.opts.Model.NeedsDeps
	_, paths, why := w.enumDomain()
	if why != "" {
		return why
	}
	combos := 1.0
	for _, ps := range paths {
		combos *= float64(len(ps))
	}
	goalAbove := float64(e.opts.GoalAbove)
	if e.opts.GoalAbove == 0 {
		goalAbove = goalCombos
	}
	if e.goalEligible(paths) && (combos > goalAbove || e.opts.GoalAbove == 0 && candidatesOver(w, paths, goalCandidates)) {
		e.runGoal(w, paths, combos)
		return ""
	}
	if combos > maxCombos {
		return fmt.Sprintf("%.3g combinations of CPU paths to enumerate (limit %d)", combos, maxCombos)
	}
	c := &combiner{w: w, paths: paths, choice: make([]int, len(paths))}
	c.threads(0)
	return ""
}

// enumDomain finds the values each location may hold and each CPU's
// paths: each CPU's code is run on every value each read could return,
// and the values its writes store are added, until nothing changes or
// for as many rounds as a path has writes. It returns why it gave up, or
// "".
//
// Under a model with load buffering, the rounds take both sides of every
// branch on read values, and an RMW's condition may hold whatever the
// location holds (interp.free), as herd7 does: a write guarded by a
// condition that only a po ∪ rf cycle can satisfy (a control cycle
// through plain accesses, which lkmm allows) stores a value no round
// would otherwise reach. The paths are then those of the final values,
// with branches decided by them.
func (w *worker) enumDomain() ([][]model.Value, [][]path, string) {
	p := w.e.prog
	if w.e.opts.Model.LoadBuffering && w.ip.deps {
		w.ip.free = true
		defer func() { w.ip.free = false }()
	}
	dom := make([][]model.Value, len(p.Locs))
	for l := range dom {
		dom[l] = []model.Value{p.Init[l]}
	}
	var paths [][]path
	for iter := 0; ; iter++ {
		var why string
		if paths, why = w.allPaths(dom); why != "" {
			return nil, nil, why
		}
		// A value read in an execution was written by a write whose own
		// value and existence depend (addr, data, ctrl) on reads of values
		// written before it in a chain of distinct events: as dependencies
		// and rf are acyclic in consistent executions (po ∪ rf for sc, tso,
		// ra), a chain is at most as long as the number of writes of an
		// execution. So that many rounds find every value, even when RMW
		// chains would grow the set forever. Under lkmm, the rounds ignore
		// control (see above), and a value is computed from a chain of
		// data dependencies and rf that does not go round a cycle (herd7
		// leaves the values of a cycle symbolic: they satisfy no
		// condition on a value), so the same bound holds.
		bound := 0
		for _, ps := range paths {
			most := 0
			for _, pa := range ps {
				n := 0
				for i := range pa.events {
					if pa.events[i].Kind == model.EvWrite {
						n++
					}
				}
				most = max(most, n)
			}
			bound += most
		}
		if iter >= bound {
			break
		}
		changed := false
		for _, ps := range paths {
			for _, pa := range ps {
				for i := range pa.events {
					ev := &pa.events[i]
					if pa.spur[i] && len(pa.deps[i].Data) > 0 {
						// A value computed from reads on a path that
						// its values do not take: perhaps no execution
						// computes it, and a thin-air copy cycle would
						// let a read return it.
						continue
					}
					if ev.Kind == model.EvWrite && !slices.Contains(dom[ev.Loc], ev.Val) {
						dom[ev.Loc] = append(dom[ev.Loc], ev.Val)
						slices.Sort(dom[ev.Loc])
						changed = true
						if len(dom[ev.Loc]) > maxDomain {
							return nil, nil, fmt.Sprintf("more than %d values reach %s", maxDomain, p.Locs[ev.Loc].Name)
						}
					}
				}
			}
		}
		if !changed {
			break
		}
	}
	if w.ip.free {
		w.ip.free = false
		var why string
		if paths, why = w.allPaths(dom); why != "" {
			return nil, nil, why
		}
	}
	return dom, paths, ""
}

// allPaths returns every CPU's paths on the values dom (see paths), or
// why there are too many.
func (w *worker) allPaths(dom [][]model.Value) ([][]path, string) {
	var paths [][]path
	for t := range w.e.prog.Threads {
		ps, ok := w.paths(t, dom)
		if !ok {
			return nil, fmt.Sprintf("P%d has more than %d paths to enumerate", t, maxPaths)
		}
		paths = append(paths, ps)
	}
	return paths, ""
}

// path is one run of a CPU's code with guessed read values.
type path struct {
	events []model.Event
	deps   []model.Deps
	spur   []bool // with interp.free: the event was made after tstate.spur was set
	ts     tstate
}

func (w *worker) paths(t int, dom [][]model.Value) ([]path, bool) {
	th := w.e.prog.Threads[t]
	var out []path
	ok := true
	// One buffer of events and dependencies for the depth-first walk:
	// a path is copied out only when it ends.
	var evs []model.Event
	var deps []model.Deps
	var spurs []bool
	var rec func(s tstate)
	rec = func(s tstate) {
		if !ok {
			return
		}
		n := len(evs)
		a := w.ip.next(th, &s, n)
		d := depLists(a.addr, a.data, a.ctrl)
		spur := s.spur
		push := func(s2 tstate, ev model.Event) {
			evs = append(evs[:n], ev)
			deps = append(deps[:n], d)
			spurs = append(spurs[:n], spur)
			rec(s2)
			evs, deps, spurs = evs[:n], deps[:n], spurs[:n]
		}
		switch a.kind {
		case actNone:
			if len(out) >= maxPaths {
				ok = false
				return
			}
			out = append(out, path{events: slices.Clone(evs), deps: slices.Clone(deps), spur: slices.Clone(spurs), ts: s})
		case actFork:
			s2 := s.clone()
			s2.force, s.force = 1, -1
			rec(s2)
			rec(s)
		case actRead:
			for _, v := range w.ip.readValues(th, &s, &a, dom[a.loc]) { // every value it could read
				s2 := s.clone()
				ev := w.ip.event(th, &s2, &a, v, model.NoEvent)
				w.ip.complete(th, &s2, &a, v)
				if w.ip.free && !slices.Contains(dom[a.loc], v) {
					s2.spur = true // a cmpxchg's success on a value not seen yet
				}
				push(s2, ev)
			}
		default:
			// One successor: s is this call's own copy.
			ev := w.ip.event(th, &s, &a, 0, model.NoEvent)
			w.ip.complete(th, &s, &a, 0)
			push(s, ev)
		}
	}
	rec(newTstate(th))
	return out, ok
}

// combiner enumerates path combinations, reads-from and coherence orders.
type combiner struct {
	w          *worker
	paths      [][]path
	choice     []int
	g          *graph
	reads      []model.EventID
	writes     [][]model.EventID // per location
	candidates int64

	// The goal-directed search (runGoal): build only executions whose
	// proposition could be want, and stop at the first (found).
	goal, want, found bool
	// skipped says that the goal-directed search pruned a combination.
	skipped bool
	// The execution at which the first goal-directed search stopped, by
	// paths and key: the second search may build it again, and must not
	// count it twice.
	firstChoice []int
	firstKey    []byte
	// dry counts candidates without judging them, up to limit (then found).
	dry   bool
	limit int64

	// Pruning of combinations in which some read has no write of its
	// value to read from (see feasible). The values at locations that
	// paths read or write are numbered; pReads[t][i] and pWrites[t][i] are
	// those CPU t's path i reads and writes, later[t][v] says whether some
	// path of a CPU t or after writes v, chosen[v] counts the writes of v
	// by the paths chosen so far, and open[t] holds the reads of the
	// paths chosen for the CPUs before t that neither the initial value
	// nor those paths' writes give a value to.
	pReads, pWrites [][][]int32
	later           [][]bool
	chosen          []int32
	open            [][]int32
}

func (c *combiner) threads(t int) {
	if c.w.e.ctx.Err() != nil || c.found {
		return
	}
	if c.goal && c.pruned(t) {
		c.skipped = true
		return
	}
	if t == len(c.paths) {
		c.build()
		return
	}
	if t == 0 {
		c.initFeasible()
	}
	for i := range c.paths[t] {
		c.choice[t] = i
		if c.feasible(t, i) {
			c.threads(t + 1)
		}
		c.unchoose(t, i)
	}
}

// initFeasible sets up feasible's tables for a new search.
func (c *combiner) initFeasible() {
	n := len(c.paths)
	if c.later != nil {
		clear(c.chosen)
		return
	}
	type locVal struct {
		loc int
		val model.Value
	}
	ids := map[locVal]int32{}
	init := c.w.e.prog.Init
	c.pReads, c.pWrites = make([][][]int32, n), make([][][]int32, n)
	for t, ps := range c.paths {
		c.pReads[t], c.pWrites[t] = make([][]int32, len(ps)), make([][]int32, len(ps))
		for i := range ps {
			for _, ev := range ps[i].events {
				if ev.Kind != model.EvRead && ev.Kind != model.EvWrite || ev.Kind == model.EvRead && init[ev.Loc] == ev.Val {
					continue // a read of the initial value can always read it
				}
				id, ok := ids[locVal{ev.Loc, ev.Val}]
				if !ok {
					id = int32(len(ids))
					ids[locVal{ev.Loc, ev.Val}] = id
				}
				if ev.Kind == model.EvRead {
					c.pReads[t][i] = append(c.pReads[t][i], id)
				} else {
					c.pWrites[t][i] = append(c.pWrites[t][i], id)
				}
			}
		}
	}
	c.later = make([][]bool, n+1)
	c.later[n] = make([]bool, len(ids))
	for t := n - 1; t >= 0; t-- {
		c.later[t] = slices.Clone(c.later[t+1])
		for _, ws := range c.pWrites[t] {
			for _, v := range ws {
				c.later[t][v] = true
			}
		}
	}
	c.chosen = make([]int32, len(ids))
	c.open = make([][]int32, n+1)
}

// feasible records the writes of CPU t's path i and reports whether
// every read of the paths chosen for CPUs 0..t may still read its value:
// from the initial value, a write of a chosen path, or a write of some
// path of a later CPU. A combination with a read that cannot is one that
// rf would find no reads-from for: skipping it changes no count, and
// saves building its graph (N CPUs each doing one atomic_fetch_add have
// (N+1)^N combinations, of which few give every read a write). The check
// keeps a read that only its own RMW's write could give a value to,
// which rf does not allow: it may let a combination through, never drop
// one. unchoose undoes it.
func (c *combiner) feasible(t, i int) bool {
	for _, v := range c.pWrites[t][i] {
		c.chosen[v]++
	}
	open := c.open[t+1][:0]
	ok := true
	later := c.later[t+1]
	for _, rs := range [2][]int32{c.open[t], c.pReads[t][i]} {
		for _, v := range rs {
			if c.chosen[v] == 0 {
				open = append(open, v)
				ok = ok && later[v]
			}
		}
	}
	c.open[t+1] = open
	return ok
}

// unchoose forgets the writes of CPU t's path i (see feasible).
func (c *combiner) unchoose(t, i int) {
	for _, v := range c.pWrites[t][i] {
		c.chosen[v]--
	}
}

func (c *combiner) build() {
	p := c.w.e.prog
	g := newGraph(p)
	if c.w.ip.deps {
		g.x.Deps = make([][]model.Deps, len(p.Threads))
	}
	c.reads = c.reads[:0]
	c.writes = make([][]model.EventID, len(p.Locs))
	for t, i := range c.choice {
		pa := &c.paths[t][i]
		g.x.Events[t] = append([]model.Event(nil), pa.events...)
		if g.x.Deps != nil {
			g.x.Deps[t] = pa.deps
		}
		g.meta[t] = make([]evMeta, len(pa.events))
		g.norev[t] = int32(len(pa.events)) // nothing is revisited here
		for k := range pa.events {
			g.meta[t][k] = evMeta{stamp: g.clock}
			g.clock++
			id := model.EventID{Thread: int32(t), Index: int32(k)}
			switch pa.events[k].Kind {
			case model.EvRead:
				c.reads = append(c.reads, id)
			case model.EvWrite:
				c.writes[pa.events[k].Loc] = append(c.writes[pa.events[k].Loc], id)
			}
		}
		g.setCPU(t, pa.ts.clone(), action{})
		g.x.Status[t] = pa.ts.status
	}
	c.g = g
	c.rf(0)
}

// rf chooses, for read k, a write of the value it read.
func (c *combiner) rf(k int) {
	if c.w.e.ctx.Err() != nil || c.found {
		return
	}
	if k == len(c.reads) {
		c.co(0)
		return
	}
	x := c.g.x
	r := c.reads[k]
	e := x.Ev(r)
	if x.Prog.Init[e.Loc] == e.Val {
		e.RF = model.InitID(e.Loc)
		c.rf(k + 1)
	}
	for _, w := range c.writes[e.Loc] {
		if x.Ev(w).Val == e.Val && w != (model.EventID{Thread: r.Thread, Index: r.Index + 1}) {
			e.RF = w
			c.rf(k + 1)
		}
	}
}

// co chooses a coherence order for location l and the following ones:
// every permutation of its writes in which each RMW write comes right
// after the write its read half reads from, and which respects the
// order each CPU has seen (see coPreds).
func (c *combiner) co(l int) {
	x := c.g.x
	if l == len(x.CO) {
		c.judge()
		return
	}
	ws := c.writes[l]
	if len(ws) == 0 {
		x.CO[l] = nil
		c.co(l + 1)
		return
	}
	preds, ok := c.coPreds(l, ws)
	if !ok {
		return
	}
	perm := make([]model.EventID, 0, len(ws))
	used := make([]bool, len(ws))
	var rec func()
	rec = func() {
		if c.w.e.ctx.Err() != nil || c.found {
			return
		}
		if len(perm) == len(ws) {
			x.CO[l] = perm
			c.co(l + 1)
			return
		}
		prev := model.InitID(l)
		if len(perm) > 0 {
			prev = perm[len(perm)-1]
		}
	next:
		for i, w := range ws {
			if used[i] {
				continue
			}
			ev := x.Ev(w)
			if ev.RMW && x.Events[w.Thread][w.Index-1].RF != prev {
				continue
			}
			for _, j := range preds[i] {
				if !used[j] {
					continue next
				}
			}
			used[i] = true
			perm = append(perm, w)
			rec()
			perm = perm[:len(perm)-1]
			used[i] = false
		}
	}
	rec()
	x.CO[l] = nil
}

// coPreds returns, for each write ws[i] of location l, the writes that
// must precede it in coherence order because some CPU saw them first:
// per CPU, a write is coherence-after every write the CPU wrote or read
// from earlier at l (CoWW, CoRW), and a read's source is coherence-after
// those too (CoWR, CoRR). Every model here forbids cycles in po-loc ∪
// rf ∪ co ∪ fr (coherence, SC per location), so the orders this rules out
// are inconsistent anyway: pruning them early changes no count. ok is
// false when the reads-from chosen already breaks it (a CPU reads the
// initial value after seeing a write).
func (c *combiner) coPreds(l int, ws []model.EventID) (preds [][]int, ok bool) {
	x := c.g.x
	idx := make(map[model.EventID]int, len(ws))
	for i, w := range ws {
		idx[w] = i
	}
	preds = make([][]int, len(ws))
	// before records "a precedes b"; the initial write precedes all.
	before := func(a, b model.EventID) bool {
		if a == b || a.IsInit() {
			return true
		}
		if b.IsInit() {
			return false
		}
		preds[idx[b]] = append(preds[idx[b]], idx[a])
		return true
	}
	var seen []model.EventID // per CPU: the writes it wrote or read from, in order
	for t, evs := range x.Events {
		seen = seen[:0]
		for i := range evs {
			e := &evs[i]
			if e.Loc != l {
				continue
			}
			var now model.EventID
			switch e.Kind {
			case model.EvWrite:
				now = model.EventID{Thread: int32(t), Index: int32(i)}
			case model.EvRead:
				now = e.RF
			default:
				continue
			}
			for _, a := range seen {
				if !before(a, now) {
					return nil, false
				}
			}
			seen = append(seen, now)
		}
	}
	return preds, true
}

func (c *combiner) judge() {
	c.candidates++
	if c.dry {
		c.found = c.candidates > c.limit
		return
	}
	if c.candidates > maxCandidates {
		c.w.e.stopWith(fmt.Sprintf("more than %d candidate executions", maxCandidates))
		return
	}
	if c.firstKey != nil && slices.Equal(c.choice, c.firstChoice) && string(c.g.key(nil)) == string(c.firstKey) {
		return // counted by the first goal-directed search
	}
	w := c.w
	if !w.countState() {
		return
	}
	if !w.consistent(c.g) {
		return
	}
	// finish may keep the graph (counterexamples): give it a copy, which
	// is the execution the checker just found consistent.
	h := c.g.clone()
	h.x = c.g.x.Clone()
	w.judged = h
	n := w.stats.Executions
	w.finish(h)
	if c.goal && w.stats.Executions > n && w.final(h).Holds(c.w.e.prog.Cond.Expr) == c.want {
		c.found = true
		if c.firstKey == nil {
			c.firstChoice, c.firstKey = slices.Clone(c.choice), c.g.key(nil)
		}
	}
}
