package weaken

import (
	"fmt"
	"path/filepath"
	"slices"

	"mmcheck/explorer"
	"mmcheck/model"
)

// A Trace is the counterexample of one weakening that did not verify: a
// needed try of a site, or a combination the minimal set rejected. The
// report refers to it by ID; [Report.Save] makes it a file that `mmcheck
// trace` renders and replays.
type Trace struct {
	ID string // "T1", "T2", ...: in the order the report shows them
	// Site and Try: the try Sites[Site].Tries[Try]; Site is -1 for a
	// rejection of the minimal set, Minimal.Rejected[Try].
	Site, Try int
	Changes   []Change // the weakening explored
	CX        *explorer.Counterexample
}

// counterexample returns the counterexample an exploration kept: its
// first violation, or the witness of the condition's failure; nil if
// it has none (a flag raised on executions that verify).
func counterexample(res *explorer.Result) *explorer.Counterexample {
	switch {
	case res == nil || res.Verdict != explorer.Fail:
		return nil
	case len(res.Violations) > 0:
		return res.Violations[0]
	}
	return res.Witness
}

// Traces returns the report's counterexamples, numbered in the order the
// report shows them: each site's needed tries in source order, then the
// minimal set's rejections. A needed try with no counterexample (a flag
// raised) has none.
func (r *Report) Traces() []Trace {
	var out []Trace
	add := func(site, try int, changes []Change, res *explorer.Result) {
		if cx := counterexample(res); cx != nil {
			out = append(out, Trace{ID: fmt.Sprintf("T%d", len(out)+1), Site: site, Try: try, Changes: changes, CX: cx})
		}
	}
	for i, s := range r.Sites {
		for k, t := range s.Tries {
			if t.Verdict == Needed {
				add(i, k, []Change{{i, t.Form}}, t.Result)
			}
		}
	}
	if r.Minimal != nil {
		for k, rj := range r.Minimal.Rejected {
			add(-1, k, append(slices.Clone(rj.With), rj.Change), rj.Result)
		}
	}
	return out
}

// sitesOnly returns the sites of the report without their findings.
func (r *Report) sitesOnly() []Site {
	s := make([]Site, len(r.Sites))
	for i := range r.Sites {
		s[i] = r.Sites[i].Site
	}
	return s
}

// Program returns the report's program with the changes made ([Apply]).
func (r *Report) Program(changes []Change) *model.Program {
	return Apply(r.Prog, r.sitesOnly(), changes)
}

// Save returns tr as a saved trace to be written in directory dir (see
// explorer.Counterexample.SaveIn): the trace of the weakened program,
// with the weakenings listed (SavedTrace.Weakened) so that [ApplySaved]
// makes them again before it replays. src is the litmus file's source,
// whose hash the trace records.
func (r *Report) Save(tr Trace, dir string, src []byte) *explorer.SavedTrace {
	st := tr.CX.SaveIn(dir, r.Program(tr.Changes), r.Model, r.LoopBound, src)
	for _, ch := range tr.Changes {
		s := &r.Sites[ch.Site]
		w := explorer.SavedWeakening{Pos: savedPos(s.Pos), Prim: s.Orig.Prim, Kind: s.Kind.String(), Form: ch.Form.String()}
		if s.Thread >= 0 {
			cpu := s.Thread
			w.CPU, w.Via = &cpu, slices.Clone(s.Via)
		}
		st.Weakened = append(st.Weakened, w)
	}
	return st
}

// savedPos is a site's position as a saved trace records it: the file's
// base name, so that the trace reads wherever the files are.
func savedPos(p model.Pos) string {
	p.File = filepath.Base(p.File)
	return p.String()
}

// ApplySaved returns p (the litmus file of a saved trace, lowered) with
// the trace's weakenings made, as [Report.Save] recorded them; p itself
// if there are none. Its error says which weakening the program has no
// site or form for (the trace is of another program).
func ApplySaved(p *model.Program, ws []explorer.SavedWeakening) (*model.Program, error) {
	if len(ws) == 0 {
		return p, nil
	}
	perCall := ws[0].CPU != nil
	sites := sites(p, perCall, true)
	var changes []Change
	for _, w := range ws {
		at := -1
		for i := range sites {
			s := &sites[i]
			if savedPos(s.Pos) != w.Pos || s.Orig.Prim != w.Prim || s.Kind.String() != w.Kind {
				continue
			}
			if w.CPU != nil && (s.Thread != *w.CPU || !slices.Equal(s.Via, w.Via)) {
				continue
			}
			at = i
			break
		}
		if at < 0 {
			return nil, fmt.Errorf("the trace weakens %s %s at %s, which the program does not have", w.Kind, w.Prim, w.Pos)
		}
		form, ok := findForm(&sites[at], w.Form)
		if !ok {
			return nil, fmt.Errorf("the trace weakens %s at %s to %s, which is not on its ladder", w.Prim, w.Pos, w.Form)
		}
		changes = append(changes, Change{at, form})
	}
	return Apply(p, sites, changes), nil
}

// findForm finds the form named name down the ladder from site s's.
func findForm(s *Site, name string) (Form, bool) {
	queue := Down(s.Kind, s.Orig)
	for n := 0; len(queue) > 0 && n < 64; n++ {
		f := queue[0]
		queue = queue[1:]
		if f.String() == name {
			return f, true
		}
		queue = append(queue, Down(s.Kind, f)...)
	}
	return Form{}, false
}
