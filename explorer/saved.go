package explorer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"mmcheck/memmodel"
	"mmcheck/model"
)

// TraceVersion is the version of the saved-trace format this mmcheck
// writes.
const TraceVersion = 1

// TraceVersions are the saved-trace format versions ReadTrace accepts.
var TraceVersions = []int{1}

// SavedTrace is a counterexample as a file: enough to check it again
// without a search (the reads-from and coherence choices, and one
// linearization), plus what a renderer needs. Every field is checked on
// replay: a trace replays only if each of them is what the replayed
// execution gives (see Replay).
//
// File is the litmus file as SaveIn records it: relative to the trace's
// directory (with forward slashes), or absolute when no relative path
// exists. Traces written by Save, and by mmcheck before SaveIn, have it
// as explore was given it: relative to the directory it ran in.
// LitmusPaths lists where a reader looks.
type SavedTrace struct {
	Version   int            `json:"version"`
	File      string         `json:"file"`
	FileHash  string         `json:"file_sha256"`
	Test      string         `json:"test"`
	Model     string         `json:"model"`
	LoopBound int            `json:"loop_bound"`
	Violation SavedViolation `json:"violation"`
	Threads   [][]SavedEvent `json:"threads"` // per CPU, in program order
	CO        []SavedCO      `json:"co"`      // per location with writes
	Steps     []Ref          `json:"steps"`   // the linearization shown
	Status    []string       `json:"status"`  // per CPU: done, blocked, ...
	// Weakened: a trace of a program `mmcheck weaken` weakened lists
	// the weakenings, which the reader makes before Replay; absent in a
	// trace of the program as written.
	Weakened []SavedWeakening `json:"weakened,omitempty"`
}

// Ref names an event: [cpu, index in program order]; cpu -1 is an initial write.
type Ref [2]int

// SavedViolation is a model.Violation with events as Refs.
type SavedViolation struct {
	Kind   string `json:"kind"`
	Msg    string `json:"message"`
	Thread int    `json:"cpu"`
	Event  *Ref   `json:"event,omitempty"`
	Other  *Ref   `json:"other,omitempty"`
	Pos    string `json:"pos,omitempty"`
}

// SavedEvent is one event.
type SavedEvent struct {
	Kind  string      `json:"kind"` // R, W, F, FREE
	Loc   string      `json:"loc,omitempty"`
	Val   model.Value `json:"val"`
	RF    *Ref        `json:"rf,omitempty"`
	Order string      `json:"order,omitempty"`
	RMW   bool        `json:"rmw,omitempty"`
	Fence string      `json:"fence,omitempty"`
	Line  int         `json:"line"`
	Op    string      `json:"op"`
}

// SavedCO is the coherence order of one location.
type SavedCO struct {
	Loc    string `json:"loc"`
	Writes []Ref  `json:"writes"`
}

func toRef(id model.EventID) Ref { return Ref{int(id.Thread), int(id.Index)} }

func (r Ref) id() model.EventID { return model.EventID{Thread: int32(r[0]), Index: int32(r[1])} }

// HashSource returns the hash a saved trace records for its litmus file.
func HashSource(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:])
}

// Save describes cx (found in p, whose source is src) as a SavedTrace.
func (cx *Counterexample) Save(p *model.Program, m *memmodel.Model, loopBound int, src []byte) *SavedTrace {
	x := cx.Exec
	st := &SavedTrace{Version: TraceVersion, File: p.File, FileHash: HashSource(src), Test: p.Name, Model: m.Name, LoopBound: loopBound}
	v := cx.Violation
	st.Violation = SavedViolation{Kind: v.Kind.String(), Msg: v.Msg, Thread: v.Thread}
	if v.Pos.IsValid() {
		st.Violation.Pos = v.Pos.String()
	}
	if v.Event != model.NoEvent {
		r := toRef(v.Event)
		st.Violation.Event = &r
	}
	if v.Other != model.NoEvent {
		r := toRef(v.Other)
		st.Violation.Other = &r
	}
	for t, evs := range x.Events {
		var out []SavedEvent
		for i := range evs {
			e := &evs[i]
			in := &p.Threads[t].Code[e.Instr]
			se := SavedEvent{Kind: e.Kind.String(), Val: e.Val, Line: in.Pos.Line, Op: in.Text, RMW: e.RMW}
			switch e.Kind {
			case model.EvRead:
				se.Loc = p.Locs[e.Loc].Name
				r := toRef(e.RF)
				se.RF = &r
				se.Order = e.Order.String()
			case model.EvWrite:
				se.Loc = p.Locs[e.Loc].Name
				se.Order = e.Order.String()
			case model.EvFence:
				se.Fence = e.Fence.String()
			case model.EvFree:
				se.Loc = p.Objects[e.Loc].Name
			}
			out = append(out, se)
		}
		st.Threads = append(st.Threads, out)
		st.Status = append(st.Status, x.Status[t].String())
	}
	for l, co := range x.CO {
		if len(co) == 0 {
			continue
		}
		sc := SavedCO{Loc: p.Locs[l].Name}
		for _, w := range co {
			sc.Writes = append(sc.Writes, toRef(w))
		}
		st.CO = append(st.CO, sc)
	}
	for _, id := range cx.Order {
		st.Steps = append(st.Steps, toRef(id))
	}
	return st
}

// SaveIn is Save for a trace to be written in directory dir: it records
// the litmus file relative to dir, so that the trace reads the same
// wherever mmcheck runs, and keeps reading after the trace and the
// litmus file move together.
func (cx *Counterexample) SaveIn(dir string, p *model.Program, m *memmodel.Model, loopBound int, src []byte) *SavedTrace {
	st := cx.Save(p, m, loopBound, src)
	st.File = relativeFile(dir, p.File)
	return st
}

// relativeFile is file relative to dir, with forward slashes; or file
// made absolute if there is no such path (another volume), or file as
// it is if not even that can be computed.
func relativeFile(dir, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return file
	}
	d, err := filepath.Abs(dir)
	if err != nil {
		return abs
	}
	rel, err := filepath.Rel(d, abs)
	if err != nil {
		return abs
	}
	return filepath.ToSlash(rel)
}

// LitmusPaths returns where the litmus file of a trace read from
// tracePath may be, in the order to try them: File relative to the
// trace's directory (as SaveIn records it), File as it is (absolute, or
// relative to the current directory, as older traces record it), and a
// file of File's base name beside the trace. A reader takes the first
// whose hash is FileHash.
func (st *SavedTrace) LitmusPaths(tracePath string) []string {
	dir := filepath.Dir(tracePath)
	f := filepath.FromSlash(st.File)
	var out []string
	add := func(p string) {
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	if filepath.IsAbs(f) {
		add(f)
	} else {
		add(filepath.Join(dir, f))
		add(filepath.Clean(f))
	}
	add(filepath.Join(dir, filepath.Base(f)))
	return out
}

// The fields every saved trace has, by object (an event's loc, rf,
// order, rmw and fence, and a violation's event, other and pos, are
// left out when they do not apply).
var (
	traceFields     = []string{"version", "file", "file_sha256", "test", "model", "loop_bound", "violation", "threads", "co", "steps", "status"}
	violationFields = []string{"kind", "message", "cpu"}
	eventFields     = []string{"kind", "val", "line", "op"}
	coFields        = []string{"loc", "writes"}
)

// ReadTrace parses a saved trace. It is strict: the data must be one
// JSON object of a version this mmcheck reads (TraceVersions), with every
// field a saved trace has and none it does not. Its errors describe bad
// input: the file is not a saved trace this mmcheck can check.
func ReadTrace(data []byte) (*SavedTrace, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("not a saved trace: %v", err)
	}
	if top == nil {
		return nil, fmt.Errorf("not a saved trace: null, not a JSON object")
	}
	// The version first: another version may have other fields.
	if raw, ok := top["version"]; ok && !isNull(raw) {
		v, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
		if err != nil {
			return nil, fmt.Errorf("not a saved trace: version is %s, not an integer", bytes.TrimSpace(raw))
		}
		if !readsVersion(v) {
			return nil, fmt.Errorf("trace format version %d; this mmcheck reads %s (the trace was saved by another mmcheck: render it with that one, or save it again with this one's 'mmcheck explore --save-trace')", v, versionList())
		}
	}
	var missing []string
	need := func(obj map[string]json.RawMessage, prefix string, fields []string) {
		for _, f := range fields {
			if raw, ok := obj[f]; !ok || isNull(raw) && f != "co" && f != "steps" {
				missing = append(missing, prefix+f)
			}
		}
	}
	need(top, "", traceFields)
	var viol map[string]json.RawMessage
	if json.Unmarshal(top["violation"], &viol) == nil && viol != nil {
		need(viol, "violation.", violationFields)
	}
	var threads [][]map[string]json.RawMessage
	if json.Unmarshal(top["threads"], &threads) == nil {
		for t, evs := range threads {
			for i, ev := range evs {
				need(ev, fmt.Sprintf("threads[%d][%d].", t, i), eventFields)
			}
		}
	}
	var co []map[string]json.RawMessage
	if json.Unmarshal(top["co"], &co) == nil {
		for i, c := range co {
			need(c, fmt.Sprintf("co[%d].", i), coFields)
		}
	}
	if len(missing) > 0 {
		list := strings.Join(missing, ", ")
		if len(missing) > 12 {
			list = fmt.Sprintf("%s and %d more", strings.Join(missing[:12], ", "), len(missing)-12)
		}
		return nil, fmt.Errorf("not a saved trace: missing %s (a trace 'mmcheck explore --save-trace' writes has them all)", list)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var st SavedTrace
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("not a saved trace: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	return &st, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func readsVersion(v int) bool {
	for _, r := range TraceVersions {
		if r == v {
			return true
		}
	}
	return false
}

// versionList says which versions this mmcheck reads: "version 1",
// "versions 1 and 2".
func versionList() string {
	var s []string
	for _, v := range TraceVersions {
		s = append(s, strconv.Itoa(v))
	}
	if len(s) == 1 {
		return "version " + s[0]
	}
	return "versions " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// StepNumbers numbers the events of a linearization as a trace shows
// them: one step each, except that an RMW's write half shares its read
// half's step (merged reports those writes).
func StepNumbers(x *model.Execution, ord []model.EventID) (stepOf map[model.EventID]int, merged map[model.EventID]bool) {
	stepOf = map[model.EventID]int{}
	merged = map[model.EventID]bool{}
	n := 0
	for _, id := range ord {
		if e := x.Ev(id); e.Kind == model.EvWrite && e.RMW && id.Index > 0 {
			if s, ok := stepOf[model.EventID{Thread: id.Thread, Index: id.Index - 1}]; ok {
				stepOf[id], merged[id] = s, true
				continue
			}
		}
		n++
		stepOf[id] = n
	}
	return stepOf, merged
}

// Replay checks a saved trace against the program: it runs every CPU's
// code, feeding each read the value of the write the trace says it reads,
// checks that the code makes exactly the saved events, that the execution
// is consistent under the model, and that it ends in the saved violation.
// Then every field the trace records must be what the replayed execution
// gives (test, model, each event's kind, location, value, reads-from,
// order, RMW, barrier, line and text, the coherence order, the steps,
// each CPU's status and the violation; not File and FileHash, which the
// caller checks when it finds the litmus file, nor the file part of the
// violation's position): a trace whose values or steps were edited does
// not replay, even if the execution it describes is real. It returns the
// counterexample rebuilt from the program (so a renderer shows the
// program's own text), or an error saying where the trace and the
// program part ways, naming the first field that differs.
func Replay(p *model.Program, m *memmodel.Model, st *SavedTrace) (*Counterexample, error) {
	if !readsVersion(st.Version) {
		return nil, fmt.Errorf("trace format version %d; this mmcheck reads %s", st.Version, versionList())
	}
	if st.Test != p.Name {
		return nil, fmt.Errorf("test %q recorded, the litmus file's is %q", st.Test, p.Name)
	}
	if st.Model != m.Name {
		return nil, fmt.Errorf("model %s recorded, the replay is under %s", st.Model, m.Name)
	}
	if len(st.Threads) != len(p.Threads) {
		return nil, fmt.Errorf("trace has %d CPUs, the program %d", len(st.Threads), len(p.Threads))
	}
	opts := Options{Model: m, LoopBound: st.LoopBound, TraceBudget: -1, CheckRaces: st.Violation.Kind == model.DataRace.String()}
	if opts.LoopBound <= 0 {
		opts.LoopBound = 8
	}
	e := &engine{prog: p, opts: opts, outcomes: map[string]*Outcome{}}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	defer e.cancel()
	w := e.newWorker()
	w.ip.deps = m.NeedsDeps
	locByName := map[string]int{}
	for i, l := range p.Locs {
		locByName[l.Name] = i
	}
	// Each CPU runs on its own, each read returning the value of the
	// write the trace says it reads (so the order of the steps does not
	// matter, and executions with load buffering replay too); then the
	// reads-from targets are checked.
	g := newGraph(p)
	if w.ip.deps {
		g.x.Deps = make([][]model.Deps, len(p.Threads))
	}
	srcVal := func(r Ref) (model.Value, error) {
		if r[0] == -1 {
			if r[1] < 0 || r[1] >= len(p.Locs) {
				return 0, fmt.Errorf("reads the initial value of a location that does not exist")
			}
			return p.Init[r[1]], nil
		}
		if r[0] < 0 || r[0] >= len(st.Threads) || r[1] < 0 || r[1] >= len(st.Threads[r[0]]) {
			return 0, fmt.Errorf("reads from a missing event %v", r)
		}
		return st.Threads[r[0]][r[1]].Val, nil
	}
	for t, th := range p.Threads {
		s := newTstate(th)
		for i := range st.Threads[t] {
			se := &st.Threads[t][i]
			where := fmt.Sprintf("P%d event %d (line %d, %s)", t, i, se.Line, se.Op)
			a := w.ip.next(th, &s, i)
			d := depLists(a.addr, a.data, a.ctrl)
			var ev model.Event
			switch a.kind {
			case actNone:
				return nil, fmt.Errorf("%s: the program has no such event (P%d is %s)", where, t, s.status)
			case actRead:
				if se.Kind != "R" || se.RF == nil || p.Locs[a.loc].Name != se.Loc {
					return nil, fmt.Errorf("%s: the program reads %s here", where, p.Locs[a.loc].Name)
				}
				v, err := srcVal(*se.RF)
				if err != nil {
					return nil, fmt.Errorf("%s: %v", where, err)
				}
				ev = w.ip.event(th, &s, &a, v, se.RF.id())
				w.ip.complete(th, &s, &a, v)
			case actWrite:
				if se.Kind != "W" || p.Locs[a.loc].Name != se.Loc {
					return nil, fmt.Errorf("%s: the program writes %s here", where, p.Locs[a.loc].Name)
				}
				if a.val != se.Val {
					return nil, fmt.Errorf("%s: the program writes %s, the trace %s", where, p.FormatValue(a.val, false), p.FormatValue(se.Val, false))
				}
				ev = w.ip.event(th, &s, &a, 0, model.NoEvent)
				w.ip.complete(th, &s, &a, 0)
			case actFence:
				if se.Kind != "F" {
					return nil, fmt.Errorf("%s: the program has a %s here", where, a.fence)
				}
				ev = w.ip.event(th, &s, &a, 0, model.NoEvent)
				w.ip.complete(th, &s, &a, 0)
			case actFree:
				if se.Kind != "FREE" {
					return nil, fmt.Errorf("%s: the program frees %s here", where, p.Objects[a.loc].Name)
				}
				ev = w.ip.event(th, &s, &a, 0, model.NoEvent)
				w.ip.complete(th, &s, &a, 0)
			}
			g.add(t, ev)
			if g.x.Deps != nil {
				g.x.Deps[t] = append(g.x.Deps[t], d)
			}
		}
		if a := w.ip.next(th, &s, len(st.Threads[t])); a.kind != actNone {
			return nil, fmt.Errorf("the trace ends while P%d can still run (line %d)", t, th.Code[a.instr].Pos.Line)
		}
		g.setCPU(t, s, action{})
		g.x.Status[t] = s.status
	}
	for t, evs := range g.x.Events {
		for i := range evs {
			e := &evs[i]
			if e.Kind != model.EvRead {
				continue
			}
			if e.RF.IsInit() {
				if int(e.RF.Index) != e.Loc {
					return nil, fmt.Errorf("P%d event %d reads the initial value of another location", t, i)
				}
				continue
			}
			if int(e.RF.Thread) >= len(g.x.Events) || int(e.RF.Index) >= len(g.x.Events[e.RF.Thread]) {
				return nil, fmt.Errorf("P%d event %d reads from a missing event", t, i)
			}
			if src := g.x.Ev(e.RF); src.Kind != model.EvWrite || src.Loc != e.Loc {
				return nil, fmt.Errorf("P%d event %d reads from an event that is not a write to %s", t, i, p.Locs[e.Loc].Name)
			}
		}
	}
	// Coherence order, as saved.
	listed := map[model.EventID]bool{}
	for _, sc := range st.CO {
		l, ok := locByName[sc.Loc]
		if !ok {
			return nil, fmt.Errorf("coherence order of unknown location %s", sc.Loc)
		}
		if g.x.CO[l] != nil {
			return nil, fmt.Errorf("coherence order of %s given twice", sc.Loc)
		}
		var co []model.EventID
		for _, r := range sc.Writes {
			id := r.id()
			if id.IsInit() || id.Thread < 0 || id.Index < 0 || int(id.Thread) >= len(g.x.Events) || int(id.Index) >= len(g.x.Events[id.Thread]) || g.x.Ev(id).Kind != model.EvWrite || g.x.Ev(id).Loc != l {
				return nil, fmt.Errorf("coherence order of %s lists %v, which is not one of its writes", sc.Loc, r)
			}
			if listed[id] {
				return nil, fmt.Errorf("coherence order of %s lists %v twice", sc.Loc, r)
			}
			listed[id] = true
			co = append(co, id)
		}
		g.x.CO[l] = co
	}
	n := 0
	for l := range g.x.CO {
		n += len(g.x.CO[l])
	}
	writes := 0
	for _, evs := range g.x.Events {
		for i := range evs {
			if evs[i].Kind == model.EvWrite {
				writes++
			}
		}
	}
	if n != writes {
		return nil, fmt.Errorf("the coherence order lists %d writes, the execution has %d", n, writes)
	}
	if f := w.chk.Check(g.x); f != nil {
		return nil, fmt.Errorf("the execution is not consistent under %s: it breaks the %s axiom", m.Name, f.Axiom)
	}
	w.judged = g
	w.finish(g)
	if len(e.violations) == 0 && e.witness == nil {
		return nil, fmt.Errorf("the execution is real but shows no violation")
	}
	cx := e.witness
	if len(e.violations) > 0 {
		cx = e.violations[0]
	}
	if err := checkRecorded(p, cx, st, cx.Save(p, m, st.LoopBound, nil)); err != nil {
		return cx, err
	}
	return cx, nil
}

// checkRecorded compares the trace st with got, the replayed
// counterexample cx saved again, and returns the first field that
// differs: the events in the file's order, then the coherence order, the
// steps, the CPUs' status and the violation. Events are named by the
// step the rendered trace shows them at.
func checkRecorded(p *model.Program, cx *Counterexample, st, got *SavedTrace) error {
	x := cx.Exec
	stepOf, _ := StepNumbers(x, cx.Order)
	for t := range got.Threads {
		for i := range got.Threads[t] {
			id := model.EventID{Thread: int32(t), Index: int32(i)}
			if d := diffEvent(p, x.Ev(id), &st.Threads[t][i], &got.Threads[t][i]); d != "" {
				in := &p.Threads[t].Code[x.Ev(id).Instr]
				return fmt.Errorf("step %d (P%d event %d, line %d, %s): %s", stepOf[id], t, i, in.Pos.Line, in.Text, d)
			}
		}
	}
	if len(st.CO) != len(got.CO) {
		return fmt.Errorf("co: %d locations recorded, the replay has writes to %d", len(st.CO), len(got.CO))
	}
	for i := range got.CO {
		if st.CO[i].Loc != got.CO[i].Loc {
			return fmt.Errorf("co[%d]: location %s recorded, the replay's is %s (one entry per location written, in the program's order)", i, st.CO[i].Loc, got.CO[i].Loc)
		}
	}
	if len(st.Steps) != len(got.Steps) {
		return fmt.Errorf("steps: %d recorded, the replay has %d (one per event)", len(st.Steps), len(got.Steps))
	}
	for k := range got.Steps {
		if st.Steps[k] != got.Steps[k] {
			return fmt.Errorf("steps[%d] (step %d): %s recorded, the replay's is %s", k, stepOf[cx.Order[k]], refName(p, &st.Steps[k]), refName(p, &got.Steps[k]))
		}
	}
	if len(st.Status) != len(got.Status) {
		return fmt.Errorf("status: %d CPUs recorded, the program has %d", len(st.Status), len(got.Status))
	}
	for t := range got.Status {
		if st.Status[t] != got.Status[t] {
			return fmt.Errorf("status of P%d: %s recorded, the replay's is %s", t, st.Status[t], got.Status[t])
		}
	}
	rv, gv := &st.Violation, &got.Violation
	switch {
	case rv.Kind != gv.Kind:
		return fmt.Errorf("violation: %s recorded, the replay shows %s", rv.Kind, gv.Kind)
	case rv.Msg != gv.Msg:
		return fmt.Errorf("violation message %q recorded, the replay's is %q", rv.Msg, gv.Msg)
	case rv.Thread != gv.Thread:
		return fmt.Errorf("violation on CPU %d recorded, the replay's is on CPU %d", rv.Thread, gv.Thread)
	case !sameRef(rv.Event, gv.Event):
		return fmt.Errorf("violation event %s recorded, the replay's is %s", refName(p, rv.Event), refName(p, gv.Event))
	case !sameRef(rv.Other, gv.Other):
		return fmt.Errorf("violation's related event %s recorded, the replay's is %s", refName(p, rv.Other), refName(p, gv.Other))
	case lineCol(rv.Pos) != lineCol(gv.Pos):
		return fmt.Errorf("violation at %s recorded, the replay's is at %s", orNone(lineCol(rv.Pos)), orNone(lineCol(gv.Pos)))
	}
	return nil
}

// diffEvent compares a recorded event with the replay's (e is the
// replay's event) and says how the first field that differs does, or "".
func diffEvent(p *model.Program, e *model.Event, rec, got *SavedEvent) string {
	val := func(v model.Value) string {
		if e.Kind == model.EvRead || e.Kind == model.EvWrite {
			return p.FormatValue(v, p.Locs[e.Loc].IsPtr)
		}
		return p.FormatValue(v, false)
	}
	switch {
	case rec.Kind != got.Kind:
		return fmt.Sprintf("kind %s recorded, the replay's is %s", rec.Kind, got.Kind)
	case rec.Loc != got.Loc:
		return fmt.Sprintf("location %s recorded, the replay's is %s", orNone(rec.Loc), orNone(got.Loc))
	case rec.Val != got.Val:
		verb := "has"
		switch e.Kind {
		case model.EvRead:
			verb = "reads"
		case model.EvWrite:
			verb = "writes"
		}
		return fmt.Sprintf("value %s recorded, the replay %s %s", val(rec.Val), verb, val(got.Val))
	case !sameRef(rec.RF, got.RF):
		return fmt.Sprintf("rf %s recorded, the replay's is %s", refName(p, rec.RF), refName(p, got.RF))
	case rec.Order != got.Order:
		return fmt.Sprintf("order %s recorded, the replay's is %s", orNone(rec.Order), orNone(got.Order))
	case rec.RMW != got.RMW:
		return fmt.Sprintf("rmw %t recorded, the replay's is %t", rec.RMW, got.RMW)
	case rec.Fence != got.Fence:
		return fmt.Sprintf("barrier %s recorded, the replay's is %s", orNone(rec.Fence), orNone(got.Fence))
	case rec.Line != got.Line:
		return fmt.Sprintf("line %d recorded, the replay's is %d", rec.Line, got.Line)
	case rec.Op != got.Op:
		return fmt.Sprintf("op %q recorded, the replay's is %q", rec.Op, got.Op)
	}
	return ""
}

func sameRef(a, b *Ref) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// refName names a Ref of a trace: "P1 event 0", "the initial value of x",
// "none".
func refName(p *model.Program, r *Ref) string {
	switch {
	case r == nil:
		return "none"
	case r[0] == -1 && r[1] >= 0 && r[1] < len(p.Locs):
		return "the initial value of " + p.Locs[r[1]].Name
	}
	return fmt.Sprintf("P%d event %d", r[0], r[1])
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// lineCol drops the file from "file:line:col" (a trace may be replayed
// against the same file under another path).
func lineCol(pos string) string {
	parts := strings.Split(pos, ":")
	if len(parts) >= 2 {
		return strings.Join(parts[len(parts)-2:], ":")
	}
	return pos
}
