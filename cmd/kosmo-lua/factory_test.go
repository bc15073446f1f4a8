package main

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

func TestRuntimeOptionsResolution(t *testing.T) {
	accounts := &config.File{DefaultAccount: "main", Accounts: map[string]*config.Account{
		"main":  {APIKey: "sk_test_main_account_key_0001", BaseURL: "http://main.example"},
		"ro":    {APIKey: "sk_test_ro_account_key_00002", Write: "deny"},
		"other": {APIKey: "sk_test_other_account_key_003"},
	}}
	tests := []struct {
		name    string
		env     map[string]string
		cfg     *config.File
		flags   RuntimeFlags
		wantKey string
		want    Resolved
		wantErr error
	}{
		{
			name: "flag wins over everything", env: map[string]string{"WORKOS_API_KEY": "sk_test_env_key_000000000004"}, cfg: accounts,
			flags: RuntimeFlags{APIKey: fakeKey}, wantKey: fakeKey,
			want: Resolved{KeySource: "flag", BaseURL: runtime.DefaultBaseURL, Write: runtime.WriteAllow},
		},
		{
			name: "env over default account", env: map[string]string{"WORKOS_API_KEY": fakeKey, "WORKOS_BASE_URL": "http://env.example"}, cfg: accounts,
			wantKey: fakeKey,
			want:    Resolved{KeySource: "env", BaseURL: "http://env.example", Write: runtime.WriteAllow},
		},
		{
			name: "explicit account over env", env: map[string]string{"WORKOS_API_KEY": fakeKey}, cfg: accounts,
			flags: RuntimeFlags{Account: "other"}, wantKey: "sk_test_other_account_key_003",
			want: Resolved{KeySource: "account", Account: "other", BaseURL: runtime.DefaultBaseURL, Write: runtime.WriteAllow},
		},
		{
			name: "default account with its base url", cfg: accounts, wantKey: "sk_test_main_account_key_0001",
			want: Resolved{KeySource: "account", Account: "main", BaseURL: "http://main.example", Write: runtime.WriteAllow},
		},
		{
			name: "base url flag over env over account", env: map[string]string{"WORKOS_BASE_URL": "http://env.example"}, cfg: accounts,
			flags: RuntimeFlags{BaseURL: "http://flag.example"}, wantKey: "sk_test_main_account_key_0001",
			want: Resolved{KeySource: "account", Account: "main", BaseURL: "http://flag.example", Write: runtime.WriteAllow},
		},
		{
			name: "account write deny cannot be widened", cfg: accounts, flags: RuntimeFlags{Account: "ro", Write: "allow"},
			wantKey: "sk_test_ro_account_key_00002",
			want:    Resolved{KeySource: "account", Account: "ro", BaseURL: runtime.DefaultBaseURL, Write: runtime.WriteDeny, WriteFrom: "account"},
		},
		{
			name: "write deny flag", flags: RuntimeFlags{APIKey: fakeKey, Write: "deny"}, wantKey: fakeKey,
			want: Resolved{KeySource: "flag", BaseURL: runtime.DefaultBaseURL, Write: runtime.WriteDeny, WriteFrom: "flag"},
		},
		{
			name: "emulate reads no credentials", env: map[string]string{"WORKOS_API_KEY": fakeKey}, cfg: accounts,
			flags: RuntimeFlags{Emulate: true}, wantKey: "sk_test_default",
			want: Resolved{Emulated: true, KeySource: "emulator", BaseURL: EmulatorBaseURL, Write: runtime.WriteAllow},
		},
		{name: "nothing", wantErr: &NoCredentialsError{}},
		{name: "missing account", cfg: accounts, flags: RuntimeFlags{Account: "nope"}, wantErr: &NoCredentialsError{}},
		{name: "emulate with key", flags: RuntimeFlags{Emulate: true, APIKey: fakeKey}, wantErr: &FlagError{}},
		{name: "bad write", flags: RuntimeFlags{APIKey: fakeKey, Write: "maybe"}, wantErr: &FlagError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t)
			for k, v := range tt.env {
				te.env[k] = v
			}
			if tt.cfg != nil {
				te.saveAccounts(t, tt.cfg)
			}
			opts, res, err := te.f.RuntimeOptions(&tt.flags)
			if tt.wantErr != nil {
				if err == nil || (errors.As(err, new(*NoCredentialsError)) != errors.As(tt.wantErr, new(*NoCredentialsError))) ||
					(errors.As(err, new(*FlagError)) != errors.As(tt.wantErr, new(*FlagError))) {
					t.Fatalf("err = %v (%T), want %T", err, err, tt.wantErr)
				}
				assertNoKey(t, err.Error())
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if opts.APIKey != tt.wantKey {
				t.Errorf("APIKey = %q, want %q", opts.APIKey, tt.wantKey)
			}
			if diff := cmp.Diff(tt.want, *res, cmpopts.IgnoreFields(Resolved{}, "Accounts", "ConfigPath")); diff != "" {
				t.Errorf("Resolved mismatch (-want +got):\n%s", diff)
			}
			if tt.flags.Emulate != te.emulatorCalled {
				t.Errorf("emulator called = %v", te.emulatorCalled)
			}
		})
	}
}

// TestRuntimeOptionsNamedAccounts checks that the accounts file's other
// accounts become the runtime's named accounts, each with its own key, base
// URL and write policy, and that with --emulate no key is read.
func TestRuntimeOptionsNamedAccounts(t *testing.T) {
	cf := &config.File{DefaultAccount: "staging", Accounts: map[string]*config.Account{
		"staging": {APIKey: "sk_test_staging_key_00000001", BaseURL: "http://staging.example"},
		"prod":    {APIKey: "sk_test_prod_key_000000000002", Write: "deny"},
		"ci":      {APIKey: "sk_test_ci_key_00000000000003", BaseURL: "http://ci.example"},
	}}
	tests := []struct {
		name  string
		flags RuntimeFlags
		want  []NamedAccount
		keys  map[string]string
	}{
		{name: "default account", want: []NamedAccount{
			{Name: "ci", Key: "sk_test_…0003", BaseURL: "http://ci.example", Write: "allow"},
			{Name: "prod", Key: "sk_test_…0002", BaseURL: runtime.DefaultBaseURL, Write: "deny"},
		}, keys: map[string]string{"ci": "sk_test_ci_key_00000000000003", "prod": "sk_test_prod_key_000000000002"}},
		{name: "write deny flag narrows every account", flags: RuntimeFlags{Account: "prod", Write: "deny"}, want: []NamedAccount{
			{Name: "ci", Key: "sk_test_…0003", BaseURL: "http://ci.example", Write: "deny"},
			{Name: "staging", Key: "sk_test_…0001", BaseURL: "http://staging.example", Write: "deny"},
		}},
		{name: "emulate: one emulator each, no keys", flags: RuntimeFlags{Emulate: true}, want: []NamedAccount{
			{Name: "ci", BaseURL: EmulatorBaseURL, Write: "allow"},
			{Name: "prod", BaseURL: EmulatorBaseURL, Write: "deny"},
			{Name: "staging", BaseURL: EmulatorBaseURL, Write: "allow"},
		}, keys: map[string]string{"ci": "sk_test_default", "prod": "sk_test_default", "staging": "sk_test_default"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t)
			te.saveAccounts(t, cf)
			opts, res, err := te.f.RuntimeOptions(&tt.flags)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res.Accounts); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
			for name, key := range tt.keys {
				if got := opts.Accounts[name].APIKey; got != key {
					t.Errorf("%s: key %q, want %q", name, got, key)
				}
			}
			if len(opts.Accounts) != len(tt.want) {
				t.Errorf("runtime accounts: %v", opts.Accounts)
			}
		})
	}
}

func TestRuntimeOptionsRefusesReadableConfig(t *testing.T) {
	te := newTestEnv(t)
	te.saveAccounts(t, &config.File{Accounts: map[string]*config.Account{"default": {APIKey: fakeKey}}})
	if err := os.Chmod(te.configPath, 0o644); err != nil {
		t.Fatal(err)
	}
	code := te.run("run", "-e", "return 1")
	if code != exitAuth {
		t.Errorf("exit = %d, want %d", code, exitAuth)
	}
	assertNoKey(t, te.out.String(), te.errb.String())
	if want := "chmod 600"; !strings.Contains(te.errb.String(), want) {
		t.Errorf("stderr %q lacks %q", te.errb.String(), want)
	}
}

func TestNoCredentialsExit4(t *testing.T) {
	for _, args := range [][]string{{"run", "-e", "return 1"}, {"call", "organizations_list"}, {"repl"}, {"auth", "test"}} {
		te := newTestEnv(t)
		if code := te.run(args...); code != exitAuth {
			t.Errorf("%v: exit = %d, want %d; stderr %q", args, code, exitAuth, te.errb.String())
		}
		// call always prints its envelope (TestEveryJSONFailurePrintsAnEnvelope).
		if te.out.Len() != 0 && args[0] != "call" {
			t.Errorf("%v: stdout = %q, want empty", args, te.out.String())
		}
		if !strings.Contains(te.errb.String(), "WORKOS_API_KEY") || !strings.Contains(te.errb.String(), "--emulate") {
			t.Errorf("%v: stderr does not say how to fix it: %q", args, te.errb.String())
		}
	}
}
