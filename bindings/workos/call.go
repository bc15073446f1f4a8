package workos

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
)

// luaCall implements workos.call(name, args): the same as workos[name](args).
func (s *state) luaCall(L *lua.LState) int {
	op, err := s.resolve(L.Get(1), "", `workos.call("organizations_list", {limit = 10})`)
	if err != nil {
		s.raise(L, nil, err)
	}
	args := map[string]any{}
	switch a := L.Get(2).(type) {
	case *lua.LTable:
		if args, err = tableArgs(L, op, a); err != nil {
			s.rejectArgs(L, op, err)
		}
	case *lua.LNilType:
	default:
		err := &api.ValidationError{Function: op.Name, Param: "args", Problem: "arguments must be a table of named values, got " + a.Type().String(),
			Hint: fmt.Sprintf("workos.call(%q, {...}), e.g. %s", op.Name, op.ExampleCall())}
		s.rejectArgs(L, op, err)
	}
	return s.pushCall(L, op, args)
}
