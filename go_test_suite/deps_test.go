package go_test_suite

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// allowed is the statement of policy: which of our packages each package
// may import. Imports are one-way: model is a leaf; litmus and memmodel
// build on it; explorer uses the models; reports render explorer results;
// only main wires everything; go_test_suite is tests only. A package of
// the module that is not listed here fails TestLayering: a new package
// needs a line of policy.
var allowed = map[string][]string{
	"model":         {},
	"litmus":        {"model"},
	"memmodel":      {"model"},
	"explorer":      {"model", "memmodel"},
	"weaken":        {"model", "memmodel", "explorer"},
	"reports":       {"model", "explorer", "weaken"},
	".":             {"model", "litmus", "memmodel", "explorer", "reports", "weaken"},
	"go_test_suite": {},
}

const module = "mmcheck"

func TestLayering(t *testing.T) {
	dirs := packageDirs(t, "..")
	for _, dir := range dirs {
		if _, ok := allowed[dir]; !ok {
			t.Errorf("package %s has no line in the layering policy (allowed, in deps_test.go)", dir)
		}
	}
	for dir := range allowed {
		if !slices.Contains(dirs, dir) {
			t.Errorf("the policy lists %s, which is not a package of the module", dir)
		}
	}
	for _, v := range violations(t, "..", allowed) {
		t.Error(v)
	}
}

// violations lists the imports of the packages under root that the
// policy does not allow.
func violations(t *testing.T, root string, policy map[string][]string) []string {
	var out []string
	for dir, ok := range policy {
		for _, imp := range ourImports(t, filepath.Join(root, dir)) {
			if !slices.Contains(ok, imp) {
				out = append(out, fmt.Sprintf("package %s imports %s/%s; policy allows only %v", dir, module, imp, ok))
			}
		}
	}
	sort.Strings(out)
	return out
}

// packageDirs lists, relative to root, every directory of the module
// with a non-test Go file (a package), skipping testdata and hidden ones.
func packageDirs(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && p != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			rel, err := filepath.Rel(root, filepath.Dir(p))
			if err != nil {
				return err
			}
			seen[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(seen))
}

// ourImports lists the module-local packages imported by the non-test Go
// files of dir.
func ourImports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(fset, f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range af.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			if p == module || strings.HasPrefix(p, module+"/") {
				seen[strings.TrimPrefix(strings.TrimPrefix(p, module), "/")] = true
			}
		}
	}
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// TestLayeringCatchesViolations checks the checker on a module made for
// it: a leaf that imports a package above it, and a package with no line
// of policy, must both be caught.
func TestLayeringCatchesViolations(t *testing.T) {
	root := t.TempDir()
	write := func(path, src string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, path), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("model/m.go", "package model\n\nimport _ \"mmcheck/explorer\"\n")
	write("explorer/e.go", "package explorer\n\nimport _ \"mmcheck/model\"\n")
	write("extra/x.go", "package extra\n")
	write("extra/testdata/y.go", "package y\n")
	policy := map[string][]string{"model": {}, "explorer": {"model"}}
	got := violations(t, root, policy)
	want := []string{"package model imports mmcheck/explorer; policy allows only []"}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %q, want %q", got, want)
	}
	if dirs := packageDirs(t, root); !slices.Equal(dirs, []string{"explorer", "extra", "model"}) {
		t.Errorf("packages found: %q, want explorer, extra, model (extra has no policy, testdata is skipped)", dirs)
	}
	if got := ourImports(t, ".."); len(got) < 4 {
		t.Fatalf("main imports %v; expected it to wire at least four packages", got)
	}
}
