package memmodel

import "mmcheck/model"

// A quick proof of Ordered.
//
// Ordered(a, b) asks whether an access a of one CPU is ordered before a
// kfree (or write) b of another, which lkmm defines through the
// plain-access relations: for a read, rw-xbstar = fence | (r-post-bounded
// ; xbstar ; w-pre-bounded); for a write, ww-vis, wr-vis and rw-xbstar
// together (wwNonrace). Computing them takes every relation of the model
// and two closures: on an execution the sc shortcut judged, that was
// nearly half of lkmm's time on the lazy-mm family, whose every execution
// asks it of each access to a freed object.
//
// orderedQuick looks for one path that proves the pair ordered, using
// only edges that lie in those relations by their definitions:
//
//   - intra-CPU edges x -> y (x po-before y, both marked accesses) that
//     are in fence and nonrw-fence: x an acquire (acq-po), y a release
//     (po-rel), x the write or y the read half of a fully ordered RMW, or
//     an smp_mb between them (the strong-fence part of mb);
//   - intra-CPU edges x -> y in overwrite (coi, fri: to-w), such as a
//     fully ordered RMW's read half to its write half;
//   - rfe edges between marked accesses.
//
// All are in ppo or rfe between marked events, so in hb, so a path
// of them is in hb* ⊆ xbstar. The path must end at a marked access m of
// b's CPU with an edge of the first kind from m to b (in fence ∩
// nonrw-fence, so in w-pre-bounded and r-pre-bounded), or at b itself if
// b is marked. It starts:
//
//   - for a marked read a: at a (r-post-bounded holds (a, a));
//   - for a marked write a: at each write a' of a's rmw-sequence
//     (rf; rmw)* (so w-post-bounded holds (a, a')) that is marked, if it
//     is on b's CPU (vis holds (a', m) by xbstar ∩ int for m on that CPU),
//     and at each marked access z after a' that a strong edge (fully
//     ordered RMW half or smp_mb, as above) reaches (vis by strong-fence;
//     xbstar). Then ww-vis and wr-vis hold through w-post-bounded; vis;
//     w-/r-pre-bounded, and a marked write before a write b satisfies
//     the middle term of ww-nonrace.
//
// A path found proves Ordered; none found proves nothing, and Ordered
// computes the relations as before. TestLKMMAgainstReference and
// TestLKMMOrderedQuickLong compare every proof with the reference model.

// quickScratch is orderedQuick's per-execution index and BFS state.
type quickScratch struct {
	checks uint64   // the Check it describes (lkmmChecker.checks)
	rhead  []int32  // per write: its first reader, -1 for none
	rnext  []int32  // per read: the next reader of the same write
	nextMb []int32  // per node: the first smp_mb after it in its CPU, its CPU's end if none
	seen   []uint64 // the search's visited nodes
	queue  []int32  // the search's queue (what it reached, in order)
	chain  []int32  // a write's rmw-sequence
}

// quickIndex builds the index for the loaded execution, once per Check.
func (c *lkmmChecker) quickIndex() *quickScratch {
	q, f := &c.quick, &c.f
	if q.checks == c.checks && q.rhead != nil {
		return q
	}
	q.checks = c.checks
	n := int(f.n)
	q.rhead, q.rnext, q.nextMb = grow(q.rhead, n), grow(q.rnext, n), grow(q.nextMb, n)
	for v := range n {
		q.rhead[v], q.rnext[v] = -1, -1
	}
	for v := int32(0); v < f.n; v++ {
		if !lkHas(c.sR, v) {
			continue
		}
		if w := f.rf[v]; w >= 0 {
			q.rnext[v], q.rhead[w] = q.rhead[w], v
		}
	}
	mb := c.sFence[model.FenceMb]
	for t := 0; t+1 < len(f.start); t++ {
		next := f.start[t+1]
		for v := f.start[t+1] - 1; v >= f.start[t]; v-- {
			q.nextMb[v] = next
			if lkHas(mb, v) {
				next = v
			}
		}
	}
	return q
}

// acc reports whether node v is a marked access (hb's events).
func (c *lkmmChecker) acc(v int32) bool { return lkHas(c.sM, v) && lkHas(c.sMarked, v) }

// owEdge reports whether x -> y (x po-before y in one CPU) is in
// overwrite ∩ int (coi or fri: y a write coherence-after x, or after the
// write x read), which ppo holds (to-w).
func (c *lkmmChecker) owEdge(x, y int32) bool {
	f := &c.f
	ex, ey := f.ev[x], f.ev[y]
	if ey.Kind != model.EvWrite || ex.Loc != ey.Loc || f.coIdx[y] <= 0 {
		return false
	}
	switch ex.Kind {
	case model.EvWrite:
		return f.coIdx[y] > f.coIdx[x]
	case model.EvRead:
		switch src := f.rf[x]; {
		case src >= 0:
			return f.coIdx[y] > f.coIdx[src]
		case src == rfNone: // no fr edge
			return false
		}
		return true // it read the initial write
	}
	return false
}

// fenceEdge reports whether x -> y (x po-before y in one CPU, both in M)
// is an edge of the first kind; strong restricts it to strong fences.
func (c *lkmmChecker) fenceEdge(q *quickScratch, x, y int32, strong bool) bool {
	switch {
	case lkHas(c.sMbW, x), lkHas(c.sMbR, y), q.nextMb[x] < y:
		return true
	case strong:
		return false
	}
	return lkHas(c.sAcq, x) || lkHas(c.sRel, y)
}

// orderedQuick reports whether a path proves Ordered(a, b), for nodes a
// and b of different CPUs of an execution Check found consistent (see
// above).
func (c *lkmmChecker) orderedQuick(a, b int32) bool {
	f := &c.f
	ea := f.ev[a]
	if !lkHas(c.sMarked, a) || !lkHas(c.sM, a) || !lkHas(c.sM, b) {
		return false
	}
	q := c.quickIndex()
	q.seen = grow(q.seen, int(c.r.w))
	clear(q.seen)
	q.queue = q.queue[:0]
	push := func(v int32) {
		if !lkHas(q.seen, v) {
			lkAdd(q.seen, v)
			q.queue = append(q.queue, v)
		}
	}
	tb := f.thr[b]
	switch {
	case ea.Kind == model.EvRead:
		push(a)
	case ea.Kind == model.EvWrite && lkHas(c.sW, b):
		// a's rmw-sequence, and what its strong edges reach.
		chain := append(q.chain[:0], a)
		for i := 0; i < len(chain); i++ {
			w := chain[i]
			for r := q.rhead[w]; r >= 0; r = q.rnext[r] {
				if v := r + 1; v < f.start[f.thr[r]+1] && f.rmwRead(v) == r {
					chain = append(chain, v)
				}
			}
		}
		q.chain = chain
		for _, w := range chain {
			if !c.acc(w) {
				continue
			}
			if f.thr[w] == tb {
				push(w)
			}
			for z := w + 1; z < f.start[f.thr[w]+1]; z++ {
				if c.acc(z) && c.fenceEdge(q, w, z, true) {
					push(z)
				}
			}
		}
	default:
		return false
	}
	for head := 0; head < len(q.queue); head++ {
		x := q.queue[head]
		t := f.thr[x]
		if x == b && lkHas(c.sMarked, b) || t == tb && x < b && c.fenceEdge(q, x, b, false) {
			return true
		}
		for y := x + 1; y < f.start[t+1]; y++ {
			if c.acc(y) && (c.fenceEdge(q, x, y, false) || c.owEdge(x, y)) {
				push(y)
			}
		}
		if lkHas(c.sW, x) {
			for r := q.rhead[x]; r >= 0; r = q.rnext[r] {
				if f.thr[r] != t && c.acc(r) {
					push(r)
				}
			}
		}
	}
	return false
}
