package reports_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/reports"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldenCases are rendered with one worker, so the counterexample chosen
// (the simplest found) is deterministic.
var goldenCases = []struct {
	name, file, model string
}{
	{"mp-ra", "../testdata/litmus/MP.litmus", "ra"},
	{"sb-tso", "../testdata/litmus/SB.litmus", "tso"},
	{"unlazy-bug3-ra", "../bench/lit/unlazy-3-bug3.lit", "ra"},
	{"unlazy-bug2-sc", "../bench/lit/unlazy-3-bug2.lit", "sc"},
	{"unlazy", "../litmus/unlazy.lit", "ra"},
}

var durRE = regexp.MustCompile(`\b[0-9]+(\.[0-9]+)?(µs|ms|s)\b|"seconds": [0-9.e-]+|Time (\S+) [0-9.]+`)

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			src, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := litmus.Load(filepath.Base(c.file), src)
			if err != nil {
				t.Fatal(err)
			}
			r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.Lookup(c.model), Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			outs := map[string]func(*bytes.Buffer) error{
				"txt":  func(b *bytes.Buffer) error { return reports.Text(b, r, reports.Options{}) },
				"json": func(b *bytes.Buffer) error { return reports.JSON(b, r, reports.Options{}) },
				"herd": func(b *bytes.Buffer) error {
					// A result herd7's format cannot show: the reason, as the CLI prints it.
					var ie *reports.IncompleteError
					if err := reports.Herd(b, r); errors.As(err, &ie) {
						fmt.Fprintf(b, "stderr: %v\n", err)
					} else if err != nil {
						return err
					}
					return nil
				},
			}
			cx := r.Witness
			if len(r.Violations) > 0 {
				cx = r.Violations[0]
			}
			if cx != nil {
				outs["dot"] = func(b *bytes.Buffer) error { return reports.DOT(b, p, cx) }
			}
			for ext, render := range outs {
				var b bytes.Buffer
				if err := render(&b); err != nil {
					t.Fatal(err)
				}
				got := durRE.ReplaceAll(b.Bytes(), []byte("<dur>"))
				golden := filepath.Join("testdata", c.name+"."+ext+".golden")
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./reports -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s (rerun with -update if intended):\n%s", ext, golden, got)
				}
			}
		})
	}
}
