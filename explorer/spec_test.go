package explorer

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"mmcheck/litmus"
	"mmcheck/memmodel"
)

// specAgree is lbAgree for DPOR with speculated reads (spec.go), with
// the test switches h.
func specAgree(t *testing.T, f string, h hooks) (diff string, claimed bool) {
	t.Helper()
	p := loadLitmus(t, f)
	if ok, _ := lbFree(p, 8); ok {
		return "", false
	}
	return dporAgree(t, p, h, func(r *Result) bool { return r.Speculated > 0 })
}

// TestSpecCorpus is the soundness check of spec.go on the kernel's litmus
// tests that lbfree.go cannot rule load buffering out of (the LB shapes
// among them): DPOR with speculated reads must find exactly what the
// (complete) enumeration finds, execution counts included.
func TestSpecCorpus(t *testing.T) { specCorpus(t, hooks{}) }

// specCorpus is TestSpecCorpus with the test switches h.
func specCorpus(t *testing.T, h hooks) {
	h, _ = checkPruning(t, h)
	files := lkmmCorpus(t)
	n := 0
	for i, f := range files {
		if !longTests() && i%4 != 0 {
			continue
		}
		diff, claimed := specAgree(t, f, h)
		if claimed {
			n++
		}
		if diff != "" {
			t.Errorf("%s: %s", f, diff)
		}
	}
	t.Logf("%d corpus tests checked with speculated reads", n)
	if min := 50; !longTests() && n < min/4 || longTests() && n < min {
		t.Errorf("only %d corpus tests were searched with speculated reads", n)
	}
}

// TestSpecRandom is the same differential check on random programs (with
// dependencies and fences, see fuzz_test.go), which have RMWs, awaits
// and plain accesses the corpus lacks.
func TestSpecRandom(t *testing.T) { specRandomDep(t, hooks{}) }

// specRandomDep is TestSpecRandom with the test switches h.
func specRandomDep(t *testing.T, h hooks) {
	h, _ = checkPruning(t, h)
	n := 300
	if !longTests() {
		n = 80
	}
	spec := 0
	for seed := int64(1); seed <= int64(n); seed++ {
		p := randomProgram(seed)
		if seed%2 == 0 {
			p = randomDepProgram(seed)
		}
		if ok, _ := lbFree(p, 8); ok {
			continue
		}
		diff, claimed := dporAgree(t, p, h, func(r *Result) bool { return r.Speculated > 0 })
		if claimed {
			spec++
		}
		if diff != "" {
			t.Errorf("seed %d: %s\n%s", seed, diff, dumpProgram(p))
		}
	}
	t.Logf("%d of %d random programs searched with speculated reads", spec, n)
	if spec < max(1, n/30) {
		t.Errorf("only %d random programs were searched with speculated reads", spec)
	}
}

// TestSpecReaders is TestSpecCorpus and TestSpecRandom with each cycle cut
// at the reads of its unordered writes (the other choice lbAnalyze makes
// when a read's own values are not known).
func TestSpecReaders(t *testing.T) {
	h := hooks{specReaders: true}
	t.Run("corpus", func(t *testing.T) { specCorpus(t, h) })
	t.Run("random", func(t *testing.T) { specRandomDep(t, h) })
}

// TestSpecLocks: a speculated spin_lock read has no rf, so no atomicity
// orders its lock after another CPU's unlock, and lock.cat's
// unmatched-locks axiom, checked on that partial graph, would cut off
// executions the read's later rf makes consistent (found by review: DPOR
// with speculation said "verified" where enumeration found the outcome).
// Each program here must have speculated reads and agree with the
// enumeration.
func TestSpecLocks(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"lock-await", `C lock-await
{}
P0(spinlock_t *l, int *f, int *z)
{
	int r0;
	spin_lock(l);
	r0 = *z;
	while (!READ_ONCE(*f))
		cpu_relax();
	spin_unlock(l);
}
P1(spinlock_t *l, int *z)
{
	spin_lock(l);
	*z = 2;
	spin_unlock(l);
}
P2(int *f)
{
	WRITE_ONCE(*f, 1);
}
exists (0:r0=2)
`},
		{"lock-lb", `C lock-lb
{}
P0(spinlock_t *l, int *x, int *y)
{
	int r0;
	spin_lock(l);
	r0 = READ_ONCE(*x);
	WRITE_ONCE(*y, 1);
	spin_unlock(l);
}
P1(spinlock_t *l, int *x, int *y)
{
	int r1;
	r1 = READ_ONCE(*y);
	spin_lock(l);
	WRITE_ONCE(*x, r1);
	spin_unlock(l);
}
exists (0:r0=1 /\ 1:r1=1)
`},
		{"trylock", `C trylock
{}
P0(spinlock_t *l, int *f, int *z)
{
	int r0;
	int r1;
	r1 = spin_trylock(l);
	r0 = *z;
	while (!READ_ONCE(*f))
		cpu_relax();
}
P1(spinlock_t *l, int *z)
{
	int r2;
	r2 = spin_trylock(l);
	*z = 2;
}
P2(int *f)
{
	WRITE_ONCE(*f, 1);
}
exists (0:r0=2 /\ 0:r1=1)
`},
		{"two-locks", `C two-locks
{}
P0(spinlock_t *l, spinlock_t *m, int *f, int *z)
{
	int r0;
	spin_lock(l);
	spin_lock(m);
	r0 = *z;
	while (!READ_ONCE(*f))
		cpu_relax();
	spin_unlock(m);
	spin_unlock(l);
}
P1(spinlock_t *l, spinlock_t *m, int *z)
{
	spin_lock(l);
	spin_lock(m);
	*z = 2;
	spin_unlock(m);
	spin_unlock(l);
}
P2(int *f)
{
	WRITE_ONCE(*f, 1);
}
exists (0:r0=2)
`},
		// P1's spin_is_locked in its critical section is speculated, and
		// its first value, 0, is refused (nested-is-locked): the maximal
		// choice a revisit requires of it must be the first value the
		// model accepts, or the executions where P0's lock read is
		// revisited to read P2's unlock are lost.
		{"is-locked", `C is-locked
{}
P0(spinlock_t *l, int *x)
{
	int r0;
	r0 = READ_ONCE(*x);
	spin_lock(l);
	spin_unlock(l);
}
P1(spinlock_t *l, int *x)
{
	int r1;
	while (!READ_ONCE(*x))
		cpu_relax();
	spin_lock(l);
	r1 = spin_is_locked(l);
	spin_unlock(l);
}
P2(spinlock_t *l, int *x, int *y)
{
	spin_lock(l);
	WRITE_ONCE(*x, 1);
	WRITE_ONCE(*y, 2);
	spin_unlock(l);
}
exists (0:r0=0 /\ 1:r1=1)
`},
	} {
		p, err := litmus.Load(tc.name+".litmus", []byte(tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		// plainCycles rules some of these out (the plain access in the
		// critical section is bounded by the lock's acquire and
		// release); DPOR must agree, and the speculation is tested
		// without it.
		if ok, _ := lbFree(p, 8); ok {
			if diff, _ := lbAgree(t, p); diff != "" {
				t.Errorf("%s: load buffering ruled out, but %s", tc.name, diff)
			}
		}
		if a := lbAnalyze(context.Background(), p, 8, &hooks{noPlainCycles: true}); a.why == "" {
			t.Errorf("%s: load buffering ruled out without plainCycles; the test needs speculated reads", tc.name)
			continue
		}
		searched := false
		for _, readers := range []bool{false, true} {
			h := hooks{specReaders: readers, noPlainCycles: true}
			diff, claimed := dporAgree(t, p, h, func(r *Result) bool { return r.Speculated > 0 })
			searched = searched || claimed
			if diff != "" {
				t.Errorf("%s (readers %v): %s", tc.name, readers, diff)
			}
		}
		if !searched {
			t.Errorf("%s: no complete search with speculated reads", tc.name)
		}
	}
}

// randomLockSource is a random litmus test with critical sections:
// 2–3 CPUs over x, y and up to two locks, each CPU a few READ_ONCE,
// WRITE_ONCE (of a constant or a value read), spin_lock/spin_unlock
// pairs, spin_trylock (kept, or released when taken), spin_is_locked and
// awaits.
func randomLockSource(seed int64) string {
	rng := rand.New(rand.NewSource(seed))
	var sb strings.Builder
	fmt.Fprintf(&sb, "C random-lock-%d\n{}\n", seed)
	nth := 2 + rng.Intn(2)
	locks := []string{"l", "m"}[:1+rng.Intn(2)]
	vars := []string{"x", "y"}
	val := 1
	for i := 0; i < nth; i++ {
		fmt.Fprintf(&sb, "P%d(spinlock_t *l, spinlock_t *m, int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tint r2;\n", i)
		reg := 0
		held := map[string]bool{}
		var order []string
		nops := 2 + rng.Intn(4)
		for j := 0; j < nops; j++ {
			v := vars[rng.Intn(2)]
			switch k := rng.Intn(12); {
			case k < 4 && reg < 3:
				fmt.Fprintf(&sb, "\tr%d = READ_ONCE(*%s);\n", reg, v)
				reg++
			case k < 7:
				if reg > 0 && rng.Intn(2) == 0 {
					fmt.Fprintf(&sb, "\tWRITE_ONCE(*%s, r%d);\n", v, reg-1)
				} else {
					fmt.Fprintf(&sb, "\tWRITE_ONCE(*%s, %d);\n", v, val)
					val++
				}
			case k < 9:
				l := locks[rng.Intn(len(locks))]
				if !held[l] {
					fmt.Fprintf(&sb, "\tspin_lock(%s);\n", l)
					held[l] = true
					order = append(order, l)
				} else if order[len(order)-1] == l {
					fmt.Fprintf(&sb, "\tspin_unlock(%s);\n", l)
					held[l] = false
					order = order[:len(order)-1]
				}
			case k < 10 && reg < 3:
				l := locks[rng.Intn(len(locks))]
				if !held[l] {
					fmt.Fprintf(&sb, "\tr%d = spin_trylock(%s);\n", reg, l)
					if rng.Intn(2) == 0 {
						fmt.Fprintf(&sb, "\tif (r%d)\n\t\tspin_unlock(%s);\n", reg, l)
					}
					reg++
				}
			case k < 11 && reg < 3:
				fmt.Fprintf(&sb, "\tr%d = spin_is_locked(%s);\n", reg, locks[rng.Intn(len(locks))])
				reg++
			default:
				fmt.Fprintf(&sb, "\twhile (!READ_ONCE(*%s))\n\t\tcpu_relax();\n", v)
			}
		}
		for len(order) > 0 && rng.Intn(8) != 0 {
			fmt.Fprintf(&sb, "\tspin_unlock(%s);\n", order[len(order)-1])
			order = order[:len(order)-1]
		}
		sb.WriteString("}\n")
	}
	sb.WriteString("exists (0:r0=0)\n")
	return sb.String()
}

// TestSpecRandomLocks is TestSpecRandom on random programs with locks,
// which the other generators lack (see TestSpecLocks), both ways of
// cutting a cycle.
func TestSpecRandomLocks(t *testing.T) {
	specRandom(t, "random-lock", randomLockSource, false)
}

// specRandom runs the differential check of speculated reads (DPOR with
// them against the enumeration, both ways of cutting a cycle) on 400
// programs of gen (100 with -short), and requires that at least one in
// twenty searches used them. With checkFree, the programs lbfree.go
// declares free of load buffering are checked too (DPOR alone against the
// enumeration).
func specRandom(t *testing.T, name string, gen func(seed int64) string, checkFree bool) {
	t.Helper()
	oracle, _ := checkPruning(t, hooks{})
	n := 400
	if !longTests() {
		n = 100
	}
	spec := 0
	for seed := int64(1); seed <= int64(n); seed++ {
		src := gen(seed)
		p, err := litmus.Load(fmt.Sprintf("%s-%d.litmus", name, seed), []byte(src))
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, src)
		}
		if ok, _ := lbFree(p, 8); ok {
			if !checkFree {
				continue
			}
			if diff, _ := lbAgree(t, p); diff != "" {
				t.Errorf("seed %d: load buffering ruled out, but %s\n%s", seed, diff, src)
			}
			continue
		}
		for _, readers := range []bool{false, true} {
			h := oracle
			h.specReaders = readers
			diff, claimed := dporAgree(t, p, h, func(r *Result) bool { return r.Speculated > 0 })
			if claimed {
				spec++
			}
			if diff != "" {
				t.Errorf("seed %d (readers %v): %s\n%s", seed, readers, diff, src)
			}
		}
	}
	t.Logf("%d searches of %d %s programs used speculated reads", spec, n, name)
	if spec < max(1, n/30) {
		t.Errorf("only %d searches used speculated reads", spec)
	}
}

// The plain, once and acquire/release accesses the random generators
// write (basicAccess).
const (
	accOnceRead = iota
	accAcquireRead
	accPlainRead
	accOnceWrite
	accReleaseWrite
	accPlainWrite
)

// basicAccess writes one access of kind acc to *v: a read into a new
// register (none if newReg has none left) or a write of value().
func basicAccess(sb *strings.Builder, acc int, v string, newReg func() (string, bool), value func() string) {
	if acc <= accPlainRead {
		r, ok := newReg()
		if !ok {
			return
		}
		format := [...]string{"\t%s = READ_ONCE(*%s);\n", "\t%s = smp_load_acquire(%s);\n", "\t%s = *%s;\n"}[acc]
		fmt.Fprintf(sb, format, r, v)
		return
	}
	format := [...]string{"\tWRITE_ONCE(*%s, %s);\n", "\tsmp_store_release(%s, %s);\n", "\t*%s = %s;\n"}[acc-accOnceWrite]
	fmt.Fprintf(sb, format, v, value())
}

// randomMixSource is a random litmus test over the other primitives a
// speculated read meets: 2–3 CPUs over x, y, z, each a few marked and
// plain reads and writes, acquire/release, xchg_relaxed, cmpxchg,
// atomic_inc_return-style RMWs, fences, RCU read-side critical
// sections with synchronize_rcu, and values carried from reads to
// writes and addresses (data and address dependencies).
func randomMixSource(seed int64) string {
	rng := rand.New(rand.NewSource(seed))
	var sb strings.Builder
	init := "p = x;" // or NULL: only a write (perhaps on a cycle) makes it good
	if rng.Intn(2) == 0 {
		init = ""
	}
	fmt.Fprintf(&sb, "C random-mix-%d\n{\n\t%s\n}\n", seed, init)
	nth := 2 + rng.Intn(2)
	vars := []string{"x", "y", "z"}
	val := 1
	for i := 0; i < nth; i++ {
		fmt.Fprintf(&sb, "P%d(int *x, int *y, int *z, int **p)\n{\n\tint r0;\n\tint r1;\n\tint r2;\n\tint *q;\n", i)
		reg := 0
		inRCU := false
		nops := 2 + rng.Intn(4)
		for j := 0; j < nops; j++ {
			v := vars[rng.Intn(len(vars))]
			newReg := func() (string, bool) {
				if reg == 3 {
					return "", false
				}
				reg++
				return fmt.Sprintf("r%d", reg-1), true
			}
			value := func() string {
				if reg > 0 && rng.Intn(3) == 0 {
					return fmt.Sprintf("r%d", reg-1)
				}
				val++
				return fmt.Sprint(val - 1)
			}
			switch k := rng.Intn(16); {
			case k < 2:
				basicAccess(&sb, accOnceRead, v, newReg, value)
			case k < 3:
				basicAccess(&sb, accAcquireRead, v, newReg, value)
			case k < 4:
				basicAccess(&sb, accPlainRead, v, newReg, value)
			case k < 6:
				basicAccess(&sb, accOnceWrite, v, newReg, value)
			case k < 7:
				basicAccess(&sb, accReleaseWrite, v, newReg, value)
			case k < 8:
				basicAccess(&sb, accPlainWrite, v, newReg, value)
			case k < 9:
				if r, ok := newReg(); ok {
					fmt.Fprintf(&sb, "\t%s = xchg_relaxed(%s, %s);\n", r, v, value())
				}
			case k < 10:
				if r, ok := newReg(); ok {
					fmt.Fprintf(&sb, "\t%s = cmpxchg(%s, %d, %s);\n", r, v, rng.Intn(3), value())
				}
			case k < 11:
				fmt.Fprintf(&sb, "\t%s();\n", []string{"smp_mb", "smp_rmb", "smp_wmb"}[rng.Intn(3)])
			case k < 12:
				if !inRCU {
					sb.WriteString("\trcu_read_lock();\n")
				} else {
					sb.WriteString("\trcu_read_unlock();\n")
				}
				inRCU = !inRCU
			case k < 13:
				if !inRCU {
					sb.WriteString("\tsynchronize_rcu();\n")
				}
			case k < 14:
				// an address dependency: q = READ_ONCE(*p); r = READ_ONCE(*q);
				// (guarded: p may be NULL, and a cycle may be what
				// makes it non-NULL: TestLBFreeCycleFaults)
				if r, ok := newReg(); ok {
					fmt.Fprintf(&sb, "\tq = READ_ONCE(*p);\n\tif (q)\n\t\t%s = READ_ONCE(*q);\n", r)
				}
			case k < 15:
				if rng.Intn(3) == 0 {
					v = "NULL"
				}
				fmt.Fprintf(&sb, "\tWRITE_ONCE(*p, %s);\n", v)
			default:
				// A write under a branch on a read, marked or plain: a
				// cycle of such control dependencies through plain
				// accesses may make a write no acyclic execution makes.
				if reg > 0 {
					w := "WRITE_ONCE(*%s, %s)"
					if rng.Intn(2) == 0 {
						w = "*%s = %s"
					}
					fmt.Fprintf(&sb, "\tif (r%d)\n\t\t"+w+";\n", reg-1, v, value())
				}
			}
		}
		if inRCU {
			sb.WriteString("\trcu_read_unlock();\n")
		}
		sb.WriteString("}\n")
	}
	sb.WriteString("exists (0:r0=0)\n")
	return sb.String()
}

// TestSpecRandomMix is TestSpecRandomLocks on randomMixSource. Its plain
// accesses and branches on reads test lbfree.go too (cycles of control
// dependencies: TestLBFreeControlCycle), so the programs it declares free
// are checked as well.
func TestSpecRandomMix(t *testing.T) {
	specRandom(t, "random-mix", randomMixSource, true)
}

// checkPruning returns h with the oracle of justifiable's pruning added
// (its specPruned hook): each graph a search with those switches prunes is
// searched again without pruning, and nothing in its subtree may finish
// (no execution, blocked, cut or discarded graph, no final state and no
// violation, counted as seen: a later counterexample replaces the one
// kept). What it finds wrong is reported as errors of t when t ends, and
// the count of graphs it checked is in the pruneStats. Every differential
// test of speculation runs under it (the end-to-end check; this one names
// the graph it was wrong on). The searches must have one worker: the
// oracle counts what the pruning worker finds.
func checkPruning(t *testing.T, h hooks) (hooks, *pruneStats) {
	st := &pruneStats{}
	h.specPruned = func(w *worker, g *graph) {
		st.pruned++
		w.hooks.noSpecPruning = true
		defer func() { w.hooks.noSpecPruning = false }()
		count := func() (int, int64) {
			w.e.mu.Lock()
			defer w.e.mu.Unlock()
			n := int64(0)
			for _, o := range w.e.outcomes {
				n += o.Count
			}
			return w.e.seenViolations, n
		}
		saved := w.stats
		sv, oc := count()
		w.visit(g)
		d := w.stats
		w.stats = saved
		sv2, oc2 := count()
		if n := d.Executions + d.Blocked + d.Cut + d.Assumed - saved.Executions - saved.Blocked - saved.Cut - saved.Assumed; n > 0 || sv2 != sv || oc2 != oc {
			if len(st.bad) < 5 {
				st.bad = append(st.bad, fmt.Sprintf("%s: a pruned graph of %d events has %d finished graphs, %d violations and %d final states in its subtree", w.e.prog.Name, g.clock, n, sv2-sv, oc2-oc))
			}
		}
	}
	t.Cleanup(func() {
		for _, b := range st.bad {
			t.Error(b)
		}
	})
	return h, st
}

type pruneStats struct {
	pruned int
	bad    []string
}

// TestSpecPruneOracle runs checkPruning's oracle on random programs
// bigger than the differential tests' (randomBigSource) with DPOR alone,
// as for programs too big to enumerate, which speculation is for.
func TestSpecPruneOracle(t *testing.T) {
	oracle, st := checkPruning(t, hooks{skipEnumeration: true})
	t.Run("big", func(t *testing.T) {
		n := 100
		if !longTests() {
			n = 20
		}
		for seed := int64(1); seed <= int64(n); seed++ {
			src := randomBigSource(seed)
			p, err := litmus.Load(fmt.Sprintf("big-%d.litmus", seed), []byte(src))
			if err != nil {
				t.Fatalf("seed %d: %v\n%s", seed, err, src)
			}
			if ok, _ := lbFree(p, 8); ok {
				continue
			}
			for _, readers := range []bool{false, true} {
				h := oracle
				h.specReaders = readers
				_, err := Explore(context.Background(), p, Options{Model: memmodel.LKMM, Algorithm: DPOR, SpecStates: 40000, MaxStates: 200_000, hooks: &h})
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
			}
		}
	})
	t.Logf("%d pruned graphs checked", st.pruned)
	if st.pruned < 100 {
		t.Errorf("only %d graphs were pruned: the oracle checks too little", st.pruned)
	}
}

// randomBigSource: 3-5 CPUs over x, y, z, an atomic_t a, a pointer p to
// one of them, and a lock: RMWs of every kind, cmpxchg retry loops,
// awaits, locks, plain accesses and address/data/control dependencies.
func randomBigSource(seed int64) string {
	rng := rand.New(rand.NewSource(seed))
	var sb strings.Builder
	init := []string{"", "p = x;", "p = y;", "x = 1;", "p = z; y = 1;"}[rng.Intn(5)]
	fmt.Fprintf(&sb, "C review-big-%d\n{\n\t%s\n}\n", seed, init)
	nth := 3 + rng.Intn(3)
	vars := []string{"x", "y", "z"}
	for i := 0; i < nth; i++ {
		fmt.Fprintf(&sb, "P%d(int *x, int *y, int *z, atomic_t *a, int **p, spinlock_t *l)\n{\n\tint r0;\n\tint r1;\n\tint r2;\n\tint r3;\n\tint *q;\n", i)
		reg := 0
		held := false
		nops := 3 + rng.Intn(4)
		if nth >= 4 {
			nops = 2 + rng.Intn(4)
		}
		newReg := func() (string, bool) {
			if reg == 4 {
				return "", false
			}
			reg++
			return fmt.Sprintf("r%d", reg-1), true
		}
		value := func() string {
			if reg > 0 && rng.Intn(3) == 0 {
				r := fmt.Sprintf("r%d", rng.Intn(reg))
				if rng.Intn(3) == 0 {
					return r + " + 1"
				}
				return r
			}
			return fmt.Sprint(1 + rng.Intn(3))
		}
		sfx := func() string { return []string{"", "_relaxed", "_acquire", "_release"}[rng.Intn(4)] }
		for j := 0; j < nops; j++ {
			v := vars[rng.Intn(len(vars))]
			switch k := rng.Intn(24); {
			case k < 3:
				basicAccess(&sb, accOnceRead, v, newReg, value)
			case k < 4:
				basicAccess(&sb, accAcquireRead, v, newReg, value)
			case k < 5:
				basicAccess(&sb, accPlainRead, v, newReg, value)
			case k < 7:
				basicAccess(&sb, accOnceWrite, v, newReg, value)
			case k < 8:
				basicAccess(&sb, accReleaseWrite, v, newReg, value)
			case k < 9:
				basicAccess(&sb, accPlainWrite, v, newReg, value)
			case k < 10:
				if r, ok := newReg(); ok {
					fmt.Fprintf(&sb, "\t%s = xchg%s(%s, %s);\n", r, sfx(), v, value())
				}
			case k < 11:
				if r, ok := newReg(); ok {
					fmt.Fprintf(&sb, "\t%s = cmpxchg%s(%s, %d, %s);\n", r, sfx(), v, rng.Intn(3), value())
				}
			case k < 12:
				// a cmpxchg retry loop
				if r, ok := newReg(); ok {
					op := []string{"%s + 1", "%s + 2", "1", "%s - 1"}[rng.Intn(4)]
					if strings.Contains(op, "%s") {
						op = fmt.Sprintf(op, r)
					}
					fmt.Fprintf(&sb, "\tdo {\n\t\t%s = READ_ONCE(*%s);\n\t} while (cmpxchg%s(%s, %s, %s) != %s);\n", r, v, sfx(), v, r, op, r)
				}
			case k < 14:
				// atomics on a
				r, ok := newReg()
				if !ok {
					break
				}
				switch rng.Intn(10) {
				case 0:
					fmt.Fprintf(&sb, "\tatomic_inc(a);\n")
					reg--
				case 1:
					fmt.Fprintf(&sb, "\t%s = atomic_add_return%s(%d, a);\n", r, sfx(), 1+rng.Intn(2))
				case 2:
					fmt.Fprintf(&sb, "\t%s = atomic_fetch_or%s(%d, a);\n", r, sfx(), 1+rng.Intn(2))
				case 3:
					fmt.Fprintf(&sb, "\t%s = atomic_add_unless(a, 1, %d);\n", r, rng.Intn(3))
				case 4:
					fmt.Fprintf(&sb, "\t%s = atomic_inc_not_zero(a);\n", r)
				case 5:
					fmt.Fprintf(&sb, "\t%s = atomic_dec_and_test(a);\n", r)
				case 6:
					fmt.Fprintf(&sb, "\t%s = atomic_xchg%s(a, %s);\n", r, sfx(), value())
				case 7:
					fmt.Fprintf(&sb, "\t%s = atomic_cmpxchg%s(a, %d, %s);\n", r, sfx(), rng.Intn(3), value())
				case 8:
					fmt.Fprintf(&sb, "\t%s = atomic_read(a);\n", r)
				default:
					fmt.Fprintf(&sb, "\tatomic_set(a, %s);\n", value())
					reg--
				}
			case k < 15:
				fmt.Fprintf(&sb, "\t%s();\n", []string{"smp_mb", "smp_rmb", "smp_wmb", "smp_mb__after_atomic"}[rng.Intn(4)])
			case k < 17:
				// awaits
				switch rng.Intn(3) {
				case 0:
					fmt.Fprintf(&sb, "\twhile (!READ_ONCE(*%s))\n\t\tcpu_relax();\n", v)
				case 1:
					fmt.Fprintf(&sb, "\twhile (smp_load_acquire(%s) != %d)\n\t\tcpu_relax();\n", v, 1+rng.Intn(2))
				default:
					fmt.Fprintf(&sb, "\twhile (!atomic_read(a))\n\t\tcpu_relax();\n")
				}
			case k < 18:
				if !held {
					sb.WriteString("\tspin_lock(l);\n")
				} else {
					sb.WriteString("\tspin_unlock(l);\n")
				}
				held = !held
			case k < 19:
				// address dependency through p
				if r, ok := newReg(); ok {
					if rng.Intn(2) == 0 {
						fmt.Fprintf(&sb, "\tq = READ_ONCE(*p);\n\tif (q)\n\t\t%s = READ_ONCE(*q);\n", r)
					} else {
						reg--
						fmt.Fprintf(&sb, "\tq = READ_ONCE(*p);\n\tif (q)\n\t\tWRITE_ONCE(*q, %s);\n", value())
					}
				}
			case k < 20:
				t := []string{"x", "y", "z", "NULL"}[rng.Intn(4)]
				fmt.Fprintf(&sb, "\tWRITE_ONCE(*p, %s);\n", t)
			case k < 22:
				// control dependency
				if reg > 0 {
					w := "WRITE_ONCE(*%s, %s)"
					if rng.Intn(3) == 0 {
						w = "*%s = %s"
					}
					cond := fmt.Sprintf("r%d", rng.Intn(reg))
					if rng.Intn(2) == 0 {
						cond = fmt.Sprintf("%s == %d", cond, rng.Intn(3))
					}
					fmt.Fprintf(&sb, "\tif (%s)\n\t\t"+w+";\n", cond, v, value())
				}
			default:
				if reg > 0 && rng.Intn(2) == 0 {
					fmt.Fprintf(&sb, "\tWRITE_ONCE(*%s, r%d);\n", v, rng.Intn(reg))
				} else if r, ok := newReg(); ok {
					fmt.Fprintf(&sb, "\t%s = READ_ONCE(*%s);\n", r, v)
				}
			}
		}
		if held {
			sb.WriteString("\tspin_unlock(l);\n")
		}
		sb.WriteString("}\n")
	}
	sb.WriteString("exists (0:r0=0)\n")
	return sb.String()
}
