package main

import "testing"

func TestExcerpt(t *testing.T) {
	long := "x = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20 + 21 + 22 + 23 + 24 + 25 + 26 + 27 + 28 + 29 + 30 + 31 + 32 + 33 + 34 + 35 + @ + 36 + 37 + 38 + 39 + 40 + 41 + 42 + 43 + 44 + 45 + 46 + 47"
	at := 0
	for i := range long {
		if long[i] == '@' {
			at = i + 1
		}
	}
	for _, c := range []struct {
		name, line string
		col        int
		shown, pad string
	}{
		{"plain", "\tr0 = READ_ONCE(*x)", 6, "\tr0 = READ_ONCE(*x)", "\t    "},
		{"utf-8 before the column", "int é = 1; $", 13, "int é = 1; $", "           "},
		{"control bytes", "a\x01b\xffc", 5, `a\x01b\xffc`, "          "},
		{"long line cut both sides", long, at, "..." + long[at-1-excerptHalf:at-1+excerptHalf] + "...", "   " + spaces(excerptHalf)},
	} {
		shown, pad := excerpt(c.line, c.col)
		if shown != c.shown || pad != c.pad {
			t.Errorf("%s: excerpt = %q, %q; want %q, %q", c.name, shown, pad, c.shown, c.pad)
		}
	}
}

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}
