package main

// The weaken command: which orderings a program needs (package weaken).

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/reports"
	"mmcheck/weaken"
)

type weakenCmd struct {
	Model     string        `help:"Memory model: ${models}." default:"lkmm" enum:"${models}"`
	LoopBound int           `help:"Iterations of a bounded loop before an execution is cut (the verdict is then inconclusive)." default:"8"`
	Timeout   time.Duration `help:"Stop each exploration (the program's, each variant's) after this long: its verdict is then unknown; 0 means no limit." default:"0"`
	MaxStates int64         `help:"Stop each exploration after this many states (its verdict is then unknown); 0 means no limit." default:"0"`
	Workers   int           `help:"Parallel workers of each exploration; 0 means one per CPU." default:"0"`
	JSON      bool          `name:"json" help:"Print the report as JSON."`
	File      string        `arg:"" name:"file" help:"A litmus file (.lit, .litmus) that verifies under the model."`
}

// run weakens each ordering site of the file, one at a time and then
// together, and prints the table and the minimal sufficient set. Exit 0
// when every site was decided (needed or redundant), 3 when some were
// not, 2 on bad input; a program that does not verify is not weakened:
// its own report is printed, exit 1 for a counterexample (3 if its
// exploration was inconclusive).
func (c *weakenCmd) run(stdout, stderr io.Writer) int {
	ex := exploreCmd{LoopBound: c.LoopBound, Timeout: c.Timeout, MaxStates: c.MaxStates, Workers: c.Workers}
	if err := ex.check(); err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	src, err := litmus.ReadSource(c.File)
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	prog, err := litmus.Config{}.Load(c.File, src)
	if err != nil {
		printErrors(stderr, err, c.File, src, false)
		return exitBadInput
	}
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := weaken.Options{
		Explore: explorer.Options{Model: memmodel.Lookup(c.Model), LoopBound: c.LoopBound, Workers: workers,
			MaxStates: c.MaxStates, MaxMemory: ex.maxMemory()},
		Timeout: c.Timeout,
	}
	rep, err := weaken.Run(ctx, prog, opts)
	if err != nil {
		printErrors(stderr, err, c.File, src, false)
		return exitBadInput
	}
	rep.SourceLine = sourceLines()
	if rep.Base.Verdict != explorer.Pass {
		if c.JSON {
			err = reports.WeakenJSON(stdout, rep)
		} else {
			err = reports.Text(stdout, rep.Base, reports.Options{Width: termWidth()})
		}
		if err != nil {
			fmt.Fprintln(stderr, "mmcheck:", err)
		}
		fmt.Fprintf(stderr, "mmcheck: %s is not verified under %s (%s): nothing to weaken\n", c.File, rep.Model.Name, rep.Base.Verdict)
		if rep.Base.Verdict == explorer.Fail {
			return exitCounterexample
		}
		return exitInconclusive
	}
	if c.JSON {
		err = reports.WeakenJSON(stdout, rep)
	} else {
		err = reports.WeakenText(stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
	}
	if !rep.Decided() {
		return exitInconclusive
	}
	return exitVerified
}

// sourceLines returns a function that quotes line n of a file (an
// included header), reading each file once.
func sourceLines() func(file string, n int) string {
	files := map[string][]string{}
	return func(file string, n int) string {
		lines, ok := files[file]
		if !ok {
			if b, err := os.ReadFile(file); err == nil {
				lines = strings.Split(string(b), "\n")
			}
			files[file] = lines
		}
		if n < 1 || n > len(lines) {
			return ""
		}
		return strings.TrimSuffix(lines[n-1], "\r")
	}
}
