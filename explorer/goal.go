package explorer

import (
	"fmt"

	"mmcheck/model"
)

// goalCombos is the number of combinations of CPU paths above which the
// enumeration of a program whose only check is its final condition is
// goal-directed (see runGoal) instead of counting every execution.
const goalCombos = 100_000

// goalCandidates is the number of candidate executions (reads-from and
// coherence choices over all combinations) above which, by default, the
// search is goal-directed too: judging one costs about 100 µs under lkmm,
// building one a microsecond.
const goalCandidates = 1_000_000

// candidatesOver reports whether the enumeration would build more than
// limit candidate executions, by building them without judging.
func candidatesOver(w *worker, paths [][]path, limit int64) bool {
	c := &combiner{w: w, paths: paths, choice: make([]int, len(paths)), dry: true, limit: limit}
	c.threads(0)
	return c.found
}

// goalEligible reports whether the final condition is the only thing the
// program's executions can violate: no CPU path stops at a check, warns,
// frees, blocks in an await or is cut by the loop bound, no leak or race
// check was asked for, and no path could raise a flag (a plain access;
// SRCU or synchronize_srcu, unless srcuMatched), so the flags are those
// of every execution too. Then the executions the goal-directed search
// skips (those whose registers settle the condition the other way)
// cannot hold a violation either.
func (e *engine) goalEligible(paths [][]path) bool {
	p := e.prog
	if p.Cond == nil || len(p.LeakCheck) > 0 || e.opts.CheckLeaks || e.opts.CheckRaces {
		return false
	}
	for _, ps := range paths {
		for i := range ps {
			s := &ps[i].ts
			switch {
			case len(s.warns) > 0, s.viol != nil, s.status == model.Blocked, s.status == model.Cut:
				return false
			}
			srcu := false
			for k := range ps[i].events {
				// Nor can any execution raise a flag the skipped ones
				// might raise: lkmm's data-race and mixed-accesses need
				// a plain access, its SRCU flags SRCU.
				e := &ps[i].events[k]
				if e.Kind == model.EvFree || e.IsAccess() && e.Order == model.Plain && !e.Lock {
					return false
				}
				srcu = srcu || e.Srcu || e.Kind == model.EvFence && e.Fence == model.FenceSyncSRCU
			}
			if srcu && !srcuMatched(&ps[i]) {
				return false
			}
		}
	}
	return true
}

// srcuMatched reports whether path pa's SRCU events raise no flag in any
// execution that has the path (linux-kernel.bell's srcu-rscs, whose
// flags are unmatched locks and unlocks, multiple matches, a mismatched
// value, and a synchronize_srcu inside an RCU read-side section): each
// srcu_read_unlock writes, by a data dependency on that read alone, the
// value one srcu_read_lock of the same srcu_struct read, and each lock is
// matched so once; no other write depends on a lock's value (through
// memory, carry-srcu-data could then match it with another CPU's unlock:
// srcu_down_read and srcu_up_read); and no synchronize_srcu comes while
// an rcu_read_lock is held. Then the matches are the path's own, the
// same in every execution.
func srcuMatched(pa *path) bool {
	if len(pa.deps) != len(pa.events) {
		return false // no dependencies recorded (a model without them)
	}
	matched := map[int32]bool{}
	depth := 0 // RCU read-side sections open (an unmatched unlock closes none)
	for k := range pa.events {
		e := &pa.events[k]
		switch {
		case e.Kind == model.EvFence && e.Fence == model.FenceRCULock:
			depth++
		case e.Kind == model.EvFence && e.Fence == model.FenceRCUUnlock:
			depth = max(0, depth-1)
		case e.Kind == model.EvFence && e.Fence == model.FenceSyncSRCU && depth > 0:
			return false
		}
		if e.Kind != model.EvWrite {
			continue
		}
		data := pa.deps[k].Data
		lockDep := false
		for _, d := range data {
			lockDep = lockDep || pa.events[d].Srcu
		}
		switch {
		case !e.Srcu && lockDep:
			return false // a lock's value leaves through memory
		case !e.Srcu:
		case len(data) != 1 || !pa.events[data[0]].Srcu || matched[data[0]]:
			return false
		default:
			l := &pa.events[data[0]]
			if l.Kind != model.EvRead || l.Loc != e.Loc || l.Val != e.Val {
				return false
			}
			matched[data[0]] = true
		}
	}
	for k := range pa.events {
		if e := &pa.events[k]; e.Srcu && e.Kind == model.EvRead && !matched[int32(k)] {
			return false
		}
	}
	return true
}

// runGoal decides the verdict and the observation without counting every
// execution, for tests too big to enumerate whole (an RCU chain of 19 CPUs
// has 2^19 path combinations). Each CPU path fixes its registers, so most
// combinations settle the condition's proposition before any reads-from
// is chosen: a combination is pruned as soon as the CPUs chosen so far
// make the proposition certainly not the one sought (three-valued: a
// location's final value or a later CPU's register is unknown).
//
// The first search looks for an execution that refutes the condition (a
// final state that satisfies exists or ~exists, or does not satisfy
// forall) and stops at the first; if there is none, the condition holds
// in every execution, which is a proof: only combinations that could not
// refute it were skipped, and (goalEligible) nothing else can fail. A
// second search then looks for one execution of the other kind, so that
// the observation (Never, Sometimes, Always) is herd7's. The counts of
// final states are those of the executions built, so the result says it
// is partial, unless one of the searches went through every combination
// without pruning any and without stopping (a condition on locations
// only, whose proposition is the same in every execution): then every
// execution was built, and counted once, and the counts are herd7's.
func (e *engine) runGoal(w *worker, paths [][]path, combos float64) {
	p := e.prog
	refuting := p.Cond.Kind != model.Forall // the proposition's value in a refuting final state
	c := &combiner{w: w, paths: paths, choice: make([]int, len(paths)), goal: true, want: refuting}
	c.threads(0)
	all := c.builtAll()
	if e.ctx.Err() == nil && !e.seen(!refuting) {
		// The first search counted at most one execution, the refuting
		// one it stopped at (it saw none of the other kind). The second
		// search builds it again unless its registers rule it out (when
		// the condition is on locations only, the second search builds
		// every execution): judge skips it, so that no execution is
		// counted twice (herd7's counts of a test whose executions all
		// refute the condition, not one more).
		c.want, c.found, c.skipped = !refuting, false, false
		c.threads(0)
		all = all || c.builtAll()
	}
	if all {
		return
	}
	e.partial = fmt.Sprintf("%.3g combinations of CPU paths; a goal-directed search built only those whose registers let the condition fail, up to the first that does, and one execution of the other kind: the counts are of the executions built", combos)
}

// builtAll reports whether the goal-directed search just run built every
// candidate execution: it was not cancelled, did not stop at what it
// looked for, and pruned no combination of paths. If the first search
// did, it saw every execution and found none refuting, so the second,
// if it runs (none at all was seen), counts none; if the second did, it
// counted every execution but the first's, which judge skips.
func (c *combiner) builtAll() bool {
	return c.w.e.ctx.Err() == nil && !c.found && !c.skipped
}

// seen reports whether some complete execution's final state gave the
// condition's proposition the value sat.
func (e *engine) seen(sat bool) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, o := range e.outcomes {
		if o.Satisfies == sat {
			return true
		}
	}
	return false
}

// tri is a three-valued truth: false, unknown, true.
type tri int8

const (
	triFalse tri = -1
	triUnk   tri = 0
	triTrue  tri = 1
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// eval evaluates a proposition on the registers of the CPUs whose paths
// are chosen (threads below known); locations are unknown, and freed()
// is false (goalEligible: no path frees).
func (c *combiner) eval(b model.BoolExpr, known int) tri {
	switch b := b.(type) {
	case *model.And:
		l, r := c.eval(b.L, known), c.eval(b.R, known)
		return min(l, r)
	case *model.Or:
		l, r := c.eval(b.L, known), c.eval(b.R, known)
		return max(l, r)
	case *model.Not:
		return -c.eval(b.X, known)
	case *model.Const:
		return triOf(b.V)
	case *model.Freed:
		return triFalse
	case *model.Cmp:
		l, okl := c.term(b.L, known)
		r, okr := c.term(b.R, known)
		if !okl || !okr {
			return triUnk
		}
		return triOf((l == r) != b.Neq)
	}
	panic("explorer: unknown proposition")
}

func (c *combiner) term(t model.Term, known int) (model.Value, bool) {
	switch t := t.(type) {
	case *model.RegTerm:
		if t.Thread >= known {
			return 0, false
		}
		return c.paths[t.Thread][c.choice[t.Thread]].ts.regs.get(int32(t.Reg)), true
	case *model.ConstTerm:
		return t.Val, true
	}
	return 0, false
}

// pruned reports whether the paths chosen for the first known CPUs
// already rule out what the goal-directed search looks for.
func (c *combiner) pruned(known int) bool {
	p := c.w.e.prog
	if p.Filter != nil && c.eval(p.Filter, known) == triFalse {
		return true
	}
	v := c.eval(p.Cond.Expr, known)
	return v != triUnk && v != triOf(c.want)
}
