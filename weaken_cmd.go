package main

// The weaken command: which orderings a program needs (package weaken).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
	"mmcheck/reports"
	"mmcheck/weaken"
)

type weakenCmd struct {
	Model      string        `help:"Memory model: ${models}." default:"lkmm" enum:"${models}"`
	LoopBound  int           `help:"Iterations of a bounded loop before an execution is cut (the verdict is then inconclusive)." default:"8"`
	Timeout    time.Duration `help:"Stop each exploration (the program's, each variant's) after this long: its verdict is then unknown; 0 means no limit." default:"0"`
	MaxStates  int64         `help:"Stop each exploration after this many states (its verdict is then unknown); 0 means no limit." default:"0"`
	SpecStates int64         `help:"Under lkmm, for a program too big to enumerate whose load buffering is not ruled out: give each exploration's proof search with speculated reads this many states; 0 means 1500000, -1 no limit (see explore)." default:"0"`
	Workers    int           `help:"Sites weakened at once, each variant explored with one worker (the program as written with all of them); the report is the same whatever the number. 0 means one per CPU." default:"0"`
	PerCall    bool          `name:"per-call" help:"Make each call of a helper (each CPU and chain of inlined functions) a site of its own; by default a site is a source position, every call of the helper at once."`
	NoDeps     bool          `name:"no-deps" help:"Under lkmm, leave the dependencies out (each is one more exploration): weaken the ordering sites only."`
	JSON       bool          `name:"json" help:"Print the report as JSON."`
	Traces     string        `name:"traces" help:"Write the counterexample of each weakening that did not verify (T1, T2, ... in the report) as a trace file into this directory, for 'mmcheck trace'." placeholder:"DIR"`
	File       string        `arg:"" name:"file" help:"A litmus file (.lit, .litmus) that verifies under the model."`
}

// run weakens each ordering site of the file, one at a time and then
// together, and prints the table and the minimal sufficient set. Exit 0
// when every site was decided (needed or redundant), 3 when some were
// not, 2 on bad input; a program that does not verify is not weakened:
// its own report is printed, exit 1 for a counterexample (3 if its
// exploration was inconclusive).
func (c *weakenCmd) run(stdout, stderr io.Writer) int {
	ex := exploreCmd{LoopBound: c.LoopBound, Timeout: c.Timeout, MaxStates: c.MaxStates, SpecStates: c.SpecStates, Workers: c.Workers}
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
	memLimit := ex.maxMemory()
	tuneRuntime(memLimit)
	// SIGTERM as SIGINT: either stops every exploration, and the report
	// says what was decided.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := weaken.Options{
		Explore: explorer.Options{Model: memmodel.Lookup(c.Model), LoopBound: c.LoopBound, Workers: workers,
			MaxStates: c.MaxStates, SpecStates: c.SpecStates, MaxMemory: memLimit},
		Timeout: c.Timeout,
		Workers: workers,
		PerCall: c.PerCall,
		NoDeps:  c.NoDeps,
	}
	var prog_ *weakenProgress
	if isTerminal(stderr) {
		prog_ = newWeakenProgress(stderr)
		opts.Progress = prog_.update
	}
	rep, err := weaken.Run(ctx, prog, opts)
	if prog_ != nil {
		prog_.stop()
	}
	if err != nil {
		printErrors(stderr, err, c.File, src, false)
		return exitBadInput
	}
	rep.SourceLine = sourceLines()
	if c.PerCall {
		rep.CallLines = callLines(c.File, src)
	}
	if c.Traces != "" && rep.Base.Verdict == explorer.Pass {
		files, err := saveWeakenTraces(c.Traces, rep, src)
		if err != nil {
			fmt.Fprintln(stderr, "mmcheck: --traces:", err)
			return exitBadInput
		}
		rep.TraceFiles = files
	}
	if rep.Base.Verdict != explorer.Pass {
		if c.JSON {
			err = reports.WeakenJSON(stdout, rep)
		} else {
			err = reports.Text(stdout, rep.Base, reports.Options{Width: termWidth()})
		}
		if err != nil {
			fmt.Fprintln(stderr, "mmcheck:", err)
		}
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "mmcheck: interrupted while exploring %s as written: nothing weakened\n", c.File)
			return exitInconclusive
		}
		fmt.Fprintf(stderr, "mmcheck: %s is not verified under %s (%s): nothing to weaken\n", c.File, rep.Model.Name, rep.Base.Verdict)
		return verdictExit(rep.Base.Verdict)
	}
	if c.JSON {
		err = reports.WeakenJSON(stdout, rep)
	} else {
		err = reports.WeakenText(stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
	}
	if rep.Interrupted {
		n := 0
		for _, s := range rep.Sites {
			if s.Verdict == weaken.Unknown {
				n++
			}
		}
		fmt.Fprintf(stderr, "mmcheck: interrupted: %d of %d sites not decided\n", n, len(rep.Sites))
	}
	if !rep.Decided() {
		return exitInconclusive
	}
	return exitVerified
}

// weakenProgress draws a live line on a terminal once a run lasts over a
// second: the sites done, needed and redundant, and the explorations.
type weakenProgress struct {
	w     io.Writer
	start time.Time
	done  chan struct{}
	wg    sync.WaitGroup

	mu    sync.Mutex
	last  weaken.Progress
	shown bool
}

func newWeakenProgress(w io.Writer) *weakenProgress {
	p := &weakenProgress{w: w, start: time.Now(), done: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tk := time.NewTicker(250 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-tk.C:
				p.draw()
			}
		}
	}()
	return p
}

// update takes the search's progress; the ticker draws it.
func (p *weakenProgress) update(s weaken.Progress) {
	p.mu.Lock()
	p.last = s
	p.mu.Unlock()
}

func (p *weakenProgress) draw() {
	elapsed := time.Since(p.start)
	if elapsed < time.Second {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.last
	var line string
	switch {
	case s.Sites == 0:
		line = "exploring the program as written"
	case s.Minimal:
		line = fmt.Sprintf("%d sites: %d needed, %d redundant, %d unknown; minimal set", s.Sites, s.Needed, s.Redundant, s.Unknown)
	default:
		line = fmt.Sprintf("%d/%d sites done: %d needed, %d redundant, %d unknown", s.Done, s.Sites, s.Needed, s.Redundant, s.Unknown)
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s, %d explorations, %s", line, s.Explorations, elapsed.Round(100*time.Millisecond))
	p.shown = true
}

// stop ends the ticker and clears the line.
func (p *weakenProgress) stop() {
	close(p.done)
	p.wg.Wait()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// saveWeakenTraces writes each trace of the report as
// DIR/<test>-<model>-T<n>.json and returns the files by trace ID.
func saveWeakenTraces(dir string, r *weaken.Report, src []byte) (map[string]string, error) {
	files := map[string]string{}
	traces := r.Traces()
	if len(traces) == 0 {
		return files, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, tr := range traces {
		data, err := json.MarshalIndent(r.Save(tr, dir, src), "", "  ")
		if err != nil {
			return nil, err
		}
		name := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.json", sanitizeName(r.Prog.Name), r.Model.Name, tr.ID))
		if err := os.WriteFile(name, append(data, '\n'), 0o644); err != nil {
			return nil, err
		}
		files[tr.ID] = name
	}
	return files, nil
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

// callLines returns where, in the litmus file at path and the headers it
// includes, each function's body calls another: calls(caller, callee)
// lists the positions of the calls of callee in caller's body (a CPU is
// caller "P0", "P1", ...). It reads the source text, so a call a macro
// makes is not found (the list is then empty).
func callLines(path string, src []byte) func(caller, callee string) []model.Pos {
	type body struct {
		src      []byte
		from, to model.Pos
	}
	bodies := map[string]body{}
	var visit func(f *litmus.File)
	visit = func(f *litmus.File) {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *litmus.FuncDecl:
				if d.Body != nil && d.Name != nil {
					bodies[d.Name.Name] = body{f.Src, d.Body.Pos(), d.Body.End()}
				}
			case *litmus.ProcDecl:
				if d.Body != nil && d.Name != nil {
					bodies[d.Name.Name] = body{f.Src, d.Body.Pos(), d.Body.End()}
				}
			case *litmus.IncludeDecl:
				if d.File != nil {
					visit(d.File)
				}
			}
		}
	}
	if f, err := litmus.Parse(path, src); err == nil {
		litmus.Config{}.ResolveIncludes(f) // the headers it can read
		visit(f)
	}
	return func(caller, callee string) []model.Pos {
		b, ok := bodies[caller]
		if !ok {
			return nil
		}
		var out []model.Pos
		lines := strings.Split(string(b.src), "\n")
		re := regexp.MustCompile(`\b` + regexp.QuoteMeta(callee) + `\s*\(`)
		for n := b.from.Line; n <= b.to.Line && n <= len(lines); n++ {
			line := lines[n-1]
			if i := strings.Index(line, "//"); i >= 0 {
				line = line[:i]
			}
			for _, m := range re.FindAllStringIndex(line, -1) {
				pos := model.Pos{File: b.from.File, Line: n, Col: m[0] + 1}
				if pos.Before(b.from) || b.to.Before(pos) {
					continue
				}
				out = append(out, pos)
			}
		}
		return out
	}
}
