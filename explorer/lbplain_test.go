package explorer

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"mmcheck/litmus"
	"mmcheck/memmodel"
)

// TestLBFreePlainCycles: load-buffering shapes through plain accesses.
// With one plain rfe edge and the reads bounded as linux-kernel.cat's
// plain-coherence needs (an acquire or smp_mb() before the plain write;
// po-rel or smp_mb() after the plain read), the cycle is wr-incoh and
// lbfree rules it out (plainCycles); with two plain edges, or a bound
// missing, the cycle is a data race that lkmm allows. The enumeration
// (complete) must agree, and so must DPOR alone where lbfree proved it.
func TestLBFreePlainCycles(t *testing.T) {
	// CPU i reads v[i] into r1 and writes v[i+1] (round the cycle): the
	// bodies use X for the first and Y for the second.
	for _, tc := range []struct {
		name string
		cpus []string
		free bool
		cond string // default: every r1 = 1
	}{
		{"acq-plain+plain-rel", []string{"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = *X;\n\tsmp_store_release(Y, 1);"}, true, ""},
		{"once-mb-plain+plain-mb-once", []string{"r1 = READ_ONCE(*X);\n\tsmp_mb();\n\t*Y = 1;", "r1 = *X;\n\tsmp_mb();\n\tWRITE_ONCE(*Y, 1);"}, true, ""},
		{"acq-plain+plain-xchg", []string{"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = *X;\n\tr2 = xchg(Y, 1);"}, true, ""},
		{"acq-plain+once-rel", []string{"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = READ_ONCE(*X);\n\tsmp_store_release(Y, 1);"}, true, ""},
		{"plain-mb-plain+plain-mb-plain", []string{"r1 = *X;\n\tsmp_mb();\n\t*Y = 1;", "r1 = *X;\n\tsmp_mb();\n\t*Y = 1;"}, false, ""},
		{"once-plain+plain-rel", []string{"r1 = READ_ONCE(*X);\n\t*Y = 1;", "r1 = *X;\n\tsmp_store_release(Y, 1);"}, false, ""},
		{"acq-plain+plain-once", []string{"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = *X;\n\tWRITE_ONCE(*Y, 1);"}, false, ""},
		{"acq-plain+plain-wmb-once", []string{"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = *X;\n\tsmp_wmb();\n\tWRITE_ONCE(*Y, 1);"}, false, ""},
		// More CPUs: hb on the marked edges, or a second plain edge,
		// which is a race even where each is bounded as above.
		{"acq-plain+plain-rel+once-mb-once", []string{"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = *X;\n\tsmp_store_release(Y, 1);",
			"r1 = READ_ONCE(*X);\n\tsmp_mb();\n\tWRITE_ONCE(*Y, 1);"}, true, ""},
		{"acq-plain+plain-rel+once-plain", []string{"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = *X;\n\tsmp_store_release(Y, 1);",
			"r1 = READ_ONCE(*X);\n\t*Y = 1;"}, false, ""},
		{"(acq-plain+plain-rel)x2", []string{"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = *X;\n\tsmp_store_release(Y, 1);",
			"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = *X;\n\tsmp_store_release(Y, 1);"}, false, ""},
		{"(acq-plain+once-rel)x2", []string{"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = READ_ONCE(*X);\n\tsmp_store_release(Y, 1);",
			"r1 = smp_load_acquire(X);\n\t*Y = 1;", "r1 = READ_ONCE(*X);\n\tsmp_store_release(Y, 1);"}, false, ""},
		// One location: coherence forbids the cycle, however plain.
		{"plain-same-loc", []string{"r1 = *X;\n\t*X = 1;", "r1 = *Y;\n\t*Y = 2;"}, true, "0:r1=2 /\\ 1:r1=1"},
		{"once-plain-same-loc", []string{"r1 = READ_ONCE(*X);\n\t*X = 1;", "r1 = *Y;\n\tWRITE_ONCE(*Y, 2);"}, true, "0:r1=2 /\\ 1:r1=1"},
		// Partly on one location: allowed.
		{"plain-same-loc-x2+plain", []string{"r1 = *v0;\n\t*v0 = 1;", "r1 = *v0;\n\t*v0 = 2;", "r1 = *v0;\n\t*v1 = 1;", "r1 = *v1;\n\t*v0 = 3;"},
			false, "0:r1=3 /\\ 1:r1=1 /\\ 2:r1=2 /\\ 3:r1=1"},
		{"plain-same-loc+once", []string{"r1 = READ_ONCE(*v0);\n\t*v0 = 1;", "r1 = READ_ONCE(*v0);\n\tWRITE_ONCE(*v0, 2);", "r1 = smp_load_acquire(v0);\n\tWRITE_ONCE(*v1, 1);", "r1 = smp_load_acquire(v1);\n\tWRITE_ONCE(*v0, 3);"},
			false, "0:r1=3 /\\ 1:r1=1 /\\ 2:r1=2 /\\ 3:r1=1"},
		{"plain-same-loc+plain", []string{"r1 = *v0;\n\t*v0 = 1;", "r1 = *v0;\n\t*v1 = 1;", "r1 = *v1;\n\t*v0 = 2;"}, false, "0:r1=2 /\\ 1:r1=1 /\\ 2:r1=1"},
	} {
		var sb strings.Builder
		fmt.Fprintf(&sb, "C LB+%s\n{}\n", tc.name)
		var cond, params []string
		for i := range tc.cpus {
			params = append(params, fmt.Sprintf("int *v%d", i))
		}
		for i, body := range tc.cpus {
			x, y := fmt.Sprintf("v%d", i), fmt.Sprintf("v%d", (i+1)%len(tc.cpus))
			body = strings.NewReplacer("X", x, "Y", y).Replace(body)
			fmt.Fprintf(&sb, "P%d(%s)\n{\n\tint r1;\n\tint r2;\n\t%s\n}\n\n", i, strings.Join(params, ", "), body)
			cond = append(cond, fmt.Sprintf("%d:r1=1", i))
		}
		if tc.cond != "" {
			cond = []string{tc.cond}
		}
		fmt.Fprintf(&sb, "exists (%s)\n", strings.Join(cond, " /\\ "))
		src := sb.String()
		p, err := litmus.Load(tc.name+".litmus", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, src)
		}
		a := lbAnalyze(context.Background(), p, 8, nil)
		if free := a.why == ""; free != tc.free || free && !a.viaPlain {
			t.Errorf("%s: load buffering ruled out %v (by plainCycles %v: %s), want %v", tc.name, free, a.viaPlain, a.why, tc.free)
		}
		en := run(t, p, memmodel.LKMM, Enumerate)
		want := Sometimes
		if tc.free {
			want = Never
		}
		if en.Observation != want || en.Verdict == Unknown {
			t.Errorf("%s: enumeration: %s %s (%s), want %s", tc.name, en.Verdict, en.Observation, en.Reason, want)
		}
		if want == Sometimes && !slices.Contains(en.Flags, "data-race") {
			t.Errorf("%s: flags %v, want the data race of the cycle", tc.name, en.Flags)
		}
		if diff, _ := lbAgree(t, p); diff != "" {
			t.Errorf("%s: %s", tc.name, diff)
		}
	}
}

// TestLBFreePlainRandom: random cycles of two or three CPUs, each a read
// then a write (plain, marked, acquire/release, RMWs, fences, address
// and data dependencies between them, and a second access sometimes);
// wherever lbfree rules load buffering out, DPOR alone must agree with
// the enumeration, and so must DPOR with the reads cutCycles chose
// speculated.
func TestLBFreePlainRandom(t *testing.T) {
	n := 600
	if !longTests() {
		n = 150
	}
	free, plain, cut := 0, 0, 0
	for seed := int64(1); seed <= int64(n); seed++ {
		src := randomPlainCycleSource(seed)
		p, err := litmus.Load(fmt.Sprintf("plain-cycle-%d.litmus", seed), []byte(src))
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, src)
		}
		a := lbAnalyze(context.Background(), p, 8, nil)
		if a.why != "" {
			if a.spec == nil || !a.viaPlain {
				continue
			}
			diff, claimed := dporAgree(t, p, hooks{}, func(r *Result) bool { return r.Speculated > 0 })
			if claimed {
				cut++
			}
			if diff != "" {
				t.Errorf("seed %d: speculating the reads cutCycles chose, %s\n%s", seed, diff, src)
			}
			continue
		}
		free++
		if a.viaPlain {
			plain++
		}
		if diff, _ := lbAgree(t, p); diff != "" {
			t.Errorf("seed %d: load buffering ruled out (by plainCycles %v), but %s\n%s", seed, a.viaPlain, diff, src)
		}
	}
	t.Logf("%d of %d programs free of load buffering, %d by plainCycles; %d searched with the reads cutCycles chose", free, n, plain, cut)
	if plain < n/20 || cut < n/20 {
		t.Errorf("only %d programs proved by plainCycles, %d by cutCycles", plain, cut)
	}
}

// randomPlainCycleSource is a random program shaped as a load-buffering
// cycle over x, y, z (CPU i reads one and writes the next).
func randomPlainCycleSource(seed int64) string {
	rng := rand.New(rand.NewSource(seed))
	var sb strings.Builder
	fmt.Fprintf(&sb, "C plain-cycle-%d\n{\nint a[2];\n}\n", seed)
	nth := 2 + rng.Intn(2)
	vars := []string{"x", "y", "z"}
	var exists []string
	for i := 0; i < nth; i++ {
		fmt.Fprintf(&sb, "P%d(int *x, int *y, int *z, int *a)\n{\n\tint r0;\n\tint r1;\n\tint r2;\n", i)
		rv, wv := vars[i], vars[(i+1)%nth]
		if rng.Intn(5) == 0 {
			rv = vars[rng.Intn(nth)]
		}
		switch rng.Intn(4) {
		case 0:
			fmt.Fprintf(&sb, "\tr0 = *%s;\n", rv)
		case 1:
			fmt.Fprintf(&sb, "\tr0 = READ_ONCE(*%s);\n", rv)
		case 2:
			fmt.Fprintf(&sb, "\tr0 = smp_load_acquire(%s);\n", rv)
		default:
			if rng.Intn(3) == 0 {
				fmt.Fprintf(&sb, "\tr0 = atomic_fetch_add_relaxed(1, %s);\n", rv)
			} else {
				fmt.Fprintf(&sb, "\tr0 = %s(%s, 1);\n", []string{"xchg_relaxed", "xchg"}[rng.Intn(2)], rv)
			}
		}
		exists = append(exists, fmt.Sprintf("%d:r0=%d", i, 1+rng.Intn(2)))
		switch rng.Intn(7) {
		case 0:
			sb.WriteString("\tsmp_mb();\n")
		case 1:
			sb.WriteString("\tsmp_wmb();\n")
		case 2:
			sb.WriteString("\tsmp_rmb();\n")
		case 3:
			// an access at an address that depends on r0
			if rng.Intn(2) == 0 {
				sb.WriteString("\tr1 = READ_ONCE(a[r0 & 0]);\n")
			} else {
				sb.WriteString("\tr1 = smp_load_acquire(&a[r0 & 0]);\n")
			}
		case 4:
			sb.WriteString("\tr1 = *z;\n")
		}
		val := "1"
		if rng.Intn(3) == 0 {
			val = "r0 + 1"
		}
		if rng.Intn(4) == 0 {
			val = "2"
		}
		switch rng.Intn(6) {
		case 0, 1:
			fmt.Fprintf(&sb, "\t*%s = %s;\n", wv, val)
		case 2:
			fmt.Fprintf(&sb, "\tWRITE_ONCE(*%s, %s);\n", wv, val)
		case 3:
			fmt.Fprintf(&sb, "\tsmp_store_release(%s, %s);\n", wv, val)
		case 4:
			fmt.Fprintf(&sb, "\tr2 = xchg%s(%s, %s);\n", []string{"", "_relaxed", "_release"}[rng.Intn(3)], wv, val)
		default:
			if rng.Intn(2) == 0 {
				fmt.Fprintf(&sb, "\tif (r0)\n\t\t*%s = %s;\n", wv, val)
			} else {
				fmt.Fprintf(&sb, "\ta[r0 & 0] = 1;\n\t*%s = %s;\n", wv, val)
			}
		}
		if rng.Intn(4) == 0 {
			fmt.Fprintf(&sb, "\t*%s = 3;\n", vars[rng.Intn(nth)])
		}
		sb.WriteString("}\n\n")
	}
	fmt.Fprintf(&sb, "exists (%s)\n", strings.Join(exists, " /\\ "))
	return sb.String()
}

// TestCutAvoidsLoops: a cycle may be cut at a read with fewer values in a
// loop, or at one with more outside it; cutCycles must take the one
// outside (a speculated read in a loop branches on every iteration: a
// cmpxchg retry loop made the lazy-mm files' speculation explode), and
// the plan must still be complete (the enumeration agrees).
func TestCutAvoidsLoops(t *testing.T) {
	src := `C LB+loop
{}
P0(int *x, int *y)
{
	int r0;
	r0 = READ_ONCE(*x);
	WRITE_ONCE(*y, 1);
}
P1(int *x, int *y)
{
	int r1;
	for (;;) {
		r1 = READ_ONCE(*y);
		if (r1 != 2)
			break;
	}
	WRITE_ONCE(*x, r1 + 1);
}
P2(int *x)
{
	WRITE_ONCE(*x, 3);
}
exists (0:r0=2 /\ 1:r1=1)
`
	p, err := litmus.Load("loop.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a := lbAnalyze(context.Background(), p, 8, nil)
	if a.why == "" || a.spec == nil {
		t.Fatalf("expected a speculation plan, got why=%q", a.why)
	}
	var got []string
	for ti, th := range a.spec {
		for pc, b := range th {
			if b {
				got = append(got, fmt.Sprintf("%s:%s", p.Threads[ti].Name, p.Threads[ti].Code[pc].Text))
				if inLoop(p.Threads[ti].Code, pc) {
					t.Errorf("speculated a read in a loop: %s", p.Threads[ti].Code[pc].Text)
				}
			}
		}
	}
	if !slices.Equal(got, []string{"P0:READ_ONCE(*x)"}) {
		t.Errorf("plan %v, want [P0:READ_ONCE(*x)]", got)
	}
	if diff, claimed := dporAgree(t, p, hooks{}, func(r *Result) bool { return r.Speculated > 0 }); diff != "" || !claimed {
		t.Errorf("claimed %v: %s", claimed, diff)
	}
}
