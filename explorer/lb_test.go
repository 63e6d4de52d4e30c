package explorer

import (
	"fmt"
	"math/rand"
	"testing"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// TestLoadBufferingRevisits compares, under lkmm, the DPOR fallback (with
// lb.go's revisits) against the enumeration, which is complete, on random
// programs: every final state and violation the fallback finds must be a
// real one (found by the enumeration too), it must find at least what
// plain DPOR finds, and over the seeds it must find some executions with
// load buffering (else lb.go does nothing).
func TestLoadBufferingRevisits(t *testing.T) {
	m := memmodel.LKMM
	// lb.go is the fallback where speculation is not possible.
	fallback := hooks{specOff: true, skipEnumeration: true}
	// Plain DPOR: the executions without load buffering.
	plainDPOR := fallback
	plainDPOR.lbRevisitsOff = true
	lbSeen, lbOnly := int64(0), 0
	n := int64(150)
	if !longTests() {
		n = 60
	}
	for seed := int64(1); seed <= n; seed++ {
		p := randomProgram(seed)
		if seed%2 == 0 {
			p = randomDepProgram(seed)
		}
		en := run(t, p, m, Enumerate)
		if en.Verdict == Unknown {
			continue
		}
		fb := runHooks(t, p, m, DPOR, fallback)
		lbSeen += fb.Stats.LoadBuffer
		ens, fbs := outcomeSet(en), outcomeSet(fb)
		for k := range fbs {
			if _, ok := ens[k]; !ok {
				t.Errorf("seed %d: the fallback finds final state %s, which the enumeration does not\n%s", seed, k, dumpProgram(p))
			}
		}
		if fb.Verdict == Fail && en.Verdict != Fail {
			t.Errorf("seed %d: the fallback finds %s, the enumeration no violation\n%s", seed, fb.Reason, dumpProgram(p))
		}
		if fb.Verdict == Fail && len(fb.Violations) > 0 && len(en.Violations) == 0 {
			t.Errorf("seed %d: the fallback finds a violation (%s), the enumeration only %s", seed, fb.Reason, en.Reason)
		}
		plain := runHooks(t, p, m, DPOR, plainDPOR)
		ps := outcomeSet(plain)
		for k := range ps {
			if _, ok := fbs[k]; !ok {
				t.Errorf("seed %d: plain DPOR finds final state %s, the fallback with load buffering does not", seed, k)
			}
		}
		if len(fbs) > len(ps) {
			lbOnly++
		}
	}
	if lbSeen == 0 || lbOnly == 0 {
		t.Errorf("no execution with load buffering built (%d) or no final state only they reach (%d programs)", lbSeen, lbOnly)
	}
	t.Log(fmt.Sprintf("%d executions with load buffering; %d programs with final states only they reach", lbSeen, lbOnly))
}

// randomDepProgram is randomProgram with the dependencies load buffering
// needs: stores of loaded values (data), stores under a conditional on a
// loaded value (ctrl, ending where the branch joins), relaxed and fully
// ordered fetch-and-add (an RMW whose write depends on its read).
func randomDepProgram(seed int64) *model.Program {
	rng := rand.New(rand.NewSource(seed))
	nloc := 2 + rng.Intn(2)
	b := newTB([]string{"x", "y", "z"}[:nloc]...)
	nth := 2 + rng.Intn(2)
	for i := 0; i < nth; i++ {
		nops := 2 + rng.Intn(3)
		th := b.thread(nops)
		loaded := -1
		for j := 0; j < nops; j++ {
			loc := rng.Intn(nloc)
			switch k := rng.Intn(10); {
			case k < 4:
				th.load(j, loc, []model.Order{model.Once, model.Once, model.Acquire}[rng.Intn(3)])
				loaded = j
			case k < 6 && loaded >= 0:
				th.emit(model.Instr{Op: model.OpStore, Dst: -1, A: model.Imm(model.Ptr(loc)), B: model.R(loaded), Order: model.Once})
			case k < 7 && loaded >= 0 && rng.Intn(2) == 0:
				// v = r ? r : 1; WRITE_ONCE(loc, v): a data dependency
				// on one side of the branch only.
				base := int32(len(th.t.Code))
				th.emit(model.Instr{Op: model.OpJumpIfNot, Dst: -1, A: model.R(loaded), Target: base + 3})
				th.emit(model.Instr{Op: model.OpMove, Dst: int32(j), A: model.R(loaded)})
				th.emit(model.Instr{Op: model.OpJump, Dst: -1, Target: base + 4})
				th.emit(model.Instr{Op: model.OpMove, Dst: int32(j), A: model.Imm(1)})
				th.emit(model.Instr{Op: model.OpStore, Dst: -1, A: model.Imm(model.Ptr(loc)), B: model.R(j), Order: model.Once})
			case k < 7 && loaded >= 0:
				// if (r == 1) WRITE_ONCE(loc, 2);
				th.emit(model.Instr{Op: model.OpBinary, Alu: model.AluEq, Dst: int32(j), A: model.R(loaded), B: model.Imm(1)})
				skip := int32(len(th.t.Code) + 2)
				th.emit(model.Instr{Op: model.OpJumpIfNot, Dst: -1, A: model.R(j), Target: skip})
				th.store(loc, 2, model.Once)
			case k < 9:
				o := []model.Order{model.Once, model.Mb}[rng.Intn(2)]
				th.emit(model.Instr{Op: model.OpRMW, RMW: model.RMWAdd, Dst: int32(j), A: model.Imm(model.Ptr(loc)), B: model.Imm(1), Order: o})
				loaded = j
			default:
				th.store(loc, 1, []model.Order{model.Once, model.Release}[rng.Intn(2)])
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

// TestLoadBufferingBranchValue is a program the review found: a value
// stored after a branch comes from a read on one side only (v = r ? r :
// 1), so when a load-buffering revisit changes r, the store's data
// dependency changes too, and the model must judge the new one (else it
// accepts an out-of-thin-air cycle the enumeration rightly never builds).
func TestLoadBufferingBranchValue(t *testing.T) {
	b := newTB("x", "y")
	sel := func(th *thb, dst, r int, loc int, o model.Order) {
		base := int32(len(th.t.Code))
		th.emit(model.Instr{Op: model.OpJumpIfNot, Dst: -1, A: model.R(r), Target: base + 3})
		th.emit(model.Instr{Op: model.OpMove, Dst: int32(dst), A: model.R(r)})
		th.emit(model.Instr{Op: model.OpJump, Dst: -1, Target: base + 4})
		th.emit(model.Instr{Op: model.OpMove, Dst: int32(dst), A: model.Imm(1)})
		th.emit(model.Instr{Op: model.OpStore, Dst: -1, A: model.Imm(model.Ptr(loc)), B: model.R(dst), Order: o})
	}
	p0 := b.thread(2)
	p0.emit(model.Instr{Op: model.OpRMW, RMW: model.RMWAdd, Dst: 0, A: model.Imm(model.Ptr(0)), B: model.Imm(1), Order: model.Once})
	sel(p0, 1, 0, 1, model.Once)
	p0.halt()
	p1 := b.thread(3)
	p1.emit(model.Instr{Op: model.OpRMW, RMW: model.RMWAdd, Dst: 0, A: model.Imm(model.Ptr(1)), B: model.Imm(1), Order: model.Mb})
	sel(p1, 1, 0, 0, model.Plain)
	p1.emit(model.Instr{Op: model.OpRMW, RMW: model.RMWAdd, Dst: 2, A: model.Imm(model.Ptr(1)), B: model.Imm(1), Order: model.Once})
	p1.halt()
	p := b.p
	for ti, th := range p.Threads {
		for r := 0; r < th.NumRegs; r++ {
			p.Observed = append(p.Observed, &model.RegTerm{Thread: ti, Reg: r, Name: th.Regs[r].Name})
		}
	}
	for l := range p.Locs {
		p.Observed = append(p.Observed, &model.LocTerm{Loc: l})
	}
	en := run(t, p, memmodel.LKMM, Enumerate)
	fb := runHooks(t, p, memmodel.LKMM, DPOR, hooks{skipEnumeration: true})
	ens := outcomeSet(en)
	for k := range outcomeSet(fb) {
		if _, ok := ens[k]; !ok {
			t.Errorf("the fallback finds final state %s, which the enumeration does not", k)
		}
	}
}
