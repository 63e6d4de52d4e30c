package litmus

// Statements: blocks, declarations, if, return, dead code.

import (
	"mmcheck/model"
)

func (g *gen) stmtList(list []Stmt) {
	saved := g.rest
	for i := 0; i < len(list); i++ {
		if j, loop := g.gotoLoop(list, i); loop != nil {
			// L: S; if (c) goto L;  is  do { S } while (c);
			g.rest = list[j+1:]
			g.stmt(loop)
			i = j
			continue
		}
		g.rest = list[i+1:]
		g.stmt(list[i])
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
	case *SwitchStmt:
		g.switchStmt(s)
	case *CaseStmt:
		g.caseStmt(s)
	case *LabelStmt:
		g.labelStmt(s)
	case *GotoStmt:
		g.gotoStmt(s)
	case *BranchStmt:
		// break leaves the innermost loop or switch, continue the
		// innermost loop
		i := len(g.loops) - 1
		for s.Tok == "continue" && i >= g.frame.loopBase && g.loops[i].isSwitch {
			i--
		}
		if i < g.frame.loopBase {
			if s.Tok == "break" {
				g.errorf(s.Pos(), "break is not in a loop or switch")
			} else {
				g.errorf(s.Pos(), "continue is not in a loop")
			}
			return
		}
		lc := g.loops[i]
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
		var t *ctype
		if g.mentionsLocal(v.Dims) {
			g.errorf(v.Name.Pos(), "local %s: variable-length arrays are not supported", v.Name.Name)
			t = tBad
		} else {
			t = g.l.declarator(v.Name.Pos(), base, v.Stars, v.Dims)
		}
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
			if isBool(t) {
				x = g.toBool(v, x, lv.reg)
			}
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
	ng := len(g.gotos)
	var waiting []*pendingGoto // a label in the dead code does not take them
	for _, p := range g.gotos {
		if !p.done {
			waiting = append(waiting, p)
		}
	}
	labels := g.frame.labels
	g.frame.labels = cloneLabels(labels)
	// Dead code is dropped: what it emits does not count against an
	// await being tried around it.
	probes, hits := g.probes, g.probeHits
	g.probes, g.probeHits = nil, 0
	g.dead++
	f()
	g.dead--
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
	g.gotos = g.gotos[:ng]
	for _, p := range waiting {
		p.done = false
	}
	g.frame.labels = labels
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
		if isBool(fr.resType) {
			v = g.toBool(s, v, fr.result)
		}
		g.mov(s, fr.result, v.arg)
	}
	fr.returns = append(fr.returns, g.jump(s, model.OpJump, model.Arg{}))
}
