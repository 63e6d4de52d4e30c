package litmus

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that the front end never panics, and that for inputs
// that parse, Parse(Format(f)) succeeds with the same tree and formats
// identically.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.lit")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	chunks, _ := readChunks("testdata/errors.lit")
	for _, c := range chunks {
		f.Add(c.src)
	}
	for _, name := range []string{"kernel/MP+polocks.litmus", "kernel/dep+plain.litmus",
		"paulmck/manual/oota/C-JO-OOTA-7.litmus", "paulmck/manual/atomic/C-atomic-04.litmus",
		"paulmck/manual/locked/3.SB+onces+locked.litmus", "paulmck/auto/C-LB-Lrw+R-A+R-D+R-Od.litmus"} {
		data, err := os.ReadFile(filepath.Join("../testdata/lkmm", name))
		if err != nil {
			f.Fatalf("seed from the conformance corpus: %v", err)
		}
		f.Add(data)
	}
	// herd7's grammar of the init block and the condition
	extra, _ := filepath.Glob("../testdata/herd/extra/*.litmus")
	for _, p := range extra {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, tt := range ppValues {
		f.Add([]byte(ppProgram(tt.src)))
	}
	for _, tt := range ppErrors {
		f.Add([]byte(ppProgram(tt.src)))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.lit", src)
		if file != nil {
			Lower(file) // must not panic, even on a partial tree
		}
		if err != nil {
			return
		}
		out := Format(file)
		file2, err := Parse("fuzz.lit", out)
		if err != nil {
			t.Fatalf("formatted source does not parse: %v\n%s", err, out)
		}
		if a, b := dump(file), dump(file2); a != b {
			t.Fatalf("format changed the tree:\n%s\n---\n%s\n---\n%s", out, a, b)
		}
		if out2 := Format(file2); !bytes.Equal(out, out2) {
			t.Fatalf("format is not stable:\n%s\n---\n%s", out, out2)
		}
	})
}
