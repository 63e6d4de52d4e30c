package litmus

// Per-CPU variables (include/linux/percpu-defs.h): DEFINE_PER_CPU and
// DECLARE_PER_CPU at the top level, per_cpu(), per_cpu_ptr(),
// this_cpu_ptr() and the this_cpu_*() operations.
//
// A per-CPU variable of type T is one shared object of type T __percpu
// (kPerCPU): one instance of T for each CPU of the test (each process
// P0..Pn-1), contiguous, named per_cpu(x, 0), per_cpu(x, 1), ... (and
// per_cpu(rq, 1).lazy_mm for a field). Its name alone is no value, as
// in the kernel: code reaches an instance through per_cpu(x, cpu) (an
// lvalue), this_cpu_read(x) and the like, or the pointers
// per_cpu_ptr(&x, cpu) and this_cpu_ptr(&x); &x is a T __percpu *,
// which only they take. The accessors take any lvalue expression over
// per-CPU names, as the kernel's do (per_cpu(tlbstate.loaded_mm, cpu),
// this_cpu_read(rq.nr_running)): the expression is lowered with every
// per-CPU name in it standing for the instance of the CPU given.

import (
	"fmt"
	"strings"

	"mmcheck/model"
)

// A PerCPUDecl defines or declares a per-CPU variable:
//
//	PerCPUDecl = ["static"] Macro "(" TypeName "," Name ")" ["=" Initializer] ";" .
//
// Macro is DEFINE_PER_CPU or DECLARE_PER_CPU, or one of their
// _ALIGNED, _SHARED_ALIGNED, _READ_MOSTLY and _PAGE_ALIGNED forms (the
// same here: no caches). Init, if any, initialises every CPU's instance,
// as the kernel's initialiser of a DEFINE_PER_CPU does.
type PerCPUDecl struct {
	span
	Macro *Ident
	Type  *TypeName
	Name  *Ident
	Init  Expr // or nil
}

func (*PerCPUDecl) declNode() {}

// Define reports whether d defines the variable (DEFINE_PER_CPU...)
// rather than declaring it (DECLARE_PER_CPU...).
func (d *PerCPUDecl) Define() bool { return strings.HasPrefix(d.Macro.Name, "DEFINE_") }

// perCPUMacros are the macros of percpu-defs.h that define or declare a
// per-CPU variable.
var perCPUMacros = map[string]bool{}

func init() {
	for _, suffix := range []string{"", "_ALIGNED", "_SHARED_ALIGNED", "_READ_MOSTLY", "_PAGE_ALIGNED"} {
		perCPUMacros["DEFINE_PER_CPU"+suffix] = true
		perCPUMacros["DECLARE_PER_CPU"+suffix] = true
	}
}

// isPerCPUDecl reports whether a per-CPU definition or declaration
// starts here: a macro of perCPUMacros, possibly after "static", then '('.
func (p *parser) isPerCPUDecl() bool {
	if p.tok != tokIdent {
		return false
	}
	t, lit := p.peek()
	if p.lit == "static" {
		return t == tokIdent && perCPUMacros[lit]
	}
	return perCPUMacros[p.lit] && t == "("
}

// parsePerCPUDecl parses a PerCPUDecl; isPerCPUDecl holds.
func (p *parser) parsePerCPUDecl() Decl {
	pos := p.pos
	if p.lit == "static" {
		p.next()
	}
	d := &PerCPUDecl{Macro: p.ident()}
	p.expect("(")
	d.Type = p.parseTypeName()
	p.expect(",")
	d.Name = p.ident()
	p.expect(")")
	if p.tok == "=" {
		p.next()
		d.Init = p.parseInitializer()
	}
	p.expectSemi()
	d.span = span{pos, p.prev}
	return d
}

// format prints d.
func (p *printer) perCPUDecl(d *PerCPUDecl) {
	p.str(d.Macro.Name)
	p.str("(")
	p.typeName(d.Type)
	p.str(",")
	p.sp()
	p.str(d.Name.Name)
	p.str(")")
	if d.Init != nil {
		p.sp()
		p.str("=")
		p.sp()
		p.expr(d.Init)
	}
	p.str(";")
	p.nl()
}

// perCPUName is the name of the location, or the prefix of the names of
// the locations, of CPU cpu's instance of the per-CPU variable name.
func perCPUName(name string, cpu int) string { return fmt.Sprintf("per_cpu(%s, %d)", name, cpu) }

// ncpus is the number of CPUs of the test: its processes, P0 to the
// highest numbered (at least one). Types need it before the processes
// are collected: a cpumask has a bit for each CPU.
func (l *lowerer) ncpus() int {
	if l.nCPUs == 0 {
		l.nCPUs = 1
		for _, d := range l.decls {
			if pd, ok := d.(*ProcDecl); ok && pd.ID+1 > l.nCPUs {
				l.nCPUs = pd.ID + 1
			}
		}
	}
	return l.nCPUs
}

// perCPUObjects creates the objects of the DEFINE_PER_CPU variables,
// and checks their DECLARE_PER_CPU declarations against them.
func (l *lowerer) perCPUObjects() {
	declared := map[string]*PerCPUDecl{}
	types := map[*PerCPUDecl]*ctype{}
	for _, d := range l.decls {
		d, ok := d.(*PerCPUDecl)
		if !ok {
			continue
		}
		t := l.typeName(d.Type)
		switch {
		case t.kind == kVoid:
			l.errorf(d.Type.Pos(), "per-CPU variable %s declared void", d.Name.Name)
			t = tBad
		case t.kind == kBad:
		case t.depth+1 > maxTypeDepth:
			l.errorf(d.Type.Pos(), "type nested too deeply (more than %d levels of pointers, arrays and structs)", maxTypeDepth)
			t = tBad
		case int64(t.size())*int64(l.ncpus()) > maxLocs:
			l.errorf(d.Type.Pos(), "per-CPU variable too large (more than %d locations)", maxLocs)
			t = tBad
		default:
			t = &ctype{kind: kPerCPU, elem: t, n: l.ncpus(), depth: t.depth + 1}
		}
		types[d] = t
		if !d.Define() {
			if d.Init != nil {
				l.errorf(d.Init.Pos(), "%s cannot have an initialiser", d.Macro.Name)
			}
			if declared[d.Name.Name] == nil {
				declared[d.Name.Name] = d
			}
			continue
		}
		l.newObject(d.Name.Name, t, d.Name.Pos(), false)
	}
	for _, d := range l.decls {
		d, ok := d.(*PerCPUDecl)
		if !ok || d.Define() {
			continue
		}
		g := l.globals[d.Name.Name]
		switch {
		case g == nil:
			l.errorf(d.Name.Pos(), "per-CPU variable %s declared but not defined (no DEFINE_PER_CPU(..., %s))", d.Name.Name, d.Name.Name)
		case g.kind != gObject || g.obj.t.kind != kPerCPU && g.obj.t.kind != kBad:
			l.errorf(d.Name.Pos(), "%s declared per-CPU here, but declared at %s as something else", d.Name.Name, g.pos)
		case types[d].kind != kBad && g.obj.t.kind != kBad && !identical(types[d], g.obj.t):
			l.errorf(d.Name.Pos(), "%s declared as %s here, but defined as %s at %s", d.Name.Name, types[d].elem, g.obj.t.elem, g.pos)
		}
	}
}

// initPerCPU applies the initialisers of DEFINE_PER_CPU(...) = v to
// every CPU's instance.
func (l *lowerer) initPerCPU() {
	for _, d := range l.decls {
		d, ok := d.(*PerCPUDecl)
		if !ok || !d.Define() || d.Init == nil {
			continue
		}
		g := l.globals[d.Name.Name]
		if g == nil || g.kind != gObject || g.obj.t.kind != kPerCPU {
			continue
		}
		t := g.obj.t
		nerr := len(l.errs)
		for cpu := 0; cpu < t.n && len(l.errs) == nerr; cpu++ {
			l.initObject(d.Init, t.elem, g.obj.base+cpu*t.elem.size())
		}
	}
}

// staticPerCPU resolves per_cpu(path, cpu) with a constant cpu in the
// init block and in conditions: the first location and type of CPU
// cpu's instance of path, a location path over a per-CPU variable.
func (l *lowerer) staticPerCPU(x *CallExpr) (int, *ctype, bool) {
	if x.Fun.Name != "per_cpu" || l.globals["per_cpu"] != nil {
		l.errorf(x.Pos(), "%s is not a location", l.text(x))
		return 0, nil, false
	}
	if len(x.Args) != 2 {
		l.errorf(x.Pos(), "per_cpu expects 2 arguments, found %d", len(x.Args))
		return 0, nil, false
	}
	cpu, ok := l.constExpr(x.Args[1])
	if !ok {
		return 0, nil, false
	}
	root := unparen(x.Args[0])
	for {
		switch r := root.(type) {
		case *SelectorExpr:
			root = unparen(r.X)
			continue
		case *IndexExpr:
			root = unparen(r.X)
			continue
		}
		break
	}
	var g *global
	if id, isID := root.(*Ident); isID {
		g = l.globals[id.Name]
	}
	if g == nil || g.kind != gObject || g.obj.t.kind != kPerCPU {
		if g == nil || g.kind != gObject || g.obj.t.kind != kBad {
			l.errorf(x.Args[0].Pos(), "per_cpu of %s, which is not a per-CPU variable", l.text(x.Args[0]))
		}
		return 0, nil, false
	}
	n := g.obj.t.n
	if cpu < 0 || cpu >= int64(n) {
		l.errorf(x.Args[1].Pos(), "CPU %d out of range [0:%d]", cpu, n)
		return 0, nil, false
	}
	l.staticCPU = &staticCPU{obj: g.obj, cpu: int(cpu)}
	defer func() { l.staticCPU = nil }()
	return l.staticLoc(x.Args[0])
}

// A staticCPU is the instance per_cpu() names in a location path of the
// init block or a condition: the per-CPU variable obj stands for its
// instance of CPU cpu.
type staticCPU struct {
	obj *object
	cpu int
}

// ---- code ----

// A cpuCtx is the CPU whose instances the per-CPU names of an
// expression stand for, in the argument of per_cpu() or a this_cpu_*()
// operation.
type cpuCtx struct {
	cpu  model.Arg // the CPU number: a constant or a register
	used bool      // a per-CPU name has been resolved in this context
}

// perCPUVar resolves a per-CPU variable's name in code: in a per-CPU
// context, the instance of its CPU (the CPU number was checked against
// the range by the context's primitive); elsewhere the variable itself,
// of type T __percpu, whose address is all there is to take.
func (g *gen) perCPUVar(n Node, o *object) opnd {
	c := g.cpu
	if c == nil {
		return mem(model.Imm(model.Ptr(o.base)), o.t)
	}
	c.used = true
	size := model.Value(o.t.elem.size())
	if c.cpu.IsImm() {
		return mem(model.Imm(model.Ptr(o.base)+c.cpu.Imm*size), o.t.elem)
	}
	off := c.cpu
	if size != 1 {
		r := g.temp(tInt)
		g.binop(n, r, model.AluMul, c.cpu, model.Imm(size))
		off = model.R(r)
	}
	d := g.temp(ptrTo(o.t.elem))
	g.binop(n, d, model.AluAdd, off, model.Imm(model.Ptr(o.base)))
	return mem(model.R(d), o.t.elem)
}

// onCPU lowers x with the per-CPU names in it standing for the instances
// of CPU cpu; used reports whether x named one.
func (g *gen) onCPU(x Expr, cpu model.Arg) (o opnd, used bool) {
	saved := g.cpu
	g.cpu = &cpuCtx{cpu: cpu}
	defer func() { g.cpu = saved }()
	o = g.expr(x, -1)
	return o, g.cpu.used
}

// cpuArg evaluates the CPU number argument a of call x and checks it: a
// constant out of [0, number of CPUs) is an error; a computed one gets
// an OpBoundsCheck (a violation, index out of range, when it runs).
func (g *gen) cpuArg(x *CallExpr, a Expr) (model.Arg, bool) {
	c := g.rv(a, -1)
	if c.t.kind == kBad {
		return c.arg, false
	}
	n := g.l.ncpus()
	if c.arg.IsImm() {
		if c.arg.Imm >= 0 && c.arg.Imm < int64(n) {
			return c.arg, true
		}
		if _, lit := g.literalConst(a); lit {
			g.errorf(a.Pos(), "%s: CPU %d out of range [0:%d]", x.Fun.Name, c.arg.Imm, n)
			return c.arg, false
		}
		// out of range only in this copy of an unrolled loop
	}
	g.boundsCheck(x, c.arg, n)
	return c.arg, true
}

// notPerCPU reports x's argument a, which names no per-CPU variable.
func (g *gen) notPerCPU(x *CallExpr, a Expr, o opnd) opnd {
	if o.t.kind != kBad {
		g.errorf(a.Pos(), "%s of %s, which is not a per-CPU variable", x.Fun.Name, g.text(a))
	}
	return badOp
}

// perCPU lowers per_cpu(var, cpu) (an lvalue: plain accesses, as in C),
// per_cpu_ptr(ptr, cpu) and this_cpu_ptr(ptr).
func (g *gen) perCPU(x *CallExpr, p *primInfo, want int) opnd {
	var cpu model.Arg
	if p.kind == pThisCPUPtr {
		cpu = model.Imm(model.Value(g.proc))
	} else {
		c, ok := g.cpuArg(x, x.Args[1])
		if !ok {
			g.discard(x.Args[0])
			return badOp
		}
		cpu = c
	}
	if p.kind == pPerCPU {
		o, used := g.onCPU(x.Args[0], cpu)
		if !used {
			return g.notPerCPU(x, x.Args[0], o)
		}
		return o
	}
	// per_cpu_ptr(&x.f, cpu), or a T __percpu * value
	o, used := g.onCPU(x.Args[0], cpu)
	if used {
		if o.mode == oMem && o.t.kind != kBad {
			g.errorf(x.Args[0].Pos(), "%s expects a pointer to a per-CPU variable (&var), found %s", x.Fun.Name, g.text(x.Args[0]))
			return badOp
		}
		v := g.value(o, x.Args[0], want)
		if v.t.kind == kPtr && v.t.elem.kind != kPerCPU {
			return v
		}
		if v.t.kind != kBad {
			g.errorf(x.Args[0].Pos(), "%s expects a pointer to a per-CPU variable, found %s (type %s)", x.Fun.Name, g.text(x.Args[0]), v.t)
		}
		return badOp
	}
	v := g.value(o, x.Args[0], -1)
	if v.t.kind != kPtr || v.t.elem.kind != kPerCPU {
		if v.t.kind != kBad {
			g.errorf(x.Args[0].Pos(), "%s expects a pointer to a per-CPU variable, found %s (type %s)", x.Fun.Name, g.text(x.Args[0]), v.t)
		}
		return badOp
	}
	elem := v.t.elem.elem
	size := model.Value(elem.size())
	t := ptrTo(elem)
	if v.arg.IsImm() && cpu.IsImm() {
		return imm(v.arg.Imm+cpu.Imm*size, t)
	}
	off := cpu
	if !cpu.IsImm() && size != 1 {
		r := g.temp(tInt)
		g.binop(x, r, model.AluMul, cpu, model.Imm(size))
		off = model.R(r)
	} else if cpu.IsImm() {
		off = model.Imm(cpu.Imm * size)
	}
	d := g.dst(want, t)
	g.binop(x, d, model.AluAdd, v.arg, off)
	return opnd{mode: oVal, arg: model.R(d), t: t}
}

// thisCPUOp lowers this_cpu_read(pcp), this_cpu_write(pcp, v) and
// this_cpu_{add,sub,inc,dec}(pcp[, v]) on this CPU's instance of pcp. As
// in the kernel, they are atomic only against this CPU's interrupts,
// which mmcheck does not model, and order nothing: a READ_ONCE, a
// WRITE_ONCE, and for the RMWs a READ_ONCE then a WRITE_ONCE (another
// CPU's per_cpu() write in between is lost, as it can be on the
// kernel's architectures).
func (g *gen) thisCPUOp(x *CallExpr, p *primInfo, want int) opnd {
	name := x.Fun.Name
	o, used := g.onCPU(x.Args[0], model.Imm(model.Value(g.proc)))
	if !used {
		g.notPerCPU(x, x.Args[0], o)
		for _, a := range x.Args[1:] {
			g.discard(a)
		}
		return badOp
	}
	switch {
	case o.t.kind == kBad:
		return badOp
	case o.mode != oMem:
		g.errorf(x.Args[0].Pos(), "%s expects a per-CPU location, found %s", name, g.text(x.Args[0]))
		return badOp
	case !o.t.scalar():
		g.errorf(x.Args[0].Pos(), "%s of non-scalar %s (type %s)", name, g.text(x.Args[0]), o.t)
		return badOp
	}
	a := g.addr(o, x.Args[0])
	t := valueType(o.t)
	load := func(want int) int {
		d := g.dst(want, t)
		in := ins(model.OpLoad)
		in.Dst, in.A, in.Order, in.Prim = int32(d), a, model.Once, name
		g.emit(x, in)
		return d
	}
	store := func(v model.Arg) {
		in := ins(model.OpStore)
		in.A, in.B, in.Order, in.Prim = a, v, model.Once, name
		g.emit(x, in)
	}
	switch p.kind {
	case pThisCPURead:
		return opnd{mode: oVal, arg: model.R(load(want)), t: t}
	case pThisCPUWrite:
		v := g.rv(x.Args[1], -1)
		if v.t.kind == kBad {
			return voidOp
		}
		if isBool(o.t) {
			v = g.toBool(x, v, -1)
		}
		store(v.arg)
		return voidOp
	}
	operand := imm(p.val, tInt)
	if !p.imm {
		operand = g.rv(x.Args[1], -1)
		if operand.t.kind == kBad {
			return voidOp
		}
	}
	if o.t.kind == kPtr {
		operand = g.scale(x, operand, o.t.elem.size())
	}
	old := load(-1)
	alu := model.AluAdd
	if p.rmw == model.RMWSub {
		alu = model.AluSub
	}
	nv := g.temp(t)
	g.binop(x, nv, alu, model.R(old), operand.arg)
	store(model.R(nv))
	return voidOp
}
