package litmus

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"mmcheck/model"
)

// loadAlloc returns how many bytes Load allocates on src: a measure of
// its work that does not depend on the machine or its load.
func loadAlloc(src []byte) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	Load("linear.lit", src)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLinear checks that the front end's work grows linearly with its
// input: doubling the size of each kind of input at most about doubles
// the bytes Load allocates (the ratio would be 4 for quadratic work, and
// far more for exponential).
func TestLinear(t *testing.T) {
	rep := strings.Repeat
	name := "b" + rep("_long_name", 10)
	long := "\tint " + name + ";\n"
	lines := func(n int, format string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, format, i)
		}
		return b.String()
	}
	for _, tt := range []struct {
		name string
		n    int // the smaller size
		src  func(n int) []byte
	}{
		// Each instruction has its node's source text: a chain's nodes
		// each span most of it (long names make the text count).
		{"sum chain", 400, func(n int) []byte { return proc(long + "\tr1 = r1" + rep(" + "+name, n) + ";\n") }},
		{"ternary chain", 400, func(n int) []byte { return proc(long + "\tr1 = " + rep("a ? "+name+" : ", n) + "1;\n") }},
		{"and chain", 400, func(n int) []byte { return proc(long + "\tr1 = a" + rep(" && "+name, n) + ";\n") }},
		// Each declaration with a constant initialiser asked whether the
		// rest of its block assigns the variable.
		{"declarations", 2000, func(n int) []byte { return proc(lines(n, "\tint q%[1]d = %[1]d;\n") + "\tr1 = q0;\n") }},
		// Each parameter asked whether the body assigns it.
		{"parameters", 1000, func(n int) []byte {
			return []byte("C params\n{}\nP0(" + strings.TrimSuffix(lines(n, "int *x%d, "), ", ") + ")\n{\n" +
				lines(n, "\tWRITE_ONCE(*x%[1]d, %[1]d);\n") + "}\n")
		}},
		{"helper parameters", 1000, func(n int) []byte {
			return []byte("C params\nstatic void f(" + strings.TrimSuffix(lines(n, "int a%d, "), ", ") + ")\n{\n" +
				lines(n, "\tWRITE_ONCE(*(int *)a%[1]d, %[1]d);\n") + "}\n{}\nP0(int *x)\n{\n\tf(" + strings.TrimSuffix(rep("x, ", n), ", ") + ");\n}\n")
		}},
		// A spin loop is tried as an await first, and lowered again as a
		// loop if it is not one: each loop around a loop doubled its work.
		{"nested while loops", 8, func(n int) []byte { return proc("\t" + rep("while (a) { ", n) + "r1 = 1;" + rep(" }", n) + "\n") }},
		{"nested do-while loops", 8, func(n int) []byte {
			return proc("\t" + rep("do { ", n) + "r1 = READ_ONCE(*x);" + rep(" } while (a);", n) + "\n")
		}},
		{"nested for loops", 8, func(n int) []byte {
			return proc("\t" + rep("for (;;) { if (READ_ONCE(*x)) break; ", n) + "r1 = 1;" + rep(" }", n) + "\n")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			small, large := tt.src(tt.n), tt.src(2*tt.n)
			a, b := loadAlloc(small), loadAlloc(large)
			t.Logf("%d bytes of input: %d bytes allocated; %d: %d (x%.2f)", len(small), a, len(large), b, float64(b)/float64(a))
			if float64(b) > 3*float64(a) {
				t.Errorf("twice the input (%d bytes rather than %d) takes %.1f times the memory (%d bytes rather than %d)",
					len(large), len(small), float64(b)/float64(a), b, a)
			}
		})
	}
}

// TestLinearLarge loads large inputs whose lowering looked things up by
// scanning lists: the thread of a process and the register of a name (for
// each term of a condition or locations clause), the initial value of a
// register (for each "N:reg = v;"), the errors to drop when a herd7
// assignment declares a register, the process after each missing one, a
// local in each enclosing block; or asked again at each level of a chain
// (x == 0 == 0 ...) whether the rest is constant. The lookups allocate
// nothing, so only time tells: each input takes about a second with the
// scans (quadratic time), and some milliseconds now; the test checks the
// results.
func TestLinearLarge(t *testing.T) {
	const n = 20000
	var b strings.Builder
	b.WriteString("C procs\n{}\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "P%d(int *x)\n{\n\tint r0;\n}\n", i)
	}
	b.WriteString("locations [")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d:r0; ", i)
	}
	b.WriteString("]\n")
	p, err := Load("procs.lit", []byte(b.String()))
	if err != nil || len(p.Observed) != n {
		t.Fatalf("processes: %v", err)
	}

	b.Reset()
	b.WriteString("C regs\n{\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "0:r%d = %d;\n", i, i)
	}
	b.WriteString("}\nP0(int *x)\n{\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\tint r%d;\n", i)
	}
	b.WriteString("}\nlocations [")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "0:r%d; ", i)
	}
	b.WriteString("]\n")
	p, err = Load("regs.lit", []byte(b.String()))
	if err != nil || len(p.Observed) != n || len(p.Threads[0].Init) != n+1 {
		t.Fatalf("registers: %v", err)
	}

	b.Reset()
	b.WriteString("C herd\n{}\nP0(int *x)\n{\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\tr%d = 1;\n\tr%d = y%d;\n", i, i, i)
	}
	b.WriteString("}\n")
	_, err = Config{AllErrors: true}.Load("herd.lit", []byte(b.String()))
	if l, ok := err.(model.ErrorList); !ok || len(l) < MaxErrors || l[0].Msg != "undefined: y0" {
		t.Fatalf("herd7 registers: %v", err)
	}

	_, err = Config{AllErrors: true}.Load("gap.lit", []byte(fmt.Sprintf("C gap\n{}\nP%d(int *x)\n{\n}\n", 1<<16)))
	if err == nil || err.Error() != "gap.lit:3:1: missing processes P0 to P65535 (processes must be numbered P0, P1, ...)" {
		t.Fatalf("missing processes: %v", err)
	}

	b.Reset()
	b.WriteString("C scopes\n{}\nP0(int *x)\n{\n\tint r1;\n\t")
	b.WriteString(strings.Repeat("{ ", 900))
	b.WriteString(strings.Repeat("r1;\n", 50_000))
	b.WriteString(strings.Repeat("} ", 900))
	b.WriteString("\n}\n")
	if _, err := Load("scopes.lit", []byte(b.String())); err != nil {
		t.Fatalf("blocks: %v", err)
	}

	b.Reset()
	b.WriteString("C chains\n{}\nP0(int *x)\n{\n\tint r1;\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "\tif (READ_ONCE(*x)%s)\n\t\tr1 = %d;\n", strings.Repeat(" == 0", 900), i)
	}
	b.WriteString("}\n")
	if _, err := Load("chains.lit", []byte(b.String())); err != nil {
		t.Fatalf("chains: %v", err)
	}
}

// TestLocationNames checks that a short input cannot make the layout build
// gigabytes of location names: 2,000 locations named after a 100 KB field
// name are 200 MB of names.
func TestLocationNames(t *testing.T) {
	src := []byte("C names\nstruct s { int " + strings.Repeat("f", 100_000) + "; };\n{\n\tstruct s v[2000];\n}\nP0(int *x)\n{\n}\n")
	_, err := Load("names.lit", src)
	if err == nil || err.Error() != "names.lit:4:11: memory locations' names too long (more than 64 MiB in all)" {
		t.Errorf("got %v", err)
	}
	if n := loadAlloc(src); n > 20*uint64(len(src))+(10<<20) {
		t.Errorf("%d bytes of input: %d bytes allocated", len(src), n)
	}
}

// TestLoweringWork checks the bound on the work of lowering that does not
// show in the code: a helper calling another twice, 30 deep, is 2^30
// inlined calls of an empty body; dead code in each copy of loops
// unrolled 64 times, 5 deep, is 64^5 statements checked and dropped.
func TestLoweringWork(t *testing.T) {
	var b strings.Builder
	b.WriteString("C inline\nstatic void f30(void) { }\n")
	for i := 29; i >= 0; i-- {
		fmt.Fprintf(&b, "static void f%d(void) { f%d(); f%d(); }\n", i, i+1, i+1)
	}
	b.WriteString("{}\nP0(int *x)\n{\n\tf0();\n}\n")
	inline := []byte(b.String())

	body := "WRITE_ONCE(*x, 1);"
	for _, v := range []string{"m", "l", "k", "j", "i"} {
		body = fmt.Sprintf("for (int %s = 0; %s < 64; %s++) { if (%s > 1000) { %s } }", v, v, v, v, body)
	}
	dead := []byte("C dead\n{}\nP0(int *x)\n{\n\t" + body + "\n}\n")

	for _, src := range [][]byte{inline, dead} {
		_, err := Load("work.lit", src)
		if err == nil || !strings.Contains(err.Error(), "program too large to lower (more than") {
			t.Errorf("got %v", err)
		}
	}
}
