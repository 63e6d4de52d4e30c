package explorer

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// hmcMaxStates bounds every HMC search of the tests (a program that
// needs more is not compared).
const hmcMaxStates = 20_000

// hmcEnumStates bounds the reference enumeration likewise.
const hmcEnumStates = 3_000

// hmcTally counts what the differential tests compared.
type hmcTally struct {
	compared, refused, tooBig, noRef int
	why                              []string // the refusals' reasons
	stats                            hmcStats // what the HMC searches did
}

// hmcAgree runs p under lkmm with the enumeration (complete, the
// reference) and with the HMC search, and returns how they differ: the
// verdict, every final state with its count of executions, the
// condition's counts and the flags (summarize). It returns "" without
// comparing when the enumeration gave no complete answer, the HMC search
// refused the program, or either needed more states than the tests allow
// (counted in tl).
func hmcAgree(t *testing.T, p *model.Program, tl *hmcTally) string {
	t.Helper()
	return hmcAgreeMax(t, p, tl, hmcMaxStates)
}

// hmcAgreeMax is hmcAgree with a bound of its own on the HMC search.
func hmcAgreeMax(t *testing.T, p *model.Program, tl *hmcTally, maxStates int64) string {
	t.Helper()
	en := runMax(t, p, Enumerate, hooks{}, hmcEnumStates)
	if en.Stopped != "" || en.Partial != "" {
		tl.noRef++
		return ""
	}
	hm := runMax(t, p, DPOR, hooks{hmc: true, hmcStats: &tl.stats}, maxStates)
	if hm.Stopped != "" {
		if strings.Contains(hm.Stopped, "HMC search does not cover") {
			tl.refused++
			tl.why = append(tl.why, hm.Stopped)
		} else {
			tl.tooBig++
		}
		return ""
	}
	tl.compared++
	if d := cmp.Diff(hmcSummarize(en), hmcSummarize(hm)); d != "" {
		return "enumeration vs HMC (-enumeration +HMC):\n" + d
	}
	return ""
}

// add adds o's counts to s.
func (s *hmcStats) add(o hmcStats) {
	s.revisits += o.revisits
	s.refused += o.refused
	s.holes += o.holes
	s.dups += o.dups
	s.lb += o.lb
}

// hmcSummary is summarize with the violations found (kind and message,
// each once).
type hmcSummary struct {
	Result     resultSummary
	Violations []string
}

func hmcSummarize(r *Result) hmcSummary {
	seen := map[string]bool{}
	var vs []string
	for _, v := range r.Violations {
		k := v.Violation.Kind.String() + ": " + v.Violation.Msg
		if !seen[k] {
			seen[k] = true
			vs = append(vs, k)
		}
	}
	sort.Strings(vs)
	return hmcSummary{summarize(r), vs}
}

func runMax(t *testing.T, p *model.Program, alg Algorithm, h hooks, maxStates int64) *Result {
	t.Helper()
	r, err := Explore(context.Background(), p, Options{Model: memmodel.LKMM, Algorithm: alg, MaxStates: maxStates, AllViolations: true, hooks: &h})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// hmcLitmus builds a two-CPU litmus test from its bodies.
func hmcLitmus(t *testing.T, name, decls, p0, p1, exists string) *model.Program {
	t.Helper()
	const params = "(int *x, int *y, int *z, int *a, int *b, int **p, int **q, atomic_t *w)"
	src := fmt.Sprintf("C %s\n{ %s }\nP0%s\n{\n%s\n}\n\nP1%s\n{\n%s\n}\n\nexists (%s)\n",
		name, decls, params, p0, params, p1, exists)
	p, err := litmus.Load(name+".litmus", []byte(src))
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, src)
	}
	return p
}

// TestHMCShapes: the classic load-buffering shapes, and the ones the
// prototype's rules were written for.
func TestHMCShapes(t *testing.T) {
	var all hmcStats
	for _, tc := range []struct {
		name, decls, p0, p1, exists string
		refused                     bool
	}{
		{"LB", "", "int r0 = READ_ONCE(*x); WRITE_ONCE(*y, 1);", "int r1 = READ_ONCE(*y); WRITE_ONCE(*x, 1);", "0:r0=1 /\\ 1:r1=1", false},
		{"LB+data+po", "", "int r0 = READ_ONCE(*x); WRITE_ONCE(*y, r0);", "int r1 = READ_ONCE(*y); WRITE_ONCE(*x, 1);", "0:r0=1 /\\ 1:r1=1", false},
		{"LB+ctrl+po", "", "int r0 = READ_ONCE(*x); if (r0) WRITE_ONCE(*y, 1);", "int r1 = READ_ONCE(*y); WRITE_ONCE(*x, 1);", "0:r0=1 /\\ 1:r1=1", false},
		{"LB+datas", "", "int r0 = READ_ONCE(*x); WRITE_ONCE(*y, r0);", "int r1 = READ_ONCE(*y); WRITE_ONCE(*x, r1);", "0:r0=1 /\\ 1:r1=1", false},
		{"LB+ctrl+ctrl", "", "int r0 = READ_ONCE(*x); if (r0) WRITE_ONCE(*y, 1);", "int r1 = READ_ONCE(*y); if (r1) WRITE_ONCE(*x, 1);", "0:r0=1 /\\ 1:r1=1", false},
		{"LB+mb+po", "", "int r0 = READ_ONCE(*x); smp_mb(); WRITE_ONCE(*y, 1);", "int r1 = READ_ONCE(*y); WRITE_ONCE(*x, 1);", "0:r0=1 /\\ 1:r1=1", false},
		{"LB+plain-writes", "", "int r0 = READ_ONCE(*x); *y = 1;", "int r1 = READ_ONCE(*y); *x = 1;", "0:r0=1 /\\ 1:r1=1", false},
		{"LB+xchg", "", "int r0 = READ_ONCE(*x); int r2 = xchg_relaxed(z, 1); WRITE_ONCE(*y, 1);", "int r1 = READ_ONCE(*y); WRITE_ONCE(*x, 1);", "0:r0=1 /\\ 1:r1=1", false},
		{"LB+fetch-add", "", "int r0 = READ_ONCE(*x); int r2 = atomic_fetch_add_relaxed(1, w); WRITE_ONCE(*y, 1);", "int r1 = READ_ONCE(*y); int r3 = atomic_fetch_add_relaxed(1, w); WRITE_ONCE(*x, 1);", "0:r0=1 /\\ 1:r1=1", false},
		{"LB+rmw-data", "", "int r0 = READ_ONCE(*x); int r2 = atomic_fetch_add_relaxed(r0, w); WRITE_ONCE(*y, 1);", "int r1 = READ_ONCE(*y); int r3 = atomic_read(w); WRITE_ONCE(*x, r3);", "0:r0=1 /\\ 1:r1=1", false},
		// A read between the revisited read and the write the revisit
		// needs, whose address depends on the revisited read: the
		// prototype's refusals (the counterexample to keeping po
		// prefixes without holes), on both sides.
		{"LB+addr-reads", "p=a; q=a;", "int *r0 = READ_ONCE(*p); int r2 = READ_ONCE(*r0); WRITE_ONCE(*q, b);",
			"int *r1 = READ_ONCE(*q); int r3 = READ_ONCE(*r1); WRITE_ONCE(*p, b);", "0:r0=b /\\ 1:r1=b", false},
		// Cycles lkmm allows that no revisit can build: refused.
		{"LB+ctrl-plain", "", "int r0 = READ_ONCE(*x); if (r0) *y = 1;", "int r1 = READ_ONCE(*y); if (r1) *x = 1;", "0:r0=1 /\\ 1:r1=1", true},
		{"LB+ctrl-escapes+data", "", "int r0 = READ_ONCE(*x); int r2 = 0; if (r0) r2 = 1; WRITE_ONCE(*y, r2);", "int r1 = READ_ONCE(*y); WRITE_ONCE(*x, r1);", "0:r0=1 /\\ 1:r1=1", true},
		// (The enumeration gives x no value but 0, as herd7: a value
		// read on a path its values do not take is not written; the
		// static check, whose values come from every path, refuses it:
		// r2 escapes the conditional.)
		{"LB+ctrl-read+data", "z=1;", "int r0 = READ_ONCE(*x); int r2 = 0; if (r0) r2 = READ_ONCE(*z); WRITE_ONCE(*y, r2);", "int r1 = READ_ONCE(*y); WRITE_ONCE(*x, r1);", "0:r0=1 /\\ 1:r1=1", true},
		// A branch on the revisited read before the write the revisit
		// needs, on both sides: the kept events are made by other
		// instructions.
		{"LB+branch-reads", "", "int r0 = READ_ONCE(*x); int r2 = 0; if (r0) r2 = READ_ONCE(*z); WRITE_ONCE(*y, 1);",
			"int r1 = READ_ONCE(*y); int r3 = 0; if (r1) r3 = READ_ONCE(*z); WRITE_ONCE(*x, 1);", "0:r0=1 /\\ 1:r1=1", false},
	} {
		p := hmcLitmus(t, tc.name, tc.decls, tc.p0, tc.p1, tc.exists)
		var tl hmcTally
		if d := hmcAgree(t, p, &tl); d != "" {
			t.Errorf("%s: %s", tc.name, d)
		}
		if tc.refused != (tl.refused > 0) || tl.compared+tl.refused != 1 {
			t.Errorf("%s: %+v, want refused=%v", tc.name, tl, tc.refused)
		}
		all.add(tl.stats)
	}
	if all.lb == 0 {
		t.Errorf("no execution with a po ∪ rf cycle was built")
	}
	t.Logf("revisits %d, refused %d, duplicates %d, with load buffering %d", all.revisits, all.refused, all.dups, all.lb)
}

// TestHMCLockDeadlock: a spin_lock's read decides whether its CPU goes
// on, with no dependency recorded for the events after it. Without it in
// D, the revisit by P2's unlock of P0's spin_trylock makes P2's spin_lock
// read a hole that must read P1's unlock, which the revisit deletes, and
// the deadlock of P0 alone (P1 and P2 take the lock first, P0's trylock
// takes it after them and its spin_lock waits for itself) is missed
// (found by TestHMCRandom, lock seed 9).
func TestHMCLockDeadlock(t *testing.T) {
	const body = "(spinlock_t *l)\n{\n\tspin_lock(l);\n\tspin_unlock(l);\n}\n"
	src := "C lock-deadlock\n{}\nP0(spinlock_t *l)\n{\n\tint r0;\n\tr0 = spin_trylock(l);\n\tspin_lock(l);\n\tspin_unlock(l);\n}\n" +
		"P1" + body + "P2" + body + "exists (0:r0=0)\n"
	p, err := litmus.Load("lock-deadlock.litmus", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	var tl hmcTally
	if d := hmcAgree(t, p, &tl); d != "" {
		t.Error(d)
	}
	if tl.compared != 1 {
		t.Errorf("not compared: %+v", tl)
	}
}

// TestHMCHoleSeeds: randomProgram(257) and (335), where a hole's read
// must read a write its revisit deleted on another CPU, which that CPU
// makes again after its last kept event (P2's failed cmpxchg reads P1's
// successful one): with holes made again at once from the run's writes
// only, the HMC search missed a final state of each.
func TestHMCHoleSeeds(t *testing.T) {
	var tl hmcTally
	for _, seed := range []int64{257, 335} {
		p := randomProgram(seed)
		if d := hmcAgreeMax(t, p, &tl, 100_000); d != "" { // 257 takes 36,000
			t.Errorf("seed %d: %s\n%s", seed, d, dumpProgram(p))
		}
	}
	if tl.compared != 2 {
		t.Errorf("not compared: %+v", tl)
	}
}

// hmcCorpusCPUs is the most CPUs of the corpus tests TestHMCCorpus
// compares by default: the RCU chains of 6 to 8 CPUs take most of its
// time (their revisits have many holes, each of whose reads may read a
// write its CPU makes again: hmc.go).
const hmcCorpusCPUs = 5

// TestHMCCorpus runs the HMC search against the enumeration on the
// kernel's litmus tests that the enumeration finishes in a few states.
func TestHMCCorpus(t *testing.T) {
	files := lkmmCorpus(t)
	var tl hmcTally
	skipped := 0
	for _, f := range files {
		p := loadLitmus(t, f)
		if len(p.Threads) > hmcCorpusCPUs && !longTests() {
			skipped++
			continue
		}
		st := time.Now()
		if d := hmcAgree(t, p, &tl); d != "" {
			t.Errorf("%s: %s", f, d)
		}
		if el := time.Since(st); el > 200*time.Millisecond {
			t.Logf("%s: %v", f, el)
		}
	}
	t.Logf("%d corpus tests: compared %d, refused %d, too big %d, no reference %d, more than %d CPUs (MMCHECK_SLOW=1 runs them) %d",
		len(files), tl.compared, tl.refused, tl.tooBig, tl.noRef, hmcCorpusCPUs, skipped)
	for _, w := range tl.why {
		t.Logf("refused: %s", w)
	}
}

// TestHMCRandom runs the HMC search against the enumeration on random
// programs with load-buffering shapes (four times as many with
// MMCHECK_SLOW=1): the IR generators of fuzz_test.go
// and lb_test.go (dependencies, ctrl, fetch-and-add and xchg, awaits,
// checks), the litmus generators of spec_test.go (plain accesses, RMWs,
// RCU, locks) and hmcHoleSource (reads and branches between a revisited
// read and the write that revisits it).
func TestHMCRandom(t *testing.T) {
	compared, lbAll := 0, int64(0)
	scale := int64(1)
	if longTests() {
		scale = 4 // MMCHECK_SLOW=1: four times the seeds
	}
	for _, g := range hmcRandomGens(t) {
		var tl hmcTally
		st := time.Now()
		for seed := int64(1); seed <= scale*int64(g.n); seed++ {
			p := g.gen(seed)
			if d := hmcAgree(t, p, &tl); d != "" {
				t.Errorf("%s seed %d: %s\n%s", g.name, seed, d, dumpProgram(p))
			}
		}
		for _, w := range tl.why {
			t.Logf("%s: refused: %s", g.name, w)
		}
		t.Logf("%s: compared %d, refused %d, too big %d, no reference %d; %d executions with load buffering; %d revisits, %d refused, %d hole reads; %v",
			g.name, tl.compared, tl.refused, tl.tooBig, tl.noRef, tl.stats.lb,
			tl.stats.revisits, tl.stats.refused, tl.stats.holes, time.Since(st))
		compared += tl.compared
		lbAll += tl.stats.lb
	}
	if compared < 250 || lbAll == 0 {
		t.Errorf("%d random programs compared, %d executions with load buffering built: expected more", compared, lbAll)
	}
}

// hmcGen is a generator of random programs and how many of its seeds
// the differential tests take (from 1).
type hmcGen struct {
	name string
	n    int
	gen  func(seed int64) *model.Program
}

// hmcRandomGens are TestHMCRandom's generators.
func hmcRandomGens(t *testing.T) []hmcGen {
	return []hmcGen{
		{"ir", 60, randomProgram},
		{"dep", 60, randomDepProgram},
		{"mix", 60, hmcSource(t, "mix", randomMixSource)},
		{"lock", 30, hmcSource(t, "lock", randomLockSource)},
		{"hole", 120, hmcSource(t, "hole", hmcHoleSource)},
		{"plain", 40, hmcSource(t, "plain", randomPlainCycleSource)},
	}
}

func hmcSource(t *testing.T, name string, gen func(int64) string) func(int64) *model.Program {
	return func(seed int64) *model.Program {
		src := gen(seed)
		p, err := litmus.Load(fmt.Sprintf("%s-%d.litmus", name, seed), []byte(src))
		if err != nil {
			t.Fatalf("%s seed %d: %v\n%s", name, seed, err, src)
		}
		return p
	}
}

// hmcHoleSource is a random litmus test where load buffering must keep
// events that a revisited read's new value changes: 2–3 CPUs, each
// reading a pointer or a value, then reads through the pointer (an
// address dependency), branches on the value with reads or writes
// inside, RMWs, and marked writes (of constants, or of the value: data)
// that another CPU reads first.
func hmcHoleSource(seed int64) string {
	rng := newRand(seed)
	var sb strings.Builder
	fmt.Fprintf(&sb, "C hole-%d\n{ p=a; q=a; }\n", seed)
	nth := 2 + rng.Intn(2)
	ptrs := []string{"p", "q"}
	vals := []string{"x", "y", "z"}
	for i := 0; i < nth; i++ {
		fmt.Fprintf(&sb, "P%d(int **p, int **q, int *x, int *y, int *z, int *a, int *b)\n{\n", i)
		nreg := 0
		reg := func() string { nreg++; return fmt.Sprintf("r%d", nreg-1) }
		// The first read: a pointer or a value.
		var ptr, val string
		if rng.Intn(2) == 0 {
			ptr = reg()
			fmt.Fprintf(&sb, "\tint *%s = READ_ONCE(*%s);\n", ptr, ptrs[rng.Intn(2)])
		} else {
			val = reg()
			fmt.Fprintf(&sb, "\tint %s = READ_ONCE(*%s);\n", val, vals[rng.Intn(3)])
		}
		for j, n := 0, 1+rng.Intn(3); j < n; j++ {
			switch k := rng.Intn(9); {
			case k < 2 && ptr != "":
				r := reg()
				fmt.Fprintf(&sb, "\tint %s = READ_ONCE(*%s);\n", r, ptr)
				if val == "" {
					val = r
				}
			case k < 4 && val != "":
				r := reg()
				fmt.Fprintf(&sb, "\tint %s = 0;\n\tif (%s) %s = READ_ONCE(*%s);\n", r, val, r, vals[rng.Intn(3)])
			case k < 5 && val != "":
				fmt.Fprintf(&sb, "\tif (%s == 1) WRITE_ONCE(*%s, 2);\n", val, vals[rng.Intn(3)])
			case k < 6:
				r := reg()
				if rng.Intn(2) == 0 {
					fmt.Fprintf(&sb, "\tint %s = xchg_relaxed(%s, %d);\n", r, vals[rng.Intn(3)], 1+rng.Intn(2))
				} else {
					fmt.Fprintf(&sb, "\tint %s = atomic_fetch_add_relaxed(1, (atomic_t *)%s);\n", r, vals[rng.Intn(3)])
				}
			case k < 7 && val != "":
				fmt.Fprintf(&sb, "\tWRITE_ONCE(*%s, %s);\n", vals[rng.Intn(3)], val)
			case k < 8:
				fmt.Fprintf(&sb, "\tWRITE_ONCE(*%s, %s);\n", ptrs[rng.Intn(2)], []string{"a", "b"}[rng.Intn(2)])
			default:
				fmt.Fprintf(&sb, "\tWRITE_ONCE(*%s, 1);\n", vals[rng.Intn(3)])
			}
		}
		sb.WriteString("}\n\n")
	}
	sb.WriteString("exists (0:r0=0)\n")
	return sb.String()
}

func newRand(seed int64) *rand.Rand { return rand.New(rand.NewSource(seed)) }
