package memmodel

import "mmcheck/model"

// A quick refutation of lkmm consistency.
//
// Most executions the explorer asks lkmm's checker about, and that the sc
// shortcut does not accept, are inconsistent (on unlazy-6, every one), and
// most of those by a propagation cycle: store buffering between fully
// ordered accesses. Check proves it by computing every relation of the
// model. Refutes looks instead for one cycle of edges that each lie in
// hb+ or in pb ∪ hb+ by their definitions:
//
//   - intra-CPU edges x -> z between marked accesses that are in fence,
//     so in ppo: x an acquire (acq-po), z a release (po-rel), and the
//     strong fences of mb: x the write half of a fully ordered RMW, z
//     a read half, an smp_mb between them, an smp_mb__before_atomic
//     before an atomic access at or before z, an smp_mb__after_atomic
//     after an atomic access at or after x;
//   - rfe edges between marked accesses;
//   - x -> z where x is a marked access, y a marked write
//     coherence-after x (or after the write x read), and y -> z a
//     strong-fence edge as above: if y is on another CPU, prop holds
//     (x, y) ((co ∪ fr) ∩ ext), so pb holds (x, z); on x's CPU, (x, y) is
//     in ppo (overwrite ∩ int), so x -> y -> z is in hb+;
//   - message passing, hb's (prop \ id) ∩ int: x -> w on one CPU, w
//     reading a marked write of another CPU that a write coherence-after
//     x precedes by a release, smp_mb or smp_wmb (propInt).
//
// pb; hb ⊆ pb (pb ends in hb*), so a cycle of hb and pb edges is a cycle
// of hb or of pb: lkmm's happens-before or propagation axiom fails. A
// cycle found refutes; none found proves nothing, and the checker decides.
// The search is linear but for message passing (per rfe edge, its
// reader's CPU): "every marked access from index u of CPU t on" is a node
// of its own, and so is "every write from index j of location l's
// coherence order on" (TestLKMMRefutes compares it with the reference
// model).

// Refutes reports whether x is inconsistent under lkmm by coherence,
// atomicity or a cycle of the edges above: true only for an execution
// Check rejects, false when it shows nothing. It leaves the checker as
// after a failed Check. (Consistent, lkmm_core.go, takes the same steps
// on its way; this is the refutation alone, for its tests.)
func (c *lkmmChecker) Refutes(x *model.Execution) bool {
	f := c.start(x)
	if _, _, ok := f.poLoc(); !ok {
		return true
	}
	if _, _, _, ok := f.atomicity(); !ok {
		return true
	}
	if scAcyclic(f, &c.scg) {
		return false // no hb or pb cycle: both lie in the sc order
	}
	c.r.reset(int(f.n))
	c.classify()
	return !c.refuteAcyclic()
}

// refuteAcyclic builds the graph of Refutes' edges on the loaded,
// classified execution and reports whether it is acyclic.
func (c *lkmmChecker) refuteAcyclic() bool {
	f, q := &c.f, c.quickIndex()
	n := f.n
	nt := int32(len(f.start) - 1)
	// Nodes: the events; suffix(t, u) for u in start[t]..start[t+1], at
	// n+u+t; then each location's coherence positions 0..len(co).
	coBase := 2*n + nt
	c.coOff = grow(c.coOff, len(f.x.CO)+1)
	total := coBase
	for l, co := range f.x.CO {
		c.coOff[l] = total
		total += int32(len(co)) + 1
	}
	suffix := func(t, u int32) int32 { return n + u + t }
	// Per node: the first atomic access at or after it, the first
	// smp_mb__after_atomic and smp_mb__before_atomic after it, the first
	// fully ordered read half and release after it (its CPU's end if none).
	c.nextAtom = grow(c.nextAtom, int(n))
	c.nextAA = grow(c.nextAA, int(n))
	c.nextBA = grow(c.nextBA, int(n))
	c.nextMbR = grow(c.nextMbR, int(n))
	c.nextRel = grow(c.nextRel, int(n))
	aa, ba := c.sFence[model.FenceAfterAtomic], c.sFence[model.FenceBeforeAtomic]
	for t := int32(0); t < nt; t++ {
		end := f.start[t+1]
		atom, fa, fb, mbr, rel := end, end, end, end, end
		for v := end - 1; v >= f.start[t]; v-- {
			c.nextAA[v], c.nextBA[v], c.nextMbR[v], c.nextRel[v] = fa, fb, mbr, rel
			if lkHas(c.sAtomic, v) {
				atom = v
			}
			c.nextAtom[v] = atom
			switch {
			case lkHas(aa, v):
				fa = v
			case lkHas(ba, v):
				fb = v
			}
			if lkHas(c.sMbR, v) {
				mbr = v
			}
			if lkHas(c.sRel, v) {
				rel = v
			}
		}
	}
	// strong adds the strong-fence edges from x (a marked access) to
	// node from: to every marked access after the earliest point all of
	// them are ordered after x, and to the next fully ordered read half.
	strong := func(from, x int32) {
		t := f.thr[x]
		end := f.start[t+1]
		u := min(q.nextMb[x]+1, end)
		if lkHas(c.sMbW, x) {
			u = x + 1
		}
		if a := c.nextAtom[x]; a < end {
			u = min(u, c.nextAA[a]+1, end)
		}
		if b := c.nextBA[x]; b < end {
			u = min(u, c.nextAtom[b])
		}
		c.scg.edge(from, suffix(t, u))
		if r := c.nextMbR[x]; r < end {
			c.scg.edge(from, r)
		}
	}
	g := &c.scg
	g.reset(int(total))
	for t := int32(0); t < nt; t++ {
		for u := f.start[t]; u < f.start[t+1]; u++ {
			g.edge(suffix(t, u), suffix(t, u+1))
			if c.acc(u) {
				g.edge(suffix(t, u), u)
			}
		}
	}
	for l, co := range f.x.CO {
		for j, id := range co {
			p := c.coOff[l] + int32(j)
			g.edge(p, p+1)
			if w := f.node(id); c.acc(w) {
				strong(p, w)
			}
		}
	}
	for v := int32(0); v < n; v++ {
		if !c.acc(v) {
			continue
		}
		t := f.thr[v]
		strong(v, v)
		if lkHas(c.sAcq, v) {
			g.edge(v, suffix(t, v+1))
		}
		if r := c.nextRel[v]; r < f.start[t+1] {
			g.edge(v, r)
		}
		e := f.ev[v]
		switch e.Kind {
		case model.EvWrite:
			for r := q.rhead[v]; r >= 0; r = q.rnext[r] {
				if f.thr[r] != t && c.acc(r) {
					g.edge(v, r)
				}
			}
			if k := f.coIdx[v]; k > 0 {
				g.edge(v, c.coOff[e.Loc]+k)
			}
		case model.EvRead:
			switch src := f.rf[v]; {
			case src >= 0:
				g.edge(v, c.coOff[e.Loc]+f.coIdx[src])
			case src == -1:
				g.edge(v, c.coOff[e.Loc])
			}
		}
	}
	c.propInt()
	return g.acyclic()
}

// propInt adds Refutes' edges of hb's (prop \ id) ∩ int: x -> w, both
// marked accesses of one CPU, where w reads (rfe) a marked write z of
// another CPU and x is coherence-before (co or fr) a marked write y of
// z's CPU that is z itself or cumul-fence-before it: y po-before z with z
// a release (po-rel), or an smp_mb (strong-fence) or smp_wmb (wmb)
// between them. That is message passing: prop holds (x, w) through
// ow-ext; cumul-fence; rfe.
func (c *lkmmChecker) propInt() {
	f, q, g := &c.f, c.quickIndex(), &c.scg
	c.maxCo = grow(c.maxCo, len(f.x.CO))
	for z := int32(0); z < f.n; z++ {
		if f.ev[z].Kind != model.EvWrite || !c.acc(z) || q.rhead[z] < 0 {
			continue
		}
		tz := f.thr[z]
		// bound: the writes of z's CPU before it that are cumul-fence-before z.
		bound := f.start[tz]
		if lkHas(c.sRel, z) {
			bound = z
		} else {
			for u := z - 1; u >= f.start[tz]; u-- {
				if lkHas(c.sFence[model.FenceMb], u) || lkHas(c.sFence[model.FenceWmb], u) {
					bound = u
					break
				}
			}
		}
		clear(c.maxCo)
		c.maxCo[f.ev[z].Loc] = f.coIdx[z]
		for y := f.start[tz]; y < bound; y++ {
			if e := f.ev[y]; e.Kind == model.EvWrite && c.acc(y) && f.coIdx[y] > c.maxCo[e.Loc] {
				c.maxCo[e.Loc] = f.coIdx[y]
			}
		}
		for w := q.rhead[z]; w >= 0; w = q.rnext[w] {
			tw := f.thr[w]
			if tw == tz || !c.acc(w) {
				continue
			}
			for x := f.start[tw]; x < f.start[tw+1]; x++ {
				if x == w || !c.acc(x) {
					continue
				}
				e := f.ev[x]
				pos := f.coIdx[x] // a write's position; a read's is its source's
				if e.Kind == model.EvRead {
					switch src := f.rf[x]; {
					case src == rfNone:
						continue
					case src >= 0:
						pos = f.coIdx[src]
					default:
						pos = 0
					}
				}
				if c.maxCo[e.Loc] > pos {
					g.edge(x, w)
				}
			}
		}
	}
}
