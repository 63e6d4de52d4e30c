package reports

import (
	"fmt"
	"io"
	"strings"

	"mmcheck/explorer"
	"mmcheck/model"
)

// Herd writes r in herd7's output format, so that scripts that read
// herd7's output (the kernel's tools/memory-model/scripts) can read
// mmcheck's:
//
//	Test NAME Allowed|Forbidden|Required
//	States N
//	<one final state per line>
//	Ok|No
//	Witnesses
//	Positive: P Negative: N
//	[Flag data-race]
//	Condition exists (...)
//	Observation NAME Never|Sometimes|Always P N
//	Time NAME SECONDS
//
// States are the distinct final states of complete executions; Positive
// and Negative count executions whose final state does or does not
// satisfy the condition's proposition. When a goal-directed search decided
// the test (Result.Partial), the observation is herd7's but the states and
// counts are those of the executions it built.
func Herd(w io.Writer, r *explorer.Result) error {
	p := r.Prog
	var b strings.Builder
	kind, cond := "Allowed", "exists (true)"
	ok := r.Positive > 0
	if p.Cond != nil {
		cond = p.Cond.Kind.String() + " " + p.Cond.Text
		switch p.Cond.Kind {
		case model.NotExists:
			kind, ok = "Forbidden", r.Positive == 0
		case model.Forall:
			kind, ok = "Required", r.Negative == 0
		}
	}
	fmt.Fprintf(&b, "Test %s %s\n", p.Name, kind)
	fmt.Fprintf(&b, "States %d\n", len(r.Outcomes))
	for _, o := range r.Outcomes {
		fmt.Fprintf(&b, "%s\n", StateText(p, o.Values))
	}
	if ok {
		b.WriteString("Ok\n")
	} else {
		b.WriteString("No\n")
	}
	b.WriteString("Witnesses\n")
	fmt.Fprintf(&b, "Positive: %d Negative: %d\n", r.Positive, r.Negative)
	for _, f := range r.Flags {
		fmt.Fprintf(&b, "Flag %s\n", f)
	}
	fmt.Fprintf(&b, "Condition %s\n", cond)
	fmt.Fprintf(&b, "Observation %s %s %d %d\n", p.Name, r.Observation, r.Positive, r.Negative)
	fmt.Fprintf(&b, "Time %s %.2f\n", p.Name, r.Duration.Seconds())
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
