package runtime

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/syntax"
)

// preflight parses the script and resolves every static workos.X and
// app.integrations.workos.X reference (and the literal function names given to
// the helpers that take one, see workos.Helpers) against the catalog, so a typo fails with
// line:column and the closest match before any call is made.
//
// It returns the parsed chunk so the run compiles it without parsing again.
func preflight(catalogFn func() *catalog.Catalog, name, src string) ([]ast.Stmt, *ErrorInfo) {
	chunk, err := parse.Parse(strings.NewReader(src), name)
	if err != nil {
		info := &ErrorInfo{Kind: KindSyntax, Message: err.Error(),
			Hint: "fix the Lua syntax at the reported line (gopher-lua speaks Lua 5.1 plus goto)"}
		var perr *parse.Error
		if errors.As(err, &perr) {
			info.Line, info.Column = perr.Pos.Line, perr.Pos.Column
			info.Message = strings.TrimSpace(perr.Message)
			if perr.Token != "" {
				info.Message += " near '" + perr.Token + "'"
			}
			if info.Line < 1 {
				// The parser reports end of input as line -1.
				info.Line, info.Column = strings.Count(src, "\n")+1, 0
				info.Message = "unexpected end of script (an unclosed block, table, string or parenthesis?): " + info.Message
			}
		}
		return nil, info
	}
	var cat *catalog.Catalog // loaded on the first name to check
	lookup := func(name string) bool {
		if cat == nil {
			cat = catalogFn()
		}
		_, ok := cat.Resolve(name)
		return ok
	}
	// A script that declares its own local workos or app (anywhere: the check
	// does not track scopes) is not checked through that name.
	shadowed := localNames(chunk)
	var found *ErrorInfo
	// accountLike holds X of app.integrations.workos.X.fn where fn is a real
	// function: KosmoKrator's per-account path.
	accountLike := map[string]bool{}
	check := func(fn string, line int) {
		if found != nil || fn == "" || workos.IsMember(fn) {
			return
		}
		if accountLike[fn] {
			found = &ErrorInfo{Kind: KindUnknownFunction, Line: line, Column: column(src, line, fn), Function: capText(fn),
				Message: fmt.Sprintf("workos: %q is not a function; it looks like a KosmoKrator account name (app.integrations.workos.%s.<fn>)", fn, fn),
				Hint:    "each run uses one account, chosen by the host: call workos.<fn> or app.integrations.workos.<fn> and run the script with that account; nothing was called",
				Setting: &Setting{Name: "Account", Value: capText(fn)}}
			return
		}
		if !lookup(fn) {
			_, err := cat.Lookup(fn) // again, for its suggestions
			found = &ErrorInfo{Kind: KindUnknownFunction, Message: capText(err.Error()), Line: line,
				Column: column(src, line, fn), Function: capText(fn),
				Hint: "use a name from workos.functions() (or search the docs); nothing was called"}
		}
	}
	walk(reflect.ValueOf(chunk), func(n any) {
		switch e := n.(type) {
		case *ast.AttrGetExpr:
			if inner, ok := e.Object.(*ast.AttrGetExpr); ok {
				if account, ok := workosMember(inner, shadowed); ok && account != "default" {
					if key, ok := e.Key.(*ast.StringExpr); ok {
						if !lookup(account) {
							if lookup(key.Value) {
								accountLike[account] = true
							}
						}
					}
				}
			}
			if fn, ok := workosMember(e, shadowed); ok {
				check(fn, e.Line())
			}
		case *ast.FuncCallExpr:
			attr, ok := e.Func.(*ast.AttrGetExpr)
			if !ok || len(e.Args) == 0 {
				return
			}
			if fn, ok := workosMember(attr, shadowed); ok && workos.TakesName(fn) {
				if s, ok := e.Args[0].(*ast.StringExpr); ok {
					check(s.Value, e.Line())
				}
			}
		}
	})
	return chunk, found
}

// workosMember reports the member name of workos.X, app.integrations.workos.X
// or app.integrations.workos.default.X.
func workosMember(e *ast.AttrGetExpr, shadowed map[string]bool) (string, bool) {
	key, ok := e.Key.(*ast.StringExpr)
	if !ok {
		return "", false
	}
	path := objectPath(e.Object)
	if len(path) > 0 && shadowed[path[0]] {
		return "", false
	}
	switch strings.Join(path, ".") {
	case "workos", "workos.default", "app.integrations.workos", "app.integrations.workos.default":
		if key.Value == "default" && len(path) == 3 {
			return "", false // the account segment itself
		}
		return key.Value, true
	}
	return "", false
}

// localNames returns every name the chunk declares as a local, a function
// parameter or a loop variable.
func localNames(chunk []ast.Stmt) map[string]bool {
	names := map[string]bool{}
	walk(reflect.ValueOf(chunk), func(n any) {
		switch d := n.(type) {
		case *ast.LocalAssignStmt:
			for _, name := range d.Names {
				names[name] = true
			}
		case *ast.ParList:
			for _, name := range d.Names {
				names[name] = true
			}
		case *ast.NumberForStmt:
			names[d.Name] = true
		case *ast.GenericForStmt:
			for _, name := range d.Names {
				names[name] = true
			}
		}
	})
	return names
}

// objectPath returns the dotted names of an expression such as app.integrations.workos.
func objectPath(e ast.Expr) []string {
	switch t := e.(type) {
	case *ast.IdentExpr:
		return []string{t.Value}
	case *ast.AttrGetExpr:
		key, ok := t.Key.(*ast.StringExpr)
		if !ok {
			return nil
		}
		if p := objectPath(t.Object); p != nil {
			return append(p, key.Value)
		}
	}
	return nil
}

// walk visits every AST node reachable from v.
func walk(v reflect.Value, visit func(any)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
			visit(v.Interface())
		}
		walk(v.Elem(), visit)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walk(v.Field(i), visit)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), visit)
		}
	}
}

// column finds the 1-based column of name on a 1-based line, or 0: the first
// occurrence that stands as a whole identifier (so "work" is not found inside
// "workos").
func column(src string, line int, name string) int {
	if line < 1 || name == "" {
		return 0
	}
	text := src
	for i := 1; i < line; i++ {
		_, rest, ok := strings.Cut(text, "\n")
		if !ok {
			return 0
		}
		text = rest
	}
	text, _, _ = strings.Cut(text, "\n")
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], name)
		if i < 0 {
			break
		}
		start, end := from+i, from+i+len(name)
		if (start == 0 || !syntax.IsNameChar(text[start-1])) && (end == len(text) || !syntax.IsNameChar(text[end])) {
			return start + 1
		}
		from = start + 1
	}
	return 0
}
