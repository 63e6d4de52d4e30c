package explorer

import (
	"fmt"
	"slices"

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
//   - psc (ra): an extension adds psc edges only from the SC fences
//     hb-before the new event to those hb-after some access
//     coherence-after it; none if no SC fence is hb-before it, or if it
//     is coherence-maximal. Otherwise the checker decides.
//
// Under sc and tso a candidate that passes is checked unless it is
// maximal (memmodel.Model.MaximalConsistent); under ra it is checked only
// for psc. hooks.fullCheck turns all this off (the checker judges every
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
)

// viewKindFor returns the views a search under model m keeps (none under
// hooks.fullCheck).
func viewKindFor(m *memmodel.Model, h *hooks) viewKind {
	if h.fullCheck {
		return viewsNone
	}
	switch m.Incremental {
	case memmodel.IncrPorf:
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
	return g.vw[id.Thread][id.Index][k*n : (k+1)*n]
}

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
	return g.computeViewInto(make([]int32, g.stride()), t, i, ev)
}

// computeViewInto is computeView into v, a zeroed or scratch block of
// g.stride() int32s.
func (g *graph) computeViewInto(v []int32, t, i int, ev *model.Event) []int32 {
	n := len(g.x.Events)
	clear(v)
	porf := v[:n]
	if i > 0 {
		copy(porf, g.vw[t][i-1][:n])
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
		pv := g.vw[t][i-1]
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
				join(msg, g.vw[t][j][vHB*n:(vHB+1)*n])
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

// addView computes and appends the views of CPU t's newest event.
func (g *graph) addView(t int) {
	i := len(g.vw[t])
	g.vw[t] = append(g.vw[t], g.computeView(t, i, &g.x.Events[t][i]))
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
		for j := min(last, len(evs)-1); j >= 0; j-- {
			e := &evs[j]
			if !e.IsAccess() || e.Loc != loc {
				continue
			}
			w := model.EventID{Thread: int32(u), Index: int32(j)}
			if e.Kind == model.EvRead {
				w = e.RF
			}
			if k := g.coIndex(w, loc) + 1; k > floor {
				floor = k
			}
			break
		}
	}
	return floor
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
	g      *graph
	t, i   int
	floors [2]int  // by whether the read has a virtual fence before it; -1 unknown
	buf    []int32 // scratch view block
}

// readRule returns the rule for CPU t's pending read, nil without views.
func (g *graph) readRule(t int) *readRule {
	if g.vk == viewsNone {
		return nil
	}
	return &readRule{g: g, t: t, i: len(g.x.Events[t]), floors: [2]int{-1, -1}, buf: make([]int32, g.stride())}
}

// verdict judges the read ev (the event the read makes when it reads from
// the write at index ci of its location's coherence order; -1 the
// initial write).
func (rr *readRule) verdict(ev *model.Event, ci int) verdict {
	g := rr.g
	co := g.x.CO[ev.Loc]
	if g.vk == viewsPorf {
		if rr.floors[0] < 0 {
			v := g.computeViewInto(rr.buf, rr.t, rr.i, &model.Event{Kind: model.EvFence}) // the po-predecessor's porf
			rr.floors[0] = g.coFloor(ev.Loc, v[:len(g.x.Events)], false, model.EventID{Thread: int32(rr.t), Index: int32(rr.i)})
		}
		if ci+1 < rr.floors[0] {
			return vNo
		}
		if ci == len(co)-1 {
			return vYes
		}
		return vCheck
	}
	n := len(g.x.Events)
	k := 0
	if memmodel.RAHBRole(ev)&memmodel.RoleFenceBefore != 0 {
		k = 1
	}
	if rr.floors[k] < 0 {
		// The floor without the source's message: what the message
		// adds is hb-before the source, so coherence-before it.
		base := *ev
		base.RF = model.NoEvent
		bv := g.computeViewInto(rr.buf, rr.t, rr.i, &base)
		rr.floors[k] = g.coFloor(ev.Loc, bv[vHB*n:(vHB+1)*n], true, model.EventID{Thread: int32(rr.t), Index: int32(rr.i)})
	}
	if ci+1 < rr.floors[k] {
		return vNo
	}
	if ci == len(co)-1 {
		return vYes
	}
	if k == 1 {
		return vCheck // its own SC fence is before it (ev is not in g, where scBefore looks)
	}
	v := g.computeViewInto(rr.buf, rr.t, rr.i, ev)
	if !g.scBefore(v[vHB*n : (vHB+1)*n]) {
		return vYes
	}
	return vCheck
}

// writeVerdict judges placing write id (added, not yet in coherence
// order) at index pos of its location's coherence order.
func (g *graph) writeVerdict(id model.EventID, pos int) verdict {
	if g.vk == viewsNone {
		return vCheck
	}
	ev := g.x.Ev(id)
	if g.splitsRMW(ev.Loc, pos) {
		return vNo
	}
	last := pos == len(g.x.CO[ev.Loc])
	if g.vk == viewsPorf {
		if pos < g.coFloor(ev.Loc, g.view(id, vPorf), false, id) {
			return vNo
		}
		if last {
			return vYes
		}
		return vCheck
	}
	hb := g.view(id, vHB)
	if pos < g.coFloor(ev.Loc, hb, true, id) {
		return vNo
	}
	if last || !g.scBefore(hb) {
		return vYes
	}
	return vCheck
}

// revisitVerdict judges the revisit graph h in which read r reads from
// write a, about to be placed at index pos. h less r is a prefix of a
// consistent graph (r is the last event of its CPU and nothing is after
// it), so h is consistent iff placing a is (a is po-maximal, and r is
// not hb-before it) and then adding r, reading from a, is.
func (g *graph) revisitVerdict(r, a model.EventID, pos int) verdict {
	if g.vk == viewsNone {
		return vCheck
	}
	wa := g.writeVerdict(a, pos)
	if wa == vNo {
		return vNo
	}
	loc := g.x.Ev(a).Loc
	k := vPorf
	if g.vk == viewsHB {
		k = vHB
	}
	// r reads a: every access in r's view is coherence-before a (a is
	// not in r's view: r is not in a's prefix, and a was added last).
	if g.coFloor(loc, g.view(r, k), g.vk == viewsHB, r) > pos {
		return vNo
	}
	if pos == len(g.x.CO[loc]) {
		return vYes // both maximal
	}
	if g.vk == viewsHB && wa == vYes && !g.scBefore(g.view(r, vHB)) {
		return vYes
	}
	return vCheck
}

// accept decides a candidate graph h built with verdict v; maximal says
// its new event was added maximally (see consistentExt). Under
// hooks.incrOracle the checker judges every candidate and a verdict that
// disagrees panics; under hooks.paranoid it judges every accepted one.
func (w *worker) accept(h *graph, v verdict, maximal bool) bool {
	if w.hooks.incrOracle {
		checkViews(h)
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
	h := g.clone()
	h.vw = make([][][]int32, len(g.x.Events))
	for done := false; !done; {
		done = true
		for t, evs := range g.x.Events {
			for i := len(h.vw[t]); i < len(evs); i++ {
				if e := &evs[i]; e.Kind == model.EvRead && !e.RF.IsInit() && e.RF != model.NoEvent && int(e.RF.Index) >= len(h.vw[e.RF.Thread]) {
					break // its source's views first
				}
				h.vw[t] = append(h.vw[t], h.computeView(t, i, &evs[i]))
				done = false
			}
		}
	}
	for t := range g.x.Events {
		if len(h.vw[t]) != len(g.x.Events[t]) || len(g.vw[t]) != len(g.x.Events[t]) {
			panic(fmt.Sprintf("explorer: CPU %d has %d events, %d views, %d from scratch", t, len(g.x.Events[t]), len(g.vw[t]), len(h.vw[t])))
		}
		for i := range g.vw[t] {
			if !slices.Equal(g.vw[t][i], h.vw[t][i]) {
				panic(fmt.Sprintf("explorer: stale views of event %d of CPU %d: %v, from scratch %v", i, t, g.vw[t][i], h.vw[t][i]))
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
