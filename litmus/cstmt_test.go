package litmus

import "testing"

// cStmtTests are the C statements and types of issue 17, item 2, as the
// lowering turns them into code.
var cStmtTests = []struct {
	name string
	src  string
	code string // listing of all threads (blanks around each line ignored)
}{
	{
		name: "likely-unlikely",
		src: `C hint
{ int x; }
P0(int *x)
{
	int r = READ_ONCE(*x);
	int v = likely(r);
	if (unlikely(r == 2))
		WRITE_ONCE(*x, v);
	v = likely(3) + unlikely(0);
}`,
		code: `
P0:
     x = &x
  0  r = load.once &x  ; READ_ONCE
  1  v = r != 0
  2  %3 = r == 2
  3  jz %3, 5
  4  store.once &x, v  ; WRITE_ONCE
  5  v = 1
  6  halt`,
	},
}

func TestCStmts(t *testing.T) {
	for _, tt := range cStmtTests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustLoad(t, tt.src)
			got, want := normListing(threadsString(p)), normListing(tt.code)
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			for _, th := range p.Threads {
				checkThread(t, p, th)
			}
		})
	}
}
