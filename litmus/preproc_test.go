package litmus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mmcheck/model"
)

// ppProgram is a file around a preamble of directives: x starts as V.
func ppProgram(preamble string) string {
	return "C pp\n" + preamble + "{ int x = V; int y; }\nP0(int *x, int *y)\n{\n\tWRITE_ONCE(*y, 1);\n}\n"
}

// ppValues are preambles and the value they give V.
var ppValues = []struct {
	name, src string
	want      int64
}{
	{"ifdef taken", "#define A\n#ifdef A\n#define V 1\n#else\n#define V 2\n#endif\n", 1},
	{"ifdef not taken", "#ifdef A\n#define V 1\n#else\n#define V 2\n#endif\n", 2},
	{"ifndef default", "#ifndef V\n#define V 7\n#endif\n", 7},
	{"ifndef defined before", "#define V 3\n#ifndef V\n#define V 7\n#endif\n", 3},
	{"if expression", "#define A 2\n#if A * 2 == 4 && defined(A) && !defined B\n#define V 1\n#else\n#define V 2\n#endif\n", 1},
	{"if precedence", "#if 1 + 2 * 3 == 7 && (1 << 4 | 1) == 17 && -1 < 0 && (0 ? 0 : 5) == 5 && 7 % 4 == 3\n#define V 1\n#endif\n", 1},
	{"if unknown name is 0", "#if NOPE\n#define V 1\n#else\n#define V 2\n#endif\n", 2},
	{"if macro of macros", "#define A B\n#define B 3\n#if A == 3\n#define V 1\n#endif\n", 1},
	{"if function-like macro", "#define TWICE(a) ((a) * 2)\n#if TWICE(3) == 6\n#define V 1\n#endif\n", 1},
	{"elif chain", "#define S 3\n#if S == 1\n#define V 10\n#elif S == 2\n#define V 20\n#elif S == 3\n#define V 30\n#else\n#define V 40\n#endif\n", 30},
	{"elif after a taken group", "#if 1\n#define V 10\n#elif 1\n#define V 20\n#else\n#define V 30\n#endif\n", 10},
	{"else after elifs", "#if 0\n#define V 10\n#elif 0\n#define V 20\n#else\n#define V 30\n#endif\n", 30},
	{"nested in a skipped group", "#if 0\n#if 1\n#define V 1\n#else\n#define V 2\n#endif\n#define V 3\n#else\n#define V 4\n#endif\n", 4},
	{"nested in a taken group", "#if 1\n#ifdef NOPE\n#define V 1\n#elif 1\n#ifndef NOPE\n#define V 2\n#endif\n#endif\n#endif\n", 2},
	{"skipped lines may hold anything", "#if 0\n@@@ \"unterminated\n'x\n0x123456789012345678901234\n/* #endif */ é\n#bogus directive\n#endif\n#define V 5\n", 5},
	{"undef", "#define A\n#undef A\n#ifdef A\n#define V 1\n#else\n#define V 2\n#endif\n", 2},
	{"undef function-like, redefined", "#define F(a) 1\n#undef F\n#define F(a) (a + 1)\n#define V F(4)\n", 5},
	{"undef unknown", "#undef NOPE\n#define V 1\n", 1},
	{"kernel headers", "#include <linux/atomic.h>\n#include <asm/barrier.h>\n#define V 1\n", 1},
	{"empty macro in code", "#define __rcu\n#define V __rcu 8 __rcu\n", 8},
	{"function-like", "#define ADD(a, b) ((a) + (b))\n#define V ADD(2, ADD(3, 4))\n", 9},
	{"no parameters", "#define ONE() 1\n#define V ONE() + ONE( )\n", 2},
	{"arguments with commas in parentheses", "#define FIRST(a, b) a\n#define ADD(a, b) ((a) + (b))\n#define V FIRST(ADD(1, 1), 3)\n", 2},
	{"macro defined after the macro using it", "#define G(a) H(a)\n#define H(a) (a * 10)\n#define V G(2)\n", 20},
	{"argument expanded first", "#define ID(a) a\n#define SQ(a) ((a) * (a))\n#define V SQ(ID(3))\n", 9},
	{"parameter shadows a macro", "#define a 100\n#define F(a) (a + 1)\n#define V F(1)\n", 2},
	{"identical redefinition", "#define F(a) (a)\n#define F(a) (a)\n#define V F(3)\n", 3},
	{"line continuation", "#define F(a, \\\n\t  b) \\\n\t((a) - \\\n\t (b))\n#define V F(9, 2)\n", 7},
	{"name without call", "#define F(a) a\n#define V 4\n", 4},
	{"name at the end of an expansion, called after it", "#define ADD1(x) (x + 1)\n#define PICK() ADD1\n#define V PICK()(2) + PICK() (3)\n", 7},
	{"variadic", "#define MUL(x, y) ((x) * (y))\n#define SUM(a, ...) (a + MUL(__VA_ARGS__))\n#define V SUM(1, 2, 3) + SUM(4, 5, 1)\n", 16},
	{"variadic, none", "#define FIRST(a, ...) a __VA_ARGS__\n#define V FIRST(6) + FIRST(1,)\n", 7},
	{"variadic, named", "#define MUL(x, y) ((x) * (y))\n#define LAST(a, rest...) MUL(rest)\n#define V LAST(1, 2, 3)\n", 6},
	{"variadic only", "#define ID(...) __VA_ARGS__\n#define V ID(1 + 1)\n", 2},
	{"object-like macro for code", "#define V ATOMIC_INIT(3)\n", 3},
	{"object-like macro for code, undefined and redefined", "#define W ATOMIC_INIT(1)\n#undef W\n#define W ATOMIC_INIT(4)\n#define V W\n", 4},
	{"primitives are defined", "#if defined(READ_ONCE) && defined smp_mb\n#ifndef atomic_dec_and_test\n#define atomic_dec_and_test(v) 0\n#endif\n#define V 1\n#endif\n", 1},
	{"constant undefined and redefined", "#define W 1\n#if W == 1\n#undef W\n#define W 2\n#endif\n#if W == 2\n#define V (W * 10)\n#endif\n", 20},
	{"constant undefined, then ifdef", "#define W 1\n#undef W\n#ifdef W\n#define V 1\n#else\n#define V 2\n#endif\n", 2},
	{"paste numbers", "#define CAT(a, b) a ## b\n#define V CAT(1, 2)\n", 12},
	{"paste names", "#define N12 7\n#define CAT(a, b) a##b\n#define V CAT(N, 12)\n", 7},
	{"paste an empty argument", "#define CAT(a, b) a ## b\n#define V CAT(, 5) + CAT(6, )\n", 11},
	{"paste then call", "#define ADD1(x) (x + 1)\n#define CALL(n, x) ADD ## n(x)\n#define V CALL(1, 4)\n", 5},
	{"paste in an object-like macro", "#define X 1 ## 0\n#define V X\n", 10},
	{"paste three", "#define CAT3(a, b, c) a ## b ## c\n#define V CAT3(1, , 3)\n", 13},
}

// TestPreprocValues checks each directive by the value it gives V.
func TestPreprocValues(t *testing.T) {
	for _, tt := range ppValues {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load("pp.lit", []byte(ppProgram(tt.src)))
			if err != nil {
				t.Fatal(err)
			}
			if p.Init[0] != tt.want {
				t.Errorf("x = %d, want %d", p.Init[0], tt.want)
			}
		})
	}
}

// ppErrors are preambles and the first error they give.
var ppErrors = []struct{ name, src, want string }{
	{"endif without if", "#define V 1\n#endif\n", "pp.lit:3:1: #endif without #if"},
	{"else without if", "#define V 1\n  #else\n", "pp.lit:3:3: #else without #if"},
	{"elif without if", "#define V 1\n#elif 1\n", "pp.lit:3:1: #elif without #if"},
	{"missing endif", "#define V 1\n#ifdef V\n", "pp.lit:9:1: missing #endif for #ifdef at pp.lit:3:1"},
	{"missing endif, skipped", "#define V 1\n#if 0\n#if 1\n#endif\n", "pp.lit:11:1: missing #endif for #if at pp.lit:3:1"},
	{"else after else", "#define V 1\n#if 1\n#else\n#else\n#endif\n", "pp.lit:5:1: #else after #else at pp.lit:3:1"},
	{"else after else, skipped", "#define V 1\n#if 0\n#else\n#else\n#endif\n", "pp.lit:5:1: #else after #else at pp.lit:3:1"},
	{"elif after else", "#define V 1\n#if 1\n#else\n#elif 1\n#endif\n", "pp.lit:5:1: #elif after #else at pp.lit:3:1"},
	{"endif with more", "#define V 1\n#if 1\n#endif V\n", "pp.lit:4:8: expected end of line after #endif, found V"},
	{"ifdef without name", "#define V 1\n#ifdef\n#endif\n", "pp.lit:3:7: expected macro name after #ifdef"},
	{"ifdef with more", "#define V 1\n#ifdef V W\n#endif\n", "pp.lit:3:10: expected end of line after #ifdef V, found W"},
	{"if without expression", "#define V 1\n#if\n#endif\n", "pp.lit:3:4: expected expression after #if"},
	{"if incomplete", "#define V 1\n#if 1 +\n#endif\n", "pp.lit:3:8: expected expression in #if, found newline"},
	{"if unbalanced", "#define V 1\n#if (1\n#endif\n", "pp.lit:3:7: expected ')' in #if, found newline"},
	{"if trailing", "#define V 1\n#if 1 2\n#endif\n", "pp.lit:3:7: expected end of line in #if, found 2"},
	{"if division by zero", "#define V 1\n#if 1 / 0\n#endif\n", "pp.lit:3:7: division by zero in #if"},
	{"if bad defined", "#define V 1\n#if defined(\n#endif\n", "pp.lit:3:5: expected defined(NAME) or defined NAME"},
	{"elif error", "#define V 1\n#if 0\n#elif )\n#endif\n", "pp.lit:4:7: expected expression in #if, found ')'"},
	{"undef without name", "#define V 1\n#undef\n", "pp.lit:3:7: expected macro name after #undef"},
	{"use of a constant after its undef", "#define V 1\n#undef V\n", "pp.lit:4:11: use of V after its #undef at pp.lit:3:1 not supported yet (it was a constant #define; #define it again, or use an #if)"},
	{"use of a constant after its undef, in a define", "#define W 1\n#undef W\n#define V (W + 1)\n", "pp.lit:4:12: use of W after its #undef at pp.lit:3:1 not supported yet (it was a constant #define; #define it again, or use an #if)"},
	{"system header", "#define V 1\n#include <stdio.h>\n", "pp.lit:3:10: #include <stdio.h>: only the kernel's <linux/...> and <asm/...> headers are accepted (what they declare is built in); use #include \"file\""},
	{"system header unterminated", "#define V 1\n#include <linux/x.h\n", "pp.lit:3:10: expected '>' after #include <linux/x.h"},
	{"redefined", "#define F(a) a\n#define F(b) b\n#define V 1\n", "pp.lit:3:9: macro F redefined; previous definition at pp.lit:2:9"},
	{"constant redefined as a macro", "#define V 1\n#define V(a) a\n", "pp.lit:3:9: macro V redefined; previous definition at pp.lit:2:9"},
	{"variadic, stringized", "#define S(...) #__VA_ARGS__\n#define V S(1,2, 3)\n", `pp.lit:4:11: string literals are not supported: "1,2, 3" (in expansion of macro V)`},
	{"primitive redefined", "#define V 1\n#define READ_ONCE(x) (x)\n", "pp.lit:3:9: cannot redefine primitive READ_ONCE"},
	{"variadic, more after", "#define F(a, ..., b) a\n#define V 1\n", "pp.lit:2:17: expected ')' after the ... of a variadic macro, found ','"},
	{"variadic, __VA_ARGS__ named", "#define F(__VA_ARGS__) 1\n#define V 1\n", "pp.lit:2:11: __VA_ARGS__ can only be the ... of a variadic macro"},
	{"variadic, too few", "#define F(a, b, ...) a\n#define V F(1)\n", "pp.lit:4:11: macro F expects 3 arguments, found 1"},
	{"dots", "#define F(a, ..) a\n#define V 1\n", "pp.lit:2:14: expected parameter name, found '.'"},
	{"stringize", "#define S(a) #a\n#define V S(x  +  \"b\\n\")\n", `pp.lit:4:11: string literals are not supported: "x + \"b\\n\"" (in expansion of macro V)`},
	{"stringize without parameter", "#define F(a) # b\n#define V 1\n", "pp.lit:2:14: '#' is not followed by a macro parameter"},
	{"stringize without parameters", "#define F # b\n#define V 1\n", "pp.lit:2:11: '#' is not followed by a macro parameter"},
	{"paste at the start", "#define F(a) ## a\n#define V 1\n", "pp.lit:2:14: '##' cannot be at either end of a macro's body"},
	{"paste at the end", "#define F(a) a ##\n#define V 1\n", "pp.lit:2:16: '##' cannot be at either end of a macro's body"},
	{"paste invalid", "#define CAT(a, b) a ## b\n#define V CAT(+, /)\n", "pp.lit:4:11: pasting + and / does not give a valid token"},
	{"paste into a comment", "#define CAT(a, b) a ## b\n#define V CAT(/, /)\n", "pp.lit:4:11: pasting / and / does not give a valid token"},
	{"bad parameter", "#define F(1) a\n#define V 1\n", "pp.lit:2:11: expected parameter name, found 1"},
	{"too few arguments", "#define F(a, b) a\n#define V F(1)\n", "pp.lit:4:11: macro F expects 2 arguments, found 1"},
	{"too many arguments", "#define F() 1\n#define V F(1)\n", "pp.lit:4:11: macro F expects 0 arguments, found 1"},
	{"unterminated call", "#define F(a) a\n#define V F(1\n", "pp.lit:4:11: unterminated argument list invoking macro F"},
	{"unterminated call in code", "#define F(a) a\n#define V 1\n#if 1\nint f(void) { return F(1; }\n#endif\n",
		"pp.lit:5:22: unterminated argument list invoking macro F"},
	{"syntax error in an expansion", "#define BAD(a) (a +)\n#define V BAD(1)\n", "pp.lit:4:11: expected expression, found ')' (in expansion of macro V)"},
	{"lowering error in an expansion", "#define G(a) G(a)\n#define V 1\nint f(void) { return G(1); }\n", "pp.lit:4:22: unknown primitive or function G (in expansion of macro G)"},
	{"too large", "#define A(x) x x x x x x x x\n#define B(x) A(A(A(A(x))))\n#define C(x) B(B(B(x)))\n#define V C(1)\n",
		"pp.lit:6:11: macro expansion too large (more than 262144 tokens)"},
	{"line numbers after a skipped group", "#if 0\n\n\n#endif\n#define V nope\n", "pp.lit:6:11: #define V: nope is not an integer constant"},
	{"directive in arguments", "#define F(a) a\n#define V 1\nint f(void) { return F(1\n#define G 2\n); }\n", "pp.lit:5:1: directive in the arguments of macro F not supported yet (only #if and the like)"},
}

// TestPreprocErrors checks the errors of the preprocessor, with their
// positions.
func TestPreprocErrors(t *testing.T) {
	for _, tt := range ppErrors {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("pp.lit", []byte(ppProgram(tt.src)))
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if got := err.(model.ErrorList)[0].Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
		})
	}
}

// TestPreprocStatementMacro checks a macro that expands to a statement:
// its instructions are at the line of the use, with its text.
func TestPreprocStatementMacro(t *testing.T) {
	src := `C stmt
#define WRITE_BOTH(a, b, v) do {	\
	WRITE_ONCE(*a, v);		\
	WRITE_ONCE(*b, v);		\
} while (0)
#ifdef NOPE
#error not this
#endif
#define my_mb smp_mb
#define SET_X WRITE_ONCE(*x, 3)

{ int x; int y; }

P0(int *x, int *y)
{
	WRITE_BOTH(x, y, 2);
	my_mb();
	SET_X;
}
`
	p, err := Load("stmt.lit", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	code := p.Threads[0].Code
	var stores []model.Instr
	for _, in := range code {
		if in.Op == model.OpStore {
			stores = append(stores, in)
		}
	}
	if len(stores) != 3 {
		t.Fatalf("%d stores, want 3: %v", len(stores), code)
	}
	if in := stores[2]; in.Pos.Line != 18 || in.Text != "SET_X" {
		t.Errorf("SET_X: %+v", in)
	}
	for i, in := range stores[:2] {
		if in.Pos.Line != 16 || in.Pos.Col != 2 || in.Text != "WRITE_BOTH(x, y, 2)" || in.Prim != "WRITE_ONCE" {
			t.Errorf("store %d: %+v", i, in)
		}
	}
	fences := 0
	for _, in := range code {
		if in.Op == model.OpFence {
			fences++
			if in.Pos.Line != 17 || in.Text != "my_mb()" {
				t.Errorf("my_mb: %+v", in)
			}
		}
	}
	if fences != 1 {
		t.Errorf("%d fences, want 1", fences)
	}
}

// TestPreprocInclude checks that a header sees the macros defined before
// its #include (a default it does not override) and the including file
// those of the header.
func TestPreprocInclude(t *testing.T) {
	dir := t.TempDir()
	header := `#ifndef SCHEME
#define SCHEME 0
#endif
#ifndef NR
#define NR 2
#endif
#define STORE_ALL(p, v) do { WRITE_ONCE(p[0], v); WRITE_ONCE(p[1], v); } while (0)
#define HAVE_STORE_ALL
#include <linux/compiler.h>
`
	main := `C inc
#define SCHEME 5
#include "defs.h"
#ifndef HAVE_STORE_ALL
#error no
#endif
{ int a[NR]; int s = SCHEME; }
P0()
{
	STORE_ALL(a, 1);
}
`
	if err := os.WriteFile(filepath.Join(dir, "defs.h"), []byte(header), 0o666); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "main.lit")
	if err := os.WriteFile(path, []byte(main), 0o666); err != nil {
		t.Fatal(err)
	}
	p, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Init) != 3 || p.Init[2] != 5 {
		t.Errorf("init %v, want [0 0 5]", p.Init)
	}
	n := 0
	for _, in := range p.Threads[0].Code {
		if in.Op == model.OpStore {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d stores, want 2", n)
	}
	// Parse and ResolveIncludes preprocess the header on its own.
	f, err := Parse(path, []byte(strings.Replace(main, "#ifndef HAVE_STORE_ALL\n#error no\n#endif\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := (Config{}).ResolveIncludes(f); err != nil {
		t.Fatal(err)
	}
	_, err = Lower(f)
	found := false
	if l, ok := err.(model.ErrorList); ok {
		for _, e := range l {
			found = found || strings.HasSuffix(e.Error(), "main.lit:7:2: unknown primitive or function STORE_ALL")
		}
	}
	if !found {
		t.Errorf("lower: %v", err)
	}
}

// TestPreprocCallAfterExpansion checks that an expansion ending with the
// name of a function-like macro is joined with the '(' after it in the
// source.
func TestPreprocCallAfterExpansion(t *testing.T) {
	src := "C call\n#define ADD1(x) (x + 1)\n#define PICK() ADD1\n{ int x = PICK()\n\t(2); }\nP0(int *x)\n{\n}\n"
	p, err := Load("call.lit", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if p.Init[0] != 3 {
		t.Errorf("x = %d, want 3", p.Init[0])
	}
}

// TestPreprocConditionalInArguments checks #if and the like in the
// arguments of a macro call in the source, which GCC allows.
func TestPreprocConditionalInArguments(t *testing.T) {
	src := "C args\n#define ADD(a, b) ((a) + (b))\n{ int x; }\nP0(int *x)\n{\n\tWRITE_ONCE(*x, ADD(1,\n#ifdef NOPE\n\t\t100\n#else\n\t\t2\n#endif\n\t));\n}\n"
	p, err := Load("args.lit", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	stores := 0
	for _, in := range p.Threads[0].Code {
		if in.Op == model.OpStore {
			stores++
			if in.B != model.Imm(3) || in.Pos.Line != 6 {
				t.Errorf("store: %+v, want 3 at line 6", in)
			}
		}
	}
	if stores != 1 {
		t.Errorf("%d stores, want 1", stores)
	}
}

// TestPreprocRedefinedConstant checks a constant #define'd again after
// its #undef: the code before sees the old value, the code after the new.
func TestPreprocRedefinedConstant(t *testing.T) {
	src := "C redef\n#define W 1\n{ int x; }\nP0(int *x)\n{\n\tWRITE_ONCE(*x, W);\n#undef W\n#define W 5\n\tWRITE_ONCE(*x, W);\n}\n"
	p, err := Load("redef.lit", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var vals []model.Arg
	for _, in := range p.Threads[0].Code {
		if in.Op == model.OpStore {
			vals = append(vals, in.B)
		}
	}
	if len(vals) != 2 || vals[0] != model.Imm(1) || vals[1] != model.Imm(5) {
		t.Errorf("stores %v, want 1 then 5", vals)
	}
}
