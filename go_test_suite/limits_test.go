package go_test_suite

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bigLKMM is a protocol file whose lkmm search runs for minutes and grows
// past a gigabyte: every limit must stop it.
const bigLKMM = "../litmus/lazy-mm/stolen-reference-v2.lit"

// TestMaxMemory: --max-memory stops the search, inconclusive (exit 3),
// with the limit named, instead of the runtime's out-of-memory crash
// (a goroutine dump and exit 2).
func TestMaxMemory(t *testing.T) {
	cmd := exec.Command(mmcheckBin, "explore", "-q", "--max-memory", "64MiB", bigLKMM)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInconclusive {
		t.Fatalf("exit %v, want 3\n%s", err, out)
	}
	if !strings.Contains(string(out), "inconclusive (--max-memory 64MiB reached") {
		t.Errorf("output does not name the limit:\n%s", out)
	}
}

// TestSignalsStopTheSearch: SIGINT and SIGTERM (what CI systems and
// timeout(1) send) both stop a search with what was explored (exit 3,
// "interrupted"). The signal is sent once the process has run for 0.2 s
// of CPU time (/proc/PID/stat), well past installing its handler, so the
// test does not depend on how busy the machine is.
func TestSignalsStopTheSearch(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to see the process's CPU time")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(mmcheckBin, "explore", "-q", bigLKMM)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for cpuTicks(cmd.Process.Pid) < 20 {
				time.Sleep(10 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitInconclusive {
				t.Fatalf("exit %v, want 3\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), "inconclusive (interrupted)") {
				t.Errorf("output:\n%s", out.String())
			}
		})
	}
}

// TestAddressSpaceLimit: the README's first command runs under `ulimit
// -v 1000000` (1 GB of address space; it needs about 60 MB). A cgo build
// used to die there, before exploring anything: glibc reserved 64 MiB of
// address space per thread arena (malloc_cgo.go).
func TestAddressSpaceLimit(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to set the limit")
	}
	cmd := exec.Command(sh, "-c", `ulimit -v 1000000 && exec "$0" explore -q ../litmus/unlazy.lit`, mmcheckBin)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "counterexample") {
		t.Fatalf("exit %v, want 1 (a counterexample)\n%.2000s", err, out)
	}
}

// cpuTicks is the CPU time process pid has used, in clock ticks
// (utime + stime of /proc/PID/stat; 100 per second on Linux).
func cpuTicks(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}

const exitInconclusive = 3
