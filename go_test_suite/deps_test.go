package go_test_suite

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// allowed is the statement of policy: which of our packages each package
// may import. Imports are one-way: model is a leaf; litmus and memmodel
// build on it; explorer uses the models; reports render explorer results;
// only main wires everything.
var allowed = map[string][]string{
	"model":    {},
	"litmus":   {"model"},
	"memmodel": {"model"},
	"explorer": {"model", "memmodel"},
	"reports":  {"model", "explorer"},
	".":        {"model", "litmus", "memmodel", "explorer", "reports"},
}

const module = "mmcheck"

func TestLayering(t *testing.T) {
	for dir, ok := range allowed {
		imports := ourImports(t, filepath.Join("..", dir))
		for _, imp := range imports {
			allowedHere := false
			for _, a := range ok {
				if imp == a {
					allowedHere = true
				}
			}
			if !allowedHere {
				t.Errorf("package %s imports %s/%s; policy allows only %v", dir, module, imp, ok)
			}
		}
	}
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

// TestLayeringCatchesViolations checks the checker: the root package
// really does import everything, so an empty policy would fail.
func TestLayeringCatchesViolations(t *testing.T) {
	if got := ourImports(t, ".."); len(got) < 4 {
		t.Fatalf("main imports %v; expected it to wire at least four packages", got)
	}
}
