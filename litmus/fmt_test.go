package litmus

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "update golden files")

// TestFormatGolden checks the layout of Format on a file using most of
// the syntax.
func TestFormatGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/format.lit")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("testdata/format.lit", src)
	if err != nil {
		t.Fatal(err)
	}
	got := string(Format(f))
	if *update {
		os.WriteFile("testdata/format.golden", []byte(got), 0o644)
	}
	want, err := os.ReadFile("testdata/format.golden")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// The golden output is itself formatted.
	g, err := Parse("golden.lit", want)
	if err != nil {
		t.Fatal(err)
	}
	if string(Format(g)) != string(want) {
		t.Errorf("golden file is not stable")
	}
	if dump(g) != dump(f) {
		t.Errorf("golden file parses to a different tree")
	}
}
