package reports

import (
	"fmt"
	"strings"

	"mmcheck/explorer"
	"mmcheck/model"
)

// view is what every renderer shows, computed once from a Result.
type view struct {
	File            string         `json:"file"`
	Test            string         `json:"test"`
	Model           string         `json:"model"`
	Verdict         string         `json:"verdict"`
	Reason          string         `json:"reason,omitempty"`
	Stats           explorer.Stats `json:"stats"`
	Seconds         float64        `json:"seconds"`
	Cond            string         `json:"condition,omitempty"`
	Observation     string         `json:"observation,omitempty"`
	Positive        int64          `json:"positive"`
	Negative        int64          `json:"negative"`
	Partial         string         `json:"partial,omitempty"`    // why the counts are not of every execution
	LBFree          bool           `json:"lb_free,omitempty"`    // load buffering ruled out statically; DPOR was complete
	LBPlain         bool           `json:"lb_plain,omitempty"`   // ... some cycles by plain-coherence
	Speculated      int            `json:"speculated,omitempty"` // reads whose values DPOR speculated, to be complete with load buffering
	Flags           []string       `json:"flags,omitempty"`      // flags the model raised (herd7's "Flag data-race")
	States          []stateView    `json:"states"`
	Counterexamples []*traceView   `json:"counterexamples,omitempty"`
}

type stateView struct {
	Text      string `json:"state"`
	Count     int64  `json:"executions"`
	Satisfies bool   `json:"satisfies"`
}

type traceView struct {
	Kind  string     `json:"kind"`
	Msg   string     `json:"message"`
	Where string     `json:"where,omitempty"`
	Steps []stepView `json:"steps"`
	Ends  []string   `json:"ends,omitempty"`
}

type stepView struct {
	N      int    `json:"step"`
	CPU    int    `json:"cpu"`
	Where  string `json:"where"`
	Op     string `json:"op"`
	Effect string `json:"effect"`
	Call   string `json:"call,omitempty"`
	Why    string `json:"why,omitempty"`
	Mark   string `json:"mark,omitempty"`
}

func buildView(r *explorer.Result) *view {
	p := r.Prog
	v := &view{File: base(p.File), Test: p.Name, Model: r.Model.Name, Verdict: r.Verdict.String(), Reason: r.Reason,
		Stats: r.Stats, Seconds: r.Duration.Seconds(), Positive: r.Positive, Negative: r.Negative, Partial: r.Partial, LBFree: r.LBFree, LBPlain: r.LBPlain, Speculated: r.Speculated, Flags: r.Flags}
	if p.Cond != nil {
		v.Cond = p.Cond.Kind.String() + " " + p.Cond.Text
		v.Observation = r.Observation.String()
	}
	for _, o := range r.Outcomes {
		v.States = append(v.States, stateView{Text: StateText(p, o.Values), Count: o.Count, Satisfies: o.Satisfies})
	}
	for _, cx := range r.Violations {
		v.Counterexamples = append(v.Counterexamples, buildTrace(p, cx))
	}
	if len(r.Violations) == 0 && r.Witness != nil && r.Verdict == explorer.Fail {
		v.Counterexamples = append(v.Counterexamples, buildTrace(p, r.Witness))
	}
	return v
}

// StateText renders a final state as herd7 does: "0:r0=1; x=2;".
func StateText(p *model.Program, vals []model.Value) string {
	var b strings.Builder
	for i, t := range p.Observed {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s=%s;", p.TermName(t), p.FormatValue(vals[i], p.TermIsPtr(t)))
	}
	return b.String()
}
