package litmus

import "mmcheck/model"

// Initial values: the init block's initialisers, evaluated statically
// into the locations' initial values and the registers' initial values.

func (l *lowerer) initValues() {
	l.initPerCPU()
	l.initOnline()
	defer l.initOnlineCount()
	if l.initDecl == nil {
		return
	}
	for _, s := range l.initDecl.List {
		switch s := s.(type) {
		case *DeclStmt:
			for _, v := range s.Vars {
				g := l.globals[v.Name.Name]
				if v.Init == nil || g == nil || g.obj == nil || g.obj.t.kind == kBad {
					continue
				}
				l.initObject(v.Init, g.obj.t, g.obj.base)
			}
		case *ExprStmt:
			if isInitCall(s.X) {
				l.initSetOnline(s.X.(*CallExpr))
				continue
			}
			a, ok := s.X.(*AssignExpr)
			if !ok || a.Op != "=" {
				continue
			}
			if _, ok := a.X.(*RegRef); ok {
				l.regInits = append(l.regInits, a)
				continue
			}
			loc, t, ok := l.staticLoc(a.X)
			if !ok {
				continue
			}
			if !t.scalar() {
				l.errorf(a.X.Pos(), "cannot assign to %s of type %s; use an initialiser in its declaration", l.text(a.X), t)
				continue
			}
			l.setInit(loc, a.Y)
		}
	}
}

func (l *lowerer) setInit(loc int, x Expr) {
	v, ok := l.staticValue(x)
	if !ok {
		return
	}
	l.prog.Init[loc] = v
	if _, ok := l.prog.PtrLoc(v); ok {
		l.prog.Locs[loc].IsPtr = true
	}
}

// initObject applies an initialiser to the object of type t at base.
func (l *lowerer) initObject(x Expr, t *ctype, base int) {
	il, isList := x.(*InitList)
	switch {
	case t.kind == kBad:
	case t.scalar():
		if isList {
			if len(il.Elems) == 0 {
				return
			}
			if len(il.Elems) > 1 || il.Elems[0].Field != nil || il.Elems[0].Index != nil {
				l.errorf(x.Pos(), "too many initialisers for %s", t)
				return
			}
			l.initObject(il.Elems[0].Value, t, base)
			return
		}
		l.setInit(base, x)
		if isBool(t) {
			l.prog.Init[base] = b2i(l.prog.Init[base] != 0)
			l.prog.Locs[base].IsPtr = false
		}
	case t.kind == kStruct:
		if !isList {
			l.errorf(x.Pos(), "cannot initialise %s with %s", t, l.text(x))
			return
		}
		next := 0
		for _, e := range il.Elems {
			switch {
			case e.Index != nil:
				l.errorf(e.Pos(), "array index in initialiser of %s", t)
				continue
			case e.Field != nil:
				next = -1
				for i, f := range t.st.fields {
					if f.name == e.Field.Name {
						next = i
					}
				}
				if next < 0 {
					l.errorf(e.Field.Pos(), "%s has no field %s", t, e.Field.Name)
					next = len(t.st.fields)
					continue
				}
			}
			if next >= len(t.st.fields) {
				l.errorf(e.Pos(), "too many initialisers for %s", t)
				return
			}
			f := t.st.fields[next]
			l.initObject(e.Value, f.t, base+f.off)
			next++
		}
	case t.kind == kArray:
		if !isList {
			l.errorf(x.Pos(), "cannot initialise %s with %s", t, l.text(x))
			return
		}
		next := 0
		for _, e := range il.Elems {
			switch {
			case e.Field != nil:
				l.errorf(e.Pos(), "field name in initialiser of %s", t)
				continue
			case e.Index != nil:
				i, ok := l.constExpr(e.Index)
				if !ok {
					continue
				}
				if i < 0 || i >= int64(t.n) {
					l.errorf(e.Index.Pos(), "index %d out of range [0:%d]", i, t.n)
					continue
				}
				next = int(i)
			}
			if next >= t.n {
				l.errorf(e.Pos(), "too many initialisers for %s", t)
				return
			}
			l.initObject(e.Value, t.elem, base+next*t.elem.size())
			next++
		}
	}
}

// staticLoc resolves a location path (x, mm.f, rq[1].lazy_mm) with
// constant indices to its first location and type.
func (l *lowerer) staticLoc(x Expr) (int, *ctype, bool) {
	switch x := x.(type) {
	case *Ident:
		g := l.globals[x.Name]
		if g == nil {
			l.errorf(x.Pos(), "undefined: %s", x.Name)
			return 0, nil, false
		}
		if g.kind != gObject {
			l.errorf(x.Pos(), "%s is not a shared variable", x.Name)
			return 0, nil, false
		}
		if g.obj.t.kind == kBad {
			return 0, nil, false
		}
		if c := l.staticCPU; c != nil && c.obj == g.obj {
			return g.obj.base + c.cpu*g.obj.t.elem.size(), g.obj.t.elem, true
		}
		return g.obj.base, g.obj.t, true
	case *CallExpr:
		return l.staticPerCPU(x)
	case *ParenExpr:
		return l.staticLoc(x.X)
	case *SelectorExpr:
		if x.Arrow {
			l.errorf(x.Pos(), "cannot use -> here: %s", l.text(x))
			return 0, nil, false
		}
		base, t, ok := l.staticLoc(x.X)
		if !ok {
			return 0, nil, false
		}
		if t.kind != kStruct {
			l.errorf(x.Sel.Pos(), "%s.%s: %s is not a struct (type %s)", l.text(x.X), x.Sel.Name, l.text(x.X), t)
			return 0, nil, false
		}
		for _, f := range t.st.fields {
			if f.name == x.Sel.Name {
				return base + f.off, f.t, true
			}
		}
		l.errorf(x.Sel.Pos(), "%s.%s undefined (%s has no field %s)", l.text(x.X), x.Sel.Name, t, x.Sel.Name)
		return 0, nil, false
	case *IndexExpr:
		base, t, ok := l.staticLoc(x.X)
		if !ok {
			return 0, nil, false
		}
		if t.kind != kArray {
			l.errorf(x.Pos(), "cannot index %s (type %s)", l.text(x.X), t)
			return 0, nil, false
		}
		i, ok := l.constExpr(x.Index)
		if !ok {
			return 0, nil, false
		}
		if i < 0 || i >= int64(t.n) {
			l.errorf(x.Index.Pos(), "index %d out of range [0:%d]", i, t.n)
			return 0, nil, false
		}
		return base + int(i)*t.elem.size(), t.elem, true
	}
	l.errorf(x.Pos(), "%s is not a location", l.text(x))
	return 0, nil, false
}

// staticValue evaluates an initial value: an integer constant, NULL, &path,
// or (as herd7 does) the bare name of a shared variable for its address.
func (l *lowerer) staticValue(x Expr) (model.Value, bool) {
	switch x := x.(type) {
	case *Ident:
		if g := l.globals[x.Name]; g != nil {
			switch g.kind {
			case gObject:
				return model.Ptr(g.obj.base), true
			case gDefine:
				return l.defineValue(g)
			}
			l.errorf(x.Pos(), "%s is a function, not a value", x.Name)
			return 0, false
		}
		if v, ok := l.globalConst(x); ok {
			return v, true
		}
		l.errorf(x.Pos(), "undefined: %s", x.Name)
		return 0, false
	case *IntLit:
		return x.Value, true
	case *ParenExpr:
		return l.staticValue(x.X)
	case *CastExpr:
		return l.staticValue(x.X)
	case *UnaryExpr:
		switch x.Op {
		case "&":
			loc, _, ok := l.staticLoc(x.X)
			return model.Ptr(loc), ok
		case "-", "~", "!", "+":
			v, ok := l.staticValue(x.X)
			return foldUnary(x.Op, v), ok
		}
	case *BinaryExpr:
		a, ok1 := l.staticValue(x.X)
		b, ok2 := l.staticValue(x.Y)
		if !ok1 || !ok2 {
			return 0, false
		}
		v, ok := fold(x.Op, a, b)
		if !ok {
			l.errorf(x.OpPos, "invalid constant operation %s", x.Op)
		}
		return v, ok
	case *CallExpr:
		if n := x.Fun.Name; n == "ATOMIC_INIT" || n == "ATOMIC_LONG_INIT" || n == "REFCOUNT_INIT" {
			if len(x.Args) != 1 {
				l.errorf(x.Pos(), "%s expects 1 argument, found %d", n, len(x.Args))
				return 0, false
			}
			return l.staticValue(x.Args[0])
		}
	case *InitList:
		l.errorf(x.Pos(), "unexpected initialiser list")
		return 0, false
	case *RegRef:
		l.errorf(x.Pos(), "register %d:%s is not a constant", x.Proc, x.Name)
		return 0, false
	}
	l.errorf(x.Pos(), "%s is not a constant", l.text(x))
	return 0, false
}

// applyRegInits applies "N:reg = v;" from the init block.
func (l *lowerer) applyRegInits() {
	for _, a := range l.regInits {
		ref := a.X.(*RegRef)
		th := l.thread(ref.Proc)
		if th == nil {
			l.errorf(ref.Pos(), "no process P%d", ref.Proc)
			continue
		}
		v, ok := l.staticValue(a.Y)
		if !ok {
			continue
		}
		reg, found := l.regByName(th, ref.Name)
		if !found {
			// herd7 registers need no declaration
			reg = len(th.Regs)
			_, isPtr := l.prog.PtrLoc(v)
			th.Regs = append(th.Regs, model.RegInfo{Name: ref.Name, IsPtr: isPtr})
			th.NumRegs = len(th.Regs)
			l.regs[th][ref.Name] = reg
		}
		inits := l.regInitIdx[th]
		if inits == nil {
			inits = map[int]int{}
			for i, in := range th.Init {
				inits[in.Reg] = i // only the process parameters so far: no register twice
			}
			l.regInitIdx[th] = inits
		}
		if i, ok := inits[reg]; ok {
			th.Init[i].Val = v
		} else {
			inits[reg] = len(th.Init)
			th.Init = append(th.Init, model.RegInit{Reg: reg, Val: v})
		}
	}
}
