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
// line:column and the closest match before any call is made. accounts are
// the named accounts the host configured: workos.<account>.X is checked as
// workos.X, and workos.<other>.X, where X is a function, is an unknown account.
//
// It returns the parsed chunk so the run compiles it without parsing again.
func preflight(catalogFn func() *catalog.Catalog, name, src string, accounts []string) ([]ast.Stmt, *ErrorInfo) {
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
	configured := map[string]bool{}
	for _, a := range accounts {
		configured[a] = true
	}
	var found *ErrorInfo
	// accountLike holds X of app.integrations.workos.X.fn where fn is a real
	// function and X is no configured account: KosmoKrator's per-account path.
	accountLike := map[string]bool{}
	check := func(fn string, line int) {
		if found != nil || fn == "" || workos.IsMember(fn) || configured[fn] {
			return
		}
		if accountLike[fn] {
			found = &ErrorInfo{Kind: KindUnknownFunction, Line: line, Column: column(src, line, fn), Function: capText(fn),
				Message: fmt.Sprintf("workos: unknown account %q (app.integrations.workos.%s.<fn>); the configured accounts are: %s", fn, fn, accountList(accounts)),
				Hint:    "use one of the configured accounts, or ask the host to add this one (with its own key) to its accounts; nothing was called",
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
				if account, ok := workosMember(inner, shadowed, configured); ok && account != "default" && !configured[account] {
					if key, ok := e.Key.(*ast.StringExpr); ok {
						if !lookup(account) {
							if lookup(key.Value) {
								accountLike[account] = true
							}
						}
					}
				}
			}
			if fn, ok := workosMember(e, shadowed, configured); ok {
				check(fn, e.Line())
			}
		case *ast.FuncCallExpr:
			attr, ok := e.Func.(*ast.AttrGetExpr)
			if !ok || len(e.Args) == 0 {
				return
			}
			if fn, ok := workosMember(attr, shadowed, configured); ok && workos.TakesName(fn) {
				if s, ok := e.Args[0].(*ast.StringExpr); ok {
					check(s.Value, e.Line())
				}
			}
		}
	})
	return chunk, found
}

// workosMember reports the member name of workos.X, app.integrations.workos.X
// or the same under an account: workos.default.X or workos.<account>.X for a
// configured account.
func workosMember(e *ast.AttrGetExpr, shadowed, configured map[string]bool) (string, bool) {
	key, ok := e.Key.(*ast.StringExpr)
	if !ok {
		return "", false
	}
	path := objectPath(e.Object)
	if len(path) > 0 && shadowed[path[0]] {
		return "", false
	}
	if key.Value == "default" && (len(path) == 1 && path[0] == "workos" || len(path) == 3 && strings.Join(path, ".") == "app.integrations.workos") {
		return "", false // the account segment itself
	}
	if n := len(path); n > 0 && (path[n-1] == "default" || configured[path[n-1]]) {
		path = path[:n-1]
	}
	switch strings.Join(path, ".") {
	case "workos", "app.integrations.workos":
		return key.Value, true
	}
	return "", false
}

// accountList is the configured accounts for a message: "default" first.
func accountList(accounts []string) string {
	return strings.Join(append([]string{DefaultAccountName}, accounts...), ", ")
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
