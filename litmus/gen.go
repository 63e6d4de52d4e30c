package litmus

import (
	"fmt"

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
	loopDepth int      // enclosing loops that jump back (their counters need resetting)
	halts     []int    // jumps to the final halt
	tooBig    bool     // the code exceeded maxCode: stop generating
	depth     int      // statements and expressions being lowered, counting inlined helpers
	tooDeep   bool     // depth exceeded maxDepth: stop generating
	probes    []*probe // the spin loops tryAwait is lowering, innermost last
	probeHits int      // how many of them saw an instruction that rules them out
	rest      []Stmt   // the statements after the current one in its block
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
}

type loopCtx struct{ breaks, continues []int }

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
	g.stmtList(pd.Body.List)
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
	top := newScope(nil)
	g.frame = &frame{result: -1, scope: top, top: top}
	call := &CallExpr{span: fd.span, Fun: fd.Name}
	for _, p := range fd.Params {
		call.Args = append(call.Args, &Ident{p.span, p.Name.Name})
		g.declare(p, p.Name, l.typeName(p.Type))
	}
	g.inline(call, l.globals[fd.Name.Name], -1, true)
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

// ---- statements ----

func (g *gen) stmtList(list []Stmt) {
	saved := g.rest
	for i, s := range list {
		g.rest = list[i+1:]
		g.stmt(s)
	}
	g.rest = saved
}

func (g *gen) stmt(s Stmt) {
	if g.stopped() || !g.enter(s) {
		return
	}
	defer g.leave()
	switch s := s.(type) {
	case *DeclStmt:
		g.declStmt(s)
	case *ExprStmt:
		g.discard(s.X)
	case *BlockStmt:
		g.pushScope()
		g.stmtList(s.List)
		g.popScope()
	case *IfStmt:
		g.ifStmt(s)
	case *ForStmt, *WhileStmt, *DoStmt:
		g.loop(s)
	case *BranchStmt:
		if len(g.loops) <= g.frame.loopBase {
			g.errorf(s.Pos(), "%s is not in a loop", s.Tok)
			return
		}
		lc := g.loops[len(g.loops)-1]
		j := g.jump(s, model.OpJump, model.Arg{})
		if s.Tok == "break" {
			lc.breaks = append(lc.breaks, j)
		} else {
			lc.continues = append(lc.continues, j)
		}
	case *ReturnStmt:
		g.returnStmt(s)
	case *EmptyStmt, *BadStmt:
	}
}

func (g *gen) scoped(s Stmt) {
	g.pushScope()
	g.stmt(s)
	g.popScope()
}

func (g *gen) declStmt(s *DeclStmt) {
	base := g.l.typeSpec(s.Type)
	for _, v := range s.Vars {
		t := g.l.declarator(v.Name.Pos(), base, v.Stars, v.Dims)
		switch {
		case t.kind == kVoid:
			g.errorf(v.Name.Pos(), "variable %s declared void", v.Name.Name)
			t = tBad
		case t.kind == kStruct || t.kind == kArray:
			g.errorf(v.Name.Pos(), "local %s: locals of type %s are not supported (declare it in the init block)", v.Name.Name, t)
			t = tBad
		case t.kind == kLock || t.kind == kAtomic:
			g.errorf(v.Name.Pos(), "local %s: locals of type %s are not supported (declare it in the init block)", v.Name.Name, t)
			t = tBad
		}
		if v.Init != nil {
			if _, ok := v.Init.(*InitList); ok {
				g.errorf(v.Init.Pos(), "initialiser list for scalar %s", v.Name.Name)
				g.declare(v, v.Name, t)
				continue
			}
			// The initialiser is evaluated before the name is in scope
			// only in the sense that it may not refer to itself.
			lv := g.declare(v, v.Name, t)
			x := g.rv(v.Init, lv.reg)
			g.mov(v, lv.reg, x.arg)
			if x.arg.IsImm() && !g.assignedLater(s, v.Name.Name) {
				// a constant: uses need not read the register
				lv.konst, lv.val = true, x.arg.Imm
			}
			continue
		}
		g.declare(v, v.Name, t)
	}
}

// assignedLater reports whether a variable declared by d may be assigned
// after its declaration: in the rest of d's block or in d itself.
func (g *gen) assignedLater(d *DeclStmt, name string) bool {
	return g.l.assignsFrom(d, g.rest, name)
}

func (g *gen) ifStmt(s *IfStmt) {
	g.feature("if")
	if s.Else != nil {
		g.feature("else")
	}
	if c, ok := g.constValue(s.Cond); ok {
		// Constant condition (often from an unrolled loop): generate only
		// the live branch, but still check the dead one.
		live, dead := s.Then, s.Else
		if c == 0 {
			live, dead = s.Else, s.Then
		}
		if dead != nil {
			g.deadCode(func() { g.scoped(dead) })
		}
		if live != nil {
			g.scoped(live)
		}
		return
	}
	f := g.branchNonConst(s.Cond, false)
	g.scoped(s.Then)
	if s.Else == nil {
		g.patch(f, g.here())
		return
	}
	j := g.jump(kwAt(s.Then.End(), ""), model.OpJump, model.Arg{})
	g.patch(f, g.here())
	g.scoped(s.Else)
	g.patch([]int{j}, g.here())
}

// deadCode checks code that cannot run, then drops it.
func (g *gen) deadCode(f func()) {
	mark := len(g.code)
	var lens []int
	for _, lc := range g.loops {
		lens = append(lens, len(lc.breaks), len(lc.continues))
	}
	var rets []int
	for fr := g.frame; fr != nil; fr = fr.parent {
		rets = append(rets, len(fr.returns))
	}
	nh := len(g.halts)
	// Dead code is dropped: what it emits does not count against an
	// await being tried around it.
	probes, hits := g.probes, g.probeHits
	g.probes, g.probeHits = nil, 0
	f()
	g.probes, g.probeHits = probes, hits
	g.code = g.code[:mark]
	for i, lc := range g.loops {
		lc.breaks, lc.continues = lc.breaks[:lens[2*i]], lc.continues[:lens[2*i+1]]
	}
	i := 0
	for fr := g.frame; fr != nil; fr = fr.parent {
		fr.returns = fr.returns[:rets[i]]
		i++
	}
	g.halts = g.halts[:nh]
}

func (g *gen) returnStmt(s *ReturnStmt) {
	fr := g.frame
	if fr.fn == nil {
		if s.Result != nil {
			g.errorf(s.Result.Pos(), "a process cannot return a value")
			g.discard(s.Result)
		}
		g.halts = append(g.halts, g.jump(s, model.OpJump, model.Arg{}))
		return
	}
	switch {
	case fr.resType.kind == kVoid && s.Result != nil:
		g.errorf(s.Result.Pos(), "too many return values: %s returns void", fr.name)
		g.discard(s.Result)
	case fr.resType.kind != kVoid && s.Result == nil:
		g.errorf(s.Pos(), "missing return value: %s returns %s", fr.name, fr.resType)
	case s.Result != nil:
		v := g.rv(s.Result, fr.result)
		g.mov(s, fr.result, v.arg)
	}
	fr.returns = append(fr.returns, g.jump(s, model.OpJump, model.Arg{}))
}

// ---- loops ----

func (g *gen) loop(s Stmt) {
	switch s := s.(type) {
	case *ForStmt:
		g.pushScope()
		defer g.popScope()
		if g.fixedFor(s) {
			return
		}
		if s.Init != nil {
			saved := g.rest
			g.rest = []Stmt{s} // the loop can assign what Init declares
			g.stmt(s.Init)
			g.rest = saved
		}
		if s.Post == nil && g.tryAwait(s, s.Cond, s.Body, false) {
			return
		}
	case *WhileStmt:
		if c, ok := g.literalConst(s.Cond); ok && c == 0 {
			g.deadCode(func() { g.loopBody(s.Body, &loopCtx{}) })
			return
		}
		if g.tryAwait(s, s.Cond, s.Body, false) {
			return
		}
	case *DoStmt:
		if c, ok := g.literalConst(s.Cond); ok && c == 0 {
			// do { ... } while (0): the body runs once
			lc := &loopCtx{}
			g.loopBody(s.Body, lc)
			g.patch(lc.breaks, g.here())
			g.patch(lc.continues, g.here())
			return
		}
		if g.tryAwait(s, s.Cond, s.Body, true) {
			return
		}
	}
	if cond, rest, ok := g.breakIfLoop(s); ok && g.tryAwait(s, cond, rest, false) {
		return
	}
	g.boundedLoop(s, false)
}

// breakIfLoop recognises an infinite loop whose body starts with
// "if (c) break;": for (;;) { if (c) break; cpu_relax(); } spins while !c.
// It returns the condition to go round again and the rest of the body.
func (g *gen) breakIfLoop(s Stmt) (Expr, Stmt, bool) {
	var body Stmt
	switch s := s.(type) {
	case *ForStmt:
		if s.Cond != nil || s.Post != nil {
			return nil, nil, false
		}
		body = s.Body
	case *WhileStmt:
		if c, ok := g.literalConst(s.Cond); !ok || c == 0 {
			return nil, nil, false
		}
		body = s.Body
	default:
		return nil, nil, false
	}
	b, ok := body.(*BlockStmt)
	if !ok || len(b.List) == 0 {
		return nil, nil, false
	}
	is, ok := b.List[0].(*IfStmt)
	if !ok || is.Else != nil {
		return nil, nil, false
	}
	then := is.Then
	if tb, ok := then.(*BlockStmt); ok && len(tb.List) == 1 {
		then = tb.List[0]
	}
	if br, ok := then.(*BranchStmt); !ok || br.Tok != "break" {
		return nil, nil, false
	}
	rest := &BlockStmt{span{b.From, b.To}, b.List[1:]}
	return &UnaryExpr{span{is.Cond.Pos(), is.Cond.End()}, "!", &ParenExpr{span{is.Cond.Pos(), is.Cond.End()}, is.Cond}}, rest, true
}

// loopBody lowers a loop body with lc as the target of break/continue.
func (g *gen) loopBody(body Stmt, lc *loopCtx) {
	g.loops = append(g.loops, lc)
	g.scoped(body)
	g.loops = g.loops[:len(g.loops)-1]
}

// fixedFor handles a for loop whose trip count is fixed by constants:
// it is unrolled, with the counter a constant in each copy of the body.
// It reports false (and emits nothing) if the loop is not of that form.
func (g *gen) fixedFor(s *ForStmt) bool {
	if s.Cond == nil || s.Post == nil || s.Init == nil {
		return false
	}
	// the counter and its first value
	var name string
	var start model.Value
	var decl *VarSpec
	var declType *ctype
	var lv *local
	switch init := s.Init.(type) {
	case *DeclStmt:
		if len(init.Vars) != 1 || init.Vars[0].Init == nil || init.Vars[0].Stars > 0 || len(init.Vars[0].Dims) > 0 {
			return false
		}
		decl = init.Vars[0]
		name = decl.Name.Name
		v, ok := g.constValue(decl.Init)
		if !ok {
			return false
		}
		start = v
		declType = g.l.typeSpec(init.Type)
		if declType.kind != kInt {
			return false
		}
	case *ExprStmt:
		a, ok := init.X.(*AssignExpr)
		if !ok || a.Op != "=" {
			return false
		}
		id, ok := a.X.(*Ident)
		if !ok {
			return false
		}
		lv = g.lookup(id.Name)
		if lv == nil || lv.konst || lv.t.kind != kInt {
			return false
		}
		v, ok := g.constValue(a.Y)
		if !ok {
			return false
		}
		name, start = id.Name, v
	default:
		return false
	}
	// the condition: name op limit
	cmp, ok := unparen(s.Cond).(*BinaryExpr)
	if !ok {
		return false
	}
	op := cmp.Op
	var limit model.Value
	if isName(cmp.X, name) {
		v, ok := g.constValue(cmp.Y)
		if !ok {
			return false
		}
		limit = v
	} else if isName(cmp.Y, name) {
		v, ok := g.constValue(cmp.X)
		if !ok {
			return false
		}
		limit = v
		op = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "!=": "!="}[op]
	} else {
		return false
	}
	switch op {
	case "<", "<=", ">", ">=", "!=":
	default:
		return false
	}
	// the step
	var step model.Value
	switch post := unparen(s.Post).(type) {
	case *PostfixExpr:
		if !isName(post.X, name) {
			return false
		}
		step = map[string]model.Value{"++": 1, "--": -1}[post.Op]
	case *UnaryExpr:
		if !isName(post.X, name) || (post.Op != "++" && post.Op != "--") {
			return false
		}
		step = map[string]model.Value{"++": 1, "--": -1}[post.Op]
	case *AssignExpr:
		if !isName(post.X, name) {
			return false
		}
		switch post.Op {
		case "+=", "-=":
			v, ok := g.constValue(post.Y)
			if !ok {
				return false
			}
			step = v
			if post.Op == "-=" {
				step = -v
			}
		case "=":
			b, ok := unparen(post.Y).(*BinaryExpr)
			if !ok || !isName(b.X, name) || (b.Op != "+" && b.Op != "-") {
				return false
			}
			v, ok := g.constValue(b.Y)
			if !ok {
				return false
			}
			step = v
			if b.Op == "-" {
				step = -v
			}
		default:
			return false
		}
	default:
		return false
	}
	if step == 0 || g.l.assigns(s.Body, name) {
		return false
	}
	// simulate (each iteration a step of the work: the loop may be in
	// a copy of another)
	var values []model.Value
	v := start
	for {
		g.step(s)
		c, _ := fold(op, v, limit)
		if c == 0 {
			break
		}
		values = append(values, v)
		if len(values) > 1000 {
			return false
		}
		v += step
	}
	end := v

	if decl != nil {
		lv = g.declare(decl, decl.Name, declType)
	}
	if len(values) > maxUnroll {
		// emit as a loop, without a bound (it terminates)
		g.mov(s.Init, lv.reg, model.Imm(start))
		g.boundedLoop(s, true)
		return true
	}
	hasBreak := g.l.hasBreak(s, s.Body)
	lc := &loopCtx{}
	for _, val := range values {
		if hasBreak {
			g.mov(s.Init, lv.reg, model.Imm(val))
		}
		lv.konst, lv.val = true, val
		g.loopBody(s.Body, lc)
		lv.konst = false
		g.patch(lc.continues, g.here())
		lc.continues = nil
	}
	g.mov(s.Post, lv.reg, model.Imm(end))
	g.patch(lc.breaks, g.here())
	return true
}

func isName(x Expr, name string) bool {
	id, ok := unparen(x).(*Ident)
	return ok && id.Name == name
}

// assigns reports whether s may assign to a variable called name, by
// walking it ([lowerer.assigns] asks the index).
func assigns(s Node, name string) bool {
	found := false
	walk(s, func(n Node) bool {
		switch n := n.(type) {
		case *AssignExpr:
			if isName(n.X, name) {
				found = true
			}
		case *PostfixExpr:
			if isName(n.X, name) {
				found = true
			}
		case *UnaryExpr:
			if (n.Op == "++" || n.Op == "--" || n.Op == "&") && isName(n.X, name) {
				found = true
			}
		}
		return !found
	})
	return found
}

// hasBranch reports whether s has a break (or continue) for the loop it is
// the body of, by walking it ([lowerer.hasBreak] asks the index).
func hasBranch(s Node, tok string) bool {
	found := false
	walk(s, func(n Node) bool {
		switch n := n.(type) {
		case *BranchStmt:
			if n.Tok == tok {
				found = true
			}
		case *ForStmt, *WhileStmt, *DoStmt:
			return false // their own
		}
		return !found
	})
	return found
}

// leaves reports whether s can leave its loop other than by the
// condition: a break, continue or return, by walking it ([lowerer.leaves]
// asks the index).
func leaves(s Node) bool {
	found := false
	walk(s, func(n Node) bool {
		switch n.(type) {
		case *BranchStmt, *ReturnStmt:
			found = true
		}
		return !found
	})
	return found
}

// tryAwait lowers a spin loop as an await, if it is one: the iteration
// only reads memory into registers and the condition reads memory. It
// reports false, having emitted nothing, otherwise.
func (g *gen) tryAwait(s Stmt, cond Expr, body Stmt, isDo bool) bool {
	if cond == nil || g.l.leaves(body) {
		return false
	}
	mark := len(g.code)
	nerr := len(g.l.errs)
	tooBig, tooDeep, tooMuch := g.tooBig, g.tooDeep, g.l.tooMuch
	rollback := func() {
		// The loop is lowered again as a loop, which reports the same
		// errors and hits the same limits; but once the work is over
		// maxWork, nothing more is lowered: keep the errors.
		g.code = g.code[:mark]
		if g.l.tooMuch == tooMuch {
			g.l.errs = g.l.errs[:nerr]
		}
		g.tooBig, g.tooDeep = tooBig, tooDeep
	}
	g.emit(kwAt(s.Pos(), loopKeyword(s)), ins(model.OpAwaitBegin))
	// The iteration is lowered under a probe, which stops the lowering at
	// the first instruction that rules the await out: else a loop nested
	// in the body would be lowered twice for each loop around it (here,
	// then as a loop), exponentially in the nesting.
	var c opnd
	if isDo {
		if !g.probe(awaitOp, func() { g.loopBody(body, &loopCtx{}); c = g.rv(cond, -1) }) {
			rollback()
			return false
		}
	} else {
		start := len(g.code)
		if !g.probe(awaitOp, func() { c = g.rv(cond, -1) }) ||
			!g.probe(fenceOp, func() { start = len(g.code); g.loopBody(body, &loopCtx{}) }) ||
			!onlyBarriers(g.code[start:]) {
			rollback()
			return false
		}
		// The body's barrier()s run only in the iterations that spin,
		// which are not explored.
		g.code = g.code[:start]
	}
	reads := false
	ok := true
	for i := mark + 1; i < len(g.code) && ok; i++ {
		in := &g.code[i]
		switch {
		case in.Op == model.OpLoad || in.Op == model.OpIsLocked:
			reads = true
		case isJump(in.Op):
			ok = int(in.Target) > mark && int(in.Target) <= len(g.code)
		case in.Op == model.OpFence:
			ok = in.Fence == model.FenceBarrier
		default:
			ok = awaitOp(in.Op)
		}
	}
	if !ok || !reads {
		rollback()
		return false
	}
	in := ins(model.OpAwaitEnd)
	in.A = c.arg
	g.emit(cond, in)
	return true
}

// A probe watches the instructions emitted while f runs (see [gen.probe]).
type probe struct {
	allow func(model.Op) bool
	hit   bool // an instruction allow refuses was emitted
}

// probe runs f, stopping the lowering (see [gen.stopped]) as soon as it
// emits an instruction allow refuses; it reports whether f emitted none.
func (g *gen) probe(allow func(model.Op) bool, f func()) bool {
	p := &probe{allow: allow}
	g.probes = append(g.probes, p)
	f()
	g.probes = g.probes[:len(g.probes)-1]
	if p.hit {
		g.probeHits--
	}
	return !p.hit
}

// awaitOp reports whether an await's iteration may hold an instruction:
// reads into registers, arithmetic, jumps, and fences (tryAwait keeps
// only barrier()).
func awaitOp(op model.Op) bool {
	switch op {
	case model.OpLoad, model.OpIsLocked, model.OpMove, model.OpUnary, model.OpBinary, model.OpBoundsCheck, model.OpNop, model.OpFence:
		return true
	}
	return isJump(op)
}

// fenceOp allows only fences: the body of a spin loop that is a while or
// for loop does nothing but barrier() (see onlyBarriers).
func fenceOp(op model.Op) bool { return op == model.OpFence }

// onlyBarriers reports whether code is barrier() fences only (or empty).
func onlyBarriers(code []model.Instr) bool {
	for i := range code {
		if code[i].Op != model.OpFence || code[i].Fence != model.FenceBarrier {
			return false
		}
	}
	return true
}

func loopKeyword(s Stmt) string {
	switch s.(type) {
	case *ForStmt:
		return "for"
	case *WhileStmt:
		return "while"
	}
	return "do"
}

// boundedLoop lowers a loop with a counter checked against the loop bound
// on each back edge (or, if unbounded, with none: the loop is known to
// terminate).
func (g *gen) boundedLoop(s Stmt, unbounded bool) {
	cnt := -1
	if !unbounded {
		cnt = g.temp(tInt)
		if g.loopDepth > 0 {
			g.mov(kwAt(s.Pos(), loopKeyword(s)), cnt, model.Imm(0))
		}
	}
	backEdge := func(n Node, head int) {
		if cnt >= 0 {
			in := ins(model.OpLoopIter)
			in.Dst = int32(cnt)
			g.emit(n, in)
		}
		j := g.jump(n, model.OpJump, model.Arg{})
		g.patch([]int{j}, head)
	}
	g.loopDepth++
	defer func() { g.loopDepth-- }()
	lc := &loopCtx{}
	kwn := kwAt(s.Pos(), loopKeyword(s))
	switch s := s.(type) {
	case *WhileStmt:
		head := g.here()
		f := g.branch(s.Cond, false)
		g.loopBody(s.Body, lc)
		g.patch(lc.continues, g.here())
		backEdge(kwn, head)
		g.patch(f, g.here())
	case *ForStmt:
		// Init has been emitted by the caller.
		head := g.here()
		var f []int
		if s.Cond != nil {
			f = g.branch(s.Cond, false)
		}
		g.loopBody(s.Body, lc)
		g.patch(lc.continues, g.here())
		if s.Post != nil {
			g.discard(s.Post)
		}
		backEdge(kwn, head)
		g.patch(f, g.here())
	case *DoStmt:
		head := g.here()
		g.loopBody(s.Body, lc)
		g.patch(lc.continues, g.here())
		f := g.branch(s.Cond, false)
		backEdge(kwn, head)
		g.patch(f, g.here())
	}
	g.patch(lc.breaks, g.here())
}

// ---- expressions ----

// discard evaluates x for its side effects.
func (g *gen) discard(x Expr) {
	switch e := x.(type) {
	case *PostfixExpr:
		g.incdec(e.X, e.Op, false, e, -1)
		return
	case *CallExpr:
		g.call(e, -1, true)
		return
	case *ParenExpr:
		g.discard(e.X)
		return
	case *BinaryExpr:
		if e.Op == "," {
			g.discard(e.X)
			g.discard(e.Y)
			return
		}
	case *CastExpr:
		g.discard(e.X)
		return
	}
	o := g.expr(x, -1)
	if o.mode == oVal && o.t.kind == kVoid {
		return
	}
	if o.mode == oMem && !o.t.scalar() {
		return
	}
	// a plain read whose value is unused is still a read
	if o.mode == oMem {
		g.value(o, x, -1)
	}
}

// rv evaluates x to a value, preferably in register want (if >= 0).
func (g *gen) rv(x Expr, want int) opnd {
	return g.value(g.expr(x, want), x, want)
}

// value turns an operand into a value: a register or memory location is
// read (memory with a plain load), an array decays to a pointer.
func (g *gen) value(o opnd, n Node, want int) opnd {
	switch o.mode {
	case oVal:
		if o.t.kind == kVoid {
			g.errorf(n.Pos(), "%s (no value) used as value", g.text(n))
			return badOp
		}
		return o
	case oReg:
		return opnd{mode: oVal, arg: model.R(o.reg), t: o.t}
	}
	switch o.t.kind {
	case kBad:
		return badOp
	case kArray:
		return opnd{mode: oVal, arg: g.addr(o, n), t: ptrTo(o.t.elem)}
	case kStruct:
		g.errorf(n.Pos(), "cannot use %s (type %s) as a value", g.text(n), o.t)
		return badOp
	case kVoid:
		g.errorf(n.Pos(), "cannot dereference void pointer in %s", g.text(n))
		return badOp
	}
	t := o.t
	if t.kind == kAtomic || t.kind == kLock {
		t = tInt
	}
	d := g.dst(want, t)
	in := ins(model.OpLoad)
	in.Dst, in.A, in.Order = int32(d), g.addr(o, n), model.Plain
	g.emit(n, in)
	g.feature("plain-access")
	return opnd{mode: oVal, arg: model.R(d), t: t}
}

// addr returns the address of a memory operand.
func (g *gen) addr(o opnd, n Node) model.Arg {
	if o.off == 0 {
		return o.arg
	}
	if o.arg.IsImm() {
		return model.Imm(o.arg.Imm + o.off)
	}
	t := g.temp(ptrTo(o.t))
	g.binop(n, t, model.AluAdd, o.arg, model.Imm(o.off))
	return model.R(t)
}

// mem makes a memory operand at the address held by v.
func mem(a model.Arg, t *ctype) opnd { return opnd{mode: oMem, arg: a, t: t} }

func (g *gen) expr(x Expr, want int) opnd {
	if g.stopped() || !g.enter(x) {
		return badOp
	}
	defer g.leave()
	switch x := x.(type) {
	case *Ident:
		return g.ident(x)
	case *IntLit:
		return imm(x.Value, tInt)
	case *ParenExpr:
		return g.expr(x.X, want)
	case *CastExpr:
		t := g.l.typeName(x.Type)
		if !t.scalar() && t.kind != kVoid {
			g.errorf(x.Pos(), "invalid cast to %s", t)
			return badOp
		}
		v := g.rv(x.X, want)
		if t.kind == kVoid {
			return opnd{mode: oVal, arg: v.arg, t: tVoid}
		}
		if v.t.kind == kBad {
			return v
		}
		return opnd{mode: oVal, arg: v.arg, t: t, isBool: v.isBool}
	case *UnaryExpr:
		return g.unary(x, want)
	case *PostfixExpr:
		return g.incdec(x.X, x.Op, true, x, want)
	case *BinaryExpr:
		return g.binary(x, want)
	case *AssignExpr:
		return g.assign(x, want)
	case *TernaryExpr:
		return g.ternary(x, want)
	case *CallExpr:
		return g.call(x, want, false)
	case *IndexExpr:
		return g.index(x)
	case *SelectorExpr:
		return g.selector(x)
	case *InitList:
		g.errorf(x.Pos(), "initialiser list outside a declaration")
		return badOp
	case *RegRef:
		g.errorf(x.Pos(), "register reference %d:%s outside the init block and conditions", x.Proc, x.Name)
		return badOp
	case *BadExpr:
		return badOp
	}
	g.errorf(x.Pos(), "unexpected %s", nodeKind(x))
	return badOp
}

func (g *gen) ident(x *Ident) opnd {
	if v := g.lookup(x.Name); v != nil {
		if v.konst {
			return imm(v.val, v.t)
		}
		return opnd{mode: oReg, reg: v.reg, t: v.t}
	}
	if gl := g.l.globals[x.Name]; gl != nil {
		switch gl.kind {
		case gObject:
			if gl.obj.t.kind == kBad {
				return badOp
			}
			return mem(model.Imm(model.Ptr(gl.obj.base)), gl.obj.t)
		case gDefine:
			v, ok := g.l.defineValue(gl)
			if !ok {
				return badOp
			}
			return imm(v, tInt)
		case gFunc:
			g.errorf(x.Pos(), "%s is a function, not a value", x.Name)
			return badOp
		}
	}
	switch x.Name {
	case "NULL":
		return imm(0, tVoidP)
	case "true":
		return opnd{mode: oVal, arg: model.Imm(1), t: tInt, isBool: true}
	case "false":
		return opnd{mode: oVal, arg: model.Imm(0), t: tInt, isBool: true}
	}
	if prims[x.Name] != nil {
		g.errorf(x.Pos(), "%s is a primitive, not a value", x.Name)
		return badOp
	}
	g.errorf(x.Pos(), "undefined: %s", x.Name)
	return badOp
}

func (g *gen) unary(x *UnaryExpr, want int) opnd {
	switch x.Op {
	case "*":
		p := g.rv(x.X, -1)
		switch p.t.kind {
		case kBad:
			return opnd{mode: oMem, arg: p.arg, t: tBad}
		case kPtr:
			elem := p.t.elem
			if elem.kind == kVoid {
				if g.l.strict {
					g.errorf(x.Pos(), "cannot dereference void pointer %s", g.text(x.X))
					return badOp
				}
				elem = tInt
			}
			return mem(p.arg, elem)
		case kInt:
			if !g.l.strict {
				// herd7 registers are untyped: an int may hold an address
				return mem(p.arg, tInt)
			}
		}
		g.errorf(x.Pos(), "cannot dereference non-pointer %s (type %s)", g.text(x.X), p.t)
		return badOp
	case "&":
		o := g.expr(x.X, -1)
		switch o.mode {
		case oReg:
			g.errorf(x.Pos(), "cannot take the address of local %s", g.text(x.X))
			return badOp
		case oVal:
			if o.t.kind != kBad {
				g.errorf(x.Pos(), "cannot take the address of %s", g.text(x.X))
			}
			return badOp
		}
		if o.t.kind == kBad {
			return badOp
		}
		return opnd{mode: oVal, arg: g.addr(o, x), t: ptrTo(o.t)}
	case "++", "--":
		return g.incdec(x.X, x.Op, false, x, want)
	case "+":
		return g.rv(x.X, want)
	}
	v := g.rv(x.X, -1)
	if v.t.kind == kBad {
		return v
	}
	isBool := x.Op == "!"
	if v.arg.IsImm() {
		return opnd{mode: oVal, arg: model.Imm(foldUnary(x.Op, v.arg.Imm)), t: tInt, isBool: isBool}
	}
	d := g.dst(want, tInt)
	in := ins(model.OpUnary)
	in.Dst, in.Alu, in.A = int32(d), unaryAlu[x.Op], v.arg
	g.emit(x, in)
	return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: isBool}
}

// store writes v to a register or memory lvalue.
func (g *gen) store(o opnd, v model.Arg, n Node, addr model.Arg) {
	if o.mode == oReg {
		g.mov(n, o.reg, v)
		return
	}
	in := ins(model.OpStore)
	in.A, in.B, in.Order = addr, v, model.Plain
	g.emit(n, in)
	g.feature("plain-access")
}

// lvalue checks that o can be assigned.
func (g *gen) lvalue(o opnd, x Expr) bool {
	switch o.mode {
	case oVal:
		if o.t.kind != kBad {
			g.errorf(x.Pos(), "cannot assign to %s (not an lvalue)", g.text(x))
		}
		return false
	case oMem:
		if o.t.kind == kBad {
			return false
		}
		if !o.t.scalar() {
			g.errorf(x.Pos(), "cannot assign to %s (type %s)", g.text(x), o.t)
			return false
		}
	}
	return true
}

func (g *gen) incdec(target Expr, op string, post bool, n Node, want int) opnd {
	o := g.expr(target, -1)
	if !g.lvalue(o, target) {
		return badOp
	}
	step := model.Value(1)
	if o.t.kind == kPtr {
		step = model.Value(o.t.elem.size())
	}
	alu := model.AluAdd
	if op == "--" {
		alu = model.AluSub
	}
	t := o.t
	if t.kind == kAtomic || t.kind == kLock {
		t = tInt
	}
	if o.mode == oReg {
		if post {
			old := g.dst(want, t)
			g.mov(n, old, model.R(o.reg))
			g.binop(n, o.reg, alu, model.R(o.reg), model.Imm(step))
			return opnd{mode: oVal, arg: model.R(old), t: t}
		}
		g.binop(n, o.reg, alu, model.R(o.reg), model.Imm(step))
		return opnd{mode: oVal, arg: model.R(o.reg), t: t}
	}
	a := g.addr(o, target)
	old := g.value(mem(a, o.t), target, -1)
	nw := g.temp(t)
	g.binop(n, nw, alu, old.arg, model.Imm(step))
	g.store(o, model.R(nw), n, a)
	if post {
		return old
	}
	return opnd{mode: oVal, arg: model.R(nw), t: t}
}

// scale multiplies an index by an element size.
func (g *gen) scale(n Node, v opnd, size int) opnd {
	if size == 1 {
		return v
	}
	if v.arg.IsImm() {
		return imm(v.arg.Imm*model.Value(size), tInt)
	}
	d := g.temp(tInt)
	g.binop(n, d, model.AluMul, v.arg, model.Imm(model.Value(size)))
	return opnd{mode: oVal, arg: model.R(d), t: tInt}
}

func (g *gen) binary(x *BinaryExpr, want int) opnd {
	switch x.Op {
	case "&&", "||":
		if c, ok := g.constValue(x); ok {
			return opnd{mode: oVal, arg: model.Imm(c), t: tInt, isBool: true}
		}
		d := g.dst(want, tInt)
		f := g.branch(x, false)
		g.mov(x, d, model.Imm(1))
		j := g.jump(x, model.OpJump, model.Arg{})
		g.patch(f, g.here())
		g.mov(x, d, model.Imm(0))
		g.patch([]int{j}, g.here())
		return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
	case ",":
		g.discard(x.X)
		return g.expr(x.Y, want)
	}
	a := g.rv(x.X, -1)
	b := g.rv(x.Y, -1)
	if a.t.kind == kBad || b.t.kind == kBad {
		return badOp
	}
	t := tInt
	diff := 0
	switch x.Op {
	case "+":
		switch {
		case a.t.kind == kPtr && b.t.intLike():
			b = g.scale(x, b, a.t.elem.size())
			t = a.t
		case b.t.kind == kPtr && a.t.intLike():
			a = g.scale(x, a, b.t.elem.size())
			t = b.t
		}
	case "-":
		switch {
		case a.t.kind == kPtr && b.t.intLike():
			b = g.scale(x, b, a.t.elem.size())
			t = a.t
		case a.t.kind == kPtr && b.t.kind == kPtr:
			diff = a.t.elem.size()
		}
	case "*", "/", "%", "&", "|", "^", "<<", ">>":
		if g.l.strict && (a.t.kind == kPtr || b.t.kind == kPtr) {
			g.errorf(x.OpPos, "invalid operation: operator %s on pointer", x.Op)
			return badOp
		}
	}
	alu := aluOps[x.Op]
	if a.arg.IsImm() && b.arg.IsImm() {
		v, ok := fold(x.Op, a.arg.Imm, b.arg.Imm)
		if !ok {
			g.errorf(x.OpPos, "division by zero")
			return badOp
		}
		if diff > 1 {
			v /= model.Value(diff)
		}
		return opnd{mode: oVal, arg: model.Imm(v), t: t, isBool: isComparison(x.Op)}
	}
	if (x.Op == "/" || x.Op == "%") && b.arg.IsImm() && b.arg.Imm == 0 {
		g.errorf(x.OpPos, "division by zero")
		return badOp
	}
	var d int
	if diff > 1 {
		d0 := g.temp(tInt)
		g.binop(x, d0, alu, a.arg, b.arg)
		d = g.dst(want, tInt)
		g.binop(x, d, model.AluDiv, model.R(d0), model.Imm(model.Value(diff)))
	} else {
		d = g.dst(want, t)
		g.binop(x, d, alu, a.arg, b.arg)
	}
	return opnd{mode: oVal, arg: model.R(d), t: t, isBool: isComparison(x.Op)}
}

// branch emits code that jumps when the truth of x is jumpIf and falls
// through otherwise; it returns the jumps to patch.
func (g *gen) branch(x Expr, jumpIf bool) []int { return g.branchOf(x, jumpIf, false) }

// branchNonConst is branch for an x known not to be constant.
func (g *gen) branchNonConst(x Expr, jumpIf bool) []int { return g.branchOf(x, jumpIf, true) }

// branchOf is branch; nonConst says x is known not to be constant, and
// then so are the operands of its ! and == 0: knowing it saves asking
// again at each level of a chain (quadratic in its length).
func (g *gen) branchOf(x Expr, jumpIf, nonConst bool) []int {
	switch e := unparen(x).(type) {
	case *UnaryExpr:
		if e.Op == "!" {
			return g.branchOf(e.X, !jumpIf, nonConst)
		}
	case *BinaryExpr:
		switch e.Op {
		case "&&":
			if !jumpIf {
				return append(g.branch(e.X, false), g.branch(e.Y, false)...)
			}
			f := g.branch(e.X, false)
			t := g.branch(e.Y, true)
			g.patch(f, g.here())
			return t
		case "||":
			if jumpIf {
				return append(g.branch(e.X, true), g.branch(e.Y, true)...)
			}
			t := g.branch(e.X, true)
			f := g.branch(e.Y, false)
			g.patch(t, g.here())
			return f
		case "==", "!=":
			if c, ok := g.literalConst(e.Y); ok && c == 0 {
				if !nonConst {
					_, isConst := g.constValue(e.X)
					nonConst = !isConst
				}
				if nonConst {
					if e.Op == "==" {
						return g.branchOf(e.X, !jumpIf, true)
					}
					return g.branchOf(e.X, jumpIf, true)
				}
			}
		}
	}
	v := g.rv(x, -1)
	if v.arg.IsImm() {
		if (v.arg.Imm != 0) == jumpIf {
			return []int{g.jump(x, model.OpJump, model.Arg{})}
		}
		return nil
	}
	op := model.OpJumpIfNot
	if jumpIf {
		op = model.OpJumpIf
	}
	return []int{g.jump(x, op, v.arg)}
}

func (g *gen) ternary(x *TernaryExpr, want int) opnd {
	if c, ok := g.constValue(x.Cond); ok {
		live, dead := x.Then, x.Else
		if c == 0 {
			live, dead = x.Else, x.Then
		}
		g.deadCode(func() { g.rv(dead, -1) })
		return g.rv(live, want)
	}
	f := g.branchNonConst(x.Cond, false)
	d := want
	var t *ctype
	if d < 0 {
		d = g.temp(tInt)
	}
	a := g.rv(x.Then, d)
	g.mov(x.Then, d, a.arg)
	j := g.jump(x, model.OpJump, model.Arg{})
	g.patch(f, g.here())
	b := g.rv(x.Else, d)
	g.mov(x.Else, d, b.arg)
	g.patch([]int{j}, g.here())
	t = a.t
	if t.kind == kBad || (t.kind == kVoid && b.t.kind == kPtr) || (t.intLike() && b.t.kind == kPtr) {
		t = b.t
	}
	if isPtrType(t) && want < 0 {
		g.regs[d].IsPtr = true
	}
	return opnd{mode: oVal, arg: model.R(d), t: t, isBool: a.isBool && b.isBool}
}

func (g *gen) assign(x *AssignExpr, want int) opnd {
	nerr := len(g.l.errs)
	o := g.expr(x.X, -1)
	if o.mode == oVal && o.t.kind == kBad && !g.l.strict && x.Op == "=" && g.frame.fn == nil {
		// herd7: registers need no declaration
		if id, ok := x.X.(*Ident); ok && g.lookup(id.Name) == nil && g.l.globals[id.Name] == nil && !isPredeclared(id.Name) && prims[id.Name] == nil {
			g.dropErrorsAt(id.Pos(), nerr)
			sc := g.frame.scope
			g.frame.scope = g.frame.top
			v := g.declare(id, id, tInt)
			g.frame.scope = sc
			o = opnd{mode: oReg, reg: v.reg, t: tInt}
		}
	}
	if !g.lvalue(o, x.X) {
		g.rv(x.Y, -1)
		return badOp
	}
	var addr model.Arg
	if o.mode == oMem {
		addr = g.addr(o, x.X)
	}
	if x.Op == "=" {
		w := -1
		if o.mode == oReg {
			w = o.reg
		}
		v := g.rv(x.Y, w)
		if v.t.kind == kVoid {
			return badOp
		}
		g.store(o, v.arg, x, addr)
		if o.mode == oReg {
			return opnd{mode: oVal, arg: model.R(o.reg), t: o.t}
		}
		return v
	}
	// compound assignment
	op := x.Op[:len(x.Op)-1]
	var old opnd
	if o.mode == oReg {
		old = opnd{mode: oVal, arg: model.R(o.reg), t: o.t}
	} else {
		old = g.value(mem(addr, o.t), x.X, -1)
	}
	v := g.rv(x.Y, -1)
	if v.t.kind == kBad {
		return badOp
	}
	if o.t.kind == kPtr && (op == "+" || op == "-") {
		v = g.scale(x, v, o.t.elem.size())
	}
	if (op == "/" || op == "%") && v.arg.IsImm() && v.arg.Imm == 0 {
		g.errorf(x.OpPos, "division by zero")
		return badOp
	}
	d := -1
	if o.mode == oReg {
		d = o.reg
	} else {
		d = g.temp(old.t)
	}
	g.binop(x, d, aluOps[op], old.arg, v.arg)
	g.store(o, model.R(d), x, addr)
	return opnd{mode: oVal, arg: model.R(d), t: old.t}
}

// dropErrorsAt removes the errors reported at pos since the first nerr
// (used when a herd7 assignment turns out to declare a register).
func (g *gen) dropErrorsAt(pos model.Pos, nerr int) {
	errs := g.l.errs[:nerr]
	for _, e := range g.l.errs[nerr:] {
		if e.Pos != pos {
			errs = append(errs, e)
		}
	}
	g.l.errs = errs
}

// index lowers x[i].
func (g *gen) index(x *IndexExpr) opnd {
	base := g.expr(x.X, -1)
	if base.mode == oMem && base.t.kind == kArray {
		elem := base.t.elem
		i := g.rv(x.Index, -1)
		if i.t.kind == kBad {
			return opnd{mode: oMem, arg: base.arg, t: tBad}
		}
		size := model.Value(elem.size())
		if i.arg.IsImm() {
			if i.arg.Imm < 0 || i.arg.Imm >= int64(base.t.n) {
				if _, lit := g.literalConst(x.Index); lit {
					g.errorf(x.Index.Pos(), "index %d out of range [0:%d]", i.arg.Imm, base.t.n)
					return opnd{mode: oMem, arg: base.arg, t: tBad}
				}
				// out of range only in this copy of an unrolled loop:
				// a violation if it runs
				g.boundsCheck(x, i.arg, base.t.n)
			}
			return opnd{mode: oMem, arg: base.arg, off: base.off + i.arg.Imm*size, t: elem}
		}
		g.boundsCheck(x, i.arg, base.t.n)
		s := g.scale(x, i, int(size))
		d := g.temp(ptrTo(elem))
		a := base.arg
		off := base.off
		if a.IsImm() {
			a, off = model.Imm(a.Imm+off), 0
		}
		g.binop(x, d, model.AluAdd, a, s.arg)
		return opnd{mode: oMem, arg: model.R(d), off: off, t: elem}
	}
	p := g.value(base, x.X, -1)
	var elem *ctype
	switch p.t.kind {
	case kBad:
		return opnd{mode: oMem, arg: p.arg, t: tBad}
	case kPtr:
		elem = p.t.elem
	case kInt:
		if !g.l.strict {
			elem = tInt
		}
	}
	if elem == nil || elem.kind == kVoid {
		g.errorf(x.Pos(), "cannot index %s (type %s)", g.text(x.X), p.t)
		return badOp
	}
	i := g.rv(x.Index, -1)
	if i.t.kind == kBad {
		return opnd{mode: oMem, arg: p.arg, t: tBad}
	}
	s := g.scale(x, i, elem.size())
	if s.arg.IsImm() && p.arg.IsImm() {
		return mem(model.Imm(p.arg.Imm+s.arg.Imm), elem)
	}
	if s.arg.IsImm() {
		return opnd{mode: oMem, arg: p.arg, off: s.arg.Imm, t: elem}
	}
	d := g.temp(ptrTo(elem))
	g.binop(x, d, model.AluAdd, p.arg, s.arg)
	return mem(model.R(d), elem)
}

func (g *gen) boundsCheck(n Node, i model.Arg, length int) {
	in := ins(model.OpBoundsCheck)
	in.A, in.B = i, model.Imm(model.Value(length))
	g.emit(n, in)
}

// selector lowers x.f and x->f.
func (g *gen) selector(x *SelectorExpr) opnd {
	var base opnd
	var st *ctype
	if x.Arrow {
		p := g.rv(x.X, -1)
		if p.t.kind == kBad {
			return opnd{mode: oMem, arg: p.arg, t: tBad}
		}
		if p.t.kind != kPtr || p.t.elem.kind != kStruct {
			g.errorf(x.Pos(), "%s->%s: %s is not a pointer to a struct (type %s)", g.text(x.X), x.Sel.Name, g.text(x.X), p.t)
			return badOp
		}
		base, st = mem(p.arg, p.t.elem), p.t.elem
	} else {
		base = g.expr(x.X, -1)
		if base.t.kind == kBad {
			return opnd{mode: oMem, arg: base.arg, t: tBad}
		}
		if base.t.kind != kStruct {
			g.errorf(x.Pos(), "%s.%s: %s is not a struct (type %s)", g.text(x.X), x.Sel.Name, g.text(x.X), base.t)
			return badOp
		}
		if base.mode != oMem {
			g.errorf(x.Pos(), "cannot select a field of %s", g.text(x.X))
			return badOp
		}
		st = base.t
	}
	for _, f := range st.st.fields {
		if f.name == x.Sel.Name {
			if base.arg.IsImm() {
				return mem(model.Imm(base.arg.Imm+base.off+model.Value(f.off)), f.t)
			}
			return opnd{mode: oMem, arg: base.arg, off: base.off + model.Value(f.off), t: f.t}
		}
	}
	g.errorf(x.Sel.Pos(), "%s undefined (%s has no field %s)", g.text(x), st, x.Sel.Name)
	return badOp
}

// ---- calls ----

func (g *gen) call(x *CallExpr, want int, discard bool) opnd {
	name := x.Fun.Name
	if g.lookup(name) != nil {
		g.errorf(x.Pos(), "cannot call non-function %s", name)
		return badOp
	}
	if gl := g.l.globals[name]; gl != nil {
		if gl.kind == gFunc {
			return g.inline(x, gl, want, discard)
		}
		g.errorf(x.Pos(), "cannot call non-function %s", name)
		return badOp
	}
	if p := prims[name]; p != nil {
		return g.prim(x, p, want, discard)
	}
	g.errorf(x.Fun.Pos(), "unknown primitive or function %s", name)
	for _, a := range x.Args {
		g.discard(a)
	}
	return badOp
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (g *gen) argCount(x *CallExpr, n int) bool {
	if len(x.Args) != n {
		g.errorf(x.Pos(), "%s expects %d argument%s, found %d", x.Fun.Name, n, plural(n), len(x.Args))
		return false
	}
	return true
}

// inline expands a call of a helper function.
func (g *gen) inline(x *CallExpr, gl *global, want int, discard bool) opnd {
	fd := gl.fn
	for fr := g.frame; fr != nil; fr = fr.parent {
		if fr.fn == fd {
			g.errorf(x.Pos(), "recursive call of %s", fd.Name.Name)
			return badOp
		}
	}
	if fd.Body == nil {
		g.errorf(x.Pos(), "function %s declared at %s has no body", fd.Name.Name, fd.Name.Pos())
		return badOp
	}
	if !g.argCount(x, len(fd.Params)) {
		return badOp
	}
	if !g.scratch {
		g.l.used[fd] = true
	}
	vals := make([]opnd, len(x.Args))
	for i, a := range x.Args {
		vals[i] = g.rv(a, -1)
	}
	calls := append(append([]string(nil), g.frame.calls...), fd.Name.Name)
	top := newScope(nil)
	fr := &frame{fn: fd, name: fd.Name.Name, calls: calls, result: -1, resType: gl.res,
		scope: top, top: top, parent: g.frame, loopBase: len(g.loops)}
	for _, v := range vals {
		if want >= 0 && !v.arg.IsImm() && int(v.arg.Reg) == want {
			want = -1 // the result must not overwrite an argument
		}
	}
	if gl.res.kind != kVoid {
		if discard {
			fr.result = g.temp(gl.res)
		} else {
			fr.result = g.dst(want, gl.res)
		}
	}
	caller := g.frame
	g.frame = fr
	for i, p := range fd.Params {
		if vals[i].t.kind != kBad && !g.l.assigns(fd.Body, p.Name.Name) {
			// A parameter never assigned is the argument itself: a
			// constant, or the register holding it (the callee cannot
			// change the caller's registers).
			if prev := fr.scope.vars[p.Name.Name]; prev != nil {
				g.l.redeclared(p.Name.Name, p.Name.Pos(), prev.pos)
			}
			a := vals[i].arg
			g.bind(fr.scope, p.Name.Name, &local{name: p.Name.Name, reg: int(a.Reg), t: gl.params[i], pos: p.Name.Pos(),
				konst: a.IsImm(), val: a.Imm})
			continue
		}
		v := g.declare(p, p.Name, gl.params[i])
		g.frame = caller
		g.mov(x, v.reg, vals[i].arg)
		g.frame = fr
	}
	g.stmtList(fd.Body.List)
	g.patch(fr.returns, g.here())
	g.frame = caller
	if gl.res.kind == kVoid {
		return opnd{mode: oVal, arg: model.Imm(0), t: tVoid}
	}
	return opnd{mode: oVal, arg: model.R(fr.result), t: gl.res}
}

// lvArg evaluates the location argument of READ_ONCE and the like.
func (g *gen) lvArg(x *CallExpr, a Expr) opnd {
	o := g.expr(a, -1)
	switch {
	case o.t.kind == kBad:
		return badOp
	case o.mode == oVal:
		g.errorf(a.Pos(), "%s expects a location, found %s", x.Fun.Name, g.text(a))
		return badOp
	case o.mode == oMem && !o.t.scalar():
		g.errorf(a.Pos(), "%s of non-scalar %s (type %s)", x.Fun.Name, g.text(a), o.t)
		return badOp
	}
	return o
}

// ptrArg evaluates the pointer argument of smp_load_acquire and the like;
// it returns the pointer and the type it points to.
func (g *gen) ptrArg(x *CallExpr, a Expr) (model.Arg, *ctype, bool) {
	p := g.rv(a, -1)
	switch p.t.kind {
	case kBad:
		return p.arg, tBad, false
	case kPtr:
		elem := p.t.elem
		if !elem.scalar() && elem.kind != kVoid {
			if x.Fun.Name == "kfree" {
				return p.arg, elem, true
			}
			g.errorf(a.Pos(), "%s of non-scalar %s (type %s)", x.Fun.Name, g.text(a), elem)
			return p.arg, tBad, false
		}
		if elem.kind == kVoid {
			elem = tInt
		}
		return p.arg, elem, true
	case kInt:
		if !g.l.strict || (p.arg.IsImm() && p.arg.Imm == 0) {
			return p.arg, tInt, true
		}
	}
	g.errorf(a.Pos(), "%s expects a pointer, found %s (type %s)", x.Fun.Name, g.text(a), p.t)
	return p.arg, tBad, false
}

func valueType(t *ctype) *ctype {
	if t.kind == kAtomic || t.kind == kLock || t.kind == kBad {
		return tInt
	}
	return t
}

var voidOp = opnd{mode: oVal, arg: model.Imm(0), t: tVoid}

// prim lowers a call of a primitive.
func (g *gen) prim(x *CallExpr, p *primInfo, want int, discard bool) opnd {
	name := x.Fun.Name
	g.feature(name)
	nargs := p.nargs
	if !g.argCount(x, nargs) {
		for _, a := range x.Args {
			g.discard(a)
		}
		return badOp
	}
	args := x.Args
	rmwDst := func(t *ctype) int {
		if discard {
			return -1
		}
		return g.dst(want, t)
	}
	emit := func(in model.Instr) int {
		in.Prim = name
		return g.emit(x, in)
	}
	switch p.kind {
	case pLoadLV:
		o := g.lvArg(x, args[0])
		switch {
		case o.t.kind == kBad:
			return badOp
		case o.mode == oReg:
			return opnd{mode: oVal, arg: model.R(o.reg), t: o.t}
		}
		t := valueType(o.t)
		d := g.dst(want, t)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order = int32(d), g.addr(o, args[0]), p.order
		emit(in)
		return opnd{mode: oVal, arg: model.R(d), t: t}
	case pStoreLV, pStoreMb:
		o := g.lvArg(x, args[0])
		var a model.Arg
		if o.mode == oMem {
			a = g.addr(o, args[0])
		}
		w := -1
		if o.mode == oReg {
			w = o.reg
		}
		v := g.rv(args[1], w)
		if o.t.kind == kBad || v.t.kind == kBad {
			return voidOp
		}
		if o.mode == oReg {
			g.mov(x, o.reg, v.arg)
			return voidOp
		}
		in := ins(model.OpStore)
		in.A, in.B, in.Order = a, v.arg, p.order
		emit(in)
		if p.kind == pStoreMb {
			f := ins(model.OpFence)
			f.Fence = model.FenceMb
			emit(f)
		}
		return voidOp
	case pLoadP:
		a, elem, ok := g.ptrArg(x, args[0])
		if !ok {
			return badOp
		}
		t := valueType(elem)
		d := g.dst(want, t)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order = int32(d), a, p.order
		emit(in)
		return opnd{mode: oVal, arg: model.R(d), t: t}
	case pStoreP:
		a, _, ok := g.ptrArg(x, args[0])
		v := g.rv(args[1], -1)
		if !ok || v.t.kind == kBad {
			return voidOp
		}
		in := ins(model.OpStore)
		in.A, in.B, in.Order = a, v.arg, p.order
		emit(in)
		return voidOp
	case pFence:
		in := ins(model.OpFence)
		in.Fence = p.fence
		emit(in)
		return voidOp
	case pSrcuLock:
		a, _, ok := g.ptrArg(x, args[0])
		if !ok {
			return badOp
		}
		d := g.dst(want, tInt)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order, in.Srcu = int32(d), a, model.Once, true
		emit(in)
		return opnd{mode: oVal, arg: model.R(d), t: tInt}
	case pSrcuUnlock:
		a, _, ok := g.ptrArg(x, args[0])
		v := g.rv(args[1], -1)
		if !ok || v.t.kind == kBad {
			return voidOp
		}
		in := ins(model.OpStore)
		in.A, in.B, in.Order, in.Srcu = a, v.arg, model.Once, true
		emit(in)
		return voidOp
	case pSyncSrcu:
		a, _, ok := g.ptrArg(x, args[0])
		if !ok {
			return voidOp
		}
		in := ins(model.OpFence)
		in.Fence, in.A = model.FenceSyncSRCU, a
		emit(in)
		return voidOp
	case pXchg, pCmpxchg:
		a, elem, ok := g.ptrArg(x, args[0])
		b := g.rv(args[1], -1)
		c := opnd{mode: oVal, arg: model.Imm(0), t: tInt}
		if p.kind == pCmpxchg {
			c = g.rv(args[2], -1)
		}
		if !ok || b.t.kind == kBad || c.t.kind == kBad {
			return badOp
		}
		t := valueType(elem)
		d := rmwDst(t)
		in := ins(model.OpRMW)
		in.Dst, in.A, in.B, in.RMW, in.Order = int32(d), a, b.arg, p.rmw, p.order
		if p.kind == pCmpxchg {
			in.C = c.arg
		}
		emit(in)
		if d < 0 {
			return voidOp
		}
		return opnd{mode: oVal, arg: model.R(d), t: t}
	case pAtomicOp, pAtomicRet, pAtomicFetch, pTest:
		var operand opnd
		pa := args[0]
		if p.imm {
			operand = imm(p.val, tInt)
		} else {
			operand = g.rv(args[0], -1)
			pa = args[1]
		}
		a, _, ok := g.ptrArg(x, pa)
		if !ok || operand.t.kind == kBad {
			return badOp
		}
		in := ins(model.OpRMW)
		in.A, in.B, in.RMW, in.Order = a, operand.arg, p.rmw, p.order
		switch {
		case p.kind == pAtomicOp || discard:
			emit(in)
			return voidOp
		case p.kind == pAtomicFetch:
			d := g.dst(want, tInt)
			in.Dst = int32(d)
			emit(in)
			return opnd{mode: oVal, arg: model.R(d), t: tInt}
		}
		old := g.temp(tInt)
		in.Dst = int32(old)
		emit(in)
		d := g.dst(want, tInt)
		alu := model.AluAdd
		if p.rmw == model.RMWSub {
			alu = model.AluSub
		}
		switch {
		case p.kind == pAtomicRet:
			g.binop(x, d, alu, model.R(old), operand.arg)
			return opnd{mode: oVal, arg: model.R(d), t: tInt}
		case p.test == testNegAfter:
			t := g.temp(tInt)
			g.binop(x, t, alu, model.R(old), operand.arg)
			g.binop(x, d, model.AluLt, model.R(t), model.Imm(0))
		case p.rmw == model.RMWSub:
			// old - operand == 0
			g.binop(x, d, model.AluEq, model.R(old), operand.arg)
		case operand.arg.IsImm():
			// old + k == 0
			g.binop(x, d, model.AluEq, model.R(old), model.Imm(-operand.arg.Imm))
		default:
			t := g.temp(tInt)
			g.binop(x, t, alu, model.R(old), operand.arg)
			g.binop(x, d, model.AluEq, model.R(t), model.Imm(0))
		}
		return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
	case pAddUnless:
		a, _, ok := g.ptrArg(x, args[0])
		add, unless := imm(1, tInt), imm(0, tInt)
		if nargs == 3 {
			add, unless = g.rv(args[1], -1), g.rv(args[2], -1)
		}
		if !ok || add.t.kind == kBad || unless.t.kind == kBad {
			return badOp
		}
		in := ins(model.OpRMW)
		in.A, in.B, in.C, in.RMW, in.Order = a, add.arg, unless.arg, p.rmw, p.order
		if discard {
			emit(in)
			return voidOp
		}
		old := g.temp(tInt)
		in.Dst = int32(old)
		emit(in)
		d := g.dst(want, tInt)
		g.binop(x, d, model.AluNe, model.R(old), unless.arg)
		return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
	case pLock, pUnlock, pTrylock, pIsLocked:
		a, elem, ok := g.ptrArg(x, args[0])
		if !ok {
			return badOp
		}
		if g.l.strict && elem.kind != kLock && elem.kind != kBad {
			g.errorf(args[0].Pos(), "%s expects spinlock_t *, found %s (type %s)", name, g.text(args[0]), ptrTo(elem))
			return badOp
		}
		op := map[primKind]model.Op{pLock: model.OpLock, pUnlock: model.OpUnlock, pTrylock: model.OpTrylock, pIsLocked: model.OpIsLocked}[p.kind]
		in := ins(op)
		in.A = a
		if p.kind == pTrylock || p.kind == pIsLocked {
			d := g.dst(want, tInt)
			in.Dst = int32(d)
			emit(in)
			return opnd{mode: oVal, arg: model.R(d), t: tInt, isBool: true}
		}
		emit(in)
		return voidOp
	case pFree:
		a, _, ok := g.ptrArg(x, args[0])
		if !ok {
			return voidOp
		}
		in := ins(model.OpFree)
		in.A = a
		emit(in)
		return voidOp
	case pCheck:
		c := g.rv(args[0], -1)
		if c.t.kind == kBad {
			return badOp
		}
		in := ins(model.OpCheck)
		in.Check = p.check
		switch {
		case p.check == model.CheckAssert:
			if c.arg.IsImm() {
				in.A = model.Imm(b2i(c.arg.Imm == 0))
			} else {
				t := g.temp(tInt)
				u := ins(model.OpUnary)
				u.Dst, u.Alu, u.A = int32(t), model.AluNot, c.arg
				g.emit(x, u)
				in.A = model.R(t)
			}
			emit(in)
			return voidOp
		case p.check == model.CheckWarn && !discard && !c.isBool:
			if c.arg.IsImm() {
				c = opnd{mode: oVal, arg: model.Imm(b2i(c.arg.Imm != 0)), t: tInt}
			} else {
				d := g.dst(want, tInt)
				g.binop(x, d, model.AluNe, c.arg, model.Imm(0))
				c = opnd{mode: oVal, arg: model.R(d), t: tInt}
			}
		}
		in.A = c.arg
		emit(in)
		if p.check == model.CheckBug {
			return voidOp
		}
		return opnd{mode: oVal, arg: c.arg, t: tInt, isBool: true}
	case pAssume:
		c := g.rv(args[0], -1)
		if c.t.kind == kBad {
			return voidOp
		}
		in := ins(model.OpAssume)
		in.A = c.arg
		emit(in)
		return voidOp
	case pCPU:
		return imm(model.Value(g.proc), tInt)
	case pNop:
		return voidOp
	}
	panic(fmt.Sprintf("litmus: unhandled primitive %s", name))
}
