package explorer

import (
	"slices"
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
// copied, from arrays a), and records an in-place append in *log.
func appendClaimed[T any](s []T, c *claim, v T, log *[]taken, a arrays[T]) ([]T, *claim) {
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
	ns, nc := a.get(n+1, n+1+max(16, n/2), true)
	copy(ns, s)
	ns[n] = v
	return ns, nc
}

// copyClaimed copies s into a new array from a, with room to grow in
// place, and returns the copy and its claim.
func copyClaimed[T any](s []T, a arrays[T]) ([]T, *claim) {
	ns, nc := a.get(len(s), len(s)+4, true)
	copy(ns, s)
	return ns, nc
}

// Recycled arrays. The arrays a graph makes for its CPUs' events,
// metadata and dependencies (a copy when it cannot append in place), and
// for its coherence orders, are seen only by it and by the graphs cloned
// from it, or made in place from it: all dead when the search drops it
// (a graph that outlives the search is detached, with arrays of its
// own). So drop gives them, and their claims, to the worker's pools, and
// the next copies are made in them: a step of the search allocates
// little, and the collector, which slows every worker while it marks,
// runs less often.

// arrayPool holds arrays of T by capacity, in classes of 8 elements.
type arrayPool[T any] struct{ free [][]owned[T] }

// owned is an array a graph made, with its claim if it has one.
type owned[T any] struct {
	s []T
	c *claim
}

const poolClasses = 64 // arrays of more than 8*64 elements are not kept

// arrays is where a graph's copies come from: a pool, and the list of the
// arrays the graph made, which drop gives back. A zero arrays allocates.
type arrays[T any] struct {
	pool *arrayPool[T]
	own  *[]owned[T]
}

// get returns an array of length n and capacity c and, if claimed, its
// claim, with the n slots in use. (The capacity is exactly c, as make's,
// so that an append past it copies: coherence orders are shared, never
// changed in place.)
func (a arrays[T]) get(n, c int, claimed bool) ([]T, *claim) {
	k := (c + 7) / 8
	if a.pool == nil || k >= poolClasses {
		s := make([]T, n, c)
		if !claimed {
			return s, nil
		}
		return s, &claim{base: unsafe.Pointer(unsafe.SliceData(s)), n: n}
	}
	var o owned[T]
	if k < len(a.pool.free) && len(a.pool.free[k]) > 0 {
		f := a.pool.free[k]
		o = f[len(f)-1]
		a.pool.free[k] = f[:len(f)-1]
	} else {
		o.s = make([]T, 0, 8*k)
	}
	if claimed && o.c == nil {
		o.c = new(claim)
	}
	*a.own = append(*a.own, o)
	s := o.s[:n:c]
	if !claimed {
		return s, nil
	}
	*o.c = claim{base: unsafe.Pointer(unsafe.SliceData(s)), n: n}
	return s, o.c
}

// madeArrays are the arrays a graph made, by kind.
type madeArrays struct {
	events []owned[model.Event]
	meta   []owned[evMeta]
	deps   []owned[model.Deps]
	co     []owned[model.EventID]
}

// arrayPools are a worker's pools, one per kind of madeArrays.
type arrayPools struct {
	events arrayPool[model.Event]
	meta   arrayPool[evMeta]
	deps   arrayPool[model.Deps]
	co     arrayPool[model.EventID]
}

// giveBack gives the arrays in m to the pools and empties m's lists. If
// poison (hooks.poison), every element of each array, to its capacity,
// is overwritten with garbage first.
func (p *arrayPools) giveBack(m *madeArrays, poison bool) {
	p.events.putAll(&m.events, poison, model.Event{Kind: model.EvRead, Loc: -1, Val: -7, RF: model.EventID{Thread: -1, Index: -1}})
	p.meta.putAll(&m.meta, poison, evMeta{stamp: -1 << 30})
	p.deps.putAll(&m.deps, poison, model.Deps{Addr: []int32{-1}, Data: []int32{-1}, Ctrl: []int32{-1}})
	p.co.putAll(&m.co, poison, model.EventID{Thread: -1, Index: -1})
}

// putAll gives the arrays in *own to the pool and empties the list; if
// poison, their elements are set to junk first.
func (p *arrayPool[T]) putAll(own *[]owned[T], poison bool, junk T) {
	for _, o := range *own {
		if poison {
			s := o.s[:cap(o.s)]
			for i := range s {
				s[i] = junk
			}
		}
		k := cap(o.s) / 8
		if len(p.free) <= k {
			p.free = append(p.free, make([][]owned[T], k+1-len(p.free))...)
		}
		p.free[k] = append(p.free[k], o)
	}
	clear(*own)
	*own = (*own)[:0]
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
	w.mem.pools.giveBack(&g.made, w.hooks.poison)
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
// their CPU states (cpu.go), the arena the events' views are cut from,
// and the pools of the arrays dead graphs made.
type workMem struct {
	free  []*graph
	views viewArena
	cpus  []*cpuState // CPU states of dead graphs (cpu.go)
	pools arrayPools
}

// view returns a block of n int32s for an event's views (not zeroed:
// computeViewInto clears it).
func (m *workMem) view(n int) []int32 {
	if m == nil || n > arenaChunk/4 {
		return make([]int32, n)
	}
	return m.views.alloc(n)
}

// A viewArena is a stack of view blocks. Each view is a few dozen int32s,
// made once per event and never changed, and lives exactly as long as
// the graphs that have its event: the graph it was made for and those
// cloned from it. The search is depth first, and every graph made while
// a graph is visited (its children, their children, a child made in
// place) is dead when that visit returns, unless it was detached, which
// copies its views. So visit marks the arena when it starts and resets
// it to the mark when it returns (dpor.go), and the blocks are written
// again by the next sibling's subtree: a step of the search allocates no
// view, and the collector has nothing to scan or free.
type viewArena struct {
	chunks  [][]int32
	ci, off int // the next block starts at chunks[ci][off]
}

// arenaMark is a position in a viewArena.
type arenaMark struct{ ci, off int }

const arenaChunk = 16 << 10 // int32s

func (a *viewArena) alloc(n int) []int32 {
	for {
		if a.ci == len(a.chunks) {
			a.chunks = append(a.chunks, make([]int32, arenaChunk))
		}
		if c := a.chunks[a.ci]; a.off+n <= len(c) {
			v := c[a.off : a.off+n : a.off+n]
			a.off += n
			return v
		}
		a.ci, a.off = a.ci+1, 0
	}
}

func (a *viewArena) mark() arenaMark { return arenaMark{a.ci, a.off} }

// reset gives back every block cut since m: no live graph may have one.
// If poison, their values are overwritten first (hooks.poison).
func (a *viewArena) reset(m arenaMark, poison bool) {
	for ci := m.ci; poison && ci <= a.ci && ci < len(a.chunks); ci++ {
		lo, hi := 0, len(a.chunks[ci])
		if ci == m.ci {
			lo = m.off
		}
		if ci == a.ci {
			hi = a.off
		}
		for i := lo; i < hi; i++ {
			a.chunks[ci][i] = 1 << 29
		}
	}
	a.ci, a.off = m.ci, m.off
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
	g.detachViews()
	clear(g.claims)
	for l, co := range g.x.CO {
		g.x.CO[l] = slices.Clone(co)
	}
	g.made = madeArrays{} // no longer its (nor anyone's) to give back
	g.mem = nil
}

// detachViews gives g's events copies of their view blocks, which are
// cut from its worker's arena and written again once the search of g's
// subtree returns (viewArena).
func (g *graph) detachViews() {
	if g.vk == viewsNone {
		return
	}
	n := g.stride()
	for t, ms := range g.meta {
		blk := make([]int32, n*len(ms))
		for i := range ms {
			if v := g.viewBlock(t, i); v != nil {
				c := blk[i*n : (i+1)*n : (i+1)*n]
				copy(c, v)
				ms[i].view = blockAddr(c)
			}
		}
	}
}
