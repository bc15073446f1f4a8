package sandbox

import (
	"context"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// FuzzPatterns runs find, match, gmatch and gsub with arbitrary patterns
// and subjects: malformed patterns must give Lua errors, never Go runtime
// panics (index out of range and the like).
func FuzzPatterns(f *testing.F) {
	for _, s := range [][2]string{
		{"hello world", "(%w+) (%w+)"}, {"a]b", "[]]"}, {"x", "%"}, {"x", "[a"}, {"x", "[%"},
		{"f(a(b)c)d", "%b()"}, {"THE quick", "%f[%a]%l+"}, {"abcabc", "(abc)%1"}, {"x", "%b"},
		{"x", "%f"}, {"x", "[^"}, {"x", "(()"}, {"x", "%1"}, {"aaa", "a-b"}, {"", "^$"}, {"x", "[a-]"},
		{"x", "[%a-z]"}, {"x", "[]"}, {"x", "[^]"}, {"x", "%bx"}, {"x", ")"}, {"x", "(x)%2"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, subject, pattern string) {
		if len(subject) > 200 || len(pattern) > 50 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s, err := New(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		L := s.L()
		L.SetGlobal("subject", lua.LString(subject))
		L.SetGlobal("pattern", lua.LString(pattern))
		for _, src := range []string{
			`return string.find(subject, pattern)`,
			`return string.find(subject, pattern, 2)`,
			`return string.match(subject, pattern)`,
			`local n = 0 for a in string.gmatch(subject, pattern) do n = n + 1 if n > 1000 then break end end return n`,
			`return string.gsub(subject, pattern, "<%0>")`,
			`return string.gsub(subject, pattern, function(...) return select("#", ...) end)`,
			`return string.gsub(subject, pattern, {})`,
		} {
			err := s.DoString(src)
			if err != nil && (strings.Contains(err.Error(), "runtime error") || strings.Contains(err.Error(), "goroutine")) {
				t.Fatalf("%s with subject %q pattern %q: Go panic: %v", src, subject, pattern, err)
			}
			if err != nil && limitKind(err) != "error" {
				return // a limit (timeout) ended the run
			}
			L.SetTop(0)
		}
	})
}
