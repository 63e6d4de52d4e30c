package go_test_suite

import (
	"os"
	"testing"
)

// slowTests reports whether the slow exhaustive runs are wanted: the lkmm
// protocol proofs marked "(slow)" in litmus/lazy-mm/*.expected, SRCU rewrites of
// the corpus's tests of six CPUs or more, and the like. They take minutes
// and stay out of the default `go test ./...`, which must finish within
// its time on a busy 2-core machine; MMCHECK_SLOW=1 runs them
// (bench/slow-tests.sh does). Tests bound their searches by states, never
// by seconds, so a verdict does not depend on the machine's load.
func slowTests() bool {
	return os.Getenv("MMCHECK_SLOW") != "" && !testing.Short()
}
