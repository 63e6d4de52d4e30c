package litmus

// sizeof: the C sizes of types and expressions on an LP64 kernel (x86-64,
// arm64). Values are 64-bit in the model whatever their type: sizeof only
// reports what C would.

import (
	"strings"

	"mmcheck/model"
)

// tSizeT is the type of sizeof's value.
var tSizeT = &ctype{kind: kInt, name: "size_t"}

// tLong is int promoted to long by the usual arithmetic conversions.
var tLong = &ctype{kind: kInt, name: "long"}

// A sizeResult is the value of one sizeof, computed once (a node has the
// same type in every copy of an unrolled loop and every inlined call).
type sizeResult struct {
	v  model.Value
	ok bool
}

// intSize is the size of an integer type named name, LP64.
func intSize(name string) int64 {
	switch name {
	case "bool", "_Bool", "u8", "s8":
		return 1
	case "u16", "s16":
		return 2
	case "u32", "s32":
		return 4
	case "u64", "s64", "size_t", "ssize_t", "intptr_t", "uintptr_t":
		return 8
	}
	switch {
	case strings.Contains(name, "char"):
		return 1
	case strings.Contains(name, "short"):
		return 2
	case strings.Contains(name, "long"):
		return 8 // long, unsigned long, long long, atomic_long_t
	}
	return 4 // int, unsigned, signed
}

// cSize returns the size and alignment of t in bytes, or false (with an
// error at pos, unless t is invalid) if C gives it none.
func (l *lowerer) cSize(pos model.Pos, t *ctype) (size, align int64, ok bool) {
	switch t.kind {
	case kBad:
		return 0, 0, false
	case kInt:
		if t == tSrcu {
			l.errorf(pos, "sizeof(struct srcu_struct) is not known (its layout is the kernel's)")
			return 0, 0, false
		}
		n := intSize(t.name)
		return n, n, true
	case kPtr:
		return 8, 8, true
	case kAtomic, kLock:
		if t == tAtomicLong {
			return 8, 8, true // struct { long counter; }
		}
		return 4, 4, true // struct { int counter; } (refcount_t wraps one), arch_spinlock_t
	case kVoid:
		return 1, 1, true // GNU C, which the kernel is written in
	case kArray:
		n, a, ok := l.cSize(pos, t.elem)
		return int64(t.n) * n, a, ok
	case kPerCPU:
		return l.cSize(pos, t.elem) // sizeof(x) is the size of one instance
	case kStruct:
		l.resolveStruct(t.st)
		if t.st.state != 2 || t.st.bad {
			return 0, 0, false
		}
		// aligned(N) raises a field's alignment, or the struct's, to N
		// (attr.go), as GCC lays it out.
		var off, maxAlign int64 = 0, max(1, t.st.align)
		for _, f := range t.st.fields {
			n, a, ok := l.cSize(pos, f.t)
			if !ok {
				return 0, 0, false
			}
			a = max(a, f.align)
			off = (off + a - 1) / a * a
			off += n
			maxAlign = max(maxAlign, a)
		}
		return (off + maxAlign - 1) / maxAlign * maxAlign, maxAlign, true
	}
	return 0, 0, false
}

// sizeofType is sizeof(T).
func (l *lowerer) sizeofType(x *SizeofExpr) (model.Value, bool) {
	n, _, ok := l.cSize(x.Pos(), l.typeName(x.Type))
	return n, ok
}

// sizeof is the value of x, computed once.
func (g *gen) sizeof(x *SizeofExpr) (model.Value, bool) {
	if r, ok := g.l.sizes[x]; ok {
		return r.v, r.ok
	}
	var r sizeResult
	if x.Type != nil {
		r.v, r.ok = g.l.sizeofType(x)
	} else if x.X == nil {
		g.errorf(x.Pos(), "sizeof without an operand") // a tree built by hand
	} else {
		t := g.ctypeOf(x.X)
		if t.kind == kVoid {
			g.errorf(unparen(x.X).Pos(), "%s (no value) used as value", g.text(unparen(x.X)))
		} else if t.kind == kBad {
			// reported
		} else {
			var n int64
			n, _, r.ok = g.l.cSize(x.Pos(), t)
			r.v = n
		}
	}
	if g.l.sizes == nil {
		g.l.sizes = map[*SizeofExpr]sizeResult{}
	}
	g.l.sizes[x] = r
	return r.v, r.ok
}

// ctypeOf is the C type of x, which is not evaluated (sizeof's operand):
// the type the lowering gives it, with C's integer promotions and usual
// arithmetic conversions, which the lowering does not need (its values
// are all 64 bits).
func (g *gen) ctypeOf(x Expr) *ctype {
	switch x := unparen(x).(type) {
	case *IntLit:
		lit := strings.ToLower(x.Lit)
		if strings.Contains(lit, "l") || x.Value != int64(int32(x.Value)) {
			return tLong
		}
		return tInt
	case *CastExpr:
		return g.l.typeName(x.Type)
	case *SizeofExpr:
		return tSizeT
	case *UnaryExpr:
		switch x.Op {
		case "!":
			return tInt
		case "-", "+", "~":
			return promote(g.ctypeOf(x.X))
		}
	case *BinaryExpr:
		switch x.Op {
		case ",":
			return g.ctypeOf(x.Y)
		case "==", "!=", "<", "<=", ">", ">=", "&&", "||":
			return tInt
		case "<<", ">>":
			return promote(g.ctypeOf(x.X))
		}
		a, b := g.ctypeOf(x.X), g.ctypeOf(x.Y)
		switch {
		case a.kind == kBad || b.kind == kBad:
			return tBad
		case isPtrType(a) && isPtrType(b):
			return tLong // ptrdiff_t
		case isPtrType(a):
			return decay(a)
		case isPtrType(b):
			return decay(b)
		}
		return arith(a, b)
	case *TernaryExpr:
		a, b := g.ctypeOf(x.Then), g.ctypeOf(x.Else)
		if a.intLike() && b.intLike() {
			return arith(a, b)
		}
		return decay(a)
	case *AssignExpr:
		return g.ctypeOf(x.X)
	case *CallExpr:
		if _, ok := g.hint(x); ok {
			return tLong
		}
	}
	// Anything else is lowered to find its type, and the code dropped.
	var o opnd
	g.deadCode(func() { o = g.expr(x, -1) })
	if o.t.kind == kAtomic && o.mode == oVal {
		return tInt // atomic_read() and the like
	}
	return o.t
}

// promote is C's integer promotion: types smaller than int become int.
func promote(t *ctype) *ctype {
	if t.kind == kInt && intSize(t.name) < 4 {
		return tInt
	}
	return t
}

// arith is the type of an arithmetic operator's result on a and b.
func arith(a, b *ctype) *ctype {
	a, b = promote(a), promote(b)
	if a.kind == kInt && b.kind == kInt && intSize(b.name) > intSize(a.name) {
		return b
	}
	return a
}

// decay turns an array type into the pointer to its element.
func decay(t *ctype) *ctype {
	if t.kind == kArray {
		return ptrTo(t.elem)
	}
	return t
}
