package litmus

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf8"

	"mmcheck/model"
)

// token is a lexical token kind. Operators and punctuation are their own
// spelling ("(", "->", "/\\"); the other kinds are the constants below.
type token string

const (
	tokEOF    token = "EOF"
	tokIdent  token = "IDENT"
	tokInt    token = "INT"
	tokString token = "STRING"
	tokEOL    token = "EOL" // end of a # directive line
	tokBad    token = "ILLEGAL"
)

// isLiteral reports whether the token has a meaningful literal text.
func (t token) isLiteral() bool { return t == tokIdent || t == tokInt || t == tokString }

// ops lists the operators and punctuation, longest first for each prefix.
var ops = []string{
	"<<=", ">>=",
	"->", "++", "--", "&&", "||", "<<", ">>", "<=", ">=", "==", "!=",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", `/\`, `\/`,
	"(", ")", "[", "]", "{", "}", ";", ",", ".", ":", "?",
	"+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "=", "<", ">", "#",
}

// A comment is a herd-style (* ... *) comment, kept for the test's doc.
type comment struct {
	pos  model.Pos
	text string // including the delimiters
}

// A scanner turns source text into tokens. It is a value type so that the
// parser can copy it to look ahead.
type scanner struct {
	file string
	src  []byte
	off  int // current reading offset
	line int // current line (1-based)
	lso  int // offset of the start of the current line

	code      bool // inside a function body: "(*" is code, not a comment
	directive bool // inside a # line: a newline ends it with tokEOL
	atBOL     bool // only white space since the start of the line

	err      func(pos model.Pos, msg string)
	comments *[]comment
}

func (s *scanner) init(file string, src []byte, err func(model.Pos, string)) {
	s.file, s.src, s.off, s.line, s.lso, s.atBOL = file, src, 0, 1, 0, true
	s.err = err
	s.comments = new([]comment)
	if bytes.HasPrefix(src, bom) {
		s.off = len(bom) // as go/scanner, ignore a byte order mark at the start
	}
}

var bom = []byte("\uFEFF")

func (s *scanner) pos(off int) model.Pos {
	// off is on the current line or an earlier one; the scanner only asks
	// for positions on the current line.
	return model.Pos{File: s.file, Line: s.line, Col: off - s.lso + 1}
}

func (s *scanner) error(pos model.Pos, msg string) {
	if s.err != nil {
		s.err(pos, msg)
	}
}

func (s *scanner) newline() {
	s.line++
	s.lso = s.off
	s.atBOL = true
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// skip skips white space and comments. It stops at a newline that ends a
// directive.
func (s *scanner) skip() {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == '\n':
			if s.directive {
				return
			}
			s.off++
			s.newline()
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.off++
		case c == '\\' && s.off+1 < len(s.src) && s.src[s.off+1] == '\n':
			// line continuation
			s.off += 2
			s.newline()
			s.atBOL = false
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '/':
			for s.off < len(s.src) && s.src[s.off] != '\n' {
				s.off++
			}
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '*':
			start := s.pos(s.off)
			s.off += 2
			for {
				if s.off >= len(s.src) {
					s.error(start, "comment not terminated")
					return
				}
				if s.src[s.off] == '*' && s.off+1 < len(s.src) && s.src[s.off+1] == '/' {
					s.off += 2
					break
				}
				if s.src[s.off] == '\n' {
					s.off++
					s.newline()
					continue
				}
				s.off++
			}
		case c == '(' && !s.code && s.off+1 < len(s.src) && s.src[s.off+1] == '*':
			s.herdComment()
		default:
			return
		}
	}
}

// herdComment skips a (* ... *) comment; they nest, as in OCaml.
func (s *scanner) herdComment() {
	start := s.pos(s.off)
	from := s.off
	s.off += 2
	depth := 1
	for depth > 0 {
		if s.off >= len(s.src) {
			s.error(start, "comment not terminated")
			return
		}
		switch {
		case s.src[s.off] == '*' && s.off+1 < len(s.src) && s.src[s.off+1] == ')':
			depth--
			s.off += 2
		case s.src[s.off] == '(' && s.off+1 < len(s.src) && s.src[s.off+1] == '*':
			depth++
			s.off += 2
		case s.src[s.off] == '\n':
			s.off++
			s.newline()
		default:
			s.off++
		}
	}
	*s.comments = append(*s.comments, comment{start, string(s.src[from:s.off])})
}

// scan returns the next token, its position, the position just after it,
// and its literal text (for identifiers, numbers and strings).
func (s *scanner) scan() (pos, end model.Pos, tok token, lit string) {
	s.skip()
	pos = s.pos(s.off)
	if s.off >= len(s.src) {
		if s.directive {
			s.directive = false
			return pos, pos, tokEOL, ""
		}
		return pos, pos, tokEOF, ""
	}
	bol := s.atBOL
	s.atBOL = false
	c := s.src[s.off]
	start := s.off
	switch {
	case c == '\n': // only in a directive
		s.directive = false
		return pos, pos, tokEOL, ""
	case isLetter(c):
		for s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off])) {
			s.off++
		}
		lit = string(s.src[start:s.off])
		return pos, s.pos(s.off), tokIdent, lit
	case isDigit(c):
		return s.number()
	case c == '"':
		s.off++
		for s.off < len(s.src) && s.src[s.off] != '"' && s.src[s.off] != '\n' {
			if s.src[s.off] == '\\' && s.off+1 < len(s.src) && s.src[s.off+1] != '\n' {
				s.off++
			}
			s.off++
		}
		if s.off >= len(s.src) || s.src[s.off] != '"' {
			s.error(pos, "string literal not terminated")
			return pos, s.pos(s.off), tokString, string(s.src[start:s.off])
		}
		s.off++
		return pos, s.pos(s.off), tokString, string(s.src[start:s.off])
	case c == '\'':
		return s.char()
	}
	for _, op := range ops {
		if s.off+len(op) <= len(s.src) && string(s.src[s.off:s.off+len(op)]) == op {
			s.off += len(op)
			if op == "#" && bol {
				s.directive = true
			}
			return pos, s.pos(s.off), token(op), ""
		}
	}
	// Not a token: name the character (the source may be anything, a
	// binary file included, and a message must not echo raw bytes).
	desc, size, valid := describeChar(s.src[s.off:])
	s.off += size
	if valid {
		s.error(pos, "invalid character "+desc)
	} else {
		s.error(pos, "invalid UTF-8 encoding")
	}
	return pos, s.pos(s.off), tokBad, desc
}

func (s *scanner) number() (pos, end model.Pos, tok token, lit string) {
	start := s.off
	pos = s.pos(start)
	for s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off])) {
		s.off++
	}
	lit = string(s.src[start:s.off])
	if _, err := parseInt(lit); err != nil {
		s.error(pos, err.Error())
	}
	return pos, s.pos(s.off), tokInt, lit
}

// char scans a character constant 'c' as an integer literal.
func (s *scanner) char() (pos, end model.Pos, tok token, lit string) {
	start := s.off
	pos = s.pos(start)
	s.off++
	for s.off < len(s.src) && s.src[s.off] != '\'' && s.src[s.off] != '\n' {
		if s.src[s.off] == '\\' {
			s.off++
		}
		s.off++
	}
	if s.off >= len(s.src) || s.src[s.off] != '\'' {
		s.error(pos, "character literal not terminated")
		return pos, s.pos(s.off), tokInt, "0"
	}
	s.off++
	lit = string(s.src[start:s.off])
	if _, err := parseInt(lit); err != nil {
		s.error(pos, err.Error())
	}
	return pos, s.pos(s.off), tokInt, lit
}

// parseInt parses a C integer or character constant, ignoring u/l suffixes.
//
// A constant is any value of 64 bits: up to 18446744073709551615
// (0xffffffffffffffff, ULONG_MAX). Values are int64, and one above
// 9223372036854775807 (LONG_MAX) is the int64 of the same bits (two's
// complement), what a 64-bit kernel stores for it: 0xffffffffffffffff is
// -1, and -9223372036854775808 is LONG_MIN. The values a pointer to a
// location may have, 2^40 to 2^40+2^20-1 (see [model.PtrBase]), are
// refused: an integer there would be taken for a pointer.
func parseInt(lit string) (int64, error) {
	if len(lit) >= 3 && lit[0] == '\'' {
		v, _, tail, err := strconv.UnquoteChar(lit[1:len(lit)-1], '\'')
		if err != nil || tail != "" {
			return 0, fmt.Errorf("invalid character literal %s", printable(lit))
		}
		return int64(v), nil
	}
	s := lit
	for len(s) > 0 && (s[len(s)-1] == 'u' || s[len(s)-1] == 'U' || s[len(s)-1] == 'l' || s[len(s)-1] == 'L') {
		s = s[:len(s)-1]
	}
	base := 10
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		base, s = 16, s[2:]
	case len(s) > 2 && (s[:2] == "0b" || s[:2] == "0B"):
		base, s = 2, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("integer constant %s too large (more than 64 bits)", lit)
		}
		return 0, fmt.Errorf("invalid integer constant %s", lit)
	}
	if v >= uint64(model.PtrBase) && v < uint64(model.PtrBase)+maxLocs {
		return 0, fmt.Errorf("integer constant %s is a pointer value (2^40 to 2^40+2^20-1 are pointers to locations)", lit)
	}
	return int64(v), nil // LONG_MAX+1 and above wrap, as in the kernel
}

// restOfLine returns the next run of non-blank characters on the current
// line (the test name after "C"), and its position; "" if there is none.
func (s *scanner) restOfLine() (model.Pos, model.Pos, string) {
	for s.off < len(s.src) && (s.src[s.off] == ' ' || s.src[s.off] == '\t') {
		s.off++
	}
	start := s.off
	for s.off < len(s.src) {
		c := s.src[s.off]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		if c == '(' && s.off+1 < len(s.src) && s.src[s.off+1] == '*' {
			break
		}
		// The name ends at a character that is not printable, which the
		// scanner then reports.
		r, size := utf8.DecodeRune(s.src[s.off:])
		if r == utf8.RuneError && size <= 1 || !strconv.IsPrint(r) {
			break
		}
		s.off += size
	}
	return s.pos(start), s.pos(s.off), string(s.src[start:s.off])
}

// rawLine returns the rest of the current line, verbatim.
func (s *scanner) rawLine() string {
	start := s.off
	for s.off < len(s.src) && s.src[s.off] != '\n' {
		s.off++
	}
	return string(s.src[start:s.off])
}
