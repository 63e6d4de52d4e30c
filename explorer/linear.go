package explorer

import "mmcheck/model"

// Linearize returns the events of x in an order that people can read as a
// run: it respects program order and reads-from (each read comes after the
// write it reads), and also coherence and from-read when those keep it
// acyclic (always under sc). Among such orders it prefers few switches
// between CPUs: it keeps running one CPU as long as it can.
func Linearize(x *model.Execution) []model.EventID {
	for _, level := range []int{2, 1, 0} {
		if ord, ok := linearize(x, level); ok {
			return ord
		}
	}
	// Only under models with load buffering (po ∪ rf has a cycle): each
	// time no CPU can go on, the current one takes its next step anyway,
	// a read that reads from a write later in the order.
	ord, _ := linearize(x, -1)
	return ord
}

// linearize topologically sorts po ∪ rf (level 0), ∪ co (1), ∪ fr (2);
// level -1 is level 0 that breaks reads-from edges where po ∪ rf has a
// cycle.
func linearize(x *model.Execution, level int) ([]model.EventID, bool) {
	n := len(x.Events)
	next := make([]int, n) // next po index to emit per thread
	done := func(id model.EventID) bool {
		return id.IsInit() || int(id.Index) < next[id.Thread]
	}
	coIdx := func(id model.EventID) int { return x.COIndex(id) }
	ready := func(t int) bool {
		i := next[t]
		if i >= len(x.Events[t]) {
			return false
		}
		e := &x.Events[t][i]
		if e.Kind == model.EvRead && !done(e.RF) {
			return false
		}
		if e.Kind == model.EvWrite && level >= 1 {
			id := model.EventID{Thread: int32(t), Index: int32(i)}
			k := coIdx(id)
			if k > 1 && !done(x.CO[e.Loc][k-2]) {
				return false
			}
			if level >= 2 {
				// fr: every read of a co-earlier write must come first.
				for t2, evs := range x.Events {
					for j := range evs {
						r := &evs[j]
						if r.Kind == model.EvRead && r.Loc == e.Loc && !(t2 == t && j == i-1 && e.RMW) {
							if c := coIdx(r.RF); c >= 0 && c < k && !done(model.EventID{Thread: int32(t2), Index: int32(j)}) {
								return false
							}
						}
					}
				}
			}
		}
		return true
	}
	var ord []model.EventID
	total := x.NumEvents()
	cur := 0
	for len(ord) < total {
		if !ready(cur) {
			found := false
			for t := 0; t < n; t++ {
				if ready(t) {
					cur, found = t, true
					break
				}
			}
			if !found && level >= 0 {
				return nil, false
			}
			if !found {
				for next[cur] >= len(x.Events[cur]) {
					cur = (cur + 1) % n
				}
			}
		}
		ord = append(ord, model.EventID{Thread: int32(cur), Index: int32(next[cur])})
		next[cur]++
	}
	return ord, true
}
