package runtime_test

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// hostileRow is an attack that once broke the in-process sandbox: a crash of
// the host, minutes of work before any limit, gigabytes of memory, a forged
// outcome. Through a runtime each must end in a classified envelope within
// its timeout plus two seconds.
type hostileRow struct {
	name string
	src  func() string
	// kinds are the error kinds that are right for it ("" for completed).
	kinds []string
	// check, if set, inspects the envelope further.
	check func(t *testing.T, res *runtime.Result)
}

func hostileRows() []hostileRow {
	rep := strings.Repeat
	sparse := `local b = {} b[1e6] = true b[1e6] = nil local r = {} for i = 1, 2000 do r[i] = b end `
	limits := []string{runtime.KindTimeout, runtime.KindMemoryLimit, runtime.KindStackOverflow}
	syntaxOrLimit := append([]string{runtime.KindScriptTooComplex, runtime.KindSyntax}, limits...)
	return []hostileRow{
		{name: "600 KB of unary #", src: func() string { return "return " + rep("#", 600_000) + "x" }, kinds: syntaxOrLimit},
		{name: "500k nested braces", src: func() string { return "return " + rep("{", 500_000) + rep("}", 500_000) }, kinds: syntaxOrLimit},
		{name: "x.a.a.a 500k times", src: func() string { return "return x" + rep(".a", 500_000) }, kinds: syntaxOrLimit},
		{name: "100k concat operands", src: func() string { return "return " + rep("'a'..", 100_000) + "'a'" }, kinds: syntaxOrLimit},
		{name: "10 MB of assignments", src: func() string { return rep("x = 1\n", 10<<20/6) }, kinds: []string{runtime.KindScriptTooLarge}},
		{name: "1 MB function name", src: func() string { return `return workos.call(string.rep("x", 1e6), {})` },
			kinds: []string{runtime.KindUnknownFunction}},
		{name: "batch of 1 MB names", src: func() string {
			return `local b = {} for i = 1, 50 do b[i] = {string.rep("x", 1e6), {}} end local r = workos.batch(b) return r[50].error.kind`
		}, kinds: []string{""}},
		{name: "near-miss account paths", src: func() string {
			return rep("local _ = workos.orgs.organizations_list\n", (1<<20)/42-1) + "return 1"
		}, kinds: []string{runtime.KindUnknownFunction}},
		{name: "sparse array returned 2000 times", src: func() string { return sparse + "return r" }, kinds: append([]string{"", runtime.KindRuntime}, limits...)},
		{name: "sparse array printed", src: func() string { return sparse + "print(r) return 1" }, kinds: append([]string{"", runtime.KindRuntime, runtime.KindOutputLimit}, limits...)},
		{name: "sparse array encoded", src: func() string { return sparse + "return #json.encode(r)" }, kinds: append([]string{"", runtime.KindRuntime}, limits...)},
		{name: "sparse array as call arguments", src: func() string { return sparse + "return workos.organizations_list{limit = 1, domains = r}" },
			kinds: append([]string{runtime.KindValidation, runtime.KindRuntime}, limits...)},
		{name: "sparse array as error", src: func() string { return sparse + "error(r)" }, kinds: append([]string{runtime.KindRuntime}, limits...)},
		{name: "batch of a sparse table", src: func() string { return `local c = {} c[1e6] = 1 return workos.batch(c)` }, kinds: []string{runtime.KindValidation}},
		{name: "100k refused calls", src: func() string {
			return `for i = 1, 100000 do pcall(workos.organizations_find, {}) end return 1`
		}, kinds: []string{"", runtime.KindTimeout}, check: func(t *testing.T, res *runtime.Result) {
			data, _ := json.Marshal(res)
			if len(data) > 512<<10 || len(res.Calls) > runtime.MaxLedgerCalls {
				t.Errorf("envelope is %d bytes with %d calls listed", len(data), len(res.Calls))
			}
			if res.Stats.Calls > runtime.MaxLedgerCalls && res.Stats.CallsTruncated != res.Stats.Calls-len(res.Calls) {
				t.Errorf("calls_truncated = %d, want %d", res.Stats.CallsTruncated, res.Stats.Calls-len(res.Calls))
			}
		}},
		// Building 30 MB can outlast the timeout on a loaded machine; what
		// matters is the capped message.
		{name: "30 MB error message", src: func() string { return `error(string.rep("x", 30e6))` },
			kinds: []string{runtime.KindRuntime, runtime.KindMemoryLimit, runtime.KindTimeout}, check: func(t *testing.T, res *runtime.Result) {
				if len(res.Error.Message) > 8<<10 {
					t.Errorf("error message is %d bytes", len(res.Error.Message))
				}
			}},
		{name: "error kind rewritten to denied", src: func() string {
			return `local ok, e = pcall(workos.organizations_find, {id = "org_missing"}) e.kind = "denied" error(e)`
		}, kinds: []string{runtime.KindAPI}},
		{name: "error table claiming a timeout", src: func() string { return `error({kind = "timeout", message = "fake"})` }, kinds: []string{runtime.KindRuntime}},
		{name: "yield inside tostring", src: func() string {
			return `local co = coroutine.wrap(function() return tostring(setmetatable({}, {__tostring = function() coroutine.yield(1) return "x" end})) end) return co()`
		}, kinds: []string{"", runtime.KindRuntime}, check: noGoPanicText},
		{name: "yield inside sort", src: func() string {
			return `local co = coroutine.wrap(function() local t = {3, 1, 2} table.sort(t, function(a, b) coroutine.yield() return a < b end) return t end) return co()`
		}, kinds: []string{"", runtime.KindRuntime}, check: noGoPanicText},
		{name: "yield inside gsub", src: func() string {
			return `local co = coroutine.wrap(function() return (string.gsub("abc", "%w", function(c) coroutine.yield(c) return c end)) end) return co()`
		}, kinds: []string{"", runtime.KindRuntime}, check: noGoPanicText},
		{name: "yield inside __index", src: func() string {
			return `local co = coroutine.wrap(function() local t = setmetatable({}, {__index = function() coroutine.yield(1) return 2 end}) return t.x end) return co()`
		}, kinds: []string{"", runtime.KindRuntime}, check: noGoPanicText},
	}
}

func noGoPanicText(t *testing.T, res *runtime.Result) {
	if res.Error == nil {
		return
	}
	for _, s := range []string{"register underflow", "nil pointer", "invalid memory address", "goroutine "} {
		if strings.Contains(res.Error.Message, s) {
			t.Errorf("Go panic text reached the script: %q", res.Error.Message)
		}
	}
}

// hostileBound is how long a hostile run may take: its timeout plus two
// seconds (more under the race detector, which slows every worker).
func hostileBound(timeout time.Duration) time.Duration {
	if raceDetector {
		return 3*timeout + 6*time.Second
	}
	return timeout + 2*time.Second
}

// TestHostileRows runs every row through runtime.Run with a 2 s timeout and a
// 64 MiB memory limit.
func TestHostileRows(t *testing.T) {
	if raceDetector {
		// Race-instrumented workers map their shadow memory up front, so the
		// data limit cannot bound them; the ordinary run covers these rows.
		t.Skip("the hostile rows run without -race")
	}
	const timeout = 2 * time.Second
	rt, _ := newRuntime(t, &runtime.Options{Timeout: timeout, MemoryLimit: 64 << 20})
	hwm := peakRSS(t)
	for _, row := range hostileRows() {
		t.Run(row.name, func(t *testing.T) {
			src := row.src()
			start := time.Now()
			res := run(t, rt, src, nil)
			if took := time.Since(start); took > hostileBound(timeout) {
				t.Errorf("took %v, want at most %v", took, hostileBound(timeout))
			}
			checkRow(t, row, res)
			if m := res.Stats.MemoryBytes; m != nil && *m > 512<<20 {
				t.Errorf("the worker's memory grew by %d bytes", *m)
			}
		})
	}
	if grew := peakRSS(t) - hwm; hwm > 0 && grew > 512<<20 {
		t.Errorf("the host's peak resident memory grew by %d MiB", grew>>20)
	}
	if res := run(t, rt, `return 1 + 1`, nil); !res.OK {
		t.Errorf("runtime broken after the rows: %+v", res.Error)
	}
}

func checkRow(t *testing.T, row hostileRow, res *runtime.Result) {
	t.Helper()
	got := ""
	if res.Error != nil {
		got = res.Error.Kind
	}
	ok := false
	for _, k := range row.kinds {
		ok = ok || k == got
	}
	if !ok {
		t.Errorf("kind %q (%+v), want one of %q", got, res.Error, row.kinds)
	}
	if (res.Outcome == runtime.OutcomeCompleted) != (got == "") {
		t.Errorf("outcome %s with error %+v", res.Outcome, res.Error)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Errorf("envelope does not encode: %v", err)
	}
	if row.check != nil {
		row.check(t, res)
	}
}

// peakRSS is this process's peak resident memory in bytes (0 where unknown).
func peakRSS(t *testing.T) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n << 10
		}
	}
	return 0
}

// TestConcurrentBombs runs 16 string-doubling bombs at once: each ends with
// memory_limit or timeout within its timeout plus two seconds, and a benign
// run works afterwards.
func TestConcurrentBombs(t *testing.T) {
	if raceDetector {
		t.Skip("memory bombs run without -race (see TestHostileRows)")
	}
	const timeout = 2 * time.Second
	rt, _ := newRuntime(t, &runtime.Options{Timeout: timeout, MemoryLimit: 64 << 20})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := `local s = "x" while true do s = s .. s end`
			if i%2 == 1 {
				src = `while true do end`
			}
			start := time.Now()
			res, err := rt.Run(context.Background(), runtime.Script{Source: src})
			if err != nil {
				t.Error(err)
				return
			}
			if took := time.Since(start); took > hostileBound(timeout) {
				t.Errorf("bomb %d took %v", i, took)
			}
			if res.Error == nil || (res.Error.Kind != runtime.KindMemoryLimit && res.Error.Kind != runtime.KindTimeout) {
				t.Errorf("bomb %d: %+v", i, res.Error)
			}
		}()
	}
	wg.Wait()
	if res := run(t, rt, `return "fine"`, nil); !res.OK {
		t.Errorf("benign run after the bombs: %+v", res.Error)
	}
}

// TestSessionGlobalsMetatableDoesNotReachTheHost: an input that puts a
// __newindex on _G cannot make the next input's args run Lua in the host.
func TestSessionGlobalsMetatableDoesNotReachTheHost(t *testing.T) {
	for _, iso := range []runtime.Isolation{runtime.IsolationProcess, runtime.IsolationInProcess} {
		t.Run(string(iso), func(t *testing.T) {
			rt, _ := newRuntime(t, &runtime.Options{Isolation: iso})
			s, err := rt.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			s.Run(ctx, runtime.Script{Source: `setmetatable(_G, {__newindex = function() error("boom") end})`})
			res, err := s.Run(ctx, runtime.Script{Source: `return args.n`, Args: map[string]any{"n": 3}})
			if err != nil || !res.OK || string(res.Result) != "3" {
				t.Fatalf("next input: %v %+v", err, res)
			}
		})
	}
}

// TestHugeCallArguments: a call whose arguments are megabytes of JSON is
// refused in the worker before the host has to hold it.
func TestHugeCallArguments(t *testing.T) {
	rt, _ := newRuntime(t, nil)
	res := run(t, rt, `return workos.organizations_list{limit = 1, domains = {string.rep("x", 5e6)}}`, nil)
	if res.Error == nil || res.Error.Kind != runtime.KindValidation || !strings.Contains(res.Error.Message, "at most") {
		t.Fatalf("want a validation error about the size, got %+v", res.Error)
	}
}

// TestErrorStringMethodsInTheSandbox: string methods on a workos error work
// inside the real sandbox (its string library is a read-only proxy), as they
// do on KosmoKrator's string errors.
func TestErrorStringMethodsInTheSandbox(t *testing.T) {
	for _, iso := range []runtime.Isolation{runtime.IsolationProcess, runtime.IsolationInProcess} {
		t.Run(string(iso), func(t *testing.T) {
			rt, _ := newRuntime(t, &runtime.Options{Isolation: iso})
			res := run(t, rt, `local ok, err = pcall(workos.organizations_find, {id = "org_missing"})
return {err:match("404"), err:find("404") ~= nil, err:lower():sub(1, 6), (err:gsub("404", "four-oh-four")):find("four") ~= nil, err:len() > 0}`, nil)
			if !res.OK || string(res.Result) != `["404",true,"workos",true,true]` {
				t.Fatalf("got %s %+v", res.Result, res.Error)
			}
		})
	}
}
