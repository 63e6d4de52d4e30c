package explorer

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"unsafe"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// reuseStates bounds each search of TestReuseAgrees on a random program.
const reuseStates = 20_000

// TestReuseAgrees runs each search with the last child of every graph
// made in place (grow.go: reuse) and with every child a graph of its own
// (hooks.noReuse), and wants the same answer: statistics (states,
// executions, revisits), final states, flags, and every violation with
// its trace. Random programs run under sc, tso and ra, one worker, with
// a state bound (a bound cuts both searches at the same state); the
// bench family's unlazy-3, its bug variants and unlazy-4 under every model, with
// one worker and with three that split work at every third state (so
// that graphs given away, copies of graphs changed in place later, are
// many). A change in
// place that some other graph still sees shows up as a different count
// or outcome; so does memory given back too early (recycled arrays, view
// blocks), which the reusing search overwrites at once (hooks.poison).
func TestReuseAgrees(t *testing.T) {
	type prog struct {
		name string
		p    *model.Program
	}
	type search struct {
		prog
		m       *memmodel.Model
		workers int
		bound   int64
	}
	var searches []search
	for seed := int64(1); seed <= 300; seed++ {
		pr := prog{fmt.Sprintf("random %d", seed), randomProgram(seed)}
		for _, m := range memmodel.Chain {
			searches = append(searches, search{pr, m, 1, reuseStates})
		}
	}
	for _, f := range []string{"unlazy-3", "unlazy-3-bug1", "unlazy-3-bug3", "unlazy-4"} {
		pr := prog{f, loadBench(t, f)}
		for _, m := range memmodel.All {
			for _, w := range []int{1, 3} {
				searches = append(searches, search{pr, m, w, 0})
			}
		}
	}
	states := int64(0)
	for _, s := range searches {
		run := func(noReuse bool) (*Result, string) {
			opts := Options{Model: s.m, Workers: s.workers, MaxStates: s.bound, AllViolations: true,
				hooks: &hooks{noReuse: noReuse, poison: !noReuse, splitEager: s.workers > 1}}
			r, err := Explore(context.Background(), s.p, opts)
			if err != nil {
				t.Fatalf("%s under %s: %v", s.name, s.m.Name, err)
			}
			return r, reuseSummary(r)
		}
		r, got := run(false)
		_, want := run(true)
		states += r.Stats.States
		if got != want {
			t.Errorf("%s under %s, %d workers: reusing graphs gives\n%s\nwithout:\n%s", s.name, s.m.Name, s.workers, got, want)
		}
	}
	// Two workers that give work away only when one waits, as a real run
	// does: when a donated graph's task runs depends on timing, so the
	// search runs many times (a graph given away that still shared
	// registers with the graphs changed in place after it gave a wrong
	// count in a quarter of the runs).
	p := loadBench(t, "unlazy-3-bug1")
	want := ""
	for i := range 40 {
		opts := Options{Model: memmodel.SC, Workers: 2, AllViolations: true, hooks: &hooks{poison: true}}
		if i == 0 {
			opts.Workers = 1
		}
		r, err := Explore(context.Background(), p, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := reuseSummary(r); i == 0 {
			want = got
		} else if got != want {
			t.Fatalf("unlazy-3-bug1 under sc, run %d with two workers:\n%s\none worker:\n%s", i, got, want)
		}
	}
	if states < 400_000 {
		t.Errorf("only %d states searched: the programs are too small to test reuse", states)
	}
}

// reuseSummary is what TestReuseAgrees compares of a search.
func reuseSummary(r *Result) string {
	var vs []string
	for _, cx := range r.Violations {
		vs = append(vs, fmt.Sprintf("%v %v %v", cx.Violation, cx.Order, cx.Exec.CO))
	}
	slices.Sort(vs)
	return fmt.Sprintf("%v %+v %v %v", summarize(r), r.Stats, r.Reason, vs)
}

// TestArrayPool: a recycled array comes back with exactly the length and
// capacity asked for (an append past it must copy: coherence orders are
// shared), with its claim reset to the new array's slots; putAll empties
// the owner's list; arrays too big to keep are not kept.
func TestArrayPool(t *testing.T) {
	var p arrayPool[model.EventID]
	var own []owned[model.EventID]
	a := arrays[model.EventID]{&p, &own}
	s, c := a.get(3, 5, true)
	if len(s) != 3 || cap(s) != 5 || c == nil || c.n != 3 || c.base != unsafe.Pointer(unsafe.SliceData(s)) {
		t.Fatalf("get(3, 5): len %d cap %d claim %+v", len(s), cap(s), c)
	}
	c.n = 5
	first := unsafe.SliceData(s)
	p.putAll(&own, false, model.EventID{})
	if len(own) != 0 {
		t.Fatalf("putAll left %d arrays on the owner's list", len(own))
	}
	s2, c2 := a.get(1, 7, true) // the same class (8): the same array and claim
	if unsafe.SliceData(s2) != first || c2 != c || c2.n != 1 || len(s2) != 1 || cap(s2) != 7 {
		t.Fatalf("get(1, 7) after putAll: array reused %v, claim reused %v (n %d), len %d cap %d", unsafe.SliceData(s2) == first, c2 == c, c2.n, len(s2), cap(s2))
	}
	if s3 := append(s2[:7], model.EventID{}); unsafe.SliceData(s3) == first {
		t.Fatal("an append past the capacity asked for wrote into the pooled array")
	}
	s4, c4 := a.get(0, 8*poolClasses+1, false)
	if c4 != nil || cap(s4) != 8*poolClasses+1 || len(own) != 1 {
		t.Fatalf("a big array: claim %v, cap %d, %d owned (want the small one only)", c4, cap(s4), len(own))
	}
}

// TestViewArenaReset: a reset gives back exactly the blocks cut since the
// mark, across chunks, and poison overwrites only those.
func TestViewArenaReset(t *testing.T) {
	var a viewArena
	keep := a.alloc(10)
	for i := range keep {
		keep[i] = 7
	}
	m := a.mark()
	var cut [][]int32
	for range 2 * arenaChunk / 100 { // into a second chunk
		cut = append(cut, a.alloc(100))
	}
	if a.ci == m.ci {
		t.Fatal("the blocks did not reach a second chunk")
	}
	a.reset(m, true)
	if a.mark() != m {
		t.Fatalf("reset to %+v left the arena at %+v", m, a.mark())
	}
	for _, v := range keep {
		if v != 7 {
			t.Fatal("poison overwrote a block cut before the mark")
		}
	}
	for _, b := range cut {
		if b[0] != 1<<29 || b[99] != 1<<29 {
			t.Fatal("a block cut after the mark was not poisoned")
		}
	}
	if b := a.alloc(100); unsafe.SliceData(b) != unsafe.SliceData(cut[0]) {
		t.Fatal("the first block after a reset is not the first one given back")
	}
}
