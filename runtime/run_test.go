package runtime_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

var update = flag.Bool("update", false, "rewrite golden files")

const testKey = emulator.DefaultAPIKey

var (
	uuidRE      = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	requestIDRE = regexp.MustCompile(`req_[0-9A-Za-z]+`)
)

// newRuntime returns a runtime wired to a fresh in-process emulator.
func newRuntime(t testing.TB, opts *runtime.Options) (*runtime.Runtime, *emulator.Emulator) {
	t.Helper()
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	o := runtime.Options{}
	if opts != nil {
		o = *opts
	}
	if o.APIKey == "" {
		o.APIKey = testKey
	}
	o.BaseURL = "http://emulator.local"
	o.HTTPClient = &http.Client{Transport: em.Transport()}
	rt, err := runtime.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt, em
}

func run(t testing.TB, rt *runtime.Runtime, src string, args any) *runtime.Result {
	t.Helper()
	res, err := rt.Run(context.Background(), runtime.Script{Source: src, Args: args})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// normalized strips the fields that change from run to run, so envelopes can be
// compared with golden files.
func normalized(t testing.TB, res *runtime.Result) string {
	t.Helper()
	c := *res
	c.Stats.DurationMS = 0
	c.Stats.MemoryBytes = nil
	c.Calls = append([]runtime.CallInfo{}, res.Calls...)
	for i := range c.Calls {
		c.Calls[i].DurationMS = 0
		if c.Calls[i].RequestID != "" {
			c.Calls[i].RequestID = "<request-id>"
		}
		if c.Calls[i].IdempotencyKey != "" {
			c.Calls[i].IdempotencyKey = "<idempotency-key>"
		}
	}
	if c.Error != nil {
		e := *c.Error
		if e.RequestID != "" {
			e.RequestID = "<request-id>"
		}
		c.Error = &e
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out := uuidRE.ReplaceAllString(string(data), "<uuid>")
	out = requestIDRE.ReplaceAllString(out, "<request-id>")
	return out + "\n"
}

// TestEnvelopeGolden pins the result envelope for each outcome.
func TestEnvelopeGolden(t *testing.T) {
	tests := []struct {
		name string
		opts *runtime.Options
		src  string
	}{
		{"completed", nil, `print("hello", 1, {a = 1})
local orgs = workos.organizations_list{limit = 2}
return {count = #orgs.data, first = orgs.data[1].object}`},
		{"multiple_returns", nil, `return 1, "two", {3}, nil, false`},
		{"no_return", nil, `local x = 1`},
		{"empty_table_is_array", nil, `return {}, json.object({})`},
		{"api_error", nil, "local x = 1\nreturn workos.organizations_find{id = \"org_missing\"}"},
		{"api_error_caught", nil, `local ok, err = pcall(workos.organizations_find, {id = "org_missing"})
return {ok = ok, status = err.status, code = err.code, kind = err.kind, line = err.line}`},
		{"validation_error", nil, "\nreturn workos.organizations_list{limt = 2}"},
		{"unknown_function", nil, "local a = 1\nreturn workos.organisations_list{}"},
		{"syntax_error", nil, "return {"},
		{"runtime_error", nil, "local t = nil\nreturn t.x"},
		{"error_table", nil, `error({message = "custom failure", code = "E42"})`},
		{"denied", &runtime.Options{WritePolicy: runtime.WriteDeny}, `local orgs = workos.organizations_list{limit = 1}
return workos.organizations_create{name = "Denied Inc"}`},
		{"call_limit", &runtime.Options{MaxCalls: 2}, `for i = 1, 5 do workos.organizations_list{limit = 1} end`},
		{"call_limit_in_pcall", &runtime.Options{MaxCalls: 1}, `for i = 1, 5 do pcall(workos.organizations_list, {limit = 1}) end return "swallowed"`},
		{"effects_then_error", nil, `workos.organizations_create{name = "Effects Inc"}
error("boom after a write")`},
		{"dry_run", &runtime.Options{DryRun: true}, `return workos.organizations_create{name = "Dry Inc", domain_data = {{domain = "dry.example", state = "verified"}}}`},
		{"output_limit", &runtime.Options{MaxOutputBytes: 2000}, `local t = {} for i = 1, 500 do t[i] = {id = i, name = "item " .. i} end return t`},
	}
	for _, tt := range tests {
		// Both isolation modes give the same envelope; the golden file is one.
		for _, iso := range []runtime.Isolation{runtime.IsolationProcess, runtime.IsolationInProcess} {
			t.Run(tt.name+"/"+string(iso), func(t *testing.T) {
				testEnvelopeGolden(t, tt.name, tt.opts, tt.src, iso)
			})
		}
	}
}

func testEnvelopeGolden(t *testing.T, name string, opts *runtime.Options, src string, iso runtime.Isolation) {
	o := runtime.Options{}
	if opts != nil {
		o = *opts
	}
	o.Isolation = iso
	rt, _ := newRuntime(t, &o)
	res := run(t, rt, src, nil)
	got := normalized(t, res)
	golden := filepath.Join("testdata", "envelopes", name+".golden.json")
	if *update && iso == runtime.IsolationProcess {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./runtime -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("envelope mismatch (-want +got):\n%s", diff)
	}
	if res.OK != (res.Outcome == runtime.OutcomeCompleted) {
		t.Errorf("ok = %v but outcome = %s", res.OK, res.Outcome)
	}
	if !res.OK && string(res.Result) != "null" {
		t.Errorf("result = %s for a failed run, want null", res.Result)
	}
	if strings.Contains(got, testKey) {
		t.Error("the API key appears in the envelope")
	}
}

// TestHostileCorpus runs the sandbox's hostile scripts (plain and gzip-compressed)
// end to end through Run and checks each outcome, that it ends within its limit
// plus one second, and that the runtime still works afterwards.
func TestHostileCorpus(t *testing.T) {
	if raceDetector {
		// The ordinary `go test ./...` run covers the corpus; under the race
		// detector a memory bomb may hit its timeout first, and CI's race run
		// is about concurrency.
		t.Skip("the hostile corpus runs without -race")
	}
	dir := filepath.Join("..", "lua", "sandbox", "testdata", "hostile")
	files, _ := filepath.Glob(filepath.Join(dir, "*.lua"))
	gz, _ := filepath.Glob(filepath.Join(dir, "*.lua.gz"))
	files = append(files, gz...)
	if len(files) < 40 {
		t.Fatalf("hostile corpus: %d files", len(files))
	}
	// Two seconds: on a loaded machine a memory bomb needs about half a
	// second to reach its limit, and must not lose that race to the clock.
	const timeout = 2 * time.Second
	rt, _ := newRuntime(t, &runtime.Options{Timeout: timeout, MemoryLimit: 32 << 20, MaxLogBytes: 64 << 10})
	for _, path := range files {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".gz"), ".lua")
		t.Run(name, func(t *testing.T) {
			src, want := corpusScript(t, path)
			start := time.Now()
			res := run(t, rt, src, nil)
			if took := time.Since(start); took > timeout+time.Second {
				t.Errorf("ran %v, want at most the limit + 1s", took)
			}
			if got := corpusOutcome(res); got != want {
				t.Errorf("outcome %s (%+v), want %s", got, res.Error, want)
			}
			after := run(t, rt, `return ("abc"):upper() .. #workos.functions()`, nil)
			if !after.OK {
				t.Errorf("runtime broken after %s: %+v", name, after.Error)
			}
		})
	}
}

// corpusOutcome names a run's outcome the way the corpus's "-- expect:" lines
// do: a limit's kind, the sandbox's source-check kinds, completed or error.
func corpusOutcome(res *runtime.Result) string {
	if res.Error == nil {
		return string(res.Outcome)
	}
	switch res.Error.Kind {
	case runtime.KindMemoryLimit, runtime.KindOutputLimit, runtime.KindStackOverflow, runtime.KindTimeout:
		return res.Error.Kind
	case runtime.KindScriptTooLarge:
		return sandbox.KindSourceTooLarge
	case runtime.KindScriptTooComplex:
		return sandbox.KindSourceTooComplex
	}
	return "error"
}

// corpusScript reads a corpus file (gunzipping *.gz) and its expected outcome.
func corpusScript(t *testing.T, path string) (src, want string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	first, _, _ := strings.Cut(string(data), "\n")
	want, _ = strings.CutPrefix(strings.TrimSpace(first), "-- expect:")
	return string(data), strings.TrimSpace(want)
}

func TestArgsAndKosmoKratorPaths(t *testing.T) {
	rt, _ := newRuntime(t, nil)
	res := run(t, rt, `
local direct = workos.organizations_list{limit = args.limit}
local seed = app.integrations.workos.workos_organizations_list({limit = args.limit})
local w = require("workos")
return {same = #direct.data == #seed.data, n = #direct.data, name = args.name, req = w == workos}`,
		map[string]any{"limit": 2, "name": "x"})
	if !res.OK {
		t.Fatalf("run failed: %+v", res.Error)
	}
	if diff := cmp.Diff(`{"n":2,"name":"x","req":true,"same":true}`, string(res.Result)); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestErrorLinePointsAtTheScript(t *testing.T) {
	rt, _ := newRuntime(t, nil)
	res := run(t, rt, "local a = 1\n\nlocal function get(id)\n  return workos.organizations_find{id = id}\nend\nreturn get('org_nope')", nil)
	if res.Error == nil || res.Error.Line != 4 || res.Error.Status != 404 || res.Error.Function != "organizations_find" {
		t.Fatalf("error = %+v, want a 404 from organizations_find at line 4", res.Error)
	}
}

func TestLimitsCanOnlyBeTightened(t *testing.T) {
	rt, _ := newRuntime(t, &runtime.Options{MaxCalls: 2, Timeout: 5 * time.Second})
	src := `for i = 1, 3 do workos.organizations_list{limit = 1} end return "done"`
	res, _ := rt.Run(context.Background(), runtime.Script{Source: src, Limits: &runtime.Limits{MaxCalls: 1000}})
	if res.Error == nil || res.Error.Kind != runtime.KindCallLimit {
		t.Fatalf("a per-run MaxCalls above the runtime's cap was honoured: %+v", res)
	}
	start := time.Now()
	res, _ = rt.Run(context.Background(), runtime.Script{Source: `while true do end`, Limits: &runtime.Limits{Timeout: 200 * time.Millisecond}})
	if res.Outcome != runtime.OutcomeTimeout || time.Since(start) > 3*time.Second {
		t.Fatalf("tightened timeout: outcome %s after %v", res.Outcome, time.Since(start))
	}
}

func TestCancelStopsTheRun(t *testing.T) {
	rt, _ := newRuntime(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	res, err := rt.Run(ctx, runtime.Script{Source: `while true do end`})
	if err != nil {
		t.Fatal(err)
	}
	if res.Error == nil || res.Error.Kind != runtime.KindCanceled || time.Since(start) > 3*time.Second {
		t.Fatalf("canceled run: %+v after %v", res.Error, time.Since(start))
	}
}

func TestAllowAndDenyLists(t *testing.T) {
	rt, _ := newRuntime(t, &runtime.Options{Allow: []string{"organizations_*"}, Deny: []string{"organizations_delete_*"}})
	res := run(t, rt, `return workos.organizations_list{limit = 1}.object`, nil)
	if !res.OK {
		t.Fatalf("allowed call failed: %+v", res.Error)
	}
	for _, src := range []string{
		`return workos.userland_users_list_0{}`,
		`return workos.organizations_delete_organization{id = "org_x"}`,
	} {
		res := run(t, rt, src, nil)
		if res.Outcome != runtime.OutcomeDenied || len(res.Calls) != 1 || res.Calls[0].Status != nil {
			t.Errorf("%s: outcome %s calls %+v, want denied with a refused call", src, res.Outcome, res.Calls)
		}
	}
	for _, op := range rt.Functions() {
		if !strings.HasPrefix(op.Name, "organizations_") || strings.HasPrefix(op.Name, "organizations_delete_") {
			t.Errorf("Functions() lists %s, which the policy refuses", op.Name)
		}
	}
}

func TestCall(t *testing.T) {
	rt, _ := newRuntime(t, &runtime.Options{Account: "work"})
	res, err := rt.Call(context.Background(), "workos_organizations_list", map[string]any{"limit": 1})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Success || res.Function != "organizations_list" || res.Meta.Operation != "read" || res.Meta.Account != "work" || res.Meta.Status == nil || *res.Meta.Status != 200 {
		t.Fatalf("call envelope = %+v", res)
	}
	var data struct{ Object string }
	json.Unmarshal(res.Data, &data)
	if data.Object != "list" {
		t.Errorf("data = %s", res.Data)
	}
	res, _ = rt.Call(context.Background(), "organizations_find", map[string]any{"id": "org_missing"})
	if res.Success || res.Error.Kind != runtime.KindAPI || res.Error.Status != 404 || string(res.Data) != "null" {
		t.Errorf("failed call envelope = %+v", res)
	}
	res, _ = rt.Call(context.Background(), "organizations_list", map[string]any{"bogus": 1})
	if res.Success || res.Error.Kind != runtime.KindValidation {
		t.Errorf("invalid call envelope = %+v", res.Error)
	}
	res, _ = rt.Call(context.Background(), "nope_list", nil)
	if res.Success || res.Error.Kind != runtime.KindUnknownFunction {
		t.Errorf("unknown call envelope = %+v", res.Error)
	}
	deny, _ := newRuntime(t, &runtime.Options{WritePolicy: runtime.WriteDeny})
	res, _ = deny.Call(context.Background(), "organizations_create", map[string]any{"name": "x"})
	if res.Success || res.Error.Kind != runtime.KindDenied {
		t.Errorf("denied call envelope = %+v", res.Error)
	}
}

// TestConcurrentRuns runs many scripts at once on one Runtime; each must see only
// its own args, calls and logs.
func TestConcurrentRuns(t *testing.T) {
	rt, _ := newRuntime(t, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := rt.Run(context.Background(), runtime.Script{
				Source: `print("run", args.i) local o = workos.organizations_list{limit = 1} return args.i * 2`,
				Args:   map[string]any{"i": i},
			})
			if err != nil {
				errs <- err
				return
			}
			if !res.OK || string(res.Result) != fmt.Sprint(i*2) || len(res.Calls) != 1 || len(res.Logs) != 1 || res.Logs[0] != fmt.Sprintf("run\t%d", i) {
				errs <- fmt.Errorf("run %d: %+v", i, res)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDenyListNamesAndGlobs(t *testing.T) {
	// A title alias or seed name in Deny refuses the function under every name.
	rt, _ := newRuntime(t, &runtime.Options{Deny: []string{"validate_api_key", "workos_organizations_create"}})
	for _, src := range []string{
		`return workos.validate_api_key{value = "sk_x"}`,
		`return workos.api_keys_validate_api_key{value = "sk_x"}`,
		`return workos.organizations_create{name = "x"}`,
	} {
		if res := run(t, rt, src, nil); res.Outcome != runtime.OutcomeDenied {
			t.Errorf("%s: outcome %s, want denied", src, res.Outcome)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []runtime.Options{{WritePolicy: "maybe"}, {Timeout: -1}, {MaxCalls: -5},
		{Deny: []string{"organizations_["}}, {Allow: []string{"["}}, {Deny: []string{"organisations_create"}}} {
		if _, err := runtime.New(&o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
	rt, err := runtime.New(&runtime.Options{APIKey: "sk_test_secret"})
	if err != nil {
		t.Fatal(err)
	}
	if o := rt.Options(); o.APIKey == "sk_test_secret" || o.Timeout != runtime.DefaultTimeout {
		t.Errorf("Options() = %+v", o)
	}
}

func TestOptionsNeverPrintTheKey(t *testing.T) {
	o := runtime.Options{APIKey: "sk_test_do_not_print", Timeout: time.Second}
	for _, s := range []string{fmt.Sprint(o), fmt.Sprintf("%v", &o), fmt.Sprintf("%+v", o), fmt.Sprintf("%#v", o)} {
		if strings.Contains(s, "sk_test_do_not_print") || !strings.Contains(s, "REDACTED") {
			t.Errorf("formatted options: %s", s)
		}
	}
}

// TestEveryExampleCallValidates runs the example call that describe, the MCP
// docs and the LuaLS file show for each of the 212 functions, and checks that it
// passes argument validation (writes are dry-run; reads may 404 on example ids).
func TestEveryExampleCallValidates(t *testing.T) {
	rt, _ := newRuntime(t, &runtime.Options{DryRun: true})
	for _, op := range rt.Catalog().Operations() {
		src := fmt.Sprintf(`local ok, err = pcall(function() return %s end)
if not ok and (type(err) ~= "table" or err.kind == "validation_error") then return tostring(err) end
return "ok"`, op.ExampleCall())
		res := run(t, rt, src, nil)
		if !res.OK || string(res.Result) != `"ok"` {
			t.Errorf("%s: example %s\n  gives %s %+v", op.Name, op.ExampleCall(), res.Result, res.Error)
		}
	}
}
