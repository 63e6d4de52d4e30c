package explorer

import (
	"context"
	"fmt"
)

// method is how a search explores; chooseMethod picks it, in one place,
// and engine.run runs it.
type method uint8

const (
	// methodDPOR: optimal DPOR (dpor.go), complete for models without
	// load buffering.
	methodDPOR method = iota
	// methodInterleave: the reference interleaving search (interleave.go).
	methodInterleave
	// methodEnumerate: herd7's enumeration (enumerate.go) alone, asked
	// for by Options.Algorithm; past its limits the search is
	// inconclusive.
	methodEnumerate
	// methodLB: for a model with load buffering, the enumeration, and if
	// it gives up, the DPOR search chooseLB picks.
	methodLB
	// methodHMC: issue 16's prototype (hmc.go), a test switch.
	methodHMC
)

// chooseMethod picks the search for opts.
func chooseMethod(opts Options) method {
	switch {
	case opts.hooks.get().hmc:
		return methodHMC
	case opts.Model.LoadBuffering && opts.Algorithm != Enumerate:
		// DPOR and the interleaving search add events in po ∪ rf
		// order: complete only without load buffering.
		return methodLB
	case opts.Algorithm == Enumerate:
		return methodEnumerate
	case opts.Algorithm == Interleave:
		return methodInterleave
	}
	return methodDPOR
}

// lbMethod is the DPOR search under a model with load buffering, for a
// program too big to enumerate.
type lbMethod uint8

const (
	// lbProof: load buffering is ruled out (lbfree.go, lbplain.go), so
	// DPOR is complete and its verdict a proof.
	lbProof lbMethod = iota
	// lbSpec: DPOR speculates the reads that may close a cycle
	// (spec.go), after a cheaper search for bugs (lb.go); a proof
	// unless it takes more than Options.SpecStates states.
	lbSpec
	// lbBugs: DPOR with load-buffering revisits (lb.go): a violation it
	// finds is real, but its verdict is never a proof.
	lbBugs
)

// DefaultSpecStates is Options.SpecStates' default. The protocol file
// whose proof needs the most, parked-on-dead-cpu-reonline, takes 972,310
// states (18 s with two workers, 33 s with one); the limit leaves it half
// as much again. A program whose proof needs more gets an inconclusive
// verdict after about four minutes (stolen-reference-v2, which needs more
// than 6M).
const DefaultSpecStates = 1_500_000

// chooseLB picks the search for a program whose load-buffering analysis
// is a.
func chooseLB(a *lbAnalysis, h hooks) lbMethod {
	switch {
	case a.why == "":
		return lbProof
	case a.spec != nil && !h.specOff:
		return lbSpec
	}
	return lbBugs
}

// run runs the search m.
func (e *engine) run(ctx context.Context, m method) {
	switch m {
	case methodHMC:
		e.runHMC()
	case methodInterleave:
		e.runInterleave()
	case methodDPOR:
		e.runDPOR()
	case methodEnumerate, methodLB:
		why := "the enumeration was skipped by a test"
		if !e.opts.hooks.get().skipEnumeration {
			why = e.runEnumerate()
		}
		switch {
		case why == "":
		case m == methodEnumerate:
			e.stopWith(why)
		default:
			e.runLB(ctx, why)
		}
	}
}

// runLB searches, under a model with load buffering, a program the
// enumeration gave up on (why): each execution DPOR builds is consistent
// under the model, so a violation it finds is real; whether its verdict
// is a proof depends on the method chooseLB picks.
func (e *engine) runLB(ctx context.Context, why string) {
	a := lbAnalyze(e.ctx, e.prog, e.opts.LoopBound, e.opts.hooks)
	if e.ctx.Err() != nil {
		return // timeout, interrupt: the result says which
	}
	lbWhy := why + "; and load buffering is not ruled out: " + a.why
	switch chooseLB(&a, e.opts.hooks.get()) {
	case lbProof:
		e.lbFree, e.lbPlain = true, a.viaPlain
		e.runDPOR()
	case lbSpec:
		// First the cheap search for bugs (lb.go): a violation it finds
		// is real, and the proof search (spec.go) is costlier, and would
		// find it later. It has the same budget: its revisits build some
		// graphs many times over, and it must not delay the proof.
		e.specBudget = e.opts.SpecStates
		if e.specBudget == 0 {
			e.specBudget = DefaultSpecStates
		}
		e.underApprox, e.lb, e.budgeted = lbWhy, true, true
		e.runDPOR()
		e.mu.Lock()
		found := len(e.violations) > 0
		e.mu.Unlock()
		if found || ctx.Err() != nil || e.stopReason != "" {
			break
		}
		bugs := e.save()
		e.reset(ctx)
		e.specStates.Store(0)
		e.specOver.Store(false)
		e.underApprox, e.lb = "", false
		e.spec = newSpec(e.prog, a)
		e.runDPOR()
		if e.specOver.Load() && ctx.Err() == nil {
			// The proof is too costly: what the search for bugs found.
			n := e.spec.n
			e.restore(bugs)
			e.spec, e.lb = nil, true
			e.underApprox = fmt.Sprintf("%s; and load buffering is not ruled out (%s), and speculating the %d reads that may close a cycle took more than %d states (--spec-states)", why, a.why, n, e.specBudget)
		}
	case lbBugs:
		e.underApprox = lbWhy
		if a.nospec != "" {
			e.underApprox += " (and its reads cannot be speculated: " + a.nospec + ")"
		}
		e.lb = true
		e.runDPOR()
	}
	if e.specMissed != "" {
		e.underApprox = why + "; and load buffering is not ruled out, and " + e.specMissed
	}
}
