package memmodel

import (
	"fmt"

	"mmcheck/model"
)

// Model is a memory model: a named, documented consistency predicate on
// execution graphs. Models are logically constant values; [All] lists them
// from strongest to weakest.
type Model struct {
	Name string // "sc", "tso", "ra"
	Doc  string // first line: one-sentence summary; then the rules

	// Axioms names the axioms Check may report in [Failure.Axiom], in the
	// order Check tries them (the first that fails is reported).
	Axioms []string

	// LoadBuffering reports whether consistent executions may have a cycle
	// in po ∪ rf. Explorers that add events in po ∪ rf order (without
	// backward revisits) are complete only for models where this is false.
	LoadBuffering bool

	// MaximalConsistent promises that adding to a consistent execution an
	// event with no po-successor that reads the coherence-latest write, a
	// write placed last in coherence order, a fence or a kfree, gives a
	// consistent execution. Explorers may then skip Check for such
	// "maximal" extensions (TruSt's default choices). A test checks the
	// promise on random executions.
	MaximalConsistent bool

	// NeedsDeps asks the explorer to fill model.Execution.Deps.
	NeedsDeps bool

	// Incremental says which incremental rules an explorer may use
	// instead of Check for one-event extensions (views.go).
	Incremental Incremental

	// Supports reports whether the model gives a meaning to a primitive
	// (e.g. "rcu_read_lock"); nil means every primitive but the RCU ones.
	Supports func(prim string) bool

	// NewChecker returns a fresh checker. A checker is not safe for
	// concurrent use: keep one per worker.
	NewChecker func() Checker
}

// Checker judges execution graphs for one model.
type Checker interface {
	// Check returns nil if x is consistent under the model, else the first
	// failing axiom (in the order of [Model.Axioms]) in a new Failure that
	// the caller may keep. x may be complete or a prefix of an execution
	// closed under po and rf (what an explorer holds while building an
	// execution); the models here are prefix-closed: a prefix of a
	// consistent execution is consistent. Check panics if x breaks the
	// invariants of [model.Execution] (a read of a missing event or of a
	// non-write, a write missing from CO).
	Check(x *model.Execution) *Failure

	// Ordered reports whether event a is ordered before event b in the
	// sense used for use-after-free: an access a to an object must be
	// Ordered before the kfree b of that object. It answers for the
	// execution most recently passed to Check, as it was then; it panics if
	// that Check failed or there was none. An initial write is ordered
	// before every other event; no event is ordered before itself.
	Ordered(a, b model.EventID) bool
}

// Flagger is implemented by checkers whose model raises flags on
// consistent executions (herd7's "flag ~empty ... as data-race").
type Flagger interface {
	// Flags returns the flags raised by the execution most recently passed
	// to Check (which was consistent), e.g. "data-race"; nil if none.
	Flags() []string
}

// Decider is implemented by checkers that can decide consistency more
// cheaply than Check when nothing else is asked of the execution:
// Consistent(x) is Check(x) == nil, and afterwards the checker holds no
// judged execution (call Check before Ordered, Flags or Race).
type Decider interface {
	Consistent(x *model.Execution) bool
}

// Racer is implemented by checkers that can name a data race: Race
// returns one racing pair of the execution most recently passed to Check
// (which was consistent and flagged "data-race"), ok false if none.
type Racer interface {
	Race() (a, b model.EventID, ok bool)
}

// Failure names the axiom an execution violates.
type Failure struct {
	Axiom  string          // as the .cat file or paper names it: "sc", "coherence", "atomicity"
	Events []model.EventID // events on the offending cycle or pair, if known
}

func (f *Failure) Error() string { return "inconsistent: " + f.Axiom }

// All lists every model, by name (mmcheck models, --model).
var All = []*Model{SC, TSO, RA, LKMM}

// Chain lists the models without load buffering from strongest to weakest:
// the outcomes of each are a subset of the next one's (tests check it).
// LKMM is not on it: it allows load buffering, which ra forbids, and its
// RCU and dependency rules forbid things ra allows.
var Chain = []*Model{SC, TSO, RA}

// Lookup returns the model with the given name, or nil.
func Lookup(name string) *Model {
	for _, m := range All {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Names returns the names of all models.
func Names() []string {
	var s []string
	for _, m := range All {
		s = append(s, m.Name)
	}
	return s
}

// Validate checks that the model list is well formed: unique non-empty
// names, a doc, a checker.
func Validate(models []*Model) error {
	seen := map[string]bool{}
	for _, m := range models {
		if m == nil || m.Name == "" {
			return fmt.Errorf("memmodel: model without a name")
		}
		if seen[m.Name] {
			return fmt.Errorf("memmodel: duplicate model %q", m.Name)
		}
		seen[m.Name] = true
		if m.Doc == "" {
			return fmt.Errorf("memmodel: model %q has no Doc", m.Name)
		}
		if m.NewChecker == nil {
			return fmt.Errorf("memmodel: model %q has no checker", m.Name)
		}
	}
	return nil
}

// IsRCU reports whether a primitive belongs to RCU, which only lkmm models.
func IsRCU(prim string) bool {
	switch prim {
	case "rcu_read_lock", "rcu_read_unlock", "synchronize_rcu", "synchronize_rcu_expedited",
		"srcu_read_lock", "srcu_read_unlock", "synchronize_srcu", "synchronize_srcu_expedited",
		"srcu_down_read", "srcu_up_read", "smp_mb__after_srcu_read_unlock":
		return true
	}
	return false
}

// SupportsPrim reports whether m gives prim a meaning.
func (m *Model) SupportsPrim(prim string) bool {
	if m.Supports != nil {
		return m.Supports(prim)
	}
	return !IsRCU(prim)
}
