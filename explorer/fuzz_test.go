package explorer

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// randomProgram builds a small random program from a seed: 2–4 CPUs, 1–4
// operations each, over 2–3 locations; every register and location is
// observed.
func randomProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	nloc := 2 + rng.Intn(2)
	names := []string{"x", "y", "z"}[:nloc]
	b := newTB(names...)
	nth := 2 + rng.Intn(3)
	rich := seed%3 == 0 // add awaits, BUG_ONs and assumes: compare verdicts only
	val := model.Value(1)
	orders := []model.Order{model.Once, model.Once, model.Acquire, model.Release, model.Plain}
	for i := 0; i < nth; i++ {
		nops := 1 + rng.Intn(4)
		th := b.thread(nops + 1)
		tmp := int32(nops) // scratch register
		if rich && rng.Intn(3) == 0 {
			// await (loc != 0)
			loc := rng.Intn(nloc)
			th.emit(model.Instr{Op: model.OpAwaitBegin, Dst: -1})
			th.load(int(tmp), loc, model.Acquire)
			th.emit(model.Instr{Op: model.OpBinary, Alu: model.AluEq, Dst: tmp, A: model.R(int(tmp)), B: model.Imm(0)})
			th.emit(model.Instr{Op: model.OpAwaitEnd, Dst: -1, A: model.R(int(tmp))})
		}
		for j := 0; j < nops; j++ {
			loc := rng.Intn(nloc)
			if rich && j > 0 && rng.Intn(4) == 0 {
				// BUG_ON(r == k) or assume(r != k) on an earlier register
				th.emit(model.Instr{Op: model.OpBinary, Alu: model.AluEq, Dst: tmp, A: model.R(j - 1), B: model.Imm(model.Value(rng.Intn(3)))})
				if rng.Intn(2) == 0 {
					th.emit(model.Instr{Op: model.OpCheck, Check: model.CheckBug, Dst: -1, A: model.R(int(tmp)), Text: "BUG_ON"})
				} else {
					th.emit(model.Instr{Op: model.OpUnary, Alu: model.AluNot, Dst: tmp, A: model.R(int(tmp))})
					th.emit(model.Instr{Op: model.OpAssume, Dst: -1, A: model.R(int(tmp))})
				}
			}
			switch k := rng.Intn(10); {
			case k < 4:
				o := orders[rng.Intn(len(orders))]
				if o == model.Release {
					o = model.Acquire
				}
				th.load(j, loc, o)
			case k < 7:
				o := orders[rng.Intn(len(orders))]
				if o == model.Acquire {
					o = model.Release
				}
				th.store(loc, val, o)
				val++
			case k < 8:
				th.fence([]model.FenceKind{model.FenceMb, model.FenceRmb, model.FenceWmb}[rng.Intn(3)])
			case k < 9:
				th.emit(model.Instr{Op: model.OpRMW, RMW: model.RMWXchg, Dst: int32(j), A: model.Imm(model.Ptr(loc)), B: model.Imm(val),
					Order: []model.Order{model.Mb, model.Once, model.Acquire, model.Release}[rng.Intn(4)]})
				val++
			default:
				th.emit(model.Instr{Op: model.OpRMW, RMW: model.RMWCmpXchg, Dst: int32(j), A: model.Imm(model.Ptr(loc)),
					B: model.Imm(model.Value(rng.Intn(int(val)))), C: model.Imm(val), Order: model.Mb})
				val++
			}
		}
		th.halt()
	}
	for t, th := range b.p.Threads {
		for r := 0; r < th.NumRegs; r++ {
			b.p.Observed = append(b.p.Observed, &model.RegTerm{Thread: t, Reg: r, Name: th.Regs[r].Name})
		}
	}
	for l := range b.p.Locs {
		b.p.Observed = append(b.p.Observed, &model.LocTerm{Loc: l})
	}
	return b.p
}

func outcomeSet(r *Result) map[string]int64 {
	m := map[string]int64{}
	for _, o := range r.Outcomes {
		m[fmt.Sprint(o.Values)] = o.Count
	}
	return m
}

// checkAgreement is the differential property: DPOR and the reference
// search find the same executions and final states under each model, and
// the final states of sc ⊆ tso ⊆ ra. Every search runs with the test
// switches h.
func checkAgreement(t *testing.T, seed int64, h hooks, enum bool) {
	p := randomProgram(seed)
	if seed%3 == 0 {
		checkVerdicts(t, seed, p, h, enum)
		return
	}
	var prev map[string]int64
	var prevName string
	for _, m := range memmodel.Chain {
		ref := runHooks(t, p, m, Interleave, h)
		opt := runHooks(t, p, m, DPOR, h)
		if ref.Stats.Executions != opt.Stats.Executions {
			t.Errorf("seed %d %s: DPOR %d executions, reference %d", seed, m.Name, opt.Stats.Executions, ref.Stats.Executions)
		}
		en := enumerateSome(t, p, m, h, enum)
		if en.Verdict != Unknown && (en.Stats.Executions != opt.Stats.Executions || fmt.Sprint(outcomeSet(en)) != fmt.Sprint(outcomeSet(opt))) {
			t.Errorf("seed %d %s: enumeration found %d executions (%d states, %s %s), DPOR %d", seed, m.Name,
				en.Stats.Executions, len(en.Outcomes), en.Verdict, en.Reason, opt.Stats.Executions)
		}
		par, err := Explore(context.Background(), p, Options{Model: m, Workers: 3, hooks: &h})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(outcomeSet(par)) != fmt.Sprint(outcomeSet(opt)) || par.Stats.Executions != opt.Stats.Executions {
			t.Errorf("seed %d %s: 3 workers found %d executions %v, 1 worker %d %v", seed, m.Name,
				par.Stats.Executions, outcomeSet(par), opt.Stats.Executions, outcomeSet(opt))
		}
		a, b := outcomeSet(ref), outcomeSet(opt)
		for k, n := range a {
			if b[k] != n {
				t.Errorf("seed %d %s: state %s: DPOR %d executions, reference %d", seed, m.Name, k, b[k], n)
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				t.Errorf("seed %d %s: DPOR found state %s the reference did not", seed, m.Name, k)
			}
		}
		for k := range prev {
			if _, ok := a[k]; !ok {
				t.Errorf("seed %d: state %s allowed by %s but not by %s", seed, k, prevName, m.Name)
			}
		}
		prev, prevName = a, m.Name
	}
}

// checkVerdicts: for programs with awaits, checks and assumes, every
// search must reach the same verdict (and the models keep sc ⊆ tso ⊆ ra:
// a violation under sc is one under tso and ra).
func checkVerdicts(t *testing.T, seed int64, p *model.Program, h hooks, enum bool) {
	prevFail := false
	for _, m := range memmodel.Chain {
		ref := runHooks(t, p, m, Interleave, h)
		opt := runHooks(t, p, m, DPOR, h)
		par, err := Explore(context.Background(), p, Options{Model: m, Workers: 3, hooks: &h})
		if err != nil {
			t.Fatal(err)
		}
		en := enumerateSome(t, p, m, h, enum)
		if opt.Verdict != ref.Verdict || par.Verdict != ref.Verdict || (en.Verdict != Unknown && en.Verdict != ref.Verdict) {
			t.Errorf("seed %d %s: verdicts differ: interleave %s (%s), dpor %s (%s), 3 workers %s, enumerate %s (%s)", seed, m.Name,
				ref.Verdict, ref.Reason, opt.Verdict, opt.Reason, par.Verdict, en.Verdict, en.Reason)
		}
		if ref.Verdict == Pass && ref.Stats.Executions != opt.Stats.Executions {
			t.Errorf("seed %d %s: DPOR %d executions, reference %d", seed, m.Name, opt.Stats.Executions, ref.Stats.Executions)
		}
		if prevFail && len(ref.Violations) == 0 {
			t.Errorf("seed %d: a violation under a stronger model but none under %s", seed, m.Name)
		}
		prevFail = len(ref.Violations) > 0
	}
}

// enumStates bounds the enumeration in checkAgreement and checkVerdicts:
// it is the slowest search here (1.4 ms a candidate under these models:
// seed -351's 4,580 took 6 s); beyond it the enumeration is not compared.
const enumStates = 600

// enumerateSome runs the enumeration up to enumStates states, if enum
// (else it returns an Unknown result, which is not compared). Its cost
// is in finding its paths, which states do not bound: FuzzExplore leaves
// it out (seed 891's enumerations took 2 s each with 92 states), and
// TestDifferentialRandom keeps it.
func enumerateSome(t *testing.T, p *model.Program, m *memmodel.Model, h hooks, enum bool) *Result {
	t.Helper()
	if !enum {
		return &Result{Verdict: Unknown}
	}
	r, err := Explore(context.Background(), p, Options{Model: m, Algorithm: Enumerate, MaxStates: enumStates, hooks: &h})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDifferentialRandom(t *testing.T) {
	n := int64(120)
	if !longTests() {
		n = 40
	}
	for seed := int64(0); seed < n; seed++ {
		checkAgreement(t, seed, hooks{paranoid: true, poison: true}, true)
		if t.Failed() {
			t.Logf("program:\n%s", dumpProgram(randomProgram(seed)))
			return
		}
	}
}

func FuzzExplore(f *testing.F) {
	for s := int64(0); s < 8; s++ {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		// Keep each input well under the fuzzer's hang detector (10 s):
		// the reference searches are exponential. The interleaving
		// search's states measure a program's size best (seed -324 took
		// 13 s with 1,242 DPOR states and 7,036 interleaving ones).
		r, err := Explore(context.Background(), randomProgram(seed), Options{Model: memmodel.RA, Algorithm: Interleave, MaxStates: 3000})
		if err != nil || r.Verdict == Unknown {
			t.Skip("too big for one fuzz input")
		}
		checkAgreement(t, seed, hooks{paranoid: true, poison: true}, false)
	})
}

func dumpProgram(p *model.Program) string {
	s := ""
	for _, th := range p.Threads {
		s += fmt.Sprintf("P%d:\n", th.ID)
		for _, in := range th.Code {
			s += fmt.Sprintf("  %v %v A=%v B=%v C=%v dst=%d %v %v\n", in.Op, in.Order, in.A, in.B, in.C, in.Dst, in.RMW, in.Fence)
		}
	}
	return s
}
