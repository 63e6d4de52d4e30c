package litmus

// walk calls f on n and, if f returns true, on each of n's children, in
// source order (like go/ast.Inspect, without the final nil call). It keeps
// its own stack, so a tree of any depth is walked without recursion.
func walk(n Node, f func(Node) bool) {
	if n == nil {
		return
	}
	stack := []Node{n}
	var kids []Node
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !f(n) {
			continue
		}
		kids = children(kids[:0], n)
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i])
		}
	}
}

// children appends the children of n to dst, in source order, and returns
// the extended slice. Absent optional children (nil) are left out.
func children(dst []Node, n Node) []Node {
	add := func(c Node) {
		if c != nil {
			dst = append(dst, c)
		}
	}
	// Interface fields convert to a nil Node when they are nil; pointer
	// fields are checked, as a typed nil would not.
	expr := func(x Expr) {
		if x != nil {
			dst = append(dst, x)
		}
	}
	switch n := n.(type) {
	case *ParenExpr:
		expr(n.X)
	case *UnaryExpr:
		expr(n.X)
	case *PostfixExpr:
		expr(n.X)
	case *BinaryExpr:
		expr(n.X)
		expr(n.Y)
	case *AssignExpr:
		expr(n.X)
		expr(n.Y)
	case *TernaryExpr:
		expr(n.Cond)
		expr(n.Then)
		expr(n.Else)
	case *CallExpr:
		if n.Fun != nil {
			add(n.Fun)
		}
		for _, a := range n.Args {
			expr(a)
		}
	case *IndexExpr:
		expr(n.X)
		expr(n.Index)
	case *SelectorExpr:
		expr(n.X)
		if n.Sel != nil {
			add(n.Sel)
		}
	case *CastExpr:
		expr(n.X)
	case *SizeofExpr:
		expr(n.X)
	case *InitList:
		for _, e := range n.Elems {
			if e == nil {
				continue
			}
			expr(e.Index)
			expr(e.Value)
		}
	case *DeclStmt:
		for _, v := range n.Vars {
			if v == nil {
				continue
			}
			for _, d := range v.Dims {
				expr(d)
			}
			expr(v.Init)
		}
	case *ExprStmt:
		expr(n.X)
	case *RegDeclStmt:
		if n.Reg != nil {
			add(n.Reg)
		}
		expr(n.Value)
	case *BlockStmt:
		for _, s := range n.List {
			if s != nil {
				add(s)
			}
		}
	case *IfStmt:
		expr(n.Cond)
		if n.Then != nil {
			add(n.Then)
		}
		if n.Else != nil {
			add(n.Else)
		}
	case *ForStmt:
		if n.Init != nil {
			add(n.Init)
		}
		expr(n.Cond)
		expr(n.Post)
		if n.Body != nil {
			add(n.Body)
		}
	case *WhileStmt:
		expr(n.Cond)
		if n.Body != nil {
			add(n.Body)
		}
	case *DoStmt:
		if n.Body != nil {
			add(n.Body)
		}
		expr(n.Cond)
	case *SwitchStmt:
		expr(n.Tag)
		if n.Body != nil {
			add(n.Body)
		}
	case *CaseStmt:
		expr(n.Value)
		expr(n.Hi)
		if n.Stmt != nil {
			add(n.Stmt)
		}
	case *LabelStmt:
		if n.Label != nil {
			add(n.Label)
		}
		if n.Stmt != nil {
			add(n.Stmt)
		}
	case *GotoStmt:
		if n.Label != nil {
			add(n.Label)
		}
	case *ReturnStmt:
		expr(n.Result)
	case *DefineDecl:
		expr(n.Value)
	case *StructDecl:
		for _, d := range n.Fields {
			if d != nil {
				add(d)
			}
		}
	case *TypedefDecl:
		for _, d := range n.Fields {
			if d != nil {
				add(d)
			}
		}
		for _, d := range n.Dims {
			expr(d)
		}
	case *PerCPUDecl:
		expr(n.Init)
	case *InitDecl:
		for _, s := range n.List {
			if s != nil {
				add(s)
			}
		}
	case *FuncDecl:
		if n.Body != nil {
			add(n.Body)
		}
	case *ProcDecl:
		if n.Body != nil {
			add(n.Body)
		}
	case *CondClause:
		if n.X != nil {
			add(n.X)
		}
	case *FilterClause:
		if n.X != nil {
			add(n.X)
		}
	case *LocationsClause:
		for _, t := range n.Terms {
			expr(t)
		}
	case *PropBinary:
		if n.X != nil {
			add(n.X)
		}
		if n.Y != nil {
			add(n.Y)
		}
	case *PropNot:
		if n.X != nil {
			add(n.X)
		}
	case *PropParen:
		if n.X != nil {
			add(n.X)
		}
	case *PropCmp:
		expr(n.L)
		expr(n.R)
	case *PropFreed:
		expr(n.Obj)
	}
	return dst
}
