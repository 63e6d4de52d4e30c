package litmus

import (
	"fmt"
	"strings"

	"mmcheck/model"
)

// kind is the kind of a C type as the front end sees it.
type kind uint8

const (
	kBad    kind = iota // the type of an erroneous expression: no further errors
	kInt                // any integer type (int, intptr_t, unsigned long, bool, ...)
	kPtr                // T *
	kStruct             // struct S
	kArray              // T [N]
	kAtomic             // atomic_t
	kLock               // spinlock_t
	kVoid               // void (function results, void *)
	kPerCPU             // a DEFINE_PER_CPU variable: n instances of elem, one per CPU (percpu.go)
)

// ctype is a C type.
type ctype struct {
	kind kind
	name string      // kInt: its spelling
	elem *ctype      // kPtr, kArray, kPerCPU
	n    int         // kArray: length; kPerCPU: the number of CPUs
	st   *structType // kStruct
	// depth is how many pointers, arrays and (by value) structs the type
	// is made of, at most maxTypeDepth for a declared type: the recursion
	// of String, identical and the layout of objects is that deep.
	depth int
}

type structType struct {
	name   string
	decl   *StructDecl
	fields []*field
	size   int   // in locations
	state  int   // 0 unresolved, 1 resolving, 2 done
	depth  int   // 1 + the deepest field type
	bad    bool  // nested too deeply (reported): objects of the type are invalid
	anon   bool  // an anonymous struct, named by its typedef
	align  int64 // an aligned(N) attribute's N, or 0 (sizeof.go)

	names     int64 // nameBytes of the type, once namesDone
	namesDone bool
}

type field struct {
	name  string
	t     *ctype
	off   int
	pos   model.Pos
	align int64 // an aligned(N) attribute's N, or 0 (sizeof.go)
}

var (
	tBad    = &ctype{kind: kBad}
	tInt    = &ctype{kind: kInt, name: "int"}
	tAtomic = &ctype{kind: kAtomic}
	// atomic_long_t and refcount_t hold a counter as atomic_t does; they
	// differ only in name and C size (refcount_t wraps an atomic_t).
	tAtomicLong = &ctype{kind: kAtomic, name: "atomic_long_t"}
	tRefcount   = &ctype{kind: kAtomic, name: "refcount_t"}
	tLock       = &ctype{kind: kLock}
	tSrcu       = &ctype{kind: kInt, name: "struct srcu_struct"}
	tVoid       = &ctype{kind: kVoid}
	tVoidP      = &ctype{kind: kPtr, elem: tVoid}
)

func ptrTo(t *ctype) *ctype { return &ctype{kind: kPtr, elem: t, depth: t.depth + 1} }

// maxTypeDepth bounds the nesting of declared types: pointers, arrays and
// structs contained by value. C requires compilers to take 12 pointer and
// array declarators and 63 levels of nested structs; kernel types use a
// handful.
const maxTypeDepth = 64

// size is the number of memory locations an object of type t occupies.
func (t *ctype) size() int {
	switch t.kind {
	case kStruct:
		return t.st.size
	case kArray, kPerCPU:
		return t.n * t.elem.size()
	case kVoid:
		return 1 // pointer arithmetic on void * steps by one location
	}
	return 1
}

// scalar reports whether a value of type t fits in one location.
func (t *ctype) scalar() bool {
	switch t.kind {
	case kInt, kPtr, kAtomic, kLock, kBad:
		return true
	}
	return false
}

// intLike reports whether t is an integer-like scalar (not a pointer).
func (t *ctype) intLike() bool { return t.kind == kInt || t.kind == kAtomic || t.kind == kBad }

func (t *ctype) String() string {
	switch t.kind {
	case kBad:
		return "invalid type"
	case kInt:
		return t.name
	case kAtomic:
		if t.name != "" {
			return t.name
		}
		return "atomic_t"
	case kLock:
		return "spinlock_t"
	case kVoid:
		return "void"
	case kPerCPU:
		return t.elem.String() + " __percpu"
	case kStruct:
		if t.st.anon {
			return t.st.name
		}
		return "struct " + t.st.name
	case kPtr:
		s := t.elem.String()
		if strings.HasSuffix(s, "*") {
			return s + "*"
		}
		return s + " *"
	case kArray:
		dims := ""
		e := t
		for e.kind == kArray {
			dims += fmt.Sprintf("[%d]", e.n)
			e = e.elem
		}
		return e.String() + dims
	}
	return "?"
}

// identical reports whether two types are the same.
func identical(a, b *ctype) bool {
	if a == b {
		return true
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case kInt:
		return true // all integer types are alike here
	case kPtr:
		return identical(a.elem, b.elem)
	case kArray, kPerCPU:
		return a.n == b.n && identical(a.elem, b.elem)
	case kStruct:
		return a.st == b.st
	}
	return true
}

// isPtrType reports whether values of type t are pointers (for printing).
func isPtrType(t *ctype) bool { return t.kind == kPtr || t.kind == kArray }

// ---- constant folding ----

// fold applies a binary operator to constants. ok is false for division
// by zero.
func fold(op string, a, b model.Value) (v model.Value, ok bool) {
	switch op {
	case "+":
		return a + b, true
	case "-":
		return a - b, true
	case "*":
		return a * b, true
	case "/":
		if b == 0 {
			return 0, false
		}
		return a / b, true
	case "%":
		if b == 0 {
			return 0, false
		}
		return a % b, true
	case "&":
		return a & b, true
	case "|":
		return a | b, true
	case "^":
		return a ^ b, true
	case "<<":
		return a << uint64(b&63), true
	case ">>":
		return a >> uint64(b&63), true
	case "==":
		return b2i(a == b), true
	case "!=":
		return b2i(a != b), true
	case "<":
		return b2i(a < b), true
	case "<=":
		return b2i(a <= b), true
	case ">":
		return b2i(a > b), true
	case ">=":
		return b2i(a >= b), true
	case "&&":
		return b2i(a != 0 && b != 0), true
	case "||":
		return b2i(a != 0 || b != 0), true
	}
	return 0, false
}

func foldUnary(op string, a model.Value) model.Value {
	switch op {
	case "-":
		return -a
	case "~":
		return ^a
	case "!":
		return b2i(a == 0)
	}
	return a
}

func b2i(b bool) model.Value {
	if b {
		return 1
	}
	return 0
}

var aluOps = map[string]model.Alu{
	"+": model.AluAdd, "-": model.AluSub, "*": model.AluMul, "/": model.AluDiv, "%": model.AluMod,
	"&": model.AluAnd, "|": model.AluOr, "^": model.AluXor, "<<": model.AluShl, ">>": model.AluShr,
	"==": model.AluEq, "!=": model.AluNe, "<": model.AluLt, "<=": model.AluLe, ">": model.AluGt, ">=": model.AluGe,
}

var unaryAlu = map[string]model.Alu{"-": model.AluNeg, "!": model.AluNot, "~": model.AluBitNot}

func isComparison(op string) bool {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=", "&&", "||", "!":
		return true
	}
	return false
}

// unparen removes parentheses.
func unparen(x Expr) Expr {
	for {
		p, ok := x.(*ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}
