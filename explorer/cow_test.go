package explorer

import (
	"math/rand"
	"slices"
	"testing"
)

// TestCowVec: copies share chunks until they write them, a write to a
// copy never shows in the vector it was cloned from, and random writes
// through chains of clones (each written only after it is cloned from, as
// the search does: a vector stored in a graph is never written) agree
// with plain slices.
func TestCowVec(t *testing.T) {
	const size = 1 << cowBits
	n := int32(2*size + size/2) // three chunks, the last one partial
	v := newCowVec[int](int(n))
	for i := int32(0); i < n; i++ {
		v.set(i, int(i))
	}
	w := v.clone()
	for k := range v.ch {
		if v.ch[k] != w.ch[k] {
			t.Fatalf("chunk %d copied before any write", k)
		}
	}
	a := int32(size + size/4) // in the second chunk
	w.set(a, -1)
	if v.get(a) != int(a) || w.get(a) != -1 {
		t.Fatalf("after writing the copy: original %d, copy %d", v.get(a), w.get(a))
	}
	if v.ch[1] == w.ch[1] || v.ch[0] != w.ch[0] || v.ch[2] != w.ch[2] {
		t.Fatal("a write must copy its chunk and only its chunk")
	}
	w.set(a+1, -2) // same chunk: written in place now
	if v.get(a+1) != int(a+1) || w.get(a+1) != -2 {
		t.Fatal("second write to the copied chunk leaked")
	}
	if w.len() != int(n) || !slices.Equal(cowValues(&v)[:3], []int{0, 1, 2}) {
		t.Fatal("len or slice wrong")
	}
	var zero cowVec[int]
	if z := zero.clone(); z.len() != 0 || cowValues(&z) == nil && len(cowValues(&z)) != 0 {
		t.Fatal("the zero vector's clone is not empty")
	}

	for _, m := range []int{100, cowInline, 3} { // chunks; entries inline
		cowVecRandom(t, m)
	}
}

// cowVecRandom writes random entries through chains of clones of a
// vector of m entries, and compares each with a plain slice.
func cowVecRandom(t *testing.T, m int) {
	t.Helper()
	rng := rand.New(rand.NewSource(1))
	type pair struct {
		c   cowVec[int]
		ref []int
	}
	live := []pair{{newCowVec[int](m), make([]int, m)}}
	for step := 0; step < 5000; step++ {
		p := live[rng.Intn(len(live))]
		c, ref := p.c.clone(), slices.Clone(p.ref)
		for k := rng.Intn(4); k > 0; k-- {
			i := rng.Intn(m)
			x := rng.Int()
			c.set(int32(i), x)
			ref[i] = x
		}
		live = append(live, pair{c, ref})
		if len(live) > 50 {
			live = live[len(live)-50:]
		}
		for _, q := range live {
			if !slices.Equal(cowValues(&q.c), q.ref) {
				t.Fatalf("%d entries, step %d: a vector differs from its reference", m, step)
			}
		}
	}
}

// TestCowVecFork: after fork, both the vector and its fork may go on
// being written (lbfree.go joins abstract states in place after cloning
// them), and random writes to either side agree with plain slices.
func TestCowVecFork(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	n := 100
	type pair struct {
		c   *cowChunks[int]
		ref []int
	}
	first := newCowChunks[int](n)
	live := []pair{{&first, make([]int, n)}}
	for step := 0; step < 5000; step++ {
		p := live[rng.Intn(len(live))]
		if rng.Intn(2) == 0 {
			f := p.c.fork()
			live = append(live, pair{&f, slices.Clone(p.ref)})
		}
		q := live[rng.Intn(len(live))] // maybe the original: it is written after fork too
		for k := rng.Intn(4); k > 0; k-- {
			i := rng.Intn(n)
			x := rng.Int()
			q.c.set(int32(i), x)
			q.ref[i] = x
		}
		if len(live) > 50 {
			live = live[len(live)-50:]
		}
		for _, q := range live {
			if !slices.Equal(cowValues(q.c), q.ref) {
				t.Fatalf("step %d: a vector differs from its reference", step)
			}
			for i := int32(0); i < int32(n); i++ {
				if q.c.sameChunk(live[0].c, i) && q.c.get(i) != live[0].c.get(i) {
					t.Fatalf("step %d: vectors that share a chunk differ at %d", step, i)
				}
			}
		}
	}
}
