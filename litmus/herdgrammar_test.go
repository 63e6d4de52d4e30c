package litmus

import (
	"strings"
	"testing"

	"mmcheck/model"
)

// herd7's grammar of the init block and the condition (lib/stateParser.mly):
// each form parses, formats to mmcheck's spelling of it, and that parses
// to the same tree. testdata/herd/extra checks their semantics against
// herd7's own output.
func TestHerdGrammarFormat(t *testing.T) {
	for _, tt := range []struct {
		name, init, cond string
		want             []string // in the formatted file
	}{
		{"typed registers", "int 0:r1; int *P1:r2 = x; _Atomic int y = 1;", "exists (0:r1=0)",
			[]string{"int 0:r1;", "int *1:r2 = x;", "int y = 1;"}},
		{"untyped registers and locations", "0:r3 = 3; P0:r4 = &y; x; [y] = 2; *p = x;", "exists (P0:r3=3)",
			[]string{"0:r3 = 3;", "0:r4 = &y;", "x;", "y = 2;", "*p = x;", "exists (0:r3=3)"}},
		{"not and <>", "", "exists not (x=1 /\\ not 0:r0<>1)", []string{"exists ~(x=1 /\\ ~0:r0!=1)"}},
		{"implies", "", "forall (x=1 => 0:r0=1 => true /\\ false)", []string{"forall (x=1 => 0:r0=1 => true /\\ false)"}},
		{"brackets and deref", "", "exists ([x]=[y] /\\ x=*y /\\ 0:r0=*x)", []string{"exists (x=*y /\\ x=*y /\\ 0:r0=*x)"}},
		{"final and with", "", "final (x=1) with lkmm: exists; sc: ~exists", []string{"exists (x=1)"}},
		{"observed", "", "observed x=1; 0:r0=0; and x=2; and", []string{"exists (x=1 /\\ 0:r0=0) \\/ (x=2) \\/ true"}},
		{"typed locations", "", "locations [x*; 0:r0 int; y int*;]\nexists (x=0)", []string{"locations [x; 0:r0; y]"}},
		{"array", "int a[2] = {1,2};", "exists (a={1,2} \\/ a<>{2,1})", []string{"exists (a={ 1, 2 } \\/ a!={ 2, 1 })"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "C t (tex)\n{ " + tt.init + " }\n\nvoid P0(int *x, int *y)\n{\n\tint r0;\n\n\tr0 = READ_ONCE(*x);\n}\n\n" + tt.cond + "\n"
			out := string(formatRoundTrip(t, "t.litmus", src))
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("formatted file lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestHerdInitRegisters: registers given a value only in the init block
// are registers of their process, of the type declared there (or of the
// value's), constant when the process never assigns them; the last of
// two values wins; a .litmus condition may name a register its process
// does not have.
func TestHerdInitRegisters(t *testing.T) {
	src := `C regs
{
	int x = 1;
	int 0:r1;
	int *1:r2 = x;
	0:r3 = 3;
	P1:r4 = &y;
	1:r6 = 1;
	1:r6 = 2;
}

P0(int *x)
{
	int r0;

	r0 = READ_ONCE(*x);
	r1 = r0 + r3;
}

P1(int *y)
{
	WRITE_ONCE(*r2, 2);
	r4 = y;
	WRITE_ONCE(*r4, r6);
}

exists (0:r1=4 /\ 1:r9=0)
`
	p, err := Load("regs.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	x, y := -1, -1
	for i, l := range p.Locs {
		switch l.Name {
		case "x":
			x = i
		case "y":
			y = i
		}
	}
	init := func(th *model.Thread, name string) (model.Value, bool, bool) {
		r, ok := th.RegByName(name)
		if !ok {
			return 0, false, false
		}
		for _, in := range th.Init {
			if in.Reg == r {
				return in.Val, th.Regs[r].IsPtr, true
			}
		}
		return 0, th.Regs[r].IsPtr, true
	}
	for _, tt := range []struct {
		th    int
		reg   string
		val   model.Value
		isPtr bool
	}{
		{0, "r1", 0, false},
		{0, "r3", 3, false},
		{1, "r2", model.Ptr(x), true},
		{1, "r4", model.Ptr(y), true},
		{1, "r6", 2, false},
		{1, "r9", 0, false},
	} {
		v, isPtr, ok := init(p.Threads[tt.th], tt.reg)
		if !ok || v != tt.val || isPtr != tt.isPtr {
			t.Errorf("%d:%s: found %v, value %d, pointer %v; want value %d, pointer %v", tt.th, tt.reg, ok, v, isPtr, tt.val, tt.isPtr)
		}
	}
	// r2 is never assigned: the store through it has a static address.
	listing := DisasmProgram(p, p.Threads[1])
	if !strings.Contains(listing, "store.once &x, 2") {
		t.Errorf("P1's listing lacks the store through r2:\n%s", listing)
	}
	// The same in a .lit file: the condition's 1:r9 is an error there.
	if _, err := Load("regs.lit", []byte(src)); err == nil || !strings.Contains(err.Error(), "undefined: register 1:r9") {
		t.Errorf("regs.lit: got %v, want undefined: register 1:r9", err)
	}
}

// TestHerdArrayCondition: herd7's a={1,2} is every element's comparison
// (herd7 shows the array as one location, a={1,2}; mmcheck its elements).
func TestHerdArrayCondition(t *testing.T) {
	p, err := Load("arr.litmus", []byte("C arr\n{ int a[2] = {1,2}; }\nP0(int *a)\n{\n\tWRITE_ONCE(*a, 3);\n}\nexists (a!={3,2})\n"))
	if err != nil {
		t.Fatal(err)
	}
	not, ok := p.Cond.Expr.(*model.Not)
	and, ok2 := not.X.(*model.And)
	if !ok || !ok2 {
		t.Fatalf("condition %#v, want not (a[0]=3 /\\ a[1]=2)", p.Cond.Expr)
	}
	for i, c := range []model.BoolExpr{and.L, and.R} {
		cmp, ok := c.(*model.Cmp)
		if !ok || p.TermName(cmp.L) != []string{"a[0]", "a[1]"}[i] || p.TermName(cmp.R) != []string{"3", "2"}[i] {
			t.Errorf("element %d: %#v", i, c)
		}
	}
	for _, tt := range []struct{ cond, want string }{
		{"exists (a={1})", "arr.litmus:7:11: 1 values for a, which has 2 elements"},
		{"exists (0:r0={1})", "arr.litmus:7:9: 0:r0 is not a location"},
	} {
		_, err := Load("arr.litmus", []byte("C arr\n{ int a[2] = {1,2}; }\nP0(int *a)\n{\n\tint r0 = 1;\n}\n"+tt.cond+"\n"))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %s", tt.cond, err, tt.want)
		}
	}
}

// TestHerdGrammarErrors: what herd7 refuses, mmcheck refuses with a
// position.
func TestHerdGrammarErrors(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"C t\n{ int 5:r1 = 1; }\nP0(int *x)\n{\n}\n", "t.litmus:2:7: no process P5"},
		{"C t\n{}\nP0(int *x)\n{\n}\nexists (x=*&x)\n", "t.litmus:6:11: invalid term *&x"},
		{"C t\n{}\nP0(int *x)\n{\n}\nexists (x <= 1)\n", "t.litmus:6:11: expected '=', found '<='"},
		{"C t\n{}\nP0(int *x)\n{\n}\nexists (x=1) with lkmm: maybe\n", "t.litmus:6:25: expected 'exists', 'forall' or '~exists', found maybe"},
	} {
		_, err := Load("t.litmus", []byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want %s", tt.src, err, tt.want)
		}
	}
}
