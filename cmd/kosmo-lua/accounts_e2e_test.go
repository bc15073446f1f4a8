package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
)

// Keys of the accounts file in these tests; each emulator accepts only its
// own, so a call that went to the wrong account would fail with 401.
const (
	stagingKey = "sk_test_staging_e2e_0000000001"
	prodKey    = "sk_test_prod_e2e_000000000002"
	auditKey   = "sk_test_audit_e2e_00000000003"
)

// accountsEnv is a test env with an accounts file of three accounts, each
// served by its own emulator on a loopback socket: staging (the default),
// prod, and audit (saved with write deny).
func accountsEnv(t *testing.T) *testEnv {
	t.Helper()
	serve := func(key string) string {
		em, err := emulator.New(&emulator.Options{APIKeys: []string{key}})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(em)
		t.Cleanup(func() { srv.Close(); em.Close() })
		return srv.URL
	}
	te := emulatedEnv(t)
	te.saveAccounts(t, &config.File{DefaultAccount: "staging", Accounts: map[string]*config.Account{
		"staging": {APIKey: stagingKey, BaseURL: serve(stagingKey)},
		"prod":    {APIKey: prodKey, BaseURL: serve(prodKey)},
		"audit":   {APIKey: auditKey, BaseURL: serve(auditKey), Write: "deny"},
	}})
	return te
}

// accountsScript is a script of testdata/accounts.
func accountsScript(name string) string { return filepath.Join("testdata", "accounts", name) }

// callAccounts lists "account function" for each call of an envelope.
func callAccounts(t *testing.T, calls []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, raw := range calls {
		var c struct{ Account, Function string }
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c.Account+" "+c.Function)
	}
	return out
}

// assertNoAccountKey fails when any account's key appears in outputs.
func assertNoAccountKey(t *testing.T, outputs ...string) {
	t.Helper()
	for _, o := range outputs {
		for _, k := range []string{stagingKey, prodKey, auditKey} {
			if strings.Contains(o, k) {
				t.Fatalf("an account key leaked into output:\n%s", o)
			}
		}
	}
}

// TestAccountsReadOneWriteAnother runs a KosmoKrator-style two-account
// script through the CLI with the accounts file: it reads from staging and
// writes to prod, two emulators, and the envelope names the account of each
// call.
func TestAccountsReadOneWriteAnother(t *testing.T) {
	te := accountsEnv(t)
	code := te.run("run", accountsScript("read_staging_write_prod.lua"), "--json")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, te.out, te.errb)
	}
	env := decodeEnvelope(t, te.out.Bytes())
	want := []string{"staging organizations_list",
		"prod organizations_create", "prod organizations_create", "prod organizations_create",
		"staging organizations_list", "prod organizations_list"}
	if diff := cmp.Diff(want, callAccounts(t, env.Calls)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	var result struct {
		Copied       []string `json:"copied"`
		StagingAfter int      `json:"staging_after"`
		ProdAfter    int      `json:"prod_after"`
	}
	if err := json.Unmarshal(env.Result, &result); err != nil {
		t.Fatal(err)
	}
	wantResult := []string{"Acme Corp (copy)", "Globex (copy)", "Initech (copy)"}
	if diff := cmp.Diff(wantResult, result.Copied); diff != "" || result.StagingAfter != 3 || result.ProdAfter != 6 {
		t.Errorf("result %s: the copies must land in prod only (%s)", env.Result, diff)
	}
	assertNoAccountKey(t, te.out.String(), te.errb.String())
}

// TestAccountsScripts runs the other account scripts: each account's own
// write policy, an unknown account, and the default account's three paths.
func TestAccountsScripts(t *testing.T) {
	tests := []struct {
		script    string
		wantCode  exitCode
		wantCalls []string
		wantErrIn []string // in stderr (the hint names the fix)
		result    string
	}{
		{script: "write_to_readonly_account.lua", wantCode: exitDenied,
			wantCalls: []string{"audit organizations_list", "audit organizations_create"},
			wantErrIn: []string{`account "audit"`, "kosmo-lua auth set --account audit --write allow"}},
		{script: "unknown_account.lua", wantCode: exitError,
			wantErrIn: []string{`unknown account "qa"`, "default, audit, prod, staging", "kosmo-lua auth set --account qa"}},
		{script: "default_account_paths.lua",
			wantCalls: []string{"staging organizations_list", "staging organizations_list", "staging organizations_list"},
			result:    "[3,3,3]"},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			te := accountsEnv(t)
			code := te.run("run", accountsScript(tt.script), "--json")
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.wantCode, te.out, te.errb)
			}
			env := decodeEnvelope(t, te.out.Bytes())
			if diff := cmp.Diff(tt.wantCalls, callAccounts(t, env.Calls)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			for _, w := range tt.wantErrIn {
				if !strings.Contains(te.errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, te.errb)
				}
			}
			if tt.result != "" && string(env.Result) != tt.result {
				t.Errorf("result %s, want %s", env.Result, tt.result)
			}
			assertNoAccountKey(t, te.out.String(), te.errb.String())
		})
	}
}

// TestAccountsEmulated runs the two-account script with --emulate: every
// account of the file gets its own fresh emulator, and no key is read.
func TestAccountsEmulated(t *testing.T) {
	te := emulatedEnv(t)
	te.saveAccounts(t, &config.File{DefaultAccount: "staging", Accounts: map[string]*config.Account{
		"staging": {APIKey: stagingKey}, "prod": {APIKey: prodKey},
	}})
	code := te.run("run", "--emulate", accountsScript("read_staging_write_prod.lua"), "--json")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, te.out, te.errb)
	}
	env := decodeEnvelope(t, te.out.Bytes())
	// With --emulate the default account is "default"; staging is a named one.
	want := []string{"staging organizations_list",
		"prod organizations_create", "prod organizations_create", "prod organizations_create",
		"staging organizations_list", "prod organizations_list"}
	if diff := cmp.Diff(want, callAccounts(t, env.Calls)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(env.Result), `"prod_after":6`) || !strings.Contains(string(env.Result), `"staging_after":3`) {
		t.Errorf("result %s", env.Result)
	}
	assertNoAccountKey(t, te.out.String(), te.errb.String())
}

// TestKosmoKratorLimitFlags checks run's --cpu-limit and --memory-limit
// (KosmoKrator's names) and --force.
func TestKosmoKratorLimitFlags(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		wantCode    exitCode
		wantSetting string // the setting named in the envelope's error
		wantErrIn   string
	}{
		{name: "cpu-limit is a time limit", args: []string{accountsScript("busy_loop.lua"), "--cpu-limit", "1"},
			wantCode: exitLimit, wantSetting: `"name":"Timeout","value":"1s"`},
		{name: "the lower of --timeout and --cpu-limit", args: []string{accountsScript("busy_loop.lua"), "--cpu-limit", "20", "--timeout", "1s"},
			wantCode: exitLimit, wantSetting: `"name":"Timeout","value":"1s"`},
		{name: "memory-limit in bytes", args: []string{"-e", "local t = {} for i = 1, 1e8 do t[i] = string.rep('x', 64) .. i end", "--memory-limit", "8388608", "--timeout", "20s"},
			wantCode: exitLimit, wantSetting: `"name":"MemoryLimit","value":"8388608"`},
		{name: "force writes", args: []string{"-e", `return workos.organizations_create{name = "Forced"}.name`, "--force"}},
		{name: "force with write deny", args: []string{"-e", "return 1", "--force", "--write", "deny"},
			wantCode: exitUsage, wantErrIn: "--force means --write allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := emulatedEnv(t)
			code := te.run(append([]string{"run", "--emulate", "--json"}, tt.args...)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.wantCode, te.out, te.errb)
			}
			if tt.wantSetting != "" && !strings.Contains(te.out.String(), tt.wantSetting) {
				t.Errorf("envelope lacks %s:\n%s", tt.wantSetting, te.out)
			}
			if tt.wantErrIn != "" && !strings.Contains(te.errb.String(), tt.wantErrIn) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErrIn, te.errb)
			}
		})
	}
}

// TestForceOnMCPAccountDeny checks --force against the write-policy model:
// it lifts mcp's default deny, but not an account saved with write deny.
func TestForceOnMCPAccountDeny(t *testing.T) {
	te := newTestEnv(t)
	te.saveAccounts(t, &config.File{DefaultAccount: "ro", Accounts: map[string]*config.Account{
		"ro": {APIKey: fakeKey, Write: "deny"}, "rw": {APIKey: fakeKey + "2"},
	}})
	var got *MCPOptions
	cmd := newCmdMCPWith(te.f, func(_ context.Context, o *MCPOptions) error { got = o; return nil }, nil)
	cmd.SetArgs([]string{"--force", "--max-result-chars", "2000", "--max-result-bytes", "5000"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Flags.Write != "allow" || got.MaxResultBytes != 2000 {
		t.Fatalf("--force: write %q, max result %d", got.Flags.Write, got.MaxResultBytes)
	}
	opts, res, err := te.f.RuntimeOptions(&got.Flags)
	if err != nil {
		t.Fatal(err)
	}
	if opts.WritePolicy != "deny" || res.Accounts[0].Name != "rw" || res.Accounts[0].Write != "allow" {
		t.Errorf("the saved deny must hold and rw be writable: %s %+v", opts.WritePolicy, res.Accounts)
	}
}

// TestAccountNamesScriptsCannotSelect checks that `auth set` refuses a name
// scripts could not select as workos.<name>, and that such an account saved
// earlier is left out (with a doctor warning) instead of breaking runs.
func TestAccountNamesScriptsCannotSelect(t *testing.T) {
	for _, name := range []string{"paginate", "organizations_list", "workos"} {
		te := newTestEnv(t)
		te.in.WriteString(fakeKey + "\n")
		if code := te.run("auth", "set", "--account", name); code != exitUsage {
			t.Errorf("auth set --account %s: exit %d, want %d\n%s", name, code, exitUsage, te.errb)
		}
	}
	te := emulatedEnv(t)
	te.saveAccounts(t, &config.File{Accounts: map[string]*config.Account{"batch": {APIKey: fakeKey}, "prod": {APIKey: fakeKey}}})
	if code := te.run("run", "--emulate", "-e", "return workos.prod.organizations_list{limit = 1}.data[1].name"); code != exitOK {
		t.Fatalf("exit %d\n%s", code, te.errb)
	}
	te.out.Reset()
	_, rep := doctorJSON(t, te, "--emulate")
	if !strings.Contains(te.out.String(), `account name \"batch\" is a workos module member`) || !rep.OK {
		t.Errorf("doctor should warn about batch:\n%s", te.out)
	}
}

// TestAccountsRejectedKey checks that a named account's rejected key is
// reported as that account's, with the command that fixes it.
func TestAccountsRejectedKey(t *testing.T) {
	te := accountsEnv(t)
	cf, _, err := te.f.Config()
	if err != nil {
		t.Fatal(err)
	}
	cf.Accounts["prod"].APIKey = fakeKey // prod's emulator accepts only prodKey
	te.saveAccounts(t, cf)
	code := te.run("run", "--json", "-e", "return workos.prod.organizations_list{limit = 1}")
	if code != exitAuth {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitAuth, te.out, te.errb)
	}
	if !strings.Contains(te.out.String(), `"setting":{"name":"APIKey","account":"prod"}`) ||
		!strings.Contains(te.errb.String(), "kosmo-lua auth set --account prod") {
		t.Errorf("the rejected key should be prod's:\n%s\n%s", te.out, te.errb)
	}
	assertNoKey(t, te.out.String(), te.errb.String())
}
