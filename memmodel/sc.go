package memmodel

import "mmcheck/model"

// SC is sequential consistency (Lamport 1979): every execution is an
// interleaving of the threads' program orders, each read returning the
// latest write to its location.
//
// Axioms, checked in this order:
//
//	sc         acyclic(po ∪ rf ∪ co ∪ fr)
//	atomicity  empty(rmw ∩ (fre; coe))
//
// Ordering annotations and fences mean nothing: everything is already
// ordered. Ordered(a, b) is (po ∪ rf ∪ co ∪ fr)+, so an access a is safe
// against the kfree b when no interleaving consistent with the execution
// puts b first.
var SC = &Model{
	Name: "sc",
	Doc: `sequential consistency: one interleaving of all CPUs, every read sees the latest write.

An execution is consistent when
  sc:        acyclic(po ∪ rf ∪ co ∪ fr)
  atomicity: empty(rmw ∩ (fre; coe))  (no other CPU's write between an RMW's read and its write)
Orderings (once, acquire, release, mb) and barriers add nothing.
An access is ordered before a kfree when (po ∪ rf ∪ co ∪ fr)+ relates them.`,
	Axioms:            []string{"sc", "atomicity"},
	MaximalConsistent: true,
	Incremental:       IncrSC,
	NewChecker:        func() Checker { return new(scChecker) },
}

// scChecker checks SC on a graph of po edges between consecutive events,
// rf edges, co edges between consecutive writes and one fr edge per read
// (to the co-successor of the write it reads): the same transitive closure
// as po ∪ rf ∪ co ∪ fr with about two edges per event.
type scChecker struct {
	f  flat
	g  digraph
	ok bool
}

func (c *scChecker) Check(x *model.Execution) *Failure {
	c.ok = false
	f, g := &c.f, &c.g
	f.load(x)
	g.reset(int(f.n))
	for t := 0; t+1 < len(f.start); t++ {
		for v := f.start[t]; v+1 < f.start[t+1]; v++ {
			g.edge(v, v+1)
		}
	}
	for v := int32(0); v < f.n; v++ {
		switch f.ev[v].Kind {
		case model.EvRead:
			g.edge(f.rf[v], v)
			g.edge(v, f.frNext(v))
		case model.EvWrite:
			g.edge(v, f.coNext[v])
		}
	}
	if !g.acyclic() {
		return f.cycleFailure("sc", g.cycle)
	}
	if r, m, w, ok := f.atomicity(); !ok {
		return f.failure("atomicity", r, m, w)
	}
	c.ok = true
	return nil
}

func (c *scChecker) Ordered(a, b model.EventID) bool {
	if !c.ok {
		panicUnchecked()
	}
	return orderedIn(&c.f, &c.g, nil, a, b)
}

// orderedIn answers Ordered from the transitive closure of g. nodeOf maps
// flat nodes to nodes of g (nil: the identity).
func orderedIn(f *flat, g *digraph, nodeOf []int32, a, b model.EventID) bool {
	if a == b || b.IsInit() {
		return false
	}
	if a.IsInit() {
		return true
	}
	na, nb := f.node(a), f.node(b)
	if nodeOf != nil {
		na, nb = nodeOf[na], nodeOf[nb]
	}
	g.closure()
	return g.reaches(na, nb)
}
