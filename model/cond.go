package model

import "strconv"

// CondKind is the quantifier of a final condition.
type CondKind uint8

const (
	Exists    CondKind = iota // exists (...): some final state satisfies it (a witness is a counterexample)
	NotExists                 // ~exists (...): no final state may satisfy it
	Forall                    // forall (...): every final state must satisfy it
)

var condNames = [...]string{"exists", "~exists", "forall"}

func (k CondKind) String() string { return condNames[k] }

// Cond is a herd7-style final condition.
type Cond struct {
	Kind CondKind
	Expr BoolExpr
	Pos  Pos
	Text string // as written, without the quantifier: "(0:r0=0 /\ 1:r0=0)"
}

// BoolExpr is a proposition over a final state: *And, *Or, *Not, *Cmp,
// *Freed or *Const.
type BoolExpr interface{ boolExpr() }

type (
	And struct{ L, R BoolExpr }
	// Or is L \/ R. Implies marks herd7's P => Q, which is kept as
	// not P \/ Q (L is the *Not of P), so that what evaluates a
	// proposition need not know it, and printed as P => Q.
	Or struct {
		L, R    BoolExpr
		Implies bool
	}
	Not   struct{ X BoolExpr }
	Const struct{ V bool }
	// Cmp is L = R (or L != R when Neq).
	Cmp struct {
		L, R Term
		Neq  bool
		Pos  Pos
	}
	// Freed is the predicate freed(obj).
	Freed struct {
		Obj int
		Pos Pos
	}
)

func (*And) boolExpr()   {}
func (*Or) boolExpr()    {}
func (*Not) boolExpr()   {}
func (*Const) boolExpr() {}
func (*Cmp) boolExpr()   {}
func (*Freed) boolExpr() {}

// Term is a value in a final state: *RegTerm, *LocTerm or *ConstTerm.
type Term interface{ term() }

type (
	// RegTerm is "N:name", the final value of a register of CPU N.
	RegTerm struct {
		Thread, Reg int
		Name        string
	}
	// LocTerm is the final (coherence-last) value of a location.
	LocTerm struct{ Loc int }
	// ConstTerm is a number, NULL or &obj.
	ConstTerm struct{ Val Value }
)

func (*RegTerm) term()   {}
func (*LocTerm) term()   {}
func (*ConstTerm) term() {}

// FinalState is what a condition is evaluated on.
type FinalState struct {
	Regs  [][]Value // per thread, per register
	Mem   []Value   // per location: value of the coherence-last write
	Freed []bool    // per object
}

// Eval evaluates a term.
func (s *FinalState) Eval(t Term) Value {
	switch t := t.(type) {
	case *RegTerm:
		return s.Regs[t.Thread][t.Reg]
	case *LocTerm:
		return s.Mem[t.Loc]
	case *ConstTerm:
		return t.Val
	}
	panic("model: unknown term")
}

// Holds evaluates a proposition.
func (s *FinalState) Holds(e BoolExpr) bool {
	switch e := e.(type) {
	case *And:
		return s.Holds(e.L) && s.Holds(e.R)
	case *Or:
		return s.Holds(e.L) || s.Holds(e.R)
	case *Not:
		return !s.Holds(e.X)
	case *Const:
		return e.V
	case *Cmp:
		return (s.Eval(e.L) == s.Eval(e.R)) != e.Neq
	case *Freed:
		return s.Freed[e.Obj]
	}
	panic("model: unknown proposition")
}

// TermName renders a term as herd7 does ("0:r0", "x", "mm.mm_count").
func (p *Program) TermName(t Term) string {
	switch t := t.(type) {
	case *RegTerm:
		return strconv.Itoa(t.Thread) + ":" + t.Name
	case *LocTerm:
		return p.Locs[t.Loc].Name
	case *ConstTerm:
		return p.FormatValue(t.Val, false)
	}
	return "?"
}

// TermIsPtr reports whether a term holds pointers (for printing).
func (p *Program) TermIsPtr(t Term) bool {
	switch t := t.(type) {
	case *RegTerm:
		return p.Threads[t.Thread].Regs[t.Reg].IsPtr
	case *LocTerm:
		return p.Locs[t.Loc].IsPtr
	}
	return false
}
