package go_test_suite

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mmcheck/explorer"
	"mmcheck/memmodel"
	"mmcheck/model"
	"mmcheck/reports"
)

// The same answer whatever the workers (issue 15, item 4): the verdict,
// the counts, the final states and the counterexample printed do not
// depend on the number of workers nor on timing. TestSameAnswerAnyWorkers
// explores the protocol suite (../litmus/*.lit, ../litmus/lazy-mm/*.lit)
// under every model, and the corpus (../testdata/lkmm's kernel and
// paulmck sets, ../testdata/litmus), with 1, 2 and 8 workers and compares
// everything a report shows but the time. By default lkmm runs only on
// bench/lit/unlazy-3*.lit (see below).
//
// A search stopped by --max-states has explored what the workers reached
// by then, which depends on timing; so each file and model is first
// explored with one worker within determinismStates states (all of them
// with MMCHECK_SLOW=1), and compared only if that search was not stopped
// by the bound. Several workers then explore it with no bound on states
// (the one-worker search bounds what they must explore, the violations
// found included). Bounds are states, never seconds.

// determinismStates bounds the one-worker search of each file and model
// of the default run; 0 (no bound) with MMCHECK_SLOW=1.
func determinismStates() int64 {
	if slowTests() {
		return 0
	}
	return 30_000
}

func TestSameAnswerAnyWorkers(t *testing.T) {
	t.Run("protocol", func(t *testing.T) {
		files := protocolFiles(t)
		bench, err := filepath.Glob("../bench/lit/unlazy-3*.lit")
		if err != nil || len(bench) < 2 {
			t.Fatalf("no ../bench/lit/unlazy-3*.lit (%v)", err)
		}
		// Under lkmm a protocol file costs seconds before any state
		// (the enumeration gives up, the load-buffering analysis): by
		// default lkmm runs on the bench family's unlazy-3 and its bug
		// variants (DPOR after the analysis rules load buffering out),
		// and on the protocol suite with MMCHECK_SLOW=1.
		models := []*memmodel.Model{memmodel.SC, memmodel.TSO, memmodel.RA}
		if slowTests() {
			models = memmodel.All
		}
		compared := 0
		for _, f := range append(files, bench...) {
			p := loadProgram(t, f)
			ms := models
			if strings.Contains(f, "/bench/") {
				ms = memmodel.All
			}
			for _, m := range ms {
				if sameAnswer(t, strings.TrimSuffix(filepath.Base(f), ".lit")+"/"+m.Name, p, m) {
					compared++
				}
			}
		}
		t.Logf("%d file × model searches compared", compared)
		if compared < 100 {
			t.Errorf("only %d searches compared: the state bound leaves too few", compared)
		}
	})
	t.Run("corpus", func(t *testing.T) {
		var paths []string
		for _, c := range corpus(t) {
			paths = append(paths, c.path)
		}
		classic, err := filepath.Glob("../testdata/litmus/*.litmus")
		if err != nil || len(classic) == 0 {
			t.Fatalf("no ../testdata/litmus/*.litmus (%v)", err)
		}
		paths = append(paths, classic...)
		// Under lkmm the corpus's tests are enumerated (one worker,
		// whatever Workers says) but for a few too big to be: by
		// default the corpus runs under sc, tso and ra, all four models
		// with MMCHECK_SLOW=1.
		models := []*memmodel.Model{memmodel.SC, memmodel.TSO, memmodel.RA}
		if slowTests() {
			models = memmodel.All
		}
		compared := 0
		for _, path := range paths {
			p := loadProgram(t, path)
			for _, m := range models {
				if sameAnswer(t, strings.TrimPrefix(path, "../testdata/")+"/"+m.Name, p, m) {
					compared++
				}
			}
		}
		t.Logf("%d test × model searches compared", compared)
	})
}

// sameAnswer explores p under m with 1, 2 and 8 workers and reports
// whether it compared them (the one-worker search was within the bound).
func sameAnswer(t *testing.T, name string, p *model.Program, m *memmodel.Model) bool {
	t.Helper()
	start := time.Now()
	defer func() {
		if testing.Verbose() {
			t.Logf("%s: %.2fs", name, time.Since(start).Seconds())
		}
	}()
	one, err := explorer.Explore(context.Background(), p, explorer.Options{Model: m, Workers: 1, MaxStates: determinismStates()})
	if err != nil {
		return false // not supported under m: the same error whatever the workers
	}
	if strings.Contains(one.Stopped, "--max-states") {
		return false
	}
	want := answer(t, one)
	for _, n := range []int{2, 8} {
		r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: m, Workers: n})
		if err != nil {
			t.Fatalf("%s with %d workers: %v", name, n, err)
		}
		if got := answer(t, r); got != want {
			t.Errorf("%s: %d workers answer differently from one:\n%s", name, n, diffLines(want, got))
		}
	}
	return true
}

// answer is everything a report of r shows but the time: the text
// report, the JSON report (the counts, the final states, the
// counterexample and its trace), the herd7 form, and the executions of
// the counterexamples.
func answer(t *testing.T, r *explorer.Result) string {
	t.Helper()
	c := *r
	c.Duration, c.Workers = 0, 1
	var b bytes.Buffer
	if err := reports.Text(&b, &c, reports.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := reports.JSON(&b, &c, reports.Options{}); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "\n%+v\n%+v\n", c.Stats, c.Outcomes)
	cxs := append([]*explorer.Counterexample(nil), c.Violations...)
	if c.Witness != nil {
		cxs = append(cxs, c.Witness)
	}
	for _, cx := range cxs {
		fmt.Fprintf(&b, "%+v %v %d\n%v\n%v\n%v\n", cx.Violation, cx.Order, cx.Switches, cx.Exec.Events, cx.Exec.CO, cx.Exec.Regs)
	}
	return b.String()
}

// diffLines shows the first lines where a and b differ.
func diffLines(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(la), len(lb)) && len(out) < 10; i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("line %d:\n  1 worker: %s\n  N workers: %s", i+1, x, y))
		}
	}
	return strings.Join(out, "\n")
}
