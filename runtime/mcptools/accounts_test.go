package mcptools

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// twoAccounts returns a runtime whose default account and account "prod"
// are separate emulators; prod is read-only.
func twoAccounts(t *testing.T) *runtime.Runtime {
	t.Helper()
	newEm := func() *http.Client {
		em, err := emulator.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { em.Close() })
		return &http.Client{Transport: em.Transport()}
	}
	rt, err := runtime.New(&runtime.Options{
		APIKey: emulator.DefaultAPIKey, BaseURL: "http://default.invalid", HTTPClient: newEm(), WritePolicy: runtime.WriteAllow,
		Accounts: map[string]runtime.Account{"prod": {APIKey: emulator.DefaultAPIKey, BaseURL: "http://prod.invalid", HTTPClient: newEm(), WritePolicy: runtime.WriteDeny}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

// TestFunctionToolAccountArgument checks KosmoKrator's _account argument:
// not in any schema, removed before the call, and it selects the account
// (its state and its write policy).
func TestFunctionToolAccountArgument(t *testing.T) {
	rt := twoAccounts(t)
	cs := connect(t, rt, &Options{Tools: ModeFunctions}, nil)
	for _, tool := range listTools(t, cs) {
		var schema struct {
			Properties map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(mustJSON(t, tool.InputSchema), &schema); err != nil {
			t.Fatal(err)
		}
		if _, ok := schema.Properties[AccountArgument]; ok {
			t.Fatalf("%s: %s is in the schema", tool.Name, AccountArgument)
		}
	}
	if text, res := callText(t, cs, "workos_organizations_create", map[string]any{"name": "Only In Default"}); res.IsError {
		t.Fatal(text)
	}
	text, res := callText(t, cs, "workos_organizations_list", map[string]any{"_account": "prod", "limit": 100})
	if res.IsError || strings.Contains(text, "Only In Default") {
		t.Errorf("prod's list should not see the default account's write: %s", text)
	}
	text, res = callText(t, cs, "workos_organizations_list", map[string]any{"limit": 100})
	if res.IsError || !strings.Contains(text, "Only In Default") {
		t.Errorf("the default account's list should: %s", text)
	}
	text, res = callText(t, cs, "workos_organizations_create", map[string]any{"_account": "prod", "name": "x"})
	if !res.IsError || !strings.Contains(text, "denied") || !strings.Contains(text, `"prod"`) {
		t.Errorf("a write on read-only prod should be denied: %s", text)
	}
	text, res = callText(t, cs, "workos_organizations_list", map[string]any{"_account": "qa"})
	if !res.IsError || !strings.Contains(text, `unknown account "qa"`) || !strings.Contains(text, "default, prod") {
		t.Errorf("unknown account: %s", text)
	}
	text, res = callText(t, cs, "workos_organizations_list", map[string]any{"_account": 7})
	if !res.IsError || !strings.Contains(text, "_account must be") {
		t.Errorf("a non-string account: %s", text)
	}
}

// TestInstructionsNameAccounts checks that clients learn the account names
// and how to choose one.
func TestInstructionsNameAccounts(t *testing.T) {
	cs := connect(t, twoAccounts(t), &Options{Tools: ModeAll}, nil)
	got := cs.InitializeResult().Instructions
	for _, want := range []string{"Accounts: default, prod", "workos.<account>.<fn>", `"_account"`} {
		if !strings.Contains(got, want) {
			t.Errorf("instructions lack %q: %s", want, got)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExecuteLuaKosmoKratorLimitNames checks memoryLimit and cpuLimit: they
// lower the run's limits and cannot raise them.
func TestExecuteLuaKosmoKratorLimitNames(t *testing.T) {
	tests := []struct {
		name string
		in   executeLuaIn
		want runtime.Limits
	}{
		{"cpu lowers", executeLuaIn{CPULimit: 0.5}, runtime.Limits{Timeout: 500 * time.Millisecond, MemoryLimit: 64 << 20}},
		{"lowest of timeout_ms and cpu", executeLuaIn{CPULimit: 2, TimeoutMS: 300}, runtime.Limits{Timeout: 300 * time.Millisecond, MemoryLimit: 64 << 20}},
		{"memory lowers", executeLuaIn{MemoryLimit: 8 << 20}, runtime.Limits{Timeout: 10 * time.Second, MemoryLimit: 8 << 20}},
		{"cannot raise", executeLuaIn{CPULimit: 3600, MemoryLimit: 1 << 40}, runtime.Limits{Timeout: 10 * time.Second, MemoryLimit: 64 << 20}},
	}
	rt, err := runtime.New(&runtime.Options{Timeout: 10 * time.Second, MemoryLimit: 64 << 20, Isolation: runtime.IsolationInProcess})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		got := rt.Limits(tt.in.limits(0))
		if got.Timeout != tt.want.Timeout || got.MemoryLimit != tt.want.MemoryLimit {
			t.Errorf("%s: timeout %v memory %d, want %v %d", tt.name, got.Timeout, got.MemoryLimit, tt.want.Timeout, tt.want.MemoryLimit)
		}
	}
	// End to end: cpuLimit stops a busy loop with a timeout naming the lowered value.
	rt = emulated(t, runtime.Options{})
	cs := connect(t, rt, nil, nil)
	_, res := callText(t, cs, ToolExecuteLua, map[string]any{"code": "while true do end", "cpuLimit": 1, "memoryLimit": 16 << 20})
	env := envelope(t, res)
	errInfo, _ := env["error"].(map[string]any)
	setting, _ := errInfo["setting"].(map[string]any)
	if env["outcome"] != "timeout" || setting["value"] != "1s" {
		t.Errorf("want a 1s timeout, got %v", env)
	}
}
