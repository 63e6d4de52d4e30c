package litmus

import (
	"mmcheck/model"
)

// maxUnroll is the largest trip count of a constant for loop that is
// unrolled; longer ones are emitted as loops (still without a bound).
const maxUnroll = 64

// maxCode bounds the code of one thread (unrolling and inlining can
// multiply it).
const maxCode = 1 << 16

// maxWork bounds the work of lowering a program: the statements and
// expressions lowered and the instructions generated, those dropped
// included, at most maxWork plus workPerByte for each byte of source.
// Unrolling, inlining, dead code (checked in each copy of an unrolled
// loop, then dropped) and spin loops tried as awaits multiply the work,
// not always the code: a helper calling an empty one twice, calling...
// The files in use take less than one step per byte.
const (
	maxWork     = 1 << 18
	workPerByte = 4
)

// gen generates the code of one thread.
type gen struct {
	l         *lowerer
	proc      int  // process number, for smp_processor_id()
	scratch   bool // only checking a helper function: record nothing
	code      []model.Instr
	regs      []model.RegInfo
	declRegs  map[Node]int // register of each declaration (helpers are never active twice)
	frame     *frame
	loops     []*loopCtx
	loopDepth int                // enclosing loops that jump back (their counters need resetting)
	halts     []int              // jumps to the final halt
	tooBig    bool               // the code exceeded maxCode: stop generating
	depth     int                // statements and expressions being lowered, counting inlined helpers
	tooDeep   bool               // depth exceeded maxDepth: stop generating
	probes    []*probe           // the spin loops tryAwait is lowering, innermost last
	probeHits int                // how many of them saw an instruction that rules them out
	rest      []Stmt             // the statements after the current one in its block
	gotos     []*pendingGoto     // forward gotos, patched when their label is reached
	switches  []*switchCtx       // the switches being lowered, innermost last
	gotoLoops bool               // a backward goto's label has been lowered: loops reset their counters
	dead      int                // dead code being checked (deadCode), nested
	cpu       *cpuCtx            // the CPU per-CPU names stand for, in per_cpu() and this_cpu_*() (percpu.go)
	eachOK    map[*CallExpr]bool // the for_each calls that are the tests of their loops (cpumask.go)
}

// A frame is the process body or an inlined helper function.
type frame struct {
	fn       *FuncDecl // nil for the process body
	name     string
	calls    []string // inlined functions, outermost first
	result   int      // result register, or -1
	resType  *ctype
	returns  []int // jumps to the end of the inlined body
	scope    *scope
	top      *scope
	parent   *frame
	loopBase int // len(gen.loops) at entry
	// The locals in scope by name, innermost last: a lookup is one map
	// access, not one per enclosing block.
	visible map[string][]*local
	labels  map[string]*labelDef // the labels reached so far (goto.go)
}

// A loopCtx is a loop or a switch being lowered: where its breaks (and a
// loop's continues) jump.
type loopCtx struct {
	breaks, continues []int
	isSwitch          bool
}

type scope struct {
	parent *scope
	vars   map[string]*local
	names  []string // names bound in this scope, in order (frame.visible entries to drop at its end)
}

// A local is a register variable (or, inside an unrolled loop, the loop's
// counter with a known value).
type local struct {
	name  string
	reg   int
	t     *ctype
	pos   model.Pos
	konst bool
	val   model.Value
}

func newScope(parent *scope) *scope { return &scope{parent: parent, vars: map[string]*local{}} }

// opMode says what an operand is.
type opMode uint8

const (
	oVal opMode = iota // a value: arg
	oReg               // a register variable: reg
	oMem               // a memory location at address arg+off
)

type opnd struct {
	mode   opMode
	arg    model.Arg
	off    model.Value
	reg    int
	t      *ctype
	isBool bool // a value known to be 0 or 1
}

var badOp = opnd{mode: oVal, arg: model.Imm(0), t: tBad}

func imm(v model.Value, t *ctype) opnd { return opnd{mode: oVal, arg: model.Imm(v), t: t} }

// kw is a node for a keyword or token (a jump's "else", a body's "}").
type kw struct{ span }

func kwAt(pos model.Pos, word string) Node {
	end := pos
	end.Col += len(word)
	return &kw{span{pos, end}}
}

func (l *lowerer) newGen(proc int, scratch bool) *gen {
	return &gen{l: l, proc: proc, scratch: scratch, declRegs: map[Node]int{}}
}

func (g *gen) errorf(pos model.Pos, format string, args ...any) { g.l.errorf(pos, format, args...) }
func (g *gen) text(n Node) string                               { return g.l.text(n) }

func (g *gen) feature(name string) {
	if !g.scratch {
		g.l.features[name] = true
	}
}

// ---- registers and instructions ----

func (g *gen) newReg(name string, t *ctype) int {
	g.regs = append(g.regs, model.RegInfo{Name: name, IsPtr: isPtrType(t)})
	return len(g.regs) - 1
}

func (g *gen) temp(t *ctype) int { return g.newReg("", t) }

func (g *gen) dst(want int, t *ctype) int {
	if want >= 0 {
		return want
	}
	return g.temp(t)
}

func ins(op model.Op) model.Instr { return model.Instr{Op: op, Dst: -1} }

func (g *gen) emit(n Node, in model.Instr) int {
	if len(g.code) >= maxCode && !g.tooBig {
		g.tooBig = true
		g.errorf(n.Pos(), "code too large (more than %d instructions after unrolling and inlining)", maxCode)
	}
	g.step(n)
	for _, p := range g.probes {
		if !p.hit && !p.allow(in.Op) {
			p.hit = true
			g.probeHits++
		}
	}
	in.Pos = n.Pos()
	in.Text = g.l.source(n)
	in.Call = g.frame.calls
	g.code = append(g.code, in)
	return len(g.code) - 1
}

// stopped reports whether generation has given up (the code is too large
// or nested too deeply, both reported), or a spin loop being tried as an
// await is ruled out (it will be lowered again): statements and
// expressions then generate nothing, so that the rest costs next to
// nothing.
func (g *gen) stopped() bool { return g.tooBig || g.l.tooMuch || g.tooDeep || g.probeHits > 0 }

// enter counts one level of statements or expressions being lowered. The
// tree of each declaration is at most maxDepth levels deep (Lower checks
// it), but inlining a helper nests its body inside the caller's: past
// maxDepth levels in all, enter reports an error at n and stops the
// generation. It reports whether n may be lowered; if so, the caller
// must call g.leave() after it.
func (g *gen) enter(n Node) bool {
	if g.depth >= maxDepth {
		if !g.tooDeep {
			g.tooDeep = true
			what := "expression"
			if _, ok := n.(Stmt); ok {
				what = "statement"
			}
			g.errorf(n.Pos(), "%s nested too deeply (more than %d levels, counting inlined helpers)", what, maxDepth)
		}
		return false
	}
	g.depth++
	g.step(n)
	return true
}

func (g *gen) leave() { g.depth-- }

// step counts a step of the work of lowering, at n; past the budget
// (see maxWork) it reports an error and stops the generation.
func (g *gen) step(n Node) {
	l := g.l
	l.work++
	if l.work > l.maxWork && !l.tooMuch {
		l.tooMuch = true
		g.errorf(n.Pos(), "program too large to lower (more than %d steps, counting unrolled loops, inlined calls and dead code)", l.maxWork)
	}
}

func (g *gen) mov(n Node, dst int, a model.Arg) {
	if !a.IsImm() && int(a.Reg) == dst {
		return
	}
	in := ins(model.OpMove)
	in.Dst, in.A = int32(dst), a
	g.emit(n, in)
}

func (g *gen) binop(n Node, dst int, alu model.Alu, a, b model.Arg) {
	in := ins(model.OpBinary)
	in.Dst, in.Alu, in.A, in.B = int32(dst), alu, a, b
	g.emit(n, in)
}

func (g *gen) jump(n Node, op model.Op, a model.Arg) int {
	in := ins(op)
	in.A = a
	return g.emit(n, in)
}

func (g *gen) patch(list []int, target int) {
	for _, i := range list {
		g.code[i].Target = int32(target)
	}
}

func (g *gen) here() int { return len(g.code) }

// ---- names ----

func (g *gen) lookup(name string) *local {
	if vs := g.frame.visible[name]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return nil
}

// bind binds name to v in scope sc of the current frame: the innermost
// scope, or the frame's top scope when it has no binding for name in any
// scope (a herd7 register declared by its first assignment).
func (g *gen) bind(sc *scope, name string, v *local) {
	fr := g.frame
	if fr.visible == nil {
		fr.visible = map[string][]*local{}
	}
	sc.vars[name] = v
	sc.names = append(sc.names, name)
	fr.visible[name] = append(fr.visible[name], v)
}

func (g *gen) pushScope() { g.frame.scope = newScope(g.frame.scope) }

func (g *gen) popScope() {
	fr := g.frame
	for _, name := range fr.scope.names {
		vs := fr.visible[name]
		fr.visible[name] = vs[:len(vs)-1]
	}
	fr.scope = fr.scope.parent
}

// regName is the register name of a local: plain in a process, "fn.name"
// in an inlined helper.
func (g *gen) regName(name string) string {
	if g.frame.fn == nil {
		return name
	}
	return g.frame.name + "." + name
}

// declare adds a local to the current scope, with the register of decl.
func (g *gen) declare(decl Node, id *Ident, t *ctype) *local {
	if prev := g.frame.scope.vars[id.Name]; prev != nil {
		g.l.redeclared(id.Name, id.Pos(), prev.pos)
	}
	reg, ok := g.declRegs[decl]
	if !ok {
		reg = g.newReg(g.regName(id.Name), t)
		g.declRegs[decl] = reg
	}
	v := &local{name: id.Name, reg: reg, t: t, pos: id.Pos()}
	g.bind(g.frame.scope, id.Name, v)
	return v
}

// constValue evaluates x if it is a constant here (including the
// counters of unrolled loops), without emitting code.
func (g *gen) constValue(x Expr) (model.Value, bool) {
	return g.l.evalConst(x, func(id *Ident) (model.Value, bool) {
		if v := g.lookup(id.Name); v != nil {
			return v.val, v.konst
		}
		return g.l.globalConst(id)
	})
}

// literalConst evaluates x if it is a constant expression of the global
// scope (no loop counters).
func (g *gen) literalConst(x Expr) (model.Value, bool) {
	return g.l.evalConst(x, func(id *Ident) (model.Value, bool) {
		if g.lookup(id.Name) != nil {
			return 0, false
		}
		return g.l.globalConst(id)
	})
}

// ---- processes and helpers ----

func (l *lowerer) genProc(pd *ProcDecl) *model.Thread {
	g := l.newGen(pd.ID, false)
	l.cur = g
	defer func() { l.cur = nil }()
	top := newScope(nil)
	g.frame = &frame{result: -1, scope: top, top: top}
	th := &model.Thread{ID: pd.ID, Name: pd.Name.Name, Pos: pd.Pos()}
	for _, p := range pd.Params {
		gl := l.globals[p.Name.Name]
		if p.Type.Stars == 0 || gl == nil || gl.kind != gObject {
			continue
		}
		t := l.typeName(p.Type)
		v := g.declare(p, p.Name, t)
		th.Init = append(th.Init, model.RegInit{Reg: v.reg, Val: model.Ptr(gl.obj.base)})
		if !l.assigns(pd.Body, p.Name.Name) && !l.hasRegInit(pd.ID, p.Name.Name) {
			// The register keeps its initial value: use it as a constant,
			// so that accesses through it have static addresses.
			v.konst, v.val = true, model.Ptr(gl.obj.base)
		}
	}
	l.declareInitRegs(g, pd)
	g.stmtList(pd.Body.List)
	g.checkGotos()
	end := pd.Body.End()
	end.Col--
	halt := g.emit(kwAt(end, "}"), ins(model.OpHalt))
	g.patch(g.halts, halt)
	th.Code = removeJumpsToNext(g.code)
	th.Regs = g.regs
	th.NumRegs = len(g.regs)
	return th
}

// hasRegInit reports whether the init block sets register name of process
// proc.
func (l *lowerer) hasRegInit(proc int, name string) bool {
	for _, a := range l.regInits {
		if r := a.X.(*RegRef); r.Proc == proc && r.Name == name {
			return true
		}
	}
	return false
}

// checkFunc type-checks a helper that no process calls.
func (l *lowerer) checkFunc(fd *FuncDecl) {
	g := l.newGen(0, true)
	l.cur = g
	defer func() { l.cur = nil }()
	top := newScope(nil)
	g.frame = &frame{result: -1, scope: top, top: top}
	call := &CallExpr{span: fd.span, Fun: fd.Name}
	for _, p := range fd.Params {
		call.Args = append(call.Args, &Ident{p.span, p.Name.Name})
		g.declare(p, p.Name, l.typeName(p.Type))
	}
	g.inline(call, l.globals[fd.Name.Name], -1, true)
	g.checkGotos()
}

func isJump(op model.Op) bool {
	return op == model.OpJump || op == model.OpJumpIf || op == model.OpJumpIfNot
}

// removeJumpsToNext simplifies jumps: it threads jumps to jumps, turns
// "jz c, L1; jmp L2; L1:" into "jnz c, L2", and deletes unconditional
// jumps to the next instruction.
func removeJumpsToNext(code []model.Instr) []model.Instr {
	for i := range code {
		if !isJump(code[i].Op) {
			continue
		}
		for n := 0; n < len(code); n++ {
			t := int(code[i].Target)
			if t >= len(code) || t == i || code[t].Op != model.OpJump {
				break
			}
			code[i].Target = code[t].Target
		}
	}
	targeted := make([]bool, len(code)+1)
	for _, in := range code {
		if isJump(in.Op) {
			targeted[in.Target] = true
		}
	}
	for i := 0; i+1 < len(code); i++ {
		in, next := &code[i], &code[i+1]
		if (in.Op == model.OpJumpIf || in.Op == model.OpJumpIfNot) && int(in.Target) == i+2 &&
			next.Op == model.OpJump && !targeted[i+1] {
			if in.Op == model.OpJumpIf {
				in.Op = model.OpJumpIfNot
			} else {
				in.Op = model.OpJumpIf
			}
			in.Target = next.Target
			next.Target = int32(i + 2) // now a jump to the next instruction
		}
	}
	for pass := 0; pass < 8; pass++ {
		keep := make([]bool, len(code))
		newIdx := make([]int32, len(code)+1)
		n := int32(0)
		removed := false
		for i, in := range code {
			newIdx[i] = n
			if in.Op == model.OpJump && int(in.Target) == i+1 {
				removed = true
				continue
			}
			keep[i] = true
			n++
		}
		newIdx[len(code)] = n
		if !removed {
			return code
		}
		out := make([]model.Instr, 0, n)
		for i, in := range code {
			if !keep[i] {
				continue
			}
			switch in.Op {
			case model.OpJump, model.OpJumpIf, model.OpJumpIfNot:
				in.Target = newIdx[in.Target]
			}
			out = append(out, in)
		}
		code = out
	}
	return code
}
