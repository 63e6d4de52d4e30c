package litmus

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error messages quote the input (a file name, a string, a piece of
// code), and the input may be anything, binary files included: what they
// quote is made printable here, so that a message never holds a control
// character or invalid UTF-8, and stays on one line.

// printable returns s with each character that is not printable (control
// characters, invalid UTF-8) escaped as Go would: \x01, \t, \u200b, \xff.
func printable(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || !strconv.IsPrint(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case strconv.IsPrint(r):
			b.WriteString(s[i : i+size])
		default:
			q := strconv.QuoteRune(r) // '\x01', '\u200b'
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

// maxExcerpt is how many bytes of code a message quotes at most.
const maxExcerpt = 60

// excerpt returns source text for a message: on one line (each run of
// white space, newlines included, is one space), at most maxExcerpt bytes
// (cut with "..."), and printable.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxExcerpt {
		cut := maxExcerpt
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return printable(s)
}

// describeChar names the character at the start of b (not empty) for a
// message, as go/scanner does: U+00E9 'é', U+0000. It returns the
// description, the character's size, and false if b does not start with
// valid UTF-8 (then the description is the byte, '\xff').
func describeChar(b []byte) (desc string, size int, valid bool) {
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf(`'\x%02x'`, b[0]), 1, false
	}
	return fmt.Sprintf("%#U", r), size, true
}
