package litmus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mmcheck/model"
)

// cStmtTests are the C statements and types of issue 17, item 2, as the
// lowering turns them into code.
var cStmtTests = []struct {
	name string
	src  string
	code string // listing of all threads (blanks around each line ignored)
}{
	{
		name: "likely-unlikely",
		src: `C hint
{ int x; }
P0(int *x)
{
	int r = READ_ONCE(*x);
	int v = likely(r);
	if (unlikely(r == 2))
		WRITE_ONCE(*x, v);
	v = likely(3) + unlikely(0);
}`,
		code: `
P0:
     x = &x
  0  r = load.once &x  ; READ_ONCE
  1  v = r != 0
  2  %3 = r == 2
  3  jz %3, 5
  4  store.once &x, v  ; WRITE_ONCE
  5  v = 1
  6  halt`,
	},
	{
		name: "sizeof",
		src: `C sz
struct s { char c; long l; int i; };
struct t { int a; short b; };
{ struct s obj; int arr[sizeof(struct t) / 2]; }
P0(int *x)
{
	struct s *p = &obj;
	u8 b;
	int i;
	WRITE_ONCE(*x, sizeof(char) + sizeof(short) * 10 + sizeof(int) * 100 + sizeof(long) * 1000 + sizeof(void *) * 10000);
	WRITE_ONCE(*x, sizeof(struct s) * 1000 + sizeof(struct t) * 100 + sizeof *p + sizeof b);
	WRITE_ONCE(*x, sizeof(arr) + sizeof(arr[0]) * 100 + sizeof(p->c) * 1000 + sizeof(1 + 1L) * 10000);
	WRITE_ONCE(*x, sizeof(bool) + sizeof(u16) * 10 + sizeof(atomic_t) * 100 + sizeof(unsigned long long) * 1000 + sizeof(READ_ONCE(*x)) * 10000);
	for (i = 0; i < sizeof(arr) / sizeof(arr[0]); i += 2)
		WRITE_ONCE(arr[i], i);
}`,
		code: `
P0:
     x = &x
  0  p = &obj
  1  store.once &x, 88421  ; WRITE_ONCE
  2  store.once &x, 24825  ; WRITE_ONCE
  3  store.once &x, 81416  ; WRITE_ONCE
  4  store.once &x, 48421  ; WRITE_ONCE
  5  store.once &arr[0], 0  ; WRITE_ONCE
  6  store.once &arr[2], 2  ; WRITE_ONCE
  7  i = 4
  8  halt`,
	},
	{
		name: "typedef",
		src: `C td
typedef unsigned long ulong_t;
typedef struct { int a; long b; } pair_t;
typedef struct node { int v; struct node *next; } node_t;
typedef node_t *node_ptr;
typedef int vec_t[3];
{ pair_t p = { .a = 1, .b = 2 }; node_t n1; node_t n0 = { .v = 5, .next = &n1 }; vec_t v; int x; int y; }
static ulong_t get(node_ptr q) { return READ_ONCE(q->v); }
P0(int *x, int *y)
{
	node_ptr q = &n0;
	ulong_t r = get(q) + (ulong_t)READ_ONCE(p.b);
	WRITE_ONCE(*x, r);
	WRITE_ONCE(v[2], sizeof(pair_t) * 100 + sizeof(vec_t) + sizeof(node_ptr) * 1000);
	WRITE_ONCE(q->next->v, 9);
}
forall (x=7 /\ v[2]=9612 /\ n1.v=9)`,
		code: `
P0:
     x = &x
     y = &y
  0  q = &n0
  1  %4 = load.once &n0  ; READ_ONCE
  2  %5 = load.once &p.b  ; READ_ONCE
  3  r = %4 + %5
  4  store.once &x, r  ; WRITE_ONCE
  5  store.once &v[2], 9612  ; WRITE_ONCE
  6  %6 = load.plain &n0.next
  7  store.once %6, 9  ; WRITE_ONCE
  8  halt`,
	},
	{
		name: "switch",
		src: `C sw
{ int x; int y; int z; }
P0(int *x, int *y, int *z)
{
	int r = READ_ONCE(*x);
	int v = 0;
	int i;

	switch (r) {
	case 0:
		v = 10;
		break;
	case 1:
		v = 20;
	case 2:
		v += 1;
		break;
	default:
		v = 99;
	}
	WRITE_ONCE(*y, v);
	for (i = 0; i < 3; i++) {
		switch (i) {
		case 1:
			continue;
		default:
			break;
		}
		WRITE_ONCE(*z, READ_ONCE(*z) + 1);
	}
}
P1(int *x)
{
	WRITE_ONCE(*x, 1);
}
forall ((0:r=0 /\ y=10 \/ 0:r=1 /\ y=21) /\ z=2)`,
		code: `
P0:
     x = &x
     y = &y
     z = &z
  0  r = load.once &x  ; READ_ONCE
  1  v = 0
  2  %6 = r == 0
  3  jnz %6, 9
  4  %7 = r == 1
  5  jnz %7, 11
  6  %8 = r == 2
  7  jnz %8, 12
  8  jmp 14
  9  v = 10
 10  jmp 15
 11  v = 20
 12  v = v + 1
 13  jmp 15
 14  v = 99
 15  store.once &y, v  ; WRITE_ONCE
 16  i = 0
 17  %9 = load.once &z  ; READ_ONCE
 18  %10 = %9 + 1
 19  store.once &z, %10  ; WRITE_ONCE
 20  i = 1
 21  jmp 25
 22  %11 = load.once &z  ; READ_ONCE
 23  %12 = %11 + 1
 24  store.once &z, %12  ; WRITE_ONCE
 25  i = 2
 26  %13 = load.once &z  ; READ_ONCE
 27  %14 = %13 + 1
 28  store.once &z, %14  ; WRITE_ONCE
 29  i = 3
 30  halt
P1:
     x = &x
  0  store.once &x, 1  ; WRITE_ONCE
  1  halt`,
	},
	{
		name: "goto",
		src: `C gt
{ int x; int y; }
P0(int *x, int *y)
{
	int n = 0;
	int r;

again:
	r = READ_ONCE(*x);
	if (r == 0) {
		n++;
		goto again;
	}
	if (n > 100)
		goto out;
	WRITE_ONCE(*y, n);
out:
	;
}
P1(int *x)
{
	WRITE_ONCE(*x, 1);
}
exists (y=2)`,
		code: `
P0:
     x = &x
     y = &y
  0  n = 0
  1  %4 = 0
  2  r = load.once &x  ; READ_ONCE
  3  jnz r, 7
  4  n = n + 1
  5  loopiter %4
  6  jmp 2
  7  %5 = n > 100
  8  jnz %5, 10
  9  store.once &y, n  ; WRITE_ONCE
 10  halt
P1:
     x = &x
  0  store.once &x, 1  ; WRITE_ONCE
  1  halt`,
	},
	{
		name: "goto-spin",
		src: `C spin
{ int x; int y; }
P0(int *x, int *y)
{
	int r;

retry:
	r = READ_ONCE(*x);
	if (!r)
		goto retry;
	WRITE_ONCE(*y, r);
}
P1(int *x)
{
	WRITE_ONCE(*x, 1);
}
forall (y=1)`,
		code: `
P0:
     x = &x
     y = &y
  0  await
  1  r = load.once &x  ; READ_ONCE
  2  %3 = !r
  3  awaitend %3
  4  store.once &y, r  ; WRITE_ONCE
  5  halt
P1:
     x = &x
  0  store.once &x, 1  ; WRITE_ONCE
  1  halt`,
	},
	{
		name: "bool",
		src: `C booltest
{ int x = 5; bool b0 = 7; int y; int z; int w; }
static bool nonzero(int v) { return v; }
P0(int *x, int *y, int *z, int *w)
{
	bool b = READ_ONCE(*x);
	_Bool c;
	int n = (bool)READ_ONCE(*x) + nonzero(READ_ONCE(*x));

	c = READ_ONCE(*x) + 1;
	c += 4;
	WRITE_ONCE(*y, b * 100 + c * 10 + n);
	WRITE_ONCE(*z, b0);
	WRITE_ONCE(*w, true + false + (bool)0);
}
forall (y=112 /\ z=1 /\ w=1)`,
		code: `
P0:
     x = &x
     y = &y
     z = &z
     w = &w
  0  b = load.once &x  ; READ_ONCE
  1  b = b != 0
  2  %7 = load.once &x  ; READ_ONCE
  3  %8 = %7 != 0
  4  %9 = load.once &x  ; READ_ONCE
  5  %10 = %9 != 0
  6  n = %8 + %10
  7  %11 = load.once &x  ; READ_ONCE
  8  c = %11 + 1
  9  c = c != 0
 10  c = c + 4
 11  c = c != 0
 12  %12 = b * 100
 13  %13 = c * 10
 14  %14 = %12 + %13
 15  %15 = %14 + n
 16  store.once &y, %15  ; WRITE_ONCE
 17  %16 = load.plain &b0
 18  store.once &z, %16  ; WRITE_ONCE
 19  store.once &w, 1  ; WRITE_ONCE
 20  halt`,
	},
	{
		// the break would be the do-while's: the goto stays a goto
		name: "goto-break",
		src: `C esc
{ int x; int y; }
P0(int *x, int *y)
{
	int r;
	int i;

	for (i = 0; i < 2; i++) {
	L:
		r = READ_ONCE(*x);
		if (r == 1)
			break;
		if (!r)
			goto L;
	}
	WRITE_ONCE(*y, i + 1);
}
P1(int *x)
{
	WRITE_ONCE(*x, 1);
}
forall (y=1)`,
		code: `
P0:
     x = &x
     y = &y
  0  i = 0
  1  %4 = 0
  2  r = load.once &x  ; READ_ONCE
  3  %5 = r == 1
  4  jnz %5, 17
  5  jnz r, 8
  6  loopiter %4
  7  jmp 2
  8  i = 1
  9  %6 = 0
 10  r = load.once &x  ; READ_ONCE
 11  %7 = r == 1
 12  jnz %7, 17
 13  jnz r, 16
 14  loopiter %6
 15  jmp 10
 16  i = 2
 17  %8 = i + 1
 18  store.once &y, %8  ; WRITE_ONCE
 19  halt
P1:
     x = &x
  0  store.once &x, 1  ; WRITE_ONCE
  1  halt`,
	},
	{
		name: "case-range",
		src: `C rng
{ int x; int y; }
P0(int *x, int *y)
{
	int r = READ_ONCE(*x);
	int v;

	switch (r) {
	case 0 ... 2:
		v = 10;
		break;
	case 3:
		v = 30;
		break;
	default:
		v = 99;
	}
	WRITE_ONCE(*y, v);
}
P1(int *x)
{
	WRITE_ONCE(*x, 2);
}
forall (0:r=0 /\ y=10 \/ 0:r=2 /\ y=10)`,
		code: `
P0:
     x = &x
     y = &y
  0  r = load.once &x  ; READ_ONCE
  1  %4 = r >= 0
  2  %5 = r <= 2
  3  %4 = %4 & %5
  4  jnz %4, 8
  5  %6 = r == 3
  6  jnz %6, 10
  7  jmp 12
  8  v = 10
  9  jmp 13
 10  v = 30
 11  jmp 13
 12  v = 99
 13  store.once &y, v  ; WRITE_ONCE
 14  halt
P1:
     x = &x
  0  store.once &x, 2  ; WRITE_ONCE
  1  halt`,
	},
	{
		// a case label inside a block of the switch's body
		name: "case-in-block",
		src: `C duff
{ int x; int y; int z; }
P0(int *x, int *y, int *z)
{
	int r = READ_ONCE(*x);
	int v = 0;

	switch (r) {
	case 0:
		if (READ_ONCE(*z)) {
			v = 1;
	case 1:
			v += 10;
		}
		break;
	default:
		v = 99;
	}
	WRITE_ONCE(*y, v);
}
P1(int *x)
{
	WRITE_ONCE(*x, 1);
}
forall (0:r=0 /\ y=0 \/ 0:r=1 /\ y=10)`,
		code: `
P0:
     x = &x
     y = &y
     z = &z
  0  r = load.once &x  ; READ_ONCE
  1  v = 0
  2  %5 = r == 0
  3  jnz %5, 7
  4  %6 = r == 1
  5  jnz %6, 10
  6  jmp 12
  7  %7 = load.once &z  ; READ_ONCE
  8  jz %7, 13
  9  v = 1
 10  v = v + 10
 11  jmp 13
 12  v = 99
 13  store.once &y, v  ; WRITE_ONCE
 14  halt
P1:
     x = &x
  0  store.once &x, 1  ; WRITE_ONCE
  1  halt`,
	},
}

// cStmtErrors are the errors of the constructs of cStmtTests.
var cStmtErrors = []struct {
	name string
	src  string // a process body, or a whole file if it starts with "C "
	err  string // the errors, one a line
}{
	{"sizeof-undefined-struct", "WRITE_ONCE(*x, sizeof(struct nope));", "test.lit:6:23: undefined: struct nope"},
	{"sizeof-void-call", "WRITE_ONCE(*x, sizeof(f()));", "test.lit:6:23: f() (no value) used as value"},
	{"sizeof-srcu", "WRITE_ONCE(*x, sizeof(struct srcu_struct));", "test.lit:6:16: sizeof(struct srcu_struct) is not known (its layout is the kernel's)"},
	{"typedef-redeclared", "C e\ntypedef int a_t;\ntypedef long a_t;\nP0(void)\n{\n}\n", "test.lit:3:14: typedef a_t redeclared; previous declaration at test.lit:2:13"},
	{"typedef-struct-redeclared", "C e\nstruct s { int a; };\ntypedef struct s { int b; } s_t;\nP0(void)\n{\n}\n", "test.lit:3:16: struct s redeclared; previous declaration at test.lit:2:8"},
	{"typedef-anon-local", "C e\ntypedef struct { int a; } pair_t;\nP0(void)\n{\n\tpair_t p;\n}\n", "test.lit:5:9: local p: locals of type pair_t are not supported (declare it in the init block)"},
	{"typedef-in-function", "typedef int a_t;", "test.lit:6:1: typedef inside a function is not supported yet (declare the type at the top level)"},
	{"typedef-no-type", "C e\ntypedef 3 x;\n", "test.lit:2:9: expected type, found 3"},
	{"switch-goto", `C e
{ int x; }
static void h(void) { goto nowhere; }
P0(int *x)
{
	int r = READ_ONCE(*x);
	case 1: r = 2;
	switch (r) {
	case 1:
	case 1:
		break;
	default:
	default:
	case r:
		{ case 7: ; }
	}
L:
L:
	if (0) { M: r = 3; }
	goto M;
	goto L;
}
`, `test.lit:3:28: label nowhere not defined
test.lit:7:2: case label not within a switch statement
test.lit:10:7: duplicate case 1 in switch; previous case at test.lit:9:2
test.lit:13:2: multiple defaults in switch; previous default at test.lit:12:2
test.lit:14:7: case value r is not a constant
test.lit:18:1: label L redefined; previous definition at test.lit:17:1
test.lit:20:2: goto M: a label in code dropped as dead (under a constant false condition) is not supported yet`},
	{"goto-into-dead-code", "goto M;\nif (0) {\nM:\n\tWRITE_ONCE(*x, 2);\n}", "test.lit:6:1: goto M: a label in code dropped as dead (under a constant false condition) is not supported yet"},
	{"case-in-loop", "switch (*x) { case 0: for (;;) { case 1: break; } }", "test.lit:6:34: case label inside a loop in the body of its switch is not supported yet"},
	{"case-in-dead-code", "switch (*x) { case 0: if (0) { case 1: ; } }", "test.lit:6:32: case label in code dropped as dead (under a constant false condition) is not supported yet"},
	{"break-outside", "break;", "test.lit:6:1: break is not in a loop or switch"},
	{"continue-in-switch", "switch (*x) { case 1: continue; }", "test.lit:6:23: continue is not in a loop"},
	{"default-outside", "default: ;", "test.lit:6:1: default label not within a switch statement"},
	{"case-range-empty", "switch (*x) { case 3 ... 1: ; }", "test.lit:6:20: empty case range 3 ... 1"},
	{"case-range-overlap", "switch (*x) {\ncase 0 ... 4: ;\ncase 4 ... 6: ;\ncase 2: ;\n}",
		"test.lit:8:6: duplicate case 4 ... 6 in switch; previous case at test.lit:7:1\n" +
			"test.lit:9:6: duplicate case 2 in switch; previous case at test.lit:7:1"},
}

func TestCStmtErrors(t *testing.T) {
	for _, tt := range cStmtErrors {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if !strings.HasPrefix(src, "C ") {
				src = "C err\n{ int x; }\nstatic void f(void) { }\nP0(int *x)\n{\n" + src + "\n}\n"
			}
			_, err := Config{AllErrors: true}.Load("test.lit", []byte(src))
			var lines []string
			if err != nil {
				for _, e := range err.(model.ErrorList) {
					lines = append(lines, e.Error())
				}
			}
			got := strings.Join(lines, "\n")
			if got != tt.err {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.err)
			}
		})
	}
}

func TestCStmts(t *testing.T) {
	for _, tt := range cStmtTests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustLoad(t, tt.src)
			got, want := normListing(threadsString(p)), normListing(tt.code)
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			for _, th := range p.Threads {
				checkThread(t, p, th)
			}
			formatRoundTrip(t, "test.lit", tt.src)
		})
	}
}

// TestTypedefInclude: the typedefs of a header, and of the headers it
// includes, are type names in the including file after the #include.
func TestTypedefInclude(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"inner.h": "typedef struct { int n; } counter_t;\n",
		"outer.h": "#include \"inner.h\"\ntypedef counter_t *counter_p;\n",
		"main.lit": "C inc\n#include \"outer.h\"\n{ counter_t c = { .n = 3 }; }\n" +
			"P0(void)\n{\n\tcounter_p p = &c;\n\tWRITE_ONCE(p->n, (counter_t *)p == &c);\n}\nforall (c.n=1)\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := LoadFile(filepath.Join(dir, "main.lit"))
	if err != nil {
		t.Fatal(err)
	}
	want := "P0:\n0  p = &c\n1  store.once &c, 1  ; WRITE_ONCE\n2  halt"
	if got := normListing(threadsString(p)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
