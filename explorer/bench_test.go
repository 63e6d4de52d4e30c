package explorer_test

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"mmcheck/explorer"
	"mmcheck/litmus"
	"mmcheck/memmodel"
	"mmcheck/model"
)

// benchMaxN is the largest unlazy-N that BenchmarkUnlazy runs: 6 unless
// MMCHECK_BENCH_MAXN says otherwise (7 and 8 take minutes per run under
// ra, more under lkmm: bench/run.sh caps them with a time limit).
func benchMaxN() int {
	if n, err := strconv.Atoi(os.Getenv("MMCHECK_BENCH_MAXN")); err == nil && n >= 2 && n <= 8 {
		return n
	}
	return 6
}

func loadUnlazy(b *testing.B, n int) *model.Program {
	path := fmt.Sprintf("../bench/lit/unlazy-%d.lit", n)
	src, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	p, err := litmus.Load(path, src)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkUnlazy explores the lazy-mm benchmark family (bench/lit,
// unlazy-4 to unlazy-benchMaxN) under each model (lkmm included: its
// proof needs lbfree.go), with one worker and two, and reports per run
// the executions and states, µs per execution, heap allocations per
// state (runtime/metrics' /gc/heap/allocs:objects over the run, divided
// by the states) and the peak of the heap's objects (sampled every 10 ms),
// besides Go's
// ns/op. The collector runs at GOGC 400, as the CLI sets it. The table
// script (bench/run.sh) reports the CLI's runs with wall time and the
// process's peak memory, and takes allocs/state from here.
func BenchmarkUnlazy(b *testing.B) {
	for n := 4; n <= benchMaxN(); n++ {
		p := loadUnlazy(b, n)
		for _, m := range append(slices.Clone(memmodel.Chain), memmodel.LKMM) {
			for _, workers := range []int{1, 2} {
				b.Run(fmt.Sprintf("N=%d/%s/workers=%d", n, m.Name, workers), func(b *testing.B) {
					benchExplore(b, p, explorer.Options{Model: m, Workers: workers})
				})
			}
		}
	}
}

// BenchmarkUnlazyWorkers measures parallel DPOR against one worker in
// the same run: unlazy-5 and unlazy-6 under ra and lkmm.
func BenchmarkUnlazyWorkers(b *testing.B) {
	for _, n := range []int{5, 6} {
		p := loadUnlazy(b, n)
		for _, m := range []*memmodel.Model{memmodel.RA, memmodel.LKMM} {
			for _, workers := range []int{1, 2} {
				b.Run(fmt.Sprintf("N=%d/%s/workers=%d", n, m.Name, workers), func(b *testing.B) {
					benchExplore(b, p, explorer.Options{Model: m, Workers: workers})
				})
			}
		}
	}
}

func benchExplore(b *testing.B, p *model.Program, opts explorer.Options) {
	defer debugSetGCPercent(400)()
	var states, execs int64
	var peak uint64
	var d time.Duration
	for i := 0; i < b.N; i++ {
		stop := samplePeak(&peak)
		before := readMetric("/gc/heap/allocs:objects")
		start := time.Now()
		r, err := explorer.Explore(context.Background(), p, opts)
		d += time.Since(start)
		allocs := readMetric("/gc/heap/allocs:objects") - before
		stop()
		if err != nil || r.Verdict != explorer.Pass {
			b.Fatalf("%v %v %s", err, r.Verdict, r.Reason)
		}
		states, execs = r.Stats.States, r.Stats.Executions
		b.ReportMetric(float64(allocs)/float64(states), "allocs/state")
	}
	b.ReportMetric(float64(execs), "executions")
	b.ReportMetric(float64(states), "states")
	b.ReportMetric(float64(d.Microseconds())/float64(b.N)/float64(execs), "µs/exec")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

func readMetric(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func debugSetGCPercent(p int) func() {
	old := debug.SetGCPercent(p)
	return func() { debug.SetGCPercent(old) }
}

// samplePeak records the most heap memory in use (objects, live or not
// yet swept) until the returned function is called.
func samplePeak(peak *uint64) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(10 * time.Millisecond)
		defer tk.Stop()
		for {
			*peak = max(*peak, readMetric("/memory/classes/heap/objects:bytes"))
			select {
			case <-done:
				return
			case <-tk.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
