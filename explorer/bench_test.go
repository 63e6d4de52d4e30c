package explorer_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
)

// BenchmarkUnlazy explores the lazy-mm benchmark family (bench/lit) under
// each model (lkmm included: its proof needs lbfree.go). The table script (bench/run.sh) reports the same runs with
// wall time and peak memory.
func BenchmarkUnlazy(b *testing.B) {
	for _, n := range []string{"3", "4", "5"} {
		for _, m := range append(slices.Clone(memmodel.Chain), memmodel.LKMM) {
			b.Run("N="+n+"/"+m.Name, func(b *testing.B) {
				path := "../bench/lit/unlazy-" + n + ".lit"
				src, err := os.ReadFile(path)
				if err != nil {
					b.Skip(err)
				}
				p, err := litmus.Load(path, src)
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: m})
					if err != nil || r.Verdict != explorer.Pass {
						b.Fatalf("%v %v", err, r.Verdict)
					}
					b.ReportMetric(float64(r.Stats.Executions), "executions")
				}
			})
		}
	}
}

// BenchmarkUnlazyWorkers measures parallel DPOR against one worker on
// unlazy-5 under ra, in the same run.
func BenchmarkUnlazyWorkers(b *testing.B) {
	path := "../bench/lit/unlazy-5.lit"
	src, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	p, err := litmus.Load(path, src)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 2} {
		b.Run("workers="+string(rune('0'+n)), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r, err := explorer.Explore(context.Background(), p, explorer.Options{Model: memmodel.RA, Workers: n})
				if err != nil || r.Verdict != explorer.Pass || r.Stats.Executions != 9752 {
					b.Fatalf("%v %v %d", err, r.Verdict, r.Stats.Executions)
				}
			}
		})
	}
}
