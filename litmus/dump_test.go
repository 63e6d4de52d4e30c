package litmus

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"mmcheck/model"
)

// dump renders a syntax tree as an S-expression, without positions.
func dump(x any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(x))
	return b.String()
}

var posType = reflect.TypeOf(model.Pos{})

func dumpValue(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		dumpValue(b, v.Elem())
	case reflect.Struct:
		t := v.Type()
		b.WriteString("(" + t.Name())
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Type == posType || f.Name == "span" || f.Name == "Src" || f.Name == "lines" || f.Name == "Name" && t.Name() == "File" || f.Name == "File" && t.Name() == "IncludeDecl" {
				continue
			}
			if !f.IsExported() && f.Name != "span" {
				continue
			}
			b.WriteString(" " + f.Name + "=")
			dumpValue(b, v.Field(i))
		}
		b.WriteString(")")
	case reflect.Slice:
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(" ")
			}
			dumpValue(b, v.Index(i))
		}
		b.WriteString("]")
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	default:
		fmt.Fprint(b, v.Interface())
	}
}

// formatRoundTrip parses src as file name, formats it, and checks that
// the formatted file parses to the same tree and formats to the same
// bytes again; it returns the formatted file.
func formatRoundTrip(t *testing.T, name, src string) []byte {
	t.Helper()
	f, err := Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	out := Format(f)
	f2, err := Parse(name, out)
	if err != nil {
		t.Fatalf("formatted source does not parse: %v\n%s", err, out)
	}
	if a, b := dump(f), dump(f2); a != b {
		t.Errorf("format changed the tree:\n%s\n---\n%s\n---\n%s", out, a, b)
	}
	if out2 := Format(f2); !bytes.Equal(out, out2) {
		t.Errorf("format is not stable:\n%s\n---\n%s", out, out2)
	}
	return out
}
