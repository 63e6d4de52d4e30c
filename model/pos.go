package model

import "fmt"

// Pos is a source position: a file name and a 1-based line and column.
// The zero Pos is invalid and prints as "-".
type Pos struct {
	File string
	Line int // 1-based; 0 means unknown
	Col  int // 1-based, in bytes; 0 means unknown
}

// IsValid reports whether the position names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns "file:line:col", "file:line", "line:col" or "-".
func (p Pos) String() string {
	s := p.File
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d", p.Line)
		if p.Col > 0 {
			s += fmt.Sprintf(":%d", p.Col)
		}
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Short returns "file:line" (no column), as traces quote source lines.
func (p Pos) Short() string {
	q := p
	q.Col = 0
	return q.String()
}

// Before reports whether p comes before q in the same file.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}
