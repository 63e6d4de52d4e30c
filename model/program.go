package model

// A Program is a litmus test lowered for exploration: the shared memory,
// one straight-line-with-jumps instruction list per CPU, and the final
// condition. It is produced by package litmus and only read afterwards, so
// one Program may be explored by many workers at once.
type Program struct {
	Name string // the test's name, from its "C name" line
	File string // the file it was read from
	Doc  string // the (* ... *) comment after the name line, if any

	Objects []Object // shared objects: every top-level declaration
	Locs    []Loc    // every shared memory location (scalar cell)
	Init    []Value  // initial value of each location; len(Init) == len(Locs)
	Threads []*Thread

	Cond      *Cond    // final condition; nil if the test has none
	Filter    BoolExpr // herd7's filter clause; nil if none
	Observed  []Term   // what a final state shows: condition terms, then locations [...]
	LeakCheck []int    // objects that must be freed at the end (leak_check clause)
	Lines     []string // the source file's lines, for quoting in traces
	Features  []string // primitives and constructs used, e.g. "smp_load_acquire", "if"
}

// An Object is a top-level shared declaration: a variable, struct, or array.
// Its locations are Locs[Base : Base+Size]. Objects are the unit of kfree.
type Object struct {
	Name    string
	Type    string // C type as written: "int", "struct mm_struct", "spinlock_t"
	Base    int
	Size    int
	IsArray bool
	Pos     Pos
}

// A Loc is one shared memory location: a scalar variable, field or element.
type Loc struct {
	Name  string // "x", "mm.mm_count", "rq[1].lazy_mm"
	Obj   int    // index into Program.Objects
	IsPtr bool   // declared with a pointer type (values print as &name / NULL)
	Lock  bool   // a spinlock_t
}

// A Thread is one CPU's code, P<ID> in the source, with functions inlined.
type Thread struct {
	ID      int
	Name    string // "P0"
	Pos     Pos
	Code    []Instr // ends with OpHalt
	NumRegs int
	Regs    []RegInfo // len == NumRegs
	Init    []RegInit // initial register values (herd7 "0:r1=2;", parameters)
}

// RegInfo describes a register: a local variable or a temporary.
type RegInfo struct {
	Name  string // source name; "" for temporaries; inlined locals are "fn.name"
	IsPtr bool
}

// RegInit is an initial register value.
type RegInit struct {
	Reg int
	Val Value
}

// RegByName returns the register of a top-level local or parameter.
func (t *Thread) RegByName(name string) (int, bool) {
	for i, r := range t.Regs {
		if r.Name == name {
			return i, true
		}
	}
	return -1, false
}

// LocByName returns the location with the given name ("x", "mm.mm_count").
func (p *Program) LocByName(name string) (int, bool) {
	for i, l := range p.Locs {
		if l.Name == name {
			return i, true
		}
	}
	return -1, false
}

// ObjByName returns the object with the given name.
func (p *Program) ObjByName(name string) (int, bool) {
	for i, o := range p.Objects {
		if o.Name == name {
			return i, true
		}
	}
	return -1, false
}

// ObjOf returns the object a location belongs to.
func (p *Program) ObjOf(loc int) int { return p.Locs[loc].Obj }

// Line returns source line n (1-based) or "".
func (p *Program) Line(n int) string {
	if n < 1 || n > len(p.Lines) {
		return ""
	}
	return p.Lines[n-1]
}
