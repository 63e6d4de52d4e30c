package explorer

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"mmcheck/litmus"
	"mmcheck/memmodel"
)

// TestGoalSRCU: the goal-directed search (goal.go) runs on a program with
// SRCU only where srcuMatched shows that no execution raises an SRCU flag.
// Each program runs forced goal-directed (GoalAbove < 0) and as the full
// enumeration; where the goal-directed search is refused, the two give the
// same flags, which are the SRCU flag the program raises.
func TestGoalSRCU(t *testing.T) {
	cpu1 := `P1(int *x, int *y, struct srcu_struct *s) {
	int r0;
	int r1;
	WRITE_ONCE(*y, 1);
	synchronize_srcu(s);
	r1 = READ_ONCE(*x);
}`
	for _, c := range []struct {
		name, p0 string
		goal     bool   // the goal-directed search may run
		flag     string // the flag the full enumeration raises ("" none)
	}{
		{"matched", `int i; i = srcu_read_lock(s); WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); srcu_read_unlock(s, i);`, true, ""},
		{"nested", `int i; int j; i = srcu_read_lock(s); j = srcu_read_lock(s); WRITE_ONCE(*x, 1); srcu_read_unlock(s, j); r0 = READ_ONCE(*y); srcu_read_unlock(s, i);`, true, ""},
		{"index through memory", `int i; i = srcu_read_lock(s); WRITE_ONCE(*x, i + 1); r0 = READ_ONCE(*y); srcu_read_unlock(s, i);`, false, ""},
		{"wrong index", `int i; i = srcu_read_lock(s); WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); srcu_read_unlock(s, i + 1);`, false, "srcu-bad-value-match"},
		{"unmatched lock", `int i; i = srcu_read_lock(s); WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y);`, false, "unmatched-srcu-lock"},
		{"unmatched unlock", `WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); srcu_read_unlock(s, 0);`, false, "unmatched-srcu-unlock"},
		{"sleep in rcu", `rcu_read_lock(); WRITE_ONCE(*x, 1); synchronize_srcu(s); r0 = READ_ONCE(*y); rcu_read_unlock();`, false, "invalid-sleep"},
		{"sleep after an unmatched rcu unlock", `rcu_read_unlock(); rcu_read_lock(); WRITE_ONCE(*x, 1); synchronize_srcu(s); r0 = READ_ONCE(*y); rcu_read_unlock();`, false, "invalid-sleep"},
	} {
		src := fmt.Sprintf("C %s\n{}\nP0(int *x, int *y, struct srcu_struct *s) {\n\tint r0;\n\t%s\n}\n%s\nexists (0:r0=0 /\\ 1:r1=0)\n", "goal-srcu", c.p0, cpu1)
		p, err := litmus.Load(c.name+".litmus", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, src)
		}
		run := func(goalAbove int) *Result {
			r, err := Explore(context.Background(), p, Options{Model: memmodel.LKMM, Algorithm: Enumerate, GoalAbove: goalAbove})
			if err != nil || r.Verdict == Unknown {
				t.Fatalf("%s: %v %v", c.name, err, r.Reason)
			}
			return r
		}
		goal, full := run(-1), run(1<<30)
		if got := goal.Partial != ""; got != c.goal {
			t.Errorf("%s: goal-directed %v, want %v", c.name, got, c.goal)
		}
		if want := slices.DeleteFunc(slices.Clone(full.Flags), func(f string) bool { return f == "data-race" }); c.flag == "" && len(want) != 0 || c.flag != "" && !slices.Contains(want, c.flag) {
			t.Errorf("%s: the full enumeration's flags %v, want %q", c.name, full.Flags, c.flag)
		}
		if !slices.Equal(goal.Flags, full.Flags) || goal.Observation != full.Observation || goal.Verdict != full.Verdict {
			t.Errorf("%s: goal-directed %v %v %v, full %v %v %v", c.name, goal.Verdict, goal.Observation, goal.Flags, full.Verdict, full.Observation, full.Flags)
		}
	}
}
