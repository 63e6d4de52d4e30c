package main

// The trace command: render or replay a saved counterexample.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/reports"
	"mmcheck/weaken"
)

type traceCmd struct {
	Format string `help:"Output format: text, json or dot." enum:"text,json,dot" default:"text"`
	SVG    string `name:"svg" help:"Also draw the execution graph into this SVG file (needs Graphviz's dot)." placeholder:"FILE"`
	Verify bool   `help:"Only replay the trace against its litmus file and model: exit 0 if it is a real execution that reaches the violation and every field of the file is what the replay gives, 1 if not."`
	Litmus string `help:"The litmus file, if not where the trace says." placeholder:"FILE"`
	File   string `arg:"" name:"trace" help:"A trace saved by 'mmcheck explore --save-trace'."`
}

// run renders or verifies a saved trace. Exit 2 (bad input) when the
// file is not a saved trace this mmcheck reads (not JSON, a missing or
// unknown field, an unknown version or model) or its litmus file cannot
// be found, has changed since the trace was saved, or does not load.
// Exit 1 when the trace does not replay: it is not a real execution that
// reaches its violation, or some field it records is not what the
// replay gives (an edited value, rf, step, status, ...). Rendering
// exits 1 on those too, like --verify: the file does not describe a
// real execution, and rendering the replay instead would show something
// else than the file says.
func (c *traceCmd) run(stdout, stderr io.Writer) int {
	data, err := litmus.ReadLimited(c.File, maxTraceSize)
	if err != nil {
		fmt.Fprintln(stderr, "mmcheck:", err)
		return exitBadInput
	}
	st, err := explorer.ReadTrace(data)
	if err != nil {
		fmt.Fprintf(stderr, "mmcheck: %s: %v\n", c.File, err)
		return exitBadInput
	}
	m := memmodel.Lookup(st.Model)
	if m == nil {
		fmt.Fprintf(stderr, "mmcheck: %s: the trace's model %q is unknown (this mmcheck has %s)\n", c.File, st.Model, strings.Join(memmodel.Names(), ", "))
		return exitBadInput
	}
	path, src, code := c.findLitmus(st, stderr)
	if code != exitVerified {
		return code
	}
	prog, err := litmus.Load(path, src)
	if err != nil {
		printErrors(stderr, err, path, src, false)
		return exitBadInput
	}
	// A trace of 'mmcheck weaken' is of the program weakened.
	if prog, err = weaken.ApplySaved(prog, st.Weakened); err != nil {
		fmt.Fprintf(stderr, "mmcheck: %s: %v\n", c.File, err)
		return exitBadInput
	}
	cx, err := explorer.Replay(prog, m, st)
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
		saved := cx.Save(prog, m, st.LoopBound, src)
		saved.File, saved.Weakened = st.File, st.Weakened
		err = enc.Encode(saved)
	case "dot":
		err = reports.DOT(stdout, prog, cx)
	default:
		fmt.Fprintf(stdout, "%s under %s:\n", prog.Name, m.Name)
		for _, w := range st.Weakened {
			call := ""
			if w.CPU != nil {
				call = fmt.Sprintf(" (P%d", *w.CPU)
				if len(w.Via) > 0 {
					call += ": " + strings.Join(w.Via, " > ")
				}
				call += ")"
			}
			what := w.Prim
			if strings.HasSuffix(w.Kind, "-dep") {
				what += " " + w.Kind // the access whose dependency is broken
			}
			fmt.Fprintf(stdout, "weakened (mmcheck weaken): %s%s %s -> %s\n", w.Pos, call, what, w.Form)
		}
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

// findLitmus reads the trace's litmus file: the one --litmus names, or
// the first of the places the trace may say (see
// explorer.SavedTrace.LitmusPaths) whose content is the one the trace was
// saved from. A file found that has changed since is bad input, and so
// is none found; code is then exitBadInput, after a message that says
// what to do.
func (c *traceCmd) findLitmus(st *explorer.SavedTrace, stderr io.Writer) (path string, src []byte, code int) {
	paths := st.LitmusPaths(c.File)
	if c.Litmus != "" {
		paths = []string{c.Litmus}
	}
	var changed string
	var changedSrc []byte
	for _, p := range paths {
		b, err := litmus.ReadSource(p)
		if err != nil {
			if c.Litmus != "" {
				fmt.Fprintf(stderr, "mmcheck: --litmus: %v\n", err)
				return "", nil, exitBadInput
			}
			continue
		}
		if explorer.HashSource(b) == st.FileHash {
			return p, b, exitVerified
		}
		if changed == "" {
			changed, changedSrc = p, b
		}
	}
	if changed != "" {
		fmt.Fprintf(stderr, "mmcheck: %s has changed since the trace was saved (sha256 %.12s, the trace has %.12s): the trace is of the file as it was; run 'mmcheck explore --save-trace DIR %s' for a trace of it as it is, or give the file as it was with --litmus FILE\n",
			changed, explorer.HashSource(changedSrc), st.FileHash, changed)
		return "", nil, exitBadInput
	}
	fmt.Fprintf(stderr, "mmcheck: %s: the trace's litmus file %s is not found (looked for %s); give it with --litmus FILE\n", c.File, st.File, strings.Join(paths, ", "))
	return "", nil, exitBadInput
}

// maxTraceSize bounds a saved trace: the biggest counterexample of the
// protocol suite saves to well under a megabyte.
const maxTraceSize = 64 << 20
