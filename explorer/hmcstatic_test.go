package explorer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// hmcPathsRefuse runs the first static check (hmcpaths_test.go) on p
// under lkmm.
func hmcPathsRefuse(p *model.Program) string {
	e := &engine{prog: p, opts: Options{Model: memmodel.LKMM, LoopBound: 8}, outcomes: map[string]*Outcome{}, start: time.Now()}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	defer e.cancel()
	w := e.newWorker()
	defer w.done()
	w.ip.deps = true
	return w.hmcRefusePaths()
}

// hmcPathsTooBig reports whether the first check refused for the number
// of paths or values alone, which the new check need not do.
func hmcPathsTooBig(why string) bool {
	return strings.Contains(why, "paths") || strings.Contains(why, "values reach")
}

// TestHMCStaticOracle: the static check (hmcstatic.go) refuses every
// program the check it replaced (hmcpaths_test.go, on every path of every
// CPU) refuses, but for the number of its paths: on the kernel's litmus
// tests and on the random programs of TestHMCRandom's generators.
func TestHMCStaticOracle(t *testing.T) {
	var progs []*model.Program
	for _, f := range lkmmCorpus(t) {
		p := loadLitmus(t, f)
		progs = append(progs, p)
	}
	for _, g := range hmcRandomGens(t) {
		// Four times the search's seeds: the checks are cheap.
		for seed := int64(1); seed <= 4*int64(g.n); seed++ {
			progs = append(progs, g.gen(seed))
		}
	}
	oldRefused, newRefused, tooBig, both := 0, 0, 0, 0
	for _, p := range progs {
		old := hmcPathsRefuse(p)
		now := hmcStaticCheck(context.Background(), p, 8)
		switch {
		case old != "" && hmcPathsTooBig(old):
			tooBig++
		case old != "" && now == "":
			t.Errorf("%s: the static check accepts a program the path check refuses: %s\n%s", p.Name, old, dumpProgram(p))
		case old != "":
			both++
		}
		if old != "" {
			oldRefused++
		}
		if now != "" {
			newRefused++
		}
	}
	t.Logf("%d programs: the path check refuses %d (%d for their size), the static check %d (%d of them both)", len(progs), oldRefused, tooBig, newRefused, both)
	if both < 100 {
		t.Errorf("only %d programs refused by both checks: expected more", both)
	}
}

// TestHMCStaticProtocols: the static check reaches a verdict on the
// protocol files of litmus/lazy-mm, all of which the path check refused
// for their number of paths (by default the smallest; MMCHECK_SLOW=1 all
// of them). Each verdict is logged.
func TestHMCStaticProtocols(t *testing.T) {
	files, _ := filepath.Glob("../litmus/lazy-mm/*.lit")
	if len(files) < 40 {
		t.Fatalf("found %d protocol files", len(files))
	}
	small := []string{"hazard-publish-fenced.lit", "membarrier-k2u-pre.lit", "peterz-claim.lit", "lazy-release-race.lit"}
	for _, f := range files {
		if !longTests() && !strings.Contains(strings.Join(small, " "), filepath.Base(f)) {
			continue
		}
		p := loadLitmus(t, f)
		why := hmcStaticCheck(context.Background(), p, 8)
		if strings.Contains(why, "gave up") || strings.Contains(why, "cannot be bounded") {
			t.Errorf("%s: %s", filepath.Base(f), why)
		}
		t.Logf("%s: %s", filepath.Base(f), why)
	}
}

// hmcProtocolStates bounds each HMC search of TestHMCProtocols.
const hmcProtocolStates = 200_000

// TestHMCProtocols runs the HMC search (MMCHECK_SLOW=1 only) on every
// protocol file of litmus/lazy-mm under lkmm, bounded by states, and
// logs what it does: the static check's refusal, or the verdict, states
// and seconds. A verdict it reaches must be the file's lkmm line in its
// .expected (verified or a counterexample), where that line is one.
func TestHMCProtocols(t *testing.T) {
	if !longTests() {
		t.Skip("MMCHECK_SLOW=1 runs the HMC search on the protocol files")
	}
	files, _ := filepath.Glob("../litmus/lazy-mm/*.lit")
	if f := os.Getenv("MMCHECK_HMC_FILE"); f != "" {
		files = []string{f}
	}
	for _, f := range files {
		p := loadLitmus(t, f)
		want := ""
		if exp, err := os.ReadFile(strings.TrimSuffix(f, ".lit") + ".expected"); err == nil {
			for _, l := range strings.Split(string(exp), "\n") {
				if v, ok := strings.CutPrefix(l, "lkmm: "); ok {
					want = strings.Fields(v)[0]
				}
			}
		}
		st := time.Now()
		r := runMax(t, p, DPOR, hooks{hmc: true}, hmcProtocolStates)
		el := time.Since(st)
		got := map[Verdict]string{Pass: "verified", Fail: "counterexample", Unknown: "inconclusive"}[r.Verdict]
		reason := r.Reason
		if len(reason) > 300 {
			reason = reason[:300] + "..."
		}
		t.Logf("%s: %s (expected %s): %d executions, %d states, %.1f s: %s", filepath.Base(f), got, want, r.Stats.Executions, r.Stats.States, el.Seconds(), reason)
		if r.Verdict != Unknown && (want == "verified" || want == "counterexample") && got != want {
			t.Errorf("%s: the HMC search says %s, its .expected %s", filepath.Base(f), got, want)
		}
	}
}
