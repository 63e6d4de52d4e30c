package litmus

import (
	"os"
	"path/filepath"

	"mmcheck/model"
)

// Load parses and lowers a file: Parse, reading the #include'd files (relative
// to the directory of the including file) in place, so that macros flow
// from a file into the headers it includes and back, then Lower.
func Load(filename string, src []byte) (*model.Program, error) {
	return Config{}.Load(filename, src)
}

// LoadFile reads (with [ReadSource]) and loads a file.
func LoadFile(path string) (*model.Program, error) { return Config{}.LoadFile(path) }

// Load is like the package-level [Load] with the options of c.
func (c Config) Load(filename string, src []byte) (*model.Program, error) {
	f, err := c.parseWith(filename, src, false, newMacroTable(), &includer{c: c, stack: []string{filepath.Clean(filename)}})
	if err != nil {
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
// fills in each [IncludeDecl.File] still nil. Each header is preprocessed
// on its own: it does not see the macros of the file including it, nor
// that file those of the header, as it does with [Load], which reads
// headers in place. An included file may only hold
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
		path, src, ok := readInclude(f.Name, inc, stack, errs)
		if !ok {
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

// readInclude reads the file that inc (in the file named from) names,
// stack being the files including it, or reports why not.
func readInclude(from string, inc *IncludeDecl, stack []string, errs *model.ErrorList) (string, []byte, bool) {
	path := inc.Path
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(from), path)
	}
	path = filepath.Clean(path)
	for _, s := range stack {
		if s == path {
			errs.Addf(inc.PathPos, "#include cycle: %s includes itself", printable(path))
			return "", nil, false
		}
	}
	if len(stack) > 20 {
		errs.Addf(inc.PathPos, "#include nested too deeply")
		return "", nil, false
	}
	src, err := ReadSource(path)
	if err != nil {
		errs.Addf(inc.PathPos, "cannot read %s: %v", printable(inc.Path), unwrapPathError(err))
		return "", nil, false
	}
	return path, src, true
}

// An includer reads #include'd files in place, as the parser meets them,
// with the macros defined so far.
type includer struct {
	c     Config
	stack []string // the files being read, the outermost first
}

// include reads and parses the header d names, for the parser p, and
// fills in d.File.
func (in *includer) include(p *parser, d *IncludeDecl) {
	var errs model.ErrorList
	path, src, ok := readInclude(p.file.Name, d, in.stack, &errs)
	for _, e := range errs {
		p.error(e.Pos, e.Msg)
	}
	if !ok {
		return
	}
	sub := &includer{c: in.c, stack: append(in.stack[:len(in.stack):len(in.stack)], path)}
	hf, err := in.c.parseWith(path, src, true, p.pp.defs, sub)
	if err != nil {
		p.errs = append(p.errs, err.(model.ErrorList)...)
		if len(p.errs) >= MaxErrors {
			p.tooMany = true
			panic(bailout{})
		}
	}
	d.File = hf
}
