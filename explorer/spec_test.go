package explorer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mmcheck/litmus"
)

// specAgree is lbAgree for DPOR with speculated reads (spec.go).
func specAgree(t *testing.T, f string) (diff string, claimed bool) {
	t.Helper()
	src, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	p, err := litmus.Load(f, src)
	if err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	if ok, _ := lbFree(p, 8); ok {
		return "", false
	}
	return dporAgree(t, p, func(r *Result) bool { return r.Speculated > 0 })
}

// TestSpecCorpus is the soundness check of spec.go on the kernel's litmus
// tests that lbfree.go cannot rule load buffering out of (the LB shapes
// among them): DPOR with speculated reads must find exactly what the
// (complete) enumeration finds, execution counts included.
func TestSpecCorpus(t *testing.T) {
	var files []string
	for _, set := range []string{"kernel", "paulmck"} {
		root := filepath.Join("..", "go_test_suite", "testdata", "lkmm", set)
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(path, ".litmus") {
				files = append(files, path)
			}
			return nil
		})
	}
	n := 0
	for i, f := range files {
		if testing.Short() && i%4 != 0 {
			continue
		}
		diff, claimed := specAgree(t, f)
		if claimed {
			n++
		}
		if diff != "" {
			t.Errorf("%s: %s", f, diff)
		}
	}
	t.Logf("%d corpus tests checked with speculated reads", n)
	if min := 50; testing.Short() && n < min/4 || !testing.Short() && n < min {
		t.Errorf("only %d corpus tests were searched with speculated reads", n)
	}
}

// TestSpecRandom is the same differential check on random programs (with
// dependencies and fences, see fuzz_test.go), which have RMWs, awaits
// and plain accesses the corpus lacks.
func TestSpecRandom(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 80
	}
	spec := 0
	for seed := int64(1); seed <= int64(n); seed++ {
		p := randomProgram(seed)
		if seed%2 == 0 {
			p = randomDepProgram(seed)
		}
		if ok, _ := lbFree(p, 8); ok {
			continue
		}
		diff, claimed := dporAgree(t, p, func(r *Result) bool { return r.Speculated > 0 })
		if claimed {
			spec++
		}
		if diff != "" {
			t.Errorf("seed %d: %s\n%s", seed, diff, dumpProgram(p))
		}
	}
	t.Logf("%d of %d random programs searched with speculated reads", spec, n)
	if spec < n/20 {
		t.Errorf("only %d random programs were searched with speculated reads", spec)
	}
}

// TestSpecReaders is TestSpecCorpus and TestSpecRandom with each cycle cut
// at the reads of its unordered writes (the other choice lbAnalyze makes
// when a read's own values are not known).
func TestSpecReaders(t *testing.T) {
	specReaders = true
	defer func() { specReaders = false }()
	t.Run("corpus", TestSpecCorpus)
	t.Run("random", TestSpecRandom)
}
