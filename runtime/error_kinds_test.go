package runtime

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestErrorKindsListsEveryKindConstant: every Kind* constant of result.go
// has exactly one entry in ErrorKinds, so the errors guide cannot omit one.
func TestErrorKindsListsEveryKindConstant(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "result.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var consts []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			for _, n := range s.(*ast.ValueSpec).Names {
				if strings.HasPrefix(n.Name, "Kind") {
					consts = append(consts, n.Name)
				}
			}
		}
	}
	if len(consts) == 0 {
		t.Fatal("no Kind constants found in result.go")
	}
	// The constants' values, through a map the compiler checks.
	values := map[string]string{
		"KindSyntax": KindSyntax, "KindRuntime": KindRuntime, "KindUnknownFunction": KindUnknownFunction,
		"KindValidation": KindValidation, "KindAPI": KindAPI, "KindNetwork": KindNetwork,
		"KindDenied": KindDenied, "KindCanceled": KindCanceled, "KindTimeout": KindTimeout,
		"KindMemoryLimit": KindMemoryLimit, "KindCallLimit": KindCallLimit, "KindOutputLimit": KindOutputLimit,
		"KindStackOverflow": KindStackOverflow, "KindScriptTooLarge": KindScriptTooLarge,
		"KindScriptTooComplex": KindScriptTooComplex, "KindWorkerCrashed": KindWorkerCrashed,
	}
	listed := map[string]int{}
	for _, k := range ErrorKinds() {
		listed[k.Kind]++
		if k.When == "" || k.Outcome == "" {
			t.Errorf("kind %s: empty When or Outcome", k.Kind)
		}
	}
	for _, c := range consts {
		v, ok := values[c]
		if !ok {
			t.Errorf("constant %s is new: add it to this test's map and to ErrorKinds", c)
			continue
		}
		if listed[v] != 1 {
			t.Errorf("kind %s (%s) is listed %d times in ErrorKinds, want once", strconv.Quote(v), c, listed[v])
		}
	}
	if len(listed) != len(consts) {
		t.Errorf("ErrorKinds lists %d kinds, result.go declares %d", len(listed), len(consts))
	}
}
