package main

// The lower command: the program as mmcheck understood it.

import (
	"fmt"
	"io"

	"mmcheck/litmus"
)

type lowerCmd struct {
	AllErrors bool   `help:"Report every input error, not just the first 10."`
	File      string `arg:"" name:"file" help:"A litmus file (.lit, .litmus)."`
}

// run prints the lowered program: what explore explores (locations and
// their initial values, each CPU's instructions with the primitive each
// came from, the condition). For checking what a construct turned into.
func (c *lowerCmd) run(stdout, stderr io.Writer) int {
	src, err := litmus.ReadSource(c.File)
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	p, err := litmus.Config{AllErrors: c.AllErrors}.Load(c.File, src)
	if err != nil {
		printErrors(stderr, err, c.File, src, c.AllErrors)
		return exitBadInput
	}
	fmt.Fprint(stdout, litmus.Describe(p))
	return exitVerified
}
