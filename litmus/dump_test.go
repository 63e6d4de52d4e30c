package litmus

import (
	"fmt"
	"reflect"
	"strings"

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
