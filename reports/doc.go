// Package reports renders exploration results: [Text] for people (the
// verdict, statistics, the final states and a numbered counterexample
// trace) and [JSON] for programs. Renderers are pure: they build a view of
// an [explorer.Result] first and then write it to an io.Writer; they never
// explore or decide anything.
//
// # Traces
//
// A counterexample is an execution graph. People read sequences, so the
// trace shows a linearization ([explorer.Linearize]) that respects program
// order and reads-from, keeps each CPU running as long as it can, and
// annotates each read with the write it reads from.
package reports
