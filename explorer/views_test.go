package explorer

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// incrAgree runs DPOR on p under m three ways: with the model's checker
// judging every candidate (hooks.fullCheck), with the incremental
// verdicts (views.go) cross-checked against the checker at every step
// (hooks.incrOracle, which panics on a disagreement, and checks every
// graph's views against views computed from scratch), and as a real run
// does. All three must visit the same states and find the same
// executions, final states and verdict. Under a model with load
// buffering the enumeration is skipped, so that DPOR runs where
// lbfree.go rules load buffering out (elsewhere it keeps no views, and
// the three runs are the same search).
func incrAgree(t *testing.T, name string, p *model.Program, m *memmodel.Model, maxStates int64) (lbFree bool) {
	t.Helper()
	run := func(h hooks) *Result {
		h.skipEnumeration = m.LoadBuffering
		r, err := Explore(context.Background(), p, Options{Model: m, MaxStates: maxStates, AllViolations: true, hooks: &h})
		if err != nil {
			t.Fatalf("%s %s: %v", name, m.Name, err)
		}
		return r
	}
	full := run(hooks{fullCheck: true})
	oracle := run(hooks{incrOracle: true})
	incr := run(hooks{})
	for _, r := range []struct {
		what string
		r    *Result
	}{{"with the oracle", oracle}, {"incremental", incr}} {
		if got, want := incrSummary(r.r), incrSummary(full); got != want {
			t.Errorf("%s under %s: %s:\n%s\nfull check:\n%s", name, m.Name, r.what, got, want)
		}
	}
	return incr.LBFree
}

// incrSummary is what the searches must agree on.
func incrSummary(r *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q states %d executions %d blocked %d cut %d assumed %d violations %d\n", r.Verdict, r.Reason,
		r.Stats.States, r.Stats.Executions, r.Stats.Blocked, r.Stats.Cut, r.Stats.Assumed, len(r.Violations))
	var outs []string
	for _, o := range r.Outcomes {
		outs = append(outs, fmt.Sprintf("%v %d", o.Values, o.Count))
	}
	slices.Sort(outs)
	b.WriteString(strings.Join(outs, "\n"))
	return b.String()
}

// incrModels are the models with incremental rules.
var incrModels = append(slices.Clone(memmodel.Chain), memmodel.LKMM)

// TestIncrementalRandom is the incremental check's differential test on
// random programs (fuzz_test.go's: RMWs, fences, acquire/release, awaits,
// BUG_ONs) under sc, tso, ra and lkmm.
func TestIncrementalRandom(t *testing.T) {
	n := int64(300)
	if !longTests() {
		n = 80
	}
	for seed := int64(0); seed < n; seed++ {
		p := randomProgram(seed)
		for _, m := range incrModels {
			incrAgree(t, fmt.Sprintf("seed %d", seed), p, m, 20000)
		}
		if t.Failed() {
			t.Logf("program:\n%s", dumpProgram(p))
			return
		}
	}
}

// TestIncrementalCorpus runs the same test on the kernel's litmus tests
// and on the protocol files of litmus/, bounded by states; under lkmm it
// counts the runs where DPOR kept views (load buffering ruled out).
func TestIncrementalCorpus(t *testing.T) {
	files := append(lkmmCorpus(t), litmusFiles("../litmus/lazy-mm", "../bench/lit")...)
	n, lkmmViews := 0, 0
	for i, f := range files {
		if !longTests() && i%3 != 0 {
			continue
		}
		// Under lkmm most protocol files need the speculation, which
		// keeps no views and is slow to start: only in the long tests.
		slowUnderLKMM := strings.Contains(f, "lazy-mm") && !longTests()
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := litmus.Load(f, src)
		if err != nil {
			continue // a file for another test (a parse error on purpose)
		}
		for _, m := range incrModels {
			if checkSupported(p, m) != nil || m == memmodel.LKMM && slowUnderLKMM {
				continue
			}
			if incrAgree(t, f, p, m, 3000) && m == memmodel.LKMM {
				lkmmViews++
			}
			n++
		}
	}
	t.Logf("%d file × model runs, %d under lkmm with views", n, lkmmViews)
	if n < 50 || lkmmViews < 20 {
		t.Errorf("only %d runs, %d under lkmm with views", n, lkmmViews)
	}
}

// pscProgram builds a random program in the shapes that exercise the sc
// axiom (psc) of ra: 2–3 CPUs of 2–5 accesses to two or three locations,
// most separated by smp_mb or fully ordered RMWs (store buffering,
// IRIW, R and 2+2W with fences), which randomProgram seldom makes.
func pscProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	nloc := 2 + rng.Intn(2)
	b := newTB([]string{"x", "y", "z"}[:nloc]...)
	val := model.Value(1)
	for i, nth := 0, 2+rng.Intn(2); i < nth; i++ {
		nops := 2 + rng.Intn(4)
		th := b.thread(nops)
		for j := 0; j < nops; j++ {
			loc := rng.Intn(nloc)
			switch k := rng.Intn(8); {
			case k < 3:
				th.store(loc, val, []model.Order{model.Once, model.Once, model.Release}[rng.Intn(3)])
				val++
			case k < 5:
				th.load(j, loc, []model.Order{model.Once, model.Once, model.Acquire}[rng.Intn(3)])
			case k < 7:
				th.fence(model.FenceMb)
			default:
				th.emit(model.Instr{Op: model.OpRMW, RMW: model.RMWXchg, Dst: int32(j), A: model.Imm(model.Ptr(loc)), B: model.Imm(val), Order: model.Mb})
				val++
			}
		}
		th.halt()
	}
	for t, th := range b.p.Threads {
		for r := 0; r < th.NumRegs; r++ {
			b.p.Observed = append(b.p.Observed, &model.RegTerm{Thread: t, Reg: r, Name: th.Regs[r].Name})
		}
	}
	for l := range b.p.Locs {
		b.p.Observed = append(b.p.Observed, &model.LocTerm{Loc: l})
	}
	return b.p
}

// TestIncrementalPSC is TestIncrementalRandom on pscProgram's shapes.
func TestIncrementalPSC(t *testing.T) {
	n := int64(400)
	if !longTests() {
		n = 100
	}
	for seed := int64(0); seed < n; seed++ {
		p := pscProgram(seed)
		for _, m := range incrModels {
			incrAgree(t, fmt.Sprintf("seed %d", seed), p, m, 20000)
		}
		if t.Failed() {
			t.Logf("program:\n%s", dumpProgram(p))
			return
		}
	}
}

// TestChecklessModels: under sc, tso and ra the incremental rules decide
// every candidate (ghb.go, psc.go), so DPOR never asks the model's
// checker whether an extension is consistent. lkmm still asks (where
// load buffering is ruled out and the sc shortcut does not decide),
// which shows the count can fail.
func TestChecklessModels(t *testing.T) {
	progs := map[string]*model.Program{}
	for seed := int64(0); seed < 60; seed++ {
		progs[fmt.Sprintf("random %d", seed)] = randomProgram(seed)
		progs[fmt.Sprintf("psc %d", seed)] = pscProgram(seed)
	}
	for _, f := range litmusFiles("../bench/lit") {
		if strings.Contains(f, "unlazy-3") || strings.Contains(f, "unlazy-4") {
			progs[f] = loadLitmus(t, f)
		}
	}
	checks := map[string]int{}
	for name, p := range progs {
		for _, m := range incrModels {
			n := 0
			h := hooks{checked: func() { n++ }, skipEnumeration: m.LoadBuffering}
			if _, err := Explore(context.Background(), p, Options{Model: m, MaxStates: 20000, Workers: 1, hooks: &h}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checks[m.Name] += n
			if n > 0 && m != memmodel.LKMM {
				t.Errorf("%s under %s: the checker judged %d candidates", name, m.Name, n)
			}
		}
	}
	if checks["lkmm"] == 0 {
		t.Errorf("no program made lkmm's search ask the checker: the count cannot fail")
	}
	t.Logf("checker calls: %v", checks)
}
