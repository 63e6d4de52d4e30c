package litmus

// typedef: type names for scalars, pointers, arrays and structs, named or
// anonymous.

// A typedef is a declared type name, resolved on first use.
type typedef struct {
	decl  *TypedefDecl
	st    *structType // the struct its body declares, if any
	t     *ctype
	state int // 0 unresolved, 1 resolving, 2 done
}

// declareTypedef declares the name of d, and the struct of its body.
func (l *lowerer) declareTypedef(d *TypedefDecl) {
	name := d.Name.Name
	if prev := l.typedefs[name]; prev != nil {
		l.errorf(d.Name.Pos(), "typedef %s redeclared; previous declaration at %s", name, prev.decl.Name.Pos())
		return
	}
	if l.typedefs == nil {
		l.typedefs = map[string]*typedef{}
	}
	td := &typedef{decl: d}
	l.typedefs[name] = td
	if !d.Body {
		return
	}
	sname, anon := d.Type.Name, d.Type.Name == ""
	nameID := &Ident{span{d.Type.NamePos, d.Type.To}, sname}
	if anon {
		sname, nameID = name, d.Name
	}
	td.st = &structType{name: sname, decl: &StructDecl{d.span, nameID, d.Fields, d.Align}, anon: anon}
	if anon {
		return
	}
	if prev := l.structs[sname]; prev != nil {
		l.errorf(nameID.Pos(), "struct %s redeclared; previous declaration at %s", sname, prev.decl.Name.Pos())
		return
	}
	l.structs[sname] = td.st
}

// typedefType is the type td names.
func (l *lowerer) typedefType(td *typedef) *ctype {
	switch td.state {
	case 2:
		return td.t
	case 1:
		l.errorf(td.decl.Name.Pos(), "invalid recursive typedef %s", td.decl.Name.Name)
		return tBad
	}
	td.state = 1
	d := td.decl
	var base *ctype
	if td.st != nil {
		base = &ctype{kind: kStruct, st: td.st}
	} else {
		base = l.typeSpec(d.Type)
	}
	td.t = l.declarator(d.Name.Pos(), base, d.Stars, d.Dims)
	td.state = 2
	return td.t
}
