package sandbox

import (
	"context"
	"strings"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestReadOnlyMessageNamesLibrary(t *testing.T) {
	tests := []struct{ src, want string }{
		{`string.upper = nil`, "cannot set string.upper: library tables are read-only"},
		{`math.pi = 3`, "cannot set math.pi: library tables are read-only"},
		{`package.path = "x"`, "cannot set package.path: library tables are read-only"},
		{`getmetatable("").__index = {}`, `cannot set getmetatable("").__index: library tables are read-only`},
		{`local _, state = pairs(string) state.upper = nil`, "cannot set string.upper: library tables are read-only"},
	}
	for _, tt := range tests {
		s, err := New(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		err = s.DoString(tt.src)
		s.Close()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.src, err, tt.want)
		}
	}
}

// TestSharedStockFunctionsParallel runs scripts that use every kind of
// shared stock function in parallel sandboxes (go test -race checks that
// sharing them is race-free) and checks that the Env of the shared
// functions stays empty.
func TestSharedStockFunctionsParallel(t *testing.T) {
	st, err := stock()
	if err != nil {
		t.Fatal(err)
	}
	src := `
local n = 0
for i, v in ipairs({1, 2, 3}) do n = n + v end
for k, v in pairs({a = 1, b = 2}) do n = n + v end
for k in pairs(string) do n = n + 1 end
local k = next({x = 1})
assert(k == "x", "next")
n = n + math.floor(math.abs(-2.5)) + math.max(1, 2) + select("#", 1, 2) + #("abc"):upper() + string.len("xy")
local t = {3, 1}
table.insert(t, 2)
n = n + table.maxn(t) + tonumber("4") + #tostring(12) + #type(t) + unpack({1})
local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
local _, y = coroutine.resume(co, 1)
local _, z = coroutine.resume(co, 5)
local gen = coroutine.wrap(function() coroutine.yield(7) end)
n = n + y + z + gen() + (coroutine.status(co) == "dead" and 1 or 0)
n = n + (os.time() > 0 and 1 or 0) + #os.date("%Y") + (os.difftime(2, 1)) + (os.clock() >= 0 and 1 or 0)
local ok, e = pcall(error, "boom")
assert(not ok and e == "script:18: boom", "error: " .. tostring(e))
assert(rawequal(t, t) and rawget(t, 1) == 3, "raw")
assert(getmetatable(setmetatable({}, {__index = {}})) ~= nil, "metatables")
assert(require("json").encode({1}) == "[1]", "require")
return n
`
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				s, err := New(context.Background(), nil)
				if err != nil {
					t.Error(err)
					return
				}
				if err := s.DoString(src); err != nil {
					t.Error(err)
				}
				s.Close()
			}
		})
	}
	wg.Wait()
	env := st.base[0].fn.Env
	if env == nil || env.Len() != 0 {
		t.Fatal("shared functions have no empty Env")
	}
	if k, _ := env.Next(lua.LNil); k != lua.LNil {
		t.Errorf("the Env of the shared functions has key %v, want none", k)
	}
}
