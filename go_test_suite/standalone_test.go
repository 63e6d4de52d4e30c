package go_test_suite

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The repository stands alone: a user who clones it has nothing beside it,
// so no tracked file may send a reader, a script or a test to a path
// outside it. Data the project needs lives in the repository (the herd7
// corpus in testdata/lkmm, the GenMC figures in bench/genmc-unlazy.md,
// the protocol analysis and the language reference in docs/); where a
// file records where something came from, it says so in words.

// outsidePaths are the spellings that point outside the repository: the
// directory the project was developed in, the shared directory beside it
// (by relative path or by its subdirectories' names), and home
// directories. Submatch 1 is the path. Each literal is split so that this
// file does not match itself.
var outsidePaths = []struct {
	what string
	re   *regexp.Regexp
}{
	{"the directory the project was developed in", regexp.MustCompile(`(/wor` + `k/)`)},
	{"the shared directory beside the repository", regexp.MustCompile(`(\.\./sha` + `red)`)},
	{"the shared directory's corpus, docs, benchmarks or seed", regexp.MustCompile(`(sha` + `red/(?:lkmm|docs|bench|seed))`)},
	{"a home directory", regexp.MustCompile(`(?:^|[^\w.~/-])(/ho` + `me/\w+|/Us` + `ers/\w+|/ro` + `ot\b|[A-Za-z]:\\Us` + `ers\\)`)},
}

// TestStandalone fails if a tracked text file mentions a path outside the
// repository.
func TestStandalone(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	files := trackedFiles(t, root)
	if len(files) == 0 {
		t.Fatalf("no files found under %s", root)
	}
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			if os.IsNotExist(err) {
				continue // tracked but deleted in the work tree
			}
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if isBinary(data) {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			var found []string
			for _, p := range outsidePaths {
				if m := p.re.FindStringSubmatch(line); m != nil {
					found = append(found, fmt.Sprintf("%q (%s)", m[1], p.what))
				}
			}
			if found != nil {
				t.Errorf("%s:%d: points outside the repository: %s; describe the source in words, or copy what is needed into the repository\n\t%s",
					filepath.ToSlash(rel), i+1, strings.Join(found, ", "), strings.TrimSpace(line))
			}
		}
	}
}

// trackedFiles lists the repository's files, relative to root: those git
// tracks if git is there and root is a work tree, else every file under
// root outside .git.
func trackedFiles(t *testing.T, root string) []string {
	if git, err := exec.LookPath("git"); err == nil {
		cmd := exec.Command(git, "-C", root, "ls-files", "-z")
		if out, err := cmd.Output(); err == nil {
			var files []string
			for _, f := range strings.Split(string(out), "\x00") {
				if f != "" {
					files = append(files, filepath.FromSlash(f))
				}
			}
			return files
		}
	}
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// isBinary reports whether data looks like a binary file (a NUL byte in
// its first 8000 bytes, git's own test).
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}

// TestStandalonePatterns checks outsidePaths on lines that must and must
// not match (split like the patterns, so that this file passes its own
// test).
func TestStandalonePatterns(t *testing.T) {
	outside := []string{
		"see /wor" + "k/sha" + "red/docs/lazy-mm-protocol.md",
		"cd /wor" + "k/main && go build",
		`dir := ".." + "/../sha` + `red/lkmm"`,
		"lit/unlazy-N.lit is sha" + "red/bench/gen_unlazy.py N",
		"(sha" + "red/seed/thread.txt)",
		"a copy of sha" + "red/lkmm/big",
		"GOPATH=/ho" + "me/alice/go",
		"cache in /ro" + "ot/.cache",
		"`/Us" + "ers/bob/src`",
		`C:\Us` + `ers\carol\go`,
	}
	for _, line := range outside {
		found := false
		for _, p := range outsidePaths {
			found = found || p.re.MatchString(line)
		}
		if !found {
			t.Errorf("%q: not recognised as pointing outside the repository", line)
		}
	}
	inside := []string{
		"the shared docs of the project",
		"../testdata/lkmm/kernel-verdicts.tsv",
		"bench/genmc-unlazy.md and testdata/lkmm/big",
		"docs/lazy-mm-protocol.md section 6",
		"src/home/page.go and a/root/b",
		"$(go env GOPATH)/bin/mmcheck",
		"the work/ directory of a test",
	}
	for _, line := range inside {
		for _, p := range outsidePaths {
			if p.re.MatchString(line) {
				t.Errorf("%q: taken for %s", line, p.what)
			}
		}
	}
}
