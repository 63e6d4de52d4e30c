package explorer

import (
	"context"
	"errors"
	"fmt"
	"sort"
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
	// search for bugs' (inconclusive). 0 means DefaultSpecStates; negative
	// means no bound.
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
	defer func() { e.cancel() }() // the context of a search started again (engine.reset)

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

	e.run(ctx, chooseMethod(opts))
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
	fin   model.FinalState // scratch for final
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
	psc    pscScratch  // ra's psc rule's (psc.go)
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
	w.advance(g, t, g.own(t))
}

// advance runs thread t, whose state c is g's own (graph.own), to its
// next action.
func (w *worker) advance(g *graph, t int, c *cpuState) {
	c.next = w.ip.next(w.e.prog.Threads[t], &c.s, len(g.x.Events[t]))
}

func (w *worker) initial() *graph {
	g := newGraph(w.e.prog)
	g.mem = &w.mem
	if w.ip.deps {
		g.x.Deps = make([][]model.Deps, len(g.cpus))
	}
	for t := range g.cpus {
		w.settle(g, t)
	}
	return g
}

// addRead adds thread t's pending read, reading from write src, to a
// copy of g.
func (w *worker) addRead(g *graph, t int, src model.EventID) (*graph, model.EventID) {
	h := g.clone()
	return h, w.readInto(h, t, src)
}

// readInto adds thread t's pending read to h itself, reading from write
// src.
func (w *worker) readInto(h *graph, t int, src model.EventID) model.EventID {
	a := *h.pend(t)
	v := h.x.WriteVal(src)
	latest := src == h.x.COLast(a.loc)
	c := h.own(t)
	id := h.add(t, w.ip.event(w.e.prog.Threads[t], &c.s, &a, v, src))
	h.addDeps(t, &a)
	if latest {
		h.meta[t][len(h.meta[t])-1].addedMax = true // the slot add just claimed or copied
	}
	w.ip.complete(w.e.prog.Threads[t], &c.s, &a, v)
	c.next = action{}
	if c.s.status == model.Running {
		w.advance(h, t, c)
	}
	return id
}

// appendWrite adds thread t's pending write, not yet placed in coherence
// order (see place).
func (w *worker) appendWrite(g *graph, t int) (*graph, model.EventID) {
	h := g.clone()
	return h, w.writeInto(h, t)
}

// writeInto is appendWrite on h itself.
func (w *worker) writeInto(h *graph, t int) model.EventID {
	a := *h.pend(t)
	c := h.own(t)
	id := h.add(t, w.ip.event(w.e.prog.Threads[t], &c.s, &a, 0, model.NoEvent))
	h.addDeps(t, &a)
	w.ip.complete(w.e.prog.Threads[t], &c.s, &a, 0)
	w.advance(h, t, c)
	return id
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

// placeAt puts write id, just appended (appendWrite) by h or by the
// graph h was cut from (a backward revisit), at coherence position pos
// of h. The graphs placeAll makes so are searched one after the other:
// the write's metadata slot was claimed by that append (grow.go), no
// graph made from an earlier placement is alive when the next writes
// it, and the appending graph does not read the flag while its
// revisits are searched (the write is never among the events a revisit
// deletes). So the flag is written in place instead of copying the
// CPU's metadata.
func placeAt(h *graph, id model.EventID, pos int) {
	loc := h.x.Ev(id).Loc
	h.meta[id.Thread][id.Index].addedMax = pos == len(h.x.CO[loc])
	h.insertCO(loc, pos, id)
}

// placeAll searches the children of h that place its new write a (see
// placeAt) at each coherence position from hi down to lo that the
// incremental rules do not reject; the last one is h itself, extended
// in place, when reuse allows. r is the read a just revisited in h, or
// model.NoEvent: then a placement last in coherence order is maximal.
// h stays the caller's to drop.
func (w *worker) placeAll(h *graph, a, r model.EventID, lo, hi int) {
	revisit := r != model.NoEvent
	n := len(h.x.CO[h.x.Ev(a).Loc])
	var buf [16]verdict
	vs, last := w.judgeAll(buf[:0], hi, lo, func(pos int) verdict {
		if revisit {
			return w.revisitVerdict(h, r, a, pos)
		}
		return w.writeVerdict(h, a, pos)
	})
	for pos := hi; pos >= lo; pos-- {
		v := vs[hi-pos]
		if !w.builds(v) {
			continue
		}
		h2, _ := w.extendOrClone(h, pos == last, func(h *graph) model.EventID { placeAt(h, a, pos); return a })
		if revisit {
			h2.meta[r.Thread][r.Index].addedMax = pos == n // r's metadata is h's own (revisit)
		}
		if w.accept(h2, v, !revisit && pos == n) && !(revisit && hopeless(h2, r)) {
			w.child(h2, revisit, h2 == h)
		} else if h2 != h {
			w.drop(h2)
		}
	}
}

// judgeAll returns the verdicts of the candidates hi down to lo (the
// one of i at hi-i), appended to buf, and the last candidate the search
// builds (lo-1 if none). Every verdict comes first: the last candidate
// built extends the graph itself (grow.go: reuse), which does not
// change until then.
func (w *worker) judgeAll(buf []verdict, hi, lo int, judge func(i int) verdict) ([]verdict, int) {
	last := lo - 1
	for i := hi; i >= lo; i-- {
		v := judge(i)
		buf = append(buf, v)
		if w.builds(v) {
			last = i
		}
	}
	return buf, last
}

// builds reports whether the search builds a candidate of verdict v:
// unless the incremental rules reject it, or always under the test
// switch incrOracle (which compares their verdict with the checker's).
func (w *worker) builds(v verdict) bool { return v != vNo || w.hooks.incrOracle }

// addWrite adds thread t's pending write at coherence position pos.
func (w *worker) addWrite(g *graph, t int, pos int) (*graph, model.EventID) {
	h, id := w.appendWrite(g, t)
	return place(h, id, pos), id
}

// addOther adds thread t's pending fence or free to a copy of g.
func (w *worker) addOther(g *graph, t int) (*graph, model.EventID) {
	h := g.clone()
	return h, w.otherInto(h, t)
}

// otherInto adds thread t's pending fence or free to h itself.
func (w *worker) otherInto(h *graph, t int) model.EventID {
	a := *h.pend(t)
	c := h.own(t)
	id := h.add(t, w.ip.event(w.e.prog.Threads[t], &c.s, &a, 0, model.NoEvent))
	h.addDeps(t, &a)
	w.ip.complete(w.e.prog.Threads[t], &c.s, &a, 0)
	w.advance(h, t, c)
	return id
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
	if w.hooks.checked != nil {
		w.hooks.checked()
	}
	if d, ok := w.chk.(memmodel.Decider); ok && !w.hooks.fullCheck {
		// The cheap verdicts first, then the relations on the part of
		// g where a cycle can lie; a finished graph is judged again,
		// whole, for what Ordered and Flags need. (hooks.fullCheck,
		// the differential tests' oracle, has Check judge it whole.)
		w.judged = nil
		return d.Consistent(g.x)
	}
	return w.consistent(g)
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
