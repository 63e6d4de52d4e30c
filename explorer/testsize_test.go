package explorer

import (
	"os"
	"testing"
)

// longTests reports whether the random differential oracles of this
// package run at full size. By default they run at about a quarter of it,
// so that `go test ./...` stays well within its time on a busy 2-core
// machine; MMCHECK_SLOW=1 runs them whole (bench/slow-tests.sh does),
// and -short keeps them small either way. Sizes are counts of programs,
// never seconds: a test's verdict does not depend on the machine's load.
func longTests() bool {
	return os.Getenv("MMCHECK_SLOW") != "" && !testing.Short()
}

// LongTests is longTests for the package's external tests (explorer_test).
var LongTests = longTests
