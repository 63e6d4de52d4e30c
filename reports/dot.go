package reports

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/dominikbraun/graph"
	"github.com/dominikbraun/graph/draw"

	"mmcheck/explorer"
	"mmcheck/model"
)

// DOT writes a counterexample's execution graph in Graphviz's DOT
// language: one node per event (labelled with its CPU, step, source line,
// operation and effect, coloured by CPU), program order (black),
// reads-from (green; red "rf (sync)" where a release write is read by an
// acquire, the happens-before edges that matter), coherence (blue, between
// consecutive writes) and from-read (orange) edges, and the violation's
// events outlined in red.
func DOT(w io.Writer, p *model.Program, cx *explorer.Counterexample) error {
	x := cx.Exec
	stepOf, _ := stepNumbers(x, cx.Order) // as the text trace numbers them
	name := func(id model.EventID) string {
		if id.IsInit() {
			return "init_" + sanitize(p.Locs[id.Index].Name)
		}
		return fmt.Sprintf("P%d_%d", id.Thread, id.Index)
	}
	g := graph.New(graph.StringHash, graph.Directed())
	colors := []string{"#e8f0fe", "#fef7e0", "#e6f4ea", "#fce8e6", "#f3e8fd", "#e0f7fa"}
	bad := map[model.EventID]bool{cx.Violation.Event: true, cx.Violation.Other: true}
	for t, evs := range x.Events {
		for i := range evs {
			id := model.EventID{Thread: int32(t), Index: int32(i)}
			e := &evs[i]
			in := &p.Threads[t].Code[e.Instr]
			label := fmt.Sprintf("P%d step %d  line %d\\n%s\\n%s", t, stepOf[id], in.Pos.Line, escape(in.Text), escape(effect(p, e)))
			attrs := map[string]string{"label": label, "shape": "box", "style": "filled", "fillcolor": colors[t%len(colors)]}
			if bad[id] {
				attrs["color"] = "red"
				attrs["penwidth"] = "2"
			}
			if err := g.AddVertex(name(id), graph.VertexAttributes(attrs)); err != nil {
				return err
			}
		}
	}
	used := map[string]bool{}
	addInit := func(loc int) error {
		n := "init_" + sanitize(p.Locs[loc].Name)
		if used[n] {
			return nil
		}
		used[n] = true
		return g.AddVertex(n, graph.VertexAttributes(map[string]string{"label": escape(p.Locs[loc].Name + " = " + p.FormatValue(p.Init[loc], p.Locs[loc].IsPtr)), "shape": "ellipse"}))
	}
	edge := func(a, b, kind, color string) error {
		err := g.AddEdge(a, b, graph.EdgeAttributes(map[string]string{"label": kind, "color": color, "fontcolor": color}))
		if err != nil && err != graph.ErrEdgeAlreadyExists {
			return err
		}
		return nil
	}
	for t, evs := range x.Events {
		for i := range evs {
			id := model.EventID{Thread: int32(t), Index: int32(i)}
			if i > 0 {
				if err := edge(name(model.EventID{Thread: int32(t), Index: int32(i - 1)}), name(id), "po", "black"); err != nil {
					return err
				}
			}
			e := &evs[i]
			if e.Kind == model.EvRead {
				if e.RF.IsInit() {
					if err := addInit(e.Loc); err != nil {
						return err
					}
				}
				kind, color := "rf", "darkgreen"
				if !e.RF.IsInit() && e.RF.Thread != int32(t) && synchronizes(x.Ev(e.RF), e) {
					// release → acquire: this rf is also a happens-before edge
					kind, color = "rf (sync)", "red3"
				}
				if err := edge(name(e.RF), name(id), kind, color); err != nil {
					return err
				}
				// fr: to the coherence successor of what it read.
				k := x.COIndex(e.RF)
				if k >= 0 && k < len(x.CO[e.Loc]) {
					if nx := x.CO[e.Loc][k]; nx != (model.EventID{Thread: int32(t), Index: int32(i + 1)}) || !e.RMW {
						if err := edge(name(id), name(nx), "fr", "darkorange"); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	for _, co := range x.CO {
		for i := 1; i < len(co); i++ {
			if err := edge(name(co[i-1]), name(co[i]), "co", "blue"); err != nil {
				return err
			}
		}
	}
	var buf bytes.Buffer
	if err := draw.DOT(g, &buf, draw.GraphAttribute("label", escape(cx.Violation.Kind.String()+": "+cx.Violation.Msg)), draw.GraphAttribute("rankdir", "TB")); err != nil {
		return err
	}
	_, err := w.Write(stableDOT(buf.Bytes()))
	return err
}

// stableDOT orders the statements of a DOT graph (the library writes them
// in map order): attributes first, then nodes, then edges, each sorted,
// so the same graph always renders to the same text.
func stableDOT(b []byte) []byte {
	lines := strings.Split(string(b), "\n")
	var head, nodes, edges []string
	tail := ""
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
		case i == 0 || strings.HasSuffix(t, "{") && len(head) == 0:
			head = append(head, l)
		case t == "}":
			tail = l
		case strings.Contains(t, " -> "):
			edges = append(edges, l)
		case strings.HasPrefix(t, "\""):
			nodes = append(nodes, l)
		default:
			head = append(head, l)
		}
	}
	sort.Strings(nodes)
	sort.Strings(edges)
	out := append(head, nodes...)
	out = append(out, edges...)
	out = append(out, tail)
	return []byte(strings.Join(out, "\n") + "\n")
}

// synchronizes reports whether a release (or fully ordered) write read by
// an acquire (or fully ordered) read orders what comes before the write
// before what comes after the read: the hb edges a reader of the graph
// looks for.
func synchronizes(w, r *model.Event) bool {
	rel := w.Order == model.Release || w.Order == model.Mb
	acq := r.Order == model.Acquire || r.Order == model.Mb
	return rel && acq
}

func effect(p *model.Program, e *model.Event) string {
	switch e.Kind {
	case model.EvRead:
		return fmt.Sprintf("R %s = %s", p.Locs[e.Loc].Name, p.FormatValue(e.Val, p.Locs[e.Loc].IsPtr))
	case model.EvWrite:
		return fmt.Sprintf("W %s = %s", p.Locs[e.Loc].Name, p.FormatValue(e.Val, p.Locs[e.Loc].IsPtr))
	case model.EvFence:
		return "F " + e.Fence.String()
	case model.EvFree:
		return "kfree " + p.Objects[e.Loc].Name
	}
	return ""
}

func escape(s string) string { return strings.ReplaceAll(s, `"`, `\"`) }

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}
