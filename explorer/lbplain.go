package explorer

import (
	"mmcheck/model"
)

// This file extends lbfree.go's argument to cycles through one plain
// access, as the lazy-mm hand-offs have them: a CPU waits for an
// smp_load_acquire, then writes a plain field (idle->active_mm =
// &init_mm) that the CPU which released it had read plainly before its
// smp_store_release. Plain accesses are in no hb, so lbfree.go's check
// fails there; but linux-kernel.cat's plain-coherence axiom forbids such
// a cycle all the same.
//
// The argument. Take a po ∪ rf cycle with fewest rfe edges: it visits
// each thread once (were a thread visited twice, po between the two
// visits would give a shorter cycle), so it maps to a cycle of the
// static graph of reads below whose nodes lie in distinct threads. Write
// it r1 po w1 rfe r2 ... rn po wn rfe r1 and suppose exactly one rfe
// edge, wn rfe r1, has a plain end, and
//
//   - (r1, w1) is in r-post-bounded; hb* with w1 Marked: r1 is Marked
//     and hb-before w1, or a strong fence or po-rel orders r1 before w1
//     (strong-fence and po-rel are in nonrw-fence);
//   - (rn, wn) is in hb*; w-pre-bounded with rn Marked: rn is Marked
//     and hb-before wn, or wn is after an acquire or a strong fence hb-after
//     rn (fence), or its address depends on rn or on a Marked read
//     hb-after rn (addr);
//   - every other (ri, wi) is in hb+ with both ends Marked.
//
// The Marked rfe edges are in hb, so (r1, wn) is in r-post-bounded;
// xbstar; w-pre-bounded ⊆ rw-xbstar, and wn rf r1 with a plain end
// between two threads is in pre-race: wr-incoh, which plain-coherence
// forbids. Cycles whose every edge is Marked and hb-ordered are hb
// cycles (lbfree.go). So if every cycle of the static graph through
// distinct threads is one of these two kinds, no execution has load
// buffering. With two plain rfe edges on a cycle, an rfe edge may be a
// data race (flagged, allowed): lkmm allows plain load buffering even
// with smp_mb() on both sides, and the check fails.

// lbSeg is what the search from a read r found for a later write w of
// its thread that another thread may read, on every path from r to w
// (see the argument above).
type lbSeg struct {
	hb     bool // r and w Marked, (r, w) in hb+
	startB bool // (r, w) in r-post-bounded; hb*, w Marked
	endB   bool // (r, w) in hb*; w-pre-bounded, r Marked
	plainW bool // w is plain
}

func (g lbSeg) and(o lbSeg) lbSeg {
	return lbSeg{g.hb && o.hb, g.startB && o.startB, g.endB && o.endB, g.plainW || o.plainW}
}

// plainCycles reports whether every cycle through distinct threads of
// the static graph of reads (as cyclicReads builds it, with an edge per
// write) is an hb cycle or a plain-coherence cycle of the argument above.
// segs holds, per thread and c.reads index, what the search from that
// read found (nil: it did not search: no other thread writes what it
// reads). The reads in cut (speculated: see spec.go) have no rf edge, so
// no edge enters them. If some cycle is neither kind, plainCycles
// returns reads on it (thread, instruction), to cut.
func (c *lbChecker) plainCycles(readAccs [][]*lbAccess, segs [][]map[int32]lbSeg, cut map[lbNode]bool) (bool, []lbNode) {
	p := c.p
	type node = lbNode
	var nodes []node
	id := map[node]int{}
	var locs []*lset
	var plainR, searched []bool
	var nsegs []map[int32]lbSeg
	for i := range p.Threads {
		for k, acc := range readAccs[i] {
			if acc == nil {
				continue
			}
			nd := node{i, int(c.reads[i][k].pc)}
			if cut[nd] {
				continue
			}
			j, ok := id[nd]
			if !ok {
				j = len(nodes)
				id[nd] = j
				nodes = append(nodes, nd)
				locs = append(locs, &lset{})
				plainR = append(plainR, false)
				searched = append(searched, true)
				nsegs = append(nsegs, map[int32]lbSeg{})
			}
			locs[j].add(acc.locs)
			plainR[j] = plainR[j] || acc.order == model.Plain
			if segs[i][k] == nil {
				searched[j] = false
			}
			for q, g := range segs[i][k] {
				if old, ok := nsegs[j][q]; ok {
					g = old.and(g)
				}
				nsegs[j][q] = g
			}
		}
	}
	type edge struct {
		to          int
		good, plain bool
		g           lbSeg
		loc         int // the one location of the read, the write and the next read (else -1)
	}
	out := make([][]edge, len(nodes))
	for j, nd := range nodes {
		c.writesFrom(nd.t, nd.pc, func(q int32, w *lset) {
			g, ok := nsegs[j][q]
			if !ok {
				// Not reached by the search: on no path from the read,
				// or after the search stopped (every later access is
				// Marked and hb-after a Marked read).
				g = lbSeg{plainW: c.instrPlain[nd.t][q]}
				if searched[j] && !plainR[j] && !g.plainW {
					g = lbSeg{hb: true, startB: true, endB: true}
				}
			}
			l := w.only()
			if locs[j].only() != l {
				l = -1
			}
			for k := range nodes {
				if nodes[k].t != nd.t && w.meetsSet(locs[k]) {
					e := edge{to: k, good: g.hb && !plainR[k], plain: g.plainW || plainR[k], g: g, loc: -1}
					if l >= 0 && locs[k].only() == l {
						e.loc = l
					}
					out[j] = append(out[j], e)
				}
			}
		})
	}

	type inEdge struct {
		from int
		e    edge
	}
	in := make([][]inEdge, len(nodes))
	for u := range nodes {
		for _, e := range out[u] {
			in[e.to] = append(in[e.to], inEdge{u, e})
		}
	}
	// back returns the nodes that reach target over edges that keep,
	// never through a node of thread avoid[0] or avoid[1] (target
	// included).
	back := func(target int, avoid [2]int, keep func(edge) bool) []bool {
		r := make([]bool, len(nodes))
		r[target] = true
		work := []int{target}
		for len(work) > 0 {
			v := work[len(work)-1]
			work = work[:len(work)-1]
			for _, ie := range in[v] {
				u := ie.from
				if !r[u] && keep(ie.e) && nodes[u].t != avoid[0] && nodes[u].t != avoid[1] {
					r[u] = true
					work = append(work, u)
				}
			}
		}
		return r
	}
	// sameLoc reports whether every edge from a node of fw to one of bw
	// (or to target) is on location l: then every cycle those walks
	// close is a cycle of po-loc and rf on one location, which
	// coherence forbids (each write is co-after the one its thread's
	// read before it read from, round the cycle).
	sameLoc := func(fw, bw []bool, target, l int, keep func(edge) bool) bool {
		if l < 0 {
			return false
		}
		for u := range nodes {
			if !fw[u] || !bw[u] || u == target {
				continue
			}
			for _, g := range out[u] {
				if keep(g) && bw[g.to] && g.loc != l {
					return false
				}
			}
		}
		return true
	}

	// reach returns the nodes reachable from s over edges that keep
	// (including s), never entering a node of thread avoid (except
	// target).
	reach := func(s int, avoid [2]int, target int, keep func(edge) bool) []bool {
		r := make([]bool, len(nodes))
		r[s] = true
		work := []int{s}
		for len(work) > 0 {
			u := work[len(work)-1]
			work = work[:len(work)-1]
			if u == target {
				continue
			}
			for _, e := range out[u] {
				v := e.to
				if r[v] || !keep(e) || v != target && (nodes[v].t == avoid[0] || nodes[v].t == avoid[1]) {
					continue
				}
				r[v] = true
				work = append(work, v)
			}
		}
		return r
	}
	all := func(edge) bool { return true }
	nonPlain := func(e edge) bool { return !e.plain }

	// Cycles without a plain rfe edge: each must be an hb cycle.
	type key struct{ s, a, b, target int }
	memo := map[key][]bool{}
	reachM := func(s int, a, b, target int, nonplain bool) []bool {
		k := key{s, a, b, target}
		if nonplain {
			k.s = -1 - s
		}
		if r, ok := memo[k]; ok {
			return r
		}
		f := all
		if nonplain {
			f = nonPlain
		}
		r := reach(s, [2]int{a, b}, target, f)
		memo[k] = r
		return r
	}
	for j := range nodes {
		for _, f := range out[j] {
			if f.plain || f.good {
				continue
			}
			tj := nodes[j].t
			if fw := reachM(f.to, tj, tj, j, true); fw[j] {
				if f.loc >= 0 && sameLoc(fw, back(j, [2]int{tj, tj}, nonPlain), j, f.loc, nonPlain) {
					continue
				}
				return false, []node{nodes[j], nodes[f.to]}
			}
		}
	}
	// Cycles with a plain rfe edge e = (rn, wn) rfe r1: the edge from r1
	// must start one bounded, the rest lead back to rn by hb, and e must
	// end bounded.
	for rn := range nodes {
		tn := nodes[rn].t
		for _, e := range out[rn] {
			if !e.plain {
				continue
			}
			r1 := e.to
			t1 := nodes[r1].t
			// bw[v]: v (in neither thread) reaches rn through such nodes.
			bw := back(rn, [2]int{t1, tn}, all)
			for _, f := range out[r1] {
				x := f.to
				if x != rn && nodes[x].t == tn {
					continue // the cycle would visit tn twice
				}
				if x != rn {
					if !reachM(x, t1, tn, rn, false)[rn] {
						continue // on no cycle through e
					}
				}
				// Every cycle through e and f is a plain-coherence
				// cycle, or every one is on one location.
				fw := []bool{}
				if x != rn {
					fw = reachM(x, t1, tn, rn, false)
				}
				if e.loc >= 0 && f.loc == e.loc && (x == rn || sameLoc(fw, bw, rn, e.loc, all)) {
					continue
				}
				if !e.g.endB || f.plain || !f.g.startB {
					return false, []node{nodes[r1], nodes[rn], nodes[x]}
				}
				if x == rn {
					continue
				}
				for u := range nodes {
					if !fw[u] || !bw[u] || u == rn {
						continue
					}
					for _, g := range out[u] {
						if bw[g.to] && !g.good {
							return false, []node{nodes[r1], nodes[rn], nodes[g.to], nodes[u], nodes[x]}
						}
					}
				}
			}
		}
	}
	return true, nil
}

// lbNode is a read of the static graph: its thread and instruction.
type lbNode struct{ t, pc int }

// lbMaxCut bounds the reads cutCycles speculates.
const lbMaxCut = 64

// cutCycles returns reads to speculate (spec.go) so that every cycle of
// the static graph that avoids them is an hb cycle or a plain-coherence
// cycle (empty: none is needed), or nil if it finds none. Speculating a
// read removes the rf edges into it, and a consistent execution whose
// po ∪ rf-without-them had a cycle would have one through distinct
// threads entering no speculated read, which would then be one of the
// two kinds, which no consistent execution has. The reads are chosen
// greedily on the cycles plainCycles reports, among those whose values
// are known (known returns why not).
func (c *lbChecker) cutCycles(readAccs [][]*lbAccess, segs [][]map[int32]lbSeg, known func(*model.Thread, *lbAccess) string) map[lbNode]bool {
	// width: how many values a speculated read at nd branches on (the
	// most of its locations'), or -1 if they are not known.
	width := func(nd lbNode) int {
		t, w := c.p.Threads[nd.t], 0
		for k, acc := range readAccs[nd.t] {
			if acc == nil || int(c.reads[nd.t][k].pc) != nd.pc {
				continue
			}
			if known(t, acc) != "" {
				return -1
			}
			for _, l := range acc.locs {
				w = max(w, len(c.mem[l].vals))
			}
		}
		return w
	}
	cut := map[lbNode]bool{}
	var order []lbNode
	for {
		ok, cands := c.plainCycles(readAccs, segs, cut)
		if ok {
			break
		}
		if len(cut) >= lbMaxCut {
			return nil
		}
		best, bw := lbNode{}, -1
		for _, nd := range cands {
			w := width(nd)
			if w >= 0 && inLoop(c.p.Threads[nd.t].Code, nd.pc) {
				// A read in a loop branches on every iteration.
				w += lbLoopWeight
			}
			if !cut[nd] && w >= 0 && (bw < 0 || w < bw) {
				best, bw = nd, w
			}
		}
		if bw < 0 {
			return nil
		}
		cut[best] = true
		order = append(order, best)
	}
	// Each read speculated multiplies the search: drop the ones the
	// others make unnecessary, latest chosen first.
	for i := len(order) - 1; i >= 0; i-- {
		delete(cut, order[i])
		if ok, _ := c.plainCycles(readAccs, segs, cut); !ok {
			cut[order[i]] = true
		}
	}
	return cut
}

// lbLoopWeight is added to the width of a read in a loop when cutCycles
// chooses: any read outside loops is preferred.
const lbLoopWeight = 1 << 20

// inLoop reports whether instruction pc of code can be reached from
// itself (it lies in a loop).
func inLoop(code []model.Instr, pc int) bool {
	seen := make([]bool, len(code))
	work := model.Successors(code, pc)
	for len(work) > 0 {
		q := work[len(work)-1]
		work = work[:len(work)-1]
		if q == pc {
			return true
		}
		if !seen[q] {
			seen[q] = true
			work = append(work, model.Successors(code, q)...)
		}
	}
	return false
}

// preferCut returns old (lbAnalyze's plan) or, if it has no plan or a
// bigger one, the plan that speculates the reads of cut.
func (c *lbChecker) preferCut(old lbAnalysis, cut map[lbNode]bool) lbAnalysis {
	if old.why == "" || len(cut) == 0 {
		return old
	}
	if old.spec != nil {
		n := 0
		for _, t := range old.spec {
			for _, b := range t {
				if b {
					n++
				}
			}
		}
		if n <= len(cut) {
			return old
		}
	}
	a := old
	a.spec, a.nospec, a.viaPlain = make([][]bool, len(c.p.Threads)), "", true
	for i, t := range c.p.Threads {
		a.spec[i] = make([]bool, len(t.Code))
	}
	for nd := range cut {
		a.spec[nd.t][nd.pc] = true
	}
	return a
}
