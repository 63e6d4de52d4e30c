package litmus

import (
	"fmt"
	"slices"
	"strings"

	"mmcheck/model"
)

// Lower resolves names, checks types, and lowers a parsed file to the
// program IR. The error, if any, is a [model.ErrorList].
func Lower(f *File) (*model.Program, error) { return Config{}.Lower(f) }

// Lower is like the package-level [Lower] with the options of c.
func (c Config) Lower(f *File) (*model.Program, error) {
	l := &lowerer{
		cfg:        c,
		main:       f,
		files:      map[string]*File{},
		structs:    map[string]*structType{},
		globals:    map[string]*global{},
		features:   map[string]bool{},
		used:       map[*FuncDecl]bool{},
		regs:       map[*model.Thread]map[string]int{},
		regInitIdx: map[*model.Thread]map[int]int{},
		prog:       &model.Program{Name: f.Test, File: f.Name},
	}
	l.run()
	l.errs = finishErrors(l.errs, c.AllErrors, l.tooMany, l.tooManyPos)
	if err := l.errs.Err(); err != nil {
		return nil, err
	}
	return l.prog, nil
}

type lowerer struct {
	cfg        Config
	tooMany    bool      // errors were dropped past maxRawErrors
	tooManyPos model.Pos // where the first was
	main       *File
	files      map[string]*File // by name, for source text
	errs       model.ErrorList
	reported   map[model.Error]bool             // errs as a set: code generated more than once (an unrolled loop's body, a helper's inlined copies) reports an error once
	strict     bool                             // the file uses the extended language: C typing rules
	resolving  int                              // structs being laid out, one inside the other
	idx        *stmtIndex                       // built on first use
	threadIdx  map[int]int                      // process number → index in prog.Threads, built on first use
	regs       map[*model.Thread]map[string]int // regByName's maps
	regInitIdx map[*model.Thread]map[int]int    // register → index in Thread.Init, for "N:reg = v;"
	prog       *model.Program
	work       int  // steps of lowering (see maxWork)
	maxWork    int  // the budget of steps
	tooMuch    bool // work exceeded maxWork: stop generating

	decls        []Decl // every top-level declaration, #includes expanded
	structs      map[string]*structType
	globals      map[string]*global
	objects      []*object
	procs        []*ProcDecl // by process number
	initDecl     *InitDecl
	regInits     []*AssignExpr             // "N:reg = v" in the init block
	regInitCount map[regKey]int            // how many of regInits set each register (regInitTwice)
	regTypes     map[*AssignExpr]*TypeName // the types of registers declared with one there (herdInit)
	features     map[string]bool
	used         map[*FuncDecl]bool         // helpers inlined somewhere
	sizes        map[*SizeofExpr]sizeResult // each sizeof, computed once
	typedefs     map[string]*typedef        // by name
	gotoInfo     *gotoInfo                  // built on first use
	labelLoops   map[*DoStmt]string         // the loops made of a label and a backward goto, and the label
	cur          *gen                       // the thread being generated, for sizeof in constants

	nCPUs        int        // the number of CPUs, once known (ncpus)
	staticCPU    *staticCPU // the instance per_cpu() names in the init block or a condition
	cpumask      *ctype     // struct cpumask, once made (cpumask.go)
	builtinMask  *object    // the built-in __cpu_online_mask, if any
	builtinCount *object    // the built-in __num_online_cpus, if any
}

type gkind uint8

const (
	gObject gkind = iota
	gDefine
	gFunc
)

// A global is a top-level name: a shared object, a #define or a function.
type global struct {
	kind gkind
	name string
	pos  model.Pos

	obj *object

	def   *DefineDecl
	val   model.Value
	state int // 0 not evaluated, 1 evaluating, 2 done
	ok    bool

	fn     *FuncDecl
	res    *ctype
	params []*ctype
}

// An object is a shared object being laid out.
type object struct {
	name    string
	t       *ctype
	pos     model.Pos
	untyped bool // created by a herd7 "x = v;" or implicitly: int, but a parameter may retype it
	idx     int
	base    int
}

func (l *lowerer) errorf(pos model.Pos, format string, args ...any) {
	if len(l.errs) >= maxRawErrors {
		if !l.tooMany {
			l.tooMany, l.tooManyPos = true, pos
		}
		return
	}
	msg := fmt.Sprintf(format, args...)
	if m := l.files[pos.File].expansion(pos); m != "" {
		msg += " (in expansion of macro " + m + ")"
	}
	if l.reported[model.Error{Pos: pos, Msg: msg}] {
		return
	}
	if l.reported == nil {
		l.reported = map[model.Error]bool{}
	}
	l.reported[model.Error{Pos: pos, Msg: msg}] = true
	l.errs.Add(pos, msg)
}

// source returns the source text of a node.
func (l *lowerer) source(n Node) string {
	f := l.files[n.Pos().File]
	if f == nil {
		return ""
	}
	return f.Text(n)
}

// text returns the source text of a node for a message: an excerpt, on
// one line and printable.
func (l *lowerer) text(n Node) string { return excerpt(l.source(n)) }

func (l *lowerer) run() {
	l.collectDecls(l.main, 0)
	l.maxWork = maxWork
	for _, f := range l.files {
		l.maxWork += workPerByte * len(f.Src)
	}
	if !l.checkDepth() {
		return
	}
	l.declareGlobals()
	if len(l.errs) >= MaxErrors {
		return // and spare the cascade
	}
	l.collectProcs()
	l.collectObjects()
	l.layout()
	l.initValues()
	for _, pd := range l.procs {
		if pd != nil {
			l.prog.Threads = append(l.prog.Threads, l.genProc(pd))
		}
	}
	l.applyRegInits()
	for _, d := range l.decls {
		if fd, ok := d.(*FuncDecl); ok && fd.Body != nil && !l.used[fd] && l.globals[fd.Name.Name] != nil && l.globals[fd.Name.Name].fn == fd {
			l.checkFunc(fd)
		}
	}
	l.lowerClauses()
	l.prog.Doc = docText(l.main.Doc)
	l.prog.Lines = strings.Split(strings.ReplaceAll(string(l.main.Src), "\r\n", "\n"), "\n")
	for name := range l.features {
		l.prog.Features = append(l.prog.Features, name)
	}
	slices.Sort(l.prog.Features)
}

func docText(c *Comment) string {
	if c == nil {
		return ""
	}
	t := strings.TrimPrefix(c.Text, "(*")
	t = strings.TrimSuffix(t, "*)")
	return strings.TrimSpace(t)
}
