package litmus

import (
	"strings"
	"testing"
	"unicode/utf8"

	"mmcheck/model"
)

// TestCharacters checks how errors name characters that are not part of
// the language: by code point, as go/scanner does, never as raw bytes.
func TestCharacters(t *testing.T) {
	for _, tt := range []struct {
		name, code string
		want       []string // the errors, in order
	}{
		{"accented letter", "\tint r\u00e9 = 1;\n", []string{"x.lit:5:7: invalid character U+00E9 'é'"}},
		{"emoji", "\tint r = 1; \U0001F600\n", []string{"x.lit:5:13: invalid character U+1F600 '😀'"}},
		{"control character", "\tint r\x01 = 1;\n", []string{"x.lit:5:7: invalid character U+0001"}},
		{"NUL", "\tint r = 1;\x00\n", []string{"x.lit:5:12: invalid character U+0000"}},
		{"invalid UTF-8", "\tint r = 1; \xff\xfe\n", []string{"x.lit:5:13: invalid UTF-8 encoding"}},
		{"truncated UTF-8", "\tint r = 1; \xc3\n", []string{"x.lit:5:13: invalid UTF-8 encoding"}},
		{"found a control character", "\tint r = \x02;\n", []string{"x.lit:5:10: invalid character U+0002"}},
		{"found a string", "\tint r = \"a\x01\xff\";\n", []string{`x.lit:5:10: string literals are not supported: "a\x01\xff"`}},
		{"character literal", "\tint r = '\x01\x02';\n", []string{`x.lit:5:10: invalid character literal '\x01\x02'`}},
		{"character literal é", "\tint r = '\u00e9';\n\tBUG_ON(r != 0xe9);\n", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "C chars\n{}\nP0(int *x)\n{\n" + tt.code + "}\n"
			_, err := Load("x.lit", []byte(src))
			var got []string
			if l, ok := err.(model.ErrorList); ok {
				for _, e := range l {
					got = append(got, e.Error())
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			checkPrintable(t, got)
		})
	}
}

// checkPrintable fails if an error message holds a character that is not
// printable (control characters, invalid UTF-8, a newline).
func checkPrintable(t *testing.T, msgs []string) {
	t.Helper()
	for _, m := range msgs {
		if !utf8.ValidString(m) {
			t.Errorf("invalid UTF-8 in %q", m)
		}
		for _, r := range m {
			if r < ' ' || r == 0x7f {
				t.Errorf("control character %U in %q", r, m)
			}
		}
	}
}

// TestBinaryInput loads bytes that are not text at all: every message is
// printable.
func TestBinaryInput(t *testing.T) {
	src := make([]byte, 64<<10)
	x := uint32(1)
	for i := range src {
		x = x*1664525 + 1013904223
		src[i] = byte(x >> 24)
	}
	for _, s := range [][]byte{src, append([]byte("C bin\n{}\nP0(int *x)\n{\n"), src...)} {
		_, err := Config{AllErrors: true}.Load("bin.lit", s)
		l, ok := err.(model.ErrorList)
		if !ok || len(l) == 0 {
			t.Fatalf("got %v", err)
		}
		var msgs []string
		for _, e := range l {
			msgs = append(msgs, e.Error())
		}
		checkPrintable(t, msgs)
	}
}

// TestByteOrderMark checks that a UTF-8 byte order mark at the start is
// ignored, as go/scanner does, and is an error anywhere else.
func TestByteOrderMark(t *testing.T) {
	if _, err := Load("bom.lit", []byte("\uFEFFC bom\n{}\nP0(int *x)\n{\n}\n")); err != nil {
		t.Error(err)
	}
	_, err := Load("bom.lit", []byte("C bom\n{}\nP0(int *x)\n{\n\uFEFF}\n"))
	if err == nil || err.Error() != "bom.lit:5:1: invalid character U+FEFF" {
		t.Errorf("got %v", err)
	}
}

// TestMessageExcerpts checks the code quoted in messages: on one line,
// printable, and short.
func TestMessageExcerpts(t *testing.T) {
	for _, tt := range []struct{ name, code, want string }{
		{"multi-line", "{}\nP0(int *x)\n{\n\tint r = READ_ONCE((1 +\n\t\t2));\n}\n", "x.lit:5:20: READ_ONCE expects a location, found (1 + 2)"},
		{"comment with control characters", "#define N (1 + /* \x01\xff */ r)\n", `x.lit:2:11: #define N: (1 + /* \x01\xff */ r) is not an integer constant`},
		{"long", "#define N (" + strings.Repeat("1 + ", 100) + "r)\n", "x.lit:2:11: #define N: (1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 +... is not an integer constant"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "C excerpt\n" + tt.code
			if !strings.Contains(src, "P0") {
				src += "{}\nP0(int *x)\n{\n}\n"
			}
			_, err := Load("x.lit", []byte(src))
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestTestName checks that the name on the "C" line ends at a character
// that is not printable, which is then an error.
func TestTestName(t *testing.T) {
	_, err := Load("x.lit", []byte("C name\x1b[31mred\n{}\nP0(int *x)\n{\n}\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "x.lit:1:7: invalid character U+001B") {
		t.Errorf("got %v", err)
	}
}
