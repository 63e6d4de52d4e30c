package model

// Control flow of a thread's code: successors and postdominators, for
// the analyses that read a program (the explorer's ctrl dependencies and
// load-buffering checks, weaken's dependency sites).

// PostDominators returns, for each instruction of code, its immediate
// postdominator: the first instruction that every path from it to the end
// of the thread passes through (len(code) for the end itself, -1 when no
// path reaches the end). A conditional jump's postdominator is where its
// two branches join: the events in between are the ones that depend on
// the condition (LKMM's ctrl, as herd7 computes it for if/else).
func PostDominators(code []Instr) []int32 {
	n := len(code)
	exit := n
	succ := func(i int) []int {
		in := &code[i]
		switch in.Op {
		case OpHalt:
			return []int{exit}
		case OpJump:
			return []int{int(in.Target)}
		case OpJumpIf, OpJumpIfNot:
			return []int{int(in.Target), i + 1}
		}
		if i+1 >= n {
			return []int{exit}
		}
		return []int{i + 1}
	}
	// Reverse graph: from exit to the instructions that lead to it.
	preds := make([][]int, n+1) // forward predecessors
	for i := 0; i < n; i++ {
		for _, s := range succ(i) {
			preds[s] = append(preds[s], i)
		}
	}
	// Postorder of the reverse graph (edges: node -> its forward preds).
	po := make([]int, n+1)
	for i := range po {
		po[i] = -1
	}
	var order []int
	type frame struct{ v, k int }
	stack := []frame{{exit, 0}}
	po[exit] = -2 // visiting
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.k < len(preds[f.v]) {
			w := preds[f.v][f.k]
			f.k++
			if po[w] == -1 {
				po[w] = -2
				stack = append(stack, frame{w, 0})
			}
			continue
		}
		po[f.v] = len(order)
		order = append(order, f.v)
		stack = stack[:len(stack)-1]
	}
	idom := make([]int, n+1)
	for i := range idom {
		idom[i] = -1
	}
	idom[exit] = exit
	intersect := func(a, b int) int {
		for a != b {
			for po[a] < po[b] {
				a = idom[a]
			}
			for po[b] < po[a] {
				b = idom[b]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for k := len(order) - 1; k >= 0; k-- {
			v := order[k]
			if v == exit {
				continue
			}
			nd := -1
			for _, s := range succ(v) { // predecessors in the reverse graph
				if idom[s] < 0 {
					continue
				}
				if nd < 0 {
					nd = s
				} else {
					nd = intersect(s, nd)
				}
			}
			if nd >= 0 && idom[v] != nd {
				idom[v] = nd
				changed = true
			}
		}
	}
	out := make([]int32, n)
	for i := 0; i < n; i++ {
		out[i] = int32(idom[i])
	}
	return out
}

// Successors returns the instructions that may follow instruction pc of code
// (none after a halt or the last instruction).
func Successors(code []Instr, pc int) []int {
	in := &code[pc]
	var succ []int
	switch in.Op {
	case OpHalt:
		return nil
	case OpJump:
		succ = []int{int(in.Target)}
	case OpJumpIf, OpJumpIfNot:
		succ = []int{int(in.Target), pc + 1}
	default:
		succ = []int{pc + 1}
	}
	out := succ[:0]
	for _, q := range succ {
		if q >= 0 && q < len(code) {
			out = append(out, q)
		}
	}
	return out
}
