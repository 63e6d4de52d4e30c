package weaken

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// Every search in these tests is bounded by states, never by seconds: a
// test that hits the bound fails (an unknown verdict where a decided one
// is expected).
const maxStates = 200000

func load(t *testing.T, src string) *model.Program {
	t.Helper()
	p, err := litmus.Load("t.lit", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, src, modelName string) *Report {
	t.Helper()
	m := memmodel.Lookup(modelName)
	if m == nil {
		t.Fatalf("no model %s", modelName)
	}
	r, err := Run(context.Background(), load(t, src), Options{Explore: explorer.Options{Model: m, MaxStates: maxStates}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Base.Verdict != explorer.Pass {
		t.Fatalf("under %s the program is %s (%s), want verified", modelName, r.Base.Verdict, r.Base.Reason)
	}
	return r
}

// site returns the report of the site whose text starts with prefix.
func site(t *testing.T, r *Report, prefix string) *SiteReport {
	t.Helper()
	var found *SiteReport
	for i := range r.Sites {
		if strings.HasPrefix(r.Sites[i].Text, prefix) {
			if found != nil {
				t.Fatalf("two sites start with %q", prefix)
			}
			found = &r.Sites[i]
		}
	}
	if found == nil {
		var texts []string
		for _, s := range r.Sites {
			texts = append(texts, s.Text)
		}
		t.Fatalf("no site starts with %q; sites: %q", prefix, texts)
	}
	return found
}

func wantVerdict(t *testing.T, r *Report, prefix string, want Verdict) *SiteReport {
	t.Helper()
	s := site(t, r, prefix)
	if s.Verdict != want {
		var tries []string
		for _, tr := range s.Tries {
			tries = append(tries, tr.Form.String()+": "+tr.Verdict.String()+" "+tr.Reason)
		}
		t.Errorf("under %s, %s at %s: %s, want %s (tries: %q)", r.Model.Name, s.Text, s.Pos, s.Verdict, want, tries)
	}
	return s
}

const mp = `C MP
{}
P0(int *buf, int *flag)
{
	WRITE_ONCE(*buf, 1);
	smp_store_release(flag, 1);
}

P1(int *buf, int *flag)
{
	int r0;
	int r1;

	r0 = smp_load_acquire(flag);
	r1 = READ_ONCE(*buf);
}

exists (1:r0=1 /\ 1:r1=0)
`

func TestMPReleaseAcquire(t *testing.T) {
	for _, m := range []string{"ra", "lkmm"} {
		r := run(t, mp, m)
		if len(r.Sites) != 4 {
			t.Errorf("under %s: %d sites, want 4 (two ONCE accesses, the release, the acquire)", m, len(r.Sites))
		}
		rel := wantVerdict(t, r, "smp_store_release", Needed)
		acq := wantVerdict(t, r, "smp_load_acquire", Needed)
		for _, s := range []*SiteReport{rel, acq} {
			if len(s.Tries) != 1 || s.Tries[0].Result == nil || s.Tries[0].Result.Verdict != explorer.Fail {
				t.Errorf("under %s, %s: want one try with a counterexample, got %+v", m, s.Text, s.Tries)
			}
		}
		if got := rel.Tries[0].Form.String(); got != "WRITE_ONCE" {
			t.Errorf("smp_store_release tried as %s, want WRITE_ONCE", got)
		}
		if !r.Decided() {
			t.Errorf("under %s: not every site decided", m)
		}
	}
	// Under sc no ordering matters: both weaken all the way to plain
	// accesses, together.
	r := run(t, mp, "sc")
	for _, p := range []string{"smp_store_release", "smp_load_acquire", "WRITE_ONCE", "READ_ONCE"} {
		s := wantVerdict(t, r, p, Redundant)
		if s.Weakest < 0 || s.Tries[s.Weakest].Form.String() != "plain" {
			t.Errorf("under sc, %s: weakest redundant form is not plain: %+v", s.Text, s.Tries)
		}
	}
	if r.Minimal == nil || !r.Minimal.Together || len(r.Minimal.Changes) != 4 {
		t.Errorf("under sc: the minimal set should weaken all four sites together: %+v", r.Minimal)
	}
}

const sb = `C SB
{}
P0(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*x, 1);
	smp_mb();
	r0 = READ_ONCE(*y);
}

P1(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*y, 1);
	smp_mb();
	r0 = READ_ONCE(*x);
}

exists (0:r0=0 /\ 1:r0=0)
`

func TestSBFences(t *testing.T) {
	for _, m := range []string{"tso", "ra", "lkmm"} {
		r := run(t, sb, m)
		n := 0
		for i := range r.Sites {
			s := &r.Sites[i]
			if s.Kind != Fence {
				continue
			}
			n++
			if s.Verdict != Needed {
				t.Errorf("under %s, smp_mb at %s: %s, want needed", m, s.Pos, s.Verdict)
			}
			// smp_wmb and smp_rmb both tried, both fail.
			if len(s.Tries) != 2 || s.Tries[0].Form.Fence != model.FenceWmb || s.Tries[1].Form.Fence != model.FenceRmb {
				t.Errorf("under %s, smp_mb at %s: tries %+v, want smp_wmb then smp_rmb", m, s.Pos, s.Tries)
			}
		}
		if n != 2 {
			t.Errorf("under %s: %d fence sites, want 2", m, n)
		}
	}
}

// A full barrier right after a fully ordered xchg() adds nothing under
// ra (a fully ordered RMW is smp_mb(); RMW; smp_mb()); the other CPU's
// smp_mb() is needed.
const xchgMb = `C SB+xchg
{}
P0(int *x, int *y)
{
	int r0;
	int r1;

	r1 = xchg(x, 1);
	smp_mb();
	r0 = READ_ONCE(*y);
}

P1(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*y, 1);
	smp_mb();
	r0 = READ_ONCE(*x);
}

exists (0:r0=0 /\ 1:r0=0)
`

func TestRedundantMbAfterXchg(t *testing.T) {
	r := run(t, xchgMb, "ra")
	var fences []*SiteReport
	for i := range r.Sites {
		if r.Sites[i].Kind == Fence {
			fences = append(fences, &r.Sites[i])
		}
	}
	if len(fences) != 2 {
		t.Fatalf("%d fence sites, want 2", len(fences))
	}
	after, other := fences[0], fences[1]
	if after.Pos.Line != 9 {
		t.Fatalf("first smp_mb at %s, want line 9", after.Pos)
	}
	if after.Verdict != Redundant || after.Weakest < 0 || !after.Tries[after.Weakest].Form.None {
		t.Errorf("smp_mb after xchg: %s, weakest %d, want redundant down to nothing: %+v", after.Verdict, after.Weakest, after.Tries)
	}
	if other.Verdict != Needed {
		t.Errorf("P1's smp_mb: %s, want needed", other.Verdict)
	}
	// The xchg's two halves are each redundant with the smp_mb there,
	// but not all together: the minimal set cannot drop both the barrier
	// and the xchg's ordering.
	wantVerdict(t, r, "xchg", Redundant)
	m := r.Minimal
	if m == nil {
		t.Fatal("no minimal set")
	}
	if m.Together {
		t.Errorf("weakening the xchg and removing the smp_mb together should not verify: %+v", m)
	}
	if len(m.Rejected) == 0 {
		t.Errorf("no rejected weakening recorded: %+v", m)
	}
	// Whatever the greedy set is, it must verify.
	res, err := explorer.Explore(context.Background(), Apply(r.Prog, sitesOf(r), m.Changes), explorer.Options{Model: r.Model, MaxStates: maxStates})
	if err != nil || res.Verdict != explorer.Pass {
		t.Errorf("the minimal set does not verify: %v %+v", err, res)
	}
}

func sitesOf(r *Report) []Site {
	var s []Site
	for _, sr := range r.Sites {
		s = append(s, sr.Site)
	}
	return s
}

// An address dependency replaces an acquire under lkmm: the reader
// dereferences the pointer it read, so smp_load_acquire may be READ_ONCE
// there; ra has no dependencies and needs the acquire.
const addrDep = `C MP+addr
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

	r0 = smp_load_acquire(p);
	r1 = READ_ONCE(*r0);
}

exists (1:r0=x /\ 1:r1=0)
`

func TestAddressDependencyReplacesAcquire(t *testing.T) {
	r := run(t, addrDep, "lkmm")
	s := wantVerdict(t, r, "smp_load_acquire", Redundant)
	if len(s.Tries) == 0 || s.Tries[0].Form.Prim != "READ_ONCE" || s.Tries[0].Verdict != Redundant {
		t.Errorf("under lkmm, smp_load_acquire -> READ_ONCE: %+v, want redundant", s.Tries)
	}
	// Further down, a plain read of the pointer carries no dependency
	// that lkmm heeds: READ_ONCE is the weakest form.
	if s.Weakest != 0 || len(s.Tries) != 2 || s.Tries[1].Form.String() != "plain" || s.Tries[1].Verdict != Needed {
		t.Errorf("under lkmm, READ_ONCE -> plain of the pointer: %+v, want needed", s.Tries)
	}
	wantVerdict(t, r, "smp_store_release", Needed)
	r = run(t, addrDep, "ra")
	wantVerdict(t, r, "smp_load_acquire", Needed)
}

// depSite returns the dependency site of the given kind whose access's
// text starts with prefix.
func depSite(t *testing.T, r *Report, kind Kind, prefix string) *SiteReport {
	t.Helper()
	for i := range r.Sites {
		if s := &r.Sites[i]; s.Kind == kind && strings.HasPrefix(s.Text, prefix) {
			return s
		}
	}
	t.Fatalf("under %s: no %s site of %q", r.Model.Name, kind, prefix)
	return nil
}

// The address dependency that replaces the acquire, written out: the
// reader loads the pointer with READ_ONCE and dereferences it. Under lkmm
// the program verifies; nothing on the reader is weaker (READ_ONCE ->
// plain: a plain read of the pointer carries no dependency lkmm heeds),
// and the dependency is a site of its own, needed: broken, the reader may
// see the pointer and the data's old value. It is reported, not put in
// the minimal set.
const addrDepOnce = `C MP+addr-once
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

func TestAddressDependencySite(t *testing.T) {
	r := run(t, addrDepOnce, "lkmm")
	dep := depSite(t, r, AddrDep, "READ_ONCE(*r0)")
	if dep.Verdict != Needed || len(dep.Tries) != 1 || !dep.Tries[0].Form.Broken || dep.Tries[0].Result == nil || dep.Tries[0].Result.Verdict != explorer.Fail {
		t.Errorf("the address dependency: %s, tries %+v; want needed, one try (broken) with a counterexample", dep.Verdict, dep.Tries)
	}
	if len(dep.On) != 1 || dep.On[0].Text != "READ_ONCE(*p)" || dep.On[0].Pos.Line != 17 {
		t.Errorf("the address dependency is on %+v, want READ_ONCE(*p) at line 17", dep.On)
	}
	once := site(t, r, "READ_ONCE(*p)")
	if once.Verdict != Needed || len(once.Tries) != 1 || once.Tries[0].Form.String() != "plain" {
		t.Errorf("READ_ONCE(*p): %s, tries %+v; want needed (plain)", once.Verdict, once.Tries)
	}
	wantVerdict(t, r, "smp_store_release", Needed)
	// The one dependency of the program: the pointer's value is written
	// by P0 as a constant, and nothing else depends on a read.
	n := 0
	for _, s := range r.Sites {
		if s.Kind.IsDep() {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d dependency sites, want 1", n)
	}
	// With the acquire, the dependency adds nothing: redundant, and still
	// not in the minimal set (which weakens the acquire to READ_ONCE).
	r = run(t, addrDep, "lkmm")
	dep = depSite(t, r, AddrDep, "READ_ONCE(*r0)")
	if dep.Verdict != Redundant {
		t.Errorf("the address dependency after smp_load_acquire: %s, want redundant", dep.Verdict)
	}
	if r.Minimal == nil {
		t.Fatal("no minimal set")
	}
	for _, ch := range r.Minimal.Changes {
		if r.Sites[ch.Site].Kind.IsDep() {
			t.Errorf("a dependency in the minimal set: %+v", ch)
		}
	}
	// Options.NoDeps leaves them out.
	nr, err := Run(context.Background(), load(t, addrDepOnce), Options{Explore: explorer.Options{Model: memmodel.LKMM, MaxStates: maxStates}, NoDeps: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range nr.Sites {
		if s.Kind.IsDep() {
			t.Errorf("with NoDeps, a dependency site %s %s", s.Kind, s.Text)
		}
	}
	// ra heeds no dependency: no dependency sites.
	r = run(t, addrDep, "ra")
	for _, s := range r.Sites {
		if s.Kind.IsDep() {
			t.Errorf("under ra, a dependency site %s %s", s.Kind, s.Text)
		}
	}
}

// The dependency sites a static analysis of the code finds: address,
// data and control, through arithmetic and a helper, from marked reads
// only, and a control dependency that ends where the branches join.
func TestDepSites(t *testing.T) {
	p := load(t, `C deps
{}
static int get(int *a)
{
	return READ_ONCE(*a);
}

P0(int *x, int *y, int *z, int *w)
{
	int r0;
	int r1;
	int r2;

	r0 = get(x);
	r1 = *y;
	WRITE_ONCE(*z, r0 + 1);
	WRITE_ONCE(*w, r1);
	if (r0 == 1)
		WRITE_ONCE(*y, 2);
	WRITE_ONCE(*x, 3);
	r2 = xchg(w, r0);
	if (r2)
		WRITE_ONCE(*y, 4);
}
`)
	var got []string
	for _, s := range DepSites(p, false) {
		if !s.Kind.IsDep() {
			continue
		}
		var on []string
		for _, d := range s.On {
			on = append(on, fmt.Sprintf("%d:%s", d.Pos.Line, d.Text))
		}
		got = append(got, fmt.Sprintf("%d %s %s on %s", s.Pos.Line, s.Kind, s.Text, strings.Join(on, ",")))
	}
	want := []string{
		"16 data-dep WRITE_ONCE(*z, r0 + 1) on 5:READ_ONCE(*a)",
		"19 ctrl-dep WRITE_ONCE(*y, 2) on 5:READ_ONCE(*a)",
		"21 data-dep xchg(w, r0) on 5:READ_ONCE(*a)",
		"23 ctrl-dep WRITE_ONCE(*y, 4) on 21:xchg(w, r0)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("dependency sites:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestNotVerifiedIsNotWeakened(t *testing.T) {
	src := strings.Replace(mp, "smp_store_release(flag, 1)", "WRITE_ONCE(*flag, 1)", 1)
	r, err := Run(context.Background(), load(t, src), Options{Explore: explorer.Options{Model: memmodel.RA, MaxStates: maxStates}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Base.Verdict != explorer.Fail || r.Sites != nil || r.Runs != 1 {
		t.Errorf("base %s, %d sites, %d runs; want a counterexample and nothing else", r.Base.Verdict, len(r.Sites), r.Runs)
	}
}

func TestSitesAndRewrite(t *testing.T) {
	src := `C S
{}
void helper(int *x)
{
	smp_mb();
	WRITE_ONCE(*x, 2);
}

P0(int *x, int *y)
{
	helper(x);
	smp_store_mb(*y, 1);
	helper(y);
	atomic_inc(x);
}

P1(int *x, int *y)
{
	int r0;

	r0 = atomic_dec_and_test(y);
	helper(x);
}
`
	p := load(t, src)
	sites := Sites(p)
	var got []string
	for _, s := range sites {
		got = append(got, s.Kind.String()+" "+s.Text)
	}
	want := []string{"fence smp_mb()", "store WRITE_ONCE(*x, 2)", "store_mb smp_store_mb(*y, 1)", "rmw atomic_dec_and_test(y)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sites %q, want %q", got, want)
	}
	if n := len(sites[0].Instrs); n != 3 {
		t.Errorf("the helper's smp_mb: %d instructions, want 3 (inlined three times)", n)
	}
	if n := len(sites[2].Instrs); n != 2 {
		t.Errorf("smp_store_mb: %d instructions, want 2 (a write and a fence)", n)
	}
	// Weakening smp_store_mb drops its fence and keeps the write.
	q := Apply(p, sites, []Change{{2, Down(StoreMb, sites[2].Orig)[0]}})
	for _, r := range sites[2].Instrs {
		in := q.Threads[r.Thread].Code[r.Index]
		orig := p.Threads[r.Thread].Code[r.Index]
		switch orig.Op {
		case model.OpFence:
			if in.Op != model.OpNop {
				t.Errorf("smp_store_mb's fence became %s, want nop", in.Op)
			}
		case model.OpStore:
			if in.Op != model.OpStore || in.Order != model.Once || in.Prim != "WRITE_ONCE" || in.Text != "WRITE_ONCE(*y, 1)" {
				t.Errorf("smp_store_mb's write became %+v", in)
			}
		}
		if orig.Prim != "smp_store_mb" {
			t.Errorf("Apply modified the original program")
		}
	}
	if f := Down(RMW, sites[3].Orig); len(f) != 2 || f[0].Prim != "atomic_dec_and_test_acquire" || f[0].Kernel() || f[1].Order != model.Release {
		t.Errorf("atomic_dec_and_test one step down: %+v", f)
	}
	for _, c := range []struct {
		text, prim string
		f          Form
		want       string
	}{
		{"smp_store_release(flag, 1)", "smp_store_release", Form{Prim: "WRITE_ONCE", Order: model.Once}, "WRITE_ONCE(*flag, 1)"},
		{"smp_store_release(&mm->x, f(a, b))", "smp_store_release", Form{Prim: "WRITE_ONCE", Order: model.Once}, "WRITE_ONCE(mm->x, f(a, b))"},
		{"smp_load_acquire(p + 1)", "smp_load_acquire", Form{Prim: "READ_ONCE", Order: model.Once}, "READ_ONCE(*(p + 1))"},
		{"WRITE_ONCE(*x, 2)", "WRITE_ONCE", Form{}, "*x = 2"},
		{"READ_ONCE(x)", "READ_ONCE", Form{}, "x"},
		{"smp_mb()", "smp_mb", Form{None: true}, ""},
		{"smp_mb()", "smp_mb", Form{Prim: "smp_wmb", Fence: model.FenceWmb}, "smp_wmb()"},
		{"xchg(x, 1)", "xchg", Form{Prim: "xchg_acquire", Order: model.Acquire}, "xchg_acquire(x, 1)"},
	} {
		if got := Rewrite(c.text, c.prim, c.f); got != c.want {
			t.Errorf("Rewrite(%q, %s) = %q, want %q", c.text, c.f, got, c.want)
		}
	}
}

// TestJudge checks the classification of one exploration against the
// original's, including what the tests above cannot reach cheaply (an
// inconclusive variant).
func TestJudge(t *testing.T) {
	r := &Report{Base: &explorer.Result{Verdict: explorer.Pass, Flags: []string{"old"}}}
	for _, c := range []struct {
		res  *explorer.Result
		want Verdict
	}{
		{&explorer.Result{Verdict: explorer.Pass}, Redundant},
		{&explorer.Result{Verdict: explorer.Pass, Flags: []string{"old"}}, Redundant},
		{&explorer.Result{Verdict: explorer.Pass, Flags: []string{"data-race"}}, Needed},
		{&explorer.Result{Verdict: explorer.Fail, Reason: "boom"}, Needed},
		{&explorer.Result{Verdict: explorer.Unknown, Reason: "max states"}, Unknown},
	} {
		if got, why := r.judge(c.res, nil); got != c.want {
			t.Errorf("judge(%s %v) = %s (%s), want %s", c.res.Verdict, c.res.Flags, got, why, c.want)
		}
	}
}

// The minimal set is a patch one can apply: a form that is not a kernel
// primitive (atomic_dec_and_test has no _relaxed form) is tried and
// reported, but never proposed.
func TestMinimalSetOnlyKernelForms(t *testing.T) {
	src := `C dec
{
x=1;
}

P0(atomic_t *x, int *y)
{
	int r0;
	int r1;

	r0 = atomic_dec_and_test(x);
	r1 = xchg(y, 1);
}

exists (0:r0=0)
`
	r := run(t, src, "sc")
	dec := wantVerdict(t, r, "atomic_dec_and_test", Redundant)
	if len(dec.Tries) != 3 || dec.Tries[dec.Weakest].Form.Kernel() {
		t.Errorf("atomic_dec_and_test: tries %+v, want acquire, release, relaxed (not kernel primitives)", dec.Tries)
	}
	if r.Minimal == nil || len(r.Minimal.Changes) != 1 || r.Minimal.Changes[0].Form.Prim != "xchg_relaxed" {
		t.Errorf("minimal set %+v, want only xchg -> xchg_relaxed", r.Minimal)
	}
}

func TestSiteVerdict(t *testing.T) {
	n, r, u := Try{Verdict: Needed}, Try{Verdict: Redundant}, Try{Verdict: Unknown}
	for _, c := range []struct {
		tries []Try
		first int
		want  Verdict
	}{
		{[]Try{n, n}, 2, Needed},
		{[]Try{n, u}, 2, Unknown},
		{[]Try{u, n}, 2, Unknown},
		{[]Try{n, r, n}, 2, Redundant},
		{[]Try{n}, 2, Unknown}, // interrupted before the second form
		{nil, 0, Unknown},
	} {
		if got := siteVerdict(c.tries, c.first); got != c.want {
			t.Errorf("siteVerdict(%v, %d) = %s, want %s", c.tries, c.first, got, c.want)
		}
	}
}

// A helper called on two CPUs: its release is needed on the CPU that
// publishes buf, not on the other. By source position the site is the
// helper's one line, needed; per call, the two calls part.
const helperTwoCalls = `C helper-two-calls
{}
static void put(int *p, int v)
{
	smp_store_release(p, v);
}

P0(int *buf, int *flag)
{
	WRITE_ONCE(*buf, 1);
	put(flag, 1);
}

P1(int *buf, int *flag)
{
	int r0;
	int r1;

	r0 = smp_load_acquire(flag);
	r1 = READ_ONCE(*buf);
}

P2(int *z)
{
	put(z, 1);
}

exists (1:r0=1 /\ 1:r1=0)
`

func TestPerCall(t *testing.T) {
	p := load(t, helperTwoCalls)
	opts := Options{Explore: explorer.Options{Model: memmodel.RA, MaxStates: maxStates}}
	r, err := Run(context.Background(), p, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := wantVerdict(t, r, "smp_store_release", Needed)
	if len(s.Instrs) != 2 || s.Thread != -1 || s.Via != nil {
		t.Errorf("by position: %d instructions, thread %d, via %q; want 2, -1, none", len(s.Instrs), s.Thread, s.Via)
	}
	opts.PerCall = true
	r, err = Run(context.Background(), p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !r.PerCall {
		t.Error("Report.PerCall not set")
	}
	want := map[int]Verdict{0: Needed, 2: Redundant}
	n := 0
	for i, s := range r.Sites {
		if !strings.HasPrefix(s.Text, "smp_store_release") {
			continue
		}
		n++
		if len(s.Instrs) != 1 || len(s.Via) != 1 || s.Via[0] != "put" {
			t.Errorf("per call, P%d: %d instructions, via %q; want 1, [put]", s.Thread, len(s.Instrs), s.Via)
		}
		if v, ok := want[s.Thread]; !ok || s.Verdict != v {
			t.Errorf("per call, the release on P%d: %s, want %s", s.Thread, s.Verdict, v)
		}
		if s.Verdict == Redundant {
			// The patch is of the helper's line; the chain says which
			// call it is for.
			old, nw, _, ok := Patch(r, Change{i, s.Tries[s.Weakest].Form})
			if !ok || old != "\tsmp_store_release(p, v);" || nw != "\t*p = v;" {
				t.Errorf("the patch of P2's call: %q -> %q (ok %v)", old, nw, ok)
			}
			r.CallLines = func(caller, callee string) []model.Pos {
				if caller == "P2" && callee == "put" {
					return []model.Pos{{File: "t.lit", Line: 25, Col: 2}}
				}
				return nil
			}
			chain := r.CallChain(&s.Site)
			if len(chain) != 1 || chain[0].Caller != "P2" || chain[0].Callee != "put" || len(chain[0].At) != 1 {
				t.Errorf("P2's call chain: %+v", chain)
			}
		}
	}
	if n != 2 {
		t.Errorf("per call: %d release sites, want 2 (P0's call and P2's)", n)
	}
}

// The kernel's other ordered primitives go down to their own relaxed
// forms (not to READ_ONCE/WRITE_ONCE, which take other arguments), and
// the forms the kernel has are not starred.
func TestDownOtherPrimitives(t *testing.T) {
	p := load(t, `C prims
{}
P0(long *a, long *b, int *c, int *d, int *e)
{
	long r0;
	int r1;
	int r2;

	r0 = atomic_long_read_acquire(a);
	atomic_long_set_release(a, 2);
	r1 = test_bit_acquire(1, b);
	clear_bit_unlock(2, b);
	refcount_set_release(c, 3);
	r1 = try_cmpxchg(d, &r2, 4);
	r1 = atomic_long_xchg(a, 6);
	r1 = smp_cond_load_acquire(d, VAL != 7);
}
P1(int *d)
{
	WRITE_ONCE(*d, 8);
}
exists (0:r1=9)
`)
	want := map[string][]string{
		"atomic_long_read_acquire": {"atomic_long_read"},
		"atomic_long_set_release":  {"atomic_long_set"},
		"test_bit_acquire":         {"test_bit"},
		"clear_bit_unlock":         {"clear_bit"},
		"refcount_set_release":     {"refcount_set"},
		"try_cmpxchg":              {"try_cmpxchg_acquire", "try_cmpxchg_release"},
		"atomic_long_xchg":         {"atomic_long_xchg_acquire", "atomic_long_xchg_release"},
		"smp_cond_load_acquire":    {"smp_cond_load_relaxed"},
		"WRITE_ONCE":               {"plain"},
	}
	seen := 0
	for _, s := range Sites(p) {
		w, ok := want[s.Orig.Prim]
		if !ok {
			t.Errorf("unexpected site %s", s.Text)
			continue
		}
		seen++
		var got []string
		for _, f := range Down(s.Kind, s.Orig) {
			got = append(got, f.String())
			if !f.Kernel() {
				t.Errorf("%s -> %s: not a kernel primitive?", s.Orig.Prim, f)
			}
			for _, g := range Down(s.Kind, f) {
				if !g.Kernel() {
					t.Errorf("%s -> %s -> %s: not a kernel primitive?", s.Orig.Prim, f, g)
				}
			}
		}
		if strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("%s goes down to %q, want %q", s.Orig.Prim, got, w)
		}
	}
	if seen != len(want) {
		t.Errorf("%d sites, want %d", seen, len(want))
	}
}

// refcount_t and bit operations as sites: refcount_t's operations have no
// weaker kernel form (listed, not explored, decided); a bit lock's
// test_and_set_bit_lock and clear_bit_unlock go down their kernel
// ladder, and both are needed for a counter under the lock; the fully
// ordered test_and_set_bit goes down to test_and_set_bit_lock.
func TestRefcountBitops(t *testing.T) {
	src := `C bitlock
{
x=0;
rc=2;
}

P0(unsigned long *lock, int *x, refcount_t *rc)
{
	int r0;
	int r1;

	r1 = test_and_set_bit_lock(0, lock);
	if (!r1) {
		r0 = READ_ONCE(*x);
		WRITE_ONCE(*x, r0 + 1);
		clear_bit_unlock(0, lock);
	}
	r0 = refcount_dec_and_test(rc);
}

P1(unsigned long *lock, int *x, refcount_t *rc)
{
	int r0;
	int r1;

	r1 = test_and_set_bit(0, lock);
	if (!r1) {
		r0 = READ_ONCE(*x);
		WRITE_ONCE(*x, r0 + 1);
		clear_bit_unlock(0, lock);
	}
	r0 = refcount_inc_not_zero(rc);
}

exists (0:r1=0 /\ 1:r1=0 /\ x=1)
`
	r := run(t, src, "ra")
	wantVerdict(t, r, "test_and_set_bit_lock", Needed)
	// test_and_set_bit needs only its acquire half: test_and_set_bit_lock
	// verifies, the (not kernel) release form does not, and the minimal
	// set takes the lock form.
	tas := wantVerdict(t, r, "test_and_set_bit(", Redundant)
	if len(tas.Tries) < 2 || tas.Tries[0].Form.Prim != "test_and_set_bit_lock" || !tas.Tries[0].Form.Kernel() ||
		tas.Tries[1].Form.Kernel() || tas.Tries[1].Verdict != Needed || tas.Weakest != 0 {
		t.Errorf("test_and_set_bit tried as %+v, want test_and_set_bit_lock (redundant), then test_and_set_bit_release* (needed)", tas.Tries)
	}
	found := false
	for _, ch := range r.Minimal.Changes {
		if r.Sites[ch.Site].Orig.Prim != "test_and_set_bit" {
			continue
		}
		found = true
		if _, nw, _, ok := Patch(r, ch); ch.Form.Prim != "test_and_set_bit_lock" || !ok || !strings.Contains(nw, "r1 = test_and_set_bit_lock(0, lock);") {
			t.Errorf("the minimal set's test_and_set_bit: %s, patched %q", ch.Form, nw)
		}
	}
	if !found {
		t.Errorf("minimal set %+v, without test_and_set_bit -> test_and_set_bit_lock", r.Minimal)
	}
	var unlocks int
	for i := range r.Sites {
		s := &r.Sites[i]
		if s.Orig.Prim != "clear_bit_unlock" {
			continue
		}
		unlocks++
		if s.Verdict != Needed || len(s.Tries) != 1 || s.Tries[0].Form.Prim != "clear_bit" || !s.Tries[0].Form.Kernel() {
			t.Errorf("clear_bit_unlock at %s: %s, %+v; want needed, tried as clear_bit", s.Pos, s.Verdict, s.Tries)
		}
		if Note(s.Orig, s.Tries[0].Form) == "" {
			t.Error("clear_bit_unlock -> clear_bit has no note")
		}
	}
	if unlocks != 2 {
		t.Errorf("%d clear_bit_unlock sites, want 2", unlocks)
	}
	for _, p := range []string{"refcount_dec_and_test", "refcount_inc_not_zero"} {
		s := wantVerdict(t, r, p, NoWeaker)
		if len(s.Tries) != 0 {
			t.Errorf("%s: tried %+v, want nothing (no weaker kernel form)", p, s.Tries)
		}
	}
	if !r.Decided() {
		t.Error("a site with no weaker form leaves the report undecided")
	}
	// The kernel ladders of the other forms.
	for _, c := range []struct {
		kind Kind
		from Form
		want string
	}{
		{RMW, Form{Prim: "refcount_inc_not_zero_acquire", Order: model.Acquire}, "refcount_inc_not_zero"},
		{RMW, Form{Prim: "refcount_inc_not_zero", Order: model.Once}, ""},
		{RMW, Form{Prim: "refcount_dec_and_test", Order: model.Release}, ""},
		{RMW, Form{Prim: "atomic_long_add_return", Order: model.Mb}, "atomic_long_add_return_acquire atomic_long_add_return_release"},
		{RMW, Form{Prim: "atomic_long_add_return_release", Order: model.Release}, "atomic_long_add_return_relaxed"},
		{RMW, Form{Prim: "try_cmpxchg", Order: model.Mb}, "try_cmpxchg_acquire try_cmpxchg_release"},
		{RMW, Form{Prim: "try_cmpxchg_acquire", Order: model.Acquire}, "try_cmpxchg_relaxed"},
		{RMW, Form{Prim: "test_and_set_bit_lock", Order: model.Acquire}, "test_and_set_bit_relaxed"},
	} {
		var got []string
		for _, f := range Down(c.kind, c.from) {
			got = append(got, f.String())
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s goes down to %q, want %q", c.from, got, c.want)
		}
	}
}
