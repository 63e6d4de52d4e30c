// Command mmcheck is an exhaustive model checker for the memory-ordering
// protocols of kernel code: it explores every execution of a litmus file
// under a memory model and prints a verdict, statistics and, when something
// goes wrong, a counterexample trace.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
	"mmcheck/reports"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// Exit statuses.
const (
	exitVerified       = 0
	exitCounterexample = 1
	exitBadInput       = 2
	exitInconclusive   = 3
)

type exploreCmd struct {
	Model         string        `help:"Memory model: ${models}." default:"lkmm" enum:"${models}"`
	LoopBound     int           `help:"Iterations of a bounded loop before an execution is cut (the verdict is then inconclusive)." default:"8"`
	Timeout       time.Duration `help:"Stop after this long (the verdict is then inconclusive); 0 means no limit." default:"0"`
	MaxStates     int64         `help:"Stop after this many states (the verdict is then inconclusive); 0 means no limit." default:"0"`
	SpecStates    int64         `help:"Under lkmm, for a program too big to enumerate whose load buffering is not ruled out: give the proof search with speculated reads this many states before falling back to a search for bugs; 0 means 500000, -1 no limit. (A search for bugs runs first either way.)" default:"0"`
	Workers       int           `help:"Parallel workers; 0 means one per CPU." default:"0"`
	Search        string        `help:"Search: dpor (optimal DPOR, the default), interleave (every interleaving, graphs cached: the reference), enumerate (herd7-style candidates; always used for models with load buffering)." enum:"dpor,interleave,enumerate" default:"dpor"`
	AllViolations bool          `help:"Keep exploring after the first violation."`
	CheckLeaks    bool          `help:"Report every object still allocated when all CPUs have finished."`
	CheckRaces    bool          `help:"Report a data race (a plain access racing with another access, as lkmm defines it) as a violation; without it, lkmm shows it as herd7's data-race flag."`
	AllErrors     bool          `help:"Report every input error, not just the first 10."`
	JSON          bool          `name:"json" help:"Print the report as JSON."`
	Herd          bool          `help:"Print herd7's output format (Test, States, Witnesses, Observation, ...)."`
	Quiet         bool          `short:"q" help:"Print only the verdict line; no progress."`
	SaveTrace     string        `name:"save-trace" help:"Write each counterexample as a JSON trace file into this directory (see 'mmcheck trace')." placeholder:"DIR"`
	Files         []string      `arg:"" name:"file" help:"Litmus files (.lit, .litmus) or directories of them."`
}

type modelsCmd struct{}

type traceCmd struct {
	Format string `help:"Output format: text, json or dot." enum:"text,json,dot" default:"text"`
	SVG    string `name:"svg" help:"Also draw the execution graph into this SVG file (needs Graphviz's dot)." placeholder:"FILE"`
	Verify bool   `help:"Only replay the trace against its litmus file and model: exit 0 if it is a real execution that reaches the violation, 1 if not."`
	Litmus string `help:"The litmus file, if not where the trace says." placeholder:"FILE"`
	File   string `arg:"" name:"trace" help:"A trace saved by 'mmcheck explore --save-trace'."`
}

type cli struct {
	Explore exploreCmd `cmd:"" help:"Explore every execution of litmus files under a memory model."`
	Models  modelsCmd  `cmd:"" help:"List the memory models."`
	Trace   traceCmd   `cmd:"" help:"Render a saved counterexample, or replay it to confirm it."`
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

func (c *exploreCmd) run(stdout, stderr io.Writer) int {
	// The search keeps little live memory (a depth-first path of graphs)
	// but allocates fast; a lazier collector leaves the CPUs to it.
	debug.SetGCPercent(400)
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
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
	for _, f := range files {
		s := c.one(ctx, f, m, stdout, stderr)
		worst(s)
		counts[map[int]string{0: "verified", 1: "counterexample", 2: "bad input", 3: "inconclusive"}[s]]++
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			break // interrupted: report what we have
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
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	prog, err := litmus.Load(file, src)
	if err != nil {
		printErrors(stderr, err, file, src, c.AllErrors)
		return exitBadInput
	}
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	opts := explorer.Options{Model: m, LoopBound: c.LoopBound, Workers: workers, MaxStates: c.MaxStates, SpecStates: c.SpecStates,
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
	if c.JSON {
		err = reports.JSON(stdout, res, ropts)
	} else if c.Herd {
		err = reports.Herd(stdout, res)
	} else {
		err = reports.Text(stdout, res, ropts)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
	}
	switch res.Verdict {
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
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

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
			if b, err := os.ReadFile(e.Pos.File); err == nil {
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

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
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
		data, err := json.MarshalIndent(cx.Save(p, m, loopBound, src), "", "  ")
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

func (c *traceCmd) run(stdout, stderr io.Writer) int {
	data, err := os.ReadFile(c.File)
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	var st explorer.SavedTrace
	if err := json.Unmarshal(data, &st); err != nil {
		fmt.Fprintf(stderr, "mmcheck: %s: not a saved trace: %v\n", c.File, err)
		return exitBadInput
	}
	path := c.Litmus
	if path == "" {
		path = st.File
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join(filepath.Dir(c.File), filepath.Base(st.File))
		}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "mmcheck: the trace's litmus file: %v (use --litmus)\n", err)
		return exitBadInput
	}
	if h := explorer.HashSource(src); h != st.FileHash {
		fmt.Fprintf(stderr, "mmcheck: %s has changed since the trace was saved (sha256 %.12s, trace has %.12s)\n", path, h, st.FileHash)
		return exitBadInput
	}
	prog, err := litmus.Load(path, src)
	if err != nil {
		printErrors(stderr, err, path, src, false)
		return exitBadInput
	}
	m := memmodel.Lookup(st.Model)
	if m == nil {
		fmt.Fprintf(stderr, "mmcheck: the trace's model %q is unknown\n", st.Model)
		return exitBadInput
	}
	cx, err := explorer.Replay(prog, m, &st)
	if c.Verify {
		if err != nil {
			fmt.Fprintf(stdout, "%s: does not replay under %s: %v\n", c.File, m.Name, err)
			return exitCounterexample
		}
		fmt.Fprintf(stdout, "%s: replays under %s: a real execution of %s that reaches %s\n", c.File, m.Name, filepath.Base(path), cx.Violation.Kind)
		return exitVerified
	}
	if err != nil {
		fmt.Fprintf(stderr, "mmcheck: %s does not replay under %s: %v\n", c.File, m.Name, err)
		return exitCounterexample
	}
	switch c.Format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(cx.Save(prog, m, st.LoopBound, src))
	case "dot":
		err = reports.DOT(stdout, prog, cx)
	default:
		fmt.Fprintf(stdout, "%s under %s:\n", prog.Name, m.Name)
		err = reports.Trace(stdout, prog, cx)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	if c.SVG != "" {
		dot, lerr := exec.LookPath("dot")
		if lerr != nil {
			fmt.Fprintln(stderr, "mmcheck: --svg needs Graphviz's dot, which is not installed (apt-get install graphviz); no SVG written")
			return exitBadInput
		}
		var buf bytes.Buffer
		if err := reports.DOT(&buf, prog, cx); err != nil {
			fmt.Fprintln(stderr, "mmcheck:", err)
			return exitBadInput
		}
		cmd := exec.Command(dot, "-Tsvg", "-o", c.SVG)
		cmd.Stdin = &buf
		cmd.Stderr = stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(stderr, "mmcheck: dot:", err)
			return exitBadInput
		}
	}
	return exitVerified
}

// termWidth is the width traces are laid out for: $COLUMNS, else 100.
func termWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 20 {
		return n
	}
	return 100
}
