package explorer

import (
	"cmp"
	"fmt"
	"math"
	mbits "math/bits"
	"slices"

	"mmcheck/model"
)

// Speculated reads: DPOR made complete under a model with load buffering.
//
// DPOR adds events in po ∪ rf order, so it builds only executions whose
// po ∪ rf is acyclic. lbfree.go shows, when it can, that no consistent
// execution has such a cycle; when it cannot, it names the reads on which
// it fails: reads r that may read from another CPU and have a later write
// w (that another CPU may read) not hb-after r. Every po ∪ rf cycle of a
// consistent execution enters one of those reads by an rfe edge (the
// argument in lbfree.go: a cycle whose every read is hb-before the next
// write is an hb cycle). Call them speculated reads, and po ∪ rf' the
// relation without the rf edges into them: it is acyclic in every
// consistent execution.
//
// So DPOR is run in po ∪ rf' order. A speculated read is added with a
// value, not a write: one branch per value its location may hold (the
// fixpoint of lbfree.go, which covers every value some write may store),
// and reads from nothing yet (its RF is model.NoEvent: no rf and no fr
// edge, see memmodel's flat). Nothing revisits it. When no CPU can move,
// each speculated read is given, in every way, a write of its value (an
// RMW's read half: the write coherence-before its write half, by
// atomicity), and each completed graph the model accepts is a finished
// execution like any other. Why this is complete: take a consistent
// execution G; removing the rf edges into its speculated reads leaves a
// graph G' that the model accepts (lkmm's axioms are monotone in rf and
// fr: removing edges keeps every acyclicity and emptiness; lock.cat's
// are not: unmatched-locks would see a lock whose read lost its rf held
// at once with another, so lkmm.go does not count such a lock, and
// lbfree.go refuses unmatched unlocks; see TestSpecLocks) whose
// po ∪ rf is acyclic; DPOR's argument (TruSt: every such graph is built,
// by induction on the order the events were added) goes through with
// one more kind of read, whose choice is a value instead of a write:
// the "maximal" choice a revisit requires of the deleted events is, for
// a speculated read, the first value of its location's set that the
// model accepts (a read with no rf or fr edge is refused a value only
// for its own CPU's events, as lock.cat's nested-is-locked refuses
// spin_is_locked returning 0 in a critical section, so that value is the
// same in every graph where the read can be). Then G' is
// built, and G is one of its completions.
//
// Each execution is still built once: G' is determined by G, and each
// completion of G' is a different G. The cost is the branching on
// values: most combinations of them are never justified by any write.
// justifiable prunes a graph as soon as a speculated read that no later
// step can remove has a value no write it may still read can give it
// (on the lazy-mm files, every completion failed that way before it;
// with it, and cutCycles' preference for reads outside loops,
// finish-cpu-fix-a went from 8.5M states without finishing to a proof
// in 105k).

// specInfo is the speculation plan of a run.
type specInfo struct {
	reads [][]bool        // per thread and instruction: a speculated read
	dom   [][]model.Value // per location: the values it may hold (nil: unknown)
	n     int             // speculated read instructions
	// For justifiable: per thread, its write instructions (what each
	// may write), and per instruction the set of those reachable from
	// it in the thread's control flow (a bitset over writes).
	writes [][]*lbWriteSum
	reach  [][][]uint64
}

func newSpec(p *model.Program, a lbAnalysis) *specInfo {
	s := &specInfo{reads: a.spec, dom: make([][]model.Value, len(a.mem))}
	if a.writes != nil {
		s.writes, s.reach = make([][]*lbWriteSum, len(p.Threads)), make([][][]uint64, len(p.Threads))
		for t, th := range p.Threads {
			s.writes[t], s.reach[t] = reachableWrites(th.Code, a.writes[t])
		}
	}
	for l, v := range a.mem {
		if !v.top {
			s.dom[l] = v.vals
		}
	}
	for _, t := range a.spec {
		for _, b := range t {
			if b {
				s.n++
			}
		}
	}
	return s
}

// reachableWrites returns code's write instructions (as ws describes
// them, by instruction) and, per instruction, the bitset of those
// reachable from it (itself included).
func reachableWrites(code []model.Instr, ws map[int32]*lbWriteSum) ([]*lbWriteSum, [][]uint64) {
	var list []*lbWriteSum
	idx := make([]int, len(code))
	for pc := range code {
		idx[pc] = -1
		if w := ws[int32(pc)]; w != nil {
			idx[pc] = len(list)
			list = append(list, w)
		}
	}
	words := (len(list) + 63) / 64
	reach := make([][]uint64, len(code))
	for pc := range reach {
		reach[pc] = make([]uint64, words)
		if i := idx[pc]; i >= 0 {
			reach[pc][i/64] |= 1 << (i % 64)
		}
	}
	for changed := true; changed; {
		changed = false
		for pc := len(code) - 1; pc >= 0; pc-- {
			for _, q := range model.Successors(code, pc) {
				for k, b := range reach[q] {
					if reach[pc][k]|b != reach[pc][k] {
						reach[pc][k] |= b
						changed = true
					}
				}
			}
		}
	}
	return list, reach
}

// justifiable reports whether every speculated read of g that stays in
// every graph of g's subtree of the search can still be given a source
// of its value, as resolve must: a write of that value to its location
// that stays too, or one another CPU may still make. It prunes the
// branches of values nothing will write, which are most of them.
//
// Why this loses nothing: the subtree of g holds the graphs DPOR builds
// from g, extensions of g and graphs that revisits make from them. A
// revisit changes only the read it revisits and deletes only events added
// after it (keepSet), and only a read both revisitable and added
// maximally is revisited (a revisit may clear the revisited read's
// addedMax, never set it, so no read regains either flag), by a write of
// another CPU to its location. Let σ be the earliest stamp of such a read
// whose location some other CPU may still write, going on from the
// instructions resume(σ) gives (a least fixpoint: an earlier σ lets CPUs
// go on from earlier). Then every event added before σ stays unchanged in
// the whole subtree (a CPU's events are added in po order, so on each CPU
// those are a po-prefix), and each CPU goes on, in every graph of the
// subtree, from its first event at σ or later (or its next action): each
// write it makes then is at an instruction reachable from that one, and
// writes a value and location that the first pass of lbfree.go found for
// the instruction (its fixpoint covers every value a write may store;
// spec.go's value sets rest on it too).
//
// A speculated read stays in every graph of the subtree, with its value,
// if it was added before σ, or if it was not added maximally: maximal()
// refuses every revisit that would delete it, so neither it nor the
// events before it on its CPU change (a read before it revisited would
// delete it, unless it were in the revisiting write's prefix, which a
// revisit excludes). A completed graph gives such a read a source, and by
// coherence that is the initial write or a write not coherence-before one
// its CPU wrote or read from before it, and not a later write of its own
// CPU: one that stays (coherence order between writes that stay never
// changes) or one another CPU makes from where it goes on (canWrite). If
// none can have its value, no graph of the subtree completes, and
// pruning g loses no execution. (With lb.go's revisits, which ignore
// the flags, nothing is pruned; nor under the noSpecPruning hook.)
func (w *worker) justifiable(g *graph) bool {
	sp := w.e.spec
	if sp == nil || sp.writes == nil || w.e.lb || w.hooks.noSpecPruning {
		return true
	}
	found := false
	var revisitable []model.EventID
	for t, evs := range g.x.Events {
		for i := range evs {
			ev := &evs[i]
			if ev.Kind != model.EvRead {
				continue
			}
			m := g.meta[t][i]
			if speculated(ev) {
				found = true
			} else if g.revisitable(t, i) && m.addedMax {
				revisitable = append(revisitable, model.EventID{Thread: int32(t), Index: int32(i)})
			}
		}
	}
	if !found {
		return true
	}
	// σ: a read can be revisited only by a write added later, so only if
	// some CPU may still write its location from where it goes on; and
	// where they go on depends on σ. The least fixpoint from "none".
	sigma := int32(math.MaxInt32)
	pcs := make([]int, len(g.x.Events))
	for changed := true; changed; {
		changed = false
		sp.resume(g, sigma, pcs)
		for _, r := range revisitable {
			st := g.metaOf(r).stamp
			if st < sigma && sp.mayWrite(pcs, int(r.Thread), g.x.Ev(r).Loc, nil) {
				sigma, changed = st, true
			}
		}
	}
	for t, evs := range g.x.Events {
		for i := range evs {
			ev := &evs[i]
			if m := g.meta[t][i]; speculated(ev) && (m.stamp < sigma || !m.addedMax) && !sp.canWrite(g, sigma, pcs, model.EventID{Thread: int32(t), Index: int32(i)}) {
				if w.hooks.specPruned != nil {
					w.hooks.specPruned(w, g)
				}
				return false
			}
		}
	}
	return true
}

// resume sets pcs[t] to the instruction from which CPU t goes on in the
// graphs of g's subtree, when every event added before sigma stays: its
// first event added at sigma or later, else its next action (-1: none).
func (sp *specInfo) resume(g *graph, sigma int32, pcs []int) {
	for t, evs := range g.x.Events {
		pcs[t] = -1
		k, _ := slices.BinarySearchFunc(g.meta[t], sigma, func(m evMeta, s int32) int { return cmp.Compare(m.stamp, s) })
		if k < len(evs) {
			pcs[t] = evs[k].Instr
		} else if a := g.pend(t); a.kind != actNone {
			pcs[t] = int(a.instr)
		}
	}
}

// mayWrite reports whether some CPU other than not, going on from pcs,
// may write loc (the value *v, if v is not nil). (A read cannot read
// from a write of its own CPU made after it: coherence.)
func (sp *specInfo) mayWrite(pcs []int, not int, loc int, v *model.Value) bool {
	for t, pc := range pcs {
		if pc < 0 || t == not {
			continue
		}
		for wi, word := range sp.reach[t][pc] {
			for word != 0 {
				b := mbits.TrailingZeros64(word)
				word &^= 1 << b
				ws := sp.writes[t][wi*64+b]
				if !ws.anyLoc && !ws.locs[loc] {
					continue
				}
				if v == nil || ws.val.top || slices.Contains(ws.val.vals, *v) {
					return true
				}
			}
		}
	}
	return false
}

// canWrite reports whether, in some graph of g's subtree, speculated read
// s can be given a source of its value: the initial write or one added
// before sigma, not coherence-before a write its CPU wrote or read from
// before s (coherence), or a write another CPU may still make going on
// from pcs (see justifiable). Coherence order between writes that stay
// never changes. The read half of an RMW whose write is made has one
// possible source, the write coherence-before that one (canPrecede).
func (sp *specInfo) canWrite(g *graph, sigma int32, pcs []int, s model.EventID) bool {
	x := g.x
	ev := x.Ev(s)
	loc, v := ev.Loc, ev.Val
	if wid, ok := writeHalf(x, s); ok && x.COIndex(wid) > 0 {
		return sp.canPrecede(g, sigma, pcs, s, wid)
	}
	// low: the coherence index (from 1; 0 the initial write) below which
	// no source of s can be.
	low := 0
	evs := x.Events[s.Thread]
	for i := int32(0); i < s.Index; i++ {
		e := &evs[i]
		if e.Loc != loc {
			continue
		}
		var w model.EventID
		switch {
		case e.Kind == model.EvWrite:
			w = model.EventID{Thread: s.Thread, Index: i}
		case e.Kind == model.EvRead && !speculated(e) && !e.RF.IsInit() && g.metaOf(e.RF).stamp < sigma:
			w = e.RF
		default:
			continue
		}
		if k := x.COIndex(w); k > low {
			low = k
		}
	}
	if low == 0 && x.WriteVal(model.InitID(loc)) == v {
		return true
	}
	for k, c := range x.CO[loc] {
		if k+1 >= low && stays(g, sigma, s, c) && x.WriteVal(c) == v {
			return true
		}
	}
	return sp.mayWrite(pcs, int(s.Thread), loc, &v)
}

// stays reports whether write c stays, with its place in coherence, in
// every graph of the subtree where speculated read s does (see
// justifiable): it was added before sigma, or it is before s on s's CPU.
func stays(g *graph, sigma int32, s, c model.EventID) bool {
	return g.metaOf(c).stamp < sigma || c.Thread == s.Thread && c.Index < s.Index
}

// writeHalf returns the write half of RMW read r, if it is made.
func writeHalf(x *model.Execution, r model.EventID) (model.EventID, bool) {
	evs := x.Events[r.Thread]
	if !x.Ev(r).RMW || int(r.Index)+1 >= len(evs) || !evs[r.Index+1].RMW || evs[r.Index+1].Kind != model.EvWrite {
		return model.NoEvent, false
	}
	return model.EventID{Thread: r.Thread, Index: r.Index + 1}, true
}

// canPrecede is canWrite for a speculated RMW read s whose write half
// wid is made: by atomicity, resolve gives s the write coherence-before
// wid, so that write must have s's value. wid stays when s does (it was
// added right after s), and coherence order between writes that stay
// never changes; so the write before wid in a graph of the subtree is
// one of the writes now between wid and the nearest one before it that
// stays (that one included; the initial write if none stays), or a write
// another CPU may still make, placed right before wid (a later write of
// s's own CPU is coherence-after wid). On parked-on-dead-cpu-reonline,
// 29k of the 30k graphs the speculation finished had no completion, an
// RMW's write being placed after a write of another value; with this,
// 1.2k, and the search 1.44M states to 0.97M.
func (sp *specInfo) canPrecede(g *graph, sigma int32, pcs []int, s, wid model.EventID) bool {
	x := g.x
	ev := x.Ev(s)
	loc, v := ev.Loc, ev.Val
	co := x.CO[loc]
	stayed := false
	for j := x.COIndex(wid) - 2; j >= 0; j-- {
		c := co[j]
		if x.WriteVal(c) == v {
			return true
		}
		if stays(g, sigma, s, c) {
			stayed = true
			break
		}
	}
	if !stayed && x.WriteVal(model.InitID(loc)) == v {
		return true
	}
	return sp.mayWrite(pcs, int(s.Thread), loc, &v)
}

// specValues returns the values thread t's pending read a should be
// speculated with, or nil if it is read normally.
func (w *worker) specValues(t int, a *action) []model.Value {
	sp := w.e.spec
	if sp == nil || !sp.reads[t][a.instr] {
		return nil
	}
	if d := sp.dom[a.loc]; d != nil {
		return d
	}
	// The location's values are not known: read it normally, and the
	// search is no proof.
	w.e.mu.Lock()
	if w.e.specMissed == "" {
		in := &w.e.prog.Threads[t].Code[a.instr]
		w.e.specMissed = fmt.Sprintf("%s's %s (%s) may read from another CPU before a write not ordered after it, and the values %s may hold are not known", w.e.prog.Threads[t].Name, in.Text, in.Pos, w.e.prog.Locs[a.loc].Name)
	}
	w.e.mu.Unlock()
	return nil
}

// addSpecRead adds thread t's pending read with value v and no source;
// the first value is its maximal choice (see maximal).
func (w *worker) addSpecRead(g *graph, t int, v model.Value, first bool) (*graph, model.EventID) {
	a := *g.pend(t)
	h := g.clone()
	c := h.own(t)
	id := h.add(t, w.ip.event(w.e.prog.Threads[t], &c.s, &a, v, model.NoEvent))
	h.addDeps(t, &a)
	m := &h.meta[t][len(h.meta[t])-1] // the slice was just copied by add
	m.addedMax = first                // never revisitable (graph.revisitable)
	w.ip.complete(w.e.prog.Threads[t], &c.s, &a, v)
	c.next = action{}
	if c.s.status == model.Running {
		w.advance(h, t, c)
	}
	return h, id
}

// speculated reports whether read ev has no source yet.
func speculated(ev *model.Event) bool { return ev.Kind == model.EvRead && ev.RF == model.NoEvent }

// resolve gives every speculated read of the finished graph g a source,
// in every way that gives it its value, and finishes each completion the
// model accepts. It reports whether g had speculated reads.
func (w *worker) resolve(g *graph) bool {
	var us []model.EventID
	for t, evs := range g.x.Events {
		for i := range evs {
			if speculated(&evs[i]) {
				us = append(us, model.EventID{Thread: int32(t), Index: int32(i)})
			}
		}
	}
	if len(us) == 0 {
		return false
	}
	var rec func(k int, h *graph)
	rec = func(k int, h *graph) {
		if w.e.ctx.Err() != nil {
			return
		}
		if k == len(us) {
			if w.consistent(h) {
				w.finishComplete(h)
			}
			return
		}
		id := us[k]
		ev := *h.x.Ev(id)
		var srcs []model.EventID
		if wid, ok := writeHalf(h.x, id); ok {
			// Atomicity: the write coherence-before the RMW's write.
			src := model.InitID(ev.Loc)
			if i := h.x.COIndex(wid); i > 1 { // positions count from 1
				src = h.x.CO[ev.Loc][i-2]
			}
			srcs = append(srcs, src)
		} else {
			srcs = append(srcs, model.InitID(ev.Loc))
			srcs = append(srcs, h.x.CO[ev.Loc]...)
		}
		for _, src := range srcs {
			if h.x.WriteVal(src) != ev.Val {
				continue
			}
			h2 := h.clone()
			e2 := ev
			e2.RF = src
			h2.setEvent(id, e2)
			rec(k+1, h2)
		}
	}
	h := g.clone()
	h.lb = true
	rec(0, h)
	return true
}
