package explorer

import (
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// Parallel DPOR.
//
// TruSt's subtrees are independent: a graph's subtree depends on the
// graph alone (graphs are never modified once built, and every choice
// below it is made from it). So the search tree is cut into tasks, each
// the children of one graph from some ordinal on (with their subtrees),
// and workers share them through a pool. Work is split on demand: a
// worker that finds the pool empty says it is hungry and waits; a busy
// worker, at its next step, gives away the children it has not started
// of the shallowest graph it is visiting (the biggest part of the tree
// it holds, most likely), as a new task, and goes on with the child it
// is in.
//
// A task is described by data: its path, the ordinal of the child taken
// at each level from the root to its graph (descend numbers the children
// of a graph in the order the search makes them, which is fixed: every
// choice is made from the graph alone), and the ordinal of its first
// child. replayPath rebuilds a task's graph from its path, so a task
// could be sent to another process or machine as its path; in this
// process it carries the graph too.
//
// The answer must not depend on the number of workers nor on timing
// (issue 15): the same verdict, counts, final states and counterexample.
// A complete search is a sum over the tasks. But a search that finds a
// violation stops after TraceBudget more, in the order in which one
// worker visits the tree (depth first), and what comes before that point
// must be counted exactly. So each task keeps a log, in depth-first
// order, of what it found (segments: statistics, final states, flags,
// a witness, ending at a violation) and of the tasks it handed out
// (parts), and the results are the log read in depth-first order
// (collect), up to the violation that ends the search. Workers stop
// searching what lies past the violations already found (bound): no
// task before it is skipped, so the log is exact up to it.
//
// With one worker there is no pool: the results go straight to the
// engine, in depth-first order already, and the search is cancelled at
// the violation that ends it.

// task is a subtree handed to the pool.
type task struct {
	path  []int32 // child ordinals from the root: the address of its graph
	from  int32   // its first child (the children before are another task's)
	g     *graph  // its graph; nil once a worker has taken it
	parts []part  // what the search of the subtree found, in depth-first order
	// pending counts the task's own search and its subtasks not yet
	// complete; the goroutine that brings it to 0 compacts the log
	// (compact) and tells the parent. Complete subtrees are kept as
	// their compacted log, so memory grows with the violations found,
	// not with the tasks.
	parent  *task
	pending atomic.Int32
	keep    bool // do not compact (TestTasksAreData reads the whole tree)
}

// key is the path of the first graph in t's part of the tree.
func (t *task) key() []int32 {
	if t.from == 0 {
		return t.path
	}
	return append(slices.Clone(t.path), t.from)
}

// frame is a graph a worker of a parallel search is visiting: a
// worker's frames are the graphs on the path from its task's graph to
// the graph it visits (none in a search by one worker).
type frame struct {
	g      *graph
	from   int32 // the first child to visit (a task's graph may start later)
	limit  int32 // the last child to visit (the rest were given away)
	stolen *task // the task that took the rest
	// fixed: g was changed in place for its children (grow.go: reuse),
	// so its children can no longer be given away.
	fixed bool
}

// part is one entry of a task's log: a segment of results or a subtree
// handed out.
type part struct {
	seg *segment
	sub *task
}

// segment is what a worker found in one stretch of the depth-first order.
type segment struct {
	stats    Stats
	outcomes map[string]*Outcome
	flags    map[string]bool
	cut      bool
	witness  *Counterexample
	viol     *Counterexample // the violation that ends the stretch, if any
}

func (s *segment) empty() bool {
	return s.stats == (Stats{}) && s.outcomes == nil && s.flags == nil && !s.cut && s.witness == nil && s.viol == nil
}

// runDPOR is the DPOR search (visit, dpor.go): one worker, or a pool of
// them.
func (e *engine) runDPOR() {
	if e.opts.Workers <= 1 {
		w := e.newWorker()
		defer w.done()
		w.path = append(w.path[:0], -1)
		w.visit(w.initial())
		return
	}
	e.collect(e.runPool(false))
}

// runPool runs the parallel search and returns its root task, whose log
// holds what it found: compacted (see task.pending), unless keepTree.
func (e *engine) runPool(keepTree bool) *task {
	p := &pool{n: e.opts.Workers, e: e}
	p.cond = sync.NewCond(&p.mu)
	first := e.newWorker()
	root := &task{g: first.initial(), keep: keepTree}
	root.pending.Store(1)
	p.queue = append(p.queue, root)
	p.queued.Store(1)
	var wg sync.WaitGroup
	for i := 0; i < e.opts.Workers; i++ {
		w := first
		if i > 0 {
			w = e.newWorker()
		}
		w.pool = p
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.done()
			for {
				t := p.get()
				if t == nil {
					return
				}
				w.run(t)
				p.finished()
			}
		}()
	}
	// Cancellation must wake idle workers.
	stop := context.AfterFunc(e.ctx, func() {
		p.mu.Lock()
		p.closed = true
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	wg.Wait()
	stop()
	return root
}

// run searches task t's subtree, logging what it finds in t.
func (w *worker) run(t *task) {
	g := t.g
	t.g = nil
	g.mem = &w.mem // it was detached (grow.go)
	w.task = t
	w.path = append(append(w.path[:0], t.path...), -1)
	w.mark = w.stats
	w.frames = append(w.frames[:0], frame{g: g, from: t.from, limit: math.MaxInt32})
	w.quietTask(t)
	w.visit(g)
	w.quiet = 0
	w.popFrame()
	w.closeSegment(nil)
	w.task = nil
	t.done()
}

// quietTask makes the worker, about to visit task t's graph, not count
// that graph's state if t does not start at its first child: the worker
// that gave t away counted it.
func (w *worker) quietTask(t *task) {
	if t.from > 0 {
		w.quiet = len(w.path)
	}
}

// popFrame ends the visit of the worker's deepest frame: the task that
// took the rest of its children, if any, comes next in the log.
func (w *worker) popFrame() {
	f := w.frames[len(w.frames)-1]
	w.frames = w.frames[:len(w.frames)-1]
	if f.stolen != nil {
		w.closeSegment(nil)
		w.task.parts = append(w.task.parts, part{sub: f.stolen})
	}
}

// donate gives the children not yet started of the worker's shallowest
// frame not split yet to a new task (a frame's children are not known in
// advance, so the task may turn out empty).
func (w *worker) donate() {
	base := len(w.path) - len(w.frames) // w.path[base+i] is frame i's current child
	for i := range w.frames {
		f := &w.frames[i]
		if f.limit != math.MaxInt32 || f.fixed {
			continue // already split, or its graph is no longer what its children extend
		}
		cur := w.path[base+i]
		f.limit = cur
		g := f.g.clone()
		g.detach()
		t := &task{path: slices.Clone(w.path[:base+i]), from: cur + 1, g: g, parent: w.task, keep: w.task.keep}
		t.pending.Store(1)
		w.task.pending.Add(1)
		f.stolen = t
		w.pool.put(t)
		return
	}
}

// done marks the end of one part of t (its own search or a subtask's
// whole subtree); the last one compacts t and passes the news up.
func (t *task) done() {
	for ; t != nil && t.pending.Add(-1) == 0; t = t.parent {
		if !t.keep {
			t.compact()
		}
	}
}

// compact rewrites a complete task's log without subtasks (each is
// complete and compacted: its parts take its place) and with the
// segments between violations merged into one, which loses nothing
// collect needs: a stretch without violations is counted whole or not
// at all.
func (t *task) compact() {
	var out []part
	for _, p := range t.parts {
		ps := []part{p}
		if p.sub != nil {
			ps = p.sub.parts
		}
		for _, q := range ps {
			if n := len(out); n > 0 && out[n-1].seg.viol == nil {
				out[n-1].seg.merge(q.seg)
				continue
			}
			c := *q.seg // a copy: q may be a subtask's, merged into later
			out = append(out, part{seg: &c})
		}
	}
	t.parts, t.path = out, nil
}

// merge adds segment o, which comes right after s, to s (whose violation
// is nil): o's violation ends the merged segment.
func (s *segment) merge(o *segment) {
	s.stats.Add(o.stats)
	for k, oo := range o.outcomes {
		if so := s.outcomes[k]; so != nil {
			so.Count += oo.Count
			continue
		}
		if s.outcomes == nil {
			s.outcomes = map[string]*Outcome{}
		}
		c := *oo
		s.outcomes[k] = &c
	}
	for f := range o.flags {
		if s.flags == nil {
			s.flags = map[string]bool{}
		}
		s.flags[f] = true
	}
	s.cut = s.cut || o.cut
	if o.witness != nil && (s.witness == nil || o.witness.before(s.witness)) {
		s.witness = o.witness
	}
	s.viol = o.viol
}

// closeSegment ends the worker's current segment (with violation v, if
// not nil) and appends it to its task's log.
func (w *worker) closeSegment(v *Counterexample) {
	s := w.seg
	s.stats = w.stats.minus(w.mark)
	s.viol = v
	w.mark = w.stats
	w.seg = segment{}
	if !s.empty() {
		w.task.parts = append(w.task.parts, part{seg: &s})
	}
}

// pool hands tasks to workers.
type pool struct {
	e      *engine
	mu     sync.Mutex
	cond   *sync.Cond
	queue  []*task
	n      int          // workers
	busy   int          // workers running a task
	queued atomic.Int32 // len(queue), read without the lock
	hungry atomic.Int32 // workers waiting for a task
	closed bool
}

// get returns the next task to run, or nil when the search is over: the
// queue is empty and no worker is busy (so none can add to it). Of the
// tasks queued it takes the first in depth-first order (so that the
// workers move through the tree as one worker would, and what they find
// past the violation that ends a search is little), and drops those past
// the violations found (bound).
func (p *pool) get() *task {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.closed {
			return nil
		}
		if b := p.e.bound.Load(); b != nil {
			p.queue = slices.DeleteFunc(p.queue, func(t *task) bool {
				if comparePaths(t.key(), *b) > 0 {
					t.done() // nothing in it counts
					return true
				}
				return false
			})
		}
		if len(p.queue) > 0 {
			best := 0
			for i, t := range p.queue {
				if comparePaths(t.key(), p.queue[best].key()) < 0 {
					best = i
				}
			}
			t := p.queue[best]
			p.queue = slices.Delete(p.queue, best, best+1)
			p.queued.Store(int32(len(p.queue)))
			p.busy++
			return t
		}
		if p.busy == 0 {
			p.closed = true
			p.cond.Broadcast()
			return nil
		}
		p.hungry.Add(1)
		p.cond.Wait()
		p.hungry.Add(-1)
	}
}

// finished marks the end of one task started by get.
func (p *pool) finished() {
	p.mu.Lock()
	p.busy--
	if p.busy == 0 && len(p.queue) == 0 {
		p.cond.Broadcast()
	}
	p.mu.Unlock()
}

// starving reports whether a worker waits for a task that none is
// queued for.
func (p *pool) starving() bool {
	return p != nil && p.hungry.Load() > 0 && p.queued.Load() == 0
}

// put queues task t.
func (p *pool) put(t *task) {
	p.mu.Lock()
	p.queue = append(p.queue, t)
	p.queued.Store(int32(len(p.queue)))
	p.cond.Signal()
	p.mu.Unlock()
}

// descend visits g, the next child of the graph being visited, unless
// it is not this worker's to visit (another task has it), and drops it;
// revisit says a backward revisit made it. w.path is the path of the
// graph being visited followed by the ordinal of its last child so far.
func (w *worker) descend(g *graph, revisit bool) {
	if w.enter(g, revisit) {
		w.drop(g)
	}
}

// enter is descend without the drop, for a child the search made by
// extending its parent in place (grow.go: reuse), which the parent's
// caller drops. It reports whether g may be dropped (not when a path
// replay keeps it).
func (w *worker) enter(g *graph, revisit bool) bool {
	k := w.path[len(w.path)-1] + 1
	w.path[len(w.path)-1] = k
	if len(w.frames) > 0 {
		if f := &w.frames[len(w.frames)-1]; k < f.from || k > f.limit {
			return true
		}
		if w.pool.starving() || w.hooks.splitEager && w.pool != nil && w.stats.States%3 == 0 {
			w.donate()
		}
	}
	if revisit {
		w.stats.Revisits++
	}
	if w.steer != nil {
		if !w.steer.follow(w, g) {
			if w.steer.found == g {
				g.release() // detached: it outlives the search
				return false
			}
			return true
		}
	}
	framed := len(w.frames) > 0
	if framed {
		w.frames = append(w.frames, frame{g: g, limit: math.MaxInt32})
	}
	w.path = append(w.path, -1)
	w.visit(g)
	w.path = w.path[:len(w.path)-1]
	if framed {
		w.popFrame()
	}
	return true
}

// child searches h, a child of the graph being visited: h itself if
// inPlace (the parent extended in place, which its caller drops), else
// a graph of its own, dropped after.
func (w *worker) child(h *graph, revisit, inPlace bool) {
	if inPlace {
		w.enter(h, revisit)
	} else {
		w.descend(h, revisit)
	}
}

// comparePaths orders paths depth first: a graph comes before its
// subtree, and siblings in the order the search makes them.
func comparePaths(a, b []int32) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// past reports whether the graph being visited comes after the
// violation that ends the search (bound), so that nothing found in it
// or after it counts.
func (w *worker) past() bool {
	b := w.e.bound.Load()
	return b != nil && w.pool != nil && comparePaths(w.path[:len(w.path)-1], *b) > 0
}

// foundViolation records, in a parallel search, the position of a
// violation found at the graph being visited, and returns false if it
// comes after the violation that ends the search. Once TraceBudget+1
// violations are known, the last of the first TraceBudget+1 of them
// (in depth-first order) bounds the search: the one that ends it is
// there or before.
func (w *worker) foundViolation() bool {
	e := w.e
	if e.opts.AllViolations {
		return true
	}
	pos := slices.Clone(w.path[:len(w.path)-1])
	e.mu.Lock()
	defer e.mu.Unlock()
	if b := e.bound.Load(); b != nil && comparePaths(pos, *b) > 0 {
		return false
	}
	i, _ := slices.BinarySearchFunc(e.found, pos, comparePaths)
	e.found = slices.Insert(e.found, i, pos)
	if n := e.budget() + 1; len(e.found) >= n {
		e.found = e.found[:n]
		b := e.found[n-1]
		e.bound.Store(&b)
	}
	return true
}

// budget is how many violations a search examines after the first.
func (e *engine) budget() int {
	b := e.opts.TraceBudget
	if b == 0 {
		b = 200
	}
	return max(b, 0)
}

// collect reads the log of a parallel search (rooted at task t) in
// depth-first order into the engine, as one worker would have recorded
// it, up to the violation that ends the search.
func (e *engine) collect(t *task) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var walk func(t *task) bool
	walk = func(t *task) bool {
		for _, p := range t.parts {
			if p.sub != nil {
				if !walk(p.sub) {
					return false
				}
				continue
			}
			s := p.seg
			e.stats.Add(s.stats)
			for k, o := range s.outcomes {
				if eo := e.outcomes[k]; eo != nil {
					eo.Count += o.Count
				} else {
					e.outcomes[k] = o
				}
			}
			for f := range s.flags {
				if e.flags == nil {
					e.flags = map[string]bool{}
				}
				e.flags[f] = true
			}
			if s.cut {
				e.cutSeen.Store(true)
			}
			if s.witness != nil && (e.witness == nil || s.witness.before(e.witness)) {
				e.witness = s.witness
			}
			if s.viol != nil {
				e.seenViolations++
				e.keepViolation(s.viol)
				if !e.opts.AllViolations && e.seenViolations > e.budget() {
					e.truncated = true
					return false
				}
			}
		}
		return true
	}
	walk(t)
}

// keepViolation adds cx to the violations reported (under e.mu): every
// one with Options.AllViolations, in depth-first order; else the first
// by the order of [Counterexample.before].
func (e *engine) keepViolation(cx *Counterexample) {
	switch {
	case e.opts.AllViolations || len(e.violations) == 0:
		e.violations = append(e.violations, cx)
	case cx.before(e.violations[0]):
		e.violations[0] = cx
	}
}

// replayer steers a worker down one path of the search tree (replayPath).
type replayer struct {
	path  []int32
	found *graph
}

// follow is descend's step while replaying: it reports whether to visit
// g, the child whose ordinal w.path now ends with.
func (r *replayer) follow(w *worker, g *graph) bool {
	d := len(w.path) - 1
	if r.found != nil || d >= len(r.path) || w.path[d] != r.path[d] {
		return false
	}
	if d == len(r.path)-1 {
		g.detach() // it outlives the search (grow.go)
		r.found = g
		return false
	}
	return true
}

// replayPath rebuilds the graph at path in the search tree from the
// program alone: a task described as data. It returns nil if there is no
// such graph.
func (e *engine) replayPath(path []int32) *graph {
	w := e.newWorker()
	defer w.done()
	g := w.initial()
	if len(path) == 0 {
		return g
	}
	w.steer = &replayer{path: path}
	w.path = append(w.path[:0], -1)
	w.visit(g)
	return w.steer.found
}
