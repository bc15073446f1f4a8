package workos

import (
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// luaFunctions implements workos.functions(filter): sorted canonical names. The
// filter is a substring, or a table {query = "...", access = "read"|"write"|
// "destructive", paginated = true}.
func (s *state) luaFunctions(L *lua.LState) int {
	var query, access string
	var paginated lua.LValue = lua.LNil
	switch f := L.Get(1).(type) {
	case lua.LString:
		query = string(f)
	case *lua.LTable:
		if q, ok := f.RawGetString("query").(lua.LString); ok {
			query = string(q)
		}
		if a, ok := f.RawGetString("access").(lua.LString); ok {
			access = string(a)
		}
		paginated = f.RawGetString("paginated")
	}
	query = strings.ToLower(query)
	var names []string
	for _, op := range s.catalog().Operations() {
		if access != "" && string(op.Access) != access {
			continue
		}
		if b, ok := paginated.(lua.LBool); ok && bool(b) != op.Paginated {
			continue
		}
		if query != "" && !strings.Contains(op.Name, query) && !strings.Contains(strings.ToLower(op.Summary), query) &&
			!strings.Contains(op.SeedName, query) && !strings.Contains(op.TitleAlias, query) {
			continue
		}
		names = append(names, op.Name)
	}
	sort.Strings(names)
	out := L.CreateTable(len(names), 0)
	for _, n := range names {
		out.Append(lua.LString(n))
	}
	luajson.MarkArray(L, out)
	L.Push(out)
	return 1
}
