package reports

// The report of `mmcheck weaken`: which orderings a program needs.

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"mmcheck/model"
	"mmcheck/weaken"
)

// weakenView is a [weaken.Report] as JSON shows it; the text report is
// written from it too.
type weakenView struct {
	File     string `json:"file"`
	Test     string `json:"test"`
	Model    string `json:"model"`
	Original struct {
		Verdict string `json:"verdict"`
		Reason  string `json:"reason,omitempty"`
	} `json:"original"`
	Sites        []weakenSiteView `json:"sites"`
	Minimal      *weakenMinView   `json:"minimal,omitempty"`
	Decided      bool             `json:"decided"`               // every site needed or redundant, and not interrupted
	Interrupted  bool             `json:"interrupted,omitempty"` // stopped (Ctrl-C, SIGTERM) before the end
	Explorations int              `json:"explorations"`
}

type weakenSiteView struct {
	Pos       string   `json:"pos"`           // line:col, or file:line:col for an included file
	CPU       *int     `json:"cpu,omitempty"` // --per-call: the CPU of this call
	Via       []string `json:"via,omitempty"` // --per-call: the helpers inlined, outermost first
	Line      int      `json:"line"`
	Col       int      `json:"col"`
	Primitive string   `json:"primitive"`
	Text      string   `json:"text"`
	Kind      string   `json:"kind"`
	Instrs    int      `json:"instructions"` // instructions of the lowered program it gave
	Verdict   string   `json:"verdict"`
	Weakest   string   `json:"weakest,omitempty"` // the weakest form that verifies
	// DependsOn: a dependency site's reads, "line:col text".
	DependsOn []string        `json:"depends_on,omitempty"`
	Tries     []weakenTryView `json:"tries"`
}

type weakenTryView struct {
	From    string `json:"from"`
	Form    string `json:"form"`
	Kernel  bool   `json:"kernel"` // the form is a kernel primitive
	Verdict string `json:"verdict"`
	Reason  string `json:"reason,omitempty"`
	At      string `json:"at,omitempty"` // needed: where the counterexample's violation is
	Note    string `json:"note,omitempty"`
	// Trace: needed, the counterexample's reference ("T1"), and the
	// file it was saved in, if it was.
	Trace     string `json:"trace,omitempty"`
	TraceFile string `json:"trace_file,omitempty"`
}

type weakenMinView struct {
	Together       bool               `json:"together"` // every redundant site weakened together verifies
	TogetherReason string             `json:"together_reason,omitempty"`
	Changes        []weakenChangeView `json:"changes"`
	Rejected       []weakenRejectView `json:"rejected,omitempty"`
	Interrupted    bool               `json:"interrupted,omitempty"` // stopped before the set was complete
}

type weakenChangeView struct {
	Pos     string `json:"pos"`
	From    string `json:"from"`
	To      string `json:"to"`
	Old     string `json:"old,omitempty"` // the source line
	New     string `json:"new,omitempty"` // the line weakened
	Deleted bool   `json:"deleted,omitempty"`
	// Calls: a site of one call of a helper (--per-call): the chain of
	// calls that leads to it, outermost first, "P2 calls put at 24:2"
	// (the line is the helper's, every call's).
	Calls []string `json:"calls,omitempty"`
}

type weakenRejectView struct {
	weakenChangeView
	With      []string `json:"with"` // the set kept so far: "pos from -> to"
	Reason    string   `json:"reason"`
	Trace     string   `json:"trace,omitempty"`
	TraceFile string   `json:"trace_file,omitempty"`
}

func buildWeakenView(r *weaken.Report) *weakenView {
	v := &weakenView{File: base(r.Prog.File), Test: r.Prog.Name, Model: r.Model.Name, Explorations: r.Runs, Sites: []weakenSiteView{}}
	v.Original.Verdict, v.Original.Reason = r.Base.Verdict.String(), r.Base.Reason
	v.Decided = r.Sites != nil && r.Decided()
	v.Interrupted = r.Interrupted
	type tk struct{ site, try int }
	traces := map[tk]string{}
	for _, tr := range r.Traces() {
		traces[tk{tr.Site, tr.Try}] = tr.ID
	}
	for i, s := range r.Sites {
		sv := weakenSiteView{Pos: sitePos(r, &s.Site), Line: s.Pos.Line, Col: s.Pos.Col, Primitive: s.Orig.Prim,
			Text: s.Text, Kind: s.Kind.String(), Instrs: len(s.Instrs), Verdict: s.Verdict.String(), Tries: []weakenTryView{}}
		if r.PerCall {
			cpu := s.Thread
			sv.CPU, sv.Via = &cpu, s.Via
		}
		if s.Weakest >= 0 {
			sv.Weakest = s.Tries[s.Weakest].Form.String()
		}
		for _, d := range s.On {
			sv.DependsOn = append(sv.DependsOn, posIn(r, d.Pos)+" "+d.Text)
		}
		for k, t := range s.Tries {
			tv := weakenTryView{From: t.From.String(), Form: t.Form.String(), Kernel: t.Form.Kernel(), Verdict: t.Verdict.String(), Reason: t.Reason,
				Note: weaken.Note(t.From, t.Form)}
			if id := traces[tk{i, k}]; id != "" {
				tv.Trace, tv.TraceFile = id, r.TraceFiles[id]
			}
			if t.Verdict == weaken.Needed && t.Result != nil && len(t.Result.Violations) > 0 {
				at := t.Result.Violations[0].Violation.Pos
				at.File = base(at.File)
				tv.At = at.String()
			}
			sv.Tries = append(sv.Tries, tv)
		}
		v.Sites = append(v.Sites, sv)
	}
	if m := r.Minimal; m != nil {
		mv := &weakenMinView{Together: m.Together, TogetherReason: m.TogetherReason, Changes: []weakenChangeView{}, Interrupted: m.Interrupted}
		for _, ch := range m.Changes {
			mv.Changes = append(mv.Changes, changeView(r, ch))
		}
		for k, rj := range m.Rejected {
			rv := weakenRejectView{weakenChangeView: changeView(r, rj.Change), Reason: rj.Reason, With: []string{}}
			if id := traces[tk{-1, k}]; id != "" {
				rv.Trace, rv.TraceFile = id, r.TraceFiles[id]
			}
			for _, w := range rj.With {
				c := changeView(r, w)
				rv.With = append(rv.With, fmt.Sprintf("%s %s -> %s", c.Pos, c.From, c.To))
			}
			mv.Rejected = append(mv.Rejected, rv)
		}
		v.Minimal = mv
	}
	return v
}

// posIn is a position as the report shows it: line:col in the program's
// own file, file:line:col in an included one.
func posIn(r *weaken.Report, p model.Pos) string {
	if p.File == r.Prog.File {
		p.File = ""
	} else {
		p.File = base(p.File)
	}
	return p.String()
}

func sitePos(r *weaken.Report, s *weaken.Site) string {
	p := posIn(r, s.Pos)
	if r.PerCall {
		// One call: say which, "lazymm.h:178:6 (P1: mmput > mmdrop)".
		call := fmt.Sprintf("P%d", s.Thread)
		if len(s.Via) > 0 {
			call += ": " + strings.Join(s.Via, " > ")
		}
		return p + " (" + call + ")"
	}
	return p
}

func changeView(r *weaken.Report, ch weaken.Change) weakenChangeView {
	s := &r.Sites[ch.Site]
	c := weakenChangeView{Pos: sitePos(r, &s.Site), From: s.Orig.String(), To: ch.Form.String()}
	if old, new, deleted, ok := weaken.Patch(r, ch); ok {
		c.Old, c.New, c.Deleted = old, new, deleted
	}
	for _, l := range r.CallChain(&s.Site) {
		var at []string
		for _, p := range l.At {
			at = append(at, posIn(r, p))
		}
		where := "at a line not found in the source (a macro's call?)"
		if len(at) > 0 {
			where = "at " + strings.Join(at, " and ")
		}
		c.Calls = append(c.Calls, fmt.Sprintf("%s calls %s %s", l.Caller, l.Callee, where))
	}
	return c
}

// WeakenJSON writes a weakening report as one JSON object.
func WeakenJSON(w io.Writer, r *weaken.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(buildWeakenView(r))
}

// WeakenText writes a weakening report for people: a verdict line, the
// table of sites in source order (one row per weaker form tried), and the
// minimal sufficient set as -/+ lines of the source. The report of a
// program that did not verify is its verdict line only (the caller
// prints the exploration's own report).
func WeakenText(w io.Writer, r *weaken.Report) error {
	v := buildWeakenView(r)
	b := &strings.Builder{}
	if r.Sites == nil && r.Base.Verdict.String() != "verified" {
		fmt.Fprintf(b, "%s: %s under %s: not weakened: the program is not verified (%s: %s)\n", v.File, v.Test, v.Model, v.Original.Verdict, v.Original.Reason)
		_, err := io.WriteString(w, b.String())
		return err
	}
	// The header counts the ordering sites and the dependencies apart.
	count := map[bool]map[string]int{false: {}, true: {}}
	deps := 0
	for _, s := range v.Sites {
		dep := strings.HasSuffix(s.Kind, "-dep")
		count[dep][s.Verdict]++
		if dep {
			deps++
		}
	}
	summary := func(c map[string]int) string {
		var parts []string
		for _, k := range []string{"needed", "redundant", "no weaker form", "unknown"} {
			if c[k] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c[k], k))
			}
		}
		if len(parts) == 0 {
			return "none"
		}
		return strings.Join(parts, ", ")
	}
	head := fmt.Sprintf("%d ordering sites: %s", len(v.Sites)-deps, summary(count[false]))
	if deps > 0 {
		noun := "dependencies"
		if deps == 1 {
			noun = "dependency"
		}
		head += fmt.Sprintf("; %d %s: %s", deps, noun, summary(count[true]))
	}
	fmt.Fprintf(b, "%s: %s under %s: %s (%d explorations)\n", v.File, v.Test, v.Model, head, v.Explorations)
	if len(v.Sites) == 0 {
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "site\tprimitive\tweaker form\tverdict\ttrace\twhy")
	nonKernel := false
	var traces []string
	for _, s := range v.Sites {
		dep := strings.HasSuffix(s.Kind, "-dep")
		text := s.Text
		if dep {
			// "READ_ONCE(*r0): address dependency on 17:7"
			var on []string
			for _, d := range s.DependsOn {
				at, _, _ := strings.Cut(d, " ")
				on = append(on, at)
			}
			if len(on) > 3 {
				// The JSON has them all.
				on = append(on[:3], fmt.Sprintf("%d more", len(on)-3))
			}
			text = fmt.Sprintf("%s: %s dependency on %s", s.Text, depNoun(s.Kind), strings.Join(on, ", "))
		}
		chain := map[string]string{s.Primitive: ""}
		for i, t := range s.Tries {
			form := t.Form
			if !t.Kernel && !dep {
				form += "*"
				nonKernel = true
			}
			if c := chain[t.From]; c != "" {
				form = c + " -> " + form
			}
			chain[t.Form] = form
			pos, text := s.Pos, text
			if i > 0 {
				pos, text = "", ""
			}
			why := t.Reason
			if t.At != "" {
				why += " (at " + t.At + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", pos, text, form, t.Verdict, t.Trace, why)
			if t.Note != "" {
				fmt.Fprintf(tw, "\t\t\t\t\tnote: %s\n", t.Note)
			}
			if t.TraceFile != "" {
				traces = append(traces, t.Trace+"  "+t.TraceFile)
			}
		}
		if len(s.Tries) == 0 {
			why := "not tried"
			if s.Verdict == weaken.NoWeaker.String() {
				why = "no weaker kernel form"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\t%s\n", s.Pos, text, "-", s.Verdict, why)
		}
	}
	tw.Flush()
	// tabwriter pads the last column's empty cells.
	b2 := &strings.Builder{}
	for _, l := range strings.SplitAfter(b.String(), "\n") {
		b2.WriteString(strings.TrimRight(strings.TrimSuffix(l, "\n"), " "))
		if strings.HasSuffix(l, "\n") {
			b2.WriteString("\n")
		}
	}
	b = b2
	if nonKernel {
		b.WriteString("* not a kernel primitive: tried to see which half of the ordering the site needs\n")
	}
	if deps > 0 {
		b.WriteString("dependencies: reported, never in the minimal set (breaking one, the model told of no such dependency there, is not a source edit)\n")
	}
	b.WriteString("\n")
	m := v.Minimal
	switch {
	case m == nil && r.Interrupted:
		b.WriteString("minimal sufficient set: not searched (interrupted)\n")
	case m == nil:
		b.WriteString("minimal sufficient set: none (no site is redundant)\n")
	case m.Interrupted:
		b.WriteString("minimal sufficient set: interrupted before it was complete; kept so far:\n")
	case m.Together:
		fmt.Fprintf(b, "minimal sufficient set (every redundant site weakened together verifies):\n")
	default:
		fmt.Fprintf(b, "minimal sufficient set (weakening every redundant site together gives %s; built greedily in source order):\n", m.TogetherReason)
	}
	if m != nil {
		for _, c := range m.Changes {
			writeChange(b, v.File, c)
		}
		if len(m.Rejected) > 0 {
			b.WriteString("not added (the combination that broke):\n")
			for _, rj := range m.Rejected {
				with := "nothing else"
				if len(rj.With) > 0 {
					with = strings.Join(rj.With, ", ")
				}
				ref := ""
				if rj.Trace != "" {
					ref = " [" + rj.Trace + "]"
				}
				fmt.Fprintf(b, "  %s %s -> %s, with %s: %s%s\n", rj.Pos, rj.From, rj.To, with, rj.Reason, ref)
				if rj.TraceFile != "" {
					traces = append(traces, rj.Trace+"  "+rj.TraceFile)
				}
			}
		}
	}
	if len(traces) == 0 && r.TraceFiles == nil && len(r.Traces()) > 0 {
		b.WriteString("\ntrace T<n>: the counterexample of that weakening (--traces DIR saves each for 'mmcheck trace')\n")
	}
	if len(traces) > 0 {
		b.WriteString("\ntraces saved (render or replay each with 'mmcheck trace FILE'):\n")
		for _, t := range traces {
			fmt.Fprintf(b, "  %s\n", t)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// depNoun names a dependency site's kind: "address", "data", "control".
func depNoun(kind string) string {
	switch kind {
	case "addr-dep":
		return "address"
	case "data-dep":
		return "data"
	}
	return "control"
}

func writeChange(b *strings.Builder, file string, c weakenChangeView) {
	pos := c.Pos
	if at, _, _ := strings.Cut(pos, " ("); strings.Count(at, ":") < 2 {
		pos = file + ":" + pos // else the site is in an included file, named
	}
	fmt.Fprintf(b, "%s: %s -> %s\n", pos, c.From, c.To)
	if len(c.Calls) > 0 {
		// The line is the helper's: say which call the edit is for.
		b.WriteString("  for this call only (the line is the helper's, every call's):\n")
		for _, l := range c.Calls {
			fmt.Fprintf(b, "    %s\n", l)
		}
	}
	if c.Old == "" {
		return
	}
	fmt.Fprintf(b, "-%s\n", c.Old)
	if !c.Deleted {
		fmt.Fprintf(b, "+%s\n", c.New)
	}
}
