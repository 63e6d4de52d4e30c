package explorer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// Algorithm selects the search.
type Algorithm uint8

const (
	// DPOR is optimal dynamic partial order reduction (TruSt): each
	// consistent execution graph is built once, memory linear in the graph.
	DPOR Algorithm = iota
	// Interleave adds the next event of every CPU in every order and
	// prunes graphs already seen: the unreduced reference search.
	Interleave
	// Enumerate builds every candidate execution from every path of each
	// CPU, as herd7 does, and filters them with the model: complete for
	// models with load buffering, exponential, for small tests.
	Enumerate
)

// Options configure an exploration.
type Options struct {
	Model     *memmodel.Model // default memmodel.RA
	Algorithm Algorithm
	LoopBound int // iterations of a bounded loop before the execution is cut; default 8
	// Workers is the number of parallel workers (DPOR only; default 1).
	// The result does not depend on it (workers.go), unless a bound
	// (MaxStates, MaxMemory, SpecStates, the context) stops the search:
	// then it holds what the workers had reached.
	Workers   int
	MaxStates int64 // stop (inconclusive) after this many states; 0 means no limit
	// MaxMemory stops the search (inconclusive) when the process holds
	// more than 90% of this many bytes (memory.go); 0 means no limit.
	MaxMemory     int64
	AllViolations bool // keep exploring after the first violation, and report each
	// TraceBudget is how many more violating executions to examine after
	// the first one, looking for a simpler counterexample (fewest context
	// switches, then fewest steps). 0 means 200; negative means none.
	TraceBudget int
	CheckLeaks  bool // every object must be freed at the end (as if all were in leak_check)
	CheckRaces  bool // a data race (lkmm's data-race flag) is a violation, not only a flag
	// SpecStates bounds the search with speculated reads (spec.go), the
	// proof under a model with load buffering for a program too big to
	// enumerate. A cheaper search for bugs (lb.go) runs first, with the
	// same bound, and a violation it finds ends the search; beyond
	// SpecStates states the proof search gives up, and the result is the
	// search for bugs' (inconclusive). 0 means 500,000; negative means no
	// bound.
	SpecStates int64
	// GoalAbove is the number of combinations of CPU paths above which the
	// enumeration search is goal-directed when it can be (see runGoal):
	// 0 means 100,000; negative means always.
	GoalAbove int

	// Progress, if set, is called now and then (about every 250 ms) with
	// the statistics so far. It must be quick and must not block.
	Progress func(s Stats, elapsed time.Duration)

	hooks *hooks // test switches (hooks.go); nil in every real run

	_ struct{}
}

// Explore explores every execution of p that the model allows and returns
// what it found. It returns an error (a model.ErrorList) only when p cannot
// be explored under the model at all, before exploring anything. Cancelling
// ctx stops the search; the result is then Unknown with what was explored.
func Explore(ctx context.Context, p *model.Program, opts Options) (*Result, error) {
	if opts.Model == nil {
		opts.Model = memmodel.RA
	}
	if opts.LoopBound <= 0 {
		opts.LoopBound = 8
	}
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if err := checkSupported(p, opts.Model); err != nil {
		return nil, err
	}
	if opts.MaxMemory > 0 {
		var unwatch func()
		ctx, unwatch = watchMemory(ctx, opts.MaxMemory)
		defer unwatch()
	}
	e := &engine{prog: p, opts: opts, outcomes: map[string]*Outcome{}, start: time.Now()}
	e.ctx, e.cancel = context.WithCancel(ctx)
	defer e.cancel()

	stop := make(chan struct{})
	var progressDone sync.WaitGroup
	if opts.Progress != nil {
		progressDone.Add(1)
		go func() {
			defer progressDone.Done()
			tk := time.NewTicker(250 * time.Millisecond)
			defer tk.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tk.C:
					opts.Progress(e.snapshot(), time.Since(e.start))
				}
			}
		}()
	}

	alg := opts.Algorithm
	auto := false
	if opts.Model.LoadBuffering && alg != Enumerate {
		// DPOR and the interleaving search add events in po ∪ rf order:
		// complete only without load buffering.
		alg, auto = Enumerate, true
	}
	h := opts.hooks.get()
	if h.hmc { // issue 16's prototype (hmc.go), a test switch
		alg = hmcAlg
	}
	switch alg {
	case hmcAlg:
		e.runHMC()
	case Enumerate:
		why := "the enumeration was skipped by a test"
		if !h.skipEnumeration {
			why = e.runEnumerate()
		}
		if why != "" {
			if !auto {
				e.stopWith(why)
				break
			}
			// Too big to enumerate. If no consistent execution can have
			// load buffering (lbfree.go), DPOR is complete: its verdict is
			// a proof. Otherwise look for bugs among the executions DPOR
			// builds (each one is consistent under the model, so a
			// violation is real), but never call the result a proof.
			// If the check names the reads that may close a cycle, DPOR
			// speculates their values and is complete (spec.go).
			a := lbAnalyze(e.ctx, p, e.opts.LoopBound, e.opts.hooks)
			if e.ctx.Err() != nil {
				break // timeout, interrupt: result says which
			}
			lbWhy := why + "; and load buffering is not ruled out: " + a.why
			switch {
			case a.why == "":
				e.lbFree, e.lbPlain = true, a.viaPlain
				e.runDPOR()
			case a.spec != nil && !h.specOff:
				// First the cheap search for bugs (lb.go): a violation it
				// finds is real, and the proof search (spec.go) is
				// costlier, and would find it later.
				// It has the same budget: its revisits build some
				// graphs many times over, and it must not delay the
				// proof.
				e.specBudget = opts.SpecStates
				if e.specBudget == 0 {
					e.specBudget = 500_000
				}
				e.underApprox, e.lb, e.budgeted = lbWhy, true, true
				e.runDPOR()
				e.mu.Lock()
				found := len(e.violations) > 0
				e.mu.Unlock()
				if found || ctx.Err() != nil || e.stopReason != "" {
					break
				}
				bugs := e.save()
				e.reset(ctx)
				defer func() { e.cancel() }()
				e.specStates.Store(0)
				e.specOver.Store(false)
				e.underApprox, e.lb = "", false
				e.spec = newSpec(p, a)
				e.runDPOR()
				if e.specOver.Load() && ctx.Err() == nil {
					// The proof is too costly: what the search for bugs found.
					n := e.spec.n
					e.restore(bugs)
					e.spec, e.lb = nil, true
					e.underApprox = fmt.Sprintf("%s; and load buffering is not ruled out (%s), and speculating the %d reads that may close a cycle took more than %d states (--spec-states)", why, a.why, n, e.specBudget)
				}
			default:
				e.underApprox = lbWhy
				if a.nospec != "" {
					e.underApprox += " (and its reads cannot be speculated: " + a.nospec + ")"
				}
				e.lb = true
				e.runDPOR()
			}
			if e.specMissed != "" {
				e.underApprox = why + "; and load buffering is not ruled out, and " + e.specMissed
			}
		}
	case Interleave:
		e.runInterleave()
	default:
		e.runDPOR()
	}
	close(stop)
	progressDone.Wait()
	return e.result(ctx), nil
}

// checkSupported rejects programs that use primitives the model does not
// define, with the position of each use.
func checkSupported(p *model.Program, m *memmodel.Model) error {
	var errs model.ErrorList
	for _, t := range p.Threads {
		for i := range t.Code {
			in := &t.Code[i]
			if in.Prim != "" && !m.SupportsPrim(in.Prim) {
				errs.Addf(in.Pos, "%s is not supported yet under --model %s", in.Prim, m.Name)
			}
		}
	}
	errs.RemoveMultiples()
	return errs.Err()
}

// engine is the state shared by the workers of one exploration.
type engine struct {
	prog   *model.Program
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	start  time.Time

	mu             sync.Mutex
	stats          Stats
	live           []*Stats // per-worker stats as last published (under mu), for progress
	outcomes       map[string]*Outcome
	violations     []*Counterexample
	witness        *Counterexample
	stopReason     string // why the search stopped early (bound, interrupt)
	seenViolations int
	underApprox    string    // why only executions without load buffering were explored
	partial        string    // why the outcome counts are not of every execution (runGoal)
	lb             bool      // DPOR also builds some executions with load buffering (lb.go)
	lbFree         bool      // too big to enumerate, but no execution can have load buffering (lbfree.go)
	lbPlain        bool      // ... by plain-coherence too (lbplain.go)
	spec           *specInfo // DPOR speculates the reads that may close a load-buffering cycle (spec.go)
	specMissed     string    // why a speculated read was read normally (under mu)
	specBudget     int64     // states the search with speculated reads (and the search for bugs before it) may take (<0: any)
	budgeted       bool      // specBudget applies
	specStates     atomic.Int64
	specOver       atomic.Bool // it took more
	flags          map[string]bool
	cutSeen        atomic.Bool
	states         atomic.Int64

	// A parallel search (workers.go): the positions of the first
	// violations found in depth-first order (under mu), the one past which
	// nothing counts once there are TraceBudget+1 of them, and whether the
	// results were cut there.
	found     [][]int32
	bound     atomic.Pointer[[]int32]
	truncated bool
}

func (e *engine) flag(f string) {
	e.mu.Lock()
	if e.flags == nil {
		e.flags = map[string]bool{}
	}
	e.flags[f] = true
	e.mu.Unlock()
}

func (e *engine) snapshot() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.stats
	for _, l := range e.live {
		s.Add(*l)
	}
	return s
}

// worker is one exploring goroutine: its own interpreter and checker.
type worker struct {
	e     *engine
	ip    interp
	chk   memmodel.Checker
	stats Stats
	buf   []byte
	tick  int
	pool  *pool // parallel DPOR; nil with one worker
	// A parallel search logs what it finds in the task it runs, in
	// segments (workers.go): seg is the current one, and mark the
	// worker's stats when it began. Without a task, results go straight
	// to the engine.
	task *task
	seg  segment
	mark Stats
	path []int32 // the visited graph's path, then the ordinal of its last child (descend)
	// frames: in a parallel search, the graphs from the task's to the
	// one visited (workers.go).
	frames []frame
	quiet  int       // len(path) at a graph whose state another worker counts (quietTask); 0 for none
	steer  *replayer // replayPath's steering, nil in a search
	// judged is the graph the checker last found consistent (nil if its
	// last Check was of another state). Graphs are not modified once
	// checked.
	judged *graph
	incr   incrScratch // the incremental check's (views.go)
	mem    workMem     // graphs for clone to reuse, views (grow.go)
	pub    *Stats      // stats published for progress reports (guarded by engine.mu)
	// hooks: the worker's copy of the test switches (the specPruned
	// oracle sets its noSpecPruning while it searches a pruned graph).
	hooks hooks
}

func (e *engine) newWorker() *worker {
	w := &worker{e: e, ip: interp{prog: e.prog, loopBound: e.opts.LoopBound, deps: e.opts.Model.NeedsDeps}, chk: e.opts.Model.NewChecker(), hooks: e.opts.hooks.get()}
	e.mu.Lock()
	w.pub = new(Stats)
	e.live = append(e.live, w.pub)
	e.mu.Unlock()
	return w
}

func (w *worker) done() {
	e := w.e
	e.mu.Lock()
	for i, l := range e.live {
		if l == w.pub {
			e.live = append(e.live[:i], e.live[i+1:]...)
			break
		}
	}
	if w.pool == nil {
		e.stats.Add(w.stats) // a parallel search's stats are in its log (collect)
	}
	e.mu.Unlock()
}

// stopped reports whether the search must end (cancelled, or a bound).
func (w *worker) stopped() bool {
	w.tick++
	if w.tick&255 == 0 {
		if w.e.opts.Progress != nil {
			w.e.mu.Lock()
			*w.pub = w.stats
			w.e.mu.Unlock()
		}
		if w.e.ctx.Err() != nil {
			return true
		}
	}
	return w.past()
}

func (w *worker) countState() bool {
	if w.quiet > 0 && len(w.path) == w.quiet {
		return true // counted by another worker (quietTask)
	}
	w.stats.States++
	if e := w.e; e.budgeted && e.specBudget > 0 && e.specStates.Add(1) > e.specBudget {
		e.specOver.Store(true)
		e.cancel()
		return false
	}
	if m := w.e.opts.MaxStates; m > 0 {
		if w.e.states.Add(1) > m {
			w.e.stopWith(fmt.Sprintf("--max-states %d reached", m))
			return false
		}
	}
	return true
}

// reset forgets everything the search found, for a new search.
// found is what a search found, saved by save for restore.
type found struct {
	stats      Stats
	outcomes   map[string]*Outcome
	violations []*Counterexample
	witness    *Counterexample
	flags      map[string]bool
	cut        bool
}

func (e *engine) save() found {
	e.mu.Lock()
	defer e.mu.Unlock()
	return found{e.stats, e.outcomes, e.violations, e.witness, e.flags, e.cutSeen.Load()}
}

// restore brings back what save saved, after a search that found
// nothing to keep.
func (e *engine) restore(f found) {
	e.mu.Lock()
	e.stats, e.outcomes, e.violations, e.witness, e.flags = f.stats, f.outcomes, f.violations, f.witness, f.flags
	e.stopReason = ""
	e.mu.Unlock()
	e.cutSeen.Store(f.cut)
}

func (e *engine) reset(ctx context.Context) {
	e.mu.Lock()
	e.stats = Stats{}
	e.outcomes = map[string]*Outcome{}
	e.violations, e.witness = nil, nil
	e.stopReason, e.seenViolations, e.flags = "", 0, nil
	e.found, e.truncated = nil, false
	e.bound.Store(nil)
	e.mu.Unlock()
	e.cutSeen.Store(false)
	e.states.Store(0)
	e.ctx, e.cancel = context.WithCancel(ctx)
}

func (e *engine) stopWith(reason string) {
	e.mu.Lock()
	if e.stopReason == "" {
		e.stopReason = reason
	}
	e.mu.Unlock()
	e.cancel()
}

// settle runs thread t from its current state to its next action.
func (w *worker) settle(g *graph, t int) {
	s := g.ts[t].clone()
	w.advance(g, t, &s)
}

// advance runs thread t from state s, a clone that is g's alone, to its
// next action, and makes the result t's state in g.
func (w *worker) advance(g *graph, t int, s *tstate) {
	g.pend[t] = w.ip.next(w.e.prog.Threads[t], s, len(g.x.Events[t]))
	g.ts[t] = *s
}

func (w *worker) initial() *graph {
	g := newGraph(w.e.prog)
	g.mem = &w.mem
	if w.ip.deps {
		g.x.Deps = make([][]model.Deps, len(g.ts))
	}
	for t := range g.ts {
		w.settle(g, t)
	}
	return g
}

// addRead adds thread t's pending read, reading from write src.
func (w *worker) addRead(g *graph, t int, src model.EventID) (*graph, model.EventID) {
	a := g.pend[t]
	v := g.x.WriteVal(src)
	h := g.clone()
	s := h.ts[t].clone()
	id := h.add(t, w.ip.event(w.e.prog.Threads[t], &s, &a, v, src))
	h.addDeps(t, &a)
	if src == g.x.COLast(a.loc) {
		h.meta[t][len(h.meta[t])-1].addedMax = true // the slice was just copied by add
	}
	w.ip.complete(w.e.prog.Threads[t], &s, &a, v)
	h.ts[t] = s
	h.pend[t] = action{}
	if s.status == model.Running {
		w.advance(h, t, &s)
	}
	return h, id
}

// appendWrite adds thread t's pending write, not yet placed in coherence
// order (see place).
func (w *worker) appendWrite(g *graph, t int) (*graph, model.EventID) {
	a := g.pend[t]
	h := g.clone()
	s := h.ts[t].clone()
	id := h.add(t, w.ip.event(w.e.prog.Threads[t], &s, &a, 0, model.NoEvent))
	h.addDeps(t, &a)
	w.ip.complete(w.e.prog.Threads[t], &s, &a, 0)
	w.advance(h, t, &s)
	return h, id
}

// place returns a copy of g with write id at coherence position pos.
func place(g *graph, id model.EventID, pos int) *graph {
	h := g.clone()
	loc := h.x.Ev(id).Loc
	m := h.metaOf(id)
	m.addedMax = pos == len(h.x.CO[loc])
	h.setMeta(id, m)
	h.insertCO(loc, pos, id)
	return h
}

// addWrite adds thread t's pending write at coherence position pos.
func (w *worker) addWrite(g *graph, t int, pos int) (*graph, model.EventID) {
	h, id := w.appendWrite(g, t)
	return place(h, id, pos), id
}

// addOther adds thread t's pending fence or free.
func (w *worker) addOther(g *graph, t int) (*graph, model.EventID) {
	a := g.pend[t]
	h := g.clone()
	s := h.ts[t].clone()
	id := h.add(t, w.ip.event(w.e.prog.Threads[t], &s, &a, 0, model.NoEvent))
	h.addDeps(t, &a)
	w.ip.complete(w.e.prog.Threads[t], &s, &a, 0)
	w.advance(h, t, &s)
	return h, id
}

// consistent asks the model.
func (w *worker) consistent(g *graph) bool {
	ok := w.chk.Check(g.x) == nil
	w.judged = nil
	if ok {
		w.judged = g
	}
	return ok
}

// judge makes g the execution the checker last judged (Ordered and Flags
// answer for it), checking it only if it is not already: a finished graph
// was usually checked when its last event was added.
func (w *worker) judge(g *graph) {
	if w.judged == g {
		return
	}
	if !w.consistent(g) {
		panic("explorer: finished an inconsistent graph")
	}
}

// consistentExt judges g, the extension of a consistent graph by one
// event; maximal says the event was added maximally (see
// memmodel.Model.MaximalConsistent), in which case the model may promise
// consistency without a check (checked anyway under the paranoid hook).
func (w *worker) consistentExt(g *graph, maximal bool) bool {
	if maximal && w.e.opts.Model.MaximalConsistent {
		if w.hooks.paranoid && !w.consistent(g) {
			panic("explorer: model " + w.e.opts.Model.Name + " broke its MaximalConsistent promise")
		}
		return true
	}
	return w.consistent(g)
}

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
	for t := range g.ts {
		switch g.ts[t].status {
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
	for t := range g.ts {
		if g.ts[t].status == model.Stopped { // a failed assume
			w.stats.Assumed++
			return
		}
	}
	if blocked {
		// A deadlock: every blocked CPU waits for good (each read of its
		// last await iteration reads the coherence-latest write). If one
		// could still see a newer value, another execution lets it go on.
		first := -1
		for t := range g.ts {
			if g.ts[t].status != model.Blocked {
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
		for u := range g.ts {
			if g.ts[u].status == model.Blocked {
				waiting = append(waiting, fmt.Sprintf("P%d", u))
			}
		}
		w.violation(g, model.Violation{Kind: model.Deadlock, Thread: t, Event: ev, Other: model.NoEvent, Pos: pos,
			Msg: fmt.Sprintf("%s wait forever: every other CPU has finished, and the values they wait on are final", strings.Join(waiting, ", "))})
		return
	}
	// A complete execution.
	x.Regs = make([][]model.Value, len(g.ts))
	for t := range g.ts {
		x.Regs[t] = g.ts[t].regs.slice()
	}
	fs := x.Final()
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
	from := int(g.ts[t].awaitFrom)
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
	for t := range g.ts {
		s := &g.ts[t]
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
	x.Regs = make([][]model.Value, len(g.ts))
	x.Status = make([]model.ThreadStatus, len(g.ts))
	for t := range g.ts {
		x.Regs[t] = g.ts[t].regs.slice()
		x.Status[t] = g.ts[t].status
	}
	return x
}

func (w *worker) outcome(g *graph, fs *model.FinalState) {
	p := w.e.prog
	vals := make([]model.Value, len(p.Observed))
	for i, t := range p.Observed {
		vals[i] = fs.Eval(t)
	}
	sat := true
	if p.Cond != nil {
		sat = fs.Holds(p.Cond.Expr)
	}
	var sb strings.Builder
	for _, v := range vals {
		fmt.Fprintf(&sb, "%d,", v)
	}
	k := sb.String()
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
	o := (*outcomes)[k]
	if o == nil {
		o = &Outcome{Values: vals, Satisfies: sat}
		(*outcomes)[k] = o
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

// result assembles the Result once every worker has stopped.
func (e *engine) result(parent context.Context) *Result {
	r := &Result{Prog: e.prog, Model: e.opts.Model, Stats: e.stats, Duration: time.Since(e.start), Workers: e.opts.Workers}
	for _, o := range e.outcomes {
		r.Outcomes = append(r.Outcomes, *o)
		if o.Satisfies {
			r.Positive += o.Count
		} else {
			r.Negative += o.Count
		}
	}
	sort.Slice(r.Outcomes, func(i, j int) bool {
		a, b := r.Outcomes[i].Values, r.Outcomes[j].Values
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
	switch {
	case r.Positive == 0:
		r.Observation = Never
	case r.Negative == 0:
		r.Observation = Always
	default:
		r.Observation = Sometimes
	}
	r.Violations = e.violations
	r.Witness = e.witness
	r.Partial = e.partial
	r.LBFree, r.LBPlain = e.lbFree, e.lbPlain
	if e.spec != nil && e.specMissed == "" {
		r.Speculated = e.spec.n
	}
	for f := range e.flags {
		r.Flags = append(r.Flags, f)
	}
	sort.Strings(r.Flags)
	switch {
	case len(r.Violations) > 0:
		r.Verdict = Fail
		v := r.Violations[0].Violation
		r.Reason = v.Kind.String() + ": " + v.Msg
	case r.Witness != nil:
		// A real witness stays a counterexample even if the search was
		// then stopped by a bound or a timeout.
		r.Verdict, r.Reason = Fail, r.Witness.Violation.Msg
	case e.underApprox != "" && e.stopReason == "" && parent.Err() == nil:
		r.Verdict = Unknown
		r.Reason = fmt.Sprintf("no violation in the %d executions explored (%d with load buffering); %s",
			r.Stats.Executions, r.Stats.LoadBuffer, e.stopped(parent, r))
	default:
		r.Verdict, r.Reason = Unknown, e.stopped(parent, r)
		if r.Reason == "" {
			r.Verdict = Pass
		}
	}
	r.Stopped = e.stopped(parent, r)
	return r
}

// stopped says why the search did not build every execution the model
// allows, or "" if it did (see Result.Stopped).
func (e *engine) stopped(parent context.Context, r *Result) string {
	switch {
	case e.stopReason != "":
		return e.stopReason
	case parent.Err() == context.DeadlineExceeded:
		return "timeout"
	case errors.As(context.Cause(parent), new(*memoryError)):
		return context.Cause(parent).Error()
	case parent.Err() != nil:
		return "interrupted"
	case e.underApprox != "":
		return fmt.Sprintf("DPOR builds every execution without load buffering but only some with it, and the enumeration search, complete under %s, gave up: %s",
			e.opts.Model.Name, e.underApprox)
	case e.cutSeen.Load():
		return fmt.Sprintf("%d executions were cut by --loop-bound %d", r.Stats.Cut, e.opts.LoopBound)
	case e.truncated || e.ctx.Err() != nil:
		return fmt.Sprintf("stopped after %d violations", e.seenViolations)
	}
	return ""
}
