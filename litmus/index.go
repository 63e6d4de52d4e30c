package litmus

import "sort"

// A stmtIndex answers the lowering's questions about statements without
// walking them each time: may this statement (or it and the statements
// after it in its block) assign a variable called name; may a loop body
// leave the loop other than by its condition; has a loop a break of its
// own. Each question walked the statement, so a block of n declarations,
// each asking about the rest of its block, took time quadratic in n, and
// so did the parameters of a process, each asking about its whole body.
//
// The index numbers the nodes of every declaration in preorder: the
// nodes of a statement's tree, and of a run of sibling statements, are
// then a range of numbers, and each question is a binary search among the
// numbers of the assignments to a name, or of the branch statements.
// Nodes the lowering makes up (not in the tree) fall back to a walk.
type stmtIndex struct {
	span      map[Stmt][2]int32  // a statement's number and one past its tree's last
	assigns   map[string][]int32 // numbers of the assignments to a name, increasing
	leaves    []int32            // numbers of the break, continue and return statements, increasing
	ownBreaks map[Stmt]bool      // the loops with a break of their own (not of a nested loop)
}

// index returns the index of the lowerer's declarations, building it on
// first use.
func (l *lowerer) index() *stmtIndex {
	if l.idx != nil {
		return l.idx
	}
	x := &stmtIndex{span: map[Stmt][2]int32{}, assigns: map[string][]int32{}, ownBreaks: map[Stmt]bool{}}
	type item struct {
		n    Node
		exit bool // the end of a statement's tree
	}
	var stack []item
	var loops []Stmt
	var kids []Node
	var num int32
	for _, d := range l.decls {
		stack = append(stack[:0], item{n: d})
		for len(stack) > 0 {
			it := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if it.exit {
				s := it.n.(Stmt)
				sp := x.span[s]
				sp[1] = num
				x.span[s] = sp
				switch s.(type) {
				case *ForStmt, *WhileStmt, *DoStmt:
					loops = loops[:len(loops)-1]
				}
				continue
			}
			no := num
			num++
			switch n := it.n.(type) {
			case *AssignExpr:
				x.site(n.X, no)
			case *PostfixExpr:
				x.site(n.X, no)
			case *UnaryExpr:
				if n.Op == "++" || n.Op == "--" || n.Op == "&" {
					x.site(n.X, no)
				}
			case *BranchStmt:
				x.leaves = append(x.leaves, no)
				if n.Tok == "break" && len(loops) > 0 {
					x.ownBreaks[loops[len(loops)-1]] = true
				}
			case *ReturnStmt, *GotoStmt, *LabelStmt:
				x.leaves = append(x.leaves, no)
			case *ForStmt, *WhileStmt, *DoStmt:
				loops = append(loops, n.(Stmt))
			}
			if s, ok := it.n.(Stmt); ok {
				x.span[s] = [2]int32{no, no}
				stack = append(stack, item{n: s, exit: true})
			}
			kids = children(kids[:0], it.n)
			for i := len(kids) - 1; i >= 0; i-- {
				stack = append(stack, item{n: kids[i]})
			}
		}
	}
	l.idx = x
	return x
}

// site records an assignment to x, numbered n, if x names a variable.
func (x *stmtIndex) site(target Expr, n int32) {
	if id, ok := unparen(target).(*Ident); ok {
		x.assigns[id.Name] = append(x.assigns[id.Name], n)
	}
}

// any32 reports whether a sorted list of numbers has one in [from, to).
func any32(list []int32, from, to int32) bool {
	i := sort.Search(len(list), func(i int) bool { return list[i] >= from })
	return i < len(list) && list[i] < to
}

// assigns reports whether s may assign to a variable called name.
func (l *lowerer) assigns(s Stmt, name string) bool {
	x := l.index()
	sp, ok := x.span[s]
	if !ok {
		return assigns(s, name)
	}
	return any32(x.assigns[name], sp[0], sp[1])
}

// assignsFrom reports whether s or one of the statements after it, rest,
// may assign to a variable called name. The statements of rest follow s
// in its block; or s is the Init of the single statement of rest.
func (l *lowerer) assignsFrom(s Stmt, rest []Stmt, name string) bool {
	x := l.index()
	first, ok := x.span[s]
	last := first
	if ok && len(rest) > 0 {
		last, ok = x.span[rest[len(rest)-1]]
	}
	if !ok {
		if assigns(s, name) {
			return true
		}
		for _, r := range rest {
			if assigns(r, name) {
				return true
			}
		}
		return false
	}
	return any32(x.assigns[name], first[0], last[1])
}

// leaves reports whether s can leave its loop other than by the
// condition: a break, continue or return.
func (l *lowerer) leaves(s Stmt) bool {
	x := l.index()
	sp, ok := x.span[s]
	if !ok {
		return leaves(s)
	}
	return any32(x.leaves, sp[0], sp[1])
}

// hasBreak reports whether the body of loop has a break for it.
func (l *lowerer) hasBreak(loop Stmt, body Stmt) bool {
	x := l.index()
	if _, ok := x.span[loop]; !ok {
		return hasBranch(body, "break")
	}
	return x.ownBreaks[loop]
}
