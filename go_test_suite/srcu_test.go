package go_test_suite

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
)

// TestSRCUAsRCU checks SRCU against herd7 without an SRCU corpus: under
// linux-kernel.cat, SRCU read-side critical sections and grace periods of
// one srcu_struct order like RCU's. Each corpus test that uses only
// rcu_read_lock, rcu_read_unlock and synchronize_rcu (no branches, no
// rcu_dereference) is rewritten with srcu_read_lock(ss), srcu_read_unlock
// (ss, idx) and synchronize_srcu(ss) on one srcu_struct, and must get
// herd7's observation for the RCU original.
func TestSRCUAsRCU(t *testing.T) {
	procRE := regexp.MustCompile(`(?s)(P\d+\s*\()([^)]*\)\s*)\{(.*?)\n\}`)
	callRE := regexp.MustCompile(`rcu_read_lock\(\);|rcu_read_unlock\(\);`)
	skipRE := regexp.MustCompile(`rcu_dereference|rcu_assign|srcu|spin_|\bif\b|\bwhile\b`)
	n := 0
	for _, c := range corpus(t) {
		src, err := os.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		s := string(src)
		body := s[strings.Index(s, "\n"):]
		if i := strings.Index(body, "*)"); i >= 0 {
			body = body[i:]
		}
		if !strings.Contains(body, "rcu_read_lock") && !strings.Contains(body, "synchronize_rcu") || skipRE.MatchString(body) {
			continue
		}
		conv := procRE.ReplaceAllStringFunc(s, func(p string) string {
			m := procRE.FindStringSubmatch(p)
			next, stack := 0, []int{}
			code := callRE.ReplaceAllStringFunc(m[3], func(call string) string {
				if strings.Contains(call, "unlock") {
					i := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					return fmt.Sprintf("srcu_read_unlock(ss, srcuidx%d);", i)
				}
				stack = append(stack, next)
				next++
				return fmt.Sprintf("srcuidx%d = srcu_read_lock(ss);", next-1)
			})
			code = strings.ReplaceAll(code, "synchronize_rcu_expedited()", "synchronize_srcu_expedited(ss)")
			code = strings.ReplaceAll(code, "synchronize_rcu()", "synchronize_srcu(ss)")
			var decl strings.Builder
			for i := 0; i < next; i++ {
				fmt.Fprintf(&decl, "\tint srcuidx%d;\n", i)
			}
			return m[1] + "struct srcu_struct *ss, " + m[2] + "{\n" + decl.String() + code + "\n}"
		})
		p, err := litmus.Load(c.path, []byte(conv))
		if err != nil {
			t.Fatalf("%s rewritten with SRCU does not load: %v\n%s", c.path, err, conv)
		}
		// The SRCU version adds a read and a write per critical section:
		// the 37 tests of 6 CPUs or more take up to 5.4 s each (737,280
		// states), 27 s together, and run with MMCHECK_SLOW=1. Before
		// the goal-directed search took programs with SRCU (goal.go:
		// srcuMatched), two of them needed more than 50M candidate
		// executions and six 5.5M to 22M states.
		if len(p.Threads) > 5 && !slowTests() {
			continue
		}
		r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.LKMM, MaxStates: corpusStates})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case r.Verdict == explorer.Unknown || r.Stopped != "":
			// A counterexample found before the search stopped decides
			// the verdict, not the observation (see Result.Stopped).
			t.Errorf("%s with SRCU: the search stopped (%s) with observation %s so far, herd7 with RCU: %s", c.path, r.Stopped, r.Observation, c.herd.observation)
		case r.Observation.String() != c.herd.observation:
			t.Errorf("%s with SRCU: %s (%s), herd7 with RCU: %s", c.path, r.Observation, r.Reason, c.herd.observation)
		}
		for _, f := range r.Flags {
			if f != "data-race" {
				t.Errorf("%s with SRCU: flag %s", c.path, f)
			}
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d corpus tests rewritten with SRCU", n)
	}
}
