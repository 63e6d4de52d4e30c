package go_test_suite

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mmcheck/explorer"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// counterexampleFiles are the litmus files whose counterexamples must
// replay: the protocol suite, the benchmark bug variants, the classic shapes.
func counterexampleFiles(t *testing.T) []string {
	var files []string
	for _, g := range []string{"../litmus/*.lit", "../litmus/lazy-mm/*.lit", "../bench/lit/unlazy-3-bug*.lit", "../testdata/litmus/*.litmus", "../examples/*.lit"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no files")
	}
	return files
}

// TestCounterexamplesReplay saves every counterexample the suite produces
// (under every model), reads it back and replays it: it must be a real
// execution of the program under the model that reaches the same violation,
// and (Replay checks every field) the trace as saved must be what the
// replay gives.
func TestCounterexamplesReplay(t *testing.T) {
	for _, f := range counterexampleFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p := loadProgram(t, f)
		models := memmodel.Chain
		if strings.HasSuffix(f, ".litmus") || strings.Contains(f, "examples/") {
			models = memmodel.All // small enough for lkmm's enumeration
		}
		for _, m := range models {
			t.Run(filepath.Base(f)+"/"+m.Name, func(t *testing.T) {
				r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: m})
				if err != nil {
					if strings.Contains(err.Error(), "not supported") {
						t.Skip(err)
					}
					t.Fatal(err)
				}
				cxs := append([]*explorer.Counterexample(nil), r.Violations...)
				if r.Witness != nil {
					cxs = append(cxs, r.Witness)
				}
				for _, cx := range cxs {
					data, err := json.Marshal(cx.Save(p, m, 8, src))
					if err != nil {
						t.Fatal(err)
					}
					var st explorer.SavedTrace
					if err := json.Unmarshal(data, &st); err != nil {
						t.Fatal(err)
					}
					got, err := explorer.Replay(p, m, &st)
					if err != nil {
						t.Fatalf("%s does not replay: %v", cx.Violation.Kind, err)
					}
					if got.Violation.Kind != cx.Violation.Kind {
						t.Errorf("replay shows %s, saved %s", got.Violation.Kind, cx.Violation.Kind)
					}
				}
			})
		}
	}
}

// TestReplayRejects checks that replay can fail: a trace under a model
// that forbids it, and a trace whose read is changed.
func TestReplayRejects(t *testing.T) {
	f := "../bench/lit/unlazy-3-bug3.lit"
	src, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	p := loadProgram(t, f)
	r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.RA})
	if err != nil || len(r.Violations) == 0 {
		t.Fatalf("want a counterexample under ra: %v", err)
	}
	st := r.Violations[0].Save(p, memmodel.RA, 8, src)
	underSC := *st
	underSC.Model = "sc" // not rejected for its model's name
	if _, err := explorer.Replay(p, memmodel.SC, &underSC); err == nil {
		t.Error("the ra-only use after free replays under sc")
	}
	// Make the first read that read a CPU's write read the initial value.
	tampered := false
	for ti := range st.Threads {
		for i := range st.Threads[ti] {
			e := &st.Threads[ti][i]
			if !tampered && e.Kind == model.EvRead.String() && e.RF != nil && e.RF[0] >= 0 {
				e.RF = &explorer.Ref{-1, 0}
				tampered = true
			}
		}
	}
	if !tampered {
		t.Fatal("nothing to tamper with")
	}
	if _, err := explorer.Replay(p, memmodel.RA, st); err == nil {
		t.Error("a tampered trace replays")
	}
}

// TestLKMMFindsUnlazyBug: litmus/unlazy.lit is too big for lkmm's
// enumeration, so mmcheck searches the executions without load buffering;
// the finish_cpu double drop is among them, is a real lkmm execution
// (it replays). The fixed file is verified only by the search that
// speculates the reads load-buffering cycles pass through (spec.go),
// never by the search without load buffering alone.
func TestLKMMFindsUnlazyBug(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: the enumeration first tries and gives up")
	}
	src, err := os.ReadFile("../litmus/unlazy.lit")
	if err != nil {
		t.Fatal(err)
	}
	p := loadProgram(t, "../litmus/unlazy.lit")
	r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.LKMM})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != explorer.Fail || r.Violations[0].Violation.Kind != model.UseAfterFree {
		t.Fatalf("unlazy.lit under lkmm: %s (%s), want a use after free", r.Verdict, r.Reason)
	}
	st := r.Violations[0].Save(p, memmodel.LKMM, 8, src)
	if _, err := explorer.Replay(p, memmodel.LKMM, st); err != nil {
		t.Fatalf("does not replay: %v", err)
	}
	if !slowTests() {
		return // the proof of the fixed file takes half a minute
	}
	fixed := loadProgram(t, "../litmus/lazy-mm/finish-cpu-fix-h.lit")
	r, err = explorer.Explore(context.Background(), fixed, explorer.Options{Model: memmodel.LKMM})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != explorer.Pass || r.Speculated == 0 {
		t.Fatalf("finish-cpu-fix-h.lit under lkmm: %s (%s), %d reads speculated; want verified by the speculated search", r.Verdict, r.Reason, r.Speculated)
	}
}

// TestDataRaceReplays checks --check-races end to end: a data race is a
// counterexample only when asked for (the flag is raised either way), at
// the access that comes second, and its saved trace replays.
func TestDataRaceReplays(t *testing.T) {
	const file = "testdata/races/race.litmus"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p := loadProgram(t, file)
	r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.LKMM})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != explorer.Pass || strings.Join(r.Flags, ",") != "data-race" {
		t.Fatalf("without CheckRaces: %s %v, want verified with the data-race flag", r.Verdict, r.Flags)
	}
	r, err = explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.LKMM, CheckRaces: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != explorer.Fail || r.Violations[0].Violation.Kind != model.DataRace {
		t.Fatalf("with CheckRaces: %s (%s), want a data race", r.Verdict, r.Reason)
	}
	if len(r.Outcomes) != 3 {
		t.Errorf("with CheckRaces: %d final states, want the 3 of the racy and race-free executions", len(r.Outcomes))
	}
	// Nor, without CheckRaces, skip the executions that raise the flag.
	g0, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.LKMM, GoalAbove: -1})
	if err != nil {
		t.Fatal(err)
	}
	if g0.Partial != "" || strings.Join(g0.Flags, ",") != "data-race" {
		t.Errorf("the goal-directed search asked for on a racy test: partial %q, flags %v; want a full search with the flag", g0.Partial, g0.Flags)
	}
	// The goal-directed enumeration must not skip executions that race.
	g, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.LKMM, CheckRaces: true, GoalAbove: -1})
	if err != nil {
		t.Fatal(err)
	}
	if g.Verdict != explorer.Fail || g.Partial != "" {
		t.Errorf("with CheckRaces and the goal-directed search asked for: %s (%s), partial %q; want the data race", g.Verdict, g.Reason, g.Partial)
	}
	v := r.Violations[0].Violation
	if v.Pos.Line != 5 || v.OtherPos.Line != 15 {
		t.Errorf("race reported at line %d (other %d), want the write at 5 after the read at 15", v.Pos.Line, v.OtherPos.Line)
	}
	st := r.Violations[0].Save(p, memmodel.LKMM, 8, src)
	if _, err := explorer.Replay(p, memmodel.LKMM, st); err != nil {
		t.Fatalf("does not replay: %v", err)
	}
	st.Violation.Kind = model.UseAfterFree.String()
	if _, err := explorer.Replay(p, memmodel.LKMM, st); err == nil {
		t.Fatal("a trace claiming a use after free replays on a data race")
	}
}

// TestLKMMLoadBufferingBug: L15 (deposit-xchg-relaxed.lit) frees the mm
// early only in an execution with load buffering (the last put's relaxed
// atomic_add reads a decrement that comes after it in po ∪ rf). The DPOR
// fallback's load-buffering revisits must find it, and it must replay.
func TestLKMMLoadBufferingBug(t *testing.T) {
	const file = "../litmus/lazy-mm/deposit-xchg-relaxed.lit"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p := loadProgram(t, file)
	r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.LKMM})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != explorer.Fail || len(r.Violations) == 0 {
		t.Fatalf("%s under lkmm: %s (%s); want a counterexample", file, r.Verdict, r.Reason)
	}
	cx := r.Violations[0]
	if !hasPoRfCycle(cx.Exec) {
		t.Errorf("the counterexample (%s) has no po ∪ rf cycle: it needs no load buffering", cx.Violation.Kind)
	}
	if _, err := explorer.Replay(p, memmodel.LKMM, cx.Save(p, memmodel.LKMM, 8, src)); err != nil {
		t.Fatalf("does not replay: %v", err)
	}
	// Its trace is still one order of all the events, each CPU's in
	// program order, with only some reads before the writes they read.
	ord := explorer.Linearize(cx.Exec)
	next := make([]int32, len(cx.Exec.Events))
	early := 0
	seen := map[model.EventID]bool{}
	for _, id := range ord {
		if id.Index != next[id.Thread] {
			t.Fatalf("the trace runs P%d's event %d before %d", id.Thread, id.Index, next[id.Thread])
		}
		next[id.Thread]++
		if e := cx.Exec.Ev(id); e.Kind == model.EvRead && !e.RF.IsInit() && !seen[e.RF] {
			early++
		}
		seen[id] = true
	}
	if len(ord) != cx.Exec.NumEvents() || early == 0 || early > 4 {
		t.Errorf("trace of %d of %d events with %d reads before their writes", len(ord), cx.Exec.NumEvents(), early)
	}
}

// hasPoRfCycle reports whether po ∪ rf has a cycle in x: no order of its
// events puts each read after the write it reads from.
func hasPoRfCycle(x *model.Execution) bool {
	next := make([]int, len(x.Events))
	done := func(id model.EventID) bool { return id.IsInit() || int(id.Index) < next[id.Thread] }
	for progress := true; progress; {
		progress = false
		for t, evs := range x.Events {
			for next[t] < len(evs) && (evs[next[t]].Kind != model.EvRead || done(evs[next[t]].RF)) {
				next[t]++
				progress = true
			}
		}
	}
	for t, evs := range x.Events {
		if next[t] < len(evs) {
			return true
		}
	}
	return false
}

// refsLit frees an object after an access not ordered before the free
// (under ra): its trace has every kind of event (a write, a barrier, RMW
// reads and writes, a plain read, a free), a violation with both events,
// and two locations in the coherence order.
const refsLit = `C refs

struct obj {
	int data;
};

{
	struct obj o = { .data = 1 };
	int refs = 2;
	int flag;
}

P0()
{
	int r0;

	WRITE_ONCE(flag, 1);
	smp_mb();
	r0 = atomic_dec_return_relaxed(&refs);
	if (r0 == 0)
		kfree(&o);
}

P1()
{
	int r0;
	int r1;

	r1 = READ_ONCE(o.data);
	r0 = atomic_dec_return_relaxed(&refs);
	if (r0 == 0)
		kfree(&o);
}
`

// refsTrace writes refsLit into dir and returns its program, source and
// the saved trace of its use after free under ra.
func refsTrace(t *testing.T, dir string) (*model.Program, []byte, *explorer.SavedTrace) {
	t.Helper()
	f := filepath.Join(dir, "refs.lit")
	if err := os.WriteFile(f, []byte(refsLit), 0o644); err != nil {
		t.Fatal(err)
	}
	p := loadProgram(t, f)
	r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.RA, Workers: 1})
	if err != nil || len(r.Violations) == 0 || r.Violations[0].Violation.Kind != model.UseAfterFree {
		t.Fatalf("want a use after free under ra: %v", err)
	}
	return p, []byte(refsLit), r.Violations[0].Save(p, memmodel.RA, 8, []byte(refsLit))
}

// TestReplayChecksEveryField: a saved trace replays only if every field
// it records is what the replay gives; an edited value, step, status or
// violation is reported by the first field that differs, even when the
// execution the edited file describes is real.
func TestReplayChecksEveryField(t *testing.T) {
	p, _, saved := refsTrace(t, t.TempDir())
	// The events, in the file's order: P0 W flag, F mb, R refs (RMW),
	// W refs (RMW), FREE o; P1 R o.data, R refs (RMW), W refs (RMW).
	ev := func(st *explorer.SavedTrace, t, i int) *explorer.SavedEvent { return &st.Threads[t][i] }
	tests := []struct {
		name string
		edit func(st *explorer.SavedTrace)
		want string
	}{
		{"test", func(st *explorer.SavedTrace) { st.Test = "other" }, `test "other" recorded, the litmus file's is "refs"`},
		{"model", func(st *explorer.SavedTrace) { st.Model = "sc" }, "model sc recorded, the replay is under ra"},
		{"version", func(st *explorer.SavedTrace) { st.Version = 2 }, "trace format version 2; this mmcheck reads version 1"},
		{"read value", func(st *explorer.SavedTrace) { ev(st, 1, 0).Val = 0 }, "step 3 (P1 event 0, line 29, READ_ONCE(o.data)): value 0 recorded, the replay reads 1"},
		{"RMW read value", func(st *explorer.SavedTrace) { ev(st, 0, 2).Val = 2 }, "step 5 (P0 event 2, line 19, atomic_dec_return_relaxed(&refs)): value 2 recorded, the replay reads 1"},
		{"write value", func(st *explorer.SavedTrace) { ev(st, 0, 0).Val = 2 }, "the program writes 1, the trace 2"},
		{"order", func(st *explorer.SavedTrace) { ev(st, 1, 0).Order = "acquire" }, "step 3 (P1 event 0, line 29, READ_ONCE(o.data)): order acquire recorded, the replay's is once"},
		{"rmw", func(st *explorer.SavedTrace) { ev(st, 1, 0).RMW = true }, "step 3 (P1 event 0, line 29, READ_ONCE(o.data)): rmw true recorded, the replay's is false"},
		{"barrier", func(st *explorer.SavedTrace) { ev(st, 0, 1).Fence = "smp_wmb" }, "step 2 (P0 event 1, line 18, smp_mb()): barrier smp_wmb recorded, the replay's is smp_mb"},
		{"barrier value", func(st *explorer.SavedTrace) { ev(st, 0, 1).Val = 3 }, "step 2 (P0 event 1, line 18, smp_mb()): value 3 recorded, the replay has 0"},
		{"line", func(st *explorer.SavedTrace) { ev(st, 0, 1).Line = 99 }, "step 2 (P0 event 1, line 18, smp_mb()): line 99 recorded, the replay's is 18"},
		{"op", func(st *explorer.SavedTrace) { ev(st, 0, 1).Op = "smp_rmb()" }, `step 2 (P0 event 1, line 18, smp_mb()): op "smp_rmb()" recorded, the replay's is "smp_mb()"`},
		{"freed object", func(st *explorer.SavedTrace) { ev(st, 0, 4).Loc = "flag" }, "step 6 (P0 event 4, line 21, kfree(&o)): location flag recorded, the replay's is o"},
		{"rf of a write", func(st *explorer.SavedTrace) { ev(st, 0, 0).RF = &explorer.Ref{-1, 2} }, "step 1 (P0 event 0, line 17, WRITE_ONCE(flag, 1)): rf the initial value of flag recorded, the replay's is none"},
		{"rf", func(st *explorer.SavedTrace) { ev(st, 0, 2).RF = &explorer.Ref{-1, 1} }, "P0 event 3 (line 19, atomic_dec_return_relaxed(&refs)): the program writes 1, the trace 0"}, // reading 2, the RMW writes 1
		{"co order", func(st *explorer.SavedTrace) { st.CO[0], st.CO[1] = st.CO[1], st.CO[0] }, "co[0]: location flag recorded, the replay's is refs"},
		{"co entry", func(st *explorer.SavedTrace) { st.CO = append(st.CO, explorer.SavedCO{Loc: "o.data"}) }, "co: 3 locations recorded, the replay has writes to 2"},
		{"steps order", func(st *explorer.SavedTrace) { st.Steps[0], st.Steps[1] = st.Steps[1], st.Steps[0] }, "steps[0] (step 1): P0 event 1 recorded, the replay's is P0 event 0"},
		{"steps dropped", func(st *explorer.SavedTrace) { st.Steps = st.Steps[:len(st.Steps)-1] }, "steps: 7 recorded, the replay has 8 (one per event)"},
		{"status", func(st *explorer.SavedTrace) { st.Status[1] = "blocked" }, "status of P1: blocked recorded, the replay's is done"},
		{"violation kind", func(st *explorer.SavedTrace) { st.Violation.Kind = "double free" }, "violation: double free recorded, the replay shows use after free"},
		{"violation message", func(st *explorer.SavedTrace) { st.Violation.Msg = "nothing" }, `violation message "nothing" recorded, the replay's is "READ_ONCE(o.data) on P1 is not ordered before kfree(&o) on P0"`},
		{"violation cpu", func(st *explorer.SavedTrace) { st.Violation.Thread = 0 }, "violation on CPU 0 recorded, the replay's is on CPU 1"},
		{"violation event", func(st *explorer.SavedTrace) { st.Violation.Event = &explorer.Ref{1, 1} }, "violation event P1 event 1 recorded, the replay's is P1 event 0"},
		{"violation other", func(st *explorer.SavedTrace) { st.Violation.Other = nil }, "violation's related event none recorded, the replay's is P0 event 4"},
		{"violation pos", func(st *explorer.SavedTrace) { st.Violation.Pos = "refs.lit:30:7" }, "violation at 30:7 recorded, the replay's is at 29:7"},
	}
	copyOf := func() *explorer.SavedTrace {
		data, err := json.Marshal(saved)
		if err != nil {
			t.Fatal(err)
		}
		st, err := explorer.ReadTrace(data)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if _, err := explorer.Replay(p, memmodel.RA, copyOf()); err != nil {
		t.Fatalf("the trace as saved does not replay: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := copyOf()
			tc.edit(st)
			_, err := explorer.Replay(p, memmodel.RA, st)
			if err == nil {
				t.Fatal("the edited trace replays")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant  %q", err, tc.want)
			}
		})
	}
}

// TestReadTrace: a file that is not a saved trace this mmcheck reads is
// told apart from a trace that does not replay, with what is wrong.
func TestReadTrace(t *testing.T) {
	_, _, saved := refsTrace(t, t.TempDir())
	data, err := json.Marshal(saved)
	if err != nil {
		t.Fatal(err)
	}
	edited := func(edit func(map[string]any)) string {
		var o map[string]any
		json.Unmarshal(data, &o)
		edit(o)
		b, _ := json.Marshal(o)
		return string(b)
	}
	event := func(o map[string]any, t, i int) map[string]any {
		return o["threads"].([]any)[t].([]any)[i].(map[string]any)
	}
	tests := []struct{ in, want string }{
		{`{}`, "not a saved trace: missing version, file, file_sha256, test, model, loop_bound, violation, threads, co, steps, status (a trace 'mmcheck explore --save-trace' writes has them all)"},
		{`{"version": 1, "file": "x.lit"}`, "not a saved trace: missing file_sha256, test, model, loop_bound, violation, threads, co, steps, status"},
		{`{"version": 2}`, "trace format version 2; this mmcheck reads version 1 ("},
		{`{"version": 0, "file": "x.lit"}`, "trace format version 0; this mmcheck reads version 1 ("},
		{`{"version": "1"}`, `not a saved trace: version is "1", not an integer`},
		{`null`, "not a saved trace: null, not a JSON object"},
		{`[1]`, "not a saved trace: json: cannot unmarshal array"},
		{`{"version": 1} {}`, "not a saved trace: invalid character '{' after top-level value"},
		{edited(func(o map[string]any) { o["extra"] = 1 }), `not a saved trace: unknown field "extra"`},
		{edited(func(o map[string]any) { event(o, 0, 1)["extra"] = 1 }), `not a saved trace: unknown field "extra"`},
		{edited(func(o map[string]any) { delete(event(o, 0, 1), "op"); delete(event(o, 1, 2), "val") }), "not a saved trace: missing threads[0][1].op, threads[1][2].val ("},
		{edited(func(o map[string]any) { delete(o["violation"].(map[string]any), "kind") }), "not a saved trace: missing violation.kind ("},
		{edited(func(o map[string]any) { o["status"] = nil }), "not a saved trace: missing status ("},
		{edited(func(o map[string]any) { event(o, 0, 1)["val"] = "zero" }), "not a saved trace: cannot unmarshal string into Go struct field"},
	}
	for _, tc := range tests {
		_, err := explorer.ReadTrace([]byte(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("ReadTrace(%.60s):\n got %v\nwant %s...", tc.in, err, tc.want)
		}
	}
	st, err := explorer.ReadTrace(data)
	if err != nil {
		t.Fatalf("the trace as saved: %v", err)
	}
	if again, _ := json.Marshal(st); string(again) != string(data) {
		t.Errorf("read back differently:\n%s\n%s", again, data)
	}
}

// TestSaveInRelative: a trace saved in a directory records its litmus
// file relative to that directory, so 'mmcheck trace' finds it from
// anywhere, and keeps finding it after both move together.
func TestSaveInRelative(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"src", "out/traces", "elsewhere/a/b"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	p, src, _ := refsTrace(t, filepath.Join(root, "src"))
	r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.RA, Workers: 1})
	if err != nil || len(r.Violations) == 0 {
		t.Fatal(err)
	}
	st := r.Violations[0].SaveIn(filepath.Join(root, "out/traces"), p, memmodel.RA, 8, src)
	if st.File != "../../src/refs.lit" {
		t.Errorf("file %q recorded, want ../../src/refs.lit", st.File)
	}
	// The program loaded by a path relative to the current directory.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	fromWD, err := filepath.Rel(wd, p.File)
	if err != nil {
		t.Fatal(err)
	}
	q := *p
	q.File = fromWD
	if st := r.Violations[0].SaveIn(filepath.Join(root, "out/traces"), &q, memmodel.RA, 8, src); st.File != "../../src/refs.lit" {
		t.Errorf("loaded as %s: file %q recorded, want ../../src/refs.lit", fromWD, st.File)
	}
	// Replayed from another directory than the trace's and the litmus
	// file's, where the path as the program was loaded means nothing.
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "out/traces/refs.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(dir, trace string) {
		t.Helper()
		cmd := exec.Command(mmcheckBin, "trace", "--verify", trace)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "replays under ra") {
			t.Errorf("mmcheck trace --verify %s in %s: %v\n%s", trace, dir, err, out)
		}
	}
	run(filepath.Join(root, "elsewhere/a/b"), "../../../out/traces/refs.json")
	// The trace and the litmus file moved together.
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(root, moved); err != nil {
		t.Fatal(err)
	}
	run(moved, "out/traces/refs.json")
}

// TestReplayEditedRefs: a trace whose event references were edited to
// anything (a CPU or an index that does not exist, out of int32's range)
// does not replay, and never makes replay panic.
func TestReplayEditedRefs(t *testing.T) {
	p, _, saved := refsTrace(t, t.TempDir())
	data, err := json.Marshal(saved)
	if err != nil {
		t.Fatal(err)
	}
	bad := []explorer.Ref{{-5, 0}, {-1, -1}, {-1, 99}, {0, -1}, {99, 0}, {0, 99}, {-2, -1}, {1 << 31, 0}, {0, 1 << 31}, {-1 << 32, 1}, {1<<32 + 1, 0}}
	try := func(what string, r explorer.Ref, edit func(st *explorer.SavedTrace, r *explorer.Ref)) {
		st, err := explorer.ReadTrace(data)
		if err != nil {
			t.Fatal(err)
		}
		edit(st, &r)
		defer func() {
			if e := recover(); e != nil {
				t.Errorf("%s edited to %v: panic %v", what, r, e)
			}
		}()
		if _, err := explorer.Replay(p, memmodel.RA, st); err == nil {
			t.Errorf("%s edited to %v: replays", what, r)
		}
	}
	for _, r := range bad {
		for ti := range saved.Threads {
			for i := range saved.Threads[ti] {
				try(fmt.Sprintf("rf of P%d event %d", ti, i), r, func(st *explorer.SavedTrace, r *explorer.Ref) { st.Threads[ti][i].RF = r })
			}
		}
		for k := range saved.Steps {
			try(fmt.Sprintf("steps[%d]", k), r, func(st *explorer.SavedTrace, r *explorer.Ref) { st.Steps[k] = *r })
		}
		try("violation event", r, func(st *explorer.SavedTrace, r *explorer.Ref) { st.Violation.Event = r })
		try("violation other", r, func(st *explorer.SavedTrace, r *explorer.Ref) { st.Violation.Other = r })
		try("co", r, func(st *explorer.SavedTrace, r *explorer.Ref) { st.CO[0].Writes[0] = *r })
	}
}
