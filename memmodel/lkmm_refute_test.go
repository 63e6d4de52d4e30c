package memmodel

import (
	"math/rand/v2"
	"testing"
)

// TestLKMMRefutes: Refutes rejects only executions the reference model
// rejects, and it catches a good part of the happens-before and
// propagation failures (67% and 33% of them on these random executions,
// which have dependencies, plain accesses, locks and RCU that it leaves to
// the checker; a Refutes that never answered would pass the first check).
func TestLKMMRefutes(t *testing.T) {
	iters := *refIters
	if testing.Short() {
		iters /= 10
	}
	rng := rand.New(rand.NewPCG(*refSeed, 11))
	c := LKMM.NewChecker().(*lkmmChecker)
	counts := map[string]int{}
	refuted := map[string]int{}
	for it := 0; it < iters; it++ {
		x := lkRandomExecOps(rng, it%3*3)
		ref := c.Refutes(x)
		want, _ := refLKMM(x)
		if ref && want == "" {
			t.Fatalf("iteration %d: Refutes rejects an execution the reference accepts:\n%s", it, lkDump(x))
		}
		counts[want]++
		if ref {
			refuted[want]++
		}
		// The checker works as before after a refutation.
		got := ""
		if f := c.Check(x); f != nil {
			got = f.Axiom
		}
		if got != want {
			t.Fatalf("iteration %d: Check after Refutes: got %q, reference %q", it, got, want)
		}
	}
	t.Logf("executions by the reference's verdict: %v; refuted: %v", counts, refuted)
	for _, ax := range []string{"coherence", "happens-before", "propagation"} {
		if counts[ax] > 20 && refuted[ax]*4 < counts[ax] {
			t.Errorf("Refutes caught %d of %d %s failures", refuted[ax], counts[ax], ax)
		}
	}
}
