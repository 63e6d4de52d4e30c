package go_test_suite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// barrierSrc is a test whose P0 runs body, with P1 reading what it writes.
func barrierSrc(body string) string {
	return `C barrier

struct obj {
	int data;
};

{
	struct obj o;
	int x;
	int y;
}

P0()
{
	int r0;

` + body + `
}

P1()
{
	int r1;

	r1 = READ_ONCE(y);
}

exists (1:r1=1)
`
}

func exploreSrc(t *testing.T, src string, m *memmodel.Model) *explorer.Result {
	t.Helper()
	p, err := litmus.Load("barrier.litmus", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: m, MaxStates: corpusStates})
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return r
}

// TestBarrierMixedAccesses: barrier() is herd7's F[barrier], which keeps
// linux-kernel.cat's mixed-accesses flag off between a plain write and a
// marked access of one location; a kfree is not a plain write for the flag.
func TestBarrierMixedAccesses(t *testing.T) {
	for _, tc := range []struct {
		body  string
		mixed bool
	}{
		{"x = 1; r0 = READ_ONCE(x); WRITE_ONCE(y, 1);", true},
		{"x = 1; barrier(); r0 = READ_ONCE(x); WRITE_ONCE(y, 1);", false},
		{"x = 1; smp_rmb(); r0 = READ_ONCE(x); WRITE_ONCE(y, 1);", false},
		{"WRITE_ONCE(x, 1); x = 2; WRITE_ONCE(y, 1);", true},
		{"WRITE_ONCE(x, 1); barrier(); x = 2; WRITE_ONCE(y, 1);", false},
		{"r0 = smp_load_acquire(&x); x = 2; WRITE_ONCE(y, 1);", false},
		{"x = 1; smp_store_release(&x, 2); WRITE_ONCE(y, 1);", false},
		{"x = 1; r0 = READ_ONCE(y); WRITE_ONCE(y, 1);", false},
		{"r0 = READ_ONCE(o.data); kfree(&o); x = 1; WRITE_ONCE(y, 1);", false},
		{"WRITE_ONCE(o.data, 1); kfree(&o); x = 1; WRITE_ONCE(y, 1);", false},
	} {
		r := exploreSrc(t, barrierSrc(tc.body), memmodel.LKMM)
		if got := slices.Contains(r.Flags, "mixed-accesses"); got != tc.mixed || r.Verdict == explorer.Unknown {
			t.Errorf("%s: %s, flags %v; want mixed-accesses %v", tc.body, r.Verdict, r.Flags, tc.mixed)
		}
	}
}

// TestBarrierLowering: barrier() is a FenceBarrier fence, its own
// instruction; in the body of a spin loop it leaves the loop an await
// (dropped from a while loop's body, which runs only in iterations that
// spin), and it means nothing to sc, tso and ra.
func TestBarrierLowering(t *testing.T) {
	p, err := litmus.Load("barrier.litmus", []byte(barrierSrc("x = 1; barrier(); WRITE_ONCE(y, 1);")))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range p.Threads[0].Code {
		if in.Op == model.OpFence {
			n++
			if in.Fence != model.FenceBarrier || in.Prim != "barrier" {
				t.Errorf("barrier() lowered to %v (%s)", in.Fence, in.Prim)
			}
		}
	}
	if n != 1 {
		t.Errorf("barrier() lowered to %d fences", n)
	}

	spin := func(loop string) string {
		return `C spin

{}

P0(int *x, int *y)
{
	WRITE_ONCE(*y, 1);
	smp_store_release(x, 1);
}

P1(int *x, int *y)
{
	int r0;
	int r1;

` + loop + `
	r0 = READ_ONCE(*y);
}

exists (1:r0=0)
`
	}
	for _, loop := range []string{
		"while (!smp_load_acquire(x))\n\t\tbarrier();",
		"while (!smp_load_acquire(x)) {\n\t\tbarrier();\n\t\tbarrier();\n\t}",
		"do {\n\t\tbarrier();\n\t\tr1 = smp_load_acquire(x);\n\t\tbarrier();\n\t} while (!r1);",
		"for (;;) {\n\t\tif (smp_load_acquire(x))\n\t\t\tbreak;\n\t\tbarrier();\n\t}",
	} {
		src := spin(loop)
		p, err := litmus.Load("spin.litmus", []byte(src))
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		if !slices.ContainsFunc(p.Threads[1].Code, func(in model.Instr) bool { return in.Op == model.OpAwaitBegin }) {
			t.Errorf("not an await:\n%s", loop)
		}
		for _, m := range memmodel.All {
			with := exploreSrc(t, src, m)
			without := exploreSrc(t, strings.ReplaceAll(src, "barrier()", "cpu_relax()"), m)
			if with.Verdict != explorer.Pass || fmt.Sprint(with.Outcomes) != fmt.Sprint(without.Outcomes) ||
				with.Stats.Executions != without.Stats.Executions {
				t.Errorf("%s under %s: %s (%s) %d executions %v; with cpu_relax(): %s %d executions %v", loop, m.Name,
					with.Verdict, with.Reason, with.Stats.Executions, with.Outcomes, without.Verdict, without.Stats.Executions, without.Outcomes)
			}
		}
	}

	// sc, tso and ra: barrier() is accepted and changes nothing.
	for _, m := range memmodel.Chain {
		src := barrierSrc("x = 1; barrier(); r0 = READ_ONCE(x); barrier(); WRITE_ONCE(y, 1); barrier();")
		with := exploreSrc(t, src, m)
		without := exploreSrc(t, strings.ReplaceAll(src, "barrier();", ""), m)
		if with.Verdict != without.Verdict || fmt.Sprint(with.Outcomes) != fmt.Sprint(without.Outcomes) ||
			with.Stats.Executions != without.Stats.Executions || len(with.Flags) > 0 {
			t.Errorf("%s: with barrier(): %s %d executions %v %v; without: %s %d executions %v", m.Name,
				with.Verdict, with.Stats.Executions, with.Outcomes, with.Flags, without.Verdict, without.Stats.Executions, without.Outcomes)
		}
	}
}
