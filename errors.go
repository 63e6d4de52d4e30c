package main

// Input errors as the CLI prints them: position, source line, caret.

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"mmcheck/litmus"
	"mmcheck/model"
)

// printErrors prints input errors as file:line:col: message, the source
// line and a caret under the column.
func printErrors(w io.Writer, err error, file string, src []byte, all bool) {
	var list model.ErrorList
	if !errors.As(err, &list) {
		fmt.Fprintln(w, err)
		return
	}
	// The source lines of each file an error is in: the litmus file, or a
	// header it includes (read once).
	sources := map[string][]string{file: strings.Split(string(src), "\n")}
	for i, e := range list {
		lines, ok := sources[e.Pos.File]
		if !ok {
			if b, err := litmus.ReadSource(e.Pos.File); err == nil {
				lines = strings.Split(string(b), "\n")
			}
			sources[e.Pos.File] = lines
		}
		if i == 10 && !all {
			fmt.Fprintf(w, "(and %d more errors)\n", len(list)-10)
			break
		}
		fmt.Fprintln(w, e.Error())
		if e.Pos.Line >= 1 && e.Pos.Line <= len(lines) {
			line := strings.TrimRight(lines[e.Pos.Line-1], "\r")
			shown, caret := excerpt(line, e.Pos.Col)
			fmt.Fprintf(w, "\t%s\n", shown)
			if e.Pos.Col >= 1 {
				fmt.Fprintf(w, "\t%s^\n", caret)
			}
		}
	}
}

// excerptHalf is how many bytes of a long source line are shown on each
// side of the column.
const excerptHalf = 60

// excerpt renders a source line for a terminal, with the padding that
// puts a caret under byte column col (1-based): at most excerptHalf bytes
// each side of col, "..." where the line was cut; control characters and
// bytes that are not UTF-8 as \xNN, never raw; tabs kept, so that the
// caret's padding (tabs under tabs) lines up.
func excerpt(line string, col int) (shown, caret string) {
	c := max(col-1, 0)
	from, to := 0, len(line)
	var b, pad strings.Builder
	if c > excerptHalf {
		from = c - excerptHalf
		for from < c && !utf8.RuneStart(line[from]) {
			from++
		}
		b.WriteString("...")
		pad.WriteString("   ")
	}
	if to-c > excerptHalf {
		to = c + excerptHalf
		for to > c && to < len(line) && !utf8.RuneStart(line[to]) {
			to--
		}
	}
	for i := from; i < to; {
		r, size := utf8.DecodeRuneInString(line[i:])
		var d string
		switch {
		case r == '\t':
			d = "\t"
		case r == utf8.RuneError && size == 1, unicode.IsControl(r):
			d = ""
			for _, x := range []byte(line[i : i+size]) {
				d += fmt.Sprintf("\\x%02x", x)
			}
		default:
			d = line[i : i+size]
		}
		b.WriteString(d)
		if i < c {
			if d == "\t" {
				pad.WriteByte('\t')
			} else {
				pad.WriteString(strings.Repeat(" ", utf8.RuneCountInString(d)))
			}
		}
		i += size
	}
	if to < len(line) {
		b.WriteString("...")
	}
	return b.String(), pad.String()
}
