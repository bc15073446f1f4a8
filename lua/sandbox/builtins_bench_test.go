package sandbox

import (
	"context"
	"testing"
)

// benchScript runs the chunk src once per iteration in one sandbox.
func benchScript(b *testing.B, src string) {
	b.Helper()
	s, err := New(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fn, err := s.L().LoadString(src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.L().Push(fn)
		if err := s.L().PCall(0, 0, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStringMethods calls stock and sandbox string functions, as
// functions and as methods (through the string metatable).
func BenchmarkStringMethods(b *testing.B) {
	benchScript(b, `local n = 0 for i = 1, 1000 do n = n + #string.upper("abc") + #("x"):rep(3) end return n`)
}

// BenchmarkPatterns runs find, match, gmatch and gsub over a 10 KB subject
// with captures, classes, sets, repetitions, anchors, %b and %f.
func BenchmarkPatterns(b *testing.B) {
	benchScript(b, `
local s = string.rep("user_42 <a@example.com> (org [x]) ", 300)
local n = 0
n = n + #(s:gsub("(%w+)@(%w+)%.com", "%2 at %1"))
for k, v in s:gmatch("(%a+)_(%d+)") do n = n + #k + #v end
n = n + (s:find("%b()", 100) or 0) + (s:find("%f[%a]org", 1) or 0)
n = n + #(s:match("^[%w_]+%s*<[^>]->") or "")
n = n + select(2, s:gsub("%s+", " "))
n = n + select(2, s:gsub("[%[%]]", {["["] = "{", ["]"] = "}"}))
return n`)
}

// BenchmarkFormat runs string.format over every conversion.
func BenchmarkFormat(b *testing.B) {
	benchScript(b, `
local n = 0
for i = 1, 200 do
  n = n + #string.format("%d %5.2f %-8s| %x %X %o %e %g %c %q %s %i %u %% %5.1s", i, i / 7, "name", i, i, i, i * 1.5, i / 3, 65 + i % 26, "a\n\"b\"", true, -i, i, "abcdef")
end
return n`)
}
