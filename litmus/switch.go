package litmus

// switch: a chain of compares and jumps to the case labels, or, when the
// tag is a constant, straight-line code with the cases not taken checked
// and dropped.

import (
	"mmcheck/model"
)

// A switchCtx is a switch being lowered.
type switchCtx struct {
	frame *frame
	cases map[*CaseStmt][]int // its labels, and the jumps to each
	lc    *loopCtx
	chain bool // the tag is compared with the cases (else a constant tag selects one)
	dead  int  // gen.dead at the switch: a chain's labels must not be in dead code below it
}

// caseLabels returns the case labels of a switch's body, in order, and
// whether some are inside a statement of the body rather than heading
// one; those of a switch inside it are its own.
func caseLabels(list []Stmt) ([]*CaseStmt, bool) {
	var all []*CaseStmt
	nested := false
	for _, st := range list {
		top := true
		walk(st, func(n Node) bool {
			switch n := n.(type) {
			case *CaseStmt:
				all = append(all, n)
				nested = nested || !top
				return true // its statement may be a case too
			case *SwitchStmt, Expr:
				return false
			}
			top = false
			return true
		})
	}
	return all, nested
}

func (g *gen) switchStmt(s *SwitchStmt) {
	list := []Stmt{s.Body}
	if b, ok := s.Body.(*BlockStmt); ok {
		list = b.List
	}
	lc := &loopCtx{isSwitch: true}
	sw := &switchCtx{frame: g.frame, cases: map[*CaseStmt][]int{}, lc: lc}
	// The labels: the case statements of the body, not of a switch in it.
	var labels []caseLabel
	var def *CaseStmt
	seen := map[model.Value]*CaseStmt{}
	all, nested := caseLabels(list)
	{
		for _, c := range all {
			sw.cases[c] = nil
			if c.Value == nil {
				if def != nil {
					g.errorf(c.Pos(), "multiple defaults in switch; previous default at %s", def.Pos())
					continue
				}
				def = c
				continue
			}
			v, ok := g.literalConst(c.Value)
			if !ok {
				g.errorf(c.Value.Pos(), "case value %s is not a constant", g.text(c.Value))
				continue
			}
			if c.Hi != nil {
				hi, ok := g.literalConst(c.Hi)
				if !ok {
					g.errorf(c.Hi.Pos(), "case value %s is not a constant", g.text(c.Hi))
					continue
				}
				if hi < v {
					g.errorf(c.Value.Pos(), "empty case range %s ... %s", g.text(c.Value), g.text(c.Hi))
					continue
				}
				if prev := overlap(labels, seen, v, hi); prev != nil {
					g.errorf(c.Value.Pos(), "duplicate case %s ... %s in switch; previous case at %s", g.text(c.Value), g.text(c.Hi), prev.Pos())
					continue
				}
				labels = append(labels, caseLabel{c: c, v: v, hi: hi, isRange: true})
				continue
			}
			prev := seen[v]
			for _, lb := range labels {
				if lb.isRange && lb.v <= v && v <= lb.hi {
					prev = lb.c
				}
			}
			if prev != nil {
				g.errorf(c.Value.Pos(), "duplicate case %s in switch; previous case at %s", g.text(c.Value), prev.Pos())
				continue
			}
			seen[v] = c
			labels = append(labels, caseLabel{c: c, v: v})
		}
	}
	tag, isConst := g.constValue(s.Tag)
	if nested {
		// a label inside a block: the code of every case is kept, and the
		// chain jumps to the one taken
		isConst = false
	}
	sw.chain, sw.dead = !isConst, g.dead
	var taken *CaseStmt // with a constant tag: the label taken, if any
	var toDefault int = -1
	if isConst {
		taken = def
		if c := seen[tag]; c != nil {
			taken = c
		}
		for _, lb := range labels {
			if lb.isRange && lb.v <= tag && tag <= lb.hi {
				taken = lb.c
			}
		}
	} else {
		t := g.rv(s.Tag, -1)
		if t.t.kind != kBad && !t.t.intLike() {
			g.errorf(s.Tag.Pos(), "switch on %s (type %s), which is not an integer", g.text(s.Tag), t.t)
		}
		for _, lb := range labels {
			r := g.temp(tInt)
			if lb.isRange {
				hi := g.temp(tInt)
				g.binop(lb.c, r, model.AluGe, t.arg, model.Imm(lb.v))
				g.binop(lb.c, hi, model.AluLe, t.arg, model.Imm(lb.hi))
				g.binop(lb.c, r, model.AluAnd, model.R(r), model.R(hi))
			} else {
				g.binop(lb.c, r, model.AluEq, t.arg, model.Imm(lb.v))
			}
			sw.cases[lb.c] = append(sw.cases[lb.c], g.jump(lb.c, model.OpJumpIf, model.R(r)))
		}
		toDefault = g.jump(kwAt(s.Pos(), "switch"), model.OpJump, model.Arg{})
		if def != nil {
			sw.cases[def] = append(sw.cases[def], toDefault)
			toDefault = -1
		}
	}
	g.loops = append(g.loops, lc)
	g.switches = append(g.switches, sw)
	g.pushScope()
	saved := g.rest
	live := !isConst
	for i, st := range list {
		g.rest = list[i+1:]
		if isConst {
			for c, ok := st.(*CaseStmt); ok; c, ok = c.Stmt.(*CaseStmt) {
				if c == taken {
					live = true
				}
			}
		}
		if live {
			g.stmt(st)
		} else {
			g.deadCode(func() { g.stmt(st) })
		}
		if isConst && live && endsFlow(st) {
			live = false
		}
	}
	g.rest = saved
	g.popScope()
	g.switches = g.switches[:len(g.switches)-1]
	g.loops = g.loops[:len(g.loops)-1]
	if toDefault >= 0 {
		g.patch([]int{toDefault}, g.here())
	}
	g.patch(lc.breaks, g.here())
}

// endsFlow reports whether a statement of a switch's body, after its case
// labels, is a break, return or goto: the statements after it are reached
// only through a label.
func endsFlow(s Stmt) bool {
	for c, ok := s.(*CaseStmt); ok; c, ok = s.(*CaseStmt) {
		s = c.Stmt
	}
	switch s := s.(type) {
	case *BranchStmt:
		return s.Tok == "break"
	case *ReturnStmt, *GotoStmt:
		return true
	}
	return false
}

// caseStmt lowers a case label: where the jumps of the switch's chain to
// it land.
func (g *gen) caseStmt(c *CaseStmt) {
	what := "case label"
	if c.Value == nil {
		what = "default label"
	}
	var sw *switchCtx
	if n := len(g.switches); n > 0 && g.switches[n-1].frame == g.frame {
		sw = g.switches[n-1]
	}
	if sw == nil {
		g.errorf(c.Pos(), "%s not within a switch statement", what)
	} else if jumps, ok := sw.cases[c]; !ok {
		g.errorf(c.Pos(), "%s not within a switch statement", what) // a tree built by hand
	} else if g.loops[len(g.loops)-1] != sw.lc {
		g.errorf(c.Pos(), "%s inside a loop in the body of its switch is not supported yet", what)
	} else if sw.chain && g.dead > sw.dead {
		g.errorf(c.Pos(), "%s in code dropped as dead (under a constant false condition) is not supported yet", what)
	} else {
		g.patch(jumps, g.here())
	}
	if c.Stmt != nil {
		g.stmt(c.Stmt)
	}
}

// A caseLabel is a case label of a switch, with its value or range.
type caseLabel struct {
	c       *CaseStmt
	v, hi   model.Value // hi >= v for a range
	isRange bool
}

// overlap returns a case whose values meet the range lo ... hi, if any:
// a value of seen, or a range among labels.
func overlap(labels []caseLabel, seen map[model.Value]*CaseStmt, lo, hi model.Value) *CaseStmt {
	for _, lb := range labels {
		if lb.isRange && lb.v <= hi && lo <= lb.hi {
			return lb.c
		}
	}
	for v, c := range seen {
		if lo <= v && v <= hi {
			return c
		}
	}
	return nil
}
