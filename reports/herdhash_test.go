package reports

import (
	"os"
	"testing"
)

// herdHash reads any text without panicking: every prefix of a test, and
// the test with each byte dropped, either hashes or is not herd7's syntax.
func TestHerdHashAnyText(t *testing.T) {
	src, err := os.ReadFile("../testdata/herd/extra/ptr.litmus")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	h, err := herdHash(s, []string{"0:r0", "0:r1", "q"})
	if err != nil || h != "5b3ae77a78e8a7d68cd743cbe15a68dd" { // herd7's, in ptr.out
		t.Fatalf("hash %q, %v", h, err)
	}
	for i := range s {
		herdHash(s[:i], nil)
		herdHash(s[:i]+s[i+1:], nil)
	}
}
