package weaken

import (
	"slices"

	"mmcheck/model"
)

// This file finds the dependency sites: an access whose address, value
// written or execution depends on a marked read of its own CPU, as the
// explorer computes Deps for a model that asks for them
// (memmodel.Model.NeedsDeps). The analysis is static and may, over all
// paths of a CPU's code: a register holds the reads any path may have
// fed it; a conditional branch on such a register makes every access
// until its branches join depend on them (a conditional stop, BUG_ON,
// assume or the exit of a spin loop, every access after it), as
// interp.openScope scopes them. An access of a dependency site that no
// execution takes is harmless: breaking it changes nothing, and the site
// is redundant.

// DepSource is a read a dependency site depends on.
type DepSource struct {
	Pos  model.Pos
	Text string
}

// depEdge is one instruction's dependency of one kind on reads (the
// indices of the reading instructions).
type depEdge struct {
	kind model.DepKinds
	from []int32
}

// threadDeps returns, for each instruction of code that makes an access
// lkmm orders by a dependency (a load by its address; a store or an RMW
// by its address, its value and control), its dependencies on marked
// reads of the same code.
func threadDeps(th *model.Thread) map[int][]depEdge {
	code := th.Code
	n := len(code)
	succ := func(i int) []int { return model.Successors(code, i) }
	// Registers: the reads each may hold, at the entry of each instruction.
	nregs := max(th.NumRegs, 1)
	state := make([][][]int32, n)
	get := func(st [][]int32, a model.Arg) []int32 {
		if a.Reg < 0 || int(a.Reg) >= len(st) {
			return nil
		}
		return st[a.Reg]
	}
	transfer := func(i int, st [][]int32) [][]int32 {
		in := &code[i]
		if in.Dst < 0 || int(in.Dst) >= len(st) {
			return st
		}
		var t []int32
		switch in.Op {
		case model.OpMove, model.OpUnary:
			t = get(st, in.A)
		case model.OpBinary:
			t = union(get(st, in.A), get(st, in.B))
		case model.OpLoad, model.OpRMW, model.OpTrylock, model.OpIsLocked:
			if isSource(in) {
				t = []int32{int32(i)}
			}
		case model.OpLoopIter:
			return st
		}
		out := slices.Clone(st)
		out[in.Dst] = t
		return out
	}
	if n > 0 {
		state[0] = make([][]int32, nregs)
		work := []int{0}
		queued := make([]bool, n)
		queued[0] = true
		for len(work) > 0 {
			i := work[len(work)-1]
			work = work[:len(work)-1]
			queued[i] = false
			out := transfer(i, state[i])
			for _, s := range succ(i) {
				merged, changed := join(state[s], out, nregs)
				if changed {
					state[s] = merged
					if !queued[s] {
						queued[s] = true
						work = append(work, s)
					}
				}
			}
		}
	}
	// Control: each conditional on reads, over the code it decides.
	ctrl := make([][]int32, n)
	ipdom := model.PostDominators(code)
	for i := range code {
		in := &code[i]
		if state[i] == nil {
			continue // unreachable
		}
		forever := false
		switch in.Op {
		case model.OpJumpIf, model.OpJumpIfNot:
		case model.OpCheck:
			if in.Check == model.CheckWarn {
				continue
			}
			forever = true
		case model.OpAssume, model.OpBoundsCheck, model.OpAwaitEnd:
			forever = true
		default:
			continue
		}
		from := get(state[i], in.A)
		if len(from) == 0 {
			continue
		}
		stop := int(ipdom[i])
		if forever {
			stop = -1
		}
		seen := make([]bool, n)
		queue := succ(i)
		for len(queue) > 0 {
			j := queue[0]
			queue = queue[1:]
			if j == stop || seen[j] {
				continue
			}
			seen[j] = true
			ctrl[j] = union(ctrl[j], from)
			queue = append(queue, succ(j)...)
		}
	}
	out := map[int][]depEdge{}
	for i := range code {
		in := &code[i]
		if state[i] == nil || in.Srcu {
			continue
		}
		var addr, data, ctl []int32
		switch in.Op {
		case model.OpLoad:
			addr = get(state[i], in.A)
		case model.OpStore:
			addr, data, ctl = get(state[i], in.A), get(state[i], in.B), ctrl[i]
		case model.OpRMW:
			addr, ctl = get(state[i], in.A), ctrl[i]
			if in.RMW == model.RMWCmpXchg {
				data = get(state[i], in.C) // the new value; the expected one only decides
			} else {
				data = get(state[i], in.B)
			}
		default:
			continue
		}
		var es []depEdge
		for _, e := range []depEdge{{model.DepAddr, addr}, {model.DepData, data}, {model.DepCtrl, ctl}} {
			if len(e.from) > 0 {
				es = append(es, e)
			}
		}
		if es != nil {
			out[i] = es
		}
	}
	return out
}

// isSource reports whether the read an instruction makes is one whose
// dependencies lkmm heeds: a marked read (not plain, not srcu_read_lock).
func isSource(in *model.Instr) bool {
	switch in.Op {
	case model.OpLoad, model.OpRMW:
		return in.Order != model.Plain && !in.Srcu
	}
	return true // spin_trylock, spin_is_locked
}

// union returns the sorted union of two sorted sets (a itself when b
// adds nothing).
func union(a, b []int32) []int32 {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i >= len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	if len(out) == len(a) {
		return a
	}
	return out
}

// join merges the register state out into st (nil: not reached yet).
func join(st, out [][]int32, nregs int) ([][]int32, bool) {
	if st == nil {
		c := make([][]int32, nregs)
		copy(c, out)
		return c, true
	}
	changed := false
	var m [][]int32
	for r := range st {
		if r >= len(out) {
			break
		}
		u := union(st[r], out[r])
		if len(u) != len(st[r]) {
			if m == nil {
				m = slices.Clone(st)
			}
			m[r] = u
			changed = true
		}
	}
	if !changed {
		return st, false
	}
	return m, true
}
