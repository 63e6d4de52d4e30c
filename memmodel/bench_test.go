package memmodel

import (
	"math/rand/v2"
	"testing"

	"mmcheck/model"
)

// op is one step of a benchmark thread.
type op struct {
	kind  model.EventKind // EvRead, EvWrite, EvFence, EvFree; EvRead with rmw for RMWs
	rmw   bool
	lock  bool // spin_lock (an acquire RMW that waits for 0) or spin_unlock
	loc   int
	order model.Order
	fence model.FenceKind
}

// Locations of the benchmark protocol.
const (
	bLock = iota
	bData
	bRef
	bFlag0 // bFlag0+t: per-CPU flags
)

// refcountProgram is a lazy-mm-like workload for n CPUs: each CPU takes a
// lock, updates shared data, publishes a per-CPU flag with a release
// store, reads its neighbour's flag with an acquire load, takes and drops
// a reference (a relaxed atomic_inc and a fully ordered
// atomic_dec_and_test), and reads the object again behind smp_mb.
func refcountProgram(n int) [][]op {
	prog := make([][]op, n)
	for t := range prog {
		prog[t] = []op{
			{kind: model.EvRead, rmw: true, lock: true, loc: bLock, order: model.Acquire},
			{kind: model.EvRead, loc: bData, order: model.Once},
			{kind: model.EvWrite, loc: bData, order: model.Once},
			{kind: model.EvWrite, lock: true, loc: bLock, order: model.Release},
			{kind: model.EvRead, rmw: true, loc: bRef, order: model.Once},
			{kind: model.EvWrite, loc: bFlag0 + t, order: model.Release},
			{kind: model.EvRead, loc: bFlag0 + (t+1)%n, order: model.Acquire},
			{kind: model.EvRead, loc: bData, order: model.Plain},
			{kind: model.EvFence, fence: model.FenceMb},
			{kind: model.EvRead, loc: bFlag0 + (t+n-1)%n, order: model.Once},
			{kind: model.EvRead, rmw: true, loc: bRef, order: model.Mb},
			{kind: model.EvFence, fence: model.FenceAfterAtomic},
			{kind: model.EvRead, loc: bData, order: model.Once},
		}
	}
	return prog
}

// simulate runs prog under SC with a random schedule and returns the
// execution and the order in which events were added. Such an execution
// is consistent under every model.
func simulate(prog [][]op, nlocs int, rng *rand.Rand) (*model.Execution, []model.EventID) {
	b := newXB(len(prog), nlocs)
	pc := make([]int, len(prog))
	last := make([]model.EventID, nlocs)
	held := make([]bool, nlocs)
	for l := range last {
		last[l] = model.InitID(l)
	}
	var order []model.EventID
	for {
		var ready []int
		for t, p := range prog {
			if pc[t] < len(p) && !(p[pc[t]].lock && p[pc[t]].rmw && held[p[pc[t]].loc]) {
				ready = append(ready, t)
			}
		}
		if len(ready) == 0 {
			break
		}
		t := ready[rng.IntN(len(ready))]
		o := prog[t][pc[t]]
		pc[t]++
		switch {
		case o.kind == model.EvRead && o.rmw:
			r, w := b.RMW(t, o.loc, last[o.loc], o.order)
			b.x.Events[t][r.Index].Lock = o.lock
			b.x.Events[t][w.Index].Lock = o.lock
			last[o.loc] = w
			held[o.loc] = o.lock
			order = append(order, r, w)
		case o.kind == model.EvRead:
			order = append(order, b.R(t, o.loc, last[o.loc], o.order))
		case o.kind == model.EvWrite:
			w := b.W(t, o.loc, o.order)
			b.x.Events[t][w.Index].Lock = o.lock
			if o.lock {
				held[o.loc] = false
			}
			last[o.loc] = w
			order = append(order, w)
		case o.kind == model.EvFence:
			order = append(order, b.F(t, o.fence))
		case o.kind == model.EvFree:
			order = append(order, b.Free(t, o.loc))
		}
	}
	return b.x, order
}

// prefixes returns the executions an explorer holds while adding the
// events of x in the given order: one per event.
func prefixes(x *model.Execution, order []model.EventID) []*model.Execution {
	var out []*model.Execution
	n := make([]int, len(x.Events))
	for _, id := range order {
		n[id.Thread] = int(id.Index) + 1
		y := &model.Execution{Prog: x.Prog, Status: x.Status, Regs: x.Regs}
		for t, evs := range x.Events {
			y.Events = append(y.Events, evs[:n[t]])
		}
		for _, co := range x.CO {
			var c []model.EventID
			for _, w := range co {
				if int(w.Index) < n[w.Thread] {
					c = append(c, w)
				}
			}
			y.CO = append(y.CO, c)
		}
		out = append(out, y)
	}
	return out
}

func benchExec(cpus int) (*model.Execution, []model.EventID) {
	rng := rand.New(rand.NewPCG(7, 7))
	return simulate(refcountProgram(cpus), bFlag0+cpus, rng)
}

func TestBenchExecConsistent(t *testing.T) {
	x, order := benchExec(4)
	if n := x.NumEvents(); n < 55 || n > 70 {
		t.Errorf("benchmark execution has %d events", n)
	}
	for _, m := range Chain {
		c := m.NewChecker()
		for _, y := range append(prefixes(x, order), x) {
			if f := c.Check(y); f != nil {
				t.Fatalf("%s: %v", m.Name, f)
			}
		}
	}
}

// BenchmarkCheck measures Check on a consistent 60-event execution (four
// CPUs of refcountProgram), on every prefix of it in the order the events
// were added (what an explorer asks), and on an inconsistent variant.
func BenchmarkCheck(b *testing.B) {
	x, order := benchExec(4)
	pre := prefixes(x, order)
	bad := x.Clone() // the last read of data reads the initial value: stale everywhere
	for t := len(bad.Events) - 1; t >= 0; t-- {
		evs := bad.Events[t]
		if e := &evs[len(evs)-1]; e.Kind == model.EvRead {
			e.RF = model.InitID(e.Loc)
			break
		}
	}
	for _, m := range Chain {
		b.Run(m.Name+"/full", func(b *testing.B) {
			c := m.NewChecker()
			b.ReportAllocs()
			for b.Loop() {
				if c.Check(x) != nil {
					b.Fatal("inconsistent")
				}
			}
		})
		b.Run(m.Name+"/prefixes", func(b *testing.B) {
			c := m.NewChecker()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c.Check(pre[i])
				if i++; i == len(pre) {
					i = 0
				}
			}
		})
		b.Run(m.Name+"/inconsistent", func(b *testing.B) {
			c := m.NewChecker()
			b.ReportAllocs()
			for b.Loop() {
				if c.Check(bad) == nil {
					b.Fatal("consistent")
				}
			}
		})
	}
	b.Run("ra/ordered", func(b *testing.B) {
		c := RA.NewChecker()
		b.ReportAllocs()
		free := model.EventID{Thread: 0, Index: int32(len(x.Events[0]) - 1)}
		for b.Loop() {
			c.Check(x)
			c.Ordered(model.EventID{Thread: 1, Index: 1}, free)
		}
	})
}
