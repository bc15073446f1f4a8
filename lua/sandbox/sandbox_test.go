package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"
)

var update = flag.Bool("update", false, "rewrite testdata/globals.golden")

// result is the outcome of one test run.
type result struct {
	err  error
	ret  string // tostring of the first returned value, if any
	logs []string
	dur  time.Duration
}

// runScript runs src in a fresh sandbox with a timeout.
func runScript(t testing.TB, src string, timeout time.Duration, opts *Options) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, err := New(ctx, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer s.Close()
	start := time.Now()
	err = s.DoString(src)
	r := result{err: err, logs: s.Logs(), dur: time.Since(start)}
	if err == nil && s.L().GetTop() > 0 {
		r.ret = s.L().Get(1).String()
	}
	return r
}

func limitKind(err error) string {
	var le *LimitError
	if errors.As(err, &le) {
		return le.Kind
	}
	var se *SourceError
	if errors.As(err, &se) {
		return se.Kind
	}
	if err != nil {
		return "error"
	}
	return "completed"
}

func TestGlobalsGolden(t *testing.T) {
	s, err := New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var lines []string
	s.L().G.Global.ForEach(func(k, v lua.LValue) {
		name := k.String()
		if p, ok := v.(*lua.LTable); ok {
			if info, locked := s.proxies[p]; locked {
				lines = append(lines, name+" table (read-only)")
				real := info.real
				real.ForEach(func(mk, mv lua.LValue) {
					lines = append(lines, name+"."+mk.String()+" "+mv.Type().String())
				})
				return
			}
		}
		lines = append(lines, name+" "+v.Type().String())
	})
	slices.Sort(lines)
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join("testdata", "globals.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGlobalsGolden -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("globals changed (-want +got); review and run with -update:\n%s", diff)
	}
}

func TestEscapeAttempts(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // "completed" with ret "ok", or "error"
	}{
		{"io", `return io == nil and "ok"`, "completed"},
		{"io.open", `return io.open("/etc/passwd")`, "error"},
		{"os.execute", `return os.execute("id")`, "error"},
		{"os.getenv", `return os.getenv("HOME")`, "error"},
		{"os.exit", `os.exit(1)`, "error"},
		{"os.remove", `os.remove("/tmp/x")`, "error"},
		{"loadstring", `return loadstring("return 1")()`, "error"},
		{"load", `return load(function() return nil end)`, "error"},
		{"dofile", `dofile("/etc/passwd")`, "error"},
		{"loadfile", `loadfile("/etc/passwd")`, "error"},
		{"require os", `return require("os").execute == nil and "ok"`, "completed"},
		{"require io", `require("io")`, "error"},
		{"require debug", `require("debug")`, "error"},
		{"require file", `require("testdata.hostile.infinite_loop")`, "error"},
		{"string.dump", `return string.dump(print)`, "error"},
		{"setfenv", `setfenv(1, {})`, "error"},
		{"getfenv", `return getfenv(1)`, "error"},
		{"debug", `return debug.getregistry()`, "error"},
		{"module", `module("x")`, "error"},
		{"newproxy", `return newproxy(true)`, "error"},
		{"collectgarbage", `collectgarbage()`, "error"},
		{"_printregs", `_printregs()`, "error"},
		{"channel", `return channel.make()`, "error"},
		{"package.loadlib", `return package.loadlib("x", "y")`, "error"},
		{"package.path empty", `return package.path == "" and "ok"`, "completed"},
		{"package.loaders only preload", `return #package.loaders == 1 and "ok"`, "completed"},
		{"package.loaded.os reduced", `return package.loaded.os.execute == nil and "ok"`, "completed"},
		{"package read-only", `package.path = "/tmp/?.lua"`, "error"},
		{"string read-only", `string.upper = nil`, "error"},
		{"json read-only", `json.encode = print`, "error"},
		{"rawset on library", `rawset(math, "pi", 3)`, "error"},
		{"setmetatable on library", `setmetatable(string, {})`, "error"},
		{"getmetatable of library", `return getmetatable(string) == "locked" and "ok"`, "completed"},
		{"string metatable index read-only", `getmetatable("").__index.upper = function() return "x" end`, "error"},
		{"string metatable read-only", `getmetatable("").__index = {}`, "error"},
		{"setmetatable on string", `setmetatable("", {})`, "error"},
		{"registry unreachable", `return (debug or getfenv or getregistry) == nil and "ok"`, "completed"},
		{"math.randomseed is per run", `math.randomseed(1); return "ok"`, "completed"},
		{"_G scan finds no secrets", `for k, v in pairs(_G) do if type(v) == "string" and k ~= "_VERSION" and k ~= "_GOPHER_LUA_VERSION" then return k end end return "ok"`, "completed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runScript(t, tt.src, 5*time.Second, nil)
			if got := limitKind(r.err); got != tt.want {
				t.Fatalf("outcome = %s (%v), want %s", got, r.err, tt.want)
			}
			if tt.want == "completed" && r.ret != "ok" {
				t.Errorf("returned %q, want \"ok\"", r.ret)
			}
		})
	}
}

func TestMetatablePoisoningDoesNotLeak(t *testing.T) {
	poison := `
pcall(function() getmetatable("").__index.upper = function() return "PWNED" end end)
pcall(function() string.upper = function() return "PWNED" end end)
pcall(function() rawset(string, "upper", function() return "PWNED" end) end)
pcall(function() json.encode = function() return "PWNED" end end)
pcall(function() math.floor = function() return 0 end end)
return ("abc"):upper()`
	if r := runScript(t, poison, 5*time.Second, nil); r.err != nil || r.ret != "ABC" {
		t.Fatalf("poisoning run: ret %q err %v; want ABC (nothing poisoned)", r.ret, r.err)
	}
	// Global writes are allowed but confined to their run.
	if r := runScript(t, `upper_backup = string.upper; _G.string = {upper = function() return "PWNED" end}; return string.upper("x")`, 5*time.Second, nil); r.ret != "PWNED" {
		t.Fatalf("a run may rebind its own globals; got %q %v", r.ret, r.err)
	}
	r := runScript(t, `return ("abc"):upper() .. string.upper("d") .. json.encode({1}) .. math.floor(2.5)`, 5*time.Second, nil)
	if r.err != nil || r.ret != "ABCD[1]2" {
		t.Fatalf("next run: ret %q err %v; want ABCD[1]2", r.ret, r.err)
	}
}

func TestPrintCapture(t *testing.T) {
	r := runScript(t, `print("a", 1, 2.5, true, nil, {x = 1}, {1, 2}, json.object(), setmetatable({}, {__tostring = function() return "T" end}))
print()
print(("x"):rep(3))`, 5*time.Second, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := []string{"a\t1\t2.5\ttrue\tnil\t{\"x\":1}\t[1,2]\t{}\tT", "", "xxx"}
	if diff := cmp.Diff(want, r.logs); diff != "" {
		t.Errorf("logs mismatch (-want +got):\n%s", diff)
	}
}

func TestLimits(t *testing.T) {
	small := &Options{MemoryLimit: 32 << 20, MaxLogBytes: 4096}
	tests := []struct {
		name, src string
		want      string
	}{
		{"timeout", `while true do end`, KindTimeout},
		{"timeout in pcall", `while true do pcall(function() while true do end end) end`, KindTimeout},
		{"timeout in xpcall", `while true do xpcall(function() while true do end end, function(e) return e end) end`, KindTimeout},
		{"timeout in coroutine", `local co = coroutine.wrap(function() while true do end end) while true do pcall(co) end`, KindTimeout},
		{"timeout in pattern", `return string.find(string.rep("a", 3000), string.rep("a*", 20) .. "b")`, KindTimeout},
		{"timeout in sort comparator", `local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function(a, b) while true do end end)`, KindTimeout},
		{"memory concat", `local s = "x" while true do s = s .. s end`, KindMemoryLimit},
		{"memory tables", `local t = {} for i = 1, 1e9 do t[i] = {i} end`, KindMemoryLimit},
		{"memory closures", `local t = {} for i = 1, 1e9 do t[i] = function() return i end end`, KindMemoryLimit},
		{"memory string.rep", `return string.rep("x", 2^40)`, KindMemoryLimit},
		{"memory string.rep in pcall", `pcall(string.rep, "x", 2^40) return "swallowed"`, KindMemoryLimit},
		{"memory format", `local s = string.rep("x", 1e6) return string.format(string.rep("%s", 100), s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s)`, KindMemoryLimit},
		{"memory table.concat", `local t = {} local s = string.rep("x", 1e6) for i = 1, 100 do t[i] = s end return #table.concat(t)`, KindMemoryLimit},
		{"memory gsub", `local s = string.rep("x", 1e6) return #s:gsub("x", s)`, KindMemoryLimit},
		{"memory json.encode", `local t = {} local s = string.rep("x", 1e6) for i = 1, 40 do t[i] = s end return #json.encode(t)`, KindMemoryLimit},
		{"coroutine flood", `local t = {} for i = 1, 1e6 do t[i] = coroutine.create(function() end) end`, KindMemoryLimit},
		{"output flood", `while true do print("spam spam spam") end`, KindOutputLimit},
		{"output one big line", `print(string.rep("x", 10000))`, KindOutputLimit},
		{"output in pcall", `while true do pcall(print, "spam spam spam") end`, KindOutputLimit},
		{"stack overflow", `local function f() return 1 + f() end return f()`, KindStackOverflow},
		{"stack overflow in pcall", `local function f() return 1 + f() end while true do pcall(f) end`, KindStackOverflow},
		{"stack overflow via metamethod", `local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x`, KindStackOverflow},
		{"stack overflow in coroutine", `local function f() return 1 + f() end local co = coroutine.create(f) local ok, err = coroutine.resume(co) return tostring(ok)`, KindStackOverflow},
		{"unpack registry overflow", `local t = {} for i = 1, 2e5 do t[i] = i end return select("#", unpack(t))`, KindStackOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The rows that expect another limit get 3 s, so that on a
			// loaded machine the clock does not win the race first.
			timeout := slowdown * time.Second
			if tt.want != KindTimeout {
				timeout = slowdown * 3 * time.Second
			}
			r := runScript(t, tt.src, timeout, small)
			if got := limitKind(r.err); got != tt.want {
				t.Fatalf("outcome = %s (%v), want %s", got, r.err, tt.want)
			}
			if r.dur > timeout+slowdown*2*time.Second {
				t.Errorf("took %v; limits must fire within the timeout + 2s", r.dur)
			}
		})
	}
}

// TestHostSurvivesMemoryBombs checks that after memory bombs end and their
// sandboxes close, the host heap is back near its size before.
func TestHostSurvivesMemoryBombs(t *testing.T) {
	heapNow := func() int64 {
		runtime.GC()
		h, _ := readHeap(newSamples())
		return h
	}
	before := heapNow()
	for _, src := range []string{
		`local s = "x" while true do s = s .. s end`,
		`local t = {} for i = 1, 1e9 do t[i] = {i} end`,
		`local t = {} for i = 1, 1e9 do t["k" .. i] = function() return i end end`,
	} {
		r := runScript(t, src, 5*time.Second, &Options{MemoryLimit: 32 << 20})
		if limitKind(r.err) != KindMemoryLimit {
			t.Fatalf("%s: %v, want memory_limit", src, r.err)
		}
	}
	if grown := heapNow() - before; grown > 16<<20 {
		t.Errorf("host heap grew by %d bytes after the bombs, want < 16 MiB", grown)
	}
}

func TestAbortFromHost(t *testing.T) {
	s, err := New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.L().SetGlobal("host_call", s.L().NewFunction(func(L *lua.LState) int {
		s.Abort(&LimitError{Kind: KindCallLimit, Message: "more than 0 API calls"})
		return 0
	}))
	err = s.DoString(`local ok = pcall(host_call) while true do pcall(function() end) end`)
	var le *LimitError
	if !errors.As(err, &le) || le.Kind != KindCallLimit {
		t.Fatalf("err = %v, want call_limit", err)
	}
	if !errors.Is(s.Err(), le) && s.Err() != error(le) {
		t.Errorf("Err() = %v, want the same LimitError", s.Err())
	}
	// Abort from another goroutine.
	s2, _ := New(context.Background(), nil)
	defer s2.Close()
	time.AfterFunc(50*time.Millisecond, func() { s2.Abort(nil) })
	if err := s2.DoString(`while true do end`); limitKind(err) != KindCallLimit {
		t.Fatalf("async abort: %v", err)
	}
}

func TestErrorObjectReachesGo(t *testing.T) {
	s, err := New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.DoString(`error({status = 404, code = "not_found", nested = {1, 2}})`)
	var aerr *lua.ApiError
	if !errors.As(err, &aerr) {
		t.Fatalf("err = %T %v, want *lua.ApiError", err, err)
	}
	tbl, ok := aerr.Object.(*lua.LTable)
	if !ok {
		t.Fatalf("Object = %T, want *lua.LTable", aerr.Object)
	}
	if tbl.RawGetString("status") != lua.LNumber(404) || tbl.RawGetString("code") != lua.LString("not_found") {
		t.Errorf("error table fields lost: %v", tbl)
	}
	// pcall hands scripts the same table.
	if err := s.DoString(`local ok, e = pcall(error, {code = "x"}) assert(not ok and e.code == "x")`); err != nil {
		t.Errorf("pcall error table: %v", err)
	}
	// An error object whose __tostring never returns does not hang the host.
	err = s.DoString(`error(setmetatable({}, {__tostring = function() while true do end end}))`)
	if !errors.As(err, &aerr) {
		t.Fatalf("err = %v", err)
	}
	_ = err.Error()
}

func TestGsubLargeInputIsFast(t *testing.T) {
	r := runScript(t, `
local s = string.rep("ab", 1e6)
local out, n = s:gsub("a", "xy")
local out2, n2 = s:gsub("(b)", function(c) return c end)
local out3 = s:gsub("%w", {a = "1"})
return n + n2 + #out3`, slowdown*5*time.Second, nil)
	if r.err != nil || r.ret != "4000000" {
		t.Fatalf("gsub on 2 MB: ret %q err %v", r.ret, r.err)
	}
}

func TestStringLibrary(t *testing.T) {
	tests := []struct{ src, want string }{
		{`return string.find("hello world", "o w")`, "5"},
		{`return select(2, string.find("hello world", "o w"))`, "7"},
		{`return string.find("a+b", "+", 1, true)`, "2"},
		{`return string.find("abc", "b", -1)`, "nil"},
		{`return string.match("key=value", "(%w+)=(%w+)")`, "key"},
		{`return select(2, string.match("key=value", "(%w+)=(%w+)"))`, "value"},
		{`return string.match("  trim  ", "^%s*(.-)%s*$")`, "trim"},
		{`return string.match("hello", "()ll()")`, "3"},
		{`return string.match("THE (quick) fox", "%((%a+)%)")`, "quick"},
		{`return string.match("f(a(b)c)d", "%b()")`, "(a(b)c)"},
		{`return string.match("THE quick", "%f[%a]%l+")`, "quick"},
		{`return string.match("abcabc", "(abc)%1")`, "abc"},
		{`return string.match("2024-01-15", "^(%d%d%d%d)-(%d%d)-(%d%d)$")`, "2024"},
		{`return string.match("x", "[%a_][%w_]*")`, "x"},
		{`return string.match("a]b", "[]]")`, "]"},
		{`return string.match("a-b", "[a%-]+")`, "a-"},
		{`return string.match("hello", "xyz")`, "nil"},
		{`return (string.gsub("hello world", "o", "0"))`, "hell0 w0rld"},
		{`return (string.gsub("hello world", "(%w+)", "<%1>"))`, "<hello> <world>"},
		{`return (string.gsub("hello", "", "-"))`, "-h-e-l-l-o-"},
		{`return (string.gsub("abc", "%w", "%0%0"))`, "aabbcc"},
		{`return (string.gsub("abc", "b", "%%"))`, "a%c"},
		{`return (string.gsub("$name is $age", "%$(%w+)", {name = "Ada", age = 36}))`, "Ada is 36"},
		{`return (string.gsub("a b c", "%w", function(c) if c == "b" then return false end return c:upper() end))`, "A b C"},
		{`return select(2, string.gsub("aaa", "a", "b", 2))`, "2"},
		{`return (string.gsub("^^x", "^%^", ""))`, "^x"},
		{`local t = {} for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do t[#t+1] = k .. v end return table.concat(t, ";")`, "a1;b2"},
		{`local n = 0 for _ in ("abc"):gmatch("") do n = n + 1 end return n`, "4"},
		{`return string.rep("ab", 3)`, "ababab"},
		{`return string.rep("ab", 3, ",")`, "ab,ab,ab"},
		{`return string.rep("x", 0) == "" and string.rep("x", -1) == ""`, "true"},
		{`return string.format("%d %5.2f %-3s| %x %X %o %e %g %g %c %q %s %i %u %%", 42, 3.14159, "a", 255, 255, 8, 12345.678, 0.1, 1e20, 65, "a\nb\"", nil, -3, 7)`,
			"42  3.14 a  | ff FF 10 1.234568e+04 0.1 1e+20 A \"a\\\nb\\\"\" nil -3 7 %"},
		{`return string.format("%5s|%-5s|%.2s", "ab", "ab", "abc")`, "   ab|ab   |ab"},
		{`return string.format("%s %s", 1, 2.5)`, "1 2.5"},
		{`return string.format("%03d|%+d|% d", 7, 7, 7)`, "007|+7| 7"},
		{`return pcall(string.format, "%100d", 1)`, "false"},
		{`return pcall(string.format, "%d")`, "false"},
		{`return pcall(string.format, "%y", 1)`, "false"},
		{`return table.concat({1, "b", 3}, ", ")`, "1, b, 3"},
		{`return table.concat({1, 2, 3}, "", 2, 3)`, "23"},
		{`return table.concat({})`, ""},
		{`return pcall(table.concat, {1, {}, 3})`, "false"},
		{`local t = {3, 1, 2} table.sort(t) return table.concat(t)`, "123"},
		{`local t = {"b", "c", "a"} table.sort(t, function(a, b) return a > b end) return table.concat(t)`, "cba"},
		{`return pcall(table.sort, {1, "x", 2})`, "false"},
		{`return ("%d items"):format(3)`, "3 items"},
		{`return pcall(string.find, "x", "[a")`, "false"},
		{`return pcall(string.find, "x", "%")`, "false"},
		{`return pcall(string.find, "x", "(x")`, "false"},
		{`return pcall(string.match, "x", "%1")`, "false"},
		{`return pcall(string.find, "x", string.rep("(", 40) .. "x" .. string.rep(")", 40))`, "false"},
		{`return pcall(string.find, string.rep("x", 300), string.rep("x?", 300))`, "false"},
		{`math.randomseed(7) local a = math.random(1, 100) math.randomseed(7) return a == math.random(1, 100)`, "true"},
		{`local x = math.random() return x >= 0 and x < 1`, "true"},
		{`return math.random(5) <= 5`, "true"},
		{`return pcall(math.random, -2^62, 2^62)`, "false"},
		{`return pcall(math.random, 0)`, "false"},
		{`local n = 0 for k, v in pairs(string) do n = n + 1 end return n`, "13"},
		{`return next(json) ~= nil`, "true"},
		{`local t = {} for k in pairs({a = 1, b = 2}) do t[#t+1] = k end table.sort(t) return table.concat(t)`, "ab"},
		{`return os.time() > 0 and type(os.clock()) == "number" and type(os.date("%Y")) == "string"`, "true"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			r := runScript(t, tt.src, 5*time.Second, nil)
			if r.err != nil {
				t.Fatalf("error: %v", r.err)
			}
			if r.ret != tt.want {
				t.Errorf("got %q, want %q", r.ret, tt.want)
			}
		})
	}
}

func TestSeededRandomIsDeterministic(t *testing.T) {
	src := `return math.random(1, 1000000) .. "," .. math.random()`
	a := runScript(t, src, time.Second, &Options{Seed: 42})
	b := runScript(t, src, time.Second, &Options{Seed: 42})
	c := runScript(t, src, time.Second, &Options{Seed: 43})
	if a.ret != b.ret || a.ret == c.ret {
		t.Errorf("seed 42: %q and %q; seed 43: %q", a.ret, b.ret, c.ret)
	}
}

func TestRequirePreloadedModule(t *testing.T) {
	s, err := New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.L().PreloadModule("workos", func(L *lua.LState) int {
		m := L.NewTable()
		m.RawSetString("ping", lua.LString("pong"))
		L.Push(m)
		return 1
	})
	if err := s.DoString(`local w = require("workos") assert(w.ping == "pong") assert(require("json") == json) return 1`); err != nil {
		t.Fatal(err)
	}
}

func TestNewOptions(t *testing.T) {
	//lint:ignore SA1012 New must reject a nil context; this checks that it does
	if _, err := New(nil, nil); err == nil {
		t.Error("New(nil ctx) succeeded")
	}
	if _, err := New(context.Background(), &Options{MemoryLimit: -1}); err == nil {
		t.Error("negative limit accepted")
	}
	s, err := New(context.Background(), &Options{CallStackSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.DoString(`local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(40)`); err != nil {
		t.Errorf("depth 40 under CallStackSize 50: %v", err)
	}
	if err := s.DoString(`local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(60)`); limitKind(err) != KindStackOverflow {
		t.Errorf("depth 60 over CallStackSize 50: %v", err)
	}
}

func TestCloseIsIdempotentAndErrNilAfterSuccess(t *testing.T) {
	s, err := New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DoString(`return 1`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
	if s.Err() != nil {
		t.Errorf("Err after clean Close = %v, want nil", s.Err())
	}
}

func TestParallelRunsShareGovernor(t *testing.T) {
	gov := NewGovernor(nil)
	var bombDone atomic.Bool
	var wg sync.WaitGroup
	results := make([]string, 4)
	for i := range results {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := New(ctx, &Options{MemoryLimit: 24 << 20, Governor: gov})
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			s.L().SetGlobal("bomb_done", s.L().NewFunction(func(L *lua.LState) int {
				L.Push(lua.LBool(bombDone.Load()))
				return 1
			}))
			// Innocent runs hold a few MiB and compute until the bomb has
			// ended; the bomb grows tables through the VM only (nothing for
			// the builtin tally), so only the measurement can single it out.
			src := `local t = {} for i = 1, 20000 do t[i] = {i} end
while not bomb_done() do local x = 0 for i = 1, 1000 do x = x + i end end
return #t`
			if i == 0 {
				src = `local t = {} for i = 1, 1e9 do t[i] = {i, i} end`
			}
			err = s.DoString(src)
			if i == 0 {
				bombDone.Store(true)
			}
			results[i] = limitKind(err)
			if err != nil {
				t.Logf("run %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	// The bomb always ends with memory_limit. An innocent run usually
	// completes, but when the machine is so loaded that runs cannot answer
	// the governor's measurement request in time, the governor's fallbacks
	// may end one too; both are right for a shared governor (the runtime
	// runs untrusted scripts in worker processes, one run per governor).
	if results[0] != KindMemoryLimit {
		t.Errorf("the bomb ended with %q, want memory_limit", results[0])
	}
	for i, r := range results[1:] {
		if r != "completed" && r != KindMemoryLimit {
			t.Errorf("innocent run %d ended with %q", i+1, r)
		}
	}
	t.Logf("outcomes %v", results)
}

func TestMemoryUsed(t *testing.T) {
	s, err := New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.DoString(`big = {} for i = 1, 200000 do big[i] = {i} end`); err != nil {
		t.Fatal(err)
	}
	if used := s.MemoryUsed(); used < 4<<20 {
		t.Errorf("MemoryUsed = %d after allocating 200k tables, want >= 4 MiB", used)
	}
}

// benchNewClose creates a sandbox with opts, runs a trivial chunk and
// closes it, once per iteration.
func benchNewClose(b *testing.B, opts *Options) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := New(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.DoString("return 1"); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

func BenchmarkNewClose(b *testing.B) {
	benchNewClose(b, &Options{Governor: NewGovernor(nil)})
}

func BenchmarkNewClosePrivateGovernor(b *testing.B) {
	benchNewClose(b, nil)
}

// BenchmarkFib measures VM speed inside the sandbox (hook context
// included); compare with BenchmarkFibPlainContext.
func BenchmarkFib(b *testing.B) {
	s, err := New(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.DoString(fibSrc); err != nil {
		b.Fatal(err)
	}
	fib := s.L().GetGlobal("fib")
	for b.Loop() {
		if err := s.L().CallByParam(lua.P{Fn: fib, NRet: 1, Protect: true}, lua.LNumber(22)); err != nil {
			b.Fatal(err)
		}
		s.L().Pop(1)
	}
}

func BenchmarkFibPlainContext(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	L.SetContext(ctx)
	if err := L.DoString(fibSrc); err != nil {
		b.Fatal(err)
	}
	fib := L.GetGlobal("fib")
	for b.Loop() {
		if err := L.CallByParam(lua.P{Fn: fib, NRet: 1, Protect: true}, lua.LNumber(22)); err != nil {
			b.Fatal(err)
		}
		L.Pop(1)
	}
}

const fibSrc = `function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end`

func ExampleNew() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s, err := New(ctx, nil)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	err = s.DoString(`print("hello", json.encode({n = 1})) while true do end`)
	fmt.Println(s.Logs(), err)
	// Output: [hello	{"n":1}] sandbox: timeout: the script ran past its time limit; do less work per run (fewer pages, smaller loops)
}
