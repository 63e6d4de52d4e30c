package explorer

import (
	"time"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// Verdict is the three-valued result of an exploration.
type Verdict uint8

const (
	Pass    Verdict = iota // every execution explored; no violation; the condition holds as stated
	Fail                   // a violation, or a final state that refutes the condition
	Unknown                // a bound, the timeout, --max-states or an interrupt stopped the search
)

var verdictNames = [...]string{"verified", "counterexample", "inconclusive"}

func (v Verdict) String() string { return verdictNames[v] }

// Observation is herd7's summary of the final condition.
type Observation uint8

const (
	Never Observation = iota
	Sometimes
	Always
)

var obsNames = [...]string{"Never", "Sometimes", "Always"}

func (o Observation) String() string { return obsNames[o] }

// Stats counts what an exploration did. Per-worker stats merge with Add.
type Stats struct {
	Executions int64 // complete, consistent executions (each graph once)
	Blocked    int64 // executions that end with a CPU spinning in an await (dropped)
	Cut        int64 // executions stopped by the loop bound
	Assumed    int64 // executions discarded by assume() or a filter
	States     int64 // partial graphs visited
	Revisits   int64 // graphs made by backward revisits and searched (optimal DPOR)
	Duplicates int64 // graphs reached twice (interleaving explorer, pruned by the cache)
	LoadBuffer int64 // of Executions, those with load buffering (a po ∪ rf cycle) that DPOR built (lb.go)
}

// Add merges o into s.
func (s *Stats) Add(o Stats) {
	s.Executions += o.Executions
	s.Blocked += o.Blocked
	s.Cut += o.Cut
	s.Assumed += o.Assumed
	s.States += o.States
	s.Revisits += o.Revisits
	s.Duplicates += o.Duplicates
	s.LoadBuffer += o.LoadBuffer
}

// minus returns s - o, field by field.
func (s Stats) minus(o Stats) Stats {
	return Stats{
		Executions: s.Executions - o.Executions,
		Blocked:    s.Blocked - o.Blocked,
		Cut:        s.Cut - o.Cut,
		Assumed:    s.Assumed - o.Assumed,
		States:     s.States - o.States,
		Revisits:   s.Revisits - o.Revisits,
		Duplicates: s.Duplicates - o.Duplicates,
		LoadBuffer: s.LoadBuffer - o.LoadBuffer,
	}
}

// Outcome is one distinct final state: the values of Program.Observed.
type Outcome struct {
	Values    []model.Value
	Count     int64 // executions that end in it
	Satisfies bool  // the condition's proposition holds in it
}

// Counterexample is a violation with the execution that shows it.
type Counterexample struct {
	Violation model.Violation
	Exec      *model.Execution // the execution graph (a prefix of a complete one, if it stopped)
	Order     []model.EventID  // a linearization of the events (see Linearize): the steps of the trace
	Switches  int              // context switches between CPUs in Order
}

// before orders counterexamples, the simplest first: fewer context
// switches, then fewer steps. Of two that tie, the one reported is the
// one one worker meets first in its depth-first search (the search keeps
// a counterexample unless a later one is before it, and a parallel
// search's log is read in that order: workers.go), so that the one
// reported does not depend on the number of workers or on timing.
func (cx *Counterexample) before(o *Counterexample) bool {
	if cx.Switches != o.Switches {
		return cx.Switches < o.Switches
	}
	return len(cx.Order) < len(o.Order)
}

// Result is what an exploration found.
type Result struct {
	Prog    *model.Program
	Model   *memmodel.Model
	Verdict Verdict
	Reason  string // for Unknown: what stopped the search; for Fail: what failed, in one line

	Stats    Stats
	Duration time.Duration
	Workers  int

	Outcomes    []Outcome // sorted by values
	Positive    int64     // executions whose final state satisfies the condition's proposition
	Negative    int64     // executions whose final state does not
	Observation Observation
	// Partial says why Outcomes, Positive and Negative count only some of
	// the executions (a goal-directed search decided the verdict and the
	// observation without building every execution); "" when they are all
	// counted. Flags are exact either way: the goal-directed search is only
	// used when no execution can raise one.
	Partial string
	// Stopped says why the search ended before it had built every
	// execution (a bound, --timeout, --max-states, an interrupt, the
	// violations budget, or an incomplete search under a model with load
	// buffering), even when a counterexample found before decides the
	// verdict: Outcomes, Positive, Negative and Observation are then of
	// the executions built so far. "" when the search finished (with
	// Partial, the goal-directed search finished what it set out to do).
	Stopped string

	// LBFree says that, under a model with load buffering, the program
	// was too big for the enumeration search, but a static check
	// (lbfree.go) showed that no consistent execution has a po ∪ rf
	// cycle, so DPOR, which builds every execution without one, was
	// complete.
	LBFree bool
	// LBPlain says that the static check needed linux-kernel.cat's
	// plain-coherence axiom (lbplain.go): some cycle would pass through
	// a plain access, bounded so that the cycle is a wr-incoh.
	LBPlain bool
	// Speculated says that, under a model with load buffering, the
	// program was too big for the enumeration and load buffering was not
	// ruled out, but DPOR speculated the values of this many reads (by
	// instruction), the ones through which every po ∪ rf cycle must pass
	// (spec.go), and so was complete.
	Speculated int

	Flags []string // flags the model raised on some consistent execution (e.g. "data-race"), sorted

	Violations []*Counterexample // the first violation found (more with Options.AllViolations)
	Witness    *Counterexample   // a witness of the condition's failure (exists satisfied / ~exists, forall refuted)
}

// Bounded reports whether some bound cut the search.
func (r *Result) Bounded() bool { return r.Verdict == Unknown }
