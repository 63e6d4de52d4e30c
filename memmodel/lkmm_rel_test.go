package memmodel

import (
	"fmt"
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
// one of 200 (four words, as the protocol files' executions), through the
// loops for those row sizes and through the general ones.
func BenchmarkLKMMRelations(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		n, words int
		seq      func(out, a, b []uint64, n int)
		plus     func(m []uint64, n int)
	}{{90, 2, seq2, plus2}, {200, 4, seq4, plus4}} {
		var r lkRels
		r.reset(c.n)
		a := r.rel()
		for i := range c.n {
			for j := range c.n {
				if rng.Float64() < 0.05 {
					r.add(a, int32(i), int32(j))
				}
			}
		}
		out, m := r.rel(), r.rel()
		b.Run(fmt.Sprintf("seq/words=%d", c.words), func(b *testing.B) {
			for b.Loop() {
				clear(out)
				c.seq(out, a, a, c.n)
			}
		})
		b.Run(fmt.Sprintf("seq/general%d", c.words), func(b *testing.B) {
			for b.Loop() {
				clear(out)
				seqN(out, a, a, c.n, c.words)
			}
		})
		b.Run(fmt.Sprintf("plus/words=%d", c.words), func(b *testing.B) {
			for b.Loop() {
				copy(m, a)
				c.plus(m, c.n)
			}
		})
		b.Run(fmt.Sprintf("plus/general%d", c.words), func(b *testing.B) {
			for b.Loop() {
				copy(m, a)
				plusN(m, c.n, c.words)
			}
		})
	}
}
