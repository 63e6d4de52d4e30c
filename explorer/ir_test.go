package explorer

import (
	"context"
	"testing"
	"time"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// A tiny IR builder for tests that do not go through the litmus front end.
type tb struct {
	p *model.Program
}

func newTB(locs ...string) *tb {
	p := &model.Program{Name: "t", File: "t.lit"}
	for i, l := range locs {
		p.Objects = append(p.Objects, model.Object{Name: l, Type: "int", Base: i, Size: 1})
		p.Locs = append(p.Locs, model.Loc{Name: l, Obj: i})
		p.Init = append(p.Init, 0)
	}
	return &tb{p: p}
}

type thb struct {
	t *model.Thread
}

func (b *tb) thread(nregs int) *thb {
	t := &model.Thread{ID: len(b.p.Threads), NumRegs: nregs}
	for i := 0; i < nregs; i++ {
		t.Regs = append(t.Regs, model.RegInfo{Name: "r" + string(rune('0'+i))})
	}
	b.p.Threads = append(b.p.Threads, t)
	return &thb{t: t}
}

func (b *thb) emit(in model.Instr) *thb {
	in.Pos = model.Pos{File: "t.lit", Line: len(b.t.Code) + 1, Col: 1}
	if in.Text == "" {
		in.Text = in.Op.String()
	}
	b.t.Code = append(b.t.Code, in)
	return b
}

func (b *thb) store(loc int, v model.Value, o model.Order) *thb {
	return b.emit(model.Instr{Op: model.OpStore, Dst: -1, A: model.Imm(model.Ptr(loc)), B: model.Imm(v), Order: o})
}

func (b *thb) load(reg, loc int, o model.Order) *thb {
	return b.emit(model.Instr{Op: model.OpLoad, Dst: int32(reg), A: model.Imm(model.Ptr(loc)), Order: o})
}

func (b *thb) fetchAdd(reg, loc int, v model.Value) *thb {
	return b.emit(model.Instr{Op: model.OpRMW, RMW: model.RMWAdd, Dst: int32(reg), A: model.Imm(model.Ptr(loc)), B: model.Imm(v), Order: model.Mb})
}

func (b *thb) fence(f model.FenceKind) *thb {
	return b.emit(model.Instr{Op: model.OpFence, Dst: -1, Fence: f})
}

func (b *thb) halt() *thb { return b.emit(model.Instr{Op: model.OpHalt, Dst: -1}) }

func run(t *testing.T, p *model.Program, m *memmodel.Model, alg Algorithm) *Result {
	t.Helper()
	return runHooks(t, p, m, alg, hooks{})
}

// runHooks is run with the test switches h.
func runHooks(t *testing.T, p *model.Program, m *memmodel.Model, alg Algorithm, h hooks) *Result {
	t.Helper()
	r, err := Explore(context.Background(), p, Options{Model: m, Algorithm: alg, hooks: &h})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sbProgram: P0: x=1; r0=y.  P1: y=1; r0=x.  observe both registers.
func sbProgram(fence bool) *model.Program {
	b := newTB("x", "y")
	for i := 0; i < 2; i++ {
		th := b.thread(1).store(i, 1, model.Once)
		if fence {
			th.fence(model.FenceMb)
		}
		th.load(0, 1-i, model.Once).halt()
	}
	b.p.Observed = []model.Term{&model.RegTerm{Thread: 0, Reg: 0, Name: "r0"}, &model.RegTerm{Thread: 1, Reg: 0, Name: "r0"}}
	b.p.Cond = &model.Cond{Kind: model.Exists, Expr: &model.And{
		L: &model.Cmp{L: b.p.Observed[0], R: &model.ConstTerm{Val: 0}},
		R: &model.Cmp{L: b.p.Observed[1], R: &model.ConstTerm{Val: 0}}}}
	return b.p
}

func TestSBByHand(t *testing.T) {
	for _, alg := range []Algorithm{DPOR, Interleave} {
		for _, tc := range []struct {
			m     *memmodel.Model
			fence bool
			want  Observation
			execs int64
		}{
			{memmodel.SC, false, Never, 3},
			{memmodel.TSO, false, Sometimes, 4},
			{memmodel.RA, false, Sometimes, 4},
			{memmodel.RA, true, Never, 3},
		} {
			r := run(t, sbProgram(tc.fence), tc.m, alg)
			if r.Observation != tc.want || r.Stats.Executions != tc.execs {
				t.Errorf("alg %d %s fence=%v: %v with %d executions (%d states), want %v with %d", alg, tc.m.Name, tc.fence,
					r.Observation, r.Stats.Executions, r.Stats.States, tc.want, tc.execs)
			}
		}
	}
}

func TestRMWChainByHand(t *testing.T) {
	b := newTB("v")
	n := 4
	for i := 0; i < n; i++ {
		b.thread(1).fetchAdd(0, 0, 1).halt()
	}
	b.p.Observed = []model.Term{&model.LocTerm{Loc: 0}}
	for _, alg := range []Algorithm{DPOR, Interleave} {
		for _, m := range memmodel.Chain {
			r := run(t, b.p, m, alg)
			if r.Stats.Executions != 24 || len(r.Outcomes) != 1 || r.Outcomes[0].Values[0] != int64(n) {
				t.Errorf("alg %d %s: %d executions, outcomes %+v; want 24 executions all ending in v=%d", alg, m.Name, r.Stats.Executions, r.Outcomes, n)
			}
		}
	}
}

// TestProgress explores six fetch_adds with two workers and a progress
// callback: 6! executions, each once. Under -race it also checks that
// progress reports read the workers' statistics safely (whether a report
// arrives at all depends on the machine's speed, so it is not asserted).
func TestProgress(t *testing.T) {
	b := newTB("v")
	for i := 0; i < 6; i++ {
		b.thread(1).fetchAdd(0, 0, 1).halt()
	}
	r, err := Explore(context.Background(), b.p, Options{Model: memmodel.RA, Workers: 2,
		Progress: func(s Stats, _ time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stats.Executions != 720 {
		t.Fatalf("%d executions of 6 fetch_adds, want 6! = 720", r.Stats.Executions)
	}
}
