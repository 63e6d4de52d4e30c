package weaken

import (
	"strings"

	"mmcheck/model"
)

// A Form is what a site is, or becomes: a primitive with its ordering.
type Form struct {
	Prim  string          // the primitive: "smp_load_acquire", "READ_ONCE", "xchg_relaxed"; "" for a plain access or a removed barrier
	Order model.Order     // accesses: the ordering (the write's, for smp_store_mb)
	Fence model.FenceKind // barriers: the fence
	None  bool            // barriers: removed
	// Broken: a dependency site's access with the dependency broken
	// (model.Instr.NoDeps): the same primitive, whose dependency on the
	// read no longer orders.
	Broken bool
}

// String names the form as the report shows it: the primitive, "plain"
// or "nothing".
func (f Form) String() string {
	switch {
	case f.Broken:
		return "no dependency"
	case f.None:
		return "nothing"
	case f.Prim == "":
		return "plain"
	}
	return f.Prim
}

// Kernel reports whether the form is a primitive the kernel has: the
// _acquire and _release forms of atomic_dec_and_test, atomic_inc_not_zero
// and the like are not (they are tried all the same, see the package doc).
func (f Form) Kernel() bool {
	if f.Broken {
		return false // not a source edit (see [Kind.IsDep])
	}
	if f.None || f.Prim == "" {
		return true
	}
	switch f.Prim {
	case "test_and_set_bit_release", "test_and_set_bit_relaxed":
		return false
	}
	base, suffix := splitSuffix(f.Prim)
	return suffix == "" || hasOrderedForms(base)
}

// rmwSuffixes are the ordering suffixes of RMW primitives.
var rmwSuffixes = []string{"_relaxed", "_acquire", "_release"}

// splitSuffix splits "xchg_acquire" into "xchg" and "_acquire".
func splitSuffix(prim string) (base, suffix string) {
	for _, s := range rmwSuffixes {
		if b, ok := strings.CutSuffix(prim, s); ok {
			return b, s
		}
	}
	return prim, ""
}

// hasOrderedForms reports whether an RMW primitive has _relaxed,
// _acquire and _release forms in the kernel (and in the language).
func hasOrderedForms(base string) bool {
	// atomic_long_t has every form atomic_t has.
	if rest, ok := strings.CutPrefix(base, "atomic_long_"); ok {
		base = "atomic_" + rest
	}
	switch base {
	case "smp_cond_load", "atomic_cond_read": // _relaxed and _acquire only
		return true
	case "xchg", "atomic_xchg", "cmpxchg", "atomic_cmpxchg", "try_cmpxchg", "atomic_try_cmpxchg",
		"atomic_add_return", "atomic_sub_return", "atomic_inc_return", "atomic_dec_return",
		"atomic_fetch_add", "atomic_fetch_sub", "atomic_fetch_and", "atomic_fetch_or",
		"atomic_fetch_xor", "atomic_fetch_andnot", "atomic_fetch_inc", "atomic_fetch_dec":
		return true
	}
	return false
}

// Down returns the forms one step down the ladder from f, for a site of
// the given kind (see the package doc); nil at the bottom.
func Down(kind Kind, f Form) []Form {
	switch kind {
	case AddrDep, DataDep, CtrlDep:
		if f.Broken {
			return nil
		}
		f.Broken = true
		return []Form{f}
	case Fence:
		if f.None {
			return nil
		}
		switch f.Fence {
		case model.FenceMb:
			return []Form{{Prim: "smp_wmb", Fence: model.FenceWmb}, {Prim: "smp_rmb", Fence: model.FenceRmb}}
		case model.FenceRmb, model.FenceWmb, model.FenceBeforeAtomic, model.FenceAfterAtomic, model.FenceAfterSpinlock:
			return []Form{{None: true}}
		}
	case Load:
		switch {
		case f.Order == model.Acquire && (f.Prim == "smp_cond_load_acquire" || f.Prim == "atomic_cond_read_acquire"):
			// An await: its relaxed form, which stays one.
			return []Form{{Prim: strings.TrimSuffix(f.Prim, "_acquire") + "_relaxed", Order: model.Once}}
		case f.Order == model.Acquire && f.Prim != "smp_load_acquire" && strings.HasSuffix(f.Prim, "_acquire"):
			// atomic_read_acquire, atomic_long_read_acquire, test_bit_acquire:
			// the same access, relaxed (and no further: it is not an lvalue).
			return []Form{{Prim: strings.TrimSuffix(f.Prim, "_acquire"), Order: model.Once}}
		case f.Order == model.Acquire:
			return []Form{{Prim: "READ_ONCE", Order: model.Once}}
		case f.Order == model.Once && f.Prim == "READ_ONCE":
			return []Form{{Order: model.Plain}}
		}
	case Store, StoreMb:
		switch {
		case f.Prim == "smp_store_mb":
			return []Form{{Prim: "WRITE_ONCE", Order: model.Once}}
		case f.Order == model.Release && f.Prim != "smp_store_release" && strings.HasSuffix(f.Prim, "_release"):
			// atomic_set_release, atomic_long_set_release, refcount_set_release.
			return []Form{{Prim: strings.TrimSuffix(f.Prim, "_release"), Order: model.Once}}
		case f.Order == model.Release:
			return []Form{{Prim: "WRITE_ONCE", Order: model.Once}}
		case f.Order == model.Once && f.Prim == "WRITE_ONCE":
			return []Form{{Order: model.Plain}}
		}
	case RMW:
		switch {
		case NoWeakerForm(f):
			return nil
		case f.Prim == "clear_bit_unlock" && f.Order == model.Release:
			return []Form{{Prim: "clear_bit", Order: model.Once}}
		case f.Prim == "test_and_set_bit" && f.Order == model.Mb:
			// Its acquire form is the kernel's bit lock; a release form
			// it has not, tried all the same.
			return []Form{{Prim: "test_and_set_bit_lock", Order: model.Acquire}, {Prim: "test_and_set_bit_release", Order: model.Release}}
		case strings.HasPrefix(f.Prim, "refcount_") && f.Order == model.Acquire:
			// refcount_inc_not_zero_acquire -> refcount_inc_not_zero.
			return []Form{{Prim: strings.TrimSuffix(f.Prim, "_acquire"), Order: model.Once}}
		case f.Prim == "test_and_set_bit_lock" && f.Order == model.Acquire:
			return []Form{{Prim: "test_and_set_bit_relaxed", Order: model.Once}}
		}
		base, _ := splitSuffix(f.Prim)
		switch f.Order {
		case model.Mb:
			return []Form{{Prim: base + "_acquire", Order: model.Acquire}, {Prim: base + "_release", Order: model.Release}}
		case model.Acquire, model.Release:
			return []Form{{Prim: base + "_relaxed", Order: model.Once}}
		}
	}
	return nil
}

// NoWeakerForm reports whether a site's form is a primitive with no
// weaker form to try: refcount_t's operations (refcount_dec_and_test,
// refcount_inc_not_zero, ...), whose kernel API has none; the search
// reports them without exploring ([NoWeaker]). Their _acquire forms
// (refcount_inc_not_zero_acquire) go down to the plain operation.
func NoWeakerForm(f Form) bool {
	return strings.HasPrefix(f.Prim, "refcount_") && !strings.HasSuffix(f.Prim, "_acquire")
}

// Note says what a step down the ladder means beyond its name, for the
// report: "" for most.
func Note(from, to Form) string {
	switch {
	case from.Prim == "clear_bit_unlock" && to.Prim == "clear_bit":
		return "clear_bit() orders nothing: a bit lock's unlock needs clear_bit_unlock() (or smp_mb__before_atomic(); clear_bit())"
	case from.Prim == "test_and_set_bit" && to.Prim == "test_and_set_bit_lock":
		return "test_and_set_bit_lock() is test_and_set_bit() with acquire ordering only"
	}
	return ""
}

// Change is one site weakened to one form.
type Change struct {
	Site int // index into the sites Apply is given
	Form Form
}

// Apply returns a copy of p with the changes made; p is not modified.
func Apply(p *model.Program, sites []Site, changes []Change) *model.Program {
	q := *p
	q.Threads = make([]*model.Thread, len(p.Threads))
	for t, th := range p.Threads {
		c := *th
		c.Code = append([]model.Instr(nil), th.Code...)
		q.Threads[t] = &c
	}
	for _, ch := range changes {
		s := &sites[ch.Site]
		for _, r := range s.Instrs {
			weakenInstr(&q.Threads[r.Thread].Code[r.Index], s, ch.Form)
		}
	}
	return &q
}

// weakenInstr turns one instruction of site s into form f.
func weakenInstr(in *model.Instr, s *Site, f Form) {
	if s.Kind.IsDep() {
		if f.Broken {
			in.NoDeps |= s.Kind.Dep()
		}
		return
	}
	text := Rewrite(in.Text, s.Orig.Prim, f)
	if in.Op == model.OpFence && (s.Kind == Fence && f.None || s.Kind == StoreMb && f.Prim != "smp_store_mb") {
		// The barrier goes: a no-op in its place keeps the jump targets.
		*in = model.Instr{Op: model.OpNop, Dst: -1, Pos: in.Pos, Text: text, Call: in.Call}
		return
	}
	if in.Op == model.OpFence && s.Kind == RMW {
		// The fence of an RMW's lowering (refcount_dec_and_test's
		// acquire on zero) is not what the form changes.
		in.Text = text
		return
	}
	in.Prim, in.Text = f.Prim, text
	switch in.Op {
	case model.OpFence:
		in.Fence = f.Fence
	default:
		in.Order = f.Order
	}
}

// Rewrite returns the source text of a primitive call written as prim,
// rewritten as form f: "smp_store_release(flag, 1)" as WRITE_ONCE is
// "WRITE_ONCE(*flag, 1)", as a plain access "*flag = 1"; "READ_ONCE(x)"
// as plain is "x"; a barrier removed is "". Text that is not a call of
// prim is returned with only the name replaced.
func Rewrite(text, prim string, f Form) string {
	if f.None {
		return ""
	}
	rest, ok := strings.CutPrefix(text, prim)
	rest = strings.TrimSpace(rest)
	if !ok || !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return strings.Replace(text, prim, f.String(), 1)
	}
	args := splitArgs(rest[1 : len(rest)-1])
	// smp_load_acquire and smp_store_release take a pointer; READ_ONCE,
	// WRITE_ONCE and plain accesses an lvalue.
	ptrArg := prim == "smp_load_acquire" || prim == "smp_store_release"
	if ptrArg && (f.Prim == "READ_ONCE" || f.Prim == "WRITE_ONCE" || f.Prim == "") && len(args) > 0 {
		args[0] = deref(args[0])
	}
	if f.Prim == "" && !f.None {
		switch len(args) {
		case 1:
			return args[0]
		case 2:
			return args[0] + " = " + args[1]
		}
	}
	return f.Prim + "(" + strings.Join(args, ", ") + ")"
}

// splitArgs splits a call's arguments at the commas outside parentheses
// and brackets, trimming each.
func splitArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if strings.TrimSpace(s) != "" {
		out = append(out, strings.TrimSpace(s[start:]))
	}
	return out
}

// deref turns a pointer expression into the lvalue it points to: "&x" is
// "x", "p" is "*p", "a + 1" is "*(a + 1)".
func deref(e string) string {
	if rest, ok := strings.CutPrefix(e, "&"); ok && simple(rest) {
		return rest
	}
	if simple(e) {
		return "*" + e
	}
	return "*(" + e + ")"
}

// simple reports whether e is a name, a field or element access of one,
// that needs no parentheses under a unary operator.
func simple(e string) bool {
	if e == "" {
		return false
	}
	for _, c := range e {
		if !(c == '_' || c == '.' || c == '[' || c == ']' || c == '>' || c == '-' && strings.Contains(e, "->") ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
