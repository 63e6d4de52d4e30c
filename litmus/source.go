package litmus

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxSourceSize is the size of the largest file the front end reads,
// 1 MiB: the largest litmus file or header in use is some tens of KB.
const MaxSourceSize = 1 << 20

// ReadSource reads a litmus file or header: a regular file of at most
// MaxSourceSize bytes (see [ReadLimited]). [LoadFile] and #include read
// files with it; a program reading a top-level file itself should too.
func ReadSource(path string) ([]byte, error) { return ReadLimited(path, MaxSourceSize) }

// ReadLimited reads a regular file of at most max bytes. Anything else, a
// directory, a device (/dev/zero would be read until memory runs out), a
// FIFO or a larger file, is refused before it is read, with an
// *os.PathError such as "read /dev/zero: not a regular file".
func ReadLimited(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path) // before opening: opening a FIFO blocks
	if err != nil {
		return nil, err
	}
	if err := checkSource(fi, max); err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil { // it may have changed since
		return nil, err
	}
	if err := checkSource(fi, max); err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max { // it grew
		return nil, &os.PathError{Op: "read", Path: path, Err: tooLarge(max)}
	}
	return data, nil
}

var (
	errNotRegular = errors.New("not a regular file")
	errIsDir      = errors.New("is a directory")
)

func tooLarge(max int64) error { return fmt.Errorf("file too large (more than %d bytes)", max) }

func checkSource(fi fs.FileInfo, max int64) error {
	switch {
	case fi.IsDir():
		return errIsDir
	case !fi.Mode().IsRegular():
		return errNotRegular
	case fi.Size() > max:
		return tooLarge(max)
	}
	return nil
}
