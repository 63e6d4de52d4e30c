package explorer

import "mmcheck/model"

// runInterleave is the reference search: from each graph, every CPU that
// can move adds its next event in every consistent way; graphs already
// visited are skipped. It is complete for models without load buffering,
// where every consistent graph can be built in an order of po ∪ rf and
// every such prefix is consistent.
func (e *engine) runInterleave() {
	w := e.newWorker()
	defer w.done()
	seen := map[string]struct{}{}
	stack := []*graph{w.initial()}
	for len(stack) > 0 {
		if w.stopped() || e.ctx.Err() != nil {
			return
		}
		g := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		w.buf = g.key(w.buf)
		if _, ok := seen[string(w.buf)]; ok {
			w.stats.Duplicates++
			continue
		}
		seen[string(w.buf)] = struct{}{}
		if !w.countState() {
			return
		}
		moved := false
		for t := range g.cpus {
			if g.pend(t).kind == actNone {
				continue
			}
			moved = true
			for _, h := range w.children(g, t) {
				stack = append(stack, h)
			}
		}
		if !moved {
			w.finish(g)
		}
	}
}

// children returns the consistent graphs that add thread t's next event.
func (w *worker) children(g *graph, t int) []*graph {
	var out []*graph
	a := g.pend(t)
	switch a.kind {
	case actRead:
		co := g.x.CO[a.loc]
		for i := -1; i < len(co); i++ {
			src := model.InitID(a.loc)
			if i >= 0 {
				src = co[i]
			}
			h, _ := w.addRead(g, t, src)
			if w.consistent(h) {
				out = append(out, h)
			}
		}
	case actWrite:
		if a.rmw {
			h, _ := w.addWrite(g, t, g.rmwPos(model.EventID{Thread: int32(t), Index: int32(len(g.x.Events[t]))}))
			if w.consistent(h) {
				out = append(out, h)
			}
			break
		}
		for pos := 0; pos <= len(g.x.CO[a.loc]); pos++ {
			h, _ := w.addWrite(g, t, pos)
			if w.consistent(h) {
				out = append(out, h)
			}
		}
	default:
		h, _ := w.addOther(g, t)
		if w.consistent(h) {
			out = append(out, h)
		}
	}
	return out
}
