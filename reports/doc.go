// Package reports renders exploration results. Renderers are pure: they
// build a view of an [explorer.Result] or [explorer.Counterexample] first
// and then write it to an io.Writer; they never explore or decide
// anything.
//
//   - [Text], for people: the verdict, statistics, the final states and a
//     numbered counterexample trace (text.go, view.go).
//   - [JSON] for programs, the same view as one object; [JSONArray] for
//     several files (json.go).
//   - [Herd], herd7's output format (herd.go, with herd7's test hash in
//     herdhash.go, herdsplit.go and herdinit.go).
//   - [Trace], one saved counterexample as text, as `mmcheck trace` shows
//     it (trace.go), and [DOT], its execution graph for Graphviz (dot.go).
//   - [WeakenText] and [WeakenJSON], the report of `mmcheck weaken` (a
//     [mmcheck/weaken.Report]): the table of ordering sites and the minimal
//     sufficient set as -/+ source lines (weaken.go).
//
// # Traces
//
// A counterexample is an execution graph. People read sequences, so the
// trace shows a linearization ([explorer.Linearize]) that respects program
// order and reads-from, keeps each CPU running as long as it can, and
// annotates each read with the write it reads from.
//
// # herd7's format
//
// [Herd] prints what herd7 (herdtools7 7.58+1, with the kernel's
// linux-kernel.cfg) prints for the test, byte for byte but the Time line:
// the name without a trailing ".litmus"; the final states with registers
// before memory locations, locations in brackets ("[x]=1;"), pointers as
// their target's name and NULL as 0, in herd7's order; Witnesses of
// ~exists counted the way herd7 counts them (the executions that satisfy
// ~exists first); the model's flags; the condition in herd7's normal form
// ("not (...)" for a negation or "!=", parentheses only around a
// disjunction inside a conjunction); and herd7's Hash= line, an MD5 of a
// canonical form of the test's text that herdhash.go computes as herd7
// does (none if the text is not herd7's C syntax). The kernel corpus and
// Paul McKenney's collection are the golden tests, with herd7's own
// output (go_test_suite/herd_test.go).
//
// It never prints counts herd7 would not print. herd7 prints no result
// for a test it does not finish, and neither does Herd when the search
// did not build every execution (explorer.Result.Stopped: a bound,
// --timeout, --max-states, an interrupt, the violations budget, or the
// incomplete search of a model with load buffering), even when a
// counterexample found before decides the verdict; nor when an execution
// ends in a violation herd7 has no notion of (a use after free, a
// BUG_ON, ...: those executions are in no final state). It then prints
// nothing and returns an [IncompleteError] with the reason, which the CLI
// prints on stderr; the exit status is the verdict's.
//
// A goal-directed search (explorer.Result.Partial: tests too big to
// enumerate whole, such as RCU chains of 19 CPUs) proves the observation
// without building every execution: herd7 would print the full counts,
// and no one knows them. Herd prints only what is certain: the Test line,
// Ok or No, the flags, the condition, and the Observation line without its
// two counts ("Observation NAME Never"), then Time and Hash; no States
// and no Witnesses. Scripts that read the observation's word (the
// kernel's judgelitmus.sh, bench/big.sh) still work; a script that needs
// the counts sees that they are missing. It returns an IncompleteError
// with Printed set, whose reason the CLI prints on stderr.
package reports
