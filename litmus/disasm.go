package litmus

import (
	"fmt"
	"strings"

	"mmcheck/model"
)

// Disasm returns a compact listing of a thread's code, one instruction a
// line: "  3  r0 = load.once &x  ; READ_ONCE". Registers print by name,
// temporaries as %N; pointer immediates print as @L (location L). See
// [DisasmProgram] for location names.
func Disasm(t *model.Thread) string { return disasm(nil, t) }

// DisasmProgram is like [Disasm] but prints pointers as &name using the
// program's locations, and starts with the thread's initial registers.
func DisasmProgram(p *model.Program, t *model.Thread) string { return disasm(p, t) }

func disasm(p *model.Program, t *model.Thread) string {
	var b strings.Builder
	d := disasmer{p: p, t: t}
	for _, ri := range t.Init {
		fmt.Fprintf(&b, "     %s = %s\n", d.reg(ri.Reg), d.val(ri.Val))
	}
	for i := range t.Code {
		fmt.Fprintf(&b, "%3d  %s\n", i, d.instr(&t.Code[i]))
	}
	return b.String()
}

type disasmer struct {
	p *model.Program
	t *model.Thread
}

func (d disasmer) reg(r int) string {
	if r < 0 || r >= len(d.t.Regs) {
		return fmt.Sprintf("%%%d", r)
	}
	name := d.t.Regs[r].Name
	if name == "" {
		return fmt.Sprintf("%%%d", r)
	}
	for i, ri := range d.t.Regs {
		if ri.Name == name && i != r {
			return fmt.Sprintf("%s#%d", name, r)
		}
	}
	return name
}

func (d disasmer) val(v model.Value) string {
	if !model.IsPtr(v) {
		return fmt.Sprint(v)
	}
	if d.p != nil {
		// The exact location, not the friendlier name traces use
		// (a pointer to a struct's first field is not the struct here).
		if l, ok := d.p.PtrLoc(v); ok {
			if o := d.p.Objects[d.p.Locs[l].Obj]; o.Base == l && !o.IsArray {
				return "&" + o.Name
			}
			return "&" + d.p.Locs[l].Name
		}
		return d.p.FormatValue(v, true)
	}
	return fmt.Sprintf("@%d", v-model.PtrBase)
}

func (d disasmer) arg(a model.Arg) string {
	if a.IsImm() {
		return d.val(a.Imm)
	}
	return d.reg(int(a.Reg))
}

// FormatInstr returns the listing form of one instruction of thread t
// (for debugging); p may be nil.
func FormatInstr(p *model.Program, t *model.Thread, in *model.Instr) string {
	return disasmer{p, t}.instr(in)
}

func (d disasmer) instr(in *model.Instr) string {
	var s string
	switch in.Op {
	case model.OpMove:
		s = fmt.Sprintf("%s = %s", d.reg(int(in.Dst)), d.arg(in.A))
	case model.OpUnary:
		s = fmt.Sprintf("%s = %s%s", d.reg(int(in.Dst)), in.Alu, d.arg(in.A))
	case model.OpBinary:
		s = fmt.Sprintf("%s = %s %s %s", d.reg(int(in.Dst)), d.arg(in.A), in.Alu, d.arg(in.B))
	case model.OpJump:
		s = fmt.Sprintf("jmp %d", in.Target)
	case model.OpJumpIf:
		s = fmt.Sprintf("jnz %s, %d", d.arg(in.A), in.Target)
	case model.OpJumpIfNot:
		s = fmt.Sprintf("jz %s, %d", d.arg(in.A), in.Target)
	case model.OpLoad:
		s = fmt.Sprintf("%s = load.%s %s", d.reg(int(in.Dst)), in.Order, d.arg(in.A))
		if in.Srcu {
			s = fmt.Sprintf("%s = srcu_read_lock %s", d.reg(int(in.Dst)), d.arg(in.A))
		}
	case model.OpStore:
		s = fmt.Sprintf("store.%s %s, %s", in.Order, d.arg(in.A), d.arg(in.B))
		if in.Srcu {
			s = fmt.Sprintf("srcu_read_unlock %s, %s", d.arg(in.A), d.arg(in.B))
		}
	case model.OpRMW:
		s = fmt.Sprintf("rmw.%s.%s %s, %s", in.Order, in.RMW, d.arg(in.A), d.arg(in.B))
		if in.RMW == model.RMWCmpXchg || in.RMW == model.RMWAddUnless {
			s += ", " + d.arg(in.C)
		}
		if in.Dst >= 0 {
			s = d.reg(int(in.Dst)) + " = " + s
		}
	case model.OpFence:
		s = "fence " + in.Fence.String()
		if in.Fence == model.FenceSyncSRCU {
			s += " " + d.arg(in.A)
		}
	case model.OpFree:
		s = "free " + d.arg(in.A)
	case model.OpCheck:
		s = fmt.Sprintf("check %s %s", strings.ReplaceAll(in.Check.String(), " ", "_"), d.arg(in.A))
	case model.OpAssume:
		s = "assume " + d.arg(in.A)
	case model.OpAwaitBegin:
		s = "await"
	case model.OpAwaitEnd:
		s = "awaitend " + d.arg(in.A)
	case model.OpLoopIter:
		s = "loopiter " + d.reg(int(in.Dst))
	case model.OpBoundsCheck:
		s = fmt.Sprintf("bounds %s, %s", d.arg(in.A), d.arg(in.B))
	case model.OpLock, model.OpUnlock:
		s = in.Op.String() + " " + d.arg(in.A)
	case model.OpTrylock, model.OpIsLocked:
		s = fmt.Sprintf("%s = %s %s", d.reg(int(in.Dst)), in.Op, d.arg(in.A))
	case model.OpHalt:
		s = "halt"
	default:
		s = in.Op.String()
	}
	if in.Prim != "" {
		s += "  ; " + in.Prim
	}
	return s
}
