package litmus

import (
	"math"
	"testing"

	"mmcheck/model"
)

// TestIntegerConstants checks the range of integer constants: every
// 64-bit value, those above LONG_MAX wrapping to the int64 of the same
// bits, except the values of pointers.
func TestIntegerConstants(t *testing.T) {
	for _, tt := range []struct {
		lit  string
		want int64
	}{
		{"9223372036854775807", math.MaxInt64},
		{"9223372036854775807L", math.MaxInt64},
		{"0x7fffffffffffffff", math.MaxInt64},
		{"-9223372036854775807", -math.MaxInt64},
		{"-9223372036854775808", math.MinInt64},
		{"(-9223372036854775807 - 1)", math.MinInt64},
		{"9223372036854775808", math.MinInt64},
		{"0x8000000000000000", math.MinInt64},
		{"0xffffffffffffffff", -1},
		{"18446744073709551615UL", -1},
		{"01777777777777777777777", -1},
		{"0b1111111111111111111111111111111111111111111111111111111111111111", -1},
		{"-18446744073709551615", 1},
		{"1099511627775", 1<<40 - 1},
		{"0x10000100000", 1<<40 + 1<<20},
		{"'A'", 65},
	} {
		t.Run(tt.lit, func(t *testing.T) {
			src := "C ints\n#define V " + tt.lit + "\n{\n\tlong x = V;\n}\nP0(long *x)\n{\n\tlong r0 = V;\n}\n"
			if tt.lit[0] != '(' && tt.lit[0] != '\'' {
				src += "exists (x=" + tt.lit + " /\\ 0:r0=" + tt.lit + ")\n"
			}
			p, err := Load("ints.lit", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if p.Init[0] != tt.want {
				t.Errorf("init: got %d, want %d", p.Init[0], tt.want)
			}
			if p.Locs[0].IsPtr {
				t.Errorf("x is taken for a pointer")
			}
			var vals []int64
			for _, in := range p.Threads[0].Code {
				if in.Op == model.OpMove && in.A.IsImm() {
					vals = append(vals, in.A.Imm)
				}
			}
			if len(vals) != 1 || vals[0] != tt.want {
				t.Errorf("code: got %v, want %d\n%s", vals, tt.want, Disasm(p.Threads[0]))
			}
			if p.Cond == nil {
				return
			}
			and := p.Cond.Expr.(*model.And)
			for _, c := range []model.BoolExpr{and.L, and.R} {
				if v := c.(*model.Cmp).R.(*model.ConstTerm).Val; v != tt.want {
					t.Errorf("condition: got %d, want %d", v, tt.want)
				}
			}
		})
	}
	for _, tt := range []struct{ lit, want string }{
		{"18446744073709551616", "integer constant 18446744073709551616 too large (more than 64 bits)"},
		{"0x10000000000000000", "integer constant 0x10000000000000000 too large (more than 64 bits)"},
		{"1099511627776", "integer constant 1099511627776 is a pointer value (2^40 to 2^40+2^20-1 are pointers to locations)"},
		{"0x100000fffff", "integer constant 0x100000fffff is a pointer value (2^40 to 2^40+2^20-1 are pointers to locations)"},
	} {
		t.Run(tt.lit, func(t *testing.T) {
			src := "C ints\n{}\nP0(long *x)\n{\n\tlong r0 = " + tt.lit + ";\n}\n"
			_, err := Load("ints.lit", []byte(src))
			if err == nil || err.Error() != "ints.lit:5:12: "+tt.want {
				t.Errorf("got  %v\nwant ints.lit:5:12: %s", err, tt.want)
			}
		})
	}
}
