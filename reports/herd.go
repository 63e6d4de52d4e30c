package reports

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"mmcheck/explorer"
	"mmcheck/model"
)

// IncompleteError is what [Herd] returns when it cannot print herd7's
// result in full: the search did not finish, or it found a violation
// herd7's format has no place for (nothing was printed); or a
// goal-directed search proved the observation without building every
// execution (Printed: the block was printed with what is certain, without
// States, Witnesses and counts). The CLI prints it on stderr.
type IncompleteError struct {
	Test    string // the test's name
	Reason  string // why
	Printed bool   // a block with the certain lines was printed (goal-directed search)
}

func (e *IncompleteError) Error() string {
	if e.Printed {
		return fmt.Sprintf("%s: --herd: no States and no counts: %s", e.Test, e.Reason)
	}
	return fmt.Sprintf("%s: --herd: no result: %s", e.Test, e.Reason)
}

// Herd writes r in herd7's output format, byte for byte what herd7 prints
// for the test but the Time line, so that scripts that read herd7's
// output (the kernel's tools/memory-model/scripts) can read mmcheck's
// (see the package documentation for what it prints when it cannot).
func Herd(w io.Writer, r *explorer.Result) error {
	p := r.Prog
	name := herdName(p.Name)
	switch {
	case r.Stopped != "":
		return &IncompleteError{Test: name, Reason: "the search did not finish (" + r.Stopped + "); herd7 prints no result for a test it does not finish"}
	case r.Verdict == explorer.Unknown:
		return &IncompleteError{Test: name, Reason: "the search did not finish (" + r.Reason + ")"}
	}
	for _, cx := range r.Violations {
		if cx.Violation.Kind != model.DataRace {
			return &IncompleteError{Test: name, Reason: fmt.Sprintf("an execution ends in a violation (%s), which herd7's format cannot show and does not count (see the text report)", cx.Violation.Kind)}
		}
	}
	partial := r.Partial != ""

	var b strings.Builder
	kind, cond := "Required", "forall (true)"
	var ok bool
	pos, neg := r.Positive, r.Negative
	switch {
	case p.Cond == nil:
		ok = r.Negative == 0
	case p.Cond.Kind == model.Exists:
		kind, ok = "Allowed", r.Positive > 0
		cond = "exists (" + herdProp(p, p.Cond.Expr, opTop) + ")"
	case p.Cond.Kind == model.NotExists:
		kind, ok = "Forbidden", r.Positive == 0
		cond = "~exists (" + herdProp(p, p.Cond.Expr, opTop) + ")"
		pos, neg = neg, pos // herd7's Witnesses count the executions that satisfy ~exists
	default:
		ok = r.Negative == 0
		cond = "forall (" + herdProp(p, p.Cond.Expr, opTop) + ")"
	}
	if partial {
		// A goal-directed search settles Ok/No and the observation (see
		// explorer.Result.Partial), not the states and the counts.
		ok = herdOK(p, r.Observation)
	}
	fmt.Fprintf(&b, "Test %s %s\n", name, kind)
	if !partial {
		fmt.Fprintf(&b, "States %d\n", len(r.Outcomes))
		for _, s := range herdStates(p, r.Outcomes) {
			b.WriteString(s + "\n")
		}
	}
	if ok {
		b.WriteString("Ok\n")
	} else {
		b.WriteString("No\n")
	}
	if !partial {
		b.WriteString("Witnesses\n")
		fmt.Fprintf(&b, "Positive: %d Negative: %d\n", pos, neg)
	}
	for _, f := range r.Flags {
		fmt.Fprintf(&b, "Flag %s\n", f)
	}
	fmt.Fprintf(&b, "Condition %s\n", cond)
	if partial {
		fmt.Fprintf(&b, "Observation %s %s\n", name, r.Observation)
	} else {
		fmt.Fprintf(&b, "Observation %s %s %d %d\n", name, r.Observation, r.Positive, r.Negative)
	}
	fmt.Fprintf(&b, "Time %s %.2f\n", name, r.Duration.Seconds())
	if h, err := herdHash(strings.Join(p.Lines, "\n"), herdObserved(p)); err == nil {
		fmt.Fprintf(&b, "Hash=%s\n", h)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if partial {
		return &IncompleteError{Test: name, Printed: true, Reason: "a goal-directed search proved the observation without building every execution, and herd7 would count them all (" + r.Partial + ")"}
	}
	return nil
}

// herdOK is herd7's Ok/No from the observation alone.
func herdOK(p *model.Program, o explorer.Observation) bool {
	switch {
	case p.Cond == nil || p.Cond.Kind == model.Forall:
		return o == explorer.Always
	case p.Cond.Kind == model.NotExists:
		return o == explorer.Never
	}
	return o != explorer.Never
}

// herdName is the test's name as herd7 prints it: without a trailing
// ".litmus" (herdtools7's Misc.clean_name).
func herdName(n string) string {
	return strings.TrimSuffix(n, ".litmus")
}

// herdObserved names the locations herd7 shows in a final state (the
// `locations` clause's and the condition's) in herd7's syntax.
func herdObserved(p *model.Program) []string {
	var names []string
	for _, t := range p.Observed {
		names = append(names, p.TermName(t))
	}
	return names
}

// herdStates renders the final states as herd7 does: in each, registers
// (by CPU, then name) before memory locations ([x], by name), values in
// herd7's syntax (a pointer is its target's name, NULL is 0); the states
// in herd7's order (by the values in that order: numbers before
// addresses, numbers by value, addresses by name).
func herdStates(p *model.Program, outcomes []explorer.Outcome) []string {
	type col struct {
		i   int // index in Observed
		loc herdLoc
	}
	var cols []col
	for i, t := range p.Observed {
		cols = append(cols, col{i, parseHerdLoc(p.TermName(t))})
	}
	sort.SliceStable(cols, func(a, b int) bool { return cols[a].loc.less(cols[b].loc) })
	type state struct {
		vals []herdValue
		text string
	}
	var states []state
	for _, o := range outcomes {
		var s state
		var parts []string
		for _, c := range cols {
			v := herdVal(p, o.Values[c.i], p.TermIsPtr(p.Observed[c.i]))
			s.vals = append(s.vals, v)
			loc := c.loc.String()
			if _, isLoc := p.Observed[c.i].(*model.LocTerm); isLoc && c.loc.index < 0 && !strings.ContainsAny(loc, "[.") {
				loc = "[" + loc + "]"
			}
			parts = append(parts, loc+"="+v.String()+";")
		}
		s.text = strings.Join(parts, " ")
		states = append(states, s)
	}
	sort.SliceStable(states, func(a, b int) bool {
		x, y := states[a].vals, states[b].vals
		for k := range x {
			if c := x[k].compare(y[k]); c != 0 {
				return c < 0
			}
		}
		return false
	})
	out := make([]string, len(states))
	for i, s := range states {
		out[i] = s.text
	}
	return out
}

// herdValue is a value as herd7 orders and prints it: a number, or a
// symbolic address (the name of what it points to).
type herdValue struct {
	sym string // "" for a number
	n   int64
}

func (v herdValue) String() string {
	if v.sym != "" {
		return v.sym
	}
	return strconv.FormatInt(v.n, 10)
}

// compare is herd7's order of constants: numbers before symbols,
// numbers by value, symbols by name.
func (v herdValue) compare(w herdValue) int {
	switch {
	case v.sym == "" && w.sym == "":
		switch {
		case v.n < w.n:
			return -1
		case v.n > w.n:
			return 1
		}
		return 0
	case v.sym == "":
		return -1
	case w.sym == "":
		return 1
	}
	return strings.Compare(v.sym, w.sym)
}

func herdVal(p *model.Program, v model.Value, isPtr bool) herdValue {
	if model.IsPtr(v) {
		if l, ok := p.PtrLoc(v); ok {
			if s, ok := herdElem(p, l); ok {
				return herdValue{sym: s}
			}
			return herdValue{sym: p.PtrName(l)}
		}
	}
	return herdValue{n: v}
}

// herdElem names a pointer to element i of an array of scalars a as
// herd7 does: a+offset, the offset in bytes (a for element 0).
func herdElem(p *model.Program, l int) (string, bool) {
	loc := p.Locs[l]
	if loc.Obj < 0 || loc.Obj >= len(p.Objects) {
		return "", false
	}
	o := p.Objects[loc.Obj]
	elem, dims, ok := strings.Cut(o.Type, "[")
	if !o.IsArray || !ok || strings.Contains(dims, "[") || loc.Name != fmt.Sprintf("%s[%d]", o.Name, l-o.Base) {
		return "", false
	}
	size := herdSizes[strings.TrimSpace(elem)]
	if strings.HasSuffix(elem, "*") {
		size = 8
	}
	switch {
	case size == 0:
		return "", false
	case l == o.Base:
		return o.Name, true
	}
	return fmt.Sprintf("%s+%d", o.Name, (l-o.Base)*size), true
}

// herdSizes are the sizes herd7 gives C's scalar types (on a 64-bit
// machine).
var herdSizes = map[string]int{
	"char": 1, "short": 2, "int": 4, "long": 8, "long long": 8,
	"u8": 1, "s8": 1, "u16": 2, "s16": 2, "u32": 4, "s32": 4, "u64": 8, "s64": 8,
	"atomic_t": 4,
}

// herd7's precedence contexts for printing a proposition
// (herdtools7's ConstrGen.pp_prop).
const (
	opTop = iota
	opAnd
	opOr
	opImplies
)

// herdProp prints a proposition as herd7 does: "/\", "\/" and "=>" with
// parentheses only around a disjunction inside a conjunction, and around
// a conjunction or disjunction inside an implication and the reverse; a
// negation (and so a "!=") as "not (...)", memory locations as [x],
// values in herd7's syntax.
func herdProp(p *model.Program, e model.BoolExpr, above int) string {
	switch e := e.(type) {
	case *model.And:
		return herdParen(above == opImplies, herdProp(p, e.L, opAnd)+` /\ `+herdProp(p, e.R, opAnd))
	case *model.Or:
		if not, ok := e.L.(*model.Not); ok && e.Implies {
			return herdParen(above != opTop && above != opImplies, herdProp(p, not.X, opImplies)+` => `+herdProp(p, e.R, opImplies))
		}
		return herdParen(above == opAnd || above == opImplies, herdProp(p, e.L, opOr)+` \/ `+herdProp(p, e.R, opOr))
	case *model.Not:
		return "not (" + herdProp(p, e.X, opTop) + ")"
	case *model.Const:
		if e.V {
			return "true"
		}
		return "false"
	case *model.Cmp:
		atom := herdTerm(p, e.L) + "=" + herdTerm(p, e.R)
		if e.Neq {
			return "not (" + atom + ")"
		}
		return atom
	case *model.Freed:
		return "freed(" + p.Objects[e.Obj].Name + ")"
	}
	return "?"
}

func herdParen(paren bool, s string) string {
	if paren {
		return "(" + s + ")"
	}
	return s
}

// herdTerm prints a term of a condition: a register 0:r0, a location [x]
// (a[1] for an array cell), a value (a number, or x for &x).
func herdTerm(p *model.Program, t model.Term) string {
	switch t := t.(type) {
	case *model.RegTerm:
		return p.TermName(t)
	case *model.LocTerm:
		n := p.TermName(t)
		if strings.ContainsAny(n, "[.") {
			return n
		}
		return "[" + n + "]"
	case *model.ConstTerm:
		return herdVal(p, t.Val, false).String()
	}
	return "?"
}
