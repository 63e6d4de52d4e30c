package explorer

import (
	"unsafe"

	"mmcheck/model"
)

// Appending in place.
//
// A graph shares its per-CPU slices (events, their metadata and
// dependencies) with the graph it was cloned from, so extending a CPU by
// one event used to copy the CPU's whole slice. The search is depth
// first: of the graphs that extend one graph by an event of the same CPU
// (one per source of a read, say), each is finished before the next is
// made. So they can all write the new event into the same slot of one
// backing array, one after the other, as long as a slot is written only
// when no live graph can see it.
//
// A claim records, for one backing array, how many of its slots are in
// use: the longest prefix that some graph may still be looking at. A
// graph appends in place only when its slice ends exactly at the claim
// (no other graph has written past it) and the array has room; it then
// claims the slot and remembers that it did. When the search is done
// with the graph (graph.release), the slot is given back if nothing
// claimed past it meanwhile; otherwise it stays claimed, and later
// appenders copy. A graph that outlives the search of its subtree (one
// handed to another worker, or the answer of a path replay) is detached
// first: its slices are copied, so that the slots it claimed can be
// written again. Giving back too little is only slower; giving back a
// slot that a live graph still sees would corrupt it, which is why
// release is called only by the code that made the graph, once it is
// done with it and with every graph cloned from it.
//
// Workers do not share claims: a graph reaches another worker only
// detached, and a detached graph's arrays belong to it alone.
//
// The last child in place. Most graphs of the search have one child:
// a CPU's local step, a read with one source, a write with one place.
// And when a graph's last child is made, the graph itself is of no more
// use: its earlier children are dead, and its caller only drops it. So
// the last child the search makes of a graph is the graph itself,
// extended in place (reuse), rather than a clone; so is a write's step,
// whose revisits and places all extend the graph with the write. No
// header is copied, and the CPU states the graph made (cpu.go) and their
// register chunks (cow.go) are changed in place rather than copied
// again. The rules above still hold: a graph is changed only when no
// live graph of this worker was cloned from it (every earlier child is
// dead), and its slots are given back when its caller drops it, after
// those of everything below it. A graph given to another worker is
// detached with deep copies of its CPU states, since the graphs it was
// cloned from may now change theirs. A graph changed in place is
// forgotten by the worker's caches that name a graph by its address,
// and its frame (workers.go) may no longer give children away: they
// extend the graph it was. A path replay (its graph outlives the
// search) never reuses; hooks.noReuse turns reuse off, for the tests
// that compare the two.

type claim struct {
	base unsafe.Pointer // the backing array's first element
	n    int            // slots in use
}

// taken is one slot a graph claimed, to give back in release.
type taken struct {
	c *claim
	n int // the claim's count after the append
}

// appendClaimed appends v to s, in place when the claim c allows it. It
// returns the new slice and its claim (a new one if the slice was
// copied), and records an in-place append in *log.
func appendClaimed[T any](s []T, c *claim, v T, log *[]taken) ([]T, *claim) {
	n := len(s)
	if c != nil && n < cap(s) && c.n == n && c.base == unsafe.Pointer(unsafe.SliceData(s)) {
		s = s[:n+1]
		s[n] = v
		c.n = n + 1
		*log = append(*log, taken{c, n + 1})
		return s, c
	}
	// Room for 16 more (or half as many again on long CPUs): a copy is
	// made when a graph cut by a revisit grows, or when its array is full,
	// and then lives about as long as the subtree of one graph, which
	// seldom adds more than a dozen events to one CPU. Doubling made
	// arrays that were mostly empty (unlazy-6 under ra: 10% more bytes).
	ns := make([]T, n+1, n+1+max(16, n/2))
	copy(ns, s)
	ns[n] = v
	return ns, &claim{base: unsafe.Pointer(unsafe.SliceData(ns)), n: n + 1}
}

// copyClaimed copies s into a new array with room to grow in place, and
// returns the copy and its claim.
func copyClaimed[T any](s []T) ([]T, *claim) {
	ns := make([]T, len(s), len(s)+4)
	copy(ns, s)
	return ns, &claim{base: unsafe.Pointer(unsafe.SliceData(ns)), n: len(s)}
}

// release gives back the slots g claimed; g and every graph cloned from
// it must be dead (or detached).
func (g *graph) release() {
	for i := len(g.taken) - 1; i >= 0; i-- {
		if k := g.taken[i]; k.c.n == k.n {
			k.c.n--
		}
	}
	g.taken = g.taken[:0]
}

// reuse reports whether the search may make g's last child by
// extending g itself (see above); the caller then calls extend before
// it changes g, and makes no other child of g after.
func (w *worker) reuse(g *graph) bool {
	return g.mem == &w.mem && w.steer == nil && !w.hooks.noReuse
}

// extend prepares g, which reuse allowed, to be changed in place: the
// worker's caches forget it, and if g is the graph being visited in the
// worker's deepest frame, that frame may give no child away (its
// children extend the graph g was).
func (w *worker) extend(g *graph) {
	w.forget(g)
	if n := len(w.frames); n > 0 && w.frames[n-1].g == g {
		w.frames[n-1].fixed = true
	}
}

// extendOrClone adds an event to g itself, if last (g gets no other
// child after it) and reuse allows, else to a clone of g; add adds it to
// the graph it is given. It returns that graph and the event.
func (w *worker) extendOrClone(g *graph, last bool, add func(h *graph) model.EventID) (*graph, model.EventID) {
	if last && w.reuse(g) {
		w.extend(g)
		return g, add(g)
	}
	h := g.clone()
	return h, add(h)
}

// forget makes the worker's caches that name a graph by its address
// forget g (which is dropped, or changed in place).
func (w *worker) forget(g *graph) {
	if w.judged == g {
		w.judged = nil
	}
	if w.incr.g == g {
		w.incr.g = nil
	}
}

// drop ends the search's use of g: its slots are given back, and g is
// kept for clone to reuse. g and every graph cloned from it must be dead:
// no longer visited, and not handed to another worker (those are
// detached and only released). The worker's caches that name a graph by
// its address forget g.
func (w *worker) drop(g *graph) {
	g.release()
	if g.mem != &w.mem {
		return
	}
	w.forget(g)
	g.dead = true
	w.mem.recycleCPUs(g)
	g.unlink()
	w.mem.free = append(w.mem.free, g)
}

// unlink clears what a dead graph points to (its slice headers stay, for
// clone to fill): a graph waits in the free list until a clone needs it,
// and since most children are made in place (reuse) that can be long,
// and what it still pointed to (event arrays, metadata and through them
// view blocks, CPU states) stayed alive: unlazy-8's live heap grew by
// half.
func (g *graph) unlink() {
	clear(g.xs.Events)
	clear(g.xs.CO)
	clear(g.xs.Deps)
	clear(g.meta)
	clear(g.cpus)
	clear(g.xs.Regs)
	clear(g.claims)
	clear(g.taken[:cap(g.taken)])
	g.x = nil
}

// workMem is a worker's memory for graphs: the dead graphs clone reuses,
// their CPU states (cpu.go), and a slab the events' views are cut from
// (each view is a few dozen int32s, made once per event and never
// changed). A slab block is collected when no live graph has a view in
// it.
type workMem struct {
	free []*graph
	slab []int32
	cpus []*cpuState // CPU states of dead graphs (cpu.go)
}

const slabBlock = 1024 // int32s: small, so that a few live views pin little (4096 added 12 MB to unlazy-6's peak heap)

// view returns a zeroed block of n int32s.
func (m *workMem) view(n int) []int32 {
	if m == nil || n > slabBlock/4 {
		return make([]int32, n)
	}
	if len(m.slab) < n {
		m.slab = make([]int32, slabBlock)
	}
	v := m.slab[:n:n]
	m.slab = m.slab[n:]
	return v
}

// detach gives g arrays of its own, so that it may outlive the search of
// its subtree (and be used by another worker).
func (g *graph) detach() {
	g.detachCPUs()
	for t := range g.x.Events {
		g.x.Events[t] = append([]model.Event(nil), g.x.Events[t]...)
		g.meta[t] = append([]evMeta(nil), g.meta[t]...)
		if g.x.Deps != nil {
			g.x.Deps[t] = append([]model.Deps(nil), g.x.Deps[t]...)
		}
	}
	clear(g.claims)
	g.mem = nil
}
