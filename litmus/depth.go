package litmus

import (
	"fmt"

	"mmcheck/model"
)

// maxDepth bounds the nesting of a syntax tree: the statements, expressions
// and conditions of one top-level declaration or clause, counted from it.
// Kernel code nests a few dozen levels at most; the bound keeps every
// recursive walk of the front end (and of the Go stack) in check.
const maxDepth = 1000

// tooDeep returns the first node (in source order) of n's tree that is
// more than maxDepth levels below n, or nil if there is none. It uses
// its own stack, not recursion.
func tooDeep(n Node) Node {
	type item struct {
		n     Node
		depth int
	}
	if n == nil {
		return nil
	}
	stack := []item{{n, 0}}
	var kids []Node
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth > maxDepth {
			return it.n
		}
		kids = children(kids[:0], it.n)
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, item{kids[i], it.depth + 1})
		}
	}
	return nil
}

// depthError is the error for a node nested more than maxDepth levels
// deep, named by what it is.
func depthError(n Node) *model.Error {
	what := "expression"
	switch n.(type) {
	case Stmt:
		what = "statement"
	case Prop:
		what = "condition"
	}
	return &model.Error{Pos: n.Pos(), Msg: fmt.Sprintf("%s nested too deeply (more than %d levels)", what, maxDepth)}
}

// checkDepth reports the declarations and clauses whose trees are nested
// more than maxDepth levels deep, and whether there are none. Parse never
// builds such trees, but Lower may be given a tree built by hand, and
// everything it does after this check recurses over the tree.
func (l *lowerer) checkDepth() bool {
	ok := true
	check := func(n Node) {
		if deep := tooDeep(n); deep != nil {
			e := depthError(deep)
			l.errorf(e.Pos, "%s", e.Msg)
			ok = false
		}
	}
	for _, d := range l.decls {
		check(d)
	}
	for _, c := range l.main.Clauses {
		check(c)
	}
	return ok
}
