package weaken

import "strings"

// Patch returns a change as an edit of one source line: the line as
// written and as weakened (the primitive's call rewritten, see
// [Rewrite]). deleted says the weakened line is empty (a barrier alone on
// its line, removed). ok is false when the site's line is not known (in
// an included file, and Report.SourceLine cannot give it), the call is
// not on it, or the site is one call of a helper ([SitesPerCall]), whose
// line is every call's.
func Patch(r *Report, ch Change) (old, new string, deleted, ok bool) {
	s := &r.Sites[ch.Site]
	if len(s.Via) > 0 {
		// One call of a helper: its line is every call's.
		return "", "", false, false
	}
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
