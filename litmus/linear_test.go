package litmus

import (
	"runtime"
	"strings"
	"testing"
)

// loadAlloc returns how many bytes Load allocates on src: a measure of
// its work that does not depend on the machine or its load.
func loadAlloc(src []byte) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	Load("linear.lit", src)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLinear checks that the front end's work grows linearly with its
// input: doubling the size of each kind of input at most about doubles
// the bytes Load allocates (the ratio would be 4 for quadratic work, and
// far more for exponential).
func TestLinear(t *testing.T) {
	rep := strings.Repeat
	name := "b" + rep("_long_name", 10)
	long := "\tint " + name + ";\n"
	for _, tt := range []struct {
		name string
		n    int // the smaller size
		src  func(n int) []byte
	}{
		// Each instruction has its node's source text: a chain's nodes
		// each span most of it (long names make the text count).
		{"sum chain", 400, func(n int) []byte { return proc(long + "\tr1 = r1" + rep(" + "+name, n) + ";\n") }},
		{"ternary chain", 400, func(n int) []byte { return proc(long + "\tr1 = " + rep("a ? "+name+" : ", n) + "1;\n") }},
		{"and chain", 400, func(n int) []byte { return proc(long + "\tr1 = a" + rep(" && "+name, n) + ";\n") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			small, large := tt.src(tt.n), tt.src(2*tt.n)
			a, b := loadAlloc(small), loadAlloc(large)
			t.Logf("%d bytes of input: %d bytes allocated; %d: %d (x%.2f)", len(small), a, len(large), b, float64(b)/float64(a))
			if float64(b) > 3*float64(a) {
				t.Errorf("twice the input (%d bytes rather than %d) takes %.1f times the memory (%d bytes rather than %d)",
					len(large), len(small), float64(b)/float64(a), b, a)
			}
		})
	}
}
