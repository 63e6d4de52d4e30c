package explorer

// CPU states, shared until changed.
//
// A graph keeps, for each CPU, its local state after its last event
// (registers, program counter, dependency sets) and its next action. A
// step changes one CPU's, and the search clones a graph at every step, so
// a graph holds them by pointer: a clone shares all of them with its
// parent and copies only the one it changes (own). The copies a graph
// made are its own (graph.mine): it changes them in place while it is
// being built, and they go back to the worker with the graph when the
// search is done with it (worker.drop), for own to reuse. Copying every
// CPU's state (some 360 bytes each, with a dozen pointers) at every
// clone was a third of clone's time, and half of it was the collector's
// write barriers.
//
// As for the slots of grow.go, the rule that makes this safe is that a
// graph is not changed once it has been cloned, and is dropped only when
// every graph cloned from it is dead. A graph that outlives the search
// of its subtree is detached: it gets copies of its own.

// cpuState is one CPU's local state and next action.
type cpuState struct {
	s    tstate
	next action
}

// ts returns CPU t's local state, to read only.
func (g *graph) ts(t int) *tstate { return &g.cpus[t].s }

// pend returns CPU t's next action, to read only.
func (g *graph) pend(t int) *action { return &g.cpus[t].next }

// own returns CPU t's state for g to change: g's own copy, made now if g
// does not have one. g must not have been cloned yet.
func (g *graph) own(t int) *cpuState {
	if g.mine[t] {
		return g.cpus[t]
	}
	c := g.mem.cpu()
	src := g.cpus[t]
	*c = *src
	c.s.regs = src.s.regs.clone()
	c.s.taint = src.s.taint.clone()
	g.cpus[t] = c
	g.mine[t] = true
	return c
}

// setCPU makes s and a CPU t's state and next action in g.
func (g *graph) setCPU(t int, s tstate, a action) {
	c := g.own(t)
	c.s, c.next = s, a
}

// cpu returns a CPU state to fill: a recycled one, if m has one.
func (m *workMem) cpu() *cpuState {
	if m == nil || len(m.cpus) == 0 {
		return new(cpuState)
	}
	c := m.cpus[len(m.cpus)-1]
	m.cpus = m.cpus[:len(m.cpus)-1]
	return c
}

// recycleCPUs gives g's own CPU states to m (g is dead).
func (m *workMem) recycleCPUs(g *graph) {
	for t, mine := range g.mine {
		if mine {
			m.cpus = append(m.cpus, g.cpus[t])
		}
	}
}

// detachCPUs gives g copies of its own of every CPU state, registers
// included: the graphs it was cloned from may change theirs in place
// (grow.go: reuse) while g lives on.
func (g *graph) detachCPUs() {
	for t := range g.cpus {
		g.mine[t] = false
		c := g.own(t)
		c.s.regs = c.s.regs.deepCopy()
		c.s.taint = c.s.taint.deepCopy()
	}
}
