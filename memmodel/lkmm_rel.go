package memmodel

import "math/bits"

// lkRels is the relation algebra the lkmm checker computes with: binary
// relations on the dense nodes 0..n-1 of a flattened execution, stored as
// bit matrices (n rows of w 64-bit words, row i holding the successors of
// node i), and sets of nodes as single rows. Matrices and sets come from a
// pool that is reset for every Check, so a warm checker allocates nothing.
//
// Program order is never stored: the nodes of a thread are contiguous and
// in po order, so po from node i is the range (i, hi[i]) and the
// compositions with po (seqPo, poSeq) work on ranges.
type lkRels struct {
	n, w   int
	lo, hi []int32 // per node: its thread's nodes are lo[i] .. hi[i]-1

	pool [][]uint64
	used int

	acc   []uint64 // scratch row
	queue []int32  // scratch for cycles
	prev  []int32
	color []uint8   // scratch for onCycle: 0 unseen, 1 on the path, 2 done
	dfs   []dfsStep // scratch for onCycle
}

// dfsStep is a node of onCycle's path and the next successor to try.
type dfsStep struct{ node, next int32 }

// reset empties the pool for a graph of n nodes whose thread ranges the
// caller then fills into lo and hi.
func (r *lkRels) reset(n int) {
	r.n = n
	r.w = (n + 63) / 64
	r.used = 0
	r.lo = grow(r.lo, n)
	r.hi = grow(r.hi, n)
	r.acc = grow(r.acc, r.w)
}

func (r *lkRels) alloc(size int) []uint64 {
	if r.used < len(r.pool) {
		p := grow(r.pool[r.used], size)
		clear(p)
		r.pool[r.used] = p
		r.used++
		return p
	}
	p := make([]uint64, size, size+size/2+8)
	r.pool = append(r.pool, p)
	r.used++
	return p
}

// rel returns an empty relation.
func (r *lkRels) rel() []uint64 { return r.alloc(r.n * r.w) }

// set returns an empty set.
func (r *lkRels) set() []uint64 { return r.alloc(r.w) }

// clone returns a copy of a relation or set.
func (r *lkRels) clone(m []uint64) []uint64 {
	c := r.alloc(len(m))
	copy(c, m)
	return c
}

func (r *lkRels) row(m []uint64, i int32) []uint64 {
	return m[int(i)*r.w : int(i)*r.w+r.w]
}

func lkHas(s []uint64, j int32) bool { return s[j>>6]&(1<<(uint(j)&63)) != 0 }
func lkAdd(s []uint64, j int32)      { s[j>>6] |= 1 << (uint(j) & 63) }

func (r *lkRels) has(m []uint64, i, j int32) bool { return lkHas(r.row(m, i), j) }
func (r *lkRels) add(m []uint64, i, j int32)      { lkAdd(r.row(m, i), j) }

// lkOr, lkAnd and lkAndNot combine relations (or sets) elementwise into dst.
func lkOr(dst []uint64, srcs ...[]uint64) {
	for _, s := range srcs {
		for k := range dst {
			dst[k] |= s[k]
		}
	}
}

func lkAnd(dst, s []uint64) {
	for k := range dst {
		dst[k] &= s[k]
	}
}

func lkAndNot(dst, s []uint64) {
	for k := range dst {
		dst[k] &^= s[k]
	}
}

func lkEmpty(s []uint64) bool {
	for _, v := range s {
		if v != 0 {
			return false
		}
	}
	return true
}

// lkRangeMask returns the bits of word k that lie in lo .. hi-1.
func lkRangeMask(k int, lo, hi int32) uint64 {
	m := ^uint64(0)
	if base := int32(k * 64); lo > base {
		m &= ^uint64(0) << uint(lo-base)
	}
	if base := int32(k*64 + 64); hi < base {
		m &= ^uint64(0) >> uint(base-hi)
	}
	return m
}

// lkSetRange adds the nodes lo .. hi-1 to a set.
func lkSetRange(s []uint64, lo, hi int32) {
	if lo >= hi {
		return
	}
	for k := int(lo >> 6); k <= int((hi-1)>>6); k++ {
		s[k] |= lkRangeMask(k, lo, hi)
	}
}

// lkClearRange removes the nodes lo .. hi-1 from a set.
func lkClearRange(s []uint64, lo, hi int32) {
	if lo >= hi {
		return
	}
	for k := int(lo >> 6); k <= int((hi-1)>>6); k++ {
		s[k] &^= lkRangeMask(k, lo, hi)
	}
}

// lkNext returns the first member of s at or after from, or -1.
func lkNext(s []uint64, from int32) int32 {
	k := int(from >> 6)
	if k >= len(s) {
		return -1
	}
	v := s[k] &^ (1<<(uint(from)&63) - 1)
	for {
		if v != 0 {
			return int32(k*64 + bits.TrailingZeros64(v))
		}
		k++
		if k >= len(s) {
			return -1
		}
		v = s[k]
	}
}

// each calls f for every member of s in increasing order.
func lkEach(s []uint64, f func(j int32)) {
	for k, v := range s {
		for v != 0 {
			f(int32(k*64 + bits.TrailingZeros64(v)))
			v &= v - 1
		}
	}
}

// seq returns a;b.
func (r *lkRels) seq(a, b []uint64) []uint64 {
	out := r.rel()
	w := r.w
	switch w {
	case 1:
		seq1(out, a, b, r.n)
	case 2:
		seq2(out, a, b, r.n)
	case 3:
		seq3(out, a, b, r.n)
	case 4:
		seq4(out, a, b, r.n)
	default:
		seqN(out, a, b, r.n, w)
	}
	return out
}

func seqN(out, a, b []uint64, n, w int) {
	for i := 0; i < n; i++ {
		ra := a[i*w : i*w+w]
		ro := out[i*w : i*w+w]
		for k, v := range ra {
			for v != 0 {
				j := k*64 + bits.TrailingZeros64(v)
				v &= v - 1
				rb := b[j*w : j*w+w]
				for x := range ro {
					ro[x] |= rb[x]
				}
			}
		}
	}
}

// plus makes m its transitive closure, in place (Warshall's algorithm on
// bit rows, skipping the nodes with no successors).
func (r *lkRels) plus(m []uint64) []uint64 {
	w := r.w
	switch w {
	case 1:
		plus1(m, r.n)
	case 2:
		plus2(m, r.n)
	case 3:
		plus3(m, r.n)
	case 4:
		plus4(m, r.n)
	default:
		plusN(m, r.n, w)
	}
	return m
}

func plusN(m []uint64, n, w int) {
	for k := 0; k < n; k++ {
		rk := m[k*w : k*w+w]
		if lkEmpty(rk) {
			continue
		}
		kw, kb := k>>6, uint64(1)<<(uint(k)&63)
		for i := 0; i < n; i++ {
			ri := m[i*w : i*w+w]
			if ri[kw]&kb != 0 && i != k {
				for x := range ri {
					ri[x] |= rk[x]
				}
			}
		}
	}
}

// addID adds the identity on every node to m, in place.
func (r *lkRels) addID(m []uint64) []uint64 {
	for i := int32(0); i < int32(r.n); i++ {
		r.add(m, i, i)
	}
	return m
}

// star makes m its reflexive-transitive closure, in place.
func (r *lkRels) star(m []uint64) []uint64 { return r.addID(r.plus(m)) }

// dom restricts the domain of m to the set s, in place: [s];m.
func (r *lkRels) dom(m, s []uint64) []uint64 {
	for i := int32(0); i < int32(r.n); i++ {
		if !lkHas(s, i) {
			clear(r.row(m, i))
		}
	}
	return m
}

// rng restricts the range of m to the set s, in place: m;[s].
func (r *lkRels) rng(m, s []uint64) []uint64 {
	for i := int32(0); i < int32(r.n); i++ {
		lkAnd(r.row(m, i), s)
	}
	return m
}

// intra keeps the pairs of m within one thread (m & int), in place.
func (r *lkRels) intra(m []uint64) []uint64 {
	for i := int32(0); i < int32(r.n); i++ {
		row := r.row(m, i)
		lkClearRange(row, 0, r.lo[i])
		lkClearRange(row, r.hi[i], int32(r.n))
	}
	return m
}

// extra keeps the pairs of m across threads (m & ext), in place.
func (r *lkRels) extra(m []uint64) []uint64 {
	for i := int32(0); i < int32(r.n); i++ {
		lkClearRange(r.row(m, i), r.lo[i], r.hi[i])
	}
	return m
}

// seqPo returns m;po: for each thread, everything after the po-first
// successor that m gives i in that thread.
func (r *lkRels) seqPo(m []uint64) []uint64 {
	out := r.rel()
	for i := int32(0); i < int32(r.n); i++ {
		src, dst := r.row(m, i), r.row(out, i)
		for j := lkNext(src, 0); j >= 0; j = lkNext(src, r.hi[j]) {
			lkSetRange(dst, j+1, r.hi[j])
			if r.hi[j] >= int32(r.n) {
				break
			}
		}
	}
	return out
}

// seqPoOpt returns m;po?.
func (r *lkRels) seqPoOpt(m []uint64) []uint64 {
	out := r.seqPo(m)
	lkOr(out, m)
	return out
}

// poSeq returns po;m: row i is the union of the rows of i's po-successors.
func (r *lkRels) poSeq(m []uint64) []uint64 {
	out := r.rel()
	acc := r.acc
	for t := int32(0); t < int32(r.n); {
		end := r.hi[t]
		clear(acc)
		for j := end - 1; j >= t; j-- {
			copy(r.row(out, j), acc)
			lkOr(acc, r.row(m, j))
		}
		t = end
	}
	return out
}

// poOptSeq returns po?;m.
func (r *lkRels) poOptSeq(m []uint64) []uint64 {
	out := r.poSeq(m)
	lkOr(out, m)
	return out
}

// po returns [from];po;[to].
func (r *lkRels) po(from, to []uint64) []uint64 {
	out := r.rel()
	for i := int32(0); i < int32(r.n); i++ {
		if lkHas(from, i) {
			row := r.row(out, i)
			lkSetRange(row, i+1, r.hi[i])
			lkAnd(row, to)
		}
	}
	return out
}

// fencerel returns po;[f];po for the set of fences f: i is related to
// everything after the first member of f that follows it in its thread.
func (r *lkRels) fencerel(f []uint64) []uint64 {
	out := r.rel()
	for t := int32(0); t < int32(r.n); {
		end := r.hi[t]
		next := int32(-1)
		for j := end - 1; j >= t; j-- {
			if next >= 0 {
				lkSetRange(r.row(out, j), next+1, end)
			}
			if lkHas(f, j) {
				next = j
			}
		}
		t = end
	}
	return out
}

// reflexive returns a node related to itself by m, or -1.
func (r *lkRels) reflexive(m []uint64) int32 {
	for i := int32(0); i < int32(r.n); i++ {
		if r.has(m, i, i) {
			return i
		}
	}
	return -1
}

// cycle returns the nodes of a cycle of m in edge order, or nil if m is
// acyclic.
func (r *lkRels) cycle(m []uint64) []int32 {
	s := r.onCycle(m)
	if s < 0 {
		return nil
	}
	return r.cycleFrom(m, s)
}

// onCycle returns a node on a cycle of m, or -1 if m is acyclic: a
// depth-first search that meets a node on its own path, O(n·w + edges)
// where a closure is O(n²·w). (Dense relations make the two about even:
// for hb, whose closure is needed anyway, axioms uses the closure.)
func (r *lkRels) onCycle(m []uint64) int32 {
	r.color = grow(r.color, r.n)
	clear(r.color)
	for s := int32(0); s < int32(r.n); s++ {
		if r.color[s] != 0 {
			continue
		}
		r.color[s] = 1
		r.dfs = append(r.dfs[:0], dfsStep{s, 0})
		for len(r.dfs) > 0 {
			top := &r.dfs[len(r.dfs)-1]
			u := top.node
			v := lkNext(r.row(m, u), top.next)
			if v < 0 {
				r.color[u] = 2
				r.dfs = r.dfs[:len(r.dfs)-1]
				continue
			}
			top.next = v + 1
			switch r.color[v] {
			case 1:
				return v
			case 0:
				r.color[v] = 1
				r.dfs = append(r.dfs, dfsStep{v, 0})
			}
		}
	}
	return -1
}

// cycleFrom returns the nodes of a cycle of m through s (which m+ relates
// to itself), in edge order.
func (r *lkRels) cycleFrom(m []uint64, s int32) []int32 {
	// Breadth-first search in m from s back to s.
	r.prev = grow(r.prev, r.n)
	for i := range r.prev {
		r.prev[i] = -1
	}
	r.queue = append(r.queue[:0], s)
	for q := 0; q < len(r.queue); q++ {
		u := r.queue[q]
		row := r.row(m, u)
		for v := lkNext(row, 0); v >= 0; v = lkNext(row, v+1) {
			if v == s {
				var cyc []int32
				for p := u; p != s; p = r.prev[p] {
					cyc = append(cyc, p)
				}
				cyc = append(cyc, s)
				for a, b := 0, len(cyc)-1; a < b; a, b = a+1, b-1 {
					cyc[a], cyc[b] = cyc[b], cyc[a]
				}
				return cyc
			}
			if r.prev[v] < 0 {
				r.prev[v] = u
				r.queue = append(r.queue, v)
			}
		}
	}
	return []int32{s}
}

// seq1 to seq4 and plus1 to plus4 are seq and plus for rows of one to four
// words (executions of up to 64, 128, 192 and 256 events: the lazy-mm
// family has 33 to 128, the protocol files of litmus/ up to about 250):
// without the row slices and their bounds checks, these loops, a third of
// lkmm's time on unlazy-6, take half as long (BenchmarkLKMMRelations).

func seq1(out, a, b []uint64, n int) {
	a, b, out = a[:n], b[:n], out[:n]
	for i, v := range a {
		var o uint64
		for ; v != 0; v &= v - 1 {
			o |= b[bits.TrailingZeros64(v)]
		}
		out[i] = o
	}
}

func seq2(out, a, b []uint64, n int) {
	a, b, out = a[:2*n], b[:2*n], out[:2*n]
	for i := 0; i < 2*n; i += 2 {
		var o0, o1 uint64
		for v := a[i]; v != 0; v &= v - 1 {
			j := 2 * bits.TrailingZeros64(v)
			o0 |= b[j]
			o1 |= b[j+1]
		}
		for v := a[i+1]; v != 0; v &= v - 1 {
			j := 2 * (64 + bits.TrailingZeros64(v))
			o0 |= b[j]
			o1 |= b[j+1]
		}
		out[i], out[i+1] = o0, o1
	}
}

func plus1(m []uint64, n int) {
	m = m[:n]
	for k := range m {
		rk := m[k]
		if rk == 0 {
			continue
		}
		kb := uint64(1) << uint(k)
		for i, ri := range m {
			if ri&kb != 0 && i != k {
				m[i] = ri | rk
			}
		}
	}
}

func plus2(m []uint64, n int) {
	m = m[:2*n]
	for k := 0; k < n; k++ {
		rk0, rk1 := m[2*k], m[2*k+1]
		if rk0|rk1 == 0 {
			continue
		}
		kw, kb := k>>6, uint64(1)<<(uint(k)&63)
		for i := 0; i < 2*n; i += 2 {
			if m[i+kw]&kb != 0 && i != 2*k {
				m[i] |= rk0
				m[i+1] |= rk1
			}
		}
	}
}

func seq3(out, a, b []uint64, n int) {
	a, b, out = a[:3*n], b[:3*n], out[:3*n]
	for i := 0; i < 3*n; i += 3 {
		var o0, o1, o2 uint64
		for k := range 3 {
			for v := a[i+k]; v != 0; v &= v - 1 {
				j := 3 * (64*k + bits.TrailingZeros64(v))
				rb := b[j : j+3 : j+3]
				o0 |= rb[0]
				o1 |= rb[1]
				o2 |= rb[2]
			}
		}
		out[i], out[i+1], out[i+2] = o0, o1, o2
	}
}

func seq4(out, a, b []uint64, n int) {
	a, b, out = a[:4*n], b[:4*n], out[:4*n]
	for i := 0; i < 4*n; i += 4 {
		var o0, o1, o2, o3 uint64
		for k := range 4 {
			for v := a[i+k]; v != 0; v &= v - 1 {
				j := 4 * (64*k + bits.TrailingZeros64(v))
				rb := b[j : j+4 : j+4]
				o0 |= rb[0]
				o1 |= rb[1]
				o2 |= rb[2]
				o3 |= rb[3]
			}
		}
		out[i], out[i+1], out[i+2], out[i+3] = o0, o1, o2, o3
	}
}

func plus3(m []uint64, n int) {
	m = m[:3*n]
	for k := 0; k < n; k++ {
		rk := m[3*k : 3*k+3 : 3*k+3]
		rk0, rk1, rk2 := rk[0], rk[1], rk[2]
		if rk0|rk1|rk2 == 0 {
			continue
		}
		kw, kb := k>>6, uint64(1)<<(uint(k)&63)
		for i := 0; i < 3*n; i += 3 {
			ri := m[i : i+3 : i+3]
			if ri[kw]&kb != 0 && i != 3*k {
				ri[0] |= rk0
				ri[1] |= rk1
				ri[2] |= rk2
			}
		}
	}
}

func plus4(m []uint64, n int) {
	m = m[:4*n]
	for k := 0; k < n; k++ {
		rk := m[4*k : 4*k+4 : 4*k+4]
		rk0, rk1, rk2, rk3 := rk[0], rk[1], rk[2], rk[3]
		if rk0|rk1|rk2|rk3 == 0 {
			continue
		}
		kw, kb := k>>6, uint64(1)<<(uint(k)&63)
		for i := 0; i < 4*n; i += 4 {
			ri := m[i : i+4 : i+4]
			if ri[kw]&kb != 0 && i != 4*k {
				ri[0] |= rk0
				ri[1] |= rk1
				ri[2] |= rk2
				ri[3] |= rk3
			}
		}
	}
}
