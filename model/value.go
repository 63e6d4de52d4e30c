package model

import (
	"fmt"
	"strings"
)

// Value is the one type of data in a program: an integer or a pointer.
//
// A pointer to memory location l (see [Program.Locs]) is the integer
// PtrBase+l; NULL is 0. Pointer arithmetic therefore works in units of
// locations (one location per scalar field or array element), and the
// front end scales indices by the size, in locations, of the element type.
// Integers at or above PtrBase are taken for pointers; programs never need
// such large integers (documented limit).
type Value = int64

// PtrBase is the value of a pointer to location 0.
const PtrBase Value = 1 << 40

// Ptr returns the pointer to location loc.
func Ptr(loc int) Value { return PtrBase + Value(loc) }

// IsPtr reports whether v is a non-NULL pointer value (it may still point
// outside memory: see [Program.PtrLoc]).
func IsPtr(v Value) bool { return v >= PtrBase }

// PtrLoc returns the location a pointer value designates and whether it
// designates one of p's locations.
func (p *Program) PtrLoc(v Value) (int, bool) {
	if v < PtrBase {
		return -1, false
	}
	l := v - PtrBase
	if l >= Value(len(p.Locs)) {
		return -1, false
	}
	return int(l), true
}

// FormatValue renders v for people: integers in decimal, pointers as
// "&name" (or "&name+k" past the end), NULL as "NULL" when typed as a
// pointer, else "0".
func (p *Program) FormatValue(v Value, isPtr bool) string {
	if v == 0 && isPtr {
		return "NULL"
	}
	if !IsPtr(v) {
		return fmt.Sprintf("%d", v)
	}
	if l, ok := p.PtrLoc(v); ok {
		return "&" + p.PtrName(l)
	}
	return fmt.Sprintf("0x%x", v)
}

// PtrName names the target of a pointer to location l: the object's name
// when l is its first location and the object is a scalar or the pointer
// is most naturally read as the object ("mm" for &mm, "x" for &x),
// otherwise the location's own name ("rq[1].drop_mm").
func (p *Program) PtrName(l int) string {
	loc := p.Locs[l]
	if loc.Obj >= 0 && loc.Obj < len(p.Objects) {
		o := p.Objects[loc.Obj]
		if o.Base == l && !o.IsArray {
			return o.Name
		}
	}
	// The first field of an array element, or of a CPU's instance of a
	// per-CPU variable: name the element ("idle[1]" rather than
	// "idle[1].mm", "per_cpu(rq, 1)"), as a pointer to a struct usually is.
	name := loc.Name
	if i := max(strings.LastIndex(name, "]."), strings.LastIndex(name, ").")); i >= 0 {
		elem := name[:i+1]
		if l == 0 || !strings.HasPrefix(p.Locs[l-1].Name, elem+".") {
			return elem
		}
	}
	return name
}
