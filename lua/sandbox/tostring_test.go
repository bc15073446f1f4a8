package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTostringShowsTables(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"sequence", `return tostring({1, "a", true})`, `[1,"a",true]`},
		{"keys sorted", `return tostring({b = 2, a = 1, [10] = "x"})`, `{"10":"x","a":1,"b":2}`},
		{"mixed", `return tostring({"x", k = "v"})`, `{"1":"x","k":"v"}`},
		{"nested", `return tostring({org = {id = "org_1", tags = {"a"}}})`, `{"org":{"id":"org_1","tags":["a"]}}`},
		{"empty", `return tostring({})`, `{}`},
		{"empty json array", `return tostring(json.array())`, `[]`},
		{"json null", `return tostring({a = json.null})`, `{"a":null}`},
		{"function", `return tostring({f = print})`, `{"f":"<function>"}`},
		{"cycle", `local t = {} t.self = t return tostring(t)`, `{"self":"<cycle>"}`},
		{"shared is not a cycle", `local s = {1} return tostring({s, s})`, `[[1],[1]]`},
		{"__tostring wins", `return tostring(setmetatable({}, {__tostring = function() return "mine" end}))`, `mine`},
		{"nested __tostring", `local e = setmetatable({}, {__tostring = function() return "e!" end}) return tostring({e})`, `["e!"]`},
		{"other values", `return tostring(12) .. tostring(nil) .. tostring(true)`, `12niltrue`},
		{"deep", `local t = {} local c = t for i = 1, 40 do c[1] = {} c = c[1] end return #tostring(t) < 200`, `true`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runScript(t, c.src, 10*time.Second, nil)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if diff := cmp.Diff(c.want, r.ret); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTostringIsBounded(t *testing.T) {
	r := runScript(t, `local t = {} for i = 1, 200000 do t[i] = "item" .. i end return tostring(t)`, 30*time.Second, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.ret) > maxTostringBytes+3 || !strings.HasSuffix(r.ret, "...") {
		t.Errorf("tostring of a huge table is %d bytes ending %q; want at most %d ending in ...", len(r.ret), r.ret[max(len(r.ret)-10, 0):], maxTostringBytes+3)
	}
}

func TestDump(t *testing.T) {
	r := runScript(t, `local a, b = dump({id = "org_1", n = 2}, "s")
dump(nil)
dump(setmetatable({}, {__tostring = function() return "custom" end}))
dump({f = print})
return a.id .. b`, 10*time.Second, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := []string{"{\n  \"id\": \"org_1\",\n  \"n\": 2\n}", `"s"`, "nil", "custom", `{"f":"<function>"}`}
	if diff := cmp.Diff(want, r.logs); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}
	if r.ret != "org_1s" {
		t.Errorf("dump returned %q, want its arguments unchanged", r.ret)
	}
	r = runScript(t, `local t = {} for i = 1, 10000 do t[i] = "xxxxxxxxxx" end for i = 1, 100 do dump(t) end`, 30*time.Second, &Options{MaxLogBytes: 1 << 16})
	if got := limitKind(r.err); got != KindOutputLimit {
		t.Errorf("dump past the output limit: %v, want %s", r.err, KindOutputLimit)
	}
}

// TestRegexInSandbox: the regex global is wired to the run's limits.
func TestRegexInSandbox(t *testing.T) {
	r := runScript(t, `return regex.match("ACME-42", "/^acme-(\\d+)$/i")[2]`, 10*time.Second, nil)
	if r.err != nil || r.ret != "42" {
		t.Fatalf("regex.match = %q, %v; want 42", r.ret, r.err)
	}
	r = runScript(t, `local s = string.rep("a", 1000) return regex.gsub(s, "/a/", string.rep("b", 1000))`, 10*time.Second, &Options{MaxStringBytes: 1 << 16})
	if got := limitKind(r.err); got != KindMemoryLimit {
		t.Errorf("gsub past the string limit: %v, want %s", r.err, KindMemoryLimit)
	}
	r = runScript(t, `local p = "/(" .. string.rep("a?", 300) .. string.rep("a", 300) .. ")+$/"
local s = string.rep("a", 1000000) .. "b"
while true do regex.match_all(s, p) end`, 300*time.Millisecond, nil)
	if got := limitKind(r.err); got != KindTimeout {
		t.Errorf("a long regex search: %v, want %s", r.err, KindTimeout)
	}
	r = runScript(t, `return pcall(regex.match, "a", "/(a)\\1/")`, 10*time.Second, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
}

func TestTostringManyKeys(t *testing.T) {
	r := runScript(t, `local t = {} for i = 1, 20000 do t["k" .. i] = i end return tostring(t)`, 30*time.Second, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if want := `"<table with more than 10000 keys>"`; r.ret != want {
		t.Errorf("tostring = %.80q, want %s", r.ret, want)
	}
}
