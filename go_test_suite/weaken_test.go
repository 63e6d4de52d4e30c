package go_test_suite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mmcheck/explorer"
	"mmcheck/memmodel"
	"mmcheck/reports"
	"mmcheck/weaken"
)

// The mutants of the lazy-mm suite against `mmcheck weaken`: a mutant
// file is a verified file with one ordering weakened (litmus/lazy-mm/
// lazymm.h's VARIANT bits, docs/lazy-mm-protocol.md "The mutants"), and
// its .expected says what that weakening does. Weakening the verified
// file must say the same: where the mutant has a counterexample, the site
// is needed and the try at the mutant's form (or, when the search never
// got that far down because every form above it was needed already, the
// first form one step down) has a counterexample of the same kind; where
// the mutant verifies, the try at the mutant's form is redundant.
//
// Not here, because they are not the weakening of a site one step or more
// down the ladder: M3B (publish-after-finish-task, a store moved), M6
// (mmdrop() as refcount_dec_and_test(), a release decrement and an
// acquire fence on zero; no file has the three-CPU skeleton without it),
// M7 (peterz-claim-second-clearer, a scenario), M8 (count-after-deposit,
// an add moved), and acquire-weakened-refcount-2cpu (M2 on top of M6 with
// two CPUs: no verified file without M2). M2 + M6 and M5 + M6 are checked
// against refcount-release-mmdrop (M6 alone), which verifies under ra
// only.

// weakenSite is one site a mutant weakens, in its verified file.
type weakenSite struct {
	file string // the base name of the file the site is in: "lazymm.h"
	text string // the primitive's source text, as weaken.Site.Text has it
	form string // the mutant's form, as weaken.Form.String() names it
}

type weakenMutant struct {
	mutant string       // the mutant file, in litmus/lazy-mm
	fixed  string       // the verified file it weakens
	sites  []weakenSite // what it weakens
	// each: for a mutant of several sites, every site is needed on its
	// own (a stronger claim than the mutant's, checked where it holds);
	// without it, one needed site suffices.
	each bool
}

var weakenMutants = []weakenMutant{
	{mutant: "release-weakened", fixed: "lazy-release-race",
		sites: []weakenSite{{"lazymm.h", "smp_store_release(&rq->lazy_mm, NULL)", "WRITE_ONCE"}}},
	{mutant: "acquire-weakened", fixed: "lazy-release-race",
		sites: []weakenSite{{"lazymm.h", "smp_load_acquire(&rq->lazy_mm)", "READ_ONCE"}}},
	{mutant: "acquire-weakened-refcount", fixed: "refcount-release-mmdrop",
		sites: []weakenSite{{"lazymm.h", "smp_load_acquire(&rq->lazy_mm)", "READ_ONCE"}}},
	{mutant: "mmput-relaxed", fixed: "publish-handoff",
		sites: []weakenSite{{"lazymm.h", "atomic_dec_and_test(&mm->mm_users)", "atomic_dec_and_test_relaxed"}}},
	{mutant: "deposit-xchg-relaxed", fixed: "lazy-release-race",
		sites: []weakenSite{{"lazymm.h", "xchg(&rq->drop_mm, mm)", "xchg_relaxed"}}},
	{mutant: "mmdrop-lazy-xchg-relaxed", fixed: "lazy-release-race",
		sites: []weakenSite{{"lazymm.h", "xchg(&rq->drop_mm, NULL)", "xchg_relaxed"}}},
	{mutant: "mmdrop-lazy-xchg-relaxed-refcount", fixed: "refcount-release-mmdrop",
		sites: []weakenSite{{"lazymm.h", "xchg(&rq->drop_mm, NULL)", "xchg_relaxed"}}},
	// Both halves of the store-buffering pair: the reader's smp_mb() and
	// the freer's fully ordered decrement (atomic_dec_return_relaxed() ==
	// 0 in the mutant). Under ra and lkmm each alone is needed; under tso
	// only the reader's (a locked decrement is a barrier there).
	{mutant: "hazard-publish-unfenced", fixed: "hazard-publish-fenced", each: true,
		sites: []weakenSite{
			{"hazard-publish-fenced.lit", "smp_mb()", "nothing"},
			{"hazard-publish-fenced.lit", "atomic_dec_and_test(&mm.mm_users)", "atomic_dec_and_test_relaxed"},
		}},
}

// weakenModels are the models the test runs; each mutant and verified
// file lists its expectation for each in its .expected.
var weakenModels = []string{"ra", "lkmm"}

// TestWeakenMutants runs weaken on each verified file under ra and lkmm
// (where its .expected says it verifies, and not "(slow)" unless
// MMCHECK_SLOW=1) and checks each mutant's sites against the mutant's
// .expected line. Every exploration is bounded by protocolStates.
func TestWeakenMutants(t *testing.T) {
	dir := "../litmus/lazy-mm"
	type key struct{ file, model string }
	cache := map[key]*weaken.Report{}
	report := func(t *testing.T, fixed, modelName string) *weaken.Report {
		t.Helper()
		k := key{fixed, modelName}
		if r, ok := cache[k]; ok {
			return r
		}
		p := loadProgram(t, filepath.Join(dir, fixed+".lit"))
		opts := weaken.Options{Explore: explorer.Options{Model: memmodel.Lookup(modelName), Workers: 1, MaxStates: protocolStates}}
		r, err := weaken.Run(context.Background(), p, opts)
		if err != nil {
			t.Fatal(err)
		}
		if r.Base.Verdict != explorer.Pass {
			t.Fatalf("%s under %s: %s (%s), but its .expected says verified", fixed, modelName, r.Base.Verdict, r.Base.Reason)
		}
		cache[k] = r
		return r
	}
	checked := 0
	for _, mu := range weakenMutants {
		t.Run(mu.mutant, func(t *testing.T) {
			mexp := expectations(t, filepath.Join(dir, mu.mutant+".expected"))
			fexp := expectations(t, filepath.Join(dir, mu.fixed+".expected"))
			for _, m := range weakenModels {
				t.Run(m, func(t *testing.T) {
					fe, ok := fexp[m]
					if !ok || fe.verdict != "verified" {
						t.Skipf("%s is not verified under %s: nothing to weaken", mu.fixed, m)
					}
					me, ok := mexp[m]
					if !ok {
						t.Fatalf("%s.expected has no line for %s", mu.mutant, m)
					}
					if (fe.slow || me.slow) && !slowTests() {
						t.Skip("slow: runs with MMCHECK_SLOW=1 (bench/slow-tests.sh)")
					}
					r := report(t, mu.fixed, m)
					checked++
					var problems []string
					needed := 0
					for _, ws := range mu.sites {
						got, err := mutantVerdict(r, ws)
						if err != nil {
							t.Fatal(err)
						}
						switch me.verdict {
						case "verified":
							if got.verdict != weaken.Redundant {
								problems = append(problems, fmt.Sprintf("%s -> %s: %s (%s), but %s is verified", ws.text, ws.form, got.verdict, got.reason, mu.mutant))
							}
						case "counterexample":
							if got.verdict != weaken.Needed || got.kind != me.kind {
								problems = append(problems, fmt.Sprintf("%s -> %s: %s %s (%s), but %s has a counterexample %s", ws.text, got.form, got.verdict, got.kind, got.reason, mu.mutant, me.kind))
							} else {
								needed++
							}
						default:
							t.Fatalf("%s.expected says %s under %s: nothing to compare", mu.mutant, me.verdict, m)
						}
					}
					if me.verdict == "counterexample" && !mu.each && needed > 0 {
						problems = nil // one needed site of a mutant of several suffices
					}
					for _, p := range problems {
						t.Errorf("%s weakened under %s: %s", mu.fixed, m, p)
					}
				})
			}
		})
	}
	if checked == 0 {
		t.Error("no mutant was checked")
	}
}

// expectations reads an .expected file by model.
func expectations(t *testing.T, path string) map[string]protocolExpect {
	t.Helper()
	out := map[string]protocolExpect{}
	for _, e := range readProtocolExpected(t, path) {
		out[e.model] = e
	}
	return out
}

// mutantOutcome is what weaken says about one site at a mutant's form.
type mutantOutcome struct {
	verdict weaken.Verdict
	kind    string // for Needed: the first violation's kind, "condition" or "flag"
	reason  string
	form    string // the form that outcome is about
}

// mutantVerdict finds the site ws in r and what its weakening to the
// mutant's form gave: the try at that form if the search made one; if it
// did not, the site must be needed (every form one step down failed, so
// the weaker form is not tried), and its first try speaks for it.
func mutantVerdict(r *weaken.Report, ws weakenSite) (mutantOutcome, error) {
	var found []*weaken.SiteReport
	var texts []string
	for i := range r.Sites {
		s := &r.Sites[i]
		texts = append(texts, filepath.Base(s.Pos.File)+": "+s.Text)
		if filepath.Base(s.Pos.File) == ws.file && s.Text == ws.text && !s.Kind.IsDep() {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		return mutantOutcome{}, fmt.Errorf("%d sites %s in %s; the sites: %q", len(found), ws.text, ws.file, texts)
	}
	s := found[0]
	pick := -1
	for i, tr := range s.Tries {
		if tr.Form.String() == ws.form {
			pick = i
			break
		}
	}
	if pick < 0 {
		if s.Verdict != weaken.Needed || len(s.Tries) == 0 {
			return mutantOutcome{}, fmt.Errorf("%s at %s: %s, and %s was not tried", ws.text, s.Pos, s.Verdict, ws.form)
		}
		pick = 0
	}
	tr := s.Tries[pick]
	out := mutantOutcome{verdict: tr.Verdict, reason: tr.Reason, form: tr.Form.String()}
	if tr.Verdict == weaken.Needed {
		out.kind = violationKind(tr.Result, tr.Reason)
	}
	return out, nil
}

// violationKind names a failed exploration's first violation as the
// .expected files do.
func violationKind(res *explorer.Result, reason string) string {
	switch {
	case res != nil && len(res.Violations) > 0:
		return res.Violations[0].Violation.Kind.String()
	case strings.HasPrefix(reason, "flag "):
		return "flag"
	}
	return "condition"
}

// weakenFile runs weaken on a file of the lazy-mm suite with the given
// number of workers (sites at once, and the original's exploration), every
// exploration bounded by protocolStates.
func weakenFile(t *testing.T, ctx context.Context, file, modelName string, workers int, progress func(weaken.Progress)) *weaken.Report {
	t.Helper()
	p := loadProgram(t, filepath.Join("../litmus/lazy-mm", file+".lit"))
	opts := weaken.Options{
		Explore:  explorer.Options{Model: memmodel.Lookup(modelName), Workers: workers, MaxStates: protocolStates},
		Workers:  workers,
		Progress: progress,
	}
	r, err := weaken.Run(ctx, p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.Base.Verdict != explorer.Pass {
		t.Fatalf("%s under %s: %s (%s), want verified", file, modelName, r.Base.Verdict, r.Base.Reason)
	}
	return r
}

// weakenReports renders a report as text and as JSON.
func weakenReports(t *testing.T, r *weaken.Report) (string, string) {
	t.Helper()
	var text, js strings.Builder
	if err := reports.WeakenText(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := reports.WeakenJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	return text.String(), js.String()
}

// TestWeakenWorkers: the sites searched one at a time and four at a time
// give the same report, text and JSON, byte for byte (dropcount's minimal
// set is built greedily: the rejections are in the report too).
func TestWeakenWorkers(t *testing.T) {
	for _, c := range []struct{ file, model string }{
		{"dropcount", "ra"},
		{"publish-handoff", "ra"},
		{"hazard-publish-fenced", "lkmm"},
	} {
		t.Run(c.file+"/"+c.model, func(t *testing.T) {
			var calls []weaken.Progress
			r1 := weakenFile(t, context.Background(), c.file, c.model, 1, nil)
			r4 := weakenFile(t, context.Background(), c.file, c.model, 4, func(p weaken.Progress) { calls = append(calls, p) })
			text1, js1 := weakenReports(t, r1)
			text4, js4 := weakenReports(t, r4)
			if text1 != text4 {
				t.Errorf("1 worker:\n%s\n4 workers:\n%s", text1, text4)
			}
			if js1 != js4 {
				t.Errorf("the JSON reports differ: 1 worker:\n%s\n4 workers:\n%s", js1, js4)
			}
			if !r1.Decided() || r1.Interrupted {
				t.Errorf("not decided:\n%s", text1)
			}
			// Progress: once with the sites counted, once per site, its
			// counts adding up, then the minimal set.
			last := calls[len(calls)-1]
			if len(calls) < len(r4.Sites)+1 || calls[0].Sites != len(r4.Sites) || calls[0].Done != 0 {
				t.Fatalf("progress calls %+v for %d sites", calls, len(r4.Sites))
			}
			if last.Done != len(r4.Sites) || last.Needed+last.Redundant+last.Unknown+last.NoWeaker != last.Done || last.Minimal != (r4.Minimal != nil) {
				t.Errorf("last progress %+v; report: %d sites, minimal %v", last, len(r4.Sites), r4.Minimal != nil)
			}
		})
	}
}

// TestWeakenInterrupted: cancelling the search (Ctrl-C) once two sites
// are done keeps what was decided, the same as an uninterrupted run's,
// and leaves the rest unknown, with no minimal set.
func TestWeakenInterrupted(t *testing.T) {
	full := weakenFile(t, context.Background(), "dropcount", "ra", 1, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := weakenFile(t, ctx, "dropcount", "ra", 2, func(p weaken.Progress) {
		if p.Done >= 2 {
			cancel()
		}
	})
	if !r.Interrupted || r.Decided() {
		t.Fatalf("interrupted %v, decided %v", r.Interrupted, r.Decided())
	}
	if r.Minimal != nil && !r.Minimal.Interrupted {
		t.Errorf("a complete minimal set after the interruption: %+v", r.Minimal)
	}
	unknown := 0
	for i, s := range r.Sites {
		if s.Verdict == weaken.Unknown {
			unknown++
			continue
		}
		if f := full.Sites[i]; s.Verdict != f.Verdict || s.Pos != f.Pos {
			t.Errorf("site %s: %s, uninterrupted %s", s.Pos, s.Verdict, f.Verdict)
		}
	}
	if unknown == 0 || unknown > len(r.Sites)-2 {
		t.Errorf("%d of %d sites unknown after an interruption once two were done", unknown, len(r.Sites))
	}
	text, _ := weakenReports(t, r)
	if !strings.Contains(text, "not searched (interrupted)") {
		t.Errorf("the report does not say the minimal set was interrupted:\n%s", text)
	}
}

// mmcheckRun runs the built mmcheck in dir and returns its exit status
// and output.
func mmcheckRun(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(mmcheckBin, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestWeakenTraces: `weaken --traces DIR` saves the counterexample of each
// weakening that did not verify, the report names each (T1, T2, ...) at
// its row and file, and `mmcheck trace` replays each: the trace of a
// program weakened, which it weakens again from the trace's list (an
// ordering made weaker, a dependency broken). Without that list the
// trace does not replay: the original program forbids the execution.
func TestWeakenTraces(t *testing.T) {
	dir := t.TempDir()
	src := `C MP+addr
{
p=y;
}

P0(int *x, int **p)
{
	WRITE_ONCE(*x, 1);
	smp_store_release(p, x);
}

P1(int *x, int **p)
{
	int *r0;
	int r1;

	r0 = READ_ONCE(*p);
	r1 = READ_ONCE(*r0);
}

exists (1:r0=x /\ 1:r1=0)
`
	if err := os.WriteFile(filepath.Join(dir, "mp.lit"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := mmcheckRun(t, dir, "weaken", "--model", "lkmm", "--workers", "1", "--max-states", "100000", "--traces", "out", "mp.lit")
	if code != 0 {
		t.Fatalf("weaken: exit %d\n%s%s", code, out, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "out", "*.json"))
	// The release, READ_ONCE(*p) -> plain and the address dependency.
	if len(files) != 3 {
		t.Fatalf("%d traces saved, want 3:\n%s", len(files), out)
	}
	for _, want := range []string{"T1", "T3", "out/MP+addr-lkmm-T3.json", "address dependency on 17:7"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not name %s:\n%s", want, out)
		}
	}
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		code, out, errOut := mmcheckRun(t, dir, "trace", "--verify", rel)
		if code != 0 {
			t.Errorf("trace --verify %s: exit %d\n%s%s", rel, code, out, errOut)
		}
		code, out, _ = mmcheckRun(t, dir, "trace", rel)
		if code != 0 || !strings.Contains(out, "weakened (mmcheck weaken): mp.lit:") {
			t.Errorf("trace %s: exit %d, without the weakening:\n%s", rel, code, out)
		}
		// The trace without its weakenings: of the program as written,
		// which does not have that execution.
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		st, err := explorer.ReadTrace(data)
		if err != nil {
			t.Fatal(err)
		}
		st.Weakened = nil
		data, _ = json.Marshal(st)
		bare := filepath.Join(dir, "out", "bare.json")
		if err := os.WriteFile(bare, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out, errOut := mmcheckRun(t, dir, "trace", "--verify", "out/bare.json"); code != 1 {
			t.Errorf("%s without its weakenings: exit %d, want 1 (does not replay)\n%s%s", rel, code, out, errOut)
		}
	}
}
