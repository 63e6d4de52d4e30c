package litmus

// walk calls f on n and, if f returns true, on each of n's children, in
// source order (like go/ast.Inspect, without the final nil call).
func walk(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	exprs := func(xs []Expr) {
		for _, x := range xs {
			if x != nil {
				walk(x, f)
			}
		}
	}
	opt := func(n Node) {
		switch n := n.(type) {
		case nil:
		case Expr:
			if n != nil {
				walk(n, f)
			}
		case Stmt:
			if n != nil {
				walk(n, f)
			}
		case Prop:
			if n != nil {
				walk(n, f)
			}
		default:
			walk(n, f)
		}
	}
	switch n := n.(type) {
	case *ParenExpr:
		walk(n.X, f)
	case *UnaryExpr:
		walk(n.X, f)
	case *PostfixExpr:
		walk(n.X, f)
	case *BinaryExpr:
		walk(n.X, f)
		walk(n.Y, f)
	case *AssignExpr:
		walk(n.X, f)
		walk(n.Y, f)
	case *TernaryExpr:
		walk(n.Cond, f)
		walk(n.Then, f)
		walk(n.Else, f)
	case *CallExpr:
		walk(n.Fun, f)
		exprs(n.Args)
	case *IndexExpr:
		walk(n.X, f)
		walk(n.Index, f)
	case *SelectorExpr:
		walk(n.X, f)
		walk(n.Sel, f)
	case *CastExpr:
		walk(n.X, f)
	case *InitList:
		for _, e := range n.Elems {
			if e.Index != nil {
				walk(e.Index, f)
			}
			walk(e.Value, f)
		}
	case *DeclStmt:
		for _, v := range n.Vars {
			exprs(v.Dims)
			opt(v.Init)
		}
	case *ExprStmt:
		walk(n.X, f)
	case *BlockStmt:
		for _, s := range n.List {
			walk(s, f)
		}
	case *IfStmt:
		walk(n.Cond, f)
		walk(n.Then, f)
		opt(n.Else)
	case *ForStmt:
		opt(n.Init)
		opt(n.Cond)
		opt(n.Post)
		walk(n.Body, f)
	case *WhileStmt:
		walk(n.Cond, f)
		walk(n.Body, f)
	case *DoStmt:
		walk(n.Body, f)
		walk(n.Cond, f)
	case *ReturnStmt:
		opt(n.Result)
	case *DefineDecl:
		walk(n.Value, f)
	case *StructDecl:
		for _, d := range n.Fields {
			walk(d, f)
		}
	case *InitDecl:
		for _, s := range n.List {
			walk(s, f)
		}
	case *FuncDecl:
		if n.Body != nil {
			walk(n.Body, f)
		}
	case *ProcDecl:
		walk(n.Body, f)
	case *CondClause:
		walk(n.X, f)
	case *FilterClause:
		walk(n.X, f)
	case *LocationsClause:
		exprs(n.Terms)
	case *PropBinary:
		walk(n.X, f)
		walk(n.Y, f)
	case *PropNot:
		walk(n.X, f)
	case *PropParen:
		walk(n.X, f)
	case *PropCmp:
		walk(n.L, f)
		walk(n.R, f)
	case *PropFreed:
		walk(n.Obj, f)
	}
}
