package litmus

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"mmcheck/model"
)

// proc wraps statements in a one-process test.
func proc(body string) []byte {
	return []byte("C deep\n{}\nP0(int *x)\n{\n\tint r1;\n\tint a;\n\tint b;\n" + body + "}\n")
}

// TestDepthLimit checks that every kind of nesting deeper than maxDepth,
// whether the parser recurses on it or loops (left-associative chains),
// is refused with a positioned error instead of overflowing the stack,
// and that nesting within the limit is accepted.
func TestDepthLimit(t *testing.T) {
	rep := strings.Repeat
	for _, tt := range []struct {
		name string
		src  func(n int) []byte
		col  int // of the error, for n = 5000; 0: not checked
	}{
		{"plus", func(n int) []byte { return proc("\tr1 = r1" + rep(" + 1", n) + ";\n") }, 7},
		{"constant plus", func(n int) []byte { return proc("\tr1 = 1" + rep(" + 1", n) + ";\n") }, 7},
		{"and", func(n int) []byte { return proc("\tr1 = a" + rep(" && b", n) + ";\n") }, 7},
		{"comma", func(n int) []byte { return proc("\tr1 = (a" + rep(", b", n) + ");\n") }, 8},
		{"ternary", func(n int) []byte { return proc("\tr1 = " + rep("a ? b : ", n) + "1;\n") }, 0},
		{"assign", func(n int) []byte { return proc("\t" + rep("a = ", n) + "1;\n") }, 0},
		{"paren", func(n int) []byte { return proc("\tr1 = " + rep("(", n) + "1" + rep(")", n) + ";\n") }, 0},
		{"not", func(n int) []byte { return proc("\tr1 = " + rep("!", n) + "a;\n") }, 0},
		{"index", func(n int) []byte { return proc("\tr1 = x" + rep("[0]", n) + ";\n") }, 7},
		{"arrow", func(n int) []byte { return proc("\tr1 = x" + rep("->f", n) + ";\n") }, 7},
		{"call", func(n int) []byte { return proc("\tr1 = " + rep("READ_ONCE(", n) + "*x" + rep(")", n) + ";\n") }, 0},
		{"if", func(n int) []byte { return proc("\t" + rep("if (a) ", n) + "r1 = 1;\n") }, 0},
		{"block", func(n int) []byte { return proc("\t" + rep("{", n) + rep("}", n) + "\n") }, 0},
		{"init list", func(n int) []byte {
			return []byte("C deep\n{\n\tint x[1] = " + rep("{", n) + "1" + rep("}", n) + ";\n}\nP0(int *x)\n{\n}\n")
		}, 0},
		{"define", func(n int) []byte {
			return []byte("C deep\n#define N 1" + rep(" + 1", n) + "\n{}\nP0(int *x)\n{\n}\n")
		}, 0},
		{"exists and", func(n int) []byte {
			return append(proc(""), "exists (0:r1=0"+rep(" /\\ 0:r1=0", n)+")\n"...)
		}, 0},
		{"exists not", func(n int) []byte { return append(proc(""), "exists ("+rep("~", n)+"0:r1=0)\n"...) }, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Within the limit: no error about nesting.
			_, err := Load("deep.lit", tt.src(maxDepth/2-10))
			if err != nil && strings.Contains(err.Error(), "nested too deeply") {
				t.Errorf("%d levels: %v", maxDepth/2-10, err)
			}
			for _, n := range []int{5000, 100_000} {
				_, err := Load("deep.lit", tt.src(n))
				list, _ := err.(model.ErrorList)
				var deep *model.Error
				for _, e := range list {
					if strings.Contains(e.Msg, "nested too deeply") {
						deep = e
					}
				}
				if deep == nil {
					t.Fatalf("%d levels: no error about nesting: %v", n, err)
				}
				rx := regexp.MustCompile(`^deep\.lit:\d+:\d+: (expression|statement|condition) nested too deeply \(more than 1000 levels\)$`)
				if !rx.MatchString(deep.Error()) {
					t.Errorf("%d levels: %v", n, deep)
				}
				if tt.col != 0 && deep.Pos.Col != tt.col {
					t.Errorf("%d levels: error at column %d, want %d", n, deep.Pos.Col, tt.col)
				}
			}
		})
	}
}

// TestDepthLimitFlat2MB is the tester's input: a 2 MB flat sum, which
// used to overflow the Go stack when lowered.
func TestDepthLimitFlat2MB(t *testing.T) {
	src := proc("\tr1 = r1" + strings.Repeat(" + 1", 500_000) + ";\n")
	_, err := Load("flat.lit", src)
	if err == nil || err.Error() != "flat.lit:8:7: expression nested too deeply (more than 1000 levels)" {
		t.Errorf("got %v", err)
	}
}

// chain builds, without the parser, r1 + 1 + 1 ... n levels deep.
func chain(n int) Expr {
	pos := model.Pos{File: "hand.lit", Line: 5, Col: 2}
	var x Expr = &Ident{span{pos, pos}, "r1"}
	for i := 0; i < n; i++ {
		x = &BinaryExpr{span{pos, pos}, "+", pos, x, &IntLit{span{pos, pos}, "1", 1}}
	}
	return x
}

// TestDepthLimitHandBuilt checks Lower and Format on a tree deeper than
// Parse builds: Lower refuses it, Format cuts it, neither recurses down.
func TestDepthLimitHandBuilt(t *testing.T) {
	f, err := Parse("hand.lit", []byte("C hand\n{}\nP0(int *x)\n{\n\tint r1;\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	body := f.Decls[1].(*ProcDecl).Body
	body.List = append(body.List, &ExprStmt{span{chain(0).Pos(), chain(0).Pos()}, chain(200_000)})
	if _, err := Lower(f); err == nil || err.Error() != "hand.lit:5:2: expression nested too deeply (more than 1000 levels)" {
		t.Errorf("Lower: %v", err)
	}
	out := string(Format(f))
	if !strings.Contains(out, "/* nested too deeply */") || len(out) > 10_000 {
		t.Errorf("Format: %d bytes: %.200s", len(out), out)
	}
	if s := FormatExpr(chain(200_000)); !strings.Contains(s, "/* nested too deeply */") {
		t.Errorf("FormatExpr: %.200s", s)
	}
}

// TestDepthLimitInlining checks the nesting of inlined helpers: each tree
// is shallow, but inlining nests the helpers' bodies one in the other.
func TestDepthLimitInlining(t *testing.T) {
	var b strings.Builder
	b.WriteString("C inline\n")
	const n = 600
	fmt.Fprintf(&b, "static int f%d(void) { return 1; }\n", n)
	for i := n - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "static int f%d(void) { return f%d(); }\n", i, i+1)
	}
	b.WriteString("{}\nP0(int *x)\n{\n\tint r1 = f0();\n}\n")
	_, err := Load("inline.lit", []byte(b.String()))
	if err == nil || !regexp.MustCompile(`^inline\.lit:\d+:\d+: (expression|statement) nested too deeply \(more than 1000 levels, counting inlined helpers\)$`).MatchString(err.Error()) {
		t.Errorf("got %v", err)
	}
	// 100 helpers deep is fine
	b.Reset()
	b.WriteString("C inline\nstatic int f100(void) { return 1; }\n")
	for i := 99; i >= 0; i-- {
		fmt.Fprintf(&b, "static int f%d(void) { return f%d(); }\n", i, i+1)
	}
	b.WriteString("{}\nP0(int *x)\n{\n\tint r1 = f0();\n}\n")
	if _, err := Load("inline.lit", []byte(b.String())); err != nil {
		t.Error(err)
	}
}

// TestDepthLimitTypes checks the nesting of declared types: pointers,
// array dimensions and structs by value.
func TestDepthLimitTypes(t *testing.T) {
	rep := strings.Repeat
	var structs, rstructs strings.Builder
	structs.WriteString("struct s0 { int a; };\n")
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&structs, "struct s%d { struct s%d a; };\n", i, i-1)
	}
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&rstructs, "struct r%d { struct r%d a; };\n", i, i+1)
	}
	rstructs.WriteString("struct r200 { int a; };\n")
	for _, tt := range []struct {
		name, src, want string
	}{
		{"stars", "{\n\tint " + rep("*", 1000) + "p;\n}\n", `deep.lit:3:1006: type nested too deeply \(more than 64 levels of pointers, arrays and structs\)`},
		{"dims", "{\n\tint a" + rep("[1]", 1000) + ";\n}\n", `deep.lit:3:6: type nested too deeply \(more than 64 levels of pointers, arrays and structs\)`},
		{"param", "{}\nP1(int " + rep("*", 100) + "y)\n{\n}\n", `deep.lit:\d+:\d+: type nested too deeply`},
		{"structs", structs.String() + "{\n\tstruct s200 v;\n}\n", `deep.lit:\d+:8: struct s6\d nested too deeply \(more than 64 levels\)`},
		{"structs declared backwards", rstructs.String() + "{\n\tstruct r0 v;\n}\n", `deep.lit:\d+:8: struct r6\d nested too deeply \(more than 64 levels\)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "C deep\n" + tt.src + "P0(int *x)\n{\n}\n"
			_, err := Load("deep.lit", []byte(src))
			if err == nil || !regexp.MustCompile("^"+tt.want).MatchString(err.Error()) {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
	// 10 levels are fine
	src := "C deep\n{\n\tint **" + "a[1][1][1][1][1][1][1][1];\n}\nP0(int *x)\n{\n}\n"
	if _, err := Load("deep.lit", []byte(src)); err != nil {
		t.Error(err)
	}
}
