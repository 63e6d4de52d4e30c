package memmodel

import "mmcheck/model"

// Incremental says which rules an explorer that keeps per-event views
// (package explorer, views.go) may use to judge the extension of a
// consistent execution by one po-maximal event (a read with its source,
// a write with its coherence position) without calling [Checker.Check].
// The rules are sound for every model that states them: a candidate the
// rules reject is inconsistent, and one they accept without asking for a
// check is consistent. Check stays the definition, and the oracle of the
// explorer's differential tests.
type Incremental uint8

const (
	// IncrNone: no incremental rules; every extension is checked.
	IncrNone Incremental = iota
	// IncrSC: sc. The rules of IncrPorf, and acyclicity of
	// po ∪ rf ∪ co ∪ fr decided for the new event alone (a cycle through a
	// po-maximal event enters it from its po-predecessor and leaves it
	// for a write coherence-after it): with atomicity, exactly sc.
	IncrSC
	// IncrPorf: tso. Coherence along po ∪ rf is necessary: a new access
	// must be coherence-after (or read a write coherence-after-or-equal)
	// every access of its location in its (po ∪ rf)+ prefix (every
	// cross-CPU path of po ∪ rf from a write is in tso's global order: it
	// leaves the write by a W→W or R→* edge of ppo; same-CPU pairs are
	// po-loc), and no write may come between an RMW and the write it
	// read; with the graph consistent, that decides uniproc and
	// atomicity. An extension that keeps the execution sc-consistent
	// (IncrSC's rule) is consistent, as every sc-consistent execution is
	// tso-consistent ([Chain]); for the others, ghb is decided by a
	// search for a cycle through the new event (the explorer's ghb.go,
	// with [TSOBarrier]), so tso needs no check at all.
	IncrPorf
	// IncrHB: ra. The same rules with happens-before views ([RAHBRole]
	// says how each event takes part in hb) decide coherence,
	// atomicity and no-thin-air exactly for a po-maximal event (nothing
	// is hb-after it, so the only new hb; eco? cycles go through it). The
	// sc axiom (psc over SC fences) can change only when an SC fence is
	// hb-before the new event and the event is not coherence-maximal;
	// then an extension that keeps the execution sc-consistent is
	// consistent, and for the others psc is computed on the SC fences
	// alone with hb read from the views (the explorer's psc.go), so ra
	// needs no check either.
	IncrHB
	// IncrSCShortcut: lkmm. Only the sufficient condition: an extension
	// that keeps an sc-consistent execution sc-consistent (IncrSC's
	// rule) is consistent, unless the execution has an event
	// [SCShortcutExcluded] names (lock, RCU and SRCU events, whose axioms
	// sc-consistency does not imply); everything else is checked. The
	// necessary conditions of IncrPorf do not hold: lkmm lets a read
	// ignore a write that reaches it along po ∪ rf. Only its own CPU's
	// part does: coherence (sc per location), which the latest earlier
	// access to the location on the event's own CPU decides, as for
	// every model.
	IncrSCShortcut
)

// SCShortcutExcluded reports whether e keeps an sc-consistent execution
// that contains it from being lkmm-consistent by that alone: the lock
// events (lock.cat's axioms), RCU's fences and SRCU's accesses. Without
// them, every relation of linux-kernel.cat (ppo, prop, hb, pb) lies in
// po ∪ rf ∪ co ∪ fr, rb is empty, and plain coherence runs along those
// orders too (see lkmmChecker.scShortcut).
func SCShortcutExcluded(e *model.Event) bool {
	if e.Lock || e.Srcu {
		return true
	}
	if e.Kind != model.EvFence {
		return false
	}
	switch e.Fence {
	case model.FenceRCULock, model.FenceRCUUnlock, model.FenceSyncRCU, model.FenceSyncSRCU, model.FenceAfterSrcuUnlock:
		return true
	}
	return false
}

// HBRole says how an event takes part in ra's happens-before: which of
// release, acquire and SC fence it is, and whether ra adds a virtual SC
// fence right before or right after it (a fully ordered access, see
// [RA]).
type HBRole uint8

const (
	RoleRelease     HBRole = 1 << iota // a release write, or a fence with release semantics
	RoleAcquire                        // an acquire read, or a fence with acquire semantics
	RoleSCFence                        // an SC fence event (smp_mb and the smp_mb__* barriers)
	RoleFenceBefore                    // a virtual SC fence right before the event
	RoleFenceAfter                     // a virtual SC fence right after the event
)

// RAHBRole returns e's role in ra's happens-before, as raChecker builds it.
func RAHBRole(e *model.Event) HBRole {
	var r HBRole
	switch e.Kind {
	case model.EvFence:
		fl := raFenceFlags(e)
		if fl&raRel != 0 {
			r |= RoleRelease
		}
		if fl&raAcq != 0 {
			r |= RoleAcquire
		}
		if fl&raSC != 0 {
			r |= RoleSCFence
		}
	case model.EvRead:
		if e.Order == model.Acquire || e.Order == model.Mb {
			r |= RoleAcquire
		}
	case model.EvWrite:
		if e.Order == model.Release || e.Order == model.Mb {
			r |= RoleRelease
		}
	}
	before, after := mbFences(e)
	if before {
		r |= RoleFenceBefore
	}
	if after {
		r |= RoleFenceAfter
	}
	return r
}
