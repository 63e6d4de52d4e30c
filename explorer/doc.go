// Package explorer explores every execution of a [model.Program] that a
// memory model allows, and reports violations and the final states.
//
// # Executions as graphs
//
// The explorer builds execution graphs ([model.Execution]) one event at a
// time. A CPU's code is deterministic given the values its reads return,
// so its next event is a function of its events so far (package interp.go
// runs the code between events). Adding a read means choosing the write it
// reads from; adding a write means choosing its place in the coherence
// order (an RMW's write goes right after the write its read half read).
// After each step the memory model's checker judges the graph, and
// inconsistent graphs are dropped at once: the models are prefix-closed.
//
// # Optimal DPOR (the default: dpor.go, revisit.go)
//
// [DPOR] is TruSt (Kokologiannakis, Marmanis, Gladstein, Vafeiadis,
// "Truly stateless, optimal dynamic partial order reduction", POPL 2022).
// Events are always added for the first CPU that can move, so no two
// schedules of independent events are ever explored. Reads that were
// added before the write they should read from are reached by backward
// revisits: when a write is added, each earlier read of its location that
// is not in the write's po ∪ rf prefix may be changed to read from it,
// deleting the events added after the read that are not in that prefix.
// A revisit is done only from the one graph whose deleted part was added
// "maximally" (reads of coherence-latest writes, writes placed last), which
// makes every consistent graph appear exactly once. The search is a
// depth-first recursion; memory is linear in the graph.
//
// # Graphs extended in place (grow.go)
//
// A graph is never changed once built, but the graphs of one branch of
// the search share their per-CPU arrays: the children that extend a graph
// by an event of the same CPU are searched one after the other, so each
// writes its event into the same slot of the shared array, claimed while
// it is searched and given back after. Finished graphs go to a free list
// that clone reuses; a graph that leaves the search (to another worker,
// or as a path replay's answer) is copied first. So a step of the search
// copies no event array and allocates little. The CPUs' local states are
// held by pointer (cpu.go): a clone shares them all and copies only the
// one its step changes, and the copies go back with the graph. And the
// last child the search makes of a graph (and a write's step, which all
// its children extend) is no copy at all but the graph itself, extended
// in place (worker.reuse): by then every earlier child is dead, and the
// graph is of no more use. The events' views (below) are cut from a
// stack-like arena of the worker's, reset when a visit returns: every
// graph made below it is dead by then, or was detached with copies. The
// arrays a graph makes (events, metadata, dependencies, coherence
// orders) are seen only by the graphs made from it, so the worker's
// pools take them back when the graph is dropped: a step of the search
// seldom allocates (unlazy-6 under ra: 0.3 objects per state).
//
// # Incremental consistency (views.go)
//
// DPOR extends a consistent graph by one po-maximal event at a time (a
// revisit is a write and then a read), so the model's checker need not
// re-judge the whole graph. Each event carries views, vector clocks of
// one int32 per CPU: how far into each CPU's program order its po ∪ rf
// predecessors reach, and under ra its happens-before predecessors (with
// the virtual SC fences of fully ordered accesses as positions of their
// own) and what a read synchronising with a write gets; they are computed
// in O(CPUs) when the event is added and never change. From them, before
// a candidate graph is even built, a read's sources and a write's
// coherence positions are judged as GenMC's getCoherentStores and
// getCoherentPlacings do: the latest access to the location in each CPU's
// part of the view bounds where the new access may go (coherence), and a
// write may not come between an RMW and the write it read (atomicity).
// Under ra this decides coherence, atomicity and no-thin-air exactly; the
// sc axiom (psc) can change only if an SC fence is hb-before the new
// event and the event is not coherence-maximal, and then psc is computed
// on the SC fences alone, with hb read from the views (psc.go). Under sc
// and tso the view of po ∪ rf gives a necessary condition. Each graph
// also knows whether it is sc-consistent, and a cycle of
// po ∪ rf ∪ co ∪ fr through the new event is found by one search from
// the write coherence-after its place:
// that decides sc, and an sc-consistent extension is consistent under
// tso and ra as well. Under tso the same search along ghb instead (ghb.go:
// two indices per CPU, since a write reaches only the writes after it up
// to a barrier) decides the rest. So under sc, tso and ra the model's
// checker judges no candidate (TestChecklessModels); under sc and tso it
// judges a finished graph only to say which accesses are ordered before
// a kfree. Use after free under ra (hb) is read from the views too. The
// model says which rules hold (memmodel.Model.Incremental). lkmm has
// coherence, from its own CPU's part of the view alone (graph.ownFloor),
// and then only the sufficient one: where load buffering is ruled out,
// an extension that keeps the graph sc-consistent is consistent, unless
// it has a lock, RCU or SRCU event (memmodel.IncrSCShortcut); the rest
// the checker decides (memmodel.Decider) by the sc shortcut, then a
// quick refutation (a cycle of edges that lie in hb or pb by definition,
// found in linear time), and only then by the model's relations, and
// those only on the part of the graph where a cycle can lie (the events
// on cycles of po ∪ rf ∪ co ∪ fr, and what they depend on). The full check stays reachable as a debug mode (the
// test switch hooks.fullCheck) and as the oracle of views_test.go, which
// runs full, incremental and step-by-step cross-checked searches on
// random programs, fence-heavy shapes and the corpus.
//
// # The reference search
//
// [Interleave] adds the next event of every CPU in every order, and skips
// a graph it has seen before: the key of a graph (graph.key) is a canonical
// encoding of its events, reads-from and coherence order; equal graphs have
// equal keys, and since CPUs are deterministic, equal thread states. It is
// complete for models without load buffering, simple enough to trust, and
// the tests use it as the oracle for DPOR (same executions, same final
// states).
//
// # Enumeration (models with load buffering)
//
// Which search runs is decided in one place, method.go: chooseMethod
// picks DPOR, the interleaving search, the enumeration alone, or, under
// a model with load buffering, the enumeration and then the DPOR search
// chooseLB picks (a proof where load buffering is ruled out, speculation,
// or a search for bugs), as described below.
//
// [Enumerate] is herd7's method: each CPU's code runs on every value its
// reads could return (the values writes can store, a fixpoint; under a
// model with load buffering the fixpoint takes both sides of every branch
// on a read, as herd7 does, since a po ∪ rf cycle of control dependencies
// through plain accesses can make a write that no acyclic execution
// makes, and lkmm allows it; a fault on a value read, such as a NULL
// address on the forced side, skips the access rather than ending the
// round's path), giving paths with their dependencies (addr, data, ctrl; a ctrl dependency ends
// where the conditional's branches join: see model.PostDominators); then every
// combination of paths, reads-from that gives each read its value, and
// coherence order is judged by the model. It is complete for models with
// load buffering (lkmm, which DPOR and the interleaving search, adding
// events in po ∪ rf order, cannot handle), exponential, and bounded: past
// its limits it stops and the verdict is inconclusive. It is also the
// third oracle of the differential tests. When it gives up under a model
// with load buffering, lbfree.go first tries to rule load buffering out
// statically: if in every CPU each read that may read from another CPU is
// ordered in hb before every later write another CPU may read (acquire,
// release, strong fences, dependencies, fr ∩ int, found by abstract
// interpretation of each CPU's code over value sets, with each location's
// possible values a fixpoint over all CPUs that, like the enumeration's,
// follows every branch on a read both ways), a po ∪ rf cycle would be an hb
// cycle, so DPOR is complete and its verdict a proof (Result.LBFree;
// the kernel corpus and random programs check DPOR against the
// enumeration wherever it says so). A cycle through exactly one plain
// rfe edge, its reads bounded as linux-kernel.cat's plain-coherence
// needs (an acquire or strong fence before the plain write, po-rel or a
// strong fence after the plain read), is forbidden too (lbplain.go: a
// wr-incoh), which covers the acquire/plain hand-offs. Otherwise, if it can name the reads
// every po ∪ rf cycle must pass through (those not ordered before a later
// write), and their locations' values are known, DPOR speculates them
// (spec.go; reads outside loops are preferred): such a read is added once
// per value, reading from no write, and is given a write of its value when
// the execution is complete (a graph is pruned as soon as a speculated
// read that no revisit can remove has a value no write it may still read
// can give it: spec.go's justifiable; such searches keep no views, but a
// new access's own CPU still bounds where coherence lets it go, before the
// candidate is built: views.go's floorWithoutViews); then
// po ∪ rf without those edges is acyclic in every consistent execution,
// DPOR builds each, and the verdict is a proof (Result.Speculated; the
// same differential tests check it, LB shapes included), unless it takes
// more than Options.SpecStates states (a cheaper search for bugs runs
// first; reads on no cycle of the static read->write->read graph need
// neither ordering nor speculation). Failing that, DPOR searches as a bug
// finder, never a proof, adding to TruSt's revisits the load-buffering revisits of lb.go: a read
// reads from a write that its own later events lead to, when none of the
// events kept depends on it. Coherence orders are built
// write by write, never placing a write before one its CPU has already
// written or read from (every model is SC per location, so these orders
// are inconsistent anyway). When the candidates would be too many
// (Options.GoalAbove, goal.go) and the final condition is the only thing
// the program checks (no execution can raise a flag: SRCU is allowed where
// each CPU's path matches its own srcu_read_lock and srcu_read_unlock
// pairs, goal.go's srcuMatched), the enumeration is goal-directed: each CPU path
// fixes its registers, so combinations whose registers already keep the
// condition from failing are skipped unbuilt; the search stops at the first
// execution that refutes the condition and builds one of the other kind
// for herd7's observation. The verdict is then a proof as before, and the
// counts of final states are those of the executions built
// (Result.Partial).
//
// # Dependency-order revisits, a prototype (hmc.go)
//
// Issue 16's one complete search under lkmm is started in hmc.go, reached
// only by the test switch hooks.hmc: HMC (Kokologiannakis and
// Vafeiadis, ASPLOS 2020), where a write may revisit a read outside its
// dependency prefix, so load-buffering executions are built without
// speculation. It keeps a set of visited states (no maximality yet, so
// memory is not linear), refuses programs whose cycles need a write that
// justifies itself (a static check per instruction, hmcstatic.go, that
// scales to the protocol files), and has a known gap (holes are made again at once,
// not lazily); hmc.go states its completeness argument and
// hmc_test.go compares it with the enumeration. It replaces none of the
// mechanisms above yet.
//
// # What is checked (finish.go)
//
// Checks inside a CPU (BUG_ON, assert, NULL and wild pointers, array
// bounds, division by zero) stop the CPU at once; WARN_ON is recorded and
// the CPU goes on, as in the kernel. When no CPU can move, the graph is
// finished: double frees and uses after free (an access to an object that
// the model's checker does not order before its kfree) are collected with
// the CPU checks, and the one reported is the first in the trace's
// linearization; then deadlocks (every blocked CPU waits in an await
// whose reads all read coherence-latest writes), leaks, and, for complete
// executions, the final state and the condition. The explorer keeps
// looking for a simpler counterexample (fewest context switches, then
// fewest steps, then the first in depth-first order) for
// Options.TraceBudget more violating executions, the next ones in
// depth-first order. Executions blocked in an await that could still
// be released are dropped (another execution reads the later values);
// executions cut by the loop bound make the verdict inconclusive.
//
// # Workers
//
// With Options.Workers > 1, DPOR's tree is cut into tasks, the children
// of a graph from some ordinal on, addressed by the graph's path from the
// root and that ordinal (workers.go), which the workers share through a
// pool. Work is split on demand: when a worker waits for a task, a busy
// one gives away the children it has not started of the shallowest graph
// it is visiting. The answer is the same whatever the workers and
// their timing: each task logs what it finds in depth-first order, and
// the log is read in that order, up to the violation that ends the
// search, as one worker would have found it (TestSameAnswerAnyWorkers).
// Only a search stopped by a bound (--max-states, --timeout, memory)
// depends on what the workers reached by then.
//
// The explorer never prints: it returns a [Result], which package reports
// renders.
package explorer
