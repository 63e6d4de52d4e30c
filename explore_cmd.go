package main

// The explore command: flags, one run per file, progress, saved traces.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
	"mmcheck/reports"
)

type exploreCmd struct {
	Model         string        `help:"Memory model: ${models}." default:"lkmm" enum:"${models}"`
	LoopBound     int           `help:"Iterations of a bounded loop before an execution is cut (the verdict is then inconclusive)." default:"8"`
	Timeout       time.Duration `help:"Stop after this long (the verdict is then inconclusive); 0 means no limit." default:"0"`
	MaxStates     int64         `help:"Stop after this many states (the verdict is then inconclusive); 0 means no limit." default:"0"`
	MaxMemory     string        `name:"max-memory" help:"Stop when the process holds this much memory (the verdict is then inconclusive), e.g. 4GiB; 0 means no limit. Default: half of the machine's memory." placeholder:"SIZE"`
	SpecStates    int64         `help:"Under lkmm, for a program too big to enumerate whose load buffering is not ruled out: give the proof search with speculated reads this many states before falling back to a search for bugs; 0 means 1500000, -1 no limit. (A search for bugs runs first either way.)" default:"0"`
	Workers       int           `help:"Parallel workers; 0 means one per CPU." default:"0"`
	Search        string        `help:"Search: dpor (optimal DPOR, the default), interleave (every interleaving, graphs cached: the reference), enumerate (herd7-style candidates; always used for models with load buffering)." enum:"dpor,interleave,enumerate" default:"dpor"`
	AllViolations bool          `help:"Keep exploring after the first violation."`
	CheckLeaks    bool          `help:"Report every object still allocated when all CPUs have finished."`
	CheckRaces    bool          `help:"Report a data race (a plain access racing with another access, as lkmm defines it) as a violation; without it, lkmm shows it as herd7's data-race flag."`
	AllErrors     bool          `help:"Report every input error, not just the first 10."`
	JSON          bool          `name:"json" help:"Print the report as JSON: one object for one file; an array of them when the arguments name several files or a directory."`
	Herd          bool          `help:"Print herd7's output format (Test, States, Witnesses, Observation, ...)."`
	Quiet         bool          `short:"q" help:"Print only the verdict line; no progress."`
	SaveTrace     string        `name:"save-trace" help:"Write each counterexample as a JSON trace file into this directory (see 'mmcheck trace')." placeholder:"DIR"`
	Files         []string      `arg:"" name:"file" help:"Litmus files (.lit, .litmus) or directories of them."`

	jsonAll  *[]*explorer.Result // --json with several files: the reports so far
	memLimit int64               // --max-memory in bytes, or its default
}

// several reports whether the arguments name more than one file or a
// directory: --json then prints an array, whatever the count found.
func (c *exploreCmd) several() bool {
	if len(c.Files) > 1 {
		return true
	}
	for _, f := range c.Files {
		if st, err := os.Stat(f); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

func (c *exploreCmd) run(stdout, stderr io.Writer) int {
	if err := c.check(); err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	c.memLimit = c.maxMemory()
	tuneRuntime(c.memLimit)
	files, err := expandFiles(c.Files)
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	m := memmodel.Lookup(c.Model)
	if _, ok := m.NewChecker().(memmodel.Racer); c.CheckRaces && !ok {
		fmt.Fprintf(stderr, "mmcheck: --check-races needs a model that defines data races (lkmm); %s does not\n", m.Name)
		return exitBadInput
	}
	// SIGTERM as SIGINT: CI systems and timeout(1) stop a job with it,
	// and the user then gets what was explored.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	status := exitVerified
	worst := func(s int) {
		rank := map[int]int{exitVerified: 0, exitInconclusive: 1, exitCounterexample: 2, exitBadInput: 3}
		if rank[s] > rank[status] {
			status = s
		}
	}
	counts := map[string]int{}
	// With several files, --json prints one array: each file's report is
	// kept and written at the end.
	var jsonAll []*explorer.Result
	if c.JSON && c.several() {
		c.jsonAll = &jsonAll
	}
	for _, f := range files {
		s := c.one(ctx, f, m, stdout, stderr)
		worst(s)
		counts[map[int]string{0: "verified", 1: "counterexample", 2: "bad input", 3: "inconclusive"}[s]]++
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			break // interrupted: report what we have
		}
	}
	if c.jsonAll != nil {
		if err := reports.JSONArray(stdout, jsonAll, reports.Options{Quiet: c.Quiet, Width: termWidth()}); err != nil {
			fmt.Fprintln(stderr, "mmcheck:", err)
		}
	}
	if len(files) > 1 && !c.JSON && !c.Herd {
		var parts []string
		for _, k := range []string{"verified", "counterexample", "inconclusive", "bad input"} {
			if counts[k] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
			}
		}
		fmt.Fprintf(stdout, "%d files: %s\n", len(files), strings.Join(parts, ", "))
	}
	return status
}

func (c *exploreCmd) one(ctx context.Context, file string, m *memmodel.Model, stdout, stderr io.Writer) int {
	src, err := litmus.ReadSource(file)
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	prog, err := litmus.Config{AllErrors: c.AllErrors}.Load(file, src)
	if err != nil {
		printErrors(stderr, err, file, src, c.AllErrors)
		return exitBadInput
	}
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	opts := explorer.Options{Model: m, LoopBound: c.LoopBound, Workers: workers, MaxStates: c.MaxStates, MaxMemory: c.memLimit, SpecStates: c.SpecStates,
		AllViolations: c.AllViolations, CheckLeaks: c.CheckLeaks, CheckRaces: c.CheckRaces}
	switch c.Search {
	case "interleave":
		opts.Algorithm = explorer.Interleave
	case "enumerate":
		opts.Algorithm = explorer.Enumerate
	}
	var prog_ *progress
	if !c.Quiet && isTerminal(stderr) {
		prog_ = &progress{w: stderr}
		opts.Progress = prog_.update
	}
	res, err := explorer.Explore(ctx, prog, opts)
	if prog_ != nil {
		prog_.clear()
	}
	if err != nil {
		printErrors(stderr, err, file, src, c.AllErrors)
		return exitBadInput
	}
	if c.SaveTrace != "" {
		if err := saveTraces(c.SaveTrace, prog, m, c.LoopBound, src, res, stdout); err != nil {
			fmt.Fprintln(stderr, "mmcheck:", err)
			return exitBadInput
		}
	}
	ropts := reports.Options{Quiet: c.Quiet, Width: termWidth()}
	if c.jsonAll != nil {
		*c.jsonAll = append(*c.jsonAll, res)
	} else if c.JSON {
		err = reports.JSON(stdout, res, ropts)
	} else if c.Herd {
		err = reports.Herd(stdout, res)
	} else {
		err = reports.Text(stdout, res, ropts)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
	}
	return verdictExit(res.Verdict)
}

// verdictExit is the exit status of a verdict: 0 verified, 1
// counterexample, 3 inconclusive.
func verdictExit(v explorer.Verdict) int {
	switch v {
	case explorer.Pass:
		return exitVerified
	case explorer.Fail:
		return exitCounterexample
	}
	return exitInconclusive
}

// expandFiles replaces directories by the litmus files under them.
func expandFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".lit") || strings.HasSuffix(p, ".litmus")) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no .lit or .litmus file in this directory", a)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// progress draws a live line on a terminal once a run lasts over a second.
type progress struct {
	w     io.Writer
	shown bool
}

func (p *progress) update(s explorer.Stats, elapsed time.Duration) {
	if elapsed < time.Second {
		return
	}
	rate := float64(s.Executions) / elapsed.Seconds()
	fmt.Fprintf(p.w, "\r\x1b[K%d executions, %.0f/s, %d states, %s", s.Executions, rate, s.States, elapsed.Round(100*time.Millisecond))
	p.shown = true
}

func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// saveTraces writes every counterexample of res as DIR/<test>-<model>-<n>.json.
func saveTraces(dir string, p *model.Program, m *memmodel.Model, loopBound int, src []byte, res *explorer.Result, stdout io.Writer) error {
	cxs := append([]*explorer.Counterexample(nil), res.Violations...)
	if len(cxs) == 0 && res.Witness != nil && res.Verdict == explorer.Fail {
		cxs = append(cxs, res.Witness)
	}
	if len(cxs) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, cx := range cxs {
		data, err := json.MarshalIndent(cx.SaveIn(dir, p, m, loopBound, src), "", "  ")
		if err != nil {
			return err
		}
		name := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.json", sanitizeName(p.Name), m.Name, i+1))
		if err := os.WriteFile(name, append(data, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  trace saved to %s\n", name)
	}
	return nil
}

func sanitizeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}
