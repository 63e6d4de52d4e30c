package memmodel

import (
	"math/rand/v2"
	"testing"
)

// TestLKMMConsistentCore: Consistent, which checks only the part of an
// execution its cycles need (lkmm_core.go), agrees with Check on random
// executions (with dependencies, plain accesses, locks and RCU, which
// it leaves to Check), and it does check a proper part of a good share
// of them: a core that were always the whole execution would pass the
// first check. The explorer's differential tests (views_test.go) run it
// on the graphs of its searches too.
func TestLKMMConsistentCore(t *testing.T) {
	iters := *refIters
	if testing.Short() {
		iters /= 10
	}
	rng := rand.New(rand.NewPCG(*refSeed, 13))
	c := LKMM.NewChecker().(*lkmmChecker)
	verdicts := map[bool]int{}
	for it := 0; it < iters; it++ {
		x := lkRandomExecOps(rng, it%3*3)
		before := c.coreCalls
		got := c.Consistent(x)
		want := c.Check(x) == nil
		if got != want {
			t.Fatalf("iteration %d: Consistent says %v, Check %v:\n%s", it, got, want, lkDump(x))
		}
		if c.coreCalls > before {
			verdicts[got]++
		}
	}
	t.Logf("%d executions; decided on a proper part: %d consistent, %d not", iters, verdicts[true], verdicts[false])
	// (90 and 34 of 30,000: the cycles of small random executions
	// span most of their events.)
	if verdicts[true]*1000 < iters || verdicts[false]*2000 < iters {
		t.Errorf("a proper part decided only %d consistent and %d inconsistent executions of %d", verdicts[true], verdicts[false], iters)
	}
}
