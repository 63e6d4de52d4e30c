package reports

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"mmcheck/explorer"
	"mmcheck/model"
)

// Options control rendering.
type Options struct {
	Quiet bool // only the verdict line
	Width int  // terminal width for traces; 0 means 100

	_ struct{}
}

// Text writes a human-readable report of r: the verdict, the statistics,
// the final states and, for a counterexample, its trace.
func Text(w io.Writer, r *explorer.Result, opts Options) error {
	v := buildView(r)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s under %s: %s", v.File, v.Test, v.Model, v.Verdict)
	if v.Reason != "" {
		fmt.Fprintf(&b, " (%s)", v.Reason)
	}
	b.WriteString("\n")
	if opts.Quiet {
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "  %s", plural(v.Stats.Executions, "execution"))
	var extra []string
	if v.Stats.Blocked > 0 {
		extra = append(extra, fmt.Sprintf("%d blocked", v.Stats.Blocked))
	}
	if v.Stats.Cut > 0 {
		extra = append(extra, fmt.Sprintf("%d cut by the loop bound", v.Stats.Cut))
	}
	if v.Stats.Assumed > 0 {
		extra = append(extra, fmt.Sprintf("%d discarded by assume/filter", v.Stats.Assumed))
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, " (+%s)", strings.Join(extra, ", "))
	}
	fmt.Fprintf(&b, ", %s, %s\n", plural(v.Stats.States, "state"), fmtDuration(r.Duration))
	if len(v.States) > 0 && len(r.Prog.Observed) > 0 {
		fmt.Fprintf(&b, "  final states (%d):\n", len(v.States))
		for _, s := range v.States {
			mark := " "
			if s.Satisfies && v.Cond != "" {
				mark = "*"
			}
			fmt.Fprintf(&b, "   %s %s  (%d)\n", mark, s.Text, s.Count)
		}
	}
	if v.LBFree && v.LBPlain {
		fmt.Fprintf(&b, "  load buffering ruled out: every possible cycle of accesses is either ordered by happens-before at each CPU or passes through one plain access bounded on both sides, which plain-coherence forbids, so no execution has a po-rf cycle and DPOR's search is complete\n")
	} else if v.LBFree {
		fmt.Fprintf(&b, "  load buffering ruled out: in every CPU, each read that may read from another CPU on a possible cycle of accesses is ordered before every later write another CPU may read, so no execution has a po-rf cycle and DPOR's search is complete\n")
	}
	if v.Speculated > 0 {
		reads := fmt.Sprintf("one of %d reads", v.Speculated)
		if v.Speculated == 1 {
			reads = "one read"
		}
		fmt.Fprintf(&b, "  load buffering covered: every po-rf cycle must pass through %s, so DPOR speculated: it gave each every value its location may hold, then a write of that value, and its search is complete\n", reads)
	}
	for _, f := range v.Flags {
		fmt.Fprintf(&b, "  flag %s: %s\n", f, flagText(f))
	}
	if v.Cond != "" {
		fmt.Fprintf(&b, "  condition %s: %s (%d satisfy, %d do not)\n", v.Cond, v.Observation, v.Positive, v.Negative)
		if v.Partial != "" {
			fmt.Fprintf(&b, "  counts are partial: %s\n", v.Partial)
		}
	}
	for _, cx := range v.Counterexamples {
		writeTrace(&b, r.Prog, cx, opts.Width)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// flagText explains a flag of the model.
func flagText(f string) string {
	switch f {
	case "data-race":
		return "some execution has a data race on a plain access (--check-races reports one as a counterexample)"
	case "mixed-accesses":
		return "some CPU has a plain write and a marked access of one location with no barrier between them (linux-kernel.cat)"
	}
	return "raised by the model on some execution"
}

func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func writeTrace(b *strings.Builder, p *model.Program, cx *traceView, width int) {
	fmt.Fprintf(b, "\n%s: %s\n", cx.Kind, cx.Msg)
	if cx.Where != "" {
		fmt.Fprintf(b, "  at %s\n", cx.Where)
	}
	fmt.Fprintf(b, "\ntrace (%d steps):\n", len(cx.Steps))
	if writeColumns(b, p, cx, width) {
		return
	}
	ww := 0
	for _, s := range cx.Steps {
		if n := len(s.Where); n > ww {
			ww = n
		}
	}
	for _, s := range cx.Steps {
		op := s.Op
		if s.Call != "" {
			op = s.Call + ": " + op
		}
		fmt.Fprintf(b, "  %3d  P%-2d %-*s  %s\n", s.N, s.CPU, ww, s.Where, op)
		eff := s.Effect
		if s.Mark != "" {
			eff += "   <-- " + s.Mark
		}
		fmt.Fprintf(b, "  %3s  %-3s %-*s    %s\n", "", "", ww, "", eff)
		if s.Why != "" {
			fmt.Fprintf(b, "  %3s  %-3s %-*s    %s\n", "", "", ww, "", s.Why)
		}
	}
	if len(cx.Ends) > 0 {
		b.WriteString("\n")
	}
	for _, l := range cx.Ends {
		fmt.Fprintf(b, "  %s\n", l)
	}
}

// writeColumns draws the trace with one column per CPU, if every step's
// operation and effect fit in a column of the given width; it reports
// whether it did (else the caller writes a CPU label per line).
func writeColumns(b *strings.Builder, p *model.Program, cx *traceView, width int) bool {
	if width <= 0 {
		width = 100
	}
	n := len(p.Threads)
	if n == 0 {
		return false
	}
	const gutter = 7 // "  123  "
	col := (width - gutter) / n
	if col < 24 {
		return false
	}
	cell := func(s stepView) (string, string) {
		op := fmt.Sprintf(":%s %s", s.Where[strings.LastIndexByte(s.Where, ':')+1:], s.Op)
		if s.Call != "" {
			op = fmt.Sprintf(":%s %s: %s", s.Where[strings.LastIndexByte(s.Where, ':')+1:], s.Call, s.Op)
		}
		eff := s.Effect
		if s.Mark != "" {
			eff += " <-- " + s.Mark
		}
		return op, eff
	}
	for _, s := range cx.Steps {
		op, eff := cell(s)
		if len([]rune(op)) > col-2 || len([]rune(eff)) > col-2 {
			return false
		}
	}
	var hdr strings.Builder
	hdr.WriteString(strings.Repeat(" ", gutter))
	for t := 0; t < n; t++ {
		fmt.Fprintf(&hdr, "%-*s", col, fmt.Sprintf("P%d", t))
	}
	b.WriteString(strings.TrimRight(hdr.String(), " ") + "\n")
	pad := func(t int) string { return strings.Repeat(" ", gutter+t*col) }
	for _, s := range cx.Steps {
		op, eff := cell(s)
		fmt.Fprintf(b, "  %3d  %s%s\n", s.N, strings.Repeat(" ", s.CPU*col), op)
		fmt.Fprintf(b, "%s  %s\n", pad(s.CPU), eff)
		if s.Why != "" {
			fmt.Fprintf(b, "%s  %s\n", pad(0), s.Why)
		}
	}
	if len(cx.Ends) > 0 {
		b.WriteString("\n")
	}
	for _, l := range cx.Ends {
		fmt.Fprintf(b, "  %s\n", l)
	}
	return true
}

func base(path string) string { return filepath.Base(path) }

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
