package explorer_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// The execution counts of the enumeration (herd7's: each consistent
// candidate execution once), full and goal-directed, against DPOR's, on
// programs of N = 2..7 CPUs made of RMWs (atomic_fetch_add, xchg,
// cmpxchg succeeding and failing, atomic_inc_return, and their _relaxed,
// _acquire and _release forms) and READ_ONCE/WRITE_ONCE.
//
// The oracle. DPOR is exact under sc and ra. Under lkmm it is the
// enumeration that is exact, and the counts agree with sc's only where
// every consistent lkmm execution is an sc one: when the CPUs touch one
// location (lkmm is coherent: po-loc ∪ rf ∪ co ∪ fr, then po ∪ rf, is
// acyclic, so every execution has an sc linearization), or when every
// access is a fully ordered RMW (an smp_mb() on each side of every
// access restores sc). Those programs are marked sc; for them the lkmm
// enumeration must give sc DPOR's counts, executions and final states
// alike (and ra DPOR's too: every ra execution of these programs is an
// lkmm one, and every sc one an ra one). For every program the
// sc enumeration must give sc DPOR's counts, and the goal-directed lkmm
// enumeration must agree with the full one where its counts are exact
// (see countExact). Where the executions are the N! orders of N RMWs on
// one location (fetch_add, inc_return, xchg), the count is checked
// against N! itself.
//
// The goal-directed search (goal.go) once counted one execution twice:
// six CPUs each doing atomic_fetch_add(1, x) with exists (x=6) gave 721
// executions, not 6! = 720. Forcing it (Options.GoalAbove < 0) shows the
// same from two CPUs on.

// countShape is a family of programs, one per number of CPUs.
type countShape struct {
	name string
	locs []string
	// cpu returns CPU i's body (of n), declaring r0 and r1.
	cpu func(i, n int) string
	// sc: every lkmm execution is an sc one (see above).
	sc bool
	// fact: the executions are the n! orders of the n RMWs.
	fact bool
	// props are the conditions' propositions, for n CPUs.
	props func(n int) []string
	// maxN is the largest n tried with -short (0 means 7), and full the
	// largest without (0 means maxN).
	maxN, full int
}

var countSuffixes = []string{"", "_relaxed", "_acquire", "_release"}

func countShapes() []countShape {
	var shapes []countShape
	incProps := func(n int) []string {
		return []string{fmt.Sprintf("x=%d", n), "x=1", "0:r0=0", fmt.Sprintf("0:r0=0 /\\ x=%d", n)}
	}
	for _, sfx := range countSuffixes {
		// The shape, fully ordered, up to seven CPUs.
		fadd, faddFull := 5, 6
		if sfx == "" {
			fadd, faddFull = 7, 7
		}
		shapes = append(shapes,
			countShape{
				name: "fetch_add" + sfx, locs: []string{"x"}, sc: true, fact: true, props: incProps,
				cpu:  func(i, n int) string { return fmt.Sprintf("r0 = atomic_fetch_add%s(1, x);", sfx) },
				maxN: fadd, full: faddFull,
			},
			countShape{
				name: "inc_return" + sfx, locs: []string{"x"}, sc: true, fact: true,
				props: func(n int) []string {
					return []string{fmt.Sprintf("x=%d", n), "x=0", "0:r0=1", fmt.Sprintf("0:r0=%d \\/ x=0", n)}
				},
				cpu:  func(i, n int) string { return fmt.Sprintf("r0 = atomic_inc_return%s(x);", sfx) },
				maxN: 5, full: 6,
			},
			countShape{
				name: "xchg" + sfx, locs: []string{"x"}, sc: true, fact: true,
				props: func(n int) []string {
					return []string{"x=1", "x=0", "0:r0=0", "x=1 \\/ x=2"}
				},
				cpu:  func(i, n int) string { return fmt.Sprintf("r0 = xchg%s(x, %d);", sfx, i+1) },
				maxN: 4, full: 5,
			},
			// Each CPU's cmpxchg succeeds only after the previous CPU's:
			// every other order has some fail.
			countShape{
				name: "cmpxchg-chain" + sfx, locs: []string{"x"}, sc: true,
				props: func(n int) []string {
					return []string{fmt.Sprintf("x=%d", n), "x=0", fmt.Sprintf("%d:r0=%d", n-1, n-1), "x=99"}
				},
				cpu:  func(i, n int) string { return fmt.Sprintf("r0 = cmpxchg%s(x, %d, %d);", sfx, i, i+1) },
				maxN: 5, full: 6,
			},
			// One cmpxchg succeeds, and the others fail on its value.
			countShape{
				name: "cmpxchg-race" + sfx, locs: []string{"x"}, sc: true,
				props: func(n int) []string { return []string{"x=0", "x=1", "0:r0=0", "~x=0"} },
				cpu:   func(i, n int) string { return fmt.Sprintf("r0 = cmpxchg%s(x, 0, %d);", sfx, i+1) },
			},
		)
	}
	shapes = append(shapes,
		// RMWs and marked plain accesses on one location.
		countShape{
			name: "fetch_add-once", locs: []string{"x"}, sc: true,
			props: func(n int) []string { return []string{"x=0", "1:r1=0", fmt.Sprintf("x=%d", n-1), "x=10"} },
			cpu: func(i, n int) string {
				switch i % 3 {
				case 0:
					return "WRITE_ONCE(*x, 10);"
				case 1:
					return "r0 = atomic_fetch_add_relaxed(1, x); r1 = READ_ONCE(*x);"
				}
				return "r0 = atomic_fetch_add(1, x);"
			},
			maxN: 4, full: 5,
		},
		countShape{
			name: "cmpxchg-once", locs: []string{"x"}, sc: true,
			props: func(n int) []string { return []string{"x=0", "0:r0=0", "x=1 \\/ x=2"} },
			cpu: func(i, n int) string {
				switch i % 3 {
				case 0:
					return "r0 = READ_ONCE(*x); r1 = cmpxchg_acquire(x, r0, r0+1);"
				case 1:
					return fmt.Sprintf("r0 = xchg_release(x, %d);", i+1)
				}
				return "r0 = atomic_inc_return_relaxed(x);"
			},
			maxN: 4,
		},
		// Fully ordered RMWs on two locations.
		countShape{
			name: "mb-rmw-2loc", locs: []string{"x", "y"}, sc: true,
			props: func(n int) []string { return []string{fmt.Sprintf("x=%d", n), "0:r0=0 /\\ 0:r1=0", "y=1"} },
			cpu: func(i, n int) string {
				if i%2 == 0 {
					return fmt.Sprintf("r0 = atomic_fetch_add(1, x); r1 = xchg(y, %d);", i+1)
				}
				return fmt.Sprintf("r1 = xchg(y, %d); r0 = atomic_fetch_add(1, x);", i+1)
			},
			maxN: 3,
		},
		// Relaxed RMWs and marked accesses on two locations: lkmm allows
		// more than sc (only the enumerations are compared under lkmm).
		countShape{
			name: "relaxed-2loc", locs: []string{"x", "y"},
			props: func(n int) []string { return []string{"0:r0=0 /\\ 1:r1=0", "x=1", "y=0"} },
			cpu: func(i, n int) string {
				if i%2 == 0 {
					return fmt.Sprintf("r0 = xchg_relaxed(x, %d); r1 = READ_ONCE(*y);", i+1)
				}
				return fmt.Sprintf("WRITE_ONCE(*y, %d); r1 = atomic_fetch_add_acquire(1, x);", i+1)
			},
			maxN: 3, full: 4,
		},
	)
	return shapes
}

// countProgram is the litmus test of shape s for n CPUs and condition cond.
func countProgram(t *testing.T, s countShape, n int, cond string) *model.Program {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "C %s-%d\n\n{}\n\n", s.name, n)
	for i := range n {
		var params []string
		for _, l := range s.locs {
			params = append(params, "atomic_t *"+l)
		}
		fmt.Fprintf(&b, "P%d(%s)\n{\n\tint r0;\n\tint r1;\n\n\t%s\n}\n\n", i, strings.Join(params, ", "), s.cpu(i, n))
	}
	b.WriteString(cond + "\n")
	name := fmt.Sprintf("%s-%d.litmus", s.name, n)
	p, err := litmus.Load(name, []byte(b.String()))
	if err != nil {
		t.Fatalf("%s:\n%s\n%v", name, b.String(), err)
	}
	return p
}

// countStates bounds every search: the largest test has 5040 executions.
const countStates = 4_000_000

// countExplore explores p, which must be decided.
func countExplore(t *testing.T, p *model.Program, o explorer.Options) *explorer.Result {
	t.Helper()
	o.MaxStates = countStates
	r, err := explorer.Explore(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict == explorer.Unknown {
		t.Fatalf("%s under %s: inconclusive: %s", p.Name, o.Model.Name, r.Reason)
	}
	return r
}

// countSummary is what the count tests compare: executions, final states with
// their counts, and the condition's tallies.
func countSummary(r *explorer.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d executions, %s %s, positive %d negative %d, states:", r.Stats.Executions, r.Verdict, r.Observation, r.Positive, r.Negative)
	for _, o := range r.Outcomes {
		fmt.Fprintf(&b, " %v:%d", o.Values, o.Count)
	}
	return b.String()
}

// countExact reports whether a search counted every execution: a full
// one, or a goal-directed one (goal.go) whose condition names no register,
// so that no combination of paths can be pruned, and whose observation
// is Always or Never, so that one of its two searches goes through them
// all (the first stops at the first refuting execution, and the second,
// which looks for one of the other kind, then builds them all again).
// The goal-directed search then says its counts are not partial.
func countExact(r *explorer.Result, prop string) bool {
	return r.Partial == "" || !strings.Contains(prop, ":") && r.Observation != explorer.Sometimes
}

// countWithin checks a partial goal-directed result against the exact one: the
// same verdict and observation, and no final state counted more often.
func countWithin(t *testing.T, what string, part, exact *explorer.Result) {
	t.Helper()
	if part.Verdict != exact.Verdict || part.Observation != exact.Observation {
		t.Errorf("%s: %s, exact %s", what, countSummary(part), countSummary(exact))
		return
	}
	all := map[string]int64{}
	for _, o := range exact.Outcomes {
		all[fmt.Sprint(o.Values)] = o.Count
	}
	for _, o := range part.Outcomes {
		if o.Count > all[fmt.Sprint(o.Values)] {
			t.Errorf("%s: state %v counted %d times, exactly %d: %s", what, o.Values, o.Count, all[fmt.Sprint(o.Values)], countSummary(part))
		}
	}
}

// countFactorial is n!.
func countFactorial(n int) int64 {
	f := int64(1)
	for i := 2; i <= n; i++ {
		f *= int64(i)
	}
	return f
}

// countFullN is the most CPUs the full enumeration takes: seven RMWs on one
// location make 8^7 combinations of paths, past its limit (maxCombos).
// Seven CPUs are counted by the command line's search (goal-directed at
// that size), against sc DPOR and N!.
const countFullN = 6

func TestEnumerationCounts(t *testing.T) {
	noGoal := math.MaxInt // a full enumeration: every execution counted
	kinds := []string{"exists", "forall", "~exists"}
	for _, s := range countShapes() {
		top := countOr(s.maxN, 7)
		if explorer.LongTests() {
			top = countOr(s.full, top)
		}
		for n := 2; n <= top; n++ {
			t.Run(fmt.Sprintf("%s/N=%d", s.name, n), func(t *testing.T) {
				for pi, prop := range s.props(n) {
					for ki, kind := range kinds {
						// The first proposition is tried with each kind
						// of condition, the others (whose executions
						// are the same, only the tallies differ) with
						// one each.
						if pi > 0 && ki != pi%len(kinds) {
							continue
						}
						// Past countFullN only the first proposition, and
						// but for MMCHECK_SLOW=1 only with exists (the
						// command line's search then takes a second).
						if n > countFullN && (pi > 0 || !explorer.LongTests() && ki > 0) {
							continue
						}
						countCheck(t, s, n, fmt.Sprintf("%s (%s)", kind, prop), prop, noGoal)
					}
				}
			})
		}
	}
}

// countCheck checks the counts of shape s with n CPUs and condition
// cond (whose proposition is prop).
func countCheck(t *testing.T, s countShape, n int, cond, prop string, noGoal int) {
	t.Helper()
	p := countProgram(t, s, n, cond)
	what := fmt.Sprintf("%s N=%d %s", s.name, n, cond)
	sc := countExplore(t, p, explorer.Options{Model: memmodel.SC})
	if s.fact && sc.Stats.Executions != countFactorial(n) {
		t.Errorf("%s: sc DPOR %d executions, want %d", what, sc.Stats.Executions, countFactorial(n))
	}
	// check compares a result with the exact one.
	check := func(name string, r, exact *explorer.Result) {
		t.Helper()
		if !countExact(r, prop) {
			countWithin(t, what+": "+name+" (goal-directed)", r, exact)
		} else if countSummary(r) != countSummary(exact) {
			t.Errorf("%s: %s: %s\nexact: %s", what, name, countSummary(r), countSummary(exact))
		}
	}
	// The command line's search under lkmm (the enumeration, and
	// goal-directed when the program is big). When its counts are exact
	// it must say so, or --herd prints none.
	cli := countExplore(t, p, explorer.Options{Model: memmodel.LKMM})
	if cli.Partial != "" && countExact(cli, prop) {
		t.Errorf("%s: lkmm: every execution counted, but the result says partial: %s", what, cli.Partial)
	}
	if n > countFullN {
		if !s.sc {
			t.Fatalf("%s: more than %d CPUs need an sc shape", what, countFullN)
		}
		check("lkmm", cli, sc)
		if s.fact && countExact(cli, prop) && cli.Stats.Executions != countFactorial(n) {
			t.Errorf("%s: lkmm %d executions, want %d", what, cli.Stats.Executions, countFactorial(n))
		}
		return
	}
	// The sc enumeration, full and goal-directed, against sc DPOR.
	check("sc enumeration", countExplore(t, p, explorer.Options{Model: memmodel.SC, Algorithm: explorer.Enumerate, GoalAbove: noGoal}), sc)
	check("sc enumeration, goal above -1", countExplore(t, p, explorer.Options{Model: memmodel.SC, Algorithm: explorer.Enumerate, GoalAbove: -1}), sc)
	// lkmm: the full enumeration is the reference; it is sc DPOR's
	// where every lkmm execution is an sc one, and ra's is then too.
	full := countExplore(t, p, explorer.Options{Model: memmodel.LKMM, Algorithm: explorer.Enumerate, GoalAbove: noGoal})
	if full.Partial != "" {
		t.Fatalf("%s: lkmm enumeration partial with GoalAbove %d", what, noGoal)
	}
	if s.sc {
		check("lkmm enumeration", full, sc)
		check("ra DPOR", countExplore(t, p, explorer.Options{Model: memmodel.RA}), sc)
	}
	check("lkmm enumeration, goal above -1", countExplore(t, p, explorer.Options{Model: memmodel.LKMM, Algorithm: explorer.Enumerate, GoalAbove: -1}), full)
	check("lkmm", cli, full)
}

// countOr returns n, or def if n is 0.
func countOr(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}
