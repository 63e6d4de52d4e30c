package explorer

import (
	"encoding/binary"

	"mmcheck/model"
)

// graph is an execution graph under construction, with each CPU's local
// state after its last event and its next action. Slices are shared
// copy-on-write between a graph and its clones: every modification goes
// through a method that copies first.
type graph struct {
	x  *model.Execution
	xs model.Execution // x points here in clones
	// cpus[t] is CPU t's local state and next action (cpu.go), shared
	// with the graph it was cloned from until g changes it (own);
	// mine[t] says g made cpus[t] (and may change it).
	cpus  []*cpuState
	mine  []bool
	meta  [][]evMeta // per event: insertion order and DPOR flags
	clock int32      // next stamp
	lb    bool       // a load-buffering revisit made it (lb.go)
	vk    viewKind   // the views kept (views.go)
	scOK  bool       // known to be sc-consistent (views.go)
	// claims[3t+k] is the claim (grow.go) on the backing array of CPU
	// t's events (k = 0), metadata (1) and dependencies (2); nil when
	// the slice must be copied before it grows.
	claims []*claim
	taken  []taken // the slots this graph claimed (see release)
	// norev[t]: CPU t's first norev[t] events may not be revisited (they
	// were in the prefix of a revisiting write; see revisitable).
	norev []int32
	mem   *workMem   // the worker's recycled graphs and view arena (grow.go); nil: allocate
	dead  bool       // recycled: only its buffers are still of use
	made  madeArrays // the arrays g made, which drop gives to the worker's pools (grow.go)
}

func newGraph(p *model.Program) *graph {
	n := len(p.Threads)
	g := &graph{
		x: &model.Execution{
			Prog:   p,
			Events: make([][]model.Event, n),
			CO:     make([][]model.EventID, len(p.Locs)),
			Status: make([]model.ThreadStatus, n),
			Regs:   make([][]model.Value, n),
		},
		cpus:   make([]*cpuState, n),
		mine:   make([]bool, n),
		meta:   make([][]evMeta, n),
		claims: make([]*claim, 3*n),
		norev:  make([]int32, n),
	}
	for i, t := range p.Threads {
		g.cpus[i] = &cpuState{s: newTstate(t)}
		g.mine[i] = true
	}
	return g
}

// clone makes a copy sharing all slices; the copy-on-write methods below
// keep the two apart, and appends go in place only as grow.go allows.
// The copy is a recycled graph when g's worker has one (grow.go).
func (g *graph) clone() *graph {
	if g.dead {
		panic("explorer: clone of a recycled graph")
	}
	var h *graph
	if m := g.mem; m != nil && len(m.free) > 0 {
		h = m.free[len(m.free)-1]
		m.free = m.free[:len(m.free)-1]
	} else {
		h = new(graph)
	}
	// The execution's per-thread and per-location slice headers;
	// Status and Regs are only filled when a graph is finished or
	// reported (see worker.finish, snapshotExec). A coherence order is
	// never changed in place (insertCO, removeCO and cut make new ones),
	// so the clone shares them as they are.
	co := append(h.xs.CO[:0], g.x.CO...)
	var deps [][]model.Deps
	if g.x.Deps != nil {
		deps = append(h.xs.Deps[:0], g.x.Deps...)
	}
	*h = graph{
		xs:     model.Execution{Prog: g.x.Prog, Events: append(h.xs.Events[:0], g.x.Events...), CO: co, Deps: deps},
		cpus:   append(h.cpus[:0], g.cpus...),
		mine:   append(h.mine[:0], make([]bool, len(g.cpus))...),
		meta:   append(h.meta[:0], g.meta...),
		clock:  g.clock,
		lb:     g.lb,
		vk:     g.vk,
		scOK:   g.scOK,
		claims: append(h.claims[:0], g.claims...),
		taken:  h.taken[:0],
		norev:  append(h.norev[:0], g.norev...),
		mem:    g.mem,
		made:   h.made, // empty lists (drop emptied them), kept for their room
	}
	h.x = &h.xs
	return h
}

// addDeps records the dependencies of thread t's newest event, when the
// model needs them (the graph's Deps is non-nil).
func (g *graph) addDeps(t int, a *action) {
	if g.x.Deps == nil {
		return
	}
	g.x.Deps[t], g.claims[3*t+2] = appendClaimed(g.x.Deps[t], g.claims[3*t+2], depLists(a.addr, a.data, a.ctrl), &g.taken, g.depArrays())
}

// evMeta is what optimal DPOR remembers about each event.
type evMeta struct {
	stamp    int32  // when it was added (kept across revisits)
	addedMax bool   // a read that read the coherence-latest write, or a write placed last, when added
	view     *int32 // its view block (views.go: graph.viewBlock), when the graph keeps them
}

// setMeta replaces an event's metadata (copying the thread's slice).
func (g *graph) setMeta(id model.EventID, m evMeta) {
	t := int(id.Thread)
	g.meta[t], g.claims[3*t+1] = copyClaimed(g.meta[t], g.metaArrays())
	g.meta[t][id.Index] = m
}

func (g *graph) metaOf(id model.EventID) evMeta { return g.meta[id.Thread][id.Index] }

// revisitable reports whether CPU t's event i may still be revisited: it
// was not in the prefix of a revisiting write (TruSt: nothing in it may
// be revisited again in the subtree), and is not a speculated read. The
// events a revisit makes unrevisitable are a prefix of each CPU (its
// po ∪ rf prefix), and revisits only cut CPUs, so a count per CPU
// describes them.
func (g *graph) revisitable(t, i int) bool {
	return int32(i) >= g.norev[t] && !speculated(&g.x.Events[t][i])
}

// add appends an event to thread t (in place when grow.go allows it).
func (g *graph) add(t int, ev model.Event) model.EventID {
	g.x.Events[t], g.claims[3*t] = appendClaimed(g.x.Events[t], g.claims[3*t], ev, &g.taken, g.eventArrays())
	g.meta[t], g.claims[3*t+1] = appendClaimed(g.meta[t], g.claims[3*t+1], evMeta{stamp: g.clock}, &g.taken, g.metaArrays())
	g.clock++
	if g.vk != viewsNone {
		g.addView(t)
	}
	return model.EventID{Thread: int32(t), Index: int32(len(g.x.Events[t]) - 1)}
}

// eventArrays, metaArrays, depArrays and coArrays are where g's copies
// of a CPU's events, metadata and dependencies, and of a location's
// coherence order, come from: its worker's pools, if it has a worker.
func (g *graph) eventArrays() arrays[model.Event] {
	if g.mem == nil {
		return arrays[model.Event]{}
	}
	return arrays[model.Event]{&g.mem.pools.events, &g.made.events}
}

func (g *graph) metaArrays() arrays[evMeta] {
	if g.mem == nil {
		return arrays[evMeta]{}
	}
	return arrays[evMeta]{&g.mem.pools.meta, &g.made.meta}
}

func (g *graph) depArrays() arrays[model.Deps] {
	if g.mem == nil {
		return arrays[model.Deps]{}
	}
	return arrays[model.Deps]{&g.mem.pools.deps, &g.made.deps}
}

func (g *graph) coArrays() arrays[model.EventID] {
	if g.mem == nil {
		return arrays[model.EventID]{}
	}
	return arrays[model.EventID]{&g.mem.pools.co, &g.made.co}
}

// setEvent replaces an event (copying the thread's slice).
func (g *graph) setEvent(id model.EventID, ev model.Event) {
	t := int(id.Thread)
	g.x.Events[t], g.claims[3*t] = copyClaimed(g.x.Events[t], g.eventArrays())
	g.x.Events[t][id.Index] = ev
}

// insertCO puts write w at position pos (0 = right after the initial
// write) in loc's coherence order.
func (g *graph) insertCO(loc, pos int, w model.EventID) {
	old := g.x.CO[loc]
	c, _ := g.coArrays().get(0, len(old)+1, false)
	c = append(c, old[:pos]...)
	c = append(c, w)
	c = append(c, old[pos:]...)
	g.x.CO[loc] = c
}

// removeCO takes write w out of loc's coherence order.
func (g *graph) removeCO(loc int, w model.EventID) {
	old := g.x.CO[loc]
	c, _ := g.coArrays().get(0, len(old), false)
	for _, id := range old {
		if id != w {
			c = append(c, id)
		}
	}
	g.x.CO[loc] = c
}

// coPos returns the position after which a write immediately following w
// goes (0 for the initial write).
func (g *graph) coPosAfter(w model.EventID, loc int) int {
	if w.IsInit() {
		return 0
	}
	for i, c := range g.x.CO[loc] {
		if c == w {
			return i + 1
		}
	}
	return -1
}

// key is a canonical encoding of the graph: events per thread with the
// values and reads-from, and the coherence order. Two graphs with equal
// keys are the same execution graph, and (since CPUs are deterministic)
// have the same thread states.
func (g *graph) key(buf []byte) []byte {
	buf = buf[:0]
	for t, evs := range g.x.Events {
		buf = binary.AppendUvarint(buf, uint64(len(evs)))
		for i := range evs {
			e := &evs[i]
			buf = append(buf, byte(e.Kind))
			if e.Kind == model.EvRead {
				buf = binary.AppendVarint(buf, int64(e.RF.Thread))
				buf = binary.AppendVarint(buf, int64(e.RF.Index))
			}
		}
		buf = append(buf, byte(g.ts(t).status))
	}
	for _, c := range g.x.CO {
		buf = binary.AppendUvarint(buf, uint64(len(c)))
		for _, w := range c {
			buf = binary.AppendUvarint(buf, uint64(w.Thread))
			buf = binary.AppendUvarint(buf, uint64(w.Index))
		}
	}
	return buf
}
