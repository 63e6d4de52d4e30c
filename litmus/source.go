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
// MaxSourceSize bytes. Anything else, a directory, a device (/dev/zero
// would be read until memory runs out), a FIFO or a larger file, is
// refused before it is read, with an *os.PathError such as "read
// /dev/zero: not a regular file". [LoadFile] and #include read files
// with it; a program reading a top-level file itself should too.
func ReadSource(path string) ([]byte, error) {
	fi, err := os.Stat(path) // before opening: opening a FIFO blocks
	if err != nil {
		return nil, err
	}
	if err := checkSource(fi); err != nil {
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
	if err := checkSource(fi); err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSourceSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSourceSize { // it grew
		return nil, &os.PathError{Op: "read", Path: path, Err: errTooLarge}
	}
	return data, nil
}

var (
	errNotRegular = errors.New("not a regular file")
	errIsDir      = errors.New("is a directory")
	errTooLarge   = fmt.Errorf("file too large (more than %d bytes)", MaxSourceSize)
)

func checkSource(fi fs.FileInfo) error {
	switch {
	case fi.IsDir():
		return errIsDir
	case !fi.Mode().IsRegular():
		return errNotRegular
	case fi.Size() > MaxSourceSize:
		return errTooLarge
	}
	return nil
}
