package litmus

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mmcheck/model"
)

// A chunk is one test file of a chunked test file: files separated by
// "---" lines, whose lines may end with ### "regexp" comments, each
// expecting an error on that line matching the regexp (matched against
// "file:line:col: message").
type chunk struct {
	name   string
	src    []byte
	expect map[int][]*regexp.Regexp // by line
}

var expectRx = regexp.MustCompile(`###\s*(.*)$`)

func readChunks(path string) ([]chunk, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var bad error
	var chunks []chunk
	var lines []string
	start := 1
	flush := func(next int) {
		c := chunk{name: fmt.Sprintf("%s:%d", path, start), expect: map[int][]*regexp.Regexp{}}
		for i, line := range lines {
			if m := expectRx.FindStringSubmatchIndex(line); m != nil {
				rest := line[m[2]:m[3]]
				for rest != "" {
					q, err := strconv.QuotedPrefix(rest)
					if err != nil {
						bad = fmt.Errorf("%s:%d: bad expectation %q", path, start+i, rest)
						break
					}
					s, _ := strconv.Unquote(q)
					c.expect[i+1] = append(c.expect[i+1], regexp.MustCompile(s))
					rest = strings.TrimSpace(rest[len(q):])
				}
				line = line[:m[0]] + strings.Repeat(" ", len(line)-m[0])
			}
			c.src = append(c.src, line+"\n"...)
		}
		chunks = append(chunks, c)
		lines = nil
		start = next
	}
	all := strings.Split(string(data), "\n")
	if n := len(all); n > 0 && all[n-1] == "" {
		all = all[:n-1]
	}
	for i, line := range all {
		if line == "---" {
			flush(i + 2)
			continue
		}
		lines = append(lines, line)
	}
	flush(0)
	return chunks, bad
}

// TestErrors checks the errors of each chunk of testdata/errors.lit.
func TestErrors(t *testing.T) {
	chunks, err := readChunks("testdata/errors.lit")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("chunk.lit", c.src)
			var errs model.ErrorList
			if err != nil {
				var ok bool
				if errs, ok = err.(model.ErrorList); !ok {
					t.Fatalf("error is %T, not model.ErrorList: %v", err, err)
				}
			}
			if len(errs) > MaxErrors {
				t.Errorf("%d errors reported, more than %d", len(errs), MaxErrors)
			}
			for _, e := range errs {
				if e.Pos.File != "chunk.lit" || !e.Pos.IsValid() || e.Pos.Col == 0 {
					t.Errorf("error without a file:line:col position: %v", e)
				}
				rxs := c.expect[e.Pos.Line]
				found := -1
				for i, rx := range rxs {
					if rx.MatchString(e.Error()) {
						found = i
						break
					}
				}
				if found < 0 {
					t.Errorf("unexpected error: %v", e)
					continue
				}
				c.expect[e.Pos.Line] = append(rxs[:found], rxs[found+1:]...)
			}
			for line, rxs := range c.expect {
				for _, rx := range rxs {
					t.Errorf("chunk.lit:%d: missing error matching %q", line, rx)
				}
			}
			if t.Failed() {
				t.Logf("source:\n%s", c.src)
			}
		})
	}
}

// TestErrorLimit checks that every error is reported, up to MaxErrors
// (then a last error says there were more), one per line unless
// AllErrors: the front end does not stop at the 10 errors the CLI shows.
func TestErrorLimit(t *testing.T) {
	undefined := func(n int) []byte {
		var b strings.Builder
		b.WriteString("C many\n{}\nP0()\n{\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "\tundefined_%d = 1;\n", i)
		}
		b.WriteString("}\n#define X 1\n")
		return []byte(b.String())
	}
	syntax := func(n int) []byte {
		return []byte("C many\n{}\nP0()\n{\n" + strings.Repeat("\tx = = 1;\n", n) + "}\n")
	}
	count := func(err error) (int, string) {
		errs, _ := err.(model.ErrorList)
		if len(errs) == 0 {
			return 0, ""
		}
		return len(errs), errs[len(errs)-1].Error()
	}
	for _, tt := range []struct {
		name string
		load func(Config) error
		n    int    // errors
		last string // the last one
	}{
		{"lowering", func(c Config) error { _, err := c.Load("many.lit", undefined(15)); return err }, 15, "many.lit:19:2: undefined: undefined_14"},
		{"syntax", func(c Config) error { _, err := c.Parse("many.lit", syntax(15)); return err }, 15, "many.lit:19:6: expected expression, found '='"},
		{"lowering, too many", func(c Config) error { _, err := c.Load("many.lit", undefined(1500)); return err },
			MaxErrors + 1, "many.lit:1005:2: too many errors: stopped after 1000"},
		{"syntax, too many", func(c Config) error { _, err := c.Parse("many.lit", syntax(1500)); return err },
			MaxErrors + 1, "many.lit:1005:6: too many errors: stopped after 1000"},
	} {
		for _, all := range []bool{false, true} {
			n, last := count(tt.load(Config{AllErrors: all}))
			if n != tt.n || last != tt.last {
				t.Errorf("%s (AllErrors %v): got %d errors, the last %q; want %d, the last %q", tt.name, all, n, last, tt.n, tt.last)
			}
		}
	}
	// Several errors on a line: the first unless AllErrors.
	src := []byte("C many\n{}\nP0()\n{\n\tint r = u1 + u2 + u3;\n}\n")
	for _, tt := range []struct {
		all  bool
		want int
	}{{false, 1}, {true, 3}} {
		_, err := Config{AllErrors: tt.all}.Load("many.lit", src)
		if n, _ := count(err); n != tt.want {
			t.Errorf("AllErrors %v: %d errors, want %d", tt.all, n, tt.want)
		}
	}
}

// TestErrorOncePerPlace checks that code generated more than once (an
// unrolled loop's body, a helper inlined at two calls) reports an error
// at one place once, not once per copy.
func TestErrorOncePerPlace(t *testing.T) {
	src := "C dup\nstatic int get(int *p) { return READ_ONCE(*p) + z; }\n{ int x; }\n" +
		"P0(int *x) { int i; for (i = 0; i < 3; i++) WRITE_ONCE(*x, y); get(x); get(x); }\n"
	_, err := Config{AllErrors: true}.Load("dup.lit", []byte(src))
	l, ok := err.(model.ErrorList)
	if !ok {
		t.Fatalf("got %v, want an ErrorList", err)
	}
	var got []string
	for _, e := range l {
		got = append(got, e.Error())
	}
	want := []string{"dup.lit:2:49: undefined: z", "dup.lit:4:60: undefined: y"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
