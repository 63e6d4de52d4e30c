package go_test_suite

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mmcheck/explorer"
	"mmcheck/memmodel"
)

// The lazy-mm protocol suite: ../litmus/unlazy.lit and every
// ../litmus/lazy-mm/*.lit, each with its .expected
// (see ../litmus/README.md). An .expected file has one line per model,
//
//	sc: verified
//	tso: counterexample use after free
//	ra: counterexample use after free line 77
//
// with the analysis's expectation, not the tool's output: the verdict
// ("verified", "counterexample" or "inconclusive"), for a counterexample
// the kind of the first violation (a model.ViolationKind name, or
// "condition" for a final state that witnesses the condition), and
// optionally the line of the .lit file where the violating access is.
// A line that ends in "(slow)" takes more than a few seconds (the lkmm
// proofs of the bigger files): it runs only with MMCHECK_SLOW=1
// (slowTests). Lines starting with # are comments.

// protocolStates bounds one exploration of a line not marked slow, by
// states rather than seconds, so that the verdict does not depend on how
// busy the machine is: such a line takes at most a few seconds, well
// under 200,000 states; one that needs more says "(slow)". A slow line
// has the explorer's own bounds only.
const protocolStates = 2_000_000

// protocolExpect is one model's line of an .expected file.
type protocolExpect struct {
	model   string
	verdict string // verified, counterexample, inconclusive
	kind    string // for counterexample: the violation kind, or "condition"
	line    int    // 0: any line
	slow    bool   // only with MMCHECK_SLOW=1
}

func readProtocolExpected(t *testing.T, path string) []protocolExpect {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("missing expectations: %v", err)
	}
	defer f.Close()
	var exps []protocolExpect
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("%s:%d: want \"model: result\", found %q", path, n, line)
		}
		e := protocolExpect{model: strings.TrimSpace(m)}
		v = strings.TrimSpace(v)
		if rest, ok := strings.CutSuffix(v, "(slow)"); ok {
			e.slow, v = true, strings.TrimSpace(rest)
		}
		if i := strings.LastIndex(v, " line"); i >= 0 {
			num := strings.TrimSpace(strings.TrimPrefix(v[i+len(" line"):], ":"))
			l, err := strconv.Atoi(num)
			if err != nil || l <= 0 {
				t.Fatalf("%s:%d: bad line number in %q", path, n, line)
			}
			e.line = l
			v = strings.TrimSpace(v[:i])
		}
		verdict, kind, _ := strings.Cut(v, " ")
		e.verdict, e.kind = verdict, strings.TrimSpace(kind)
		switch {
		case e.verdict == "counterexample" && e.kind != "":
		case (e.verdict == "verified" || e.verdict == "inconclusive") && e.kind == "" && e.line == 0:
		default:
			t.Fatalf("%s:%d: bad result %q", path, n, v)
		}
		exps = append(exps, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(exps) == 0 {
		t.Fatalf("%s: no expectations", path)
	}
	return exps
}

// protocolFiles returns the protocol suite: litmus/*.lit, then
// litmus/lazy-mm/*.lit, failing if it is missing.
func protocolFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../litmus/*.lit")
	if err != nil {
		t.Fatal(err)
	}
	scenarios, err := filepath.Glob("../litmus/lazy-mm/*.lit")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 || len(scenarios) < 40 {
		t.Fatalf("%d files in ../litmus and %d in ../litmus/lazy-mm: the suite is missing", len(files), len(scenarios))
	}
	return append(files, scenarios...)
}

// TestProtocol explores every file of the lazy-mm litmus suite under
// each model its .expected file lists and compares the verdict, the
// kind of the first violation and, when given, its line.
func TestProtocol(t *testing.T) {
	files := protocolFiles(t)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".lit")
		t.Run(name, func(t *testing.T) {
			exps := readProtocolExpected(t, strings.TrimSuffix(f, ".lit")+".expected")
			p := loadProgram(t, f)
			for _, e := range exps {
				t.Run(e.model, func(t *testing.T) {
					m := memmodel.Lookup(e.model)
					if m == nil {
						t.Fatalf("the .expected file names model %s, which does not exist", e.model)
					}
					opts := explorer.Options{Model: m, MaxStates: protocolStates}
					if e.slow {
						if !slowTests() {
							t.Skip("slow: runs with MMCHECK_SLOW=1 (bench/slow-tests.sh)")
						}
						opts.MaxStates = 0
					}
					r, err := explorer.Explore(context.Background(), p, opts)
					if err != nil {
						t.Fatalf("%v", err)
					}
					got := r.Verdict.String()
					if got != e.verdict {
						t.Fatalf("verdict %s (%s), want %s %s", got, r.Reason, e.verdict, e.kind)
					}
					if got != "counterexample" {
						return
					}
					kind, line, file := "condition", 0, ""
					switch {
					case len(r.Violations) > 0:
						v := r.Violations[0].Violation
						kind, line, file = v.Kind.String(), v.Pos.Line, v.Pos.File
					case r.Witness != nil:
						line, file = r.Witness.Violation.Pos.Line, r.Witness.Violation.Pos.File
					}
					if kind != e.kind {
						t.Errorf("first violation %s (%s), want %s", kind, r.Reason, e.kind)
						return
					}
					if e.line != 0 && (line != e.line || filepath.Base(file) != filepath.Base(f)) {
						t.Errorf("%s at %s:%d, want %s:%d", kind, filepath.Base(file), line, filepath.Base(f), e.line)
					}
				})
			}
		})
	}
}
