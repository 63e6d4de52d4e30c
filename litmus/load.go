package litmus

import (
	"os"
	"path/filepath"

	"mmcheck/model"
)

// Load parses and lowers a file: Parse, then the #include'd files (read
// relative to filename's directory), then Lower.
func Load(filename string, src []byte) (*model.Program, error) {
	return Config{}.Load(filename, src)
}

// LoadFile reads (with [ReadSource]) and loads a file.
func LoadFile(path string) (*model.Program, error) { return Config{}.LoadFile(path) }

// Load is like the package-level [Load] with the options of c.
func (c Config) Load(filename string, src []byte) (*model.Program, error) {
	f, err := c.Parse(filename, src)
	if err != nil {
		return nil, err
	}
	if err := c.ResolveIncludes(f); err != nil {
		return nil, err
	}
	return c.Lower(f)
}

// LoadFile is like the package-level [LoadFile] with the options of c.
func (c Config) LoadFile(path string) (*model.Program, error) {
	src, err := ReadSource(path)
	if err != nil {
		return nil, model.ErrorList{{Pos: model.Pos{File: path}, Msg: printable(err.Error())}}
	}
	return c.Load(path, src)
}

// ResolveIncludes reads and parses the files that f #includes (and those
// they include), relative to the directory of the including file, and
// fills in each [IncludeDecl.File]. An included file may only hold
// #defines, #includes, struct declarations and helper functions, and is
// read with [ReadSource]: anything but a regular file of at most
// [MaxSourceSize] bytes is an error at the #include.
func (c Config) ResolveIncludes(f *File) error {
	var errs model.ErrorList
	c.resolve(f, []string{filepath.Clean(f.Name)}, &errs)
	return finishErrors(errs, c.AllErrors, false, model.Pos{}).Err()
}

func (c Config) resolve(f *File, stack []string, errs *model.ErrorList) {
	for _, d := range f.Decls {
		inc, ok := d.(*IncludeDecl)
		if !ok || inc.File != nil {
			continue
		}
		path := inc.Path
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(f.Name), path)
		}
		path = filepath.Clean(path)
		cycle := false
		for _, s := range stack {
			if s == path {
				cycle = true
			}
		}
		if cycle {
			errs.Addf(inc.PathPos, "#include cycle: %s includes itself", printable(path))
			continue
		}
		if len(stack) > 20 {
			errs.Addf(inc.PathPos, "#include nested too deeply")
			continue
		}
		src, err := ReadSource(path)
		if err != nil {
			errs.Addf(inc.PathPos, "cannot read %s: %v", printable(inc.Path), unwrapPathError(err))
			continue
		}
		hf, err := c.parse(path, src, true)
		if err != nil {
			*errs = append(*errs, err.(model.ErrorList)...)
			continue
		}
		inc.File = hf
		c.resolve(hf, append(stack, path), errs)
	}
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
