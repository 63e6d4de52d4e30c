package litmus

// goto and labels. A forward goto is a jump patched when its label is
// reached; a backward goto makes a loop, bounded like the other loops
// that are not awaits: an OpLoopIter on its back edge counts the times
// round, and an execution going round more than --loop-bound times is cut.

import (
	"mmcheck/model"
)

// A labelDef is a label reached by the lowering, in the current frame.
type labelDef struct {
	stmt  *LabelStmt
	entry int // where falling through and forward gotos arrive: before the counter's reset
	head  int // where backward gotos jump: after it
	cnt   int // the loop counter of its backward gotos, or -1 if it has none
}

// A pendingGoto is a forward goto, waiting for its label.
type pendingGoto struct {
	stmt  *GotoStmt
	frame *frame
	jump  int
	done  bool
}

// gotoInfo is what the lowering knows of the gotos and labels of each
// function and process body, found once, before it lowers any.
type gotoInfo struct {
	backward map[*GotoStmt]bool  // the gotos to a label before them
	targeted map[*LabelStmt]bool // the labels of backward gotos
	bad      map[*GotoStmt]bool  // gotos to an undefined label (reported)
	dup      map[*LabelStmt]bool // labels defined a second time (reported)
	labelOf  map[*GotoStmt]*LabelStmt
	count    map[*LabelStmt]int // the gotos to each label
}

func cloneLabels(m map[string]*labelDef) map[string]*labelDef {
	if m == nil {
		return nil
	}
	c := make(map[string]*labelDef, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// gotos finds the labels and gotos of every body, reporting duplicate
// labels and gotos to labels that are not there.
func (l *lowerer) gotos() *gotoInfo {
	if l.gotoInfo != nil {
		return l.gotoInfo
	}
	info := &gotoInfo{backward: map[*GotoStmt]bool{}, targeted: map[*LabelStmt]bool{}, bad: map[*GotoStmt]bool{}, dup: map[*LabelStmt]bool{},
		labelOf: map[*GotoStmt]*LabelStmt{}, count: map[*LabelStmt]int{}}
	l.gotoInfo = info
	x := l.index()
	for _, d := range l.decls {
		var body *BlockStmt
		switch d := d.(type) {
		case *FuncDecl:
			body = d.Body
		case *ProcDecl:
			body = d.Body
		}
		if body == nil {
			continue
		}
		labels := map[string]*LabelStmt{}
		var gotos []*GotoStmt
		walk(body, func(n Node) bool {
			switch n := n.(type) {
			case *LabelStmt:
				if prev := labels[n.Label.Name]; prev != nil {
					l.errorf(n.Label.Pos(), "label %s redefined; previous definition at %s", n.Label.Name, prev.Label.Pos())
					info.dup[n] = true
				} else {
					labels[n.Label.Name] = n
				}
			case *GotoStmt:
				gotos = append(gotos, n)
			case Expr:
				return false
			}
			return true
		})
		for _, g := range gotos {
			lb := labels[g.Label.Name]
			if lb == nil {
				l.errorf(g.Label.Pos(), "label %s not defined", g.Label.Name)
				info.bad[g] = true
				continue
			}
			info.labelOf[g] = lb
			info.count[lb]++
			if x.span[lb][0] < x.span[g][0] {
				info.backward[g] = true
				info.targeted[lb] = true
			}
		}
	}
	return info
}

func (g *gen) labelStmt(s *LabelStmt) {
	fr := g.frame
	if g.l.gotos().dup[s] {
		if s.Stmt != nil {
			g.stmt(s.Stmt)
		}
		return
	}
	d := &labelDef{stmt: s, entry: g.here(), cnt: -1}
	if g.l.gotos().targeted[s] {
		// the head of a loop: its counter starts at 0 on entry
		d.cnt = g.temp(tInt)
		g.mov(kwAt(s.Pos(), s.Label.Name), d.cnt, model.Imm(0))
		g.gotoLoops = true
	}
	d.head = g.here()
	if fr.labels == nil {
		fr.labels = map[string]*labelDef{}
	}
	fr.labels[s.Label.Name] = d
	for _, p := range g.gotos {
		if !p.done && p.frame == fr && p.stmt.Label.Name == s.Label.Name {
			g.patch([]int{p.jump}, d.entry)
			p.done = true
		}
	}
	if s.Stmt != nil {
		g.stmt(s.Stmt)
	}
}

func (g *gen) gotoStmt(s *GotoStmt) {
	info := g.l.gotos()
	if info.bad[s] {
		return
	}
	if !info.backward[s] {
		j := g.jump(s, model.OpJump, model.Arg{})
		g.gotos = append(g.gotos, &pendingGoto{stmt: s, frame: g.frame, jump: j})
		return
	}
	d := g.frame.labels[s.Label.Name]
	if d == nil || d.cnt < 0 {
		g.errorf(s.Pos(), "goto %s: a label in code dropped as dead (under a constant false condition) is not supported yet", s.Label.Name)
		return
	}
	in := ins(model.OpLoopIter)
	in.Dst = int32(d.cnt)
	g.emit(s, in)
	j := g.jump(s, model.OpJump, model.Arg{})
	g.patch([]int{j}, d.head)
}

// checkGotos reports the forward gotos whose label was never reached: it
// is in code dropped as dead (if (0) { L: ... }), which a goto could
// reach.
func (g *gen) checkGotos() {
	for _, p := range g.gotos {
		if !p.done {
			g.errorf(p.stmt.Pos(), "goto %s: a label in code dropped as dead (under a constant false condition) is not supported yet", p.stmt.Label.Name)
		}
	}
}

// gotoLoop recognises, at list[i], a label whose only goto ends the run
// of statements it heads, in the same block: "L: S; if (c) goto L;". That
// is "do { S } while (c);", and is lowered as one, so that it is an
// await if it spins (S only reading memory into registers), and a bounded
// loop otherwise. It returns the index of the if and the loop, or nil if
// list[i] is not such a label, or S declares something (the loop's body
// would scope it) or has a break or continue of its own (the loop would
// take it).
func (g *gen) gotoLoop(list []Stmt, i int) (int, *DoStmt) {
	lb, ok := list[i].(*LabelStmt)
	if !ok {
		return 0, nil
	}
	info := g.l.gotos()
	if !info.targeted[lb] || info.count[lb] != 1 || info.dup[lb] {
		return 0, nil
	}
	j := i + 1
	var cond Expr
	for ; j < len(list) && cond == nil; j++ {
		is, ok := list[j].(*IfStmt)
		if !ok || is.Else != nil {
			continue
		}
		then := is.Then
		if b, ok := then.(*BlockStmt); ok && len(b.List) == 1 {
			then = b.List[0]
		}
		if gs, ok := then.(*GotoStmt); ok && info.labelOf[gs] == lb {
			cond = is.Cond
		}
	}
	if cond == nil {
		return 0, nil
	}
	j-- // the if
	var body []Stmt
	if lb.Stmt != nil {
		body = append(body, lb.Stmt)
	}
	body = append(body, list[i+1:j]...)
	for _, s := range body {
		if _, ok := s.(*DeclStmt); ok || branchesOut(s) {
			return 0, nil
		}
	}
	end := list[j].End()
	loop := &DoStmt{span{lb.Pos(), end}, &BlockStmt{span{lb.Pos(), end}, body}, cond}
	if g.l.labelLoops == nil {
		g.l.labelLoops = map[*DoStmt]string{}
	}
	g.l.labelLoops[loop] = lb.Label.Name
	return j, loop
}

// branchesOut reports whether s has a break or continue that is not for
// a loop or switch inside s.
func branchesOut(s Stmt) bool {
	found := false
	var visit func(n Node, inLoop, inSwitch bool)
	visit = func(n Node, inLoop, inSwitch bool) {
		walk(n, func(m Node) bool {
			if found {
				return false
			}
			switch m := m.(type) {
			case *BranchStmt:
				if m.Tok == "break" && !inLoop && !inSwitch || m.Tok == "continue" && !inLoop {
					found = true
				}
			case *ForStmt, *WhileStmt, *DoStmt:
				if m != n {
					visit(m, true, inSwitch)
					return false
				}
			case *SwitchStmt:
				if m != n {
					visit(m, inLoop, true)
					return false
				}
			case Expr:
				return false
			}
			return true
		})
	}
	visit(s, false, false)
	return found
}
