package explorer

import (
	"strings"
	"testing"

	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// dropDepsOf returns a copy of p whose instructions with text starting
// with prefix have the dependencies of kinds k dropped (model.Instr.NoDeps).
func dropDepsOf(t *testing.T, p *model.Program, prefix string, k model.DepKinds) *model.Program {
	t.Helper()
	q := *p
	q.Threads = nil
	n := 0
	for _, th := range p.Threads {
		nt := *th
		nt.Code = append([]model.Instr(nil), th.Code...)
		for i := range nt.Code {
			if strings.HasPrefix(nt.Code[i].Text, prefix) {
				nt.Code[i].NoDeps = k
				n++
			}
		}
		q.Threads = append(q.Threads, &nt)
	}
	if n == 0 {
		t.Fatalf("no instruction %s", prefix)
	}
	return &q
}

// TestNoDeps: a dependency dropped by model.Instr.NoDeps no longer orders
// under lkmm, in the searches (the model is not told of it) and in the
// load-buffering check, while the values flow as before. An address
// dependency stands for an acquire (MP+addr); control, data and address
// dependencies forbid load buffering (LB+ctrls, LB+datas, LB+addrs).
func TestNoDeps(t *testing.T) {
	for _, c := range []struct {
		name, src string
		drop      model.DepKinds
		prim      string // the instructions whose dependencies are dropped
		lb        bool   // a load-buffering shape: the check rules it out only with the dependencies
		explore   bool   // the searches: verified as written, a counterexample dropped
	}{
		{"MP+addr", `C MP+addr
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
`, model.DepAddr, "READ_ONCE(*r0)", false, true},
		{"LB+ctrls", `C LB+ctrls
{}
P0(int *x, int *y)
{
	int r0;

	r0 = READ_ONCE(*x);
	if (r0)
		WRITE_ONCE(*y, 1);
}
P1(int *x, int *y)
{
	int r1;

	r1 = READ_ONCE(*y);
	if (r1)
		WRITE_ONCE(*x, 1);
}
exists (0:r0=1 /\ 1:r1=1)
`, model.DepCtrl, "WRITE_ONCE", true, true},
		// Dropped, the data dependencies give values out of thin air:
		// only the load-buffering check is asked.
		{"LB+datas", `C LB+datas
{}
P0(int *x, int *y)
{
	int r0;

	r0 = READ_ONCE(*x);
	WRITE_ONCE(*y, r0 + 1);
}
P1(int *x, int *y)
{
	int r1;

	r1 = READ_ONCE(*y);
	WRITE_ONCE(*x, r1 + 1);
}
exists (0:r0=2 /\ 1:r1=2)
`, model.DepData, "WRITE_ONCE", true, false},
		{"LB+addrs", `C LB+addrs
{}
P0(int *x, int *y)
{
	int r0;

	r0 = READ_ONCE(*x);
	WRITE_ONCE(*(y + (r0 & 0)), 1);
}
P1(int *x, int *y)
{
	int r1;

	r1 = READ_ONCE(*y);
	WRITE_ONCE(*(x + (r1 & 0)), 1);
}
exists (0:r0=1 /\ 1:r1=1)
`, model.DepAddr, "WRITE_ONCE", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := litmus.Load(c.name+".lit", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			q := dropDepsOf(t, p, c.prim, c.drop)
			if c.lb {
				if ok, why := lbFree(p, 8); !ok {
					t.Errorf("as written: load buffering not ruled out: %s", why)
				}
				if ok, _ := lbFree(q, 8); ok {
					t.Errorf("with the %s dependencies dropped: the load-buffering check still rules load buffering out", c.drop)
				}
			}
			if !c.explore {
				return
			}
			for _, alg := range []Algorithm{DPOR, Enumerate} {
				if r := run(t, p, memmodel.LKMM, alg); r.Verdict != Pass {
					t.Fatalf("as written, %v: %s (%s), want verified", alg, r.Verdict, r.Reason)
				}
				if r := run(t, q, memmodel.LKMM, alg); r.Verdict != Fail {
					t.Errorf("with the %s dependencies dropped, %v: %s (%s), want a counterexample", c.drop, alg, r.Verdict, r.Reason)
				}
			}
		})
	}
}
