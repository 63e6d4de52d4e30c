package explorer

// hooks are the explorer's test switches. A search gets them from
// Options.hooks, which only the package's tests set: nil, the value of
// every real run, means all off. Each search reads its own copy (the
// engine at the start of Explore, each worker when it is made, the
// load-buffering analysis when it starts), so no test can leak a switch
// into another, and parallel tests may use different ones.
//
//   - specOff: no speculated reads (spec.go). Where load buffering is not
//     ruled out, DPOR then only looks for bugs, with lb.go's revisits:
//     the tests of those revisits.
//   - skipEnumeration: a model with load buffering goes straight to the
//     DPOR fallback, as when the enumeration gives up (the differential
//     tests of lbfree.go, lb.go and spec.go run DPOR that way and compare
//     it with the enumeration).
//   - paranoid: consistentExt checks maximal extensions too, and panics if
//     the model breaks its MaximalConsistent promise; so does every graph
//     an incremental verdict accepts (views.go).
//   - lbRevisitsOff: no load-buffering revisits (lb.go): plain DPOR's
//     executions, against which the tests measure what lb.go adds.
//   - specReaders: lbAnalyze cuts each cycle at the reads of its
//     unordered writes where it can, rather than at its read (the other
//     choice it makes when a read's own values are not known).
//   - noPlainCycles: lbAnalyze does not try plainCycles (lbplain.go), for
//     tests of the speculation that need programs it would rule out.
//   - noSpecPruning: justifiable prunes nothing (spec.go).
//   - fullCheck: no views and no incremental verdicts (views.go): the
//     model's checker judges every candidate graph, the debug mode and
//     the reference of the incremental check's differential tests.
//   - incrOracle: every candidate graph is built and judged by the
//     checker as well, and an incremental verdict that disagrees panics.
//   - splitEager: in a parallel search, a worker gives work away at
//     every third state, not only when another waits (workers.go), so
//     that the tests of the split's bookkeeping see many splits, with
//     results on both sides of each, on small programs.
//   - hmcStats, if set, receives the HMC search's counts (its revisits,
//     refused revisits, hole reads, duplicates, executions with load
//     buffering), which its tests report.
//   - hmc: the HMC search (hmc.go, issue 16's prototype) instead of
//     every other, whatever the model and algorithm.
//   - noReuse: every child of a graph is a graph of its own, the last
//     one too (grow.go: reuse), for the tests that compare the two.
//   - poison: the arrays a dropped graph gives to the worker's pools,
//     and the view blocks a visit gives back to the arena, are
//     overwritten with garbage (grow.go), so that a graph that still
//     used one goes wrong at once rather than when the memory is reused.
//   - checked, if set, is called each time the search asks the model's
//     checker whether a candidate extension is consistent
//     (consistentExt), for the tests that show which models never need
//     it.
//   - specPruned, if set, is called with each graph justifiable prunes,
//     by the worker that prunes it (checkPruning's oracle: it searches
//     the graph again with that worker's noSpecPruning set).
type hooks struct {
	specOff         bool
	skipEnumeration bool
	paranoid        bool
	lbRevisitsOff   bool
	specReaders     bool
	noPlainCycles   bool
	noSpecPruning   bool
	fullCheck       bool
	incrOracle      bool
	hmc             bool
	hmcStats        *hmcStats // if set, the HMC search counts what it did here
	splitEager      bool
	noReuse         bool
	poison          bool
	specPruned      func(w *worker, g *graph)
	checked         func()
}

// get returns the switches h holds: all off if h is nil.
func (h *hooks) get() hooks {
	if h == nil {
		return hooks{}
	}
	return *h
}
