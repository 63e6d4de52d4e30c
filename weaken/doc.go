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
// inlined helpers, [SitesPerCall]; its weakenings are not source edits).
// The sites are the
// acquire loads (smp_load_acquire, atomic_read_acquire), the release
// stores (smp_store_release, atomic_set_release, rcu_assign_pointer),
// smp_store_mb (a write and a full fence), the barriers smp_mb, smp_rmb,
// smp_wmb, smp_mb__before_atomic, smp_mb__after_atomic and
// smp_mb__after_spinlock, the fully ordered RMWs (xchg, cmpxchg,
// atomic_*_return, atomic_dec_and_test, ...) and their _acquire and
// _release forms, and READ_ONCE and WRITE_ONCE, which may become plain
// accesses. Relaxed RMWs, atomic_read/atomic_set, rcu_dereference, locks
// and RCU are not sites.
//
// # The ladder
//
// Each site is weakened one step at a time down the kernel's ladder
// (ladder.go, [Down]):
//
//	fully ordered RMW      -> its _acquire form, and its _release form
//	_acquire/_release RMW  -> its _relaxed form (clear_bit_unlock -> clear_bit)
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
// lines speak of the weakened program. Some weaker forms of RMWs are not
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
// when some weaker form verifies, unknown otherwise.
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
