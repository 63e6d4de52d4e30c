package explorer

import (
	"math"
	"slices"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// The incremental rule for ra's sc axiom: acyclic(psc_F), psc_F =
// [F_sc]; (hb ∪ hb; eco; hb); [F_sc] (memmodel.RA).
//
// The views decide coherence, atomicity and no-thin-air of a candidate
// exactly (views.go); psc can change only when an SC fence is hb-before
// the new event and the event is not coherence-maximal, and then the
// candidate is built and pscAcyclic decides. It computes psc_F afresh,
// but only on the SC fences, whose number is small, and with hb read from
// the views rather than built: f1 psc f2 iff f1 is in f2's hb view, or
// some location has an access hb-after f1 of eco rank below that of an
// access hb-before f2 (raChecker's formulation, in memmodel/ra.go). The
// fences are the SC fence events and the virtual fences ra puts before
// and after fully ordered accesses, at their own positions of the fine
// views: 3i, 3i+1 and 3i+2 for the fence before event i, the event, and
// the fence after it. So the checker is not needed: it stays the oracle
// (hooks.incrOracle compares every verdict with it).

// pscScratch is a worker's scratch for pscAcyclic.
type pscScratch struct {
	keys   [][]int32 // per CPU and event: its eco rank, -1 for none
	fences []pscFence
	views  []int32 // the fences' hb views, n per fence
	after  []int32 // per fence and location: least rank hb-after it
	before []int32 // per fence and location: greatest rank hb-before it
	pred   [][]bool
	left   []bool
}

// pscFence is an SC fence at fine position pos of CPU t.
type pscFence struct {
	t   int
	pos int32
}

// pscAcyclic reports whether psc_F is acyclic in g, a graph with hb
// views.
func (w *worker) pscAcyclic(g *graph) bool {
	s := &w.psc
	x := g.x
	n := len(x.Events)
	// Eco ranks: 2(k+1) for the write at index k of its location's
	// coherence order, one more for its readers, 1 for readers of the
	// initial value (a eco b iff rank(a) < rank(b), as memmodel's key).
	s.keys = grow(s.keys, n)
	for t, evs := range x.Events {
		s.keys[t] = grow(s.keys[t], len(evs))
		for i := range s.keys[t] {
			s.keys[t][i] = -1
		}
	}
	for _, co := range x.CO {
		for k, c := range co {
			s.keys[c.Thread][c.Index] = int32(2 * (k + 1))
		}
	}
	for t, evs := range x.Events {
		for i := range evs {
			e := &evs[i]
			if e.Kind != model.EvRead {
				continue
			}
			switch {
			case e.RF.IsInit():
				s.keys[t][i] = 1
			case e.RF != model.NoEvent:
				if k := s.keys[e.RF.Thread][e.RF.Index]; k >= 0 {
					s.keys[t][i] = k + 1
				}
			}
		}
	}
	// The fences and their hb views (what is hb-before them).
	s.fences, s.views = s.fences[:0], s.views[:0]
	add := func(t int, pos int32, vs ...[]int32) {
		s.fences = append(s.fences, pscFence{t, pos})
		k := len(s.views)
		s.views = slices.Grow(s.views, n)[:k+n]
		v := s.views[k:]
		clear(v)
		for _, u := range vs {
			join(v, u)
		}
		v[t] = pos
	}
	for t, evs := range x.Events {
		for i := range evs {
			r := memmodel.RAHBRole(&evs[i])
			fine := int32(3 * i)
			if r&memmodel.RoleFenceBefore != 0 {
				if i == 0 {
					add(t, fine)
				} else {
					add(t, fine, g.view(model.EventID{Thread: int32(t), Index: int32(i - 1)}, vHB),
						g.view(model.EventID{Thread: int32(t), Index: int32(i - 1)}, vAcqp))
				}
			}
			id := model.EventID{Thread: int32(t), Index: int32(i)}
			if r&memmodel.RoleSCFence != 0 {
				add(t, fine+1, g.view(id, vHB))
			}
			if r&memmodel.RoleFenceAfter != 0 {
				add(t, fine+2, g.view(id, vHB), g.view(id, vAcqp))
			}
		}
	}
	k := len(s.fences)
	if k == 0 {
		return true
	}
	// Per fence and location: the least rank of an access hb-after it,
	// the greatest of one hb-before it.
	locs := len(x.CO)
	s.after = grow(s.after, k*locs)
	s.before = grow(s.before, k*locs)
	for i := range s.after {
		s.after[i], s.before[i] = math.MaxInt32, -1
	}
	for t, evs := range x.Events {
		for i := range evs {
			key := s.keys[t][i]
			if key < 0 {
				continue
			}
			l := evs[i].Loc
			pos := int32(3*i + 1)
			hb := g.view(model.EventID{Thread: int32(t), Index: int32(i)}, vHB)
			for f, fe := range s.fences {
				if hb[fe.t] > fe.pos { // the fence is hb-before the access
					if a := &s.after[f*locs+l]; key < *a {
						*a = key
					}
				}
				if s.views[f*n+t] > pos { // the access is hb-before the fence
					if b := &s.before[f*locs+l]; key > *b {
						*b = key
					}
				}
			}
		}
	}
	// psc_F's predecessors per fence, then peel the fences with none left.
	if cap(s.pred) < k {
		s.pred = make([][]bool, k)
	}
	s.pred = s.pred[:k]
	for j := range s.pred {
		s.pred[j] = grow(s.pred[j], k)
		vj := s.views[j*n : j*n+n]
		for i, fi := range s.fences {
			p := i != j && vj[fi.t] > fi.pos // fi hb fj
			for l := 0; l < locs && !p; l++ {
				p = s.after[i*locs+l] < s.before[j*locs+l] // fi hb a eco b hb fj
			}
			s.pred[j][i] = p
		}
	}
	s.left = grow(s.left, k)
	for i := range s.left {
		s.left[i] = true
	}
	for removed := true; removed; {
		removed = false
		for j := range k {
			if !s.left[j] {
				continue
			}
			has := false
			for i := range k {
				if s.left[i] && s.pred[j][i] {
					has = true
					break
				}
			}
			if !has {
				s.left[j], removed = false, true
			}
		}
	}
	for _, l := range s.left {
		if l {
			return false
		}
	}
	return true
}
