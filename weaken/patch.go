package weaken

import (
	"strings"

	"mmcheck/model"
)

// Patch returns a change as an edit of one source line: the line as
// written and as weakened (the primitive's call rewritten, see
// [Rewrite]). deleted says the weakened line is empty (a barrier alone on
// its line, removed). ok is false when the site's line is not known (in
// an included file, and Report.SourceLine cannot give it) or the call is
// not on it. For a site of one call of a helper ([SitesPerCall]) the line
// is the helper's, every call's: [Report.CallChain] says which call the
// edit is meant for.
func Patch(r *Report, ch Change) (old, new string, deleted, ok bool) {
	s := &r.Sites[ch.Site]
	switch {
	case s.Pos.File == r.Prog.File:
		old = r.Prog.Line(s.Pos.Line)
	case r.SourceLine != nil:
		old = r.SourceLine(s.Pos.File, s.Pos.Line)
	}
	if old == "" {
		return "", "", false, false
	}
	repl := Rewrite(s.Text, s.Orig.Prim, ch.Form)
	at := -1
	if c := s.Pos.Col - 1; c >= 0 && c <= len(old) && strings.HasPrefix(old[c:], s.Text) {
		at = c
	} else {
		at = strings.Index(old, s.Text)
	}
	if at < 0 || s.Text == "" {
		return old, "", false, false
	}
	rest := old[at+len(s.Text):]
	if ch.Form.None {
		// Drop the statement: the call, its semicolon and the blanks after.
		if t := strings.TrimLeft(rest, " \t"); strings.HasPrefix(t, ";") {
			rest = strings.TrimLeft(t[1:], " \t")
		}
	}
	new = old[:at] + repl + rest
	if strings.TrimSpace(new) == "" {
		return old, "", true, true
	}
	return old, new, false, true
}

// A CallLink is one call of the chain that leads to a site of one call:
// Caller calls Callee at the positions At (several when Caller calls it
// more than once; none when the call is not found in the source text).
type CallLink struct {
	Caller, Callee string
	At             []model.Pos
}

// CallChain returns, for a site of one call of a helper ([SitesPerCall]),
// the chain of calls from its CPU's code to the helper, outermost first,
// with where each call is ([Report.CallLines]); nil for a site of every
// call, or of a CPU's own code.
func (r *Report) CallChain(s *Site) []CallLink {
	if s.Thread < 0 || len(s.Via) == 0 {
		return nil
	}
	caller := r.Prog.Threads[s.Thread].Name
	var out []CallLink
	for _, callee := range s.Via {
		l := CallLink{Caller: caller, Callee: callee}
		if r.CallLines != nil {
			l.At = r.CallLines(caller, callee)
		}
		out = append(out, l)
		caller = callee
	}
	return out
}
