package litmus

// attr: GCC's attributes, __attribute__((...)) and the kernel's macros
// for them (include/linux/compiler_attributes.h, compiler_types.h,
// cache.h, init.h), which kernel code is full of.
//
// The preprocessor takes them out of the token stream (preproc.next),
// wherever they are, so that the parser never sees them: after a struct
// body, after a declarator, before or after a function's declaration, on
// a parameter or a local, and as a statement ("__attribute__((__fallthrough__));"
// and the kernel's "fallthrough;" leave ";", an empty statement). An
// attribute is accepted when it means nothing to mmcheck (unused,
// noinline, section(".x"), format(printf, 1, 2), ...: compile-time
// checks, code placement and linkage), refused by name when it would
// change what the code means and mmcheck does not model it (packed,
// cleanup, vector_size, mode, and any attribute it does not know), and
// aligned(N) is recorded: the parser gives it to the struct or field it
// belongs to, and sizeof lays structs out with it (sizeof.go).
//
// The kernel's macros are built in as words of this file, not as
// macros of the preprocessor's table: a file's own #define of one of
// these names is a macro like any other and is expanded before the word
// gets here, so it wins, and "#ifndef __maybe_unused" before such a
// #define, as old files have it, still works.

import (
	"fmt"

	"mmcheck/model"
)

// cacheLineBytes is SMP_CACHE_BYTES (L1_CACHE_BYTES) on x86-64 and
// arm64; ____cacheline_aligned aligns to it.
const cacheLineBytes = 64

// biggestAlignment is __BIGGEST_ALIGNMENT__ on x86-64 and arm64, the
// alignment of "aligned" without an argument.
const biggestAlignment = 16

// A kernelAttr is one of the kernel's attribute macros: the GCC
// attribute it stands for, with an argument (fn) or a fixed alignment.
type kernelAttr struct {
	attr  string // the GCC attribute
	fn    bool   // the macro takes an argument list, the attribute's
	align int64  // attr "aligned": the alignment, if not fn
}

// kernelAttrs are the kernel's attribute macros, as its headers define
// them (the __section__ and __cold__ of __init, for instance, all mean
// nothing here).
var kernelAttrs = map[string]kernelAttr{
	// compiler_attributes.h
	"__aligned":             {attr: "aligned", fn: true},
	"__aligned_largest":     {attr: "aligned", align: biggestAlignment},
	"__packed":              {attr: "packed"},
	"__maybe_unused":        {attr: "unused"},
	"__always_unused":       {attr: "unused"},
	"__used":                {attr: "used"},
	"__must_check":          {attr: "warn_unused_result"},
	"__noreturn":            {attr: "noreturn"},
	"__weak":                {attr: "weak"},
	"__pure":                {attr: "pure"},
	"__attribute_const__":   {attr: "const"},
	"__section":             {attr: "section", fn: true},
	"__printf":              {attr: "format", fn: true},
	"__scanf":               {attr: "format", fn: true},
	"__cold":                {attr: "cold"},
	"__hot":                 {attr: "hot"},
	"__malloc":              {attr: "malloc"},
	"__deprecated":          {attr: "deprecated"},
	"__visible":             {attr: "externally_visible"},
	"__flatten":             {attr: "flatten"},
	"__noclone":             {attr: "noclone"},
	"__nonstring":           {attr: "nonstring"},
	"__gnu_inline":          {attr: "gnu_inline"},
	"__counted_by":          {attr: "counted_by", fn: true},
	"__cleanup":             {attr: "cleanup", fn: true},
	"__mode":                {attr: "mode", fn: true},
	"fallthrough":           {attr: "fallthrough"},
	"noinline":              {attr: "noinline"},
	"notrace":               {attr: "no_instrument_function"},
	"__latent_entropy":      {attr: "latent_entropy"},
	"__randomize_layout":    {attr: "randomize_layout"},
	"__no_randomize_layout": {attr: "no_randomize_layout"},
	"__designated_init":     {attr: "designated_init"},
	// compiler_types.h
	"noinstr":               {attr: "section"},
	"__no_kcsan":            {attr: "no_sanitize"},
	"__no_sanitize_address": {attr: "no_sanitize_address"},
	"__no_profile":          {attr: "no_instrument_function"},
	"__cpuidle":             {attr: "section"},
	"__must_hold":           {attr: "context", fn: true},
	"__acquires":            {attr: "context", fn: true},
	"__releases":            {attr: "context", fn: true},
	"__ro_after_init":       {attr: "section"},
	"__always_used":         {attr: "used"},
	"__noinline_for_stack":  {attr: "noinline"},
	"noinline_for_stack":    {attr: "noinline"},
	"__nocfi":               {attr: "no_sanitize"},
	"__no_stack_protector":  {attr: "no_stack_protector"},
	"__kprobes":             {attr: "section"},
	"nokprobe_inline":       {attr: "always_inline"},
	"__noinstr_section":     {attr: "section", fn: true},
	// cache.h
	"__read_mostly":                {attr: "section"},
	"__cacheline_aligned":          {attr: "aligned", align: cacheLineBytes},
	"__cacheline_aligned_in_smp":   {attr: "aligned", align: cacheLineBytes},
	"____cacheline_aligned":        {attr: "aligned", align: cacheLineBytes},
	"____cacheline_aligned_in_smp": {attr: "aligned", align: cacheLineBytes},
	"__page_aligned_data":          {attr: "aligned", align: 4096},
	"__page_aligned_bss":           {attr: "aligned", align: 4096},
	// init.h
	"__init":      {attr: "section"},
	"__exit":      {attr: "section"},
	"__initdata":  {attr: "section"},
	"__exitdata":  {attr: "section"},
	"__initconst": {attr: "section"},
	"__refdata":   {attr: "section"},
	"__ref":       {attr: "section"},
	"__meminit":   {attr: "section"},
	"__head":      {attr: "section"},
}

// gnuAttrs are the attributes of GCC that mean nothing to mmcheck: they
// ask for compile-time checks, place code or data, or are hints. The
// names are without the __x__ spelling, which is also accepted.
var gnuAttrs = map[string]bool{
	"unused": true, "used": true, "always_inline": true, "noinline": true, "cold": true, "hot": true,
	"noreturn": true, "maybe_unused": true, "section": true, "weak": true, "visibility": true,
	"format": true, "format_arg": true, "nonnull": true, "returns_nonnull": true,
	"warn_unused_result": true, "pure": true, "const": true, "deprecated": true, "unavailable": true,
	"fallthrough": true, "no_instrument_function": true, "externally_visible": true,
	"gnu_inline": true, "artificial": true, "flatten": true, "noclone": true, "noipa": true,
	"no_sanitize": true, "no_sanitize_address": true, "no_sanitize_undefined": true,
	"no_sanitize_coverage": true, "no_stack_protector": true, "no_profile_instrument_function": true,
	"malloc": true, "alloc_size": true, "alloc_align": true, "assume_aligned": true,
	"leaf": true, "nothrow": true, "latent_entropy": true, "designated_init": true,
	"randomize_layout": true, "no_randomize_layout": true, "nonstring": true, "counted_by": true,
	"access": true, "no_reorder": true, "retain": true, "context": true, "optimize": true,
	"error": true, "warning": true, "copy": true, "noplt": true, "uninitialized": true,
}

// refusedAttrs are GCC attributes that change what code means, which
// mmcheck does not model.
var refusedAttrs = map[string]string{
	"packed":                   "the packed attribute is not supported",
	"cleanup":                  "the cleanup attribute is not supported",
	"vector_size":              "the vector_size attribute is not supported",
	"mode":                     "the mode attribute is not supported",
	"transparent_union":        "the transparent_union attribute is not supported",
	"may_alias":                "the may_alias attribute is not supported",
	"scalar_storage_order":     "the scalar_storage_order attribute is not supported",
	"alias":                    "the alias attribute is not supported",
	"weakref":                  "the weakref attribute is not supported",
	"ifunc":                    "the ifunc attribute is not supported",
	"constructor":              "the constructor attribute is not supported",
	"destructor":               "the destructor attribute is not supported",
	"naked":                    "the naked attribute is not supported",
	"warn_if_not_aligned":      "the warn_if_not_aligned attribute is not supported",
	"nonnull_if_nonzero":       "the nonnull_if_nonzero attribute is not supported",
	"strict_flex_array":        "the strict_flex_array attribute is not supported",
	"hardbool":                 "the hardbool attribute is not supported",
	"noinit":                   "the noinit attribute is not supported",
	"persistent":               "the persistent attribute is not supported",
	"tls_model":                "the tls_model attribute is not supported",
	"interrupt":                "the interrupt attribute is not supported",
	"zero_call_used_regs":      "the zero_call_used_regs attribute is not supported",
	"no_split_stack":           "the no_split_stack attribute is not supported",
	"returns_twice":            "the returns_twice attribute is not supported",
	"nocf_check":               "the nocf_check attribute is not supported",
	"patchable_function_entry": "the patchable_function_entry attribute is not supported",
}

// An alignAttr is an aligned attribute the preprocessor took out, for
// the parser to give to what it belongs to.
type alignAttr struct {
	pos model.Pos
	n   int64
}

// isAttr reports whether the identifier t starts an attribute.
func (pp *preproc) isAttr(t ppTok) bool {
	if t.tok != tokIdent || pp.defs.m[t.lit] != nil {
		return false
	}
	if t.lit == "__attribute__" || t.lit == "__attribute" {
		return true
	}
	_, ok := kernelAttrs[t.lit]
	return ok
}

// unread puts t back, to be the next token read.
func (pp *preproc) unread(t ppTok) {
	pp.queue = append([]ppTok{t}, pp.queue...)
}

// attribute reads the attribute that t starts, and checks it.
func (pp *preproc) attribute(t ppTok) {
	if k, ok := kernelAttrs[t.lit]; ok && t.lit != "__attribute__" && t.lit != "__attribute" {
		if !k.fn {
			if k.attr == "aligned" {
				pp.aligns = append(pp.aligns, alignAttr{t.pos, k.align})
				return
			}
			pp.checkAttr(t, k.attr, false, nil, t)
			return
		}
		open := pp.next1()
		if open.tok != "(" {
			pp.errf(open.pos, fmt.Sprintf("expected '(' after %s, found %s", t.lit, tokDesc(open)))
			pp.unread(open)
			return
		}
		args, ok := pp.balanced(t, open)
		if ok {
			pp.checkAttr(t, k.attr, true, args, open)
		}
		return
	}
	// __attribute__ "(" "(" [Attr] {"," [Attr]} ")" ")"
	for i := 0; i < 2; i++ {
		open := pp.next1()
		if open.tok != "(" {
			pp.errf(open.pos, fmt.Sprintf("expected '((' after %s, found %s", t.lit, tokDesc(open)))
			pp.unread(open)
			return
		}
	}
	for {
		a := pp.next1()
		switch {
		case a.tok == ",":
			continue
		case a.tok == ")":
			if c := pp.next1(); c.tok != ")" {
				pp.errf(c.pos, fmt.Sprintf("expected ')' to close %s((...)), found %s", t.lit, tokDesc(c)))
				pp.unread(c)
			}
			return
		case a.tok == tokIdent:
			var args []ppTok
			hasArgs := false
			open := pp.next1()
			if open.tok == "(" {
				var ok bool
				if args, ok = pp.balanced(t, open); !ok {
					return
				}
				hasArgs = true
			} else {
				pp.unread(open)
			}
			pp.checkAttr(a, a.lit, hasArgs, args, open)
			continue
		case a.tok == tokEOF:
			pp.errf(t.pos, "unterminated "+t.lit+"((...))")
			pp.unread(a)
			return
		}
		pp.errf(a.pos, "expected attribute name, found "+tokDesc(a))
		// skip to the "))" that ends it
		depth := 1
		for depth > 0 {
			b := pp.next1()
			switch b.tok {
			case "(":
				depth++
			case ")":
				depth--
			case tokEOF:
				pp.unread(b)
				return
			}
		}
		if c := pp.next1(); c.tok != ")" {
			pp.unread(c)
		}
		return
	}
}

// balanced reads the tokens after open, a '(', up to its ')', and
// returns those in between.
func (pp *preproc) balanced(at, open ppTok) ([]ppTok, bool) {
	var toks []ppTok
	depth := 1
	for {
		b := pp.next1()
		switch b.tok {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return toks, true
			}
		case tokEOF:
			pp.errf(open.pos, "unterminated argument list of "+at.lit)
			pp.unread(b)
			return nil, false
		}
		toks = append(toks, b)
	}
}

// gnuName is an attribute's name without GCC's __x__ spelling.
func gnuName(name string) string {
	if len(name) > 4 && name[:2] == "__" && name[len(name)-2:] == "__" {
		return name[2 : len(name)-2]
	}
	return name
}

// checkAttr checks the attribute name (as written at t) with its
// arguments args, if hasArgs; open is the '(' before them.
func (pp *preproc) checkAttr(t ppTok, name string, hasArgs bool, args []ppTok, open ppTok) {
	g := gnuName(name)
	if g == "aligned" {
		n := int64(biggestAlignment)
		if hasArgs {
			var ok bool
			if n, ok = pp.alignment(args, open); !ok {
				return
			}
		}
		pp.aligns = append(pp.aligns, alignAttr{t.pos, n})
		return
	}
	if msg, ok := refusedAttrs[g]; ok {
		pp.errf(t.pos, msg)
		return
	}
	if !gnuAttrs[g] {
		pp.errf(t.pos, "attribute '"+printable(name)+"' is not supported")
	}
}

// maxAlign is the largest alignment GCC takes (2^28 on ELF).
const maxAlign = 1 << 28

// alignment evaluates the argument of aligned(...), an integer constant
// expression over numbers and #defines, as #if would.
func (pp *preproc) alignment(args []ppTok, open ppTok) (int64, bool) {
	if len(args) == 0 {
		pp.errf(open.end, "expected alignment in aligned(...)")
		return 0, false
	}
	toks := pp.expand(args, true, 0)
	for _, a := range toks {
		if a.tok == tokIdent && a.lit != "true" {
			pp.errf(a.pos, "aligned(...): "+printable(a.lit)+" is not an integer constant (only numbers and #defines are)")
			return 0, false
		}
	}
	e := ifEval{pp: pp, toks: toks, at: open.end}
	v, ok := e.cond()
	if ok && e.i < len(e.toks) {
		e.errf(e.toks[e.i], "expected ')' in aligned(...), found "+tokDesc(e.toks[e.i]))
		ok = false
	}
	if !ok {
		return 0, false
	}
	if v <= 0 || v&(v-1) != 0 || v > maxAlign {
		pp.errf(args[0].pos, fmt.Sprintf("requested alignment %d is not a positive power of 2 (up to 2^28)", v))
		return 0, false
	}
	return v, true
}

// takeAlign removes the aligned attributes the preprocessor took out
// before pos, and returns the largest of them (0 if none) and where the
// first was.
func (p *parser) takeAlign(pos model.Pos) (int64, model.Pos) {
	var n int64
	var at model.Pos
	keep := p.pp.aligns[:0]
	for _, a := range p.pp.aligns {
		if a.pos.File == pos.File && a.pos.Before(pos) {
			if !at.IsValid() {
				at = a.pos
			}
			n = max(n, a.n)
			continue
		}
		keep = append(keep, a)
	}
	p.pp.aligns = keep
	return n, at
}
