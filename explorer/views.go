package explorer

import (
	"fmt"
	"slices"
	"unsafe"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// Views and the incremental consistency check.
//
// DPOR only ever extends a consistent graph by one po-maximal event (a
// read with its source, a write with its coherence position; a revisit
// is a write and then a read, see revisitVerdict), so most of what the
// model's checker re-judges on the whole graph cannot have changed. The
// graph keeps, with each event, views: for each CPU, how far into that
// CPU's program order the event's predecessors reach. Predecessor sets of
// po ∪ rf and of ra's happens-before are closed under po, so a vector of
// one int32 per CPU describes each; an event's views are computed from
// its po-predecessor's and its source's in O(CPUs) when it is added, and
// never change after (nothing is ever added before an event in po ∪ rf
// or in hb, and a revisit deletes every event that was after the read).
//
// The model says which rules hold (memmodel.Incremental):
//
//   - porf (every model with rules): the (po ∪ rf)+ predecessors, as
//     counts of events.
//   - hb (ra): happens-before as raChecker builds it, in fine positions:
//     event i of a CPU is position 3i+1, its virtual SC fences (a fully
//     ordered access's) 3i and 3i+2, and a view holds how many positions
//     of each CPU are hb-before-or-equal. With it: acqp, the messages of
//     every read so far (what a later acquire fence synchronises with);
//     relf, the hb of the latest release fence; msg, for a write, what a
//     read that synchronises with it gets (the hb of every release event
//     whose release sequence it is in: itself, an earlier release write
//     to its location on its CPU, a release fence before it, and through
//     an RMW the message of the write the RMW read).
//
// A verdict (readVerdict, writeVerdict, revisitVerdict) is one of no
// (inconsistent: the graph is not even built), yes (consistent: no check)
// or check (the model's checker decides). The rules:
//
//   - Coherence. Within a CPU the accesses to a location are in
//     coherence order (po-loc), so the latest one in a view bounds them
//     all: coFloor is the number of writes at the head of the
//     location's coherence order that must come before the new access. A
//     read may read the write at index i only if i+1 >= floor; a write
//     may be inserted at index pos only if pos >= floor. Under ra with
//     the hb view this is exactly irreflexive(hb; eco?) for a new event
//     nothing is hb-after (GenMC's getCoherentStores and
//     getCoherentPlacings, RC11Checker.cpp); under sc and tso, with the
//     porf view, a necessary condition.
//   - Atomicity. In a consistent graph an RMW's write comes right after
//     the write its read read; a write inserted right before an RMW write
//     splits that pair.
//   - sc-acyclicity. The graph knows whether it is sc-consistent
//     (graph.scOK: the root is, and so is an extension the rule below
//     accepts). A cycle of po ∪ rf ∪ co ∪ fr through a new po-maximal
//     event enters it from its po-predecessor and leaves it for the
//     write coherence-after its place, so one search from that write
//     (incrScratch.reaches: per CPU the least index reached, each event
//     looked at once) decides it. Under sc this decides consistency;
//     under tso and ra an sc-consistent extension is consistent (sc is
//     the strongest model of memmodel.Chain).
//   - psc (ra): an extension adds psc edges only from the SC fences
//     hb-before the new event to those hb-after some access
//     coherence-after it; none if no SC fence is hb-before it, or if it
//     is coherence-maximal.
//
// Models with load buffering (issue 16). The rules rest on each new
// event being po-maximal and nothing being hb-after it, which an
// exploration in dependency order (HMC) gives up: there a write may be
// added before po-earlier events, and a read's candidates must also
// exclude writes hb-after it (GenMC's splitLocMOAfterHb) and a write's
// positions those before hb-later accesses (splitLocMOAfter). Views are
// still vectors (prefixes stay closed under po), but an event added
// before po-later ones grows their prefixes, so theirs must be
// recomputed (or the view kept be the dependency prefix, which such an
// addition does not change); the floors gain a ceiling; sc-acyclicity
// (graph.scOK) stays a sufficient condition for any model sc is
// stronger than, with the search's targets widened to every event
// hb-after the new one. Until then lkmm keeps only the sc shortcut
// (memmodel.IncrSCShortcut), and only where load buffering is ruled out.
//
// What none of these decides (a tso candidate that is not sc-consistent;
// an ra one with an SC fence before it that is not sc-consistent either)
// goes to the model's checker. On unlazy-4 none does. hooks.fullCheck turns all this off (the checker judges every
// candidate, as before); hooks.incrOracle builds and checks every
// candidate too and panics where a verdict disagrees with the checker.

// viewKind says which views a graph keeps.
type viewKind uint8

const (
	viewsNone viewKind = iota
	viewsPorf          // porf
	viewsHB            // porf, hb, acqp, relf, msg
)

// verdict is what the incremental rules say of a candidate extension.
type verdict uint8

const (
	vCheck verdict = iota // undecided: the checker decides
	vNo                   // inconsistent
	vYes                  // consistent

	// vSC, with vYes: the extension of an sc-consistent graph is
	// sc-consistent (graph.scOK).
	vSC verdict = 4
)

// viewKindFor returns the views a search under model m keeps: none under
// hooks.fullCheck, nor when the search builds graphs with load buffering
// (speculated reads, spec.go; load-buffering revisits, lb.go), which the
// rules here do not cover.
func viewKindFor(m *memmodel.Model, lb bool, h *hooks) viewKind {
	if h.fullCheck || lb {
		return viewsNone
	}
	switch m.Incremental {
	case memmodel.IncrSC, memmodel.IncrPorf, memmodel.IncrSCShortcut:
		return viewsPorf
	case memmodel.IncrHB:
		return viewsHB
	}
	return viewsNone
}

// Offsets of the views in an event's view block, in units of CPUs.
const (
	vPorf = iota
	vHB
	vAcqp
	vRelf
	vMsg
	vCount
)

// stride returns the int32s of one event's view block.
func (g *graph) stride() int {
	n := len(g.x.Events)
	if g.vk == viewsHB {
		return vCount * n
	}
	return n
}

// view returns view k of event id (an initial write has none: nil).
func (g *graph) view(id model.EventID, k int) []int32 {
	if id.IsInit() || id == model.NoEvent {
		return nil
	}
	n := len(g.x.Events)
	return g.viewBlock(int(id.Thread), int(id.Index))[k*n : (k+1)*n]
}

// viewBlock returns the view block of CPU t's event i (nil if it has
// none). evMeta keeps only the block's address, since every block of a
// graph is g.stride() long: metadata is copied whenever a CPU's events
// are, and a slice header would double its size.
func (g *graph) viewBlock(t, i int) []int32 {
	p := g.meta[t][i].view
	if p == nil {
		return nil
	}
	return unsafe.Slice(p, g.stride())
}

// blockAddr is what evMeta keeps of view block v.
func blockAddr(v []int32) *int32 { return unsafe.SliceData(v) }

func join(dst, src []int32) {
	for i, v := range src {
		if v > dst[i] {
			dst[i] = v
		}
	}
}

// computeView returns the view block of event ev, the event at index i of
// CPU t, from the views of its po-predecessor and its source. ev need not
// be in the graph yet (readVerdict computes the view of a candidate).
func (g *graph) computeView(t, i int, ev *model.Event) []int32 {
	return g.computeViewInto(g.mem.view(g.stride()), t, i, ev)
}

// computeViewInto is computeView into v, a zeroed or scratch block of
// g.stride() int32s.
func (g *graph) computeViewInto(v []int32, t, i int, ev *model.Event) []int32 {
	n := len(g.x.Events)
	clear(v)
	porf := v[:n]
	if i > 0 {
		copy(porf, g.viewBlock(t, i-1)[:n])
	}
	if ev.Kind == model.EvRead {
		if s := g.view(ev.RF, vPorf); s != nil {
			join(porf, s)
		}
	}
	porf[t] = int32(i + 1)
	if g.vk != viewsHB {
		return v
	}
	hb, acqp, relf, msg := v[vHB*n:(vHB+1)*n], v[vAcqp*n:(vAcqp+1)*n], v[vRelf*n:(vRelf+1)*n], v[vMsg*n:(vMsg+1)*n]
	fine := int32(3 * i)
	if i > 0 {
		pv := g.viewBlock(t, i-1)
		copy(hb, pv[vHB*n:(vHB+1)*n])
		copy(acqp, pv[vAcqp*n:(vAcqp+1)*n])
		copy(relf, pv[vRelf*n:(vRelf+1)*n]) // includes p's after-fence (below)
		if memmodel.RAHBRole(&g.x.Events[t][i-1])&memmodel.RoleFenceAfter != 0 {
			join(hb, acqp) // p's after-fence: hb is what it reached
			hb[t] = fine
		}
	}
	role := memmodel.RAHBRole(ev)
	if role&memmodel.RoleFenceBefore != 0 {
		join(hb, acqp)
		hb[t] = fine + 1
		copy(relf, hb)
	}
	switch ev.Kind {
	case model.EvFence:
		if role&memmodel.RoleAcquire != 0 {
			join(hb, acqp)
		}
		hb[t] = fine + 2
		if role&memmodel.RoleRelease != 0 {
			copy(relf, hb)
		}
	case model.EvRead:
		if m := g.view(ev.RF, vMsg); m != nil {
			join(acqp, m)
			if role&memmodel.RoleAcquire != 0 {
				join(hb, m)
			}
		}
		hb[t] = fine + 2
	case model.EvWrite:
		hb[t] = fine + 2
		if role&memmodel.RoleRelease != 0 {
			copy(msg, hb)
		}
		join(msg, relf)
		evs := g.x.Events[t]
		for j := i - 1; j >= 0; j-- { // the latest release write to the location: ev is in its release sequence
			if e := &evs[j]; e.Kind == model.EvWrite && e.Loc == ev.Loc && memmodel.RAHBRole(e)&memmodel.RoleRelease != 0 {
				join(msg, g.viewBlock(t, j)[vHB*n:(vHB+1)*n])
				break
			}
		}
		if ev.RMW && i > 0 {
			if r := &evs[i-1]; r.Kind == model.EvRead && r.RMW {
				if m := g.view(r.RF, vMsg); m != nil {
					join(msg, m)
				}
			}
		}
	default:
		hb[t] = fine + 2
	}
	if role&memmodel.RoleFenceAfter != 0 {
		copy(relf, hb)
		join(relf, acqp)
		relf[t] = fine + 3
	}
	return v
}

// addView computes the views of CPU t's newest event (add has just
// copied the CPU's metadata).
func (g *graph) addView(t int) {
	i := len(g.meta[t]) - 1 // add just copied the slice
	g.meta[t][i].view = blockAddr(g.computeView(t, i, &g.x.Events[t][i]))
}

// coIndex returns the index of write w in its location's coherence order
// (-1 for the initial write), or -2 if it is not placed.
func (g *graph) coIndex(w model.EventID, loc int) int {
	if w.IsInit() {
		return -1
	}
	for i, c := range g.x.CO[loc] {
		if c == w {
			return i
		}
	}
	return -2
}

// coFloor returns how many writes at the head of loc's coherence order
// must be coherence-before an access whose predecessors are view v (fine
// positions if fine): for each CPU, the latest access to loc among its
// events in v bounds the others (po-loc), and a write counts itself, a
// read the write it read. Events of CPU self.Thread from self.Index on
// are left out (the access itself).
func (g *graph) coFloor(loc int, v []int32, fine bool, self model.EventID) int {
	floor := 0
	for u, evs := range g.x.Events {
		last := int(v[u]) - 1
		if fine {
			last = (int(v[u]) - 2) / 3 // event j is in v iff v > 3j+1
			if v[u] < 2 {
				last = -1
			}
		}
		if u == int(self.Thread) && last >= int(self.Index) {
			last = int(self.Index) - 1
		}
		floor = max(floor, g.cpuFloor(loc, u, min(last, len(evs)-1)))
	}
	return floor
}

// cpuFloor is coFloor's bound from CPU u's events 0..last alone: the
// latest access to loc among them counts itself if a write, the write it
// read if a read (0 if none).
func (g *graph) cpuFloor(loc, u, last int) int {
	evs := g.x.Events[u]
	for j := last; j >= 0; j-- {
		e := &evs[j]
		if !e.IsAccess() || e.Loc != loc {
			continue
		}
		w := model.EventID{Thread: int32(u), Index: int32(j)}
		if e.Kind == model.EvRead {
			w = e.RF
		}
		return g.coIndex(w, loc) + 1
	}
	return 0
}

// ownFloor is coFloor for the accesses of CPU self.Thread before
// self.Index alone. Every model is sc per location, and the graph is
// coherent, so for a po-maximal access that decides coherence
// (acyclic(po-loc ∪ rf ∪ co ∪ fr)): a cycle through it leaves it for the
// write after its source or place and can come back only through an
// earlier access of its own CPU (its other edges in come from events
// coherence-before that write already), whose place the latest one bounds.
// lkmm, whose reads may ignore writes that reach them by po ∪ rf from
// other CPUs, can use no more of the view than that.
func (g *graph) ownFloor(loc int, self model.EventID) int {
	return g.cpuFloor(loc, int(self.Thread), int(self.Index)-1)
}

// floorWithoutViews is ownFloor for a search that keeps no views because
// it builds graphs with load buffering (speculated reads, lb.go's
// revisits), where coherence still bounds a new access by its own CPU's
// (a speculated read, which has no source, bounds nothing); 0 elsewhere:
// under hooks.fullCheck the checker judges every candidate.
func (w *worker) floorWithoutViews(g *graph, self model.EventID, loc int) int {
	if g.vk != viewsNone || w.hooks.fullCheck || w.e.spec == nil && !w.e.lb {
		return 0
	}
	return g.ownFloor(loc, self)
}

// scBefore reports whether some SC fence (an smp_mb-like fence event, or
// the virtual fence before or after a fully ordered access) is in hb view v.
func (g *graph) scBefore(v []int32) bool {
	for u, evs := range g.x.Events {
		lim := v[u]
		for j := range evs {
			if int32(3*j) >= lim {
				break
			}
			r := memmodel.RAHBRole(&evs[j])
			if r&memmodel.RoleFenceBefore != 0 ||
				r&memmodel.RoleSCFence != 0 && int32(3*j+1) < lim ||
				r&memmodel.RoleFenceAfter != 0 && int32(3*j+2) < lim {
				return true
			}
		}
	}
	return false
}

// splitsRMW reports whether a write inserted at index pos of loc's
// coherence order would come between an RMW write and the write its read
// read (which, the graph being consistent, is right before it).
func (g *graph) splitsRMW(loc, pos int) bool {
	co := g.x.CO[loc]
	return pos < len(co) && g.x.Ev(co[pos]).RMW
}

// readRule judges the candidates of one pending read: the event it makes
// depends on the value read only through its order (a failed cmpxchg is
// not fully ordered), so the floors are computed at most twice.
type readRule struct {
	w      *worker
	g      *graph
	t, i   int
	floors [2]int // by whether the read has a virtual fence before it; -1 unknown
	// A scratch view block: small if it fits, else big.
	n     int
	big   []int32
	small [64]int32
}

// scratch returns the rule's scratch view block.
func (rr *readRule) scratch() []int32 {
	if rr.big != nil {
		return rr.big
	}
	return rr.small[:rr.n]
}

// readRule sets rr to the rule for CPU t's pending read in g, and returns
// it; nil without views. (The caller's variable, not an allocation: one
// rule per read was 7% of the allocations.)
func (w *worker) readRule(rr *readRule, g *graph, t int) *readRule {
	if g.vk == viewsNone {
		return nil
	}
	*rr = readRule{w: w, g: g, t: t, i: len(g.x.Events[t]), floors: [2]int{-1, -1}, n: g.stride()}
	if rr.n > len(rr.small) {
		rr.big = make([]int32, rr.n)
	}
	return rr
}

// verdict judges the read ev (the event the read makes when it reads from
// the write at index ci of its location's coherence order; -1 the
// initial write).
func (rr *readRule) verdict(ev *model.Event, ci int) verdict {
	g := rr.g
	co := g.x.CO[ev.Loc]
	n := len(g.x.Events)
	self := model.EventID{Thread: int32(rr.t), Index: int32(rr.i)}
	if rr.w.e.opts.Model.Incremental == memmodel.IncrSCShortcut {
		if rr.floors[0] < 0 {
			rr.floors[0] = g.ownFloor(ev.Loc, self)
		}
		if ci+1 < rr.floors[0] {
			return vNo
		}
		return rr.w.shortcut(g, ci == len(co)-1, func() bool { return rr.w.incr.reaches(g, co[ci+1], self) }, ev)
	}
	k := 0
	if g.vk == viewsPorf {
		if rr.floors[0] < 0 {
			v := g.computeViewInto(rr.scratch(), rr.t, rr.i, &model.Event{Kind: model.EvFence}) // the po-predecessor's porf
			rr.floors[0] = g.coFloor(ev.Loc, v[:n], false, self)
		}
	} else {
		if memmodel.RAHBRole(ev)&memmodel.RoleFenceBefore != 0 {
			k = 1
		}
		if rr.floors[k] < 0 {
			// The floor without the source's message: what the message
			// adds is hb-before the source, so coherence-before it.
			base := *ev
			base.RF = model.NoEvent
			bv := g.computeViewInto(rr.scratch(), rr.t, rr.i, &base)
			rr.floors[k] = g.coFloor(ev.Loc, bv[vHB*n:(vHB+1)*n], true, self)
		}
	}
	if ci+1 < rr.floors[k] {
		return vNo
	}
	if ci == len(co)-1 {
		return vYes | vSC
	}
	// A cycle of po ∪ rf ∪ co ∪ fr through the new read enters it from
	// its po-predecessor and leaves it for the write after its source.
	if g.scOK && !rr.w.incr.reaches(g, co[ci+1], self) {
		return vYes | vSC
	}
	return rr.w.notSC(g.scOK, func() bool {
		return rr.w.incr.reachesGHB(g, co[ci+1], target(self, ev))
	}, func() bool {
		if k == 1 {
			return true // its own SC fence is before it (ev is not in g, where scBefore looks)
		}
		v := g.computeViewInto(rr.scratch(), rr.t, rr.i, ev)
		return g.scBefore(v[vHB*n : (vHB+1)*n])
	})
}

// shortcut is the verdict of memmodel.IncrSCShortcut on an extension of
// g by the events evs, the new one coherence-maximal if maximal; reaches
// looks for a cycle of po ∪ rf ∪ co ∪ fr through it (see verdict). An
// extension that keeps g sc-consistent, with none of the events the
// shortcut excludes, is consistent; the checker judges the others (and,
// since they are not known to be sc-consistent, every extension of them).
func (w *worker) shortcut(g *graph, maximal bool, reaches func() bool, evs ...*model.Event) verdict {
	if !g.scOK {
		return vCheck
	}
	for _, e := range evs {
		if memmodel.SCShortcutExcluded(e) {
			return vCheck
		}
	}
	if maximal || !reaches() {
		return vYes | vSC
	}
	return vCheck
}

// otherVerdict reports whether the incremental rules accept h, the
// extension of a consistent graph by fence or kfree id, without a check.
// Only memmodel.IncrSCShortcut needs it (the other models promise
// MaximalConsistent): such an event adds no edge out of itself, so it
// keeps an sc-consistent graph sc-consistent, unless the shortcut
// excludes it.
func (w *worker) otherVerdict(h *graph, id model.EventID) bool {
	if h.vk == viewsNone || w.e.opts.Model.Incremental != memmodel.IncrSCShortcut {
		return false
	}
	if !h.scOK || memmodel.SCShortcutExcluded(h.x.Ev(id)) {
		h.scOK = false
		return false
	}
	if (w.hooks.incrOracle || w.hooks.paranoid) && !w.consistent(h) {
		panic("explorer: the sc shortcut accepted a graph the checker of " + w.e.opts.Model.Name + " rejects")
	}
	return true
}

// notSC is the verdict on an extension that is not sc-consistent if
// scOK (the graph was), else of unknown sc-consistency: inconsistent
// under sc; under tso inconsistent iff ghbCycle finds a cycle through
// the new events (ghb.go); under ra consistent unless pscRisk says psc
// may have changed (see scBefore), and then accept decides psc on the
// built candidate (psc.go); else for the checker.
func (w *worker) notSC(scOK bool, ghbCycle, pscRisk func() bool) verdict {
	switch w.e.opts.Model.Incremental {
	case memmodel.IncrSC:
		if scOK {
			return vNo
		}
	case memmodel.IncrPorf:
		if ghbCycle() {
			return vNo
		}
		return vYes
	case memmodel.IncrHB:
		if !pscRisk() {
			return vYes
		}
	}
	return vCheck
}

// writeVerdict judges placing write id of h (added, not yet in
// coherence order) at index pos of its location's coherence order.
func (w *worker) writeVerdict(h *graph, id model.EventID, pos int) verdict {
	if h.vk == viewsNone {
		if pos < w.floorWithoutViews(h, id, h.x.Ev(id).Loc) {
			return vNo
		}
		return vCheck
	}
	ev := h.x.Ev(id)
	co := h.x.CO[ev.Loc]
	if h.splitsRMW(ev.Loc, pos) {
		return vNo
	}
	if w.e.opts.Model.Incremental == memmodel.IncrSCShortcut {
		if pos < h.ownFloor(ev.Loc, id) {
			return vNo
		}
		return w.shortcut(h, pos == len(co), func() bool { return w.incr.reaches(h, co[pos], id) }, ev)
	}
	k, fine := vPorf, false
	if h.vk == viewsHB {
		k, fine = vHB, true
	}
	if pos < h.coFloor(ev.Loc, h.view(id, k), fine, id) {
		return vNo
	}
	if pos == len(co) {
		return vYes | vSC
	}
	// A cycle through the new write enters it from its po-predecessor
	// (or the write before it, or that write's readers, which the write
	// after it cannot reach in a consistent graph) and leaves it for the
	// write after it.
	if h.scOK && !w.incr.reaches(h, co[pos], id) {
		return vYes | vSC
	}
	return w.notSC(h.scOK, func() bool { return w.incr.reachesGHB(h, co[pos], target(id, ev)) },
		func() bool { return h.scBefore(h.view(id, vHB)) })
}

// revisitVerdict judges the revisit graph h in which read r reads from
// write a, about to be placed at index pos. h less r is a prefix of a
// consistent graph (r is the last event of its CPU and nothing is after
// it), so h is consistent iff placing a is (a is po-maximal, and r is
// not hb-before it) and then adding r, reading from a, is.
func (w *worker) revisitVerdict(h *graph, r, a model.EventID, pos int) verdict {
	if h.vk == viewsNone {
		return vCheck
	}
	loc := h.x.Ev(a).Loc
	co := h.x.CO[loc]
	if h.splitsRMW(loc, pos) {
		return vNo
	}
	if w.e.opts.Model.Incremental == memmodel.IncrSCShortcut {
		if pos < h.ownFloor(loc, a) || h.ownFloor(loc, r) > pos {
			return vNo
		}
		return w.shortcut(h, pos == len(co), func() bool { return w.incr.reaches(h, co[pos], a, r) }, h.x.Ev(a), h.x.Ev(r))
	}
	k, fine := vPorf, false
	if h.vk == viewsHB {
		k, fine = vHB, true
	}
	if pos < h.coFloor(loc, h.view(a, k), fine, a) {
		return vNo
	}
	// r reads a: every access in r's view is coherence-before a (a is
	// not in r's view: r is not in a's prefix, and a was added last).
	if h.coFloor(loc, h.view(r, k), fine, r) > pos {
		return vNo
	}
	if pos == len(co) {
		return vYes | vSC // both maximal
	}
	// A cycle through a or r leaves it for the write after a (r, whose
	// source a is not placed in h, has no edge out in h).
	if h.scOK && !w.incr.reaches(h, co[pos], a, r) {
		return vYes | vSC
	}
	return w.notSC(h.scOK, func() bool { return w.incr.reachesGHB(h, co[pos], target(a, h.x.Ev(a)), target(r, h.x.Ev(r))) },
		func() bool { return h.scBefore(h.view(a, vHB)) || h.scBefore(h.view(r, vHB)) })
}

// incrScratch is a worker's scratch for the incremental check.
type incrScratch struct {
	g      *graph  // the graph the arrays below describe (nil: none)
	start  []int32 // per CPU: its first node; then the number of nodes
	thr    []int32 // per node: its CPU
	rhead  []int32 // per node: its first reader, -1 for none
	rnext  []int32 // per node (a read): the next reader of the same write, -1
	coNext []int32 // per node (a placed write): the next write in coherence order, -1
	reach  []int32 // per CPU: the least po index reached
	wreach []int32 // per CPU: the least po index from which the writes are reached (ghb.go)
	work   []int32 // nodes to relax
}

// load indexes g's edges: readers of each write, the coherence successor
// of each placed write.
func (sc *incrScratch) load(g *graph) {
	if sc.g == g {
		return
	}
	sc.g = g
	nt := len(g.x.Events)
	sc.start = grow(sc.start, nt+1)
	n := int32(0)
	for t, evs := range g.x.Events {
		sc.start[t] = n
		n += int32(len(evs))
	}
	sc.start[nt] = n
	sc.thr = grow(sc.thr, int(n))
	sc.rhead = grow(sc.rhead, int(n))
	sc.rnext = grow(sc.rnext, int(n))
	sc.coNext = grow(sc.coNext, int(n))
	for t, evs := range g.x.Events {
		for i := range evs {
			v := sc.start[t] + int32(i)
			sc.thr[v], sc.rhead[v], sc.rnext[v], sc.coNext[v] = int32(t), -1, -1, -1
		}
	}
	for t, evs := range g.x.Events {
		for i := range evs {
			if e := &evs[i]; e.Kind == model.EvRead && !e.RF.IsInit() && e.RF != model.NoEvent {
				v, src := sc.start[t]+int32(i), sc.node(e.RF)
				sc.rnext[v], sc.rhead[src] = sc.rhead[src], v
			}
		}
	}
	for _, co := range g.x.CO {
		for j := 0; j+1 < len(co); j++ {
			sc.coNext[sc.node(co[j])] = sc.node(co[j+1])
		}
	}
}

func (sc *incrScratch) node(id model.EventID) int32 { return sc.start[id.Thread] + id.Index }

// reaches reports whether, in g, write s reaches by (po ∪ rf ∪ co ∪ fr)+
// an event po-before one of the events to (an event's po-predecessor is
// where a cycle through it would enter). Reaching an event of a CPU
// reaches every later one, so the search keeps, per CPU, the least index
// reached, and looks at each event once.
func (sc *incrScratch) reaches(g *graph, s model.EventID, to ...model.EventID) bool {
	sc.load(g)
	nt := len(g.x.Events)
	sc.reach = grow(sc.reach, nt)
	for t := range sc.reach {
		sc.reach[t] = sc.start[t+1] - sc.start[t]
	}
	sc.work = append(sc.work[:0], sc.node(s))
	for len(sc.work) > 0 {
		v := sc.work[len(sc.work)-1]
		sc.work = sc.work[:len(sc.work)-1]
		t := sc.thr[v]
		j := v - sc.start[t]
		if j >= sc.reach[t] {
			continue
		}
		old := sc.reach[t]
		sc.reach[t] = j
		for _, e := range to {
			if int(e.Thread) == int(t) && j < e.Index {
				return true
			}
		}
		for i := j; i < old; i++ {
			sc.edgesOut(g, int(t), i) // readers on t itself are after i: reached
		}
	}
	return false
}

// accept decides a candidate graph h built with verdict v; maximal says
// its new event was added maximally (see consistentExt). Under
// hooks.incrOracle the checker judges every candidate and a verdict that
// disagrees panics; under hooks.paranoid it judges every accepted one.
func (w *worker) accept(h *graph, v verdict, maximal bool) bool {
	h.scOK = h.scOK && v&vSC != 0
	v &^= vSC
	if v == vCheck && h.vk == viewsHB {
		// Under ra only psc is left to decide (notSC), on the built
		// candidate (psc.go).
		v = vNo
		if w.pscAcyclic(h) {
			v = vYes
		}
	}
	if w.hooks.incrOracle {
		checkViews(h)
		if h.scOK && memmodel.SC.NewChecker().Check(h.x) != nil {
			panic(fmt.Sprintf("explorer: a graph the incremental check says is sc-consistent is not: %v, CO %v", h.x.Events, h.x.CO))
		}
		ok := w.consistent(h)
		if v == vNo && ok || v == vYes && !ok {
			panic(fmt.Sprintf("explorer: incremental verdict %d (1 no, 2 yes) disagrees with the checker of %s on %v, CO %v", v, w.e.opts.Model.Name, h.x.Events, h.x.CO))
		}
		return ok
	}
	switch v {
	case vNo:
		return false
	case vYes:
		if w.hooks.paranoid && !w.consistent(h) {
			panic("explorer: an incremental verdict accepted a graph the checker of " + w.e.opts.Model.Name + " rejects")
		}
		return true
	}
	return w.consistentExt(h, maximal)
}

// checkViews panics unless every view of g is what computeView gives
// from scratch (the oracle's check that revisits leave no stale view).
func checkViews(g *graph) {
	if g.vk == viewsNone {
		return
	}
	// A copy whose events have no views, given them in an order where a
	// read's source comes first.
	h := g.clone()
	done := make([]int, len(g.x.Events))
	for t := range h.meta {
		h.meta[t] = slices.Clone(h.meta[t])
		for i := range h.meta[t] {
			h.meta[t][i].view = nil
		}
	}
	for moved := true; moved; {
		moved = false
		for t, evs := range g.x.Events {
			for i := done[t]; i < len(evs); i++ {
				if e := &evs[i]; e.Kind == model.EvRead && !e.RF.IsInit() && e.RF != model.NoEvent && int(e.RF.Index) >= done[e.RF.Thread] {
					break // its source's views first
				}
				h.meta[t][i].view = blockAddr(h.computeView(t, i, &evs[i]))
				done[t], moved = i+1, true
			}
		}
	}
	for t, evs := range g.x.Events {
		if done[t] != len(evs) {
			panic(fmt.Sprintf("explorer: CPU %d: views from scratch for %d of %d events", t, done[t], len(evs)))
		}
		for i := range evs {
			if !slices.Equal(g.viewBlock(t, i), h.viewBlock(t, i)) {
				panic(fmt.Sprintf("explorer: stale views of event %d of CPU %d: %v, from scratch %v", i, t, g.viewBlock(t, i), h.viewBlock(t, i)))
			}
		}
	}
}

// orderedFn returns how to ask whether access a is ordered before the
// kfree b in the finished graph g (use after free): under ra it is hb,
// which the views answer at once; otherwise the checker answers, once it
// has judged g. Under hooks.incrOracle both answer, and must agree.
func (w *worker) orderedFn(g *graph) func(a, b model.EventID) bool {
	if g.vk == viewsHB && !w.hooks.incrOracle {
		return g.hbOrdered
	}
	w.judge(g)
	if g.vk != viewsHB {
		return w.chk.Ordered
	}
	return func(a, b model.EventID) bool {
		o := w.chk.Ordered(a, b)
		if o != g.hbOrdered(a, b) {
			panic(fmt.Sprintf("explorer: hb views say %v ordered before %v is %v, the checker %v", a, b, !o, o))
		}
		return o
	}
}

// hbOrdered reports whether a is hb-before b (ra's Ordered).
func (g *graph) hbOrdered(a, b model.EventID) bool {
	if a == b || b.IsInit() {
		return false
	}
	if a.IsInit() {
		return true
	}
	return g.view(b, vHB)[a.Thread] > 3*a.Index+1
}

// grow returns s with length n, reusing its storage when it is big
// enough; the contents are unspecified.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/2+8)
}
