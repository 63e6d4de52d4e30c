package explorer

import (
	"slices"
	"unsafe"
)

// cowChunks is a fixed-length vector shared copy-on-write between the
// copies clone makes: a thread's registers (and their dependencies),
// which the search copies at every step of every thread. Protocol files
// inline their helpers into hundreds or thousands of registers per CPU,
// of which a step writes one or two, so the vector is cut into chunks,
// and a copy copies a chunk only before it first writes into it (found
// by profiling the lkmm speculation: copying whole register files was a
// third of its time, and most of the rest was the garbage collector).
//
// A copy shares its list of chunks too until it first writes: then it
// makes a list of its own, and that list's address marks the chunks the
// copy made, which it may write in place. (A chunk's mark keeps the list
// alive, so no other list can get its address. Marks used to be numbers
// from one shared counter, which two workers incremented at every step:
// the counter's cache line went back and forth between the cores.) As
// before, a vector stored in a graph is never written: every change is
// made on a clone.
type cowChunks[T any] struct {
	ch  []*cowChunk[T]
	n   int32
	own bool // ch is this copy's own (else shared: copied at the first set)
}

// cowVec is cowChunks for a CPU's registers: a vector of at most
// cowInline entries (most litmus tests' CPUs, the bench family's owner
// CPUs) keeps them in the struct itself instead (ch is nil), so that
// copying the CPU's state copies them and a step allocates nothing for
// them (the chunks and their lists were 44% of unlazy-6's allocations
// under ra). Only the registers' values are kept so: their dependency
// sets (24 bytes an entry, with a pointer) made every copy of a CPU
// state 192 bytes bigger, and the enumeration, which copies states at
// every branch, 5% slower (L1G2lock).
type cowVec[T any] struct {
	cowChunks[T]
	inl [cowInline]T
}

// cowInline is the length up to which a cowVec keeps its entries inline.
const cowInline = 8

// 16 entries per chunk. 32 copied twice the bytes at each first write
// (lkmm's dependency sets are 24 bytes an entry): 16 allocates 17% fewer
// bytes on unlazy-6 under ra and 34% fewer under lkmm, and is 5-7% faster
// there; the protocol files, with hundreds of registers per CPU, did not
// change.
const cowBits = 4

type cowChunk[T any] struct {
	owner unsafe.Pointer // the first element of the list of the copy that made it
	v     [1 << cowBits]T
}

func newCowChunks[T any](n int) cowChunks[T] {
	c := cowChunks[T]{ch: make([]*cowChunk[T], (n+(1<<cowBits)-1)>>cowBits), n: int32(n), own: true}
	mark := c.mark()
	for i := range c.ch {
		c.ch[i] = &cowChunk[T]{owner: mark}
	}
	return c
}

// mark is the address that marks the chunks c made (c.own must hold).
func (c *cowChunks[T]) mark() unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(c.ch)) }

func (c *cowChunks[T]) get(i int32) T { return c.ch[i>>cowBits].v[i&(1<<cowBits-1)] }

func (c *cowChunks[T]) set(i int32, x T) {
	if !c.own {
		c.ch = slices.Clone(c.ch)
		c.own = true
	}
	k := c.ch[i>>cowBits]
	if mark := c.mark(); k.owner != mark {
		n := *k
		n.owner = mark
		k = &n
		c.ch[i>>cowBits] = k
	}
	k.v[i&(1<<cowBits-1)] = x
}

// clone returns a copy that shares every chunk until it writes it (and
// the list of chunks until it first writes any).
func (c *cowChunks[T]) clone() cowChunks[T] {
	if c.ch == nil {
		return cowChunks[T]{}
	}
	return cowChunks[T]{ch: c.ch, n: c.n}
}

// deepCopy returns a copy of c that shares nothing with it.
func (c *cowChunks[T]) deepCopy() cowChunks[T] {
	if c.ch == nil {
		return cowChunks[T]{}
	}
	d := newCowChunks[T](int(c.n))
	for i, k := range c.ch {
		d.ch[i].v = k.v
	}
	return d
}

// fork returns a copy of c for a caller that goes on changing c too (the
// explorer never changes a vector it cloned; lbfree.go's abstract states
// are joined in place): neither may write a chunk the other can see, so
// both copy their list and chunks at their next set.
func (c *cowChunks[T]) fork() cowChunks[T] {
	c.own = false
	return c.clone()
}

// sameChunk reports whether c and o share the chunk that holds entry i
// (and so agree on its entries).
func (c *cowChunks[T]) sameChunk(o *cowChunks[T], i int32) bool {
	return c.ch[i>>cowBits] == o.ch[i>>cowBits]
}

// present reports whether c was made (newCowChunks), or copied from one
// that was: the zero vector is absent.
func (c *cowChunks[T]) present() bool { return c.ch != nil }

// len returns the vector's length (0 for the zero vector).
func (c *cowChunks[T]) len() int { return int(c.n) }

func newCowVec[T any](n int) cowVec[T] {
	if n <= cowInline {
		return cowVec[T]{cowChunks: cowChunks[T]{n: int32(n)}}
	}
	return cowVec[T]{cowChunks: newCowChunks[T](n)}
}

func (c *cowVec[T]) get(i int32) T {
	if c.ch == nil {
		return c.inl[:c.n][i]
	}
	return c.cowChunks.get(i)
}

func (c *cowVec[T]) set(i int32, x T) {
	if c.ch == nil {
		c.inl[:c.n][i] = x
		return
	}
	c.cowChunks.set(i, x)
}

// clone returns a copy of c: its own entries if inline, else chunks
// shared until written.
func (c *cowVec[T]) clone() cowVec[T] {
	d := *c
	d.own = false
	return d
}

// deepCopy returns a copy of c that shares nothing with it.
func (c *cowVec[T]) deepCopy() cowVec[T] {
	if c.ch == nil {
		return *c
	}
	return cowVec[T]{cowChunks: c.cowChunks.deepCopy()}
}

// cowValues returns the values of v (a cowVec or a cowChunks) as a new
// slice: one function for both, since cowVec's get (inline entries) is
// not the one a method promoted from cowChunks would call.
func cowValues[T any](v interface {
	len() int
	get(int32) T
}) []T {
	out := make([]T, v.len())
	for i := range out {
		out[i] = v.get(int32(i))
	}
	return out
}
