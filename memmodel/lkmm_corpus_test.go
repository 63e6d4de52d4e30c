//go:build lkmmcorpus

package memmodel_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
)

// TestLKMMCorpus runs the herd7 conformance corpus under lkmm and compares
// each observation with herd7's. It explores whole programs, so it depends
// on the litmus front end and the explorer, and is built only with the
// lkmmcorpus tag:
//
//	go test -tags lkmmcorpus ./memmodel -run LKMMCorpus                          (kernel, 35 tests)
//	MMCHECK_LKMM_CORPUS=paulmck go test -tags lkmmcorpus ./memmodel -run LKMMCorpus (656 tests)
//	MMCHECK_LKMM_CORPUS=all ... (both); MMCHECK_LKMM_CORPUS=big ... (18 large tests)
//
// MMCHECK_LKMM_ALGO=enumerate uses the herd-like enumerator instead of DPOR;
// MMCHECK_LKMM_RUN=substring limits the tests.
func TestLKMMCorpus(t *testing.T) {
	which := os.Getenv("MMCHECK_LKMM_CORPUS")
	if which == "" {
		which = "kernel"
	}
	// The corpus is in the repository: testdata/lkmm holds
	// the kernel and paulmck sets and every verdict table, testdata/lkmm/big
	// the big set's tests. MMCHECK_LKMM_DIR names another copy laid out as
	// testdata/lkmm is, with big/ beside kernel/ and paulmck/.
	dir := os.Getenv("MMCHECK_LKMM_DIR")
	bigDir := filepath.Join(dir, "big")
	if dir == "" {
		dir, bigDir = "../testdata/lkmm", "../testdata/lkmm/big"
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("the conformance corpus %s is missing (%v)", dir, err)
	}
	sets := []string{"kernel", "paulmck"}
	if which != "all" {
		sets = []string{which}
	}
	algo := explorer.DPOR
	if os.Getenv("MMCHECK_LKMM_ALGO") == "enumerate" {
		algo = explorer.Enumerate
	}
	only := os.Getenv("MMCHECK_LKMM_RUN")
	bad, total := 0, 0
	for _, set := range sets {
		for _, row := range readVerdicts(t, filepath.Join(dir, set+"-verdicts.tsv")) {
			name, want := row[0], row[1]
			if only != "" && !strings.Contains(name, only) {
				continue
			}
			total++
			path := filepath.Join(dir, set, name)
			if set == "big" {
				path = filepath.Join(bigDir, name)
			}
			p, err := litmus.LoadFile(path)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				bad++
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			start := time.Now()
			res, err := explorer.Explore(ctx, p, explorer.Options{Model: memmodel.LKMM, Algorithm: algo})
			cancel()
			if err != nil {
				t.Errorf("%s: %v", name, err)
				bad++
				continue
			}
			got := res.Observation.String()
			if res.Bounded() {
				got = "Unknown(" + res.Reason + ")"
			}
			if got != want {
				bad++
				t.Errorf("%s/%s: lkmm says %s (%d+/%d-), herd7 %s (%s+/%s-) flags %v [%v]",
					set, name, got, res.Positive, res.Negative, want, row[2], row[3], res.Flags, time.Since(start).Round(time.Millisecond))
			} else if testing.Verbose() {
				t.Logf("%s/%s: %s %v [%v]", set, name, got, res.Flags, time.Since(start).Round(time.Millisecond))
			}
		}
	}
	t.Logf("%d of %d tests disagree with herd7", bad, total)
}

func readVerdicts(t *testing.T, path string) [][]string {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var rows [][]string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 4 || f[0] == "test" {
			continue
		}
		rows = append(rows, f)
	}
	return rows
}
