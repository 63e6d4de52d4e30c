package litmus

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadSource checks that only regular files of at most MaxSourceSize
// bytes are read, whether as the file to load or as an #include, and that
// anything else is refused before it is read, with an error at the
// #include.
func TestReadSource(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	header := func(size int) []byte { // a valid header of size bytes
		b := []byte("#define A 1\n")
		return append(b, strings.Repeat(" ", size-len(b))...)
	}
	main := func(include string) string {
		return write("main.lit", []byte("C inc\n#include \""+include+"\"\n{}\nP0(int *x)\n{\n}\n"))
	}
	write("big.h", header(MaxSourceSize+1))
	write("max.h", header(MaxSourceSize))
	os.Mkdir(filepath.Join(dir, "dir.h"), 0o755)
	fifo := filepath.Join(dir, "fifo.h")
	hasFIFO := syscall.Mkfifo(fifo, 0o644) == nil

	// A file of MaxSourceSize bytes is read; one byte more is too large.
	if _, err := LoadFile(main("max.h")); err != nil {
		t.Fatalf("max.h: %v", err)
	}
	if _, err := LoadFile(main("big.h")); err == nil || err.Error() != dir+"/main.lit:2:10: cannot read big.h: file too large (more than 1048576 bytes)" {
		t.Fatalf("big.h: %v", err)
	}
	for _, tt := range []struct{ include, want string }{
		{"dir.h", "is a directory"},
		{"/dev/zero", "not a regular file"},
		{"/dev/null", "not a regular file"},
		{"fifo.h", "not a regular file"},
	} {
		if tt.include == "fifo.h" && !hasFIFO {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, tt.include)); tt.include[0] == '/' && err != nil {
			if _, err := os.Stat(tt.include); err != nil {
				continue // no such device here
			}
		}
		_, err := LoadFile(main(tt.include))
		if want := dir + "/main.lit:2:10: cannot read " + tt.include + ": " + tt.want; err == nil || err.Error() != want {
			t.Errorf("#include %s: got %v, want %s", tt.include, err, want)
		}
	}

	// The file to load, and ReadSource itself.
	for _, tt := range []struct{ path, want string }{
		{filepath.Join(dir, "big.h"), "read " + dir + "/big.h: file too large (more than 1048576 bytes)"},
		{filepath.Join(dir, "dir.h"), "read " + dir + "/dir.h: is a directory"},
		{"/dev/zero", "read /dev/zero: not a regular file"},
		{fifo, "read " + fifo + ": not a regular file"},
	} {
		if _, err := os.Stat(tt.path); err != nil {
			continue
		}
		if _, err := ReadSource(tt.path); err == nil || err.Error() != tt.want {
			t.Errorf("ReadSource(%s): got %v, want %s", tt.path, err, tt.want)
		}
		if _, err := LoadFile(tt.path); err == nil || err.Error() != tt.path+": "+tt.want {
			t.Errorf("LoadFile(%s): got %v, want %s: %s", tt.path, err, tt.path, tt.want)
		}
	}
	if data, err := ReadSource(filepath.Join(dir, "max.h")); err != nil || len(data) != MaxSourceSize {
		t.Errorf("ReadSource(max.h): %d bytes, %v", len(data), err)
	}
}
