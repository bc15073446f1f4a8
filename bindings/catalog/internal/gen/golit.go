package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"reflect"
	"strconv"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// GoFile renders catalog_gen.go: the operations of catalogJSON as one Go
// composite literal, with Go's standard generated-code marker. Every value in
// it is a constant, a composite literal or the address of one, so the compiler
// lays the whole catalog out in the binary's data and no code runs to build it
// at start (TestCatalogNeedsNoInit checks the package's init stays empty).
func GoFile(catalogJSON []byte) ([]byte, error) {
	var f catalog.File
	if err := json.Unmarshal(catalogJSON, &f); err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	w := literalWriter{}
	w.printf("// %s\n\npackage catalog\n\nimport \"encoding/json\"\n\n", Header)
	w.printf("// SpecSHA256 is the SHA-256 of the specification the catalog was generated from.\nconst SpecSHA256 = %q\n\n", f.SpecSHA256)
	w.printf("// SpecVersion is the info.version of the specification the catalog was generated from.\nconst SpecVersion = %q\n\n", f.SpecVersion)
	w.printf("// OperationCount is the number of operations in the generated catalog.\nconst OperationCount = %d\n\n", len(f.Operations))
	w.printf("// generatedOperations is catalog_gen.json's operations as Go values.\nvar generatedOperations = []*Operation{\n")
	for _, op := range f.Operations {
		w.value(reflect.ValueOf(*op), false)
		w.printf(",\n")
	}
	w.printf("}\n")
	if len(w.numbers) > 0 {
		w.printf("\n// generatedNumbers holds the values that *float64 fields point to.\nvar generatedNumbers = [...]float64{")
		for i, n := range w.numbers {
			if i > 0 {
				w.printf(", ")
			}
			w.printf("%s", strconv.FormatFloat(n, 'g', -1, 64))
		}
		w.printf("}\n")
	}
	src, err := format.Source(w.buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gen: format catalog_gen.go: %w", err)
	}
	return src, nil
}

// literalWriter writes Go composite literals for the catalog's types. It
// handles exactly the kinds those types use and panics on any other, so a new
// field of an unsupported kind fails generation instead of being dropped.
type literalWriter struct {
	buf     bytes.Buffer
	numbers []float64 // the targets of *float64 fields, in order
}

func (w *literalWriter) printf(format string, args ...any) {
	fmt.Fprintf(&w.buf, format, args...)
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// typeName is how t is spelled inside package catalog.
func typeName(t reflect.Type) string {
	return strings.ReplaceAll(t.String(), "catalog.", "")
}

// value writes v. typed says whether the literal needs its type spelled out
// (false inside a slice or map literal, where Go infers it).
func (w *literalWriter) value(v reflect.Value, typed bool) {
	if v.Type() == rawMessageType {
		w.printf("json.RawMessage(%s)", quote(string(v.Bytes())))
		return
	}
	switch v.Kind() {
	case reflect.String:
		// Named string types (Access, Auth) take an untyped constant.
		w.printf("%s", quote(v.String()))
	case reflect.Bool:
		w.printf("%t", v.Bool())
	case reflect.Int:
		w.printf("%d", v.Int())
	case reflect.Float64:
		w.printf("float64(%s)", strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Pointer:
		w.pointer(v, typed)
	case reflect.Interface:
		w.value(v.Elem(), true)
	case reflect.Slice:
		w.slice(v, typed)
	case reflect.Struct:
		w.structValue(v, typed)
	default:
		panic("gen: catalog field of unsupported kind " + v.Kind().String())
	}
}

func (w *literalWriter) pointer(v reflect.Value, typed bool) {
	switch elem := v.Elem(); elem.Kind() {
	case reflect.Float64:
		w.printf("&generatedNumbers[%d]", len(w.numbers))
		w.numbers = append(w.numbers, elem.Float())
	case reflect.Struct:
		if typed {
			w.printf("&")
		}
		w.structValue(elem, typed)
	default:
		panic("gen: catalog pointer to unsupported kind " + elem.Kind().String())
	}
}

func (w *literalWriter) slice(v reflect.Value, typed bool) {
	if typed {
		w.printf("%s", typeName(v.Type()))
	}
	w.printf("{")
	for i := range v.Len() {
		if i > 0 {
			w.printf(", ")
		}
		w.value(v.Index(i), v.Type().Elem().Kind() == reflect.Interface)
	}
	w.printf("}")
}

// structValue writes the fields that are not zero, one per line. A nil slice
// and an empty one differ (JSON decoding keeps `[]` as empty), so emptiness is
// judged by IsZero, which tells them apart.
func (w *literalWriter) structValue(v reflect.Value, typed bool) {
	if typed {
		w.printf("%s", typeName(v.Type()))
	}
	w.printf("{")
	first := true
	for i := range v.NumField() {
		fv := v.Field(i)
		if fv.IsZero() {
			continue
		}
		if first {
			w.printf("\n")
			first = false
		}
		w.printf("%s: ", v.Type().Field(i).Name)
		w.value(fv, true)
		w.printf(",\n")
	}
	w.printf("}")
}

// quote spells s as a Go string literal: raw when that is possible and
// shorter to read, interpreted otherwise.
func quote(s string) string {
	if strconv.CanBackquote(s) && strings.ContainsAny(s, `"\`) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}
