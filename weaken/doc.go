// Package weaken answers, for a litmus program that verifies, which of its
// orderings it needs and which it does not: `mmcheck weaken`.
//
// # Sites
//
// A site ([Sites], sites.go) is one ordering primitive of the source: every
// instruction of the lowered [model.Program] that came from the primitive
// at one source position. A helper inlined in several places, or a loop
// unrolled, gives several instructions but one site ([Options.PerCall],
// `--per-call`, makes each call a site instead: one per CPU and chain of
// inlined helpers, [SitesPerCall]; see "Per call").
// The sites are the
// acquire loads (smp_load_acquire, atomic_read_acquire), the release
// stores (smp_store_release, atomic_set_release, rcu_assign_pointer),
// smp_store_mb (a write and a full fence), the barriers smp_mb, smp_rmb,
// smp_wmb, smp_mb__before_atomic, smp_mb__after_atomic and
// smp_mb__after_spinlock, the fully ordered RMWs (xchg, cmpxchg,
// atomic_*_return, atomic_dec_and_test, ...) and their _acquire and
// _release forms, and READ_ONCE and WRITE_ONCE, which may become plain
// accesses. refcount_t's operations (refcount_dec_and_test,
// refcount_inc_not_zero, ...) are sites too, whatever their ordering:
// the kernel has no weaker form of them, so they are listed with the
// verdict "no weaker form" and not explored ([NoWeakerForm]), except
// the _acquire forms, which go down to the plain operation. Other relaxed
// RMWs, atomic_read/atomic_set, rcu_dereference, locks and RCU are not
// sites.
//
// # Dependencies
//
// Under a model that heeds dependencies (lkmm: memmodel.Model.NeedsDeps),
// [Run] also weakens the dependency sites ([DepSites], deps.go): an
// access whose address (a load, a store, an RMW), value written (a store,
// an RMW) or execution (a store or an RMW after a conditional) depends
// on a marked read of its CPU, found by a static analysis of each CPU's
// code that follows the explorer's rules (registers carry the reads they
// were computed from; a conditional on them covers the code until its
// branches join, a BUG_ON, assume or spin loop's exit all that follows).
// A dependency within one primitive's lowering (test_and_set_bit_lock
// tests, then sets) is not a site. One form is tried: the dependency
// broken, the access's [model.Instr.NoDeps] set, so that the model is told
// of no such dependency of its events while the values flow as before.
// The verdict says whether ordering rests on the dependency (needed: an
// address dependency that stands for an acquire, say), and the report
// presents it as a dependency: reported, never in the minimal set, since
// breaking one is not an edit of the source. The analysis may over all
// paths: a dependency no execution has is redundant. Data dependencies
// broken may let values come out of thin air (a load-buffering cycle
// through them), which the model then allows.
//
// # The ladder
//
// Each site is weakened one step at a time down the kernel's ladder
// (ladder.go, [Down]):
//
//	fully ordered RMW      -> its _acquire form, and its _release form
//	test_and_set_bit       -> test_and_set_bit_lock (its acquire form), and test_and_set_bit_release*
//	_acquire/_release RMW  -> its _relaxed form (try_cmpxchg_acquire -> try_cmpxchg_relaxed,
//	                          atomic_long_add_return_release -> atomic_long_add_return_relaxed,
//	                          test_and_set_bit_lock -> test_and_set_bit_relaxed*;
//	                          clear_bit_unlock -> clear_bit, with a note: clear_bit orders nothing)
//	refcount_*_acquire     -> the same without _acquire (refcount_inc_not_zero)
//	other refcount_*       -> none: "no weaker form"
//	smp_load_acquire       -> READ_ONCE
//	other acquire loads    -> their relaxed form (atomic_read, atomic_long_read,
//	                          test_bit; smp_cond_load_relaxed, atomic_cond_read_relaxed)
//	smp_store_release, rcu_assign_pointer -> WRITE_ONCE
//	other release stores   -> their relaxed form (atomic_set, atomic_long_set, refcount_set)
//	smp_store_mb           -> WRITE_ONCE (the fence dropped)
//	READ_ONCE/WRITE_ONCE   -> a plain access
//	smp_mb                 -> smp_wmb, and smp_rmb
//	smp_rmb, smp_wmb, smp_mb__before_atomic/after_atomic/after_spinlock -> nothing
//
// A weakened program ([Apply]) is a copy of the program whose site
// instructions have another Order (accesses) or Fence (barriers); a
// barrier removed becomes an OpNop. The instruction's Prim and Text are
// rewritten too ("smp_store_release(flag, 1)" becomes
// "WRITE_ONCE(*flag, 1)"), so that a counterexample's trace and its "why"
// lines speak of the weakened program. An RMW site whose lowering has a
// fence of its own (refcount_dec_and_test's acquire on zero) keeps it.
// Some weaker forms of RMWs are not
// kernel primitives (atomic_dec_and_test has no _acquire form): they are
// tried all the same, since they say which half of the ordering the site
// uses, and [Form.Kernel] says so. Under a model that ignores some
// orderings (sc ignores all of them) the ladder is applied all the same:
// the verdicts say what matters under that model.
//
// # The search
//
// [Run] (search.go) first explores the program itself: a program that is
// not verified is not weakened ([Report.Base] says why). Then, for each
// site and each weaker form one step down, it explores the program with
// only that change, with the caller's explorer options and a per-run
// timeout, and classifies the try:
//
//   - needed: the weakened program has a counterexample (or raises a
//     model flag the original does not, such as lkmm's data race when a
//     READ_ONCE becomes plain): keep the site's ordering;
//   - redundant here: the weakened program verifies; the search then
//     goes on down the ladder from that form, so that each site ends with
//     its weakest form that still verifies;
//   - unknown: the exploration was inconclusive within the limits.
//
// A site is needed when every form one step down is needed, redundant
// when some weaker form verifies, "no weaker form" when there is none
// (decided, not explored), unknown otherwise.
//
// Weakenings interact (two barriers can each be redundant because the
// other is there), so the search then builds a minimal sufficient set:
// every redundant site weakened together to its weakest redundant form
// that is a kernel primitive (the set is a patch one can apply), explored
// once. If that does not verify, the set is built greedily in
// source order: each redundant site in turn, its weakest redundant form
// first, is added to the set kept so far if the program still verifies
// with it, and otherwise recorded with the counterexample that broke it
// ([Minimal.Rejected]). The set is maximal for that order, not
// necessarily the largest there is.
//
// # Traces
//
// Each needed try, and each combination the minimal set rejected, keeps
// its exploration's counterexample (its first violation, or the witness
// of the condition; the first the search found, not necessarily the
// shortest there is). [Report.Traces] numbers them T1, T2, ... in the
// order the report shows them, and [Report.Save] makes one a saved
// trace (explorer.SavedTrace) of the weakened program that lists its
// weakenings (SavedTrace.Weakened: each site by position, primitive,
// kind and, per call, CPU and chain, and the form by name);
// [ApplySaved] makes them again on the litmus file lowered anew, which is
// what `mmcheck trace` does before it replays, so that the trace
// replays against the program it is of.
//
// # Per call
//
// A site of one call of a helper ([SitesPerCall]) is on the helper's
// line, every call's: [Patch] edits that line all the same, and
// [Report.CallChain] says which call the edit is for, the chain of calls
// from the CPU's code with where each is in the source
// ([Report.CallLines], which the caller fills from the source text).
//
// # Workers
//
// The sites are independent: [Options.Workers] goroutines take them in
// source order, each searching one site's ladder in turn (a form further
// down is tried only if the one above verified). Every variant, and every
// combination of the minimal set, is explored with one explorer worker;
// only the original program's exploration uses [Options.Explore]'s
// Workers. The results go to the site's place in source order, so the
// report is the same, byte for byte, whatever the number of workers and
// whichever site finishes first. [Options.Timeout] bounds each
// exploration by its own context; cancelling Run's context (Ctrl-C,
// SIGTERM in the command) stops every exploration at once: the sites
// decided keep their verdicts, the others are unknown, the minimal set is
// not searched or is cut short, and [Report.Interrupted] says so.
// [Options.Progress] hears of each site decided.
//
// The package explores and decides; it never prints: package reports
// renders a [Report].
package weaken
