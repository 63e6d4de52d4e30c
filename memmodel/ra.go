package memmodel

import (
	"math"
	"math/bits"
	"slices"

	"mmcheck/model"
)

// RA is RC11 (Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing sequential
// consistency in C/C++11", PLDI 2017) with the kernel's primitives mapped
// onto C11 orderings:
//
//   - Plain and Once accesses are relaxed atomics (so plain accesses never
//     race; data races are lkmm's business);
//   - Acquire reads (smp_load_acquire, the read half of *_acquire RMWs and
//     of spin_lock) are acquire; Release writes (smp_store_release, the
//     write half of *_release RMWs, spin_unlock) are release;
//   - an access with Order Mb (a fully ordered RMW such as xchg or
//     atomic_dec_and_test) is smp_mb(); acq_rel access; smp_mb(): the
//     checker adds a virtual SC fence right before an Mb RMW's read and one
//     right after its write, and the RMW itself is acquire and release (as
//     a value-returning kernel atomic is at least that: without it the
//     RMW's own accesses would not be ordered before what its readers do,
//     and the refcount idiom "if (atomic_dec_and_test(&c)) kfree(obj)"
//     would race with itself);
//   - smp_mb, smp_mb__before_atomic, smp_mb__after_atomic,
//     smp_mb__after_spinlock and smp_mb__after_unlock_lock are SC fences,
//     smp_wmb a release fence and smp_rmb an acquire fence.
//
// With rs = [W]; (po ∩ loc)?; [W]; (rf; rmw)* (release sequences),
// sw = [E⊒rel]; ([F]; po)?; rs; rf; [R]; (po; [F])?; [E⊒acq],
// hb = (po ∪ sw)+, eco = (rf ∪ co ∪ fr)+ and
// psc_F = [F_sc]; (hb ∪ hb; eco; hb); [F_sc], the axioms, checked in this
// order, are:
//
//	coherence    irreflexive(hb; eco?)
//	atomicity    empty(rmw ∩ (fre; coe))
//	sc           acyclic(psc_F)
//	no-thin-air  acyclic(po ∪ rf)
//
// With no SC accesses psc_base adds nothing to psc_F. A kfree counts as a
// plain (relaxed) write. Ordered(a, b) is hb.
var RA = &Model{
	Name: "ra",
	Doc: `RC11 with kernel orderings: once/plain are relaxed, acquire/release as C11, mb RMWs are smp_mb(); acq_rel RMW; smp_mb().

Mapping: READ_ONCE/WRITE_ONCE and plain accesses are relaxed atomics;
smp_load_acquire and *_acquire RMWs (and spin_lock) are acquire;
smp_store_release and *_release RMWs (and spin_unlock) are release; a fully
ordered RMW (xchg, atomic_dec_and_test, ...) is an SC fence, an acq_rel
RMW and an SC fence; smp_mb and the smp_mb__* barriers are SC fences, smp_wmb a
release fence, smp_rmb an acquire fence.
With hb = (po ∪ sw)+ (sw through release sequences and fences, as RC11)
and eco = (rf ∪ co ∪ fr)+, an execution is consistent when
  coherence:   irreflexive(hb; eco?)
  atomicity:   empty(rmw ∩ (fre; coe))
  sc:          acyclic([F_sc]; (hb ∪ hb; eco; hb); [F_sc])
  no-thin-air: acyclic(po ∪ rf)
An access is ordered before a kfree (a relaxed write) when hb relates them.`,
	Axioms:            []string{"coherence", "atomicity", "sc", "no-thin-air"},
	MaximalConsistent: true,
	Incremental:       IncrHB,
	NewChecker:        func() Checker { return new(raChecker) },
}

// Fence flags of an ra node.
const (
	raRel     uint8 = 1 << iota // a release fence (smp_wmb, SC fences)
	raAcq                       // an acquire fence (smp_rmb, SC fences)
	raSC                        // an SC fence
	raVirtual                   // a fence added for an Mb access
)

// Memo states of raChecker.rel (node indices are >= 0).
const (
	relUnknown int32 = -2
	relBusy    int32 = -3
)

// raChecker checks RC11.
//
// # The hb graph
//
// Nodes are the events and the virtual fences of each thread in po order
// (po edges join consecutive ones), then release-sequence nodes. Since hb
// is transitive and contains po, an sw edge only needs the po-latest
// release event that can start it and the po-earliest acquire event it
// can end at. For a write w, head(w) is the po-latest of: w if it is
// release, a release write to w's location po-before w, a release fence
// po-before w. rel(w) is a node that is hb-after exactly the heads of the
// release sequences w belongs to: head(w) itself, or rel(u) when w is an
// RMW reading u and w has no head, or a new node with edges from both.
// A read r gets the edge rel(rf(r)) → acq(r), where acq(r) is r if it is
// acquire, else the first acquire fence po-after r. Reachability between
// events in this graph is hb.
//
// # Coherence
//
// With key ranks of accesses (see flat.key), a eco b iff key(a) < key(b),
// and irreflexive(hb; eco?) holds iff hb is acyclic and every hb-before
// access a of the location of access b has key(a) <= key(b), strictly if b
// is a write. In each thread po-loc is checked by a scan (flat.poLoc); for
// locations that several threads access, one pass in topological order
// carries, per node and location, the hb-before access of maximal key.
//
// # SC fences
//
// The same pass carries, per node, the set of SC fences hb-before it, and
// per SC fence and location the hb-after access of minimal key. Then
// f1 psc f2 iff f1 hb f2, or some location has min-after(f1) <
// max-before(f2) in key order; psc is acyclic iff that graph on the SC
// fences is. An SC fence right after another in po (smp_mb__after_atomic
// after a fully ordered RMW) has the same hb-neighbours but that one, so
// it lies on a psc cycle iff that one does and is left out.
type raChecker struct {
	f    flat
	g    digraph // hb, with virtual nodes
	scg  digraph // for the SC shortcut
	lazy bool    // ok by the SC shortcut; g is not built yet

	nodeOf  []int32 // per event: its node
	nstart  []int32 // per thread: its first node; then nthread
	nthread int32   // nodes 0..nthread-1 belong to threads
	evOf    []int32 // per node: its event (for a virtual fence, the Mb access), -1 for rel nodes
	flags   []uint8 // per node: raRel, raAcq, raSC, raVirtual
	head    []int32 // per write: head(w), -1 for none
	acq     []int32 // per read: acq(r), -1 for none
	rel     []int32 // per write: rel(w) memo

	// locations: lidx[l] is l's index among the locations accessed by more
	// than one thread (valid when lgen[l] == gen; -1 for a one-thread one)
	lgen []uint32
	lthr []int32
	lidx []int32
	gen  uint32
	ls   int

	// SC fences
	scf   []int32 // nodes of SC fences
	scIdx []int32 // per node: index in scf, or -1
	sw    int     // words per fence set

	touched []bool   // per node: view and fmask hold something (from a predecessor)
	view    []int64  // node*ls+j: max over hb-before accesses of location j of key<<32|node, -1 none
	fmask   []uint64 // node*sw: SC fences hb-before-or-equal the node
	minKey  []int32  // j*len(scf)+fence: min key over hb-after accesses of location j

	pred  []uint64 // fence*sw: psc predecessors
	left  []uint64
	seen  []int32
	cycle []int32 // scratch for failures
	ok    bool
}

// raFenceFlags returns the flags of a fence event.
func raFenceFlags(e *model.Event) uint8 {
	if e.Kind != model.EvFence {
		return 0
	}
	switch {
	case isFullFence(e.Fence):
		return raRel | raAcq | raSC
	case e.Fence == model.FenceWmb:
		return raRel
	case e.Fence == model.FenceRmb:
		return raAcq
	}
	return 0
}

// mbFences says whether an access gets a virtual SC fence before and
// after it: an Mb RMW gets one before its read and one after its write; a
// lone Mb access gets both.
func mbFences(e *model.Event) (before, after bool) {
	if e.Order != model.Mb {
		return false, false
	}
	switch e.Kind {
	case model.EvRead:
		return true, !e.RMW
	case model.EvWrite:
		return !e.RMW, true
	}
	return false, false
}

const scFlags = raRel | raAcq | raSC | raVirtual

func (c *raChecker) addNode(ev int32, flags uint8) int32 {
	c.evOf = append(c.evOf, ev)
	c.flags = append(c.flags, flags)
	return int32(len(c.evOf) - 1)
}

func (c *raChecker) Check(x *model.Execution) *Failure {
	c.ok, c.lazy = false, false
	f := &c.f
	f.load(x)
	// An SC-consistent execution is consistent here: with a total order T
	// containing po, rf, co and fr, hb = (po ∪ sw)+ and eco lie in T, so
	// hb; eco is irreflexive; psc is built from hb, co, fr and eco, so it
	// lies in T and is acyclic; po ∪ rf is acyclic. The hb graph that
	// Ordered needs is built when it is asked (check).
	if !DisableSCShortcut && scAcyclic(f, &c.scg) {
		if _, _, _, ok := f.atomicity(); ok {
			c.ok, c.lazy = true, true
			return nil
		}
	}
	return c.check()
}

// check decides the loaded execution.
func (c *raChecker) check() *Failure {
	c.ok, c.lazy = false, false
	f, g := &c.f, &c.g
	x := f.x
	n := int(f.n)

	// Lay out the thread nodes; find the shared locations.
	nl := len(x.CO)
	if len(c.lgen) < nl {
		c.lgen = make([]uint32, nl)
		c.lthr = make([]int32, nl)
		c.lidx = make([]int32, nl)
		c.gen = 0
	}
	c.gen++
	if c.gen == 0 {
		clear(c.lgen)
		c.gen = 1
	}
	c.ls = 0
	c.nodeOf = grow(c.nodeOf, n)
	c.evOf = c.evOf[:0]
	c.flags = c.flags[:0]
	c.nstart = grow(c.nstart, len(f.start))
	for v, t := int32(0), 0; v < f.n; v++ {
		for v == f.start[t] {
			c.nstart[t] = int32(len(c.evOf))
			t++
		}
		e := f.ev[v]
		before, after := mbFences(e)
		if before {
			c.addNode(v, scFlags)
		}
		c.nodeOf[v] = c.addNode(v, raFenceFlags(e))
		if after {
			c.addNode(v, scFlags)
		}
		if e.IsAccess() {
			l, th := e.Loc, f.thr[v]
			switch {
			case c.lgen[l] != c.gen:
				c.lgen[l], c.lthr[l], c.lidx[l] = c.gen, th, -1
			case c.lthr[l] != th && c.lidx[l] < 0:
				c.lidx[l] = int32(c.ls)
				c.ls++
			}
		}
	}
	c.nthread = int32(len(c.evOf))
	for t := len(f.start) - 1; t >= 0 && f.start[t] == f.n; t-- {
		c.nstart[t] = c.nthread
	}

	// coherence, part 1: po-loc.
	if a, b, ok := f.poLoc(); !ok {
		return f.failure("coherence", a, b)
	}

	// Build hb: po edges, heads, acquire targets, sw edges.
	g.reset(int(c.nthread))
	c.head = grow(c.head, n)
	c.acq = grow(c.acq, n)
	c.rel = grow(c.rel, n)
	for t := 0; t+1 < len(f.start); t++ {
		lo, hi := c.nstart[t], c.nstart[t+1]
		// Forward: po edges and heads.
		relFence := int32(-1)
		f.gen++ // reuse flat's per-location scratch: locNode = last release write
		if f.gen == 0 {
			clear(f.locGen)
			f.gen = 1
		}
		for u := lo; u < hi; u++ {
			if u+1 < hi {
				g.edge(u, u+1)
			}
			fl := c.flags[u]
			if fl&raRel != 0 {
				relFence = u
			}
			if fl&raVirtual != 0 {
				continue
			}
			v := c.evOf[u]
			e := f.ev[v]
			c.rel[v] = relUnknown
			c.head[v], c.acq[v] = -1, -1
			if e.Kind != model.EvWrite {
				continue
			}
			if e.Order == model.Release || e.Order == model.Mb {
				c.head[v] = u
				f.locGen[e.Loc], f.locNode[e.Loc] = f.gen, u
				continue
			}
			h := relFence
			if f.locGen[e.Loc] == f.gen && f.locNode[e.Loc] > h {
				h = f.locNode[e.Loc]
			}
			c.head[v] = h
		}
		// Backward: acquire targets.
		next := int32(-1)
		for u := hi - 1; u >= lo; u-- {
			fl := c.flags[u]
			if fl&raAcq != 0 {
				next = u
			}
			if fl&raVirtual != 0 {
				continue
			}
			if v := c.evOf[u]; f.ev[v].Kind == model.EvRead {
				if f.ev[v].Order == model.Acquire || f.ev[v].Order == model.Mb {
					c.acq[v] = u
				} else {
					c.acq[v] = next
				}
			}
		}
	}
	for v := int32(0); v < f.n; v++ {
		if a := c.acq[v]; a >= 0 && f.ev[v].Kind == model.EvRead && f.rf[v] >= 0 {
			g.edge(c.relNode(f.rf[v]), a)
		}
	}
	if !g.acyclic() {
		return c.cycleFailure("coherence", g.cycle)
	}

	// coherence, part 2, and the data for sc: one pass in topological order.
	nn := g.len()
	ls := c.ls
	c.scf = c.scf[:0]
	c.scIdx = grow(c.scIdx, nn)
	for u := 0; u < nn; u++ {
		c.scIdx[u] = -1
		// An SC fence right after another has the same hb-predecessors
		// (plus that one) and hb-successors, so it adds no psc cycle.
		if c.flags[u]&raSC != 0 && (u == 0 || c.flags[u-1]&raSC == 0 || c.threadOf(u) != c.threadOf(u-1)) {
			c.scIdx[u] = int32(len(c.scf))
			c.scf = append(c.scf, int32(u))
		}
	}
	s := len(c.scf)
	needPSC := s >= 2 && ls > 0 // otherwise psc ⊆ hb, which is acyclic
	if ls > 0 {
		c.view = grow(c.view, nn*ls)
		c.touched = grow(c.touched, nn)
		clear(c.touched)
		c.sw = 0
		if needPSC {
			c.sw = (s + 63) / 64
			c.fmask = grow(c.fmask, nn*c.sw)
			c.minKey = grow(c.minKey, s*ls)
			for i := range c.minKey {
				c.minKey[i] = math.MaxInt32
			}
		}
		if a, b, ok := c.propagate(); !ok {
			return f.failure("coherence", a, b)
		}
	}

	if r, m, w, ok := f.atomicity(); !ok {
		return f.failure("atomicity", r, m, w)
	}

	if needPSC && !c.pscAcyclic() {
		return c.cycleFailure("sc", c.cycle)
	}

	if !f.poRF() {
		return f.cycleFailure("no-thin-air", f.cyc)
	}
	c.ok = true
	return nil
}

// threadOf returns the thread of a thread node.
func (c *raChecker) threadOf(u int) int32 { return c.f.thr[c.evOf[u]] }

// relNode returns rel(w) (see raChecker), creating it if needed, or -1.
func (c *raChecker) relNode(w int32) int32 {
	switch m := c.rel[w]; m {
	case relUnknown:
	case relBusy:
		return -1 // an rf;rmw cycle: inconsistent (no-thin-air), never mind
	default:
		return m
	}
	c.rel[w] = relBusy
	from := int32(-1)
	if r := c.f.rmwRead(w); r >= 0 && c.f.rf[r] >= 0 {
		from = c.relNode(c.f.rf[r])
	}
	h := c.head[w]
	res := h
	switch {
	case from < 0 || from == h:
	case h < 0:
		res = from
	default:
		res = c.g.addNode()
		c.addNode(-1, 0)
		c.g.edge(h, res)
		c.g.edge(from, res)
	}
	c.rel[w] = res
	return res
}

// propagate runs the topological pass of the coherence check; it returns
// the events of the first offending hb-related pair of accesses, or ok.
func (c *raChecker) propagate() (a, b int32, ok bool) {
	f, g := &c.f, &c.g
	ls, sw := c.ls, c.sw
	post := g.post
	for i := len(post) - 1; i >= 0; i-- {
		u := post[i]
		vu := c.view[int(u)*ls : int(u)*ls+ls]
		var fu []uint64
		if sw > 0 {
			fu = c.fmask[int(u)*sw : int(u)*sw+sw]
		}
		if !c.touched[u] { // no hb-predecessors
			for j := range vu {
				vu[j] = -1
			}
			clear(fu)
		}
		if sw > 0 {
			if k := c.scIdx[u]; k >= 0 {
				fu[k>>6] |= 1 << (uint(k) & 63)
			}
		}
		if u < c.nthread && c.flags[u]&raVirtual == 0 {
			v := c.evOf[u]
			e := f.ev[v]
			if e.IsAccess() {
				if j := c.lidx[e.Loc]; j >= 0 {
					k := f.key(v)
					if p := vu[j]; p >= 0 {
						if pk := int32(p >> 32); pk > k || pk == k && e.Kind == model.EvWrite {
							return c.evOf[int32(p)], v, false
						}
					}
					own := int64(k)<<32 | int64(u)
					if own > vu[j] {
						vu[j] = own
					}
					var mk []int32
					if sw > 0 {
						mk = c.minKey[int(j)*len(c.scf) : int(j+1)*len(c.scf)]
					}
					for w, bitsw := range fu {
						for bitsw != 0 {
							fi := w*64 + bits.TrailingZeros64(bitsw)
							bitsw &= bitsw - 1
							if k < mk[fi] {
								mk[fi] = k
							}
						}
					}
				}
			}
		}
		for e := g.head[u]; e >= 0; e = g.next[e] {
			w := g.to[e]
			vw := c.view[int(w)*ls : int(w)*ls+ls]
			var fw []uint64
			if sw > 0 {
				fw = c.fmask[int(w)*sw : int(w)*sw+sw]
			}
			if !c.touched[w] {
				c.touched[w] = true
				copy(vw, vu)
				copy(fw, fu)
				continue
			}
			for j, p := range vu {
				if p > vw[j] {
					vw[j] = p
				}
			}
			for k, m := range fu {
				fw[k] |= m
			}
		}
	}
	return -1, -1, true
}

// pscAcyclic builds psc_F on the SC fences, as one bitset of
// predecessors per fence, and checks it by removing fences without
// predecessors (Kahn); on failure c.cycle holds a cycle's nodes.
func (c *raChecker) pscAcyclic() bool {
	s, ls, sw := len(c.scf), c.ls, c.sw
	c.pred = grow(c.pred, s*sw)
	for j, fj := range c.scf {
		pj := c.pred[j*sw : j*sw+sw]
		copy(pj, c.fmask[int(fj)*sw:int(fj)*sw+sw]) // f hb fj
		pj[j>>6] &^= 1 << (uint(j) & 63)
		before := c.view[int(fj)*ls : int(fj)*ls+ls]
		for l, b := range before {
			if b < 0 {
				continue
			}
			bk := int32(b >> 32)
			for i, ak := range c.minKey[l*s : l*s+s] { // f hb a eco b hb fj
				lt := uint64(int64(ak)-int64(bk)) >> 63 // ak < bk, without a branch
				pj[i>>6] |= lt << (uint(i) & 63)
			}
		}
	}
	left := grow(c.left, sw)
	c.left = left
	clear(left)
	for i := 0; i < s; i++ {
		left[i>>6] |= 1 << (uint(i) & 63)
	}
	for removed := true; removed; {
		removed = false
		for j := 0; j < s; j++ {
			if left[j>>6]&(1<<(uint(j)&63)) == 0 || intersects(c.pred[j*sw:j*sw+sw], left) {
				continue
			}
			left[j>>6] &^= 1 << (uint(j) & 63)
			removed = true
		}
	}
	j := -1
	for k, w := range left {
		if w != 0 {
			j = k*64 + bits.TrailingZeros64(w)
			break
		}
	}
	if j < 0 {
		return true
	}
	// Every fence left has a predecessor left: walk back until a repeat.
	c.cycle = c.cycle[:0]
	seen := c.seen[:0]
	for !slices.Contains(seen, int32(j)) {
		seen = append(seen, int32(j))
		pj := c.pred[j*sw : j*sw+sw]
		for k := range pj {
			if w := pj[k] & left[k]; w != 0 {
				j = k*64 + bits.TrailingZeros64(w)
				break
			}
		}
	}
	c.seen = seen
	for k := len(seen) - 1; k >= 0; k-- { // edge order, from the repeated fence on
		c.cycle = append(c.cycle, c.scf[seen[k]])
		if seen[k] == int32(j) {
			break
		}
	}
	return false
}

// intersects reports whether two bitsets share an element.
func intersects(a, b []uint64) bool {
	for k := range a {
		if a[k]&b[k] != 0 {
			return true
		}
	}
	return false
}

// cycleFailure reports a cycle of hb-graph nodes by their events, virtual
// fences as their Mb accesses, skipping release-sequence nodes and
// repeats.
func (c *raChecker) cycleFailure(axiom string, cycle []int32) *Failure {
	f := &c.f
	f.ids = f.ids[:0]
	last := int32(-1)
	for _, u := range cycle {
		v := c.evOf[u]
		if v < 0 || v == last {
			continue
		}
		f.ids = append(f.ids, f.id(v))
		last = v
	}
	return newFailure(axiom, f.ids)
}

func (c *raChecker) Ordered(a, b model.EventID) bool {
	if !c.ok {
		panicUnchecked()
	}
	if c.lazy {
		if fail := c.check(); fail != nil {
			panic("memmodel: ra: an SC-consistent execution fails " + fail.Axiom)
		}
	}
	return orderedIn(&c.f, &c.g, c.nodeOf, a, b)
}
