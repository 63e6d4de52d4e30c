package go_test_suite

import (
	"os/exec"
	"testing"
)

// TestModTidy: go.mod and go.sum are as `go mod tidy` leaves them (every
// dependency the code imports is a direct requirement; none is unused).
func TestModTidy(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command(goBin, "mod", "tidy", "-diff")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go mod tidy would change go.mod or go.sum (%v):\n%s", err, out)
	}
}
