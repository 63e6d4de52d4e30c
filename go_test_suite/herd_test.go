package go_test_suite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"mmcheck/explorer"
	"mmcheck/memmodel"
	"mmcheck/reports"
)

// TestHerdOutputKernel renders `mmcheck explore --herd --model lkmm` on the
// kernel's 35 litmus tests into one golden file (testdata/herd/kernel.golden,
// rewritten by -update), and checks that each block has herd7's shape and
// herd7's observation line.
func TestHerdOutputKernel(t *testing.T) {
	verdicts := map[string]herdVerdict{}
	for _, v := range readVerdicts(t, "testdata/lkmm/kernel-verdicts.tsv") {
		verdicts[v.test] = v
	}
	files, _ := filepath.Glob("testdata/lkmm/kernel/*.litmus")
	if len(files) != 35 {
		t.Fatalf("%d kernel tests, want 35", len(files))
	}
	shape := regexp.MustCompile(`^Test \S+ (Allowed|Forbidden|Required)\nStates \d+\n(.*\n)*(Ok|No)\nWitnesses\nPositive: \d+ Negative: \d+\n(Flag \S+\n)*Condition .*\nObservation \S+ (Never|Sometimes|Always) \d+ \d+\nTime \S+ <dur>\n\n$`)
	timeRE := regexp.MustCompile(`(?m)^Time (\S+) [0-9.]+$`)
	var all bytes.Buffer
	for _, f := range files {
		p := loadProgram(t, f)
		r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.LKMM})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := reports.Herd(&b, r); err != nil {
			t.Fatal(err)
		}
		out := timeRE.ReplaceAllString(b.String(), "Time $1 <dur>")
		if !shape.MatchString(out) {
			t.Errorf("%s: not herd7's shape:\n%s", f, out)
		}
		v := verdicts[filepath.Base(f)]
		want := "Observation " + p.Name + " " + v.observation + " " + v.positive + " " + v.negative
		if !strings.Contains(out, want+"\n") {
			t.Errorf("%s: want %q in\n%s", f, want, out)
		}
		all.WriteString(out)
	}
	golden := "testdata/herd/kernel.golden"
	if *update {
		if err := os.WriteFile(golden, all.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./go_test_suite -run HerdOutput -update)", err)
	}
	if !bytes.Equal(all.Bytes(), want) {
		t.Errorf("--herd output differs from %s (rerun with -update if intended)", golden)
	}
}
