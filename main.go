// Command mmcheck is an exhaustive model checker for the memory-ordering
// protocols of kernel code: it explores every execution of a litmus file
// under a memory model and prints a verdict, statistics and, when something
// goes wrong, a counterexample trace.
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"

	"mmcheck/memmodel"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// Exit statuses.
const (
	exitVerified       = 0
	exitCounterexample = 1
	exitBadInput       = 2
	exitInconclusive   = 3
)

type modelsCmd struct{}

type cli struct {
	Explore exploreCmd `cmd:"" help:"Explore every execution of litmus files under a memory model."`
	Models  modelsCmd  `cmd:"" help:"List the memory models."`
	Trace   traceCmd   `cmd:"" help:"Render a saved counterexample, or replay it to confirm it."`
	Lower   lowerCmd   `cmd:"" help:"Print a litmus file as mmcheck understood it: locations, each CPU's instructions, the condition."`
	Weaken  weakenCmd  `cmd:"" help:"Find which orderings (barriers, acquire/release, ONCE) a verified litmus file needs, and which could be weaker."`
}

// run is main without the process: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	var c cli
	exit := -1
	parser, err := kong.New(&c,
		kong.Name("mmcheck"),
		kong.Description("An exhaustive model checker for kernel memory-ordering protocols."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exit = code; panic(exitPanic{}) }),
		kong.Vars{"models": strings.Join(memmodel.Names(), ",")},
		kong.UsageOnError(),
	)
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	var kctx *kong.Context
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(exitPanic); !ok {
					panic(r)
				}
			}
		}()
		kctx, err = parser.Parse(args)
	}()
	if exit >= 0 {
		if exit != 0 {
			return exitBadInput
		}
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	switch kctx.Command() {
	case "trace <trace>":
		return c.Trace.run(stdout, stderr)
	case "lower <file>":
		return c.Lower.run(stdout, stderr)
	case "weaken <file>":
		return c.Weaken.run(stdout, stderr)
	case "models":
		for _, m := range memmodel.All {
			fmt.Fprintf(stdout, "%-5s %s\n", m.Name, firstLine(m.Doc))
		}
		return 0
	default:
		return c.Explore.run(stdout, stderr)
	}
}

type exitPanic struct{}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// termWidth is the width traces are laid out for: $COLUMNS, else 100.
func termWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 20 {
		return n
	}
	return 100
}
