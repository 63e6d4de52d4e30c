// Package go_test_suite holds the project's cross-package tests: the
// proofs-as-tests over the litmus files, the layering policy, the
// differential tests between models and searches, and the CLI tests. It
// has no code of its own.
package go_test_suite
