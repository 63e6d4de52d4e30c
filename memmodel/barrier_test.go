package memmodel

import (
	"math/rand/v2"
	"slices"
	"testing"

	"mmcheck/model"
)

// withBarriers returns a copy of x with barrier() fences (FenceBarrier)
// inserted at random places (never between the halves of an RMW), each
// with an instruction of its own, and the map from x's events to the
// copy's.
func withBarriers(x *model.Execution, rng *rand.Rand) (*model.Execution, func(model.EventID) model.EventID) {
	p := *x.Prog
	p.Threads = make([]*model.Thread, len(x.Prog.Threads))
	y := &model.Execution{Prog: &p, Status: x.Status, Regs: x.Regs,
		Events: make([][]model.Event, len(x.Events)), CO: make([][]model.EventID, len(x.CO))}
	if x.Deps != nil {
		y.Deps = make([][]model.Deps, len(x.Deps))
	}
	idx := make([][]int32, len(x.Events))
	for t, evs := range x.Events {
		th := *x.Prog.Threads[t]
		th.Code = append(slices.Clip(th.Code), model.Instr{Op: model.OpFence, Fence: model.FenceBarrier, Prim: "barrier", Dst: -1})
		p.Threads[t] = &th
		barrier := model.Event{Kind: model.EvFence, Fence: model.FenceBarrier, Loc: -1, Instr: len(th.Code) - 1}
		var out []model.Event
		var deps []model.Deps
		add := func(e model.Event, d model.Deps) {
			out = append(out, e)
			deps = append(deps, d)
		}
		idx[t] = make([]int32, len(evs))
		for i, e := range evs {
			if !(e.RMW && e.Kind == model.EvWrite) && rng.IntN(3) == 0 {
				add(barrier, model.Deps{})
			}
			idx[t][i] = int32(len(out))
			var d model.Deps
			if x.Deps != nil {
				d = x.Deps[t][i]
			}
			add(e, d)
		}
		if rng.IntN(3) == 0 {
			add(barrier, model.Deps{})
		}
		y.Events[t] = out
		if x.Deps != nil {
			y.Deps[t] = deps
		}
	}
	m := func(id model.EventID) model.EventID {
		if id.IsInit() || id.Thread < 0 {
			return id
		}
		return model.EventID{Thread: id.Thread, Index: idx[id.Thread][id.Index]}
	}
	mapIdx := func(t int, ks []int32) []int32 {
		var out []int32
		for _, k := range ks {
			out = append(out, idx[t][k])
		}
		return out
	}
	for t, evs := range y.Events {
		for i := range evs {
			if e := &evs[i]; e.Kind == model.EvRead {
				e.RF = m(e.RF)
			}
			if y.Deps != nil {
				d := &y.Deps[t][i]
				d.Addr, d.Data, d.Ctrl = mapIdx(t, d.Addr), mapIdx(t, d.Data), mapIdx(t, d.Ctrl)
			}
		}
	}
	for l, ws := range x.CO {
		for _, w := range ws {
			y.CO[l] = append(y.CO[l], m(w))
		}
	}
	return y, m
}

// TestBarrierMeansNothing checks that barrier() (a FenceBarrier event)
// changes no model's verdict, Ordered, nor lkmm's flags but
// mixed-accesses: barrier() is a compiler barrier, which linux-kernel.cat
// uses only in the mixed-accesses flag, and sc, tso and ra ignore it.
func TestBarrierMeansNothing(t *testing.T) {
	iters := *refIters / 3
	if testing.Short() {
		iters /= 10
	}
	rng := rand.New(rand.NewPCG(*refSeed, 11))
	for _, m := range All {
		c := m.NewChecker()
		consistent := 0
		for it := 0; it < iters; it++ {
			var x *model.Execution
			if m == LKMM {
				x = lkRandomExec(rng)
			} else {
				x = randomExec(rng)
			}
			y, mp := withBarriers(x, rng)
			want := ""
			if f := c.Check(x); f != nil {
				want = f.Axiom
			}
			if want != "" {
				got := ""
				if f := c.Check(y); f != nil {
					got = f.Axiom
				}
				if got != want {
					t.Fatalf("%s: %s with barrier() fences, %s without:\n%s\nwith:\n%s", m.Name, verdict(got), verdict(want), dump(x), dump(y))
				}
				continue
			}
			consistent++
			var ids []model.EventID
			for l := range x.CO {
				ids = append(ids, model.InitID(l))
			}
			for th, evs := range x.Events {
				for i := range evs {
					ids = append(ids, model.EventID{Thread: int32(th), Index: int32(i)})
				}
			}
			ord := make([]bool, len(ids)*len(ids))
			for i, a := range ids {
				for j, b := range ids {
					ord[i*len(ids)+j] = c.Ordered(a, b)
				}
			}
			var flags []string
			fl, isFlagger := c.(Flagger)
			if isFlagger {
				flags = slices.DeleteFunc(fl.Flags(), func(f string) bool { return f == "mixed-accesses" })
			}
			if f := c.Check(y); f != nil {
				t.Fatalf("%s: %s with barrier() fences, consistent without:\n%s\nwith:\n%s", m.Name, f.Axiom, dump(x), dump(y))
			}
			for i, a := range ids {
				for j, b := range ids {
					if o := c.Ordered(mp(a), mp(b)); o != ord[i*len(ids)+j] {
						t.Fatalf("%s: Ordered(%v, %v) = %v with barrier() fences, %v without:\n%s\nwith:\n%s", m.Name, a, b, o, !o, dump(x), dump(y))
					}
				}
			}
			if isFlagger {
				if f := slices.DeleteFunc(fl.Flags(), func(f string) bool { return f == "mixed-accesses" }); !slices.Equal(f, flags) {
					t.Fatalf("%s: flags %v with barrier() fences, %v without:\n%s\nwith:\n%s", m.Name, f, flags, dump(x), dump(y))
				}
			}
		}
		if consistent < iters/50 {
			t.Errorf("%s: only %d consistent executions of %d: the test covers too little", m.Name, consistent, iters)
		}
	}
}
