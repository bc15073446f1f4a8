package sandbox

import (
	"strings"
	"testing"
	"time"
)

func TestYieldAcrossGoIsAnError(t *testing.T) {
	// Each body runs in a coroutine; yielding from it must fail with the
	// C Lua message, and the run must go on (the last line proves it).
	bodies := []struct{ name, body string }{
		{"tostring", `tostring(setmetatable({}, {__tostring = function() coroutine.yield() return "" end}))`},
		{"print", `print(setmetatable({}, {__tostring = function() coroutine.yield() return "" end}))`},
		{"table.sort", `table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)`},
		{"string.gsub", `string.gsub("abc", ".", function(c) coroutine.yield() end)`},
		{"__index", `local _ = setmetatable({}, {__index = function() coroutine.yield() end}).x`},
		{"__newindex", `setmetatable({}, {__newindex = function() coroutine.yield() end}).x = 1`},
		{"__eq", `local mt = {__eq = function() coroutine.yield() end} local _ = setmetatable({}, mt) == setmetatable({}, mt)`},
		{"__lt", `local mt = {__lt = function() coroutine.yield() end} local _ = setmetatable({}, mt) < setmetatable({}, mt)`},
		{"__le", `local mt = {__le = function() coroutine.yield() end} local _ = setmetatable({}, mt) <= setmetatable({}, mt)`},
		{"__concat", `local _ = setmetatable({}, {__concat = function() coroutine.yield() end}) .. "x"`},
		{"__add", `local _ = setmetatable({}, {__add = function() coroutine.yield() end}) + 1`},
		// pcall catches the error itself; re-raise what it caught.
		{"pcall", `local _, e = pcall(coroutine.yield) error(e, 0)`},
		{"xpcall", `local _, e = xpcall(function() coroutine.yield() end, function(e) return e end) error(e, 0)`},
		{"nested coroutine resumed from a callback", `table.sort({2, 1}, function(a, b) coroutine.wrap(function() coroutine.yield() end)() coroutine.yield() return a < b end)`},
	}
	for _, tt := range bodies {
		t.Run(tt.name, func(t *testing.T) {
			src := `local co = coroutine.create(function() ` + tt.body + ` return "no error" end)
local ok, err = coroutine.resume(co)
local wrapped, werr = pcall(coroutine.wrap(function() ` + tt.body + ` end))
return tostring(ok) .. "|" .. tostring(err) .. "|" .. tostring(wrapped) .. "|" .. tostring(werr) .. "|" .. coroutine.status(co)`
			r := runScript(t, src, 5*time.Second, nil)
			if r.err != nil {
				t.Fatalf("run failed: %v", r.err)
			}
			parts := strings.Split(r.ret, "|")
			if len(parts) != 5 || parts[0] != "false" || parts[2] != "false" || parts[4] != "dead" ||
				!strings.Contains(parts[1], "attempt to yield across a C-call boundary") ||
				!strings.Contains(parts[3], "attempt to yield across a C-call boundary") {
				t.Errorf("got %q, want both calls to fail with the yield-across error and the coroutine dead", r.ret)
			}
		})
	}
}

// BenchmarkCoroutineYield measures a resume/yield round trip.
func BenchmarkCoroutineYield(b *testing.B) {
	src := `local co = coroutine.wrap(function() while true do coroutine.yield() end end)
for i = 1, 100000 do co() end`
	for b.Loop() {
		if r := runScript(b, src, 60*time.Second, nil); r.err != nil {
			b.Fatal(r.err)
		}
	}
}
