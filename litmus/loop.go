package litmus

// Loops: constant-trip for loops unrolled, spin loops as awaits, other loops bounded by --loop-bound.

import (
	"mmcheck/model"
)

func (g *gen) loop(s Stmt) {
	switch s := s.(type) {
	case *ForStmt:
		if c := forEachTest(s); c != nil {
			if g.eachOK == nil {
				g.eachOK = map[*CallExpr]bool{}
			}
			g.eachOK[c] = true
		}
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
		case *BranchStmt, *ReturnStmt, *GotoStmt, *LabelStmt:
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
	g.emit(kwAt(s.Pos(), g.loopKeyword(s)), ins(model.OpAwaitBegin))
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

func (g *gen) loopKeyword(s Stmt) string {
	if d, ok := s.(*DoStmt); ok && g.l.labelLoops[d] != "" {
		return g.l.labelLoops[d] // a label and a backward goto (goto.go)
	}
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
		if g.loopDepth > 0 || g.gotoLoops {
			g.mov(kwAt(s.Pos(), g.loopKeyword(s)), cnt, model.Imm(0))
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
	kwn := kwAt(s.Pos(), g.loopKeyword(s))
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
