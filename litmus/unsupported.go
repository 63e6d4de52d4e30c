package litmus

// Errors as C compilers give them: a missing ';' is reported where gcc
// and clang report it, at the end of the line that lacks it; and a C
// construct mmcheck does not support is refused by name, wherever the
// parser meets it, instead of as the token the grammar did not expect.

// unsupportedWords are the C keywords (and GNU C's) of constructs
// mmcheck does not support, with the message that refuses each.
var unsupportedWords = map[string]string{
	"asm":            "inline assembly (asm) is not supported: use the kernel primitive it implements",
	"__asm__":        "inline assembly (__asm__) is not supported: use the kernel primitive it implements",
	"__asm":          "inline assembly (__asm) is not supported: use the kernel primitive it implements",
	"_Atomic":        "_Atomic is not supported: use atomic_t, or READ_ONCE and WRITE_ONCE",
	"enum":           "enum is not supported: use #define",
	"union":          "union is not supported",
	"extern":         "extern is not supported: declare shared variables in the init block or as parameters of the processes",
	"register":       "register is not supported",
	"auto":           "auto is not supported",
	"restrict":       "restrict is not supported",
	"__restrict":     "__restrict is not supported",
	"float":          "floating point (float) is not supported",
	"double":         "floating point (double) is not supported",
	"typeof":         "typeof is not supported",
	"__typeof__":     "__typeof__ is not supported",
	"__typeof":       "__typeof is not supported",
	"_Generic":       "_Generic is not supported",
	"_Static_assert": "_Static_assert is not supported",
	"static_assert":  "static_assert is not supported",
	"_Thread_local":  "_Thread_local is not supported: use DEFINE_PER_CPU",
	"thread_local":   "thread_local is not supported: use DEFINE_PER_CPU",
	"_Alignas":       "_Alignas is not supported",
	"alignas":        "alignas is not supported",
}

// unsupported reports, and returns true, if the current token is a
// construct mmcheck does not support. It consumes nothing.
func (p *parser) unsupported() bool {
	if msg := p.unsupportedHere(); msg != "" {
		p.error(p.pos, msg)
		return true
	}
	return false
}

// unsupportedHere returns the message that refuses the construct that
// starts at the current token, or "".
func (p *parser) unsupportedHere() string {
	switch p.tok {
	case tokIdent:
		if p.typedefs[p.lit] {
			return ""
		}
		return unsupportedWords[p.lit]
	case tokString:
		return "string literals are not supported: " + printable(p.lit)
	case "&&":
		if t, _ := p.peek(); t == tokIdent {
			return "labels as values (&&label) are not supported"
		}
	case "(":
		if t, _ := p.peek(); t == "{" {
			return "statement expressions ({ ... }) are not supported"
		}
	}
	return ""
}

// semiAtEOL reports a missing ';' as gcc and clang do, just after the
// last token of the line that lacks it, when the current token is on a
// later line; and returns true then: the parser goes on as if the ';'
// were there. It reports nothing if an error was reported at the
// current token already (an invalid character, an unterminated macro
// call): the ';' is not what is wrong.
func (p *parser) semiAtEOL() bool {
	if !p.prev.IsValid() || p.prev.File != p.pos.File || p.pos.Line <= p.prev.Line {
		return false
	}
	if n := len(p.errs); n > 0 && !p.errs[n-1].Pos.Before(p.prev) {
		return true
	}
	p.error(p.prev, "expected ';', found "+p.found())
	return true
}

// skipStmt skips the rest of a statement or declaration the parser has
// given up on: to just after its ';', or to the '}' that closes the
// block around it, past balanced (), [] and {}.
func (p *parser) skipStmt() {
	depth := 0
	for p.tok != tokEOF {
		switch p.tok {
		case "(", "[", "{":
			depth++
		case ")", "]":
			if depth > 0 {
				depth--
			}
		case "}":
			if depth == 0 {
				return
			}
			depth--
			if depth == 0 {
				// a body: "enum e { ... }" may go on to ';'
				p.next()
				if p.tok != ";" {
					return
				}
				continue
			}
		case ";":
			if depth == 0 {
				p.next()
				return
			}
		}
		p.next()
	}
}

// skipBalanced skips a parenthesized, bracketed or braced group that
// starts at the current token.
func (p *parser) skipBalanced() {
	depth := 0
	for p.tok != tokEOF {
		switch p.tok {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		}
		p.next()
		if depth <= 0 {
			return
		}
	}
}

// funcPointer reports, and returns true, if a function pointer's
// declarator "(*name)(...)" starts here, where a name was expected.
func (p *parser) funcPointer() bool {
	if p.tok != "(" {
		return false
	}
	if t, _ := p.peek(); t != "*" {
		return false
	}
	p.error(p.pos, "function pointers are not supported")
	return true
}

// mentionsLocal reports whether one of the array lengths dims of a
// local's declaration names a local variable: a variable-length array.
func (g *gen) mentionsLocal(dims []Expr) bool {
	found := false
	for _, d := range dims {
		walk(d, func(n Node) bool {
			if id, ok := n.(*Ident); ok && g.lookup(id.Name) != nil {
				found = true
			}
			return !found
		})
	}
	return found
}
