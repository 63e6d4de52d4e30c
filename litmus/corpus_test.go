package litmus

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir returns the directory that holds the herd7 conformance corpus
// (lkmm/): the top-level testdata, in the repository. A missing corpus is
// a failure, not a skip.
func sharedDir(t testing.TB) string {
	const d = "../testdata"
	if fi, err := os.Stat(filepath.Join(d, "lkmm")); err != nil || !fi.IsDir() {
		t.Fatalf("the conformance corpus %s is missing (%v); it is part of the repository", filepath.Join(d, "lkmm"), err)
	}
	return d
}

// verdictPrims maps "kernel/X.litmus" to the primitives column of the
// corpus's verdict tables.
var verdictPrims = map[string]string{}

func loadVerdicts(t testing.TB) {
	dir := sharedDir(t)
	for _, sub := range []string{"kernel", "paulmck"} {
		data, err := os.ReadFile(filepath.Join(dir, "lkmm", sub+"-verdicts.tsv"))
		if err != nil {
			t.Fatalf("the corpus's verdict table: %v", err)
		}
		lines := strings.Split(string(data), "\n")
		if len(lines) == 0 {
			continue
		}
		header := strings.Split(lines[0], "\t")
		col := -1
		for i, h := range header {
			if h == "primitives" {
				col = i
			}
		}
		for _, line := range lines[1:] {
			f := strings.Split(line, "\t")
			if col >= 0 && len(f) > col {
				verdictPrims[sub+"/"+f[0]] = f[col]
			}
		}
	}
}

func corpusFiles(t testing.TB) []string {
	loadVerdicts(t)
	dir := sharedDir(t)
	var files []string
	for _, sub := range []string{"kernel", "paulmck"} {
		root := filepath.Join(dir, "lkmm", sub)
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".litmus") {
				files = append(files, path)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatalf("no .litmus files in %s", filepath.Join(dir, "lkmm"))
	}
	return files
}

// TestCorpus checks that every herd7 test of the shared corpus parses,
// formats stably, and lowers.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	for _, path := range files {
		name := strings.TrimPrefix(path, sharedDir(t)+"/lkmm/")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(path, src)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			out := Format(f)
			f2, err := Parse(path, out)
			if err != nil {
				t.Fatalf("parse of formatted source: %v\n%s", err, out)
			}
			if a, b := dump(f), dump(f2); a != b {
				t.Fatalf("format changed the tree:\n%s\n---\n%s\n---\n%s", out, a, b)
			}
			if out2 := Format(f2); !bytes.Equal(out, out2) {
				t.Fatalf("format not stable:\n%s\n---\n%s", out, out2)
			}
			p, err := Lower(f)
			if err != nil {
				t.Fatalf("lower: %v", err)
			}
			for _, th := range p.Threads {
				checkThread(t, p, th)
			}
			if want, ok := verdictPrims[name]; ok {
				if got := strings.Join(p.Features, ","); got != want {
					t.Errorf("features %s, corpus says %s", got, want)
				}
			}
		})
	}
}
