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
}

func buildView(r *explorer.Result) *view {
	p := r.Prog
	v := &view{File: base(p.File), Test: p.Name, Model: r.Model.Name, Verdict: r.Verdict.String(), Reason: r.Reason,
		Stats: r.Stats, Seconds: r.Duration.Seconds(), Positive: r.Positive, Negative: r.Negative}
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

func buildTrace(p *model.Program, cx *explorer.Counterexample) *traceView {
	x := cx.Exec
	viol := cx.Violation
	tv := &traceView{Kind: viol.Kind.String(), Msg: viol.Msg}
	if viol.Pos.IsValid() {
		tv.Where = viol.Pos.String()
		if viol.OtherPos.IsValid() {
			tv.Where += "; related: " + viol.OtherPos.String()
		}
	}
	ord := explorer.Linearize(x)
	stepOf := map[model.EventID]int{}
	for i, id := range ord {
		stepOf[id] = i + 1
	}
	for i, id := range ord {
		e := x.Ev(id)
		th := p.Threads[id.Thread]
		in := &th.Code[e.Instr]
		s := stepView{N: i + 1, CPU: int(id.Thread), Where: base(in.Pos.File) + ":" + fmt.Sprint(in.Pos.Line), Op: in.Text,
			Call: strings.Join(in.Call, " > ")}
		switch e.Kind {
		case model.EvRead:
			src := "the initial value"
			if !e.RF.IsInit() {
				src = fmt.Sprintf("P%d step %d", e.RF.Thread, stepOf[e.RF])
			}
			s.Effect = fmt.Sprintf("reads %s = %s from %s", p.Locs[e.Loc].Name, p.FormatValue(e.Val, p.Locs[e.Loc].IsPtr), src)
			if e.RMW {
				s.Effect += " (RMW)"
			}
		case model.EvWrite:
			s.Effect = fmt.Sprintf("writes %s = %s", p.Locs[e.Loc].Name, p.FormatValue(e.Val, p.Locs[e.Loc].IsPtr))
		case model.EvFence:
			s.Effect = e.Fence.String()
		case model.EvFree:
			s.Effect = "frees " + p.Objects[e.Loc].Name
		}
		if id == viol.Event {
			s.Effect += "   <-- " + viol.Kind.String()
		}
		if id == viol.Other {
			s.Effect += "   <-- related"
		}
		tv.Steps = append(tv.Steps, s)
	}
	for t, st := range x.Status {
		if st != model.Done {
			tv.Ends = append(tv.Ends, fmt.Sprintf("P%d %s", t, st))
		}
	}
	return tv
}
