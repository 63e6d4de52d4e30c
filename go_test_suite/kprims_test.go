package go_test_suite

// The kernel primitives outside linux-kernel.def (issue 17, items 4 and
// 5): try_cmpxchg, atomic_long_*, refcount_t, smp_cond_load_*,
// smp_acquire__after_ctrl_dep and the bit operations. Each shape has a
// verdict that differs if the primitive's ordering were weaker or
// stronger than the kernel documents, or its value wrong.

import (
	"context"
	"strings"
	"testing"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// kprim is one test: a litmus source and, per model, whether its exists
// clause is reachable ("allowed"). always says the clause holds in every
// execution (under every model); violation names a violation every model
// must find instead; flag a flag lkmm must raise.
type kprim struct {
	name      string
	src       string
	allowed   map[string]bool // by model name; models absent are not checked
	always    bool
	violation string
	flag      string
}

var kModels = map[string]*memmodel.Model{"sc": memmodel.SC, "tso": memmodel.TSO, "ra": memmodel.RA, "lkmm": memmodel.LKMM}

// weak: allowed under ra and lkmm, not under sc (tso: any, its RMWs are
// fully ordered); strong: forbidden everywhere.
var (
	weak   = map[string]bool{"sc": false, "ra": true, "lkmm": true}
	strong = map[string]bool{"sc": false, "tso": false, "ra": false, "lkmm": false}
)

func runKprim(t *testing.T, tc kprim) {
	t.Helper()
	p, err := litmus.Load(tc.name+".litmus", []byte(tc.src))
	if err != nil {
		t.Fatalf("%s: %v\n%s", tc.name, err, tc.src)
	}
	for name, m := range kModels {
		want, check := tc.allowed[name]
		if !check && !tc.always && tc.violation == "" && tc.flag == "" {
			continue
		}
		if tc.flag != "" && name != "lkmm" {
			continue
		}
		r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: m, MaxStates: corpusStates})
		if err != nil {
			t.Fatalf("%s under %s: %v", tc.name, name, err)
		}
		switch {
		case tc.violation != "":
			if len(r.Violations) == 0 || !strings.Contains(r.Violations[0].Violation.Kind.String()+": "+r.Violations[0].Violation.Msg, tc.violation) {
				t.Errorf("%s under %s: want violation %q, got %v %s", tc.name, name, tc.violation, r.Verdict, r.Reason)
			}
			continue
		case tc.flag != "":
			if !strings.Contains(strings.Join(r.Flags, " "), tc.flag) {
				t.Errorf("%s under %s: want flag %s, got %v", tc.name, name, tc.flag, r.Flags)
			}
			continue
		}
		if r.Stopped != "" || len(r.Violations) > 0 && r.Violations[0].Violation.Kind != model.CondWitness {
			t.Errorf("%s under %s: %v %s (stopped %q)", tc.name, name, r.Verdict, r.Reason, r.Stopped)
			continue
		}
		if tc.always {
			if r.Positive == 0 || r.Negative != 0 {
				t.Errorf("%s under %s: want the condition in every execution, got %d positive, %d negative; outcomes %v",
					tc.name, name, r.Positive, r.Negative, r.Outcomes)
			}
			continue
		}
		if got := r.Positive > 0; got != want {
			t.Errorf("%s under %s: exists reachable = %v, want %v", tc.name, name, got, want)
		}
	}
}

// kp builds a two-CPU test with shared ints x, y, f, c (c = cinit) and
// the array b[2] (b[0] = binit).
func kp(cinit, binit string, p0, p1, cond string) string {
	return `C k

{
	int x;
	int y;
	int f;
	atomic_t c = ATOMIC_INIT(` + cinit + `);
	long b[2] = { ` + binit + ` };
	int o;
}

P0()
{
	int r0 = 0;
	int r1 = 0;
	int old = 0;

	` + p0 + `
}

P1()
{
	int r0 = 0;
	int r1 = 0;
	int r2 = 0;
	int old = 0;

	` + p1 + `
}

exists (` + cond + `)
`
}

func TestKprimTryCmpxchg(t *testing.T) {
	mpW := "WRITE_ONCE(x, 1); smp_store_release(&f, 1);"
	for _, tc := range []kprim{
		// SB through a successful try_cmpxchg: fully ordered.
		{name: "SB+try_cmpxchg", src: kp("0", "0", "r0 = try_cmpxchg(&f, &old, 1); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = READ_ONCE(f);", "0:r0=1 /\\ 0:r1=0 /\\ 1:r0=0"), allowed: strong},
		{name: "SB+try_cmpxchg_acquire", src: kp("0", "0", "r0 = try_cmpxchg_acquire(&f, &old, 1); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = READ_ONCE(f);", "0:r0=1 /\\ 0:r1=0 /\\ 1:r0=0"), allowed: weak},
		// MP, reader side: acquire orders, relaxed and release do not.
		{name: "MP+atomic_try_cmpxchg_acquire", src: kp("0", "0", mpW,
			"old = 1; r0 = atomic_try_cmpxchg_acquire(&f, &old, 2); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+try_cmpxchg_relaxed", src: kp("0", "0", mpW,
			"old = 1; r0 = try_cmpxchg_relaxed(&f, &old, 2); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		{name: "MP+try_cmpxchg_release", src: kp("0", "0", mpW,
			"old = 1; r0 = try_cmpxchg_release(&f, &old, 2); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		// MP, writer side: release orders, acquire does not.
		{name: "MP+try_cmpxchg_release-writer", src: kp("0", "0", "WRITE_ONCE(x, 1); r0 = try_cmpxchg_release(&f, &old, 1);",
			"r0 = smp_load_acquire(&f); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+try_cmpxchg_acquire-writer", src: kp("0", "0", "WRITE_ONCE(x, 1); r0 = try_cmpxchg_acquire(&f, &old, 1);",
			"r0 = smp_load_acquire(&f); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		// A failed try_cmpxchg orders nothing (as a failed cmpxchg), and
		// sets old to the value it read.
		{name: "MP+try_cmpxchg-fails", src: kp("0", "0", mpW,
			"old = 5; r0 = try_cmpxchg(&f, &old, 2); r1 = READ_ONCE(x); r2 = old;", "1:r0=0 /\\ 1:r2=1 /\\ 1:r1=0"),
			allowed: map[string]bool{"sc": false, "lkmm": true}},
		{name: "try_cmpxchg-value", src: kp("7", "0", "old = 3; r0 = atomic_try_cmpxchg(&c, &old, 4); r1 = old;",
			"old = 7; r0 = try_cmpxchg_relaxed(&f, &old, 8); r1 = old;",
			"0:r0=0 /\\ 0:r1=7 /\\ 1:r0=0 /\\ 1:r1=0 /\\ c=7 /\\ f=0"), always: true},
		{name: "try_cmpxchg-value-success", src: kp("7", "0", "old = 7; r0 = atomic_try_cmpxchg(&c, &old, 8); r1 = old;", "",
			"0:r0=1 /\\ 0:r1=7 /\\ c=8"), always: true},
		// old through a pointer to memory: read, and written on failure.
		{name: "try_cmpxchg-mem", src: kp("7", "0", "o = 3; r0 = atomic_try_cmpxchg(&c, &o, 4); r1 = o;",
			"", "0:r0=0 /\\ 0:r1=7 /\\ c=7"), always: true},
		// The retry loop: two increments, never lost.
		{name: "try_cmpxchg-loop", src: kp("0", "0",
			"old = READ_ONCE(x); do { } while (!try_cmpxchg(&x, &old, old + 1));",
			"old = READ_ONCE(x); do { } while (!try_cmpxchg_relaxed(&x, &old, old + 1));", "x=2"), always: true},
	} {
		runKprim(t, tc)
	}
}

func TestKprimAcquireAfterCtrlDep(t *testing.T) {
	w := "WRITE_ONCE(x, 1); smp_wmb(); WRITE_ONCE(f, 1);"
	for _, tc := range []kprim{
		{name: "MP+wmb+ctrl-acquire", src: kp("0", "0", w,
			"r0 = READ_ONCE(f); if (r0) { smp_acquire__after_ctrl_dep(); r1 = READ_ONCE(x); }", "1:r0=1 /\\ 1:r1=0"),
			allowed: strong},
		{name: "MP+wmb+ctrl", src: kp("0", "0", w,
			"r0 = READ_ONCE(f); if (r0) { r1 = READ_ONCE(x); }", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		// It is smp_rmb: no store is ordered after it but by the control
		// dependency (SB, the write after the if).
		{name: "SB+ctrl-acquire", src: kp("0", "0", "r0 = READ_ONCE(f); if (r0) { smp_acquire__after_ctrl_dep(); } WRITE_ONCE(y, 1);",
			"r0 = READ_ONCE(y); smp_mb(); WRITE_ONCE(f, 1);", "0:r0=1 /\\ 1:r0=1"),
			allowed: map[string]bool{"sc": false, "lkmm": true}},
	} {
		runKprim(t, tc)
	}
}

func TestKprimAtomicLong(t *testing.T) {
	mpW := "WRITE_ONCE(x, 1); smp_store_release(&f, 1);"
	for _, tc := range []kprim{
		{name: "MP+atomic_long_fetch_add_acquire", src: kp("0", "0", mpW,
			"r0 = atomic_long_fetch_add_acquire(1, &f); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+atomic_long_fetch_add_relaxed", src: kp("0", "0", mpW,
			"r0 = atomic_long_fetch_add_relaxed(1, &f); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		{name: "SB+atomic_long_xchg", src: kp("0", "0", "r0 = atomic_long_xchg(&f, 1); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = atomic_long_read(&f);", "0:r1=0 /\\ 1:r0=0"), allowed: strong},
		{name: "SB+atomic_long_inc", src: kp("0", "0", "atomic_long_inc(&f); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = atomic_long_read(&f);", "0:r1=0 /\\ 1:r0=0"), allowed: weak},
		{name: "SB+atomic_long_inc+after_atomic", src: kp("0", "0", "atomic_long_inc(&f); smp_mb__after_atomic(); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = atomic_long_read(&f);", "0:r1=0 /\\ 1:r0=0"), allowed: strong},
		// smp_rmb does not order the read of a void atomic (Noreturn), as
		// linux-kernel.def's atomic_add.
		{name: "MP+wmb+atomic_long_add+rmb", src: kp("0", "0", "WRITE_ONCE(x, 1); smp_wmb(); atomic_long_set(&f, 1);",
			"atomic_long_add(2, &f); smp_rmb(); r1 = READ_ONCE(x); r0 = atomic_long_read(&f);", "1:r0=3 /\\ 1:r1=0"),
			allowed: map[string]bool{"sc": false, "lkmm": true}},
		{name: "MP+wmb+atomic_long_add_return_relaxed+rmb", src: kp("0", "0", "WRITE_ONCE(x, 1); smp_wmb(); atomic_long_set(&f, 1);",
			"r0 = atomic_long_add_return_relaxed(2, &f); smp_rmb(); r1 = READ_ONCE(x);", "1:r0=3 /\\ 1:r1=0"),
			allowed: map[string]bool{"sc": false, "lkmm": false}},
		{name: "atomic_long-values", src: kp("5", "0",
			"atomic_long_set(&c, 7); r0 = atomic_long_dec_and_test(&c); r1 = atomic_long_inc_not_zero(&c); old = atomic_long_cmpxchg(&c, 7, 1);",
			"", "0:r0=0 /\\ 0:r1=1 /\\ 0:old=7 /\\ c=1"), always: true},
	} {
		runKprim(t, tc)
	}
}

func TestKprimRefcount(t *testing.T) {
	for _, tc := range []kprim{
		// The last put: release on the other side, acquire on success.
		{name: "MP+refcount_dec_and_test", src: kp("2", "0", "WRITE_ONCE(x, 1); r0 = refcount_dec_and_test(&c);",
			"r0 = refcount_dec_and_test(&c); if (r0) r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+refcount_dec", src: kp("2", "0", "WRITE_ONCE(x, 1); refcount_dec(&c);",
			"r0 = atomic_read_acquire(&c); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		// Acquire only on success.
		{name: "MP+refcount_dec_and_test-fails", src: kp("3", "0", "WRITE_ONCE(x, 1); refcount_set_release(&c, 5);",
			"r0 = refcount_dec_and_test(&c); r1 = READ_ONCE(x);", "1:r0=0 /\\ 1:r1=0 /\\ c=4"), allowed: weak},
		{name: "MP+refcount_dec_and_test-kfree", src: `C k
struct obj { int data; };
{
	struct obj o;
	atomic_t c = ATOMIC_INIT(2);
}
P0() { WRITE_ONCE(o.data, 1); if (refcount_dec_and_test(&c)) kfree(&o); }
P1() { WRITE_ONCE(o.data, 2); if (refcount_dec_and_test(&c)) kfree(&o); }
exists (c=0)
`, always: true},
		// Not fully ordered: its write is not ordered before later reads.
		{name: "SB+refcount_dec_and_test", src: kp("1", "0", "r0 = refcount_dec_and_test(&c); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = refcount_read(&c);", "0:r0=1 /\\ 0:r1=0 /\\ 1:r0=1"), allowed: weak},
		// refcount_inc is relaxed; refcount_inc_not_zero too (a control
		// dependency orders what it guards, nothing else).
		{name: "SB+refcount_inc", src: kp("1", "0", "refcount_inc(&c); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = refcount_read(&c);", "0:r1=0 /\\ 1:r0=1"), allowed: weak},
		{name: "MP+refcount_inc_not_zero", src: kp("0", "0", "WRITE_ONCE(x, 1); smp_wmb(); refcount_set(&c, 1);",
			"r0 = refcount_inc_not_zero(&c); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		{name: "MP+refcount_inc_not_zero-rmb", src: kp("0", "0", "WRITE_ONCE(x, 1); smp_wmb(); refcount_set(&c, 1);",
			"r0 = refcount_inc_not_zero(&c); smp_rmb(); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+refcount_inc_not_zero_acquire", src: kp("0", "0", "WRITE_ONCE(x, 1); refcount_set_release(&c, 1);",
			"r0 = refcount_inc_not_zero_acquire(&c); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+refcount_add_not_zero_acquire", src: kp("0", "0", "WRITE_ONCE(x, 1); refcount_set_release(&c, 1);",
			"r0 = refcount_add_not_zero_acquire(2, &c); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0 /\\ c=3"), allowed: strong},
		{name: "MP+refcount_set+refcount_inc_not_zero_acquire", src: kp("0", "0", "WRITE_ONCE(x, 1); refcount_set(&c, 1);",
			"r0 = refcount_inc_not_zero_acquire(&c); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		// A failed one (the count is 0) orders nothing.
		{name: "MP+refcount_inc_not_zero_acquire-fails", src: kp("5", "0", "WRITE_ONCE(x, 1); refcount_set_release(&c, 0);",
			"r0 = refcount_inc_not_zero_acquire(&c); r1 = READ_ONCE(x);", "1:r0=0 /\\ 1:r1=0 /\\ c=0"),
			allowed: map[string]bool{"sc": false, "lkmm": true}},
		{name: "LB+refcount_inc_not_zero+ctrl", src: kp("0", "0", "r0 = READ_ONCE(y); smp_mb(); refcount_set(&c, 1);",
			"r0 = refcount_inc_not_zero(&c); if (r0) WRITE_ONCE(y, 1);", "0:r0=1 /\\ 1:r0=1"), allowed: strong},
		{name: "refcount-values", src: kp("1", "0", "refcount_inc(&c); r0 = refcount_dec_and_test(&c); r1 = refcount_read(&c);",
			"", "0:r0=0 /\\ 0:r1=1"), always: true},
		{name: "refcount-values-2", src: kp("1", "0",
			"refcount_add(3, &c); r0 = refcount_sub_and_test(2, &c); r1 = refcount_add_not_zero(2, &c); old = refcount_dec_if_one(&c);",
			"", "0:r0=0 /\\ 0:r1=1 /\\ 0:old=0 /\\ c=4"), always: true},
		{name: "refcount-values-3", src: kp("3", "0",
			"r0 = refcount_sub_and_test(2, &c); r1 = refcount_dec_if_one(&c); old = refcount_add_not_zero(5, &c);",
			"", "0:r0=0 /\\ 0:r1=1 /\\ 0:old=0 /\\ c=0"), always: true},
		{name: "MP+refcount_sub_and_test-kfree", src: `C k
struct obj { int data; };
{
	struct obj o;
	atomic_t c = ATOMIC_INIT(3);
}
P0() { WRITE_ONCE(o.data, 1); if (refcount_sub_and_test(2, &c)) kfree(&o); }
P1() { WRITE_ONCE(o.data, 2); if (refcount_sub_and_test(1, &c)) kfree(&o); }
exists (c=0)
`, always: true},
		{name: "MP+refcount_sub_and_test", src: kp("3", "0", "WRITE_ONCE(x, 1); r0 = refcount_sub_and_test(2, &c);",
			"r0 = refcount_sub_and_test(1, &c); if (r0) r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+refcount_dec_if_one", src: kp("1", "0", "WRITE_ONCE(x, 1); r0 = refcount_dec_if_one(&c);",
			"r0 = atomic_read_acquire(&c); r1 = READ_ONCE(x);", "1:r0=0 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+refcount_add_not_zero", src: kp("0", "0", "WRITE_ONCE(x, 1); smp_wmb(); refcount_set(&c, 1);",
			"r0 = refcount_add_not_zero(2, &c); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		{name: "refcount_add-uaf", src: kp("0", "0", "refcount_add(2, &c);", "", "c=2"), violation: "WARN_ON"},
		{name: "refcount_sub_and_test-underflow", src: kp("1", "0", "r0 = refcount_sub_and_test(2, &c);", "", "c=-1"), violation: "WARN_ON"},
		{name: "refcount_inc_not_zero-zero", src: kp("0", "0", "r0 = refcount_inc_not_zero(&c);", "", "0:r0=0 /\\ c=0"), always: true},
		// The kernel's WARNs: increment from 0, decrement to 0, underflow.
		{name: "refcount_inc-uaf", src: kp("0", "0", "refcount_inc(&c);", "", "c=1"), violation: "WARN_ON"},
		{name: "refcount_dec-leak", src: kp("1", "0", "refcount_dec(&c);", "", "c=0"), violation: "WARN_ON"},
		{name: "refcount_dec_and_test-underflow", src: kp("0", "0", "r0 = refcount_dec_and_test(&c);", "", "c=-1"), violation: "WARN_ON"},
	} {
		runKprim(t, tc)
	}
}

func TestKprimCondLoad(t *testing.T) {
	w := "WRITE_ONCE(x, 1); smp_store_release(&f, 1);"
	for _, tc := range []kprim{
		{name: "MP+smp_cond_load_acquire", src: kp("0", "0", w, "r0 = smp_cond_load_acquire(&f, VAL != 0); r1 = READ_ONCE(x);", "1:r1=0"),
			allowed: strong},
		{name: "MP+smp_cond_load_relaxed", src: kp("0", "0", w, "r0 = smp_cond_load_relaxed(&f, VAL); r1 = READ_ONCE(x);", "1:r1=0"),
			allowed: weak},
		{name: "MP+smp_cond_load_relaxed+ctrl-acquire", src: kp("0", "0", w,
			"r0 = smp_cond_load_relaxed(&f, VAL); smp_acquire__after_ctrl_dep(); r1 = READ_ONCE(x);", "1:r1=0"),
			allowed: strong},
		{name: "MP+atomic_cond_read_acquire", src: kp("0", "0", "WRITE_ONCE(x, 1); atomic_set_release(&c, 1);",
			"r0 = atomic_cond_read_acquire(&c, VAL > 0); r1 = READ_ONCE(x);", "1:r1=0"), allowed: strong},
		{name: "MP+atomic_cond_read_relaxed", src: kp("0", "0", "WRITE_ONCE(x, 1); atomic_set_release(&c, 1);",
			"r0 = atomic_cond_read_relaxed(&c, VAL > 0); r1 = READ_ONCE(x);", "1:r1=0"), allowed: weak},
		// VAL is the value read, and the value of the call the last one.
		{name: "smp_cond_load-value", src: kp("0", "0", "WRITE_ONCE(f, 1); WRITE_ONCE(f, 2);",
			"r0 = smp_cond_load_relaxed(&f, VAL > 1);", "1:r0=2"), always: true},
		{name: "smp_cond_load-missed", src: kp("0", "0", "WRITE_ONCE(f, 1); WRITE_ONCE(f, 2); WRITE_ONCE(f, 3);",
			"r0 = smp_cond_load_relaxed(&f, VAL == 2);", "1:r0=2"), violation: "deadlock"},
		{name: "smp_cond_load-deadlock", src: kp("0", "0", "WRITE_ONCE(f, 1);",
			"r0 = smp_cond_load_acquire(&f, VAL == 2);", "1:r0=2"), violation: "deadlock"},
	} {
		runKprim(t, tc)
	}
}

func TestKprimBitops(t *testing.T) {
	for _, tc := range []kprim{
		// set_bit and test_bit order nothing; smp_mb__before_atomic applies
		// to set_bit as to atomic_inc.
		{name: "MP+set_bit+test_bit", src: kp("0", "0", "WRITE_ONCE(x, 1); set_bit(3, b);",
			"r0 = test_bit(3, b); smp_rmb(); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		{name: "MP+before_atomic+set_bit+test_bit", src: kp("0", "0", "WRITE_ONCE(x, 1); smp_mb__before_atomic(); set_bit(3, b);",
			"r0 = test_bit(3, b); smp_rmb(); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		{name: "SB+clear_bit", src: kp("0", "1", "clear_bit(0, b); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = READ_ONCE(b[0]);", "0:r1=0 /\\ 1:r0=1"), allowed: weak},
		{name: "SB+clear_bit+after_atomic", src: kp("0", "1", "clear_bit(0, b); smp_mb__after_atomic(); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = READ_ONCE(b[0]);", "0:r1=0 /\\ 1:r0=1"), allowed: strong},
		{name: "MP+wmb+set_bit+rmb", src: kp("0", "0", "WRITE_ONCE(x, 1); smp_wmb(); WRITE_ONCE(b[0], 1);",
			"set_bit(1, b); smp_rmb(); r1 = READ_ONCE(x); r0 = READ_ONCE(b[0]);", "1:r0=3 /\\ 1:r1=0"),
			allowed: map[string]bool{"sc": false, "lkmm": true}},
		// test_and_set_bit and test_and_clear_bit are fully ordered, even
		// when the bit does not change (atomic_bitops.txt).
		{name: "SB+test_and_set_bit", src: kp("0", "0", "r0 = test_and_set_bit(0, b); r1 = READ_ONCE(y);",
			"WRITE_ONCE(y, 1); smp_mb(); r0 = READ_ONCE(b[0]);", "0:r1=0 /\\ 1:r0=0"), allowed: strong},
		{name: "MP+test_and_clear_bit-unchanged", src: kp("0", "0", "WRITE_ONCE(x, 1); r0 = test_and_clear_bit(5, b); WRITE_ONCE(y, 1);",
			"r0 = READ_ONCE(y); smp_rmb(); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
		// The bit lock: clear_bit_unlock releases, a successful
		// test_and_set_bit_lock acquires; a failed one orders nothing.
		{name: "MP+clear_bit_unlock+test_and_set_bit_lock", src: kp("0", "1", "WRITE_ONCE(x, 1); clear_bit_unlock(0, b);",
			"r0 = test_and_set_bit_lock(0, b); r1 = READ_ONCE(x);", "1:r0=0 /\\ 1:r1=0"), allowed: strong},
		{name: "MP+clear_bit+test_and_set_bit_lock", src: kp("0", "1", "WRITE_ONCE(x, 1); clear_bit(0, b);",
			"r0 = test_and_set_bit_lock(0, b); r1 = READ_ONCE(x);", "1:r0=0 /\\ 1:r1=0"), allowed: weak},
		{name: "MP+clear_bit_unlock+test_bit", src: kp("0", "1", "WRITE_ONCE(x, 1); clear_bit_unlock(0, b);",
			"r0 = test_bit(0, b); r1 = READ_ONCE(x);", "1:r0=0 /\\ 1:r1=0"), allowed: weak},
		{name: "MP+release+test_and_set_bit_lock-fails", src: kp("0", "0", "WRITE_ONCE(x, 1); smp_store_release(&b[0], 1);",
			"r0 = test_and_set_bit_lock(0, b); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		// Values: bit 65 is bit 1 of b[1]; a bit number in a register.
		{name: "bit-values", src: kp("0", "0",
			"set_bit(65, b); r0 = test_and_set_bit(65, b); r1 = test_and_clear_bit(0, b); old = 4; __set_bit(old, b); change_bit(old + 1, b);",
			"", "0:r0=1 /\\ 0:r1=0 /\\ b[0]=48 /\\ b[1]=2"), always: true},
		{name: "bit-values-2", src: kp("0", "7", "__clear_bit(1, b); r0 = test_bit(0, b); r1 = test_bit(1, b); old = 66; __change_bit(old, b);",
			"", "0:r0=1 /\\ 0:r1=0 /\\ b[0]=5 /\\ b[1]=4"), always: true},
		// The non-atomic forms are plain accesses: they race.
		{name: "__set_bit-race", src: kp("0", "0", "__set_bit(0, b);", "set_bit(1, b);", "b[0]=3"), flag: "data-race"},
	} {
		runKprim(t, tc)
	}
}

func TestKprimCPUs(t *testing.T) {
	for _, tc := range []kprim{
		{name: "cpumask-values", src: kp("0", "0",
			"cpumask_set_cpu(1, b); cpumask_set_cpu(smp_processor_id(), b); r0 = cpumask_test_and_clear_cpu(1, b); r1 = cpumask_test_cpu(1, b);",
			"__cpumask_set_cpu(66, b); r0 = cpumask_test_and_set_cpu(3, b); cpumask_clear_cpu(3, b);",
			"0:r0=1 /\\ 0:r1=0 /\\ 1:r0=0 /\\ b[0]=1 /\\ b[1]=4"), always: true},
		{name: "cpus", src: kp("0", "0",
			"r0 = num_possible_cpus(); old = 1; r1 = cpu_possible(old) + cpu_possible(0) * 2 + cpu_possible(2) * 4;",
			"old = 2; r0 = cpu_possible(old); old = -1; r1 = cpu_possible(old);",
			"0:r0=2 /\\ 0:r1=3 /\\ 1:r0=0 /\\ 1:r1=0"), always: true},
		// cpumask_set_cpu is set_bit: smp_mb__before_atomic orders it.
		{name: "MP+cpumask_set_cpu", src: kp("0", "0", "WRITE_ONCE(x, 1); cpumask_set_cpu(1, b);",
			"r0 = cpumask_test_cpu(1, b); smp_rmb(); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: weak},
		{name: "MP+before_atomic+cpumask_set_cpu", src: kp("0", "0", "WRITE_ONCE(x, 1); smp_mb__before_atomic(); cpumask_set_cpu(1, b);",
			"r0 = cpumask_test_cpu(1, b); smp_rmb(); r1 = READ_ONCE(x);", "1:r0=1 /\\ 1:r1=0"), allowed: strong},
	} {
		runKprim(t, tc)
	}
}

func TestKprimHelpers(t *testing.T) {
	src := `C helpers

{
	atomic_t c = ATOMIC_INIT(0);
	int f;
}

void bump(atomic_t *v)
{
	int old = atomic_read(v);

	do {
	} while (!atomic_try_cmpxchg(v, &old, old + 1));
}

int tc(int *p, int old, int new)
{
	if (try_cmpxchg(p, &old, new))
		return -1;
	return old;
}

P0()
{
	int old = 5;
	int r0;
	int r1;

	bump(&c);
	r0 = tc(&f, old, 1);
	r1 = old;
}

P1()
{
	bump(&c);
}

exists (c=2 /\ 0:r0=0 /\ 0:r1=5 /\ f=0)
`
	runKprim(t, kprim{name: "helpers", src: src, always: true})
}

func TestKprimErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"r0 = smp_cond_load_acquire(&f, atomic_inc_return(&c) > VAL);", "may only read"},
		{"r0 = smp_cond_load_acquire(&f, VAL); r1 = VAL;", "VAL"},
		{"set_bit(-1, b);", "negative bit number"},
		{"r0 = refcount_dec_and_test(1, &c);", "expects 1 argument"},
	} {
		src := kp("0", "0", tc.body, "", "x=0")
		_, err := litmus.Load("err.litmus", []byte(src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want an error with %q, got %v", tc.body, tc.want, err)
		}
	}
}

// TestKprimNoRegisters: a CPU with no register at all runs RMWs (an RMW's
// unused operands once read register 0, out of range).
func TestKprimNoRegisters(t *testing.T) {
	src := `C noregs

{
	atomic_t x;
	unsigned long flags;
}

P0()
{
	atomic_add(1, &x);
	set_bit(3, &flags);
}

P1()
{
	int r0 = atomic_read(&x);
	int r1 = test_bit(3, &flags);
}

exists (1:r0=1 /\ 1:r1=1)
`
	runKprim(t, kprim{name: "noregs", src: src, allowed: map[string]bool{"sc": true, "tso": true, "ra": true, "lkmm": true}})
}

func TestKprimRefcountDecNotOne(t *testing.T) {
	for _, tc := range []kprim{
		{name: "refcount_dec_not_one", src: kp("2", "0", "r0 = refcount_dec_not_one(&c); r1 = refcount_dec_not_one(&c);", "",
			"0:r0=1 /\\ 0:r1=0 /\\ c=1"), always: true},
		{name: "MP+refcount_dec_not_one", src: kp("3", "0", "WRITE_ONCE(x, 1); r0 = refcount_dec_not_one(&c);",
			"r0 = atomic_read_acquire(&c); r1 = READ_ONCE(x);", "1:r0=2 /\\ 1:r1=0"), allowed: strong},
		{name: "refcount_dec_not_one-zero", src: kp("0", "0", "r0 = refcount_dec_not_one(&c);", "", "c=0"), violation: "WARN_ON"},
	} {
		runKprim(t, tc)
	}
}
