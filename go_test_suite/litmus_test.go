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
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// expectation is one .expected file: the condition's observation per
// model, and optionally the number of executions (the same under every
// model that lists it).
type expectation struct {
	obs        map[string]string
	executions int64
}

func readExpected(t *testing.T, path string) expectation {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := expectation{obs: map[string]string{}, executions: -1}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("%s: bad line %q", path, line)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "executions" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			e.executions = n
			continue
		}
		e.obs[k] = v
	}
	return e
}

func loadProgram(t testing.TB, path string) *model.Program {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := litmus.Load(path, src)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return p
}

func explore(t testing.TB, p *model.Program, m *memmodel.Model, alg explorer.Algorithm) *explorer.Result {
	t.Helper()
	r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: m, Algorithm: alg})
	if err != nil {
		t.Fatalf("%s under %s: %v", p.File, m.Name, err)
	}
	return r
}

// TestClassicShapes runs the classic litmus shapes under every model and
// both searches, and compares the observation of the condition with the
// literature's.
func TestClassicShapes(t *testing.T) {
	files, _ := filepath.Glob("../testdata/litmus/*.litmus")
	if len(files) == 0 {
		t.Fatal("no litmus files")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".litmus")
		t.Run(name, func(t *testing.T) {
			exp := readExpected(t, strings.TrimSuffix(f, ".litmus")+".expected")
			p := loadProgram(t, f)
			for _, m := range memmodel.All {
				want, ok := exp.obs[m.Name]
				if !ok {
					continue
				}
				for _, alg := range []explorer.Algorithm{explorer.DPOR, explorer.Interleave} {
					r := explore(t, p, m, alg)
					if got := r.Observation.String(); got != want {
						t.Errorf("%s (alg %d): observation %s (positive %d, negative %d), want %s", m.Name, alg, got, r.Positive, r.Negative, want)
					}
					if exp.executions >= 0 && r.Stats.Executions != exp.executions {
						t.Errorf("%s (alg %d): %d executions, want %d", m.Name, alg, r.Stats.Executions, exp.executions)
					}
					if len(r.Violations) > 0 {
						t.Errorf("%s: unexpected violation: %s", m.Name, r.Violations[0].Violation.Msg)
					}
				}
			}
		})
	}
}
