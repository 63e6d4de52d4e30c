// Package memmodel defines the memory models mmcheck explores under: each
// is a [Model] value, a named and documented consistency predicate on the
// execution graphs of package model, with a [Checker] per worker that
// decides it and answers use-after-free ordering questions.
//
// # Models
//
// [All] lists the four models, [Chain] the first three from strongest to
// weakest; every execution consistent under one is consistent under the
// next:
//
//   - [SC], sequential consistency: acyclic(po ∪ rf ∪ co ∪ fr) and RMW
//     atomicity.
//   - [TSO], x86-TSO as herd's x86tso.cat: uniproc, atomicity, and an
//     acyclic global happens-before in which only a write followed by a
//     read (with no smp_mb or locked RMW between) is relaxed.
//   - [RA], RC11 (Lahav et al., PLDI 2017) with the kernel's primitives
//     mapped onto C11 orderings: READ_ONCE/WRITE_ONCE and plain accesses
//     are relaxed, smp_load_acquire/smp_store_release are acquire/release,
//     fully ordered RMWs are smp_mb(); relaxed RMW; smp_mb(), smp_mb and
//     its smp_mb__* variants are SC fences.
//   - [LKMM], the Linux-kernel memory model: the kernel's
//     linux-kernel.cat, .bell and lock.cat (tools/memory-model) decided on
//     these graphs, with dependencies (address, data, control), RCU and
//     SRCU, locks, and the data-race and mixed-accesses flags of plain
//     accesses. It is not in the chain: it allows load buffering, which
//     ra forbids, and forbids some ra outcomes.
//
// sc, tso and ra have no load buffering ([Model.LoadBuffering] is false):
// po ∪ rf is acyclic in every consistent execution, so an explorer that
// adds events in po ∪ rf order reaches every consistent execution. All
// three are prefix-closed. The RCU primitives belong to lkmm and mean
// nothing in them ([Model.SupportsPrim]); RCU fence events are ignored,
// and so is barrier()'s (FenceBarrier, a compiler barrier, which lkmm
// heeds only in its mixed-accesses flag).
// lkmm has load buffering and needs dependencies ([Model.NeedsDeps]):
// see lkmm.go's doc comment for how herd7's events map onto ours, and
// package explorer for how its executions are searched.
//
// Each file's doc comment (sc.go, tso.go, ra.go, lkmm.go) and each Model's Doc
// state the rules. Axioms carry the names the paper or .cat file gives
// them ("sc", "uniproc", "atomicity", "coherence", "no-thin-air"; "ghb" is
// herd's "tso"); [Model.Axioms] lists them in the order Check tries them
// and [Failure.Axiom] names the first that fails, with the events of the
// offending cycle or pair in [Failure.Events].
//
// # Use after free
//
// A kfree is one event that conflicts with every location of its object;
// it takes part in no rf or co, and for ordering counts as a plain write.
// [Checker.Ordered] says whether an access is ordered before a kfree: in
// sc by (po ∪ rf ∪ co ∪ fr)+, in tso by ghb+, in ra by hb, in lkmm by
// the plain-access section's rw-xbstar and ww-vis: the access does not race
// with the kfree (in one thread, po). An access that
// is not ordered before the kfree of its object is a use after free.
//
// # Performance
//
// Check runs after every event an explorer adds, so a checker is linear
// in the graph for sc and tso (and close to it for ra) and allocates
// nothing once warm, except the Failure it returns. Keep one checker per
// worker. The notes after the package clause in doc.go say how.
package memmodel

// Implementation notes.
//
// Check runs after every event an explorer adds, on graphs of tens to a
// few hundred events, so checkers are built to be linear and to allocate
// nothing once warm:
//
//   - A checker flattens the execution to dense node indices (the events
//     of each thread in po order) into buffers it reuses. Initial writes
//     are not nodes: nothing precedes them, so they lie on no cycle.
//   - Relations are kept as transitive reductions, which preserve
//     acyclicity and reachability: po between consecutive events, co
//     between consecutive writes, and one fr edge per read, to the
//     co-successor of the write it reads. TSO's ppo ∪ mfence ∪ implied
//     becomes two chains per thread (the last write or barrier, the last
//     read or barrier), and RA's sw keeps only the po-latest release and
//     the po-earliest acquire event of each synchronization.
//   - Cycles are found by an iterative depth-first search, whose postorder
//     doubles as the topological order later passes need; po ∪ rf
//     acyclicity needs no graph at all (threads advance round robin, a read
//     once its write is taken).
//   - Coherence uses ranks: a write at coherence position k has key 2k, a
//     read of it 2k+1, and for two accesses of one location a eco b iff
//     key(a) < key(b). Then uniproc (po-loc coherence) is one scan per
//     thread, and RC11's irreflexive(hb; eco?) is one pass in topological
//     order of hb carrying, per node, the largest key hb-before it at each
//     location several threads access.
//   - RC11's psc is decided on the SC fences only, as bitsets of
//     predecessors: f1 psc f2 iff f1 hb f2 or, at some location, the least
//     key hb-after f1 is below the greatest key hb-before f2.
//   - Ordered computes the transitive closure of the reduced graph as
//     bitset rows, once per Check and only when first asked.
//   - lkmm's Ordered first looks for one path that proves the pair
//     ordered, through edges that are in hb and in the fences the
//     pre-/post-bounded relations take (lkmm_quick.go); only when it finds
//     none, on an execution the sc shortcut judged, does it compute the
//     model's relations. On the lazy-mm family every pair is proved so.
//   - lkmm's checker refutes quickly: a cycle of edges each in hb or pb
//     by definition (fence-ordered pairs, rfe, and coherence or fr
//     followed by a strong fence), found by one linear search with a node
//     for "every marked access from here on" per CPU and per coherence
//     position (lkmm_refute.go), shows an execution inconsistent without
//     the relations: on unlazy-6, every one of the 29,865 candidates the
//     explorer's incremental rules leave open.
//   - It is a [Decider]: Consistent loads an execution once for the sc
//     shortcut, that refutation and, only if both leave it open, Check on
//     the part of it where a cycle can lie: the events on cycles of
//     po ∪ rf ∪ co ∪ fr, and the events before them and their sources
//     (lkmm_core.go; every axiom but atomicity, which is checked on the
//     whole, is a cycle of relations built from paths in those four).
//     The explorer asks it about the candidates its incremental rules
//     leave open.
//
// Testing. The tests check the classic litmus shapes (SB, MP, LB, IRIW,
// 2+2W, R, the four coherence shapes, atomicity, release sequences,
// locks, fully ordered RMWs) under every model, and compare every checker,
// Ordered included, with a reference implementation written straight from
// the relational definitions on random executions; they also check that
// SC ⊆ TSO ⊆ RA and that consistency is prefix-closed. BenchmarkCheck
// measures a 64-event refcounting workload.
