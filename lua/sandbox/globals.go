package sandbox

import (
	"context"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Global is one global a script sees in a fresh sandbox: a base function or
// value, or a library table with its members.
type Global struct {
	// Name is the global's name ("print", "os").
	Name string
	// Type is its Lua type ("function", "table", "string").
	Type string
	// Members lists a read-only library's fields, sorted ("clock", "date",
	// ...); nil for anything else.
	Members []string
}

// Globals returns the globals of a fresh sandbox, sorted by name: what a
// script sees before the host adds its modules (workos, args ...). It
// builds and closes one sandbox, so it costs what [New] costs; the list is
// the one testdata/globals.golden pins.
func Globals() ([]Global, error) {
	s, err := New(context.Background(), nil)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var out []Global
	s.L().G.Global.ForEach(func(k, v lua.LValue) {
		g := Global{Name: k.String(), Type: v.Type().String()}
		if p, ok := v.(*lua.LTable); ok {
			if info, locked := s.proxies[p]; locked {
				g.Members = []string{}
				info.real.ForEach(func(mk, _ lua.LValue) {
					g.Members = append(g.Members, mk.String())
				})
				slices.Sort(g.Members)
			}
		}
		out = append(out, g)
	})
	slices.SortFunc(out, func(a, b Global) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
