package litmus

import (
	"strings"
	"testing"

	"mmcheck/model"
)

func TestInclude(t *testing.T) {
	p, err := LoadFile("testdata/include/main.lit")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Threads) != 2 || p.Init[0] != 2 {
		t.Fatalf("threads %d, init %v", len(p.Threads), p.Init)
	}
	free := p.Threads[0].Code[len(p.Threads[0].Code)-2]
	if free.Op != model.OpFree || free.Pos.File != "testdata/include/mm.h" || free.Pos.Line != 12 ||
		free.Text != "kfree(mm)" || strings.Join(free.Call, ",") != "mmdrop" {
		t.Errorf("free: %+v", free)
	}
}

func TestIncludeErrors(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"testdata/include/cycle.lit", `testdata/include/cycle.h:1:10: #include cycle: testdata/include/cycle.h includes itself`},
		{"testdata/include/bad.lit", `testdata/include/bad.h:2:1: process P0 not allowed in an included file`},
		{"testdata/include/none.lit", `no such file`},
	} {
		_, err := LoadFile(tt.file)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %s", tt.file, err, tt.want)
		}
	}
	_, err := LoadFile("testdata/include/bad.lit")
	if !strings.Contains(err.Error(), "and 1 more error") {
		t.Errorf("bad.lit: %v", err)
	}
	if l := err.(model.ErrorList); len(l) != 2 || !strings.Contains(l[1].Error(), "bad.h:7:2: unknown primitive or function g") {
		t.Errorf("bad.lit: %v", l)
	}
	// Lower without loading the includes
	f, err := Parse("testdata/include/main.lit", []byte("C x\n#include \"mm.h\"\n{}\nP0()\n{\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lower(f); err == nil || !strings.Contains(err.Error(), `#include "mm.h" not loaded`) {
		t.Errorf("lower: %v", err)
	}
}
