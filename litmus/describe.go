package litmus

import (
	"fmt"
	"strings"

	"mmcheck/model"
)

// Describe renders a whole program as mmcheck understood it: its
// objects and locations with their initial values, each CPU's code as
// [DisasmProgram] lists it, the condition, the observed terms, the
// leak checks and the features used. `mmcheck lower FILE` prints it.
func Describe(p *model.Program) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name %s\n", p.Name)
	for i, o := range p.Objects {
		fmt.Fprintf(&b, "object %d %s %s base=%d size=%d\n", i, o.Name, o.Type, o.Base, o.Size)
	}
	for i, l := range p.Locs {
		extra := ""
		if l.IsPtr {
			extra += " ptr"
		}
		if l.Lock {
			extra += " lock"
		}
		fmt.Fprintf(&b, "loc %d %s = %s%s\n", i, l.Name, p.FormatValue(p.Init[i], l.IsPtr), extra)
	}
	for _, th := range p.Threads {
		fmt.Fprintf(&b, "%s:\n%s", th.Name, DisasmProgram(p, th))
	}
	if p.Cond != nil {
		fmt.Fprintf(&b, "cond %s %s\n", p.Cond.Kind, p.Cond.Text)
	}
	var obs []string
	for _, t := range p.Observed {
		obs = append(obs, p.TermName(t))
	}
	fmt.Fprintf(&b, "observed %s\n", strings.Join(obs, " "))
	if len(p.LeakCheck) > 0 {
		fmt.Fprintf(&b, "leak_check %v\n", p.LeakCheck)
	}
	fmt.Fprintf(&b, "features %s\n", strings.Join(p.Features, ","))
	return b.String()
}
