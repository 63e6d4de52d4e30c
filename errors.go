package main

// Input errors as the CLI prints them: position, source line, caret.

import (
	"errors"
	"fmt"
	"io"
	"strings"

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
			fmt.Fprintf(w, "\t%s\n", line)
			if e.Pos.Col >= 1 {
				var pad strings.Builder
				for j := 0; j < e.Pos.Col-1 && j < len(line); j++ {
					if line[j] == '\t' {
						pad.WriteByte('\t')
					} else {
						pad.WriteByte(' ')
					}
				}
				fmt.Fprintf(w, "\t%s^\n", pad.String())
			}
		}
	}
}
