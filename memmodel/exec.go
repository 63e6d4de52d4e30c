package memmodel

import (
	"fmt"
	"slices"

	"mmcheck/model"
)

// flat is an execution flattened to dense node indices: the events of
// thread t are nodes start[t] .. start[t+1]-1, in program order. Initial
// writes are not nodes: nothing is ordered before them, so they lie on no
// cycle; a read of one has rf -1 and fr to the location's first write.
// A read whose source is not chosen yet (RF is model.NoEvent: a
// speculated read in a partial execution, see the explorer's spec.go) has
// rf rfNone and no rf or fr edge at all: the relations of such an
// execution are those of any completion minus that read's rf and fr
// edges, and the models' axioms are monotone in them (only lock.cat's are
// not, which the explorer guards against).
type flat struct {
	x       *model.Execution
	n       int32
	start   []int32        // per thread, and one past the last
	ev      []*model.Event // per node
	thr     []int32        // per node: its thread
	rf      []int32        // reads: the node read from, -1 for the initial write
	coIdx   []int32        // writes: position in coherence order from 1 (0 is the initial write)
	coNext  []int32        // writes: the next write in coherence order, -1 for none
	coFirst []int32        // per location: the first write after the initial one, -1 for none

	// scratch for poLoc: per location, the last access seen in the
	// current thread (valid when locGen[loc] == gen)
	locGen  []uint32
	locKey  []int32
	locNode []int32
	gen     uint32

	pc  []int32         // scratch for poRF: per thread, the first event not yet taken
	cyc []int32         // scratch for poRF: a cycle
	ids []model.EventID // scratch for failures
}

// load flattens x. It panics if x breaks the invariants of
// [model.Execution] that the checkers rely on.
func (f *flat) load(x *model.Execution) {
	f.x = x
	nt := len(x.Events)
	f.start = grow(f.start, nt+1)
	n := 0
	for t, evs := range x.Events {
		f.start[t] = int32(n)
		n += len(evs)
	}
	f.start[nt] = int32(n)
	f.n = int32(n)
	f.ev = grow(f.ev, n)
	f.thr = grow(f.thr, n)
	f.rf = grow(f.rf, n)
	f.coIdx = grow(f.coIdx, n)
	f.coNext = grow(f.coNext, n)
	k := 0
	for t, evs := range x.Events {
		for i := range evs {
			f.ev[k] = &evs[i]
			f.thr[k] = int32(t)
			f.rf[k] = -1
			f.coIdx[k] = 0
			f.coNext[k] = -1
			k++
		}
	}
	nl := len(x.CO)
	f.coFirst = grow(f.coFirst, nl)
	for l, co := range x.CO {
		prev := int32(-1)
		f.coFirst[l] = -1
		for j, id := range co {
			v := f.node(id)
			if e := f.ev[v]; e.Kind != model.EvWrite || e.Loc != l {
				panic(fmt.Sprintf("memmodel: coherence order of location %d lists %v, not a write to it", l, id))
			}
			f.coIdx[v] = int32(j + 1)
			if prev < 0 {
				f.coFirst[l] = v
			} else {
				f.coNext[prev] = v
			}
			prev = v
		}
	}
	for v := int32(0); v < f.n; v++ {
		switch e := f.ev[v]; e.Kind {
		case model.EvRead:
			if e.RF == model.NoEvent {
				f.rf[v] = rfNone
				continue
			}
			if e.RF.IsInit() {
				if int(e.RF.Index) != e.Loc {
					panic(fmt.Sprintf("memmodel: read %v of location %d reads the initial write of %d", f.id(v), e.Loc, e.RF.Index))
				}
				continue
			}
			w := f.node(e.RF)
			if we := f.ev[w]; we.Kind != model.EvWrite || we.Loc != e.Loc {
				panic(fmt.Sprintf("memmodel: read %v reads from %v, not a write to its location", f.id(v), e.RF))
			}
			f.rf[v] = w
		case model.EvWrite:
			if f.coIdx[v] == 0 {
				panic(fmt.Sprintf("memmodel: write %v is not in the coherence order", f.id(v)))
			}
		}
	}
	if len(f.locGen) < nl {
		f.locGen = make([]uint32, nl)
		f.locKey = make([]int32, nl)
		f.locNode = make([]int32, nl)
		f.gen = 0
	}
}

// rfNone is the rf of a read whose source is not chosen yet.
const rfNone = -2

// node returns the node of an event (not an initial write).
func (f *flat) node(id model.EventID) int32 {
	t := int(id.Thread)
	if t < 0 || t+1 >= len(f.start) || id.Index < 0 || id.Index >= f.start[t+1]-f.start[t] {
		panic(fmt.Sprintf("memmodel: no event %v in the execution", id))
	}
	return f.start[t] + id.Index
}

// id returns the event of a node.
func (f *flat) id(v int32) model.EventID {
	t := f.thr[v]
	return model.EventID{Thread: t, Index: v - f.start[t]}
}

// frNext returns the immediate fr-successor of read v: the write right
// after the one v reads from in coherence order, or -1. Every other fr
// edge of v is this one followed by co edges, so for acyclicity and
// reachability this edge stands for all of them.
func (f *flat) frNext(v int32) int32 {
	if w := f.rf[v]; w >= 0 {
		return f.coNext[w]
	} else if w == rfNone {
		return -1
	}
	return f.coFirst[f.ev[v].Loc]
}

// key ranks an access within its location: 2k for the write at coherence
// position k, 2k+1 for a read of that write. For accesses a, b to one
// location, a eco b (eco = (rf ∪ co ∪ fr)+) holds exactly when
// key(a) < key(b).
func (f *flat) key(v int32) int32 {
	if f.ev[v].Kind == model.EvWrite {
		return 2 * f.coIdx[v]
	}
	if w := f.rf[v]; w >= 0 {
		return 2*f.coIdx[w] + 1
	}
	return 1
}

// rmwRead returns the read half of RMW write v, or -1 if v is not the
// write half of an RMW.
func (f *flat) rmwRead(v int32) int32 {
	e := f.ev[v]
	if e.Kind != model.EvWrite || !e.RMW || v == f.start[f.thr[v]] {
		return -1
	}
	if r := f.ev[v-1]; r.Kind != model.EvRead || !r.RMW {
		return -1
	}
	return v - 1
}

// poLoc checks coherence along po-loc: in each thread, the accesses to a
// location must have non-decreasing keys, strictly increasing into a
// write. Together with the key order of rf, co and fr this is exactly
// acyclic(po-loc ∪ rf ∪ co ∪ fr). It returns the first offending po-loc
// pair, or ok.
func (f *flat) poLoc() (a, b int32, ok bool) {
	for t := 0; t+1 < len(f.start); t++ {
		f.gen++
		if f.gen == 0 {
			clear(f.locGen)
			f.gen = 1
		}
		for v := f.start[t]; v < f.start[t+1]; v++ {
			e := f.ev[v]
			if !e.IsAccess() || f.rf[v] == rfNone {
				continue
			}
			k := f.key(v)
			l := e.Loc
			if f.locGen[l] == f.gen {
				pk := f.locKey[l]
				if pk > k || pk == k && e.Kind == model.EvWrite {
					return f.locNode[l], v, false
				}
			}
			f.locGen[l] = f.gen
			f.locKey[l] = k
			f.locNode[l] = v
		}
	}
	return -1, -1, true
}

// atomicity checks rmw ∩ (fre; coe) = ∅: no write of another thread comes
// between an RMW's read source and its write in coherence order. It
// returns the read half, the intervening write and the write half of the
// first offending RMW, or ok.
func (f *flat) atomicity() (r, mid, w int32, ok bool) {
	for v := int32(0); v < f.n; v++ {
		r := f.rmwRead(v)
		if r < 0 {
			continue
		}
		src := int32(0)
		if s := f.rf[r]; s >= 0 {
			src = f.coIdx[s]
		} else if s == rfNone {
			continue
		}
		co := f.x.CO[f.ev[v].Loc]
		for j := src; j < f.coIdx[v]-1; j++ { // co[j] has position j+1
			if m := f.node(co[j]); f.thr[m] != f.thr[r] {
				return r, m, v, false
			}
		}
	}
	return -1, -1, -1, true
}

// poRF reports whether po ∪ rf is acyclic. It takes events in po order,
// a read only once the write it reads has been taken, round robin over the
// threads until none can move: all are taken iff there is no cycle. On
// failure f.cyc holds a cycle.
func (f *flat) poRF() bool {
	nt := len(f.start) - 1
	f.pc = grow(f.pc, nt)
	copy(f.pc, f.start[:nt])
	for moved := true; moved; {
		moved = false
		for t := 0; t < nt; t++ {
			for v := f.pc[t]; v < f.start[t+1]; v++ {
				if w := f.rf[v]; w >= 0 && w >= f.pc[f.thr[w]] {
					break
				}
				f.pc[t] = v + 1
				moved = true
			}
		}
	}
	t0 := -1
	for t := 0; t < nt; t++ {
		if f.pc[t] < f.start[t+1] {
			t0 = t
			break
		}
	}
	if t0 < 0 {
		return true
	}
	// Each stuck thread waits at a read x whose write b = rf(x) is in a
	// stuck thread at or after where that one waits: x' po* b rf x. Walk
	// back until a thread repeats. f.cyc holds x0, b0, x1, b1, ...
	f.cyc = f.cyc[:0]
	for t := t0; ; {
		x := f.pc[t]
		for k := 0; k < len(f.cyc); k += 2 {
			if f.cyc[k] == x { // the cycle is x_k → b_k-1 ... reversed below
				c := f.cyc[k:]
				slices.Reverse(c)
				f.cyc = c
				return false
			}
		}
		b := f.rf[x]
		f.cyc = append(f.cyc, x, b)
		t = int(f.thr[b])
	}
}

// failure returns a Failure for the given nodes (-1 entries are skipped).
func (f *flat) failure(axiom string, nodes ...int32) *Failure {
	f.ids = f.ids[:0]
	for _, v := range nodes {
		if v >= 0 {
			f.ids = append(f.ids, f.id(v))
		}
	}
	return newFailure(axiom, f.ids)
}

// cycleFailure returns a Failure for a cycle of nodes.
func (f *flat) cycleFailure(axiom string, cycle []int32) *Failure {
	f.ids = f.ids[:0]
	for _, v := range cycle {
		f.ids = append(f.ids, f.id(v))
	}
	return newFailure(axiom, f.ids)
}

// failureAlloc lets a Failure and a short event list share one allocation.
type failureAlloc struct {
	f  Failure
	ev [5]model.EventID
}

// newFailure returns a new Failure (callers may keep it) with a copy of ids.
func newFailure(axiom string, ids []model.EventID) *Failure {
	fa := new(failureAlloc)
	fa.f.Axiom = axiom
	if len(ids) <= len(fa.ev) {
		fa.f.Events = fa.ev[:len(ids):len(ids)]
		copy(fa.f.Events, ids)
	} else {
		fa.f.Events = append([]model.EventID(nil), ids...)
	}
	return &fa.f
}

// isFullFence reports whether a fence kind is a full barrier (smp_mb and
// the smp_mb__* family): mfence under tso, an SC fence under ra.
func isFullFence(k model.FenceKind) bool {
	switch k {
	case model.FenceMb, model.FenceBeforeAtomic, model.FenceAfterAtomic,
		model.FenceAfterSpinlock, model.FenceAfterUnlockLock:
		return true
	}
	return false
}

// panicUnchecked is called by Ordered when the last Check failed or there
// was none.
func panicUnchecked() {
	panic("memmodel: Ordered called without a consistent Check")
}

// scAcyclic reports whether po ∪ rf ∪ co ∪ fr of the loaded execution is
// acyclic (SC without atomicity), building in g po edges between
// consecutive events, rf edges, co edges between consecutive writes and
// one fr edge per read: about two edges per event. The weaker models use
// it as a shortcut: an SC-consistent execution (this, coherence and
// atomicity) is consistent under each of them.
func scAcyclic(f *flat, g *digraph) bool {
	g.reset(int(f.n))
	for t := 0; t+1 < len(f.start); t++ {
		for v := f.start[t]; v+1 < f.start[t+1]; v++ {
			g.edge(v, v+1)
		}
	}
	for v := int32(0); v < f.n; v++ {
		switch f.ev[v].Kind {
		case model.EvRead:
			g.edge(f.rf[v], v)
			g.edge(v, f.frNext(v))
		case model.EvWrite:
			g.edge(v, f.coNext[v])
		}
	}
	return g.acyclic()
}
