package explorer

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"

	"mmcheck/model"
)

// A prototype of issue 16: an HMC-style search (Kokologiannakis and
// Vafeiadis, "HMC: Model checking for hardware memory models", ASPLOS
// 2020; GenMC's DepExecutionGraph and its revisits) that is complete under
// load buffering without speculation. Only the test switch hooks.hmc
// reaches it (runHMC, one worker, no incremental views).
//
// # The search
//
// A state is an execution graph whose CPUs' events are prefixes of their
// runs, consistent under the model, with the order in which its events
// were added. As in dpor.go, events are added one at a time for the first
// CPU that can move:
//
//   - a read once per write of its location (and the initial value);
//   - a write a once per coherence position, after it has
//     backward-revisited every read r of its location on another CPU that
//     is not in D(a), a's dependency prefix: the backward closure of a
//     under the addr, data and ctrl dependencies the interpreter records
//     (model.Deps), reads-from, an RMW write's read half (not an xchg's:
//     its value does not depend on what it read) and a spin_lock's read
//     (every later event of its CPU: it blocks the CPU unless it reads an
//     unlocked lock, and the interpreter records no dependency for it).
//     Unlike TruSt, r may be in a's po ∪ rf prefix: load buffering.
//
// A revisit keeps D(a) and the events added no later than r, closed
// under reads-from (the kept events), and makes r read from a. GenMC
// then leaves holes where a kept event's CPU has events before it that
// are not kept, and its CPU adds them again later. Our graphs are po
// prefixes, so the revisit makes them again at once (redo, rerun, build):
// every CPU's code runs again up to its last kept event; each kept event
// must be made again by the same instruction (same occurrence), kind and
// location, or the revisit is refused (hmcStats.refused); the events
// between them, the holes, are new (control flow may differ): each hole
// read is given, in turn, every write of its location the run makes (and
// g's, named by instruction and occurrence) and the initial value, and
// each hole write every coherence position its own CPU's accesses allow
// (coBounds); values and dependencies are computed again until they
// settle. A hole read may be given a write of g that another CPU does not
// reach running up to its last kept event (a deleted event after it):
// that CPU then runs on until it makes the write again, the events up to
// it new, as holes are (GenMC's CPUs may add such events again before the
// hole read's CPU gets to the hole). Then a takes every coherence position (r's RMW write half, if
// kept, right after it). A hole read may be revisited later like any
// read.
//
// Nothing is pruned by TruSt's maximality condition: a graph may be
// reached along several paths. A set of the states visited (graph and
// order of addition, which together fix the subtree) makes the search a
// reachability over finitely many states, and a set of the complete
// graphs counts each execution once. Memory is not linear: this is a
// prototype for completeness, not speed.
//
// Every graph built is an execution of the program (each event is what
// its CPU's code makes from the values it reads), judged by the model's
// checker: the search is sound whatever the revisits do.
//
// # Completeness, and what it relies on
//
// HMC's argument (the paper's §4-5) needs, of every consistent complete
// execution G:
//
//  1. (D ∪ rf) is acyclic in G;
//  2. the existence, location and value of each event are functions of
//     the values read by its D-predecessors (so a revisit that keeps
//     D(a) keeps a, whatever r and the deleted events read);
//
// and of the model:
//
//  3. consistency is prefix-closed: G restricted to a po ∪ rf-closed set
//     of events is consistent (what dpor.go assumes too; lkmm's axioms
//     are acyclicities and emptinesses of relations that only grow with
//     the graph: coherence, atomicity, happens-before, propagation, rcu,
//     plain-coherence; lock.cat's checks of unmatched locks are not, and
//     are refused below; the data-race and mixed-accesses flags are read
//     on complete graphs only).
//
// Then, by HMC's argument, G is reached: its events are added in the
// search's order; a read whose write in G is not there yet reads anything
// and is revisited when that write w is added, which (1) allows (r ∉
// D(w)); the kept events of D(w) are those of G by (2), and the others
// are deleted or made again. This prototype departs from HMC in two
// places, which the differential tests (hmc_test.go) cover:
//
//   - a revisit whose kept events are not made again alike is refused (an
//     event added before r whose address or control flow depends on a
//     value that changed: hmcStats.refused; the random tests refuse
//     some fifty revisits, and reach every execution by another order of
//     revisits);
//   - a hole read chooses at once among the writes of the run and of g
//     (which its CPU then runs on to make again, if need be); HMC adds it
//     again when its CPU gets to it, after the CPUs before it have made
//     their deleted events again, and it may read one of those, or a write
//     they make that g did not have (their control flow changed). Before
//     the writes of g past a CPU's kept events could be chosen,
//     randomProgram(335) and (257) of fuzz_test.go missed a final state
//     (P2's failed cmpxchg must read P1's successful one, which the
//     revisit by P2's xchg deleted: TestHMCHoleSeeds); a write that g
//     did not have is still out of reach, and lazy holes (a graph with
//     gaps, as GenMC's) are the complete fix. Holes made at once also
//     cost: each of a revisit's hole reads branches on every write of its
//     location, and on a protocol file a revisit has dozens of them.
//
// lkmm gives (1) only for the dependencies it orders: hb is acyclic, and
// holds [Marked]; ppo; [Marked] (addr; data and ctrl to a write; (addr |
// data); rfi to a marked read), rfe between marked accesses, and
// acquire, release and full-fence orderings. Plain accesses, control
// dependencies to reads, ctrl; rfi, and values that a branch chooses
// without a dependency (r2 = 0; if (r0) r2 = 1; WRITE_ONCE(*y, r2): the
// dependency ends where the branches join, and (2) fails) can close a
// cycle lkmm allows and that only a write depending on itself justifies:
// no revisit builds it (herd7 and Enumerate do: they take both sides of
// each branch). So before searching, runHMC refuses the program, with
// the reason, unless a static check (hmcstatic.go: an abstract
// interpretation of each CPU's code, per instruction, which scales to the
// protocol files) shows that
//
//   - no write another CPU may read depends (D, and rfi from the CPU's
//     po-latest write to the location) on a read that may read another
//     CPU's write and that ppo, acquire, release or full fences do not
//     order before it (1: a cycle enters a CPU at such a read and leaves
//     it at such a write); the rmw edge of a non-xchg RMW, and rmw; rfi,
//     are taken as ordered, an assumption: lkmm has no rmw in ppo, but a
//     cycle through one needs a value a write derives from itself, and
//     atomicity and coherence leave that to idempotent RMWs (fetch_or of
//     a constant) only;
//   - no value chosen by a branch on reads reaches an address, a written
//     value or a condition after the branches join, and no cmpxchg's
//     expected value depends on reads (2);
//   - no CPU may unlock a lock it does not hold (3).
//
// (A first check ran every path of every CPU over the enumeration's value
// domain, and refused every protocol file for its number of paths;
// hmcpaths_test.go keeps it as the new check's oracle.)
//
// RCU and SRCU rely on (3) as dpor.go does. Models without dependency
// tracking (sc, tso, ra) take D as the po ∪ rf prefix: TruSt without
// maximality.

// hmcStats are what an HMC search did, for the tests (hooks.hmcStats).
type hmcStats struct {
	revisits, refused, holes, dups, lb int64
}

// hmcSearch is the state of one HMC search.
type hmcSearch struct {
	w     *worker
	seen  map[string]bool // states visited: graph and addition order
	done  map[string]bool // complete graphs finished
	buf   []byte
	stats *hmcStats // hooks.hmcStats, or a scratch one
}

// runHMC is the HMC search (one worker).
func (e *engine) runHMC() {
	w := e.newWorker()
	defer w.done()
	if w.ip.deps {
		if why := hmcStaticCheck(e.ctx, e.prog, e.opts.LoopBound); why != "" {
			e.stopWith("the HMC search does not cover this program: " + why)
			return
		}
	}
	s := &hmcSearch{w: w, seen: map[string]bool{}, done: map[string]bool{}, stats: w.hooks.hmcStats}
	if s.stats == nil {
		s.stats = new(hmcStats)
	}
	s.visit(w.initial())
}

// count counts a state (a graph visited, or a revisit's run of the
// CPUs) and reports whether the search may go on (--max-states).
func (s *hmcSearch) count() bool {
	w := s.w
	w.stats.States++
	if m := w.e.opts.MaxStates; m > 0 && w.stats.States > m {
		w.e.stopWith(fmt.Sprintf("--max-states %d reached", m))
		return false
	}
	return true
}

// key encodes g's events (kind, location, value, reads-from), each CPU's
// status, the coherence orders and, if order, the order of addition.
func (s *hmcSearch) key(g *graph, order bool) string {
	b := s.buf[:0]
	x := g.x
	type st struct {
		stamp int32
		t     int
	}
	var ord []st
	for t, evs := range x.Events {
		b = binary.AppendUvarint(b, uint64(len(evs)))
		for i := range evs {
			e := &evs[i]
			b = append(b, byte(e.Kind))
			b = binary.AppendVarint(b, int64(e.Loc))
			b = binary.AppendVarint(b, int64(e.Val))
			if e.Kind == model.EvRead {
				b = binary.AppendVarint(b, int64(e.RF.Thread))
				b = binary.AppendVarint(b, int64(e.RF.Index))
			}
			if order {
				ord = append(ord, st{g.metaOf(model.EventID{Thread: int32(t), Index: int32(i)}).stamp, t})
			}
		}
		b = append(b, byte(g.ts(t).status))
	}
	for _, c := range x.CO {
		b = binary.AppendUvarint(b, uint64(len(c)))
		for _, w := range c {
			b = binary.AppendUvarint(b, uint64(w.Thread))
			b = binary.AppendUvarint(b, uint64(w.Index))
		}
	}
	if order {
		sort.Slice(ord, func(i, j int) bool { return ord[i].stamp < ord[j].stamp })
		for _, o := range ord {
			b = binary.AppendUvarint(b, uint64(o.t))
		}
	}
	s.buf = b
	return string(b)
}

// visit searches from g (see the file's comment).
func (s *hmcSearch) visit(g *graph) {
	w := s.w
	if w.stopped() || w.e.ctx.Err() != nil {
		return
	}
	k := s.key(g, true)
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	if !s.count() {
		return
	}
	t := g.nextThread()
	if t < 0 {
		s.finish(g)
		return
	}
	a := *g.pend(t)
	switch a.kind {
	case actRead:
		co := g.x.CO[a.loc]
		for i := len(co) - 1; i >= -1; i-- {
			src := model.InitID(a.loc)
			if i >= 0 {
				src = co[i]
			}
			h, _ := w.addRead(g, t, src)
			if w.consistent(h) {
				s.visit(h)
			}
		}
	case actWrite:
		h, id := w.appendWrite(g, t)
		s.backward(h, id)
		lo, hi := 0, len(h.x.CO[a.loc])
		if a.rmw {
			p := h.coPosAfter(h.x.Ev(model.EventID{Thread: id.Thread, Index: id.Index - 1}).RF, a.loc)
			if p < 0 {
				return
			}
			lo, hi = p, p
		}
		for pos := hi; pos >= lo; pos-- {
			h2 := place(h, id, pos)
			if w.consistent(h2) {
				s.visit(h2)
			}
		}
	default:
		h, _ := w.addOther(g, t)
		if w.consistent(h) {
			s.visit(h)
		}
	}
}

// finish finishes each complete graph once.
func (s *hmcSearch) finish(g *graph) {
	k := s.key(g, false)
	if s.done[k] {
		s.stats.dups++
		return
	}
	s.done[k] = true
	if poRfCyclic(g.x) {
		s.stats.lb++
	}
	s.w.finish(g)
}

// backward tries every revisit by write a (in g, not yet in coherence
// order) of a read of its location on another CPU outside D(a).
func (s *hmcSearch) backward(g *graph, a model.EventID) {
	x := g.x
	loc := x.Ev(a).Loc
	var dep map[model.EventID]bool
	for t, evs := range x.Events {
		if int32(t) == a.Thread {
			continue
		}
		for i := range evs {
			if evs[i].Kind != model.EvRead || evs[i].Loc != loc {
				continue
			}
			if dep == nil {
				dep = s.depPrefix(g, a)
			}
			r := model.EventID{Thread: int32(t), Index: int32(i)}
			if dep[r] {
				continue
			}
			s.revisit(g, r, a, dep)
			if s.w.e.ctx.Err() != nil {
				return
			}
		}
	}
}

// depPrefix returns D(a): the events a depends on (see the file's
// comment), a included. Without dependency tracking it is a's po ∪ rf
// prefix.
func (s *hmcSearch) depPrefix(g *graph, a model.EventID) map[model.EventID]bool {
	x := g.x
	p := s.w.e.prog
	seen := map[model.EventID]bool{a: true}
	stack := []model.EventID{a}
	push := func(id model.EventID) {
		if !id.IsInit() && !seen[id] {
			seen[id] = true
			stack = append(stack, id)
		}
	}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ev := x.Ev(e)
		if ev.Kind == model.EvRead {
			push(ev.RF)
		}
		if x.Deps == nil {
			if e.Index > 0 {
				push(model.EventID{Thread: e.Thread, Index: e.Index - 1})
			}
			continue
		}
		if ev.Kind == model.EvWrite && ev.RMW && !hmcXchg(p, e.Thread, ev) {
			push(model.EventID{Thread: e.Thread, Index: e.Index - 1})
		}
		d := &x.Deps[e.Thread][e.Index]
		for _, l := range [][]int32{d.Addr, d.Data, d.Ctrl} {
			for _, i := range l {
				push(model.EventID{Thread: e.Thread, Index: i})
			}
		}
		// A spin_lock's read blocks its CPU unless it reads an unlocked
		// lock: every later event depends on it (the interpreter records
		// no dependency for it, unlike an await's).
		for i := int32(0); i < e.Index; i++ {
			if id := (model.EventID{Thread: e.Thread, Index: i}); hmcLockRead(p, e.Thread, x.Ev(id)) {
				push(id)
			}
		}
	}
	return seen
}

// hmcLockRead reports whether ev is the read of a spin_lock.
func hmcLockRead(p *model.Program, t int32, ev *model.Event) bool {
	return ev.Kind == model.EvRead && p.Threads[t].Code[ev.Instr].Op == model.OpLock
}

// hmcXchg reports whether RMW write ev is an xchg's: its value does not
// depend on the value its read half read.
func hmcXchg(p *model.Program, t int32, ev *model.Event) bool {
	in := &p.Threads[t].Code[ev.Instr]
	return in.Op == model.OpRMW && in.RMW == model.RMWXchg
}

// hname names an event of a CPU across runs of its code: its instruction
// and how many events that instruction made before it.
type hname struct{ instr, occ int32 }

// hsrc names the write a read reads from: a CPU's event, or the initial
// value of loc (t < 0).
type hsrc struct {
	t   int32
	n   hname
	loc int
}

// hmcNames returns the names of g's events.
func hmcNames(x *model.Execution) [][]hname {
	names := make([][]hname, len(x.Events))
	for t, evs := range x.Events {
		occ := map[int]int32{}
		for i := range evs {
			in := evs[i].Instr
			names[t] = append(names[t], hname{int32(in), occ[in]})
			occ[in]++
		}
	}
	return names
}

// hmcRedo is one revisit being made: g, the revisited read r, the write
// a, which events must be kept (req), the names of g's events, and the
// choices made so far for the reads that are made again (holes).
type hmcRedo struct {
	g     *graph
	r, a  model.EventID
	req   [][]bool
	span  []int32
	names [][]hname
	byNm  []map[hname]int32
}

// hmcRun is a run of every CPU's code for a revisit.
type hmcRun struct {
	evs   [][]model.Event
	acts  [][]action
	names [][]hname
	srcs  [][]hsrc
	hole  [][]bool
}

// revisit makes r read from a (see the file's comment): the events kept
// are D(a) and those added no later than r (closed under rf); the other
// events po-before a kept one are made again, reads with every write
// they may read from and writes at every coherence position (GenMC's
// holes, added again at once rather than when their CPU reaches them).
func (s *hmcSearch) revisit(g *graph, r, a model.EventID, dep map[model.EventID]bool) {
	x := g.x
	sr := g.metaOf(r).stamp
	req := make([][]bool, len(x.Events))
	for t, evs := range x.Events {
		req[t] = make([]bool, len(evs))
		for i := range evs {
			id := model.EventID{Thread: int32(t), Index: int32(i)}
			req[t][i] = dep[id] || g.metaOf(id).stamp <= sr
		}
	}
	for changed := true; changed; {
		changed = false
		for t, evs := range x.Events {
			for i := range evs {
				if e := &evs[i]; req[t][i] && e.Kind == model.EvRead && !e.RF.IsInit() && !req[e.RF.Thread][e.RF.Index] &&
					(model.EventID{Thread: int32(t), Index: int32(i)}) != r {
					req[e.RF.Thread][e.RF.Index] = true
					changed = true
				}
			}
		}
	}
	rd := &hmcRedo{g: g, r: r, a: a, req: req, span: make([]int32, len(x.Events)), names: hmcNames(x)}
	for t := range req {
		for i := range req[t] {
			if req[t][i] {
				rd.span[t] = int32(i) + 1
			}
		}
		m := map[hname]int32{}
		for i, n := range rd.names[t] {
			m[n] = int32(i)
		}
		rd.byNm = append(rd.byNm, m)
	}
	s.redo(rd, map[[2]any]hsrc{})
}

// hmcSlack is how many more events than before a CPU may make, running
// again up to its last kept event, before the revisit is refused.
const hmcSlack = 64

// redo runs the CPUs again with the choices made so far for the holes'
// reads, and branches on the first read that has none; then on the
// holes' writes' coherence positions and a's.
func (s *hmcSearch) redo(rd *hmcRedo, choice map[[2]any]hsrc) {
	if s.w.stopped() || s.w.e.ctx.Err() != nil || !s.count() {
		return // each run counts as a state (--max-states)
	}
	run, need, nloc, ok := s.rerun(rd, choice)
	if !ok {
		if len(choice) == 0 {
			s.stats.refused++
		}
		return
	}
	if need[0] != nil {
		t := need[0].(int32)
		// Every write of the location the run makes or keeps, and the
		// initial value.
		cands := []hsrc{{t: -1, loc: nloc}}
		for u := range run.evs {
			for i := range run.evs[u] {
				if e := &run.evs[u][i]; e.Kind == model.EvWrite && e.Loc == nloc && (int32(u) != t || run.names[u][i] != need[1].(hname)) {
					cands = append(cands, hsrc{t: int32(u), n: run.names[u][i]})
				}
			}
		}
		// And g's (a write the choices not made yet may make again, or a
		// CPU makes again past its last kept event).
		for u, evs := range rd.g.x.Events {
			for i := range evs {
				if e := &evs[i]; e.Kind == model.EvWrite && e.Loc == nloc {
					c := hsrc{t: int32(u), n: rd.names[u][i]}
					if !slices.Contains(cands, c) && (int32(u) != t || c.n != need[1].(hname)) {
						cands = append(cands, c)
					}
				}
			}
		}
		s.stats.holes++
		for _, c := range cands {
			o := make(map[[2]any]hsrc, len(choice)+1)
			for k, v := range choice {
				o[k] = v
			}
			o[need] = c
			s.redo(rd, o)
			if s.w.e.ctx.Err() != nil {
				return
			}
		}
		return
	}
	s.stats.revisits++
	s.build(rd, run)
}

// rerun runs every CPU's code again up to its last kept event, with r
// reading from a, kept reads from their writes and the holes' reads from
// what choice gives them, until the values settle. It returns the run;
// or the name of a hole's read with no choice yet (need: thread, name)
// and its location; or false if a kept event is no longer made alike,
// a read's write is not made, or the values do not settle.
func (s *hmcSearch) rerun(rd *hmcRedo, choice map[[2]any]hsrc) (run *hmcRun, need [2]any, nloc int, ok bool) {
	w := s.w
	p := w.e.prog
	x := rd.g.x
	// The values of the writes, by name: g's to start with.
	vals := make([]map[hname]model.Value, len(x.Events))
	for t, evs := range x.Events {
		vals[t] = map[hname]model.Value{}
		for i := range evs {
			if evs[i].Kind == model.EvWrite {
				vals[t][rd.names[t][i]] = evs[i].Val
			}
		}
	}
	srcOf := func(id model.EventID) hsrc {
		if id.IsInit() {
			return hsrc{t: -1, loc: int(id.Index)}
		}
		return hsrc{t: id.Thread, n: rd.names[id.Thread][id.Index]}
	}
	// A failure once a hole's read has no choice yet may be that
	// choice's doing: the caller tries each.
	fail := func() (*hmcRun, [2]any, int, bool) {
		if need[0] != nil {
			return run, need, nloc, true
		}
		return nil, need, 0, false
	}
	total := 0
	for _, n := range rd.span {
		total += int(n)
	}
	for round := 0; round <= total+1; round++ {
		changed := false
		missing := false
		run = &hmcRun{evs: make([][]model.Event, len(x.Events)), acts: make([][]action, len(x.Events)),
			names: make([][]hname, len(x.Events)), srcs: make([][]hsrc, len(x.Events)), hole: make([][]bool, len(x.Events))}
		nvals := make([]map[hname]model.Value, len(x.Events))
		for t, th := range p.Threads {
			nvals[t] = map[hname]model.Value{}
			st := newTstate(th)
			occ := map[int32]int32{}
			left := 0 // kept events not made yet
			for i := int32(0); i < rd.span[t]; i++ {
				if rd.req[t][i] {
					left++
				}
			}
			// And the deleted writes of g that holes' reads chose to
			// read: the CPU makes them again (see the comment at the
			// top).
			wanted := map[hname]bool{}
			for _, c := range choice {
				if c.t == int32(t) {
					if _, in := rd.byNm[t][c.n]; in {
						wanted[c.n] = true
					}
				}
			}
			for j := 0; left > 0 || len(wanted) > 0; j++ {
				if j > int(rd.span[t])+hmcSlack {
					return fail()
				}
				act := w.ip.next(th, &st, j)
				if act.kind == actNone || act.kind == actFork {
					return fail()
				}
				nm := hname{act.instr, occ[act.instr]}
				occ[act.instr]++
				delete(wanted, nm)
				oi, isOld := rd.byNm[t][nm]
				kept := isOld && oi < rd.span[t] && rd.req[t][oi]
				var old *model.Event
				if kept {
					left--
					old = x.Ev(model.EventID{Thread: int32(t), Index: oi})
				}
				var src hsrc
				v := model.Value(0)
				if act.kind == actRead {
					switch {
					case kept && (model.EventID{Thread: int32(t), Index: oi}) == rd.r:
						src = srcOf(rd.a)
					case kept:
						src = srcOf(old.RF)
					default:
						c, ok := choice[[2]any{int32(t), nm}]
						if !ok && need[0] == nil {
							need, nloc = [2]any{int32(t), nm}, act.loc
						}
						if !ok {
							c = hsrc{t: -2} // undecided: reads 0 for now
						}
						src = c
					}
					if src.t == -2 {
						missing = true
					} else if src.t < 0 {
						if src.loc != act.loc {
							return fail()
						}
						v = x.WriteVal(model.InitID(src.loc))
					} else if val, ok := vals[src.t][src.n]; ok {
						v = val
					} else {
						missing = true
					}
				}
				id := model.NoEvent
				if src.t == -2 {
					id = model.InitID(act.loc)
				} else if src.t >= 0 && act.kind == actRead {
					id = model.EventID{Thread: src.t, Index: 0} // a placeholder: rebuild resolves names
				} else if act.kind == actRead {
					id = model.InitID(src.loc)
				}
				ne := w.ip.event(th, &st, &act, v, id)
				if kept && (ne.Kind != old.Kind || ne.Loc != old.Loc || ne.Fence != old.Fence || ne.Lock != old.Lock || ne.Srcu != old.Srcu) {
					return fail()
				}
				if ne.Kind == model.EvWrite {
					nvals[t][nm] = ne.Val
					if pv, ok := vals[t][nm]; !ok || pv != ne.Val {
						changed = true
					}
				}
				run.evs[t] = append(run.evs[t], ne)
				run.acts[t] = append(run.acts[t], act)
				run.names[t] = append(run.names[t], nm)
				run.srcs[t] = append(run.srcs[t], src)
				run.hole[t] = append(run.hole[t], !kept)
				w.ip.complete(th, &st, &act, v)
			}
		}
		vals = nvals
		if need[0] != nil {
			return run, need, nloc, true
		}
		if !changed && !missing {
			// Every read's write must have been made, at its location.
			idx := make([]map[hname]int, len(run.evs))
			for t := range run.evs {
				idx[t] = map[hname]int{}
				for i, n := range run.names[t] {
					idx[t][n] = i
				}
			}
			for t := range run.evs {
				for i := range run.evs[t] {
					src := run.srcs[t][i]
					if run.evs[t][i].Kind != model.EvRead || src.t < 0 {
						continue
					}
					j, ok := idx[src.t][src.n]
					if !ok || run.evs[src.t][j].Kind != model.EvWrite || run.evs[src.t][j].Loc != run.evs[t][i].Loc {
						return nil, need, 0, false
					}
				}
			}
			return run, need, 0, true
		}
		if !changed && missing {
			return nil, need, 0, false
		}
	}
	return nil, need, 0, false
}

// build makes the graphs of a run: the kept events in g's order of
// addition, then the holes; coherence as in g for the kept writes, every
// position for the holes' writes, then a (r's RMW write half, if kept,
// right after it).
func (s *hmcSearch) build(rd *hmcRedo, run *hmcRun) {
	w := s.w
	x := rd.g.x
	idx := make([]map[hname]int32, len(run.evs))
	for t := range run.evs {
		idx[t] = map[hname]int32{}
		for i, n := range run.names[t] {
			idx[t][n] = int32(i)
		}
	}
	// Stamps: the kept events in g's order, then the holes.
	type item struct {
		stamp int32
		id    model.EventID
	}
	var kept, holes []item
	newID := func(t int32, n hname) (model.EventID, bool) {
		i, ok := idx[t][n]
		return model.EventID{Thread: t, Index: i}, ok
	}
	for t := range run.evs {
		for i := range run.evs[t] {
			id := model.EventID{Thread: int32(t), Index: int32(i)}
			if run.hole[t][i] {
				holes = append(holes, item{0, id})
				continue
			}
			oi := rd.byNm[t][run.names[t][i]]
			kept = append(kept, item{rd.g.metaOf(model.EventID{Thread: int32(t), Index: oi}).stamp, id})
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].stamp < kept[j].stamp })
	h := w.initial()
	for t := range run.evs {
		for i := range run.evs[t] {
			ev := run.evs[t][i]
			if ev.Kind == model.EvRead {
				if src := run.srcs[t][i]; src.t >= 0 {
					id, ok := newID(src.t, src.n)
					if !ok {
						return
					}
					ev.RF = id
				}
			}
			h.add(t, ev)
			h.addDeps(t, &run.acts[t][i])
		}
	}
	for k, it := range append(kept, holes...) {
		m := h.metaOf(it.id)
		m.stamp = int32(k)
		h.setMeta(it.id, m)
	}
	oldToNew := func(id model.EventID) (model.EventID, bool) {
		return newID(id.Thread, rd.names[id.Thread][id.Index])
	}
	na, ok := oldToNew(rd.a)
	if !ok {
		return
	}
	nr, _ := oldToNew(rd.r)
	// r's RMW write half, if kept, goes right after a in coherence order.
	rw := model.NoEvent
	if h.x.Ev(nr).RMW && int(nr.Index)+1 < len(run.evs[nr.Thread]) && !run.hole[nr.Thread][nr.Index+1] {
		rw = model.EventID{Thread: nr.Thread, Index: nr.Index + 1}
	}
	for l, co := range x.CO {
		for _, id := range co {
			if id.Index >= int32(len(rd.req[id.Thread])) || !rd.req[id.Thread][id.Index] {
				continue
			}
			nid, ok := oldToNew(id)
			if !ok || nid == na || nid == rw {
				continue
			}
			h.insertCO(l, len(h.x.CO[l]), nid)
		}
	}
	var hw []model.EventID
	for _, it := range holes {
		if h.x.Ev(it.id).Kind == model.EvWrite && it.id != rw {
			hw = append(hw, it.id)
		}
	}
	for t := range run.evs {
		w.replay(h, t)
	}
	s.placeHoles(h, hw, na, rw)
}

// placeHoles places the holes' writes hw at every coherence position
// their own CPU's accesses to the location allow (coherence: see
// coBounds), then a at every position (rw right after it; an RMW's right
// after the write its read half read, which may be a hole's), and visits
// each consistent graph.
func (s *hmcSearch) placeHoles(h *graph, hw []model.EventID, a, rw model.EventID) {
	if len(hw) > 0 {
		id := hw[0]
		loc := h.x.Ev(id).Loc
		lo, hi, ok := coBounds(h, id)
		if !ok {
			return
		}
		for pos := hi; pos >= lo; pos-- {
			h2 := h.clone()
			h2.insertCO(loc, pos, id)
			s.placeHoles(h2, hw[1:], a, rw)
		}
		return
	}
	loc := h.x.Ev(a).Loc
	lo, hi := 0, len(h.x.CO[loc])
	if h.x.Ev(a).RMW {
		src := h.x.Ev(model.EventID{Thread: a.Thread, Index: a.Index - 1}).RF
		if src == rw {
			return // a's RMW reads r's: a cycle in coherence
		}
		p := h.coPosAfter(src, loc)
		if p < 0 {
			return
		}
		lo, hi = p, p
	}
	for pos := hi; pos >= lo; pos-- {
		h2 := place(h, a, pos)
		if rw != model.NoEvent {
			h2.insertCO(loc, pos+1, rw)
		}
		if s.w.consistent(h2) {
			s.visit(h2)
		}
	}
}

// coBounds returns the coherence positions write id (not yet placed) may
// take given its own CPU's accesses to its location that are placed: after
// the writes po-before it and the writes its po-earlier reads read, before
// the writes po-after it and those its po-later reads read (SC per
// location, which every model has). ok is false if there is none.
func coBounds(g *graph, id model.EventID) (lo, hi int, ok bool) {
	x := g.x
	loc := x.Ev(id).Loc
	hi = len(x.CO[loc])
	at := func(w model.EventID) int { // the position of placed write w, -1 if not placed
		if w.IsInit() {
			return -1
		}
		return g.coPosAfter(w, loc) - 1
	}
	for i, e := range x.Events[id.Thread] {
		if e.Loc != loc || int32(i) == id.Index {
			continue
		}
		var w model.EventID
		switch e.Kind {
		case model.EvWrite:
			w = model.EventID{Thread: id.Thread, Index: int32(i)}
		case model.EvRead:
			w = e.RF
			if w == id {
				continue
			}
		default:
			continue
		}
		p := at(w)
		if int32(i) < id.Index {
			lo = max(lo, p+1)
		} else if w.IsInit() {
			return 0, 0, false // a read of the initial value after the CPU wrote the location
		} else if p >= 0 {
			hi = min(hi, p)
		}
	}
	return lo, hi, lo <= hi
}
