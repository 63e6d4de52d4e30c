package memmodel

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveSeq and naivePlus are a;b and m+ on boolean matrices, the
// definitions the bit-row versions must agree with.
func naiveSeq(a, b [][]bool) [][]bool {
	n := len(a)
	out := make([][]bool, n)
	for i := range out {
		out[i] = make([]bool, n)
		for j := range n {
			for k := range n {
				if a[i][k] && b[k][j] {
					out[i][j] = true
					break
				}
			}
		}
	}
	return out
}

func naivePlus(m [][]bool) [][]bool {
	n := len(m)
	out := make([][]bool, n)
	for i := range out {
		out[i] = slices.Clone(m[i])
	}
	for k := range n {
		for i := range n {
			if out[i][k] {
				for j := range n {
					out[i][j] = out[i][j] || out[k][j]
				}
			}
		}
	}
	return out
}

// TestRelationsAgainstNaive checks seq and plus, whose rows of one and two
// words have loops of their own (seq1, seq2, plus1, plus2), against the
// definitions on random relations of 1 to 200 nodes.
func TestRelationsAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var r lkRels
	for _, n := range []int{1, 2, 5, 31, 63, 64, 65, 70, 100, 127, 128, 129, 150, 200} {
		for _, density := range []float64{0.01, 0.05, 0.2} {
			r.reset(n)
			a, b := r.rel(), r.rel()
			ba, bb := make([][]bool, n), make([][]bool, n)
			for i := range n {
				ba[i], bb[i] = make([]bool, n), make([]bool, n)
				for j := range n {
					if rng.Float64() < density {
						ba[i][j] = true
						r.add(a, int32(i), int32(j))
					}
					if rng.Float64() < density {
						bb[i][j] = true
						r.add(b, int32(i), int32(j))
					}
				}
			}
			check := func(what string, got []uint64, want [][]bool) {
				t.Helper()
				for i := range n {
					for j := range n {
						if r.has(got, int32(i), int32(j)) != want[i][j] {
							t.Fatalf("n=%d density %g: %s has (%d,%d) = %v, want %v", n, density, what, i, j, !want[i][j], want[i][j])
						}
					}
				}
			}
			check("a;b", r.seq(a, b), naiveSeq(ba, bb))
			check("a+", r.plus(r.clone(a)), naivePlus(ba))
		}
	}
}

// BenchmarkLKMMRelations times seq and plus on a relation of 90 nodes
// (two words per row, as lkmm's relations on unlazy-6's executions) and
// one of 200 (four words), through the loops for those row sizes and
// through the general ones.
func BenchmarkLKMMRelations(b *testing.B) {
	const n = 90
	rng := rand.New(rand.NewPCG(3, 4))
	var r lkRels
	r.reset(n)
	a := r.rel()
	for i := range n {
		for j := range n {
			if rng.Float64() < 0.05 {
				r.add(a, int32(i), int32(j))
			}
		}
	}
	out, m := r.rel(), r.rel()
	b.Run("seq/words=2", func(b *testing.B) {
		for b.Loop() {
			clear(out)
			seq2(out, a, a, n)
		}
	})
	b.Run("seq/general", func(b *testing.B) {
		for b.Loop() {
			clear(out)
			seqN(out, a, a, n, 2)
		}
	})
	b.Run("plus/words=2", func(b *testing.B) {
		for b.Loop() {
			copy(m, a)
			plus2(m, n)
		}
	})
	b.Run("plus/general", func(b *testing.B) {
		for b.Loop() {
			copy(m, a)
			plusN(m, n, 2)
		}
	})
	// 200 nodes: four words per row, as the protocol files' executions.
	const n4 = 200
	r.reset(n4)
	a4 := r.rel()
	for i := range n4 {
		for j := range n4 {
			if rng.Float64() < 0.05 {
				r.add(a4, int32(i), int32(j))
			}
		}
	}
	out4, m4 := r.rel(), r.rel()
	b.Run("seq/words=4", func(b *testing.B) {
		for b.Loop() {
			clear(out4)
			seq4(out4, a4, a4, n4)
		}
	})
	b.Run("seq/general4", func(b *testing.B) {
		for b.Loop() {
			clear(out4)
			seqN(out4, a4, a4, n4, 4)
		}
	})
	b.Run("plus/words=4", func(b *testing.B) {
		for b.Loop() {
			copy(m4, a4)
			plus4(m4, n4)
		}
	})
	b.Run("plus/general4", func(b *testing.B) {
		for b.Loop() {
			copy(m4, a4)
			plusN(m4, n4, 4)
		}
	})
}
