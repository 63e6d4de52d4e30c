package memmodel

// digraph is a directed graph on dense node indices 0..n-1 stored as a
// forward star (each node's out-edges in a linked list threaded through
// the edge arrays). It is reset and refilled for every Check, so after the
// first few calls it allocates nothing. Parallel edges are harmless.
type digraph struct {
	head []int32 // per node: first out-edge, -1 for none
	to   []int32 // per edge: target
	next []int32 // per edge: next out-edge of the same source, -1 at the end

	// scratch for acyclic
	state []uint8 // 0 unvisited, 1 on the DFS stack, 2 finished
	it    []int32 // per node on the stack: next edge to follow
	stack []int32
	post  []int32 // finished nodes in DFS postorder (a reverse topological order)
	cycle []int32

	// scratch for onCycles
	index, low, scc []int32

	// transitive closure (see closure), valid while closed is true
	reach  []uint64
	words  int
	closed bool
}

// reset empties the graph and gives it n nodes.
func (g *digraph) reset(n int) {
	g.head = grow(g.head, n)
	for i := range g.head {
		g.head[i] = -1
	}
	g.to = g.to[:0]
	g.next = g.next[:0]
	g.closed = false
}

// len returns the number of nodes.
func (g *digraph) len() int { return len(g.head) }

// addNode adds a node and returns its index.
func (g *digraph) addNode() int32 {
	g.head = append(g.head, -1)
	g.closed = false
	return int32(len(g.head) - 1)
}

// edge adds u → v; it ignores negative endpoints, so callers can pass
// "none" (-1) unchecked.
func (g *digraph) edge(u, v int32) {
	if u < 0 || v < 0 {
		return
	}
	g.to = append(g.to, v)
	g.next = append(g.next, g.head[u])
	g.head[u] = int32(len(g.to) - 1)
}

// acyclic reports whether the graph has no cycle. On success g.post holds
// every node in DFS postorder: each node after all its successors, so a
// pass over g.post from the end visits nodes in topological order. On
// failure it returns false and g.cycle holds the nodes of one cycle in
// edge order.
func (g *digraph) acyclic() bool {
	n := len(g.head)
	g.state = grow(g.state, n)
	clear(g.state)
	g.it = grow(g.it, n)
	g.post = g.post[:0]
	g.cycle = g.cycle[:0]
	for root := 0; root < n; root++ {
		if g.state[root] != 0 {
			continue
		}
		g.stack = append(g.stack[:0], int32(root))
		g.state[root] = 1
		g.it[root] = g.head[root]
		for len(g.stack) > 0 {
			u := g.stack[len(g.stack)-1]
			e := g.it[u]
			if e < 0 {
				g.stack = g.stack[:len(g.stack)-1]
				g.state[u] = 2
				g.post = append(g.post, u)
				continue
			}
			g.it[u] = g.next[e]
			v := g.to[e]
			switch g.state[v] {
			case 0:
				g.state[v] = 1
				g.it[v] = g.head[v]
				g.stack = append(g.stack, v)
			case 1:
				i := len(g.stack) - 1
				for g.stack[i] != v {
					i--
				}
				g.cycle = append(g.cycle, g.stack[i:]...)
				return false
			}
		}
	}
	return true
}

// onCycles sets on[v] for every node v that lies on a cycle (its strongly
// connected component has more than one node; the graphs built here have
// no self-loops), by Tarjan's algorithm without recursion, and returns
// how many there are. on must have one entry per node.
func (g *digraph) onCycles(on []bool) int {
	n := len(g.head)
	g.it = grow(g.it, n)
	g.index = grow(g.index, n)
	g.low = grow(g.low, n)
	clear(g.index) // 0: unvisited; else the DFS number plus one
	g.scc = g.scc[:0]
	g.state = grow(g.state, n)
	clear(g.state) // 1: on the component stack
	count, next := 0, int32(1)
	for root := 0; root < n; root++ {
		if g.index[root] != 0 {
			continue
		}
		g.stack = append(g.stack[:0], int32(root))
		g.index[root], g.low[root] = next, next
		next++
		g.it[root] = g.head[root]
		g.scc = append(g.scc, int32(root))
		g.state[root] = 1
		for len(g.stack) > 0 {
			u := g.stack[len(g.stack)-1]
			if e := g.it[u]; e >= 0 {
				g.it[u] = g.next[e]
				v := g.to[e]
				switch {
				case g.index[v] == 0:
					g.index[v], g.low[v] = next, next
					next++
					g.it[v] = g.head[v]
					g.stack = append(g.stack, v)
					g.scc = append(g.scc, v)
					g.state[v] = 1
				case g.state[v] == 1 && g.index[v] < g.low[u]:
					g.low[u] = g.index[v]
				}
				continue
			}
			g.stack = g.stack[:len(g.stack)-1]
			if len(g.stack) > 0 {
				if p := g.stack[len(g.stack)-1]; g.low[u] < g.low[p] {
					g.low[p] = g.low[u]
				}
			}
			if g.low[u] != g.index[u] {
				continue
			}
			// u roots a component: the nodes above it on the
			// component stack.
			k := len(g.scc) - 1
			for g.scc[k] != u {
				k--
			}
			big := len(g.scc)-k > 1
			for _, v := range g.scc[k:] {
				g.state[v] = 0
				on[v] = big
				if big {
					count++
				}
			}
			g.scc = g.scc[:k]
		}
	}
	return count
}

// closure computes, for every node, the set of nodes reachable from it by
// one or more edges. It needs g.post from a successful acyclic.
func (g *digraph) closure() {
	if g.closed {
		return
	}
	n := len(g.head)
	g.words = (n + 63) / 64
	g.reach = grow(g.reach, n*g.words)
	clear(g.reach)
	w := g.words
	for _, u := range g.post { // successors first
		ru := g.reach[int(u)*w : int(u)*w+w]
		for e := g.head[u]; e >= 0; e = g.next[e] {
			v := g.to[e]
			ru[v>>6] |= 1 << (uint(v) & 63)
			rv := g.reach[int(v)*w : int(v)*w+w]
			for k := range ru {
				ru[k] |= rv[k]
			}
		}
	}
	g.closed = true
}

// reaches reports whether v is reachable from u (after closure).
func (g *digraph) reaches(u, v int32) bool {
	return g.reach[int(u)*g.words+int(v>>6)]&(1<<(uint(v)&63)) != 0
}

// grow returns s with length n, reusing its storage when it is big enough.
// The contents are unspecified.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/2+8)
}
