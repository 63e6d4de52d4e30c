package weaken

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mmcheck/explorer"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// Options are the limits of a weakening search.
type Options struct {
	// Explore are the options of every exploration (the model, the loop
	// bound, --max-states, ...). Its Workers are the original program's
	// exploration's only: every variant, and every combination of the
	// minimal set, is explored with one worker, so that the report does
	// not depend on how many there are. Its Progress is ignored.
	Explore explorer.Options
	// Timeout bounds each exploration (the original program's and each
	// variant's); 0 means no limit.
	Timeout time.Duration
	// Workers is how many sites are searched at once (each site's forms
	// are tried in turn, the next down the ladder depending on the one
	// above); 0 or 1 means one at a time. The report is the same whatever
	// the number.
	Workers int
	// PerCall makes each call of a helper a site of its own
	// ([SitesPerCall]); by default a site is a source position ([Sites]).
	PerCall bool
	// NoDeps leaves the dependency sites out (deps.go): under a model
	// that heeds dependencies they cost one exploration each.
	NoDeps bool
	// Progress, if set, is called once the original program verified,
	// after each site is decided, and when the minimal set's search
	// starts, one call at a time.
	Progress func(Progress)
}

// Progress is how far a search has got.
type Progress struct {
	Sites                      int  // ordering sites in all
	Done                       int  // sites decided (or given up)
	Needed, Redundant, Unknown int  // of those done
	NoWeaker                   int  // of those done: sites with no weaker form
	Explorations               int  // so far, the original's included
	Minimal                    bool // the sites are done; the minimal set is being searched
}

// Verdict is what weakening a site to one form says.
type Verdict uint8

const (
	Needed    Verdict = iota // the weakened program has a counterexample: keep the ordering
	Redundant                // the weakened program verifies
	Unknown                  // the exploration was inconclusive
	// NoWeaker: a site with no weaker form to try (refcount_t's
	// operations, [NoWeakerForm]): listed, not explored, and decided.
	NoWeaker
)

var verdictNames = [...]string{"needed", "redundant", "unknown", "no weaker form"}

func (v Verdict) String() string { return verdictNames[v] }

// A Try is one exploration of the program with one site weakened.
type Try struct {
	From    Form // the form it was weakened from (the site's, or a redundant weaker one)
	Form    Form
	Verdict Verdict
	// Reason: for Needed, what failed (the counterexample's reason, or
	// the flag raised); for Unknown, what stopped the search.
	Reason string
	Result *explorer.Result // the exploration (its counterexample, for Needed)
}

// SiteReport is what the search found about one site.
type SiteReport struct {
	Site
	Tries []Try // in the order explored: one step down first, then further down from redundant forms
	// Verdict: Needed when every form one step down is needed, Redundant
	// when some weaker form verifies, NoWeaker when there is no weaker
	// form, Unknown otherwise.
	Verdict Verdict
	// Weakest is the index in Tries of the weakest form that verifies
	// (the deepest down the ladder, the first of equals); -1 if none.
	Weakest int
}

// Rejection is a weakening the greedy search could not add to the set.
type Rejection struct {
	Change Change
	With   []Change // the set kept so far, with which it failed
	Reason string   // the counterexample's reason, or why it was inconclusive
	Result *explorer.Result
}

// Minimal is the minimal sufficient set: the weakenings that together
// still verify.
type Minimal struct {
	Changes []Change // in source order
	// Together is false when weakening every redundant site together did
	// not verify: TogetherReason says why, and the set was then built
	// greedily in source order (Rejected lists what broke it).
	Together       bool
	TogetherReason string
	Rejected       []Rejection
	// Interrupted: the search was stopped (ctx cancelled) before the set
	// was complete; Changes is what was kept so far.
	Interrupted bool
}

// Report is the outcome of [Run].
type Report struct {
	Prog  *model.Program
	Model *memmodel.Model
	// Base is the exploration of the program as written; if it did not
	// verify, nothing else was done and Sites is nil.
	Base  *explorer.Result
	Sites []SiteReport
	// Minimal is the minimal sufficient set; nil if no site is redundant
	// or the program did not verify.
	Minimal *Minimal
	// Runs counts the explorations, the original's included.
	Runs int
	// PerCall: the sites are calls ([SitesPerCall]), not positions.
	PerCall bool
	// LoopBound is the explorations' loop bound (0: the explorer's
	// default), which a saved trace records.
	LoopBound int
	// Interrupted: the context was cancelled during the search. The sites
	// not decided then are unknown, and the minimal set is missing or
	// incomplete (Minimal.Interrupted).
	Interrupted bool
	// SourceLine, if set by the caller, returns line n of a file the
	// program includes, for [Patch] (the program's own lines are in
	// Prog.Lines); "" if it cannot.
	SourceLine func(file string, n int) string
	// CallLines, if set by the caller, lists where the body of function
	// caller (a CPU: "P0") calls function callee in the source, for the
	// report of a site of one call ([SitesPerCall]) to say which.
	CallLines func(caller, callee string) []model.Pos
	// TraceFiles, if set by the caller, maps a trace's ID ([Trace]) to
	// the file it was saved in, for the report to name.
	TraceFiles map[string]string
}

// Decided reports whether every site was classified needed or redundant
// and the search was not interrupted.
func (r *Report) Decided() bool {
	for _, s := range r.Sites {
		if s.Verdict == Unknown {
			return false
		}
	}
	return !r.Interrupted
}

// Run explores p and, if it verifies, each weakening of each ordering
// site (see the package doc), [Options.Workers] sites at a time. It
// returns an error only when p cannot be explored under the model at all.
// Cancelling ctx stops every exploration: the report then has what was
// decided, the rest unknown, and no minimal set.
func Run(ctx context.Context, p *model.Program, opts Options) (*Report, error) {
	opts.Explore.Progress = nil
	if opts.Explore.Model == nil {
		opts.Explore.Model = memmodel.RA
	}
	r := &Report{Prog: p, Model: opts.Explore.Model, PerCall: opts.PerCall, LoopBound: opts.Explore.LoopBound}
	s := &search{r: r, opts: opts}
	defer func() { r.Runs = int(s.runs.Load()) }()
	base, err := s.explore(ctx, p, opts.Explore.Workers)
	if err != nil {
		return nil, err
	}
	r.Base = base
	if base.Verdict != explorer.Pass {
		return r, nil
	}
	sites := sites(p, opts.PerCall, opts.Explore.Model.NeedsDeps && !opts.NoDeps)
	r.Sites = make([]SiteReport, len(sites))
	s.mu.Lock()
	s.prog.Sites = len(sites)
	s.report()
	s.mu.Unlock()
	workers := min(max(opts.Workers, 1), max(len(sites), 1))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(sites) {
					return
				}
				if ctx.Err() != nil {
					// Interrupted: the sites not tried are unknown.
					r.Sites[i] = SiteReport{Site: sites[i], Verdict: Unknown, Weakest: -1}
				} else {
					r.Sites[i] = s.site(ctx, p, sites, i)
				}
				s.done(r.Sites[i].Verdict)
			}
		}()
	}
	wg.Wait()
	if ctx.Err() == nil {
		s.minimal(ctx, p, sites)
	}
	r.Interrupted = ctx.Err() != nil
	return r, nil
}

// search is one [Run]: what the goroutines searching sites share.
type search struct {
	r    *Report
	opts Options
	runs atomic.Int64

	mu   sync.Mutex // serialises the Progress calls
	prog Progress
}

// done counts a site decided and reports the progress.
func (s *search) done(v Verdict) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prog.Done++
	switch v {
	case Needed:
		s.prog.Needed++
	case Redundant:
		s.prog.Redundant++
	case NoWeaker:
		s.prog.NoWeaker++
	default:
		s.prog.Unknown++
	}
	s.report()
}

// report calls the Progress function, s.mu held.
func (s *search) report() {
	if s.opts.Progress != nil {
		s.prog.Explorations = int(s.runs.Load())
		s.opts.Progress(s.prog)
	}
}

// explore runs one exploration with the per-run timeout and the given
// number of explorer workers.
func (s *search) explore(ctx context.Context, p *model.Program, workers int) (*explorer.Result, error) {
	if s.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.Timeout)
		defer cancel()
	}
	s.runs.Add(1)
	eo := s.opts.Explore
	eo.Workers = workers
	return explorer.Explore(ctx, p, eo)
}

// judge classifies the exploration of a weakened program.
func (r *Report) judge(res *explorer.Result, err error) (Verdict, string) {
	switch {
	case err != nil:
		return Unknown, err.Error()
	case res.Verdict == explorer.Fail:
		return Needed, res.Reason
	case res.Verdict == explorer.Unknown:
		return Unknown, res.Reason
	}
	for _, f := range res.Flags {
		if !slices.Contains(r.Base.Flags, f) {
			return Needed, fmt.Sprintf("flag %s: some execution raises it, and none of the original's does", f)
		}
	}
	return Redundant, ""
}

// site tries the weaker forms of sites[i], going down the ladder from
// each one that verifies.
func (sc *search) site(ctx context.Context, p *model.Program, sites []Site, i int) SiteReport {
	s := sites[i]
	sr := SiteReport{Site: s, Weakest: -1}
	type step struct {
		from, to Form
		depth    int
	}
	var queue []step
	for _, f := range Down(s.Kind, s.Orig) {
		queue = append(queue, step{s.Orig, f, 1})
	}
	first := len(queue)
	seen := map[Form]bool{}
	depth := map[int]int{}
	for len(queue) > 0 && ctx.Err() == nil {
		st := queue[0]
		queue = queue[1:]
		if seen[st.to] {
			continue
		}
		seen[st.to] = true
		res, err := sc.explore(ctx, Apply(p, sites, []Change{{i, st.to}}), 1)
		v, why := sc.r.judge(res, err)
		sr.Tries = append(sr.Tries, Try{From: st.from, Form: st.to, Verdict: v, Reason: why, Result: res})
		depth[len(sr.Tries)-1] = st.depth
		if v == Redundant {
			if sr.Weakest < 0 || st.depth > depth[sr.Weakest] {
				sr.Weakest = len(sr.Tries) - 1
			}
			for _, f := range Down(s.Kind, st.to) {
				queue = append(queue, step{st.to, f, st.depth + 1})
			}
		}
	}
	sr.Verdict = siteVerdict(sr.Tries, first)
	if first == 0 {
		sr.Verdict = NoWeaker
	}
	return sr
}

// siteVerdict sums up a site's tries, the first of which were the forms
// one step down: Redundant if any verified, Needed if each of the first
// gave a counterexample, Unknown otherwise (one was inconclusive, or the
// search was interrupted before it tried them all).
func siteVerdict(tries []Try, first int) Verdict {
	for _, t := range tries {
		if t.Verdict == Redundant {
			return Redundant
		}
	}
	if first == 0 || len(tries) < first {
		return Unknown
	}
	for _, t := range tries[:first] {
		if t.Verdict != Needed {
			return Unknown
		}
	}
	return Needed
}

// minimal builds the minimal sufficient set (see the package doc).
func (sc *search) minimal(ctx context.Context, p *model.Program, sites []Site) {
	r := sc.r
	// Each redundant site's forms that verify, weakest first.
	type cand struct {
		site  int
		forms []Form
	}
	var cands []cand
	for i, sr := range r.Sites {
		if sr.Verdict != Redundant || sr.Kind.IsDep() {
			continue // a dependency broken is not a source edit
		}
		// Only kernel primitives: the set is a patch one can apply.
		c := cand{site: i}
		if f := sr.Tries[sr.Weakest].Form; f.Kernel() {
			c.forms = append(c.forms, f)
		}
		for k := len(sr.Tries) - 1; k >= 0; k-- {
			if t := sr.Tries[k]; k != sr.Weakest && t.Verdict == Redundant && t.Form.Kernel() {
				c.forms = append(c.forms, t.Form)
			}
		}
		if len(c.forms) > 0 {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 || ctx.Err() != nil {
		return
	}
	sc.mu.Lock()
	sc.prog.Minimal = true
	sc.report()
	sc.mu.Unlock()
	m := &Minimal{}
	r.Minimal = m
	var all []Change
	for _, c := range cands {
		all = append(all, Change{c.site, c.forms[0]})
	}
	if len(all) == 1 {
		// Already explored alone.
		m.Changes, m.Together = all, true
		return
	}
	res, err := sc.explore(ctx, Apply(p, sites, all), 1)
	v, why := r.judge(res, err)
	if v == Redundant {
		m.Changes, m.Together = all, true
		return
	}
	if ctx.Err() != nil {
		m.Interrupted = true
		return
	}
	m.TogetherReason = failure(v, why)
	for _, c := range cands {
		for _, f := range c.forms {
			if ctx.Err() != nil {
				m.Interrupted = true
				return
			}
			ch := Change{c.site, f}
			try := append(slices.Clone(m.Changes), ch)
			var v Verdict
			var why string
			var res *explorer.Result
			if len(m.Changes) == 0 {
				v = Redundant // explored alone already
			} else {
				var err error
				res, err = sc.explore(ctx, Apply(p, sites, try), 1)
				v, why = r.judge(res, err)
			}
			if v == Redundant {
				m.Changes = try
				break
			}
			if ctx.Err() != nil {
				m.Interrupted = true // that try was cut short, not refuted
				return
			}
			m.Rejected = append(m.Rejected, Rejection{Change: ch, With: slices.Clone(m.Changes), Reason: failure(v, why), Result: res})
		}
	}
}

// failure says why a combination of weakenings was not kept.
func failure(v Verdict, why string) string {
	if v == Unknown {
		return "inconclusive: " + why
	}
	if strings.HasPrefix(why, "flag ") {
		return why
	}
	return "counterexample: " + why
}
