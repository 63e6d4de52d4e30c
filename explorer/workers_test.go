package explorer

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// testEngine is the engine Explore makes for p, without running it.
func testEngine(p *model.Program, opts Options) *engine {
	if opts.LoopBound == 0 {
		opts.LoopBound = 8
	}
	e := &engine{prog: p, opts: opts, outcomes: map[string]*Outcome{}, start: time.Now()}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	return e
}

// logged sums what a task's log holds, its subtasks included, and calls
// each for every subtask.
func logged(t *task, each func(*task)) (Stats, map[string]int64) {
	var s Stats
	outs := map[string]int64{}
	for _, p := range t.parts {
		if p.sub != nil {
			each(p.sub)
			ss, so := logged(p.sub, each)
			s.Add(ss)
			for k, n := range so {
				outs[k] += n
			}
			continue
		}
		s.Add(p.seg.stats)
		for k, o := range p.seg.outcomes {
			outs[k] += o.Count
		}
	}
	return s, outs
}

// TestTasksAreData: a task of a parallel search is described by its path
// and first child alone. For every task that the workers handed out,
// replayPath rebuilds its graph from the program and the path, and one
// worker searching the graph's children from the first on finds what
// the task's log holds (every execution, state and final state of those
// subtrees).
func TestTasksAreData(t *testing.T) {
	type prog struct {
		name string
		p    *model.Program
	}
	var progs []prog
	for _, f := range []string{"unlazy-3", "unlazy-3-bug1"} {
		p := loadBench(t, f)
		progs = append(progs, prog{f, p})
	}
	for seed := int64(1); seed <= 20; seed++ {
		progs = append(progs, prog{fmt.Sprintf("random %d", seed), randomProgram(seed)})
	}
	tasks := 0
	for _, pr := range progs {
		for _, m := range memmodel.Chain {
			opts := Options{Model: m, Workers: 3, AllViolations: true, hooks: &hooks{splitEager: true}}
			root := testEngine(pr.p, opts).runPool(true)
			logged(root, func(tk *task) {
				tasks++
				g := testEngine(pr.p, opts).replayPath(tk.path)
				if g == nil {
					t.Errorf("%s under %s: no graph at path %v", pr.name, m.Name, tk.path)
					return
				}
				want, wantOuts := logged(tk, func(*task) {})
				e := testEngine(pr.p, opts)
				w := e.newWorker()
				w.path = append(slices.Clone(tk.path), -1)
				w.frames = []frame{{g: g, from: tk.from, limit: math.MaxInt32}}
				w.quietTask(tk)
				w.visit(g)
				w.done()
				outs := map[string]int64{}
				for k, o := range e.outcomes {
					outs[k] = o.Count
				}
				if e.stats != want || fmt.Sprint(outs) != fmt.Sprint(wantOuts) {
					t.Errorf("%s under %s, task %v: replayed, its subtree has %+v %v; the parallel search logged %+v %v",
						pr.name, m.Name, tk.path, e.stats, outs, want, wantOuts)
				}
			})
		}
	}
	if tasks < 10 {
		t.Errorf("only %d tasks handed out", tasks)
	}
	t.Logf("%d tasks replayed", tasks)
}

// TestLogCompacted: once a parallel search is over, its log holds one
// segment per violation found and one for the stretch after the last (no
// subtask is kept), so its memory does not grow with the tasks.
func TestLogCompacted(t *testing.T) {
	for _, f := range []string{"unlazy-4", "unlazy-3-bug2"} {
		p := loadBench(t, f)
		root := testEngine(p, Options{Model: memmodel.RA, Workers: 2}).runPool(false)
		viols := 0
		for _, pt := range root.parts {
			if pt.sub != nil {
				t.Fatalf("%s: a subtask is left in the compacted log", f)
			}
			if pt.seg.viol != nil {
				viols++
			}
		}
		if len(root.parts) > viols+1 {
			t.Errorf("%s: %d segments for %d violations", f, len(root.parts), viols)
		}
		if f == "unlazy-4" && (viols != 0 || len(root.parts) != 1 || root.parts[0].seg.stats.Executions != 1240) {
			t.Errorf("%s: %d segments, %d violations; want one segment of 1240 executions", f, len(root.parts), viols)
		}
	}
}

// digest is what a result says but the time and the workers.
func digest(r *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %q %q %+v %v %d %d %v\n", r.Verdict, r.Reason, r.Stopped, r.Partial, r.Stats, r.Flags, r.Positive, r.Negative, r.Observation)
	for _, o := range r.Outcomes {
		fmt.Fprintf(&b, "%v %d %v\n", o.Values, o.Count, o.Satisfies)
	}
	cxs := slices.Clone(r.Violations)
	if r.Witness != nil {
		cxs = append(cxs, r.Witness)
	}
	for _, cx := range cxs {
		fmt.Fprintf(&b, "%+v %v %v %v\n", cx.Violation, cx.Order, cx.Exec.Events, cx.Exec.CO)
	}
	return b.String()
}

// TestWorkersBudget: the violations budget cuts a parallel search where
// it cuts one worker's, whatever the budget (none, a few, the default)
// and with every violation kept, on the bug variants of the bench
// family and on random programs, under every model DPOR decides.
func TestWorkersBudget(t *testing.T) {
	var progs []*model.Program
	for _, f := range []string{"unlazy-3-bug1", "unlazy-3-bug2", "unlazy-3-bug3"} {
		p := loadBench(t, f)
		progs = append(progs, p)
	}
	for seed := int64(1); seed <= 30; seed++ {
		progs = append(progs, randomProgram(seed))
	}
	failing := 0
	for _, p := range progs {
		for _, m := range memmodel.Chain {
			for _, opts := range []Options{{TraceBudget: -1}, {TraceBudget: 2}, {TraceBudget: 7}, {}, {AllViolations: true}} {
				opts.Model = m
				opts.Workers = 1
				one, err := Explore(context.Background(), p, opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(one.Violations) > 0 {
					failing++
				}
				want := digest(one)
				for _, n := range []int{2, 4} {
					// Four workers split at every step (hooks.splitEager);
					// two only when one waits, as a real run does.
					opts.Workers, opts.hooks = n, nil
					if n == 4 {
						opts.hooks = &hooks{splitEager: true}
					}
					r, err := Explore(context.Background(), p, opts)
					if err != nil {
						t.Fatal(err)
					}
					if got := digest(r); got != want {
						t.Errorf("%s under %s, budget %d, all %v: %d workers:\n%s\none:\n%s", p.Name, m.Name, opts.TraceBudget, opts.AllViolations, n, got, want)
					}
				}
			}
		}
	}
	if failing < 10 {
		t.Errorf("only %d searches found a violation", failing)
	}
}

// loadBench loads ../bench/lit/NAME.lit, the lazy-mm benchmark family.
func loadBench(t *testing.T, name string) *model.Program {
	t.Helper()
	path := "../bench/lit/" + name + ".lit"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := litmus.Load(path, src)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
