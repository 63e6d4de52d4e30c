package reports

import (
	"fmt"
	"io"
	"strings"

	"mmcheck/explorer"
	"mmcheck/model"
)

// Trace writes one counterexample as text (the same trace Text shows).
func Trace(w io.Writer, p *model.Program, cx *explorer.Counterexample) error {
	var b strings.Builder
	writeTrace(&b, p, buildTrace(p, cx), 0)
	_, err := io.WriteString(w, strings.TrimPrefix(b.String(), "\n"))
	return err
}

// buildTrace turns a counterexample into numbered steps: one per event, an
// RMW's read and write halves merged into one step ("mm.mm_count 1→0"),
// with the CPU, the source position, the inlined call chain, the
// operation's source text, its effect, where a read took its value from,
// and, for a read that misses a write already in the past of the trace,
// why the model allows it.
func buildTrace(p *model.Program, cx *explorer.Counterexample) *traceView {
	x := cx.Exec
	viol := cx.Violation
	tv := &traceView{Kind: viol.Kind.String(), Msg: viol.Msg}
	if viol.Pos.IsValid() {
		tv.Where = viol.Pos.Short()
		if viol.OtherPos.IsValid() {
			tv.Where += "; related: " + viol.OtherPos.Short()
		}
	}
	ord := cx.Order
	if ord == nil {
		ord = explorer.Linearize(x)
	}
	pos := map[model.EventID]int{} // index in ord
	for i, id := range ord {
		pos[id] = i
	}
	stepOf, merged := stepNumbers(x, ord)
	instr := func(id model.EventID) *model.Instr {
		return &p.Threads[id.Thread].Code[x.Ev(id).Instr]
	}
	where := func(id model.EventID) string {
		return fmt.Sprintf("%s:%d", base(instr(id).Pos.File), instr(id).Pos.Line)
	}
	val := func(loc int, v model.Value) string { return p.FormatValue(v, p.Locs[loc].IsPtr) }
	from := func(src model.EventID) string {
		if src.IsInit() {
			return "initial value"
		}
		return fmt.Sprintf("P%d step %d, %s", src.Thread, stepOf[src], where(src))
	}
	// Values as the trace goes, to show an object's fields when it is freed.
	cur := append([]model.Value(nil), p.Init...)
	// Where the story ends: the later of the violation's events (what
	// comes after it is not part of the counterexample).
	last := -1
	for _, id := range []model.EventID{viol.Event, viol.Other} {
		if isEvent(x, id) {
			if k, ok := pos[id]; ok && k > last {
				last = k
			}
			if e := x.Ev(id); e.Kind == model.EvRead && e.RMW {
				if k, ok := pos[model.EventID{Thread: id.Thread, Index: id.Index + 1}]; ok && k > last {
					last = k
				}
			}
		}
	}
	hidden := 0
	for i, id := range ord {
		if last >= 0 && i > last {
			if !merged[id] {
				hidden++
			}
			continue
		}
		e := x.Ev(id)
		if e.Kind == model.EvWrite {
			cur[e.Loc] = e.Val
		}
		if merged[id] {
			continue // shown with its read's step
		}
		in := instr(id)
		s := stepView{N: stepOf[id], CPU: int(id.Thread), Where: where(id), Op: in.Text, Call: strings.Join(in.Call, " > ")}
		loc := e.Loc
		switch e.Kind {
		case model.EvRead:
			name := p.Locs[loc].Name
			if e.RMW && int(id.Index)+1 < len(x.Events[id.Thread]) {
				w := &x.Events[id.Thread][id.Index+1]
				s.Effect = fmt.Sprintf("%s %s→%s (read from %s)", name, val(loc, e.Val), val(loc, w.Val), from(e.RF))
			} else {
				s.Effect = fmt.Sprintf("reads %s = %s (from %s)", name, val(loc, e.Val), from(e.RF))
			}
			if why := staleWhy(p, x, id, pos, stepOf, where); why != "" {
				s.Why = why
			}
			if k, ok := pos[e.RF]; ok && !e.RF.IsInit() && k > i {
				s.Why = fmt.Sprintf("load buffering: it reads P%d's write of step %d, later in this trace; the model lets this read complete after that write (no dependency or barrier orders the read before the writes that lead to it)", e.RF.Thread, stepOf[e.RF])
			}
		case model.EvWrite:
			s.Effect = fmt.Sprintf("%s = %s", p.Locs[loc].Name, val(loc, e.Val))
		case model.EvFence:
			s.Effect = e.Fence.String()
		case model.EvFree:
			s.Effect = "frees " + p.Objects[loc].Name
			if o := p.Objects[loc]; o.Size > 1 && o.Size <= 8 {
				var fields []string
				for l := o.Base; l < o.Base+o.Size; l++ {
					name := strings.TrimPrefix(p.Locs[l].Name, o.Name+".")
					fields = append(fields, name+" = "+val(l, cur[l]))
				}
				s.Effect += " (" + strings.Join(fields, ", ") + ")"
			}
		}
		if id == viol.Event || (viol.Event.Index > 0 && id.Thread == viol.Event.Thread && id.Index == viol.Event.Index-1 && x.Ev(viol.Event).RMW && x.Ev(viol.Event).Kind == model.EvWrite) {
			s.Mark = viol.Kind.String()
		}
		if id == viol.Other {
			s.Mark = "related"
			if viol.Kind == model.UseAfterFree || viol.Kind == model.DoubleFree {
				s.Mark = "freed here"
			}
		}
		tv.Steps = append(tv.Steps, s)
	}
	if hidden > 0 {
		tv.Ends = append(tv.Ends, fmt.Sprintf("(%d later steps of this execution not shown)", hidden))
	}
	// The closing sentence, with both positions.
	if isEvent(x, viol.Event) {
		ev := viol.Event
		line := fmt.Sprintf("%s: %s at %s on CPU %d (step %d)", viol.Kind, instr(ev).Text, where(ev), ev.Thread, stepOf[ev])
		if o := viol.Other; isEvent(x, o) {
			verb := "related to"
			switch viol.Kind {
			case model.UseAfterFree:
				verb = "freed by"
			case model.DoubleFree:
				verb = "already freed by"
			}
			line += fmt.Sprintf("; %s %s at %s on CPU %d (step %d)", verb, instr(o).Text, where(o), o.Thread, stepOf[o])
			if viol.Kind == model.UseAfterFree && ev.Thread != o.Thread && pos[ev] < pos[o] {
				if why := chainWhy(p, x, ev, o, where); why != "" {
					line += "\n  why: the access is earlier in this trace but not ordered before the free: " + why
				} else {
					line += "\n  why: nothing orders the access before the free under the model"
				}
			}
		}
		tv.Ends = append(tv.Ends, line)
	} else if viol.Kind == model.CondWitness || viol.Kind == model.Leak {
		tv.Ends = append(tv.Ends, fmt.Sprintf("%s: %s", viol.Kind, viol.Msg))
	}
	for t, st := range x.Status {
		if st != model.Done {
			tv.Ends = append(tv.Ends, fmt.Sprintf("P%d %s", t, st))
		}
	}
	return tv
}

// stepNumbers numbers the steps as the trace shows them; it is
// explorer.StepNumbers, which replay uses to name a step that differs
// from its saved trace, so both number them alike.
func stepNumbers(x *model.Execution, ord []model.EventID) (stepOf map[model.EventID]int, merged map[model.EventID]bool) {
	return explorer.StepNumbers(x, ord)
}

// isEvent reports whether id names an event of x (not an initial write,
// not NoEvent).
func isEvent(x *model.Execution, id model.EventID) bool {
	return id != model.NoEvent && !id.IsInit() && int(id.Thread) < len(x.Events) && int(id.Index) < len(x.Events[id.Thread])
}

// staleWhy explains a read that does not read the latest write to its
// location among the writes already shown before it in the trace: it
// names the newer write and the ordering that is missing for the read to
// be forced to see it.
func staleWhy(p *model.Program, x *model.Execution, r model.EventID, pos map[model.EventID]int, stepOf map[model.EventID]int, where func(model.EventID) string) string {
	e := x.Ev(r)
	k := x.COIndex(e.RF)
	var newer model.EventID
	found := false
	for _, w := range x.CO[e.Loc][k:] {
		if w.Thread == r.Thread {
			continue
		}
		if pw, ok := pos[w]; ok && pw < pos[r] {
			newer, found = w, true
		}
	}
	if !found {
		return ""
	}
	head := fmt.Sprintf("stale: P%d's %s (step %d) is newer", newer.Thread, p.Threads[newer.Thread].Code[x.Ev(newer).Instr].Text, stepOf[newer])
	if why := chainWhy(p, x, newer, r, where); why != "" {
		return head + "; " + why
	}
	return head + "; nothing orders it before this read under the model (no barrier or release/acquire chain)"
}

// chainWhy explains why event src (on one CPU) is not ordered before dst
// (on another) when the code looks as if it should be: it finds the
// message-passing chain the author probably relied on (src po-before a
// write W that a read R po-before dst reads) and names the ordering
// missing at W or R. It returns "" when there is no such chain.
func chainWhy(p *model.Program, x *model.Execution, src, dst model.EventID, where func(model.EventID) string) string {
	instr := func(id model.EventID) *model.Instr { return &p.Threads[id.Thread].Code[x.Ev(id).Instr] }
	for i := int(dst.Index) - 1; i >= 0; i-- {
		rd := &x.Events[dst.Thread][i]
		if rd.Kind != model.EvRead || rd.RF.IsInit() || rd.RF.Thread != src.Thread || rd.RF.Index <= src.Index {
			continue
		}
		rid := model.EventID{Thread: dst.Thread, Index: int32(i)}
		wid := rd.RF
		w := x.Ev(wid)
		if w.Order != model.Release && w.Order != model.Mb && !fenceBetween(x, src, wid, model.FenceWmb) {
			return fmt.Sprintf("no release on P%d's %s at %s (nor smp_wmb/smp_mb before it), so P%d's read of it at %s does not synchronize with it",
				wid.Thread, instr(wid).Text, where(wid), dst.Thread, where(rid))
		}
		if rd.Order != model.Acquire && rd.Order != model.Mb && !fenceBetween(x, rid, dst, model.FenceRmb) {
			return fmt.Sprintf("P%d's %s at %s is not an acquire (and no smp_rmb/smp_mb follows it), so it orders nothing after it",
				dst.Thread, instr(rid).Text, where(rid))
		}
	}
	return ""
}

// fenceBetween reports whether a barrier of the given kind, or a full one,
// lies in po strictly between a and b (same thread).
func fenceBetween(x *model.Execution, a, b model.EventID, kind model.FenceKind) bool {
	if a.Thread != b.Thread {
		return false
	}
	for i := a.Index + 1; i < b.Index; i++ {
		e := &x.Events[a.Thread][i]
		if e.Kind == model.EvFence && (e.Fence == kind || e.Fence == model.FenceMb) {
			return true
		}
	}
	return false
}
