package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
)

// TestAuthDefaultAndRemoveReport: `auth default NAME` switches the default
// without asking for a key, and removing the default says what the default
// is afterwards.
func TestAuthDefaultAndRemoveReport(t *testing.T) {
	te := newTestEnv(t)
	te.saveAccounts(t, &config.File{DefaultAccount: "prod", Accounts: map[string]*config.Account{
		"prod":    {APIKey: fakeKey},
		"staging": {APIKey: "sk_test_staging_other_key_777"},
		"default": {APIKey: "sk_test_default_other_key_888"},
	}})
	if code := te.run("auth", "default", "staging"); code != exitOK {
		t.Fatalf("default: exit %d: %s", code, te.errb.String())
	}
	if cf, err := config.Load(te.configPath); err != nil || cf.DefaultAccount != "staging" {
		t.Fatalf("after auth default: %v, default %q", err, cf.DefaultAccount)
	}
	if code := te.run("auth", "default", "nope"); code != exitUsage || !strings.Contains(te.errb.String(), "accounts: default, prod, staging") {
		t.Errorf("unknown account: exit %d, stderr %q", code, te.errb.String())
	}

	removed := func(account string) map[string]any {
		t.Helper()
		te.out.Reset()
		if code := te.run("auth", "remove", "--account", account); code != exitOK {
			t.Fatalf("remove %s: exit %d: %s", account, code, te.errb.String())
		}
		var got map[string]any
		if err := json.Unmarshal(te.out.Bytes(), &got); err != nil {
			t.Fatalf("stdout not JSON: %q", te.out.String())
		}
		return got
	}
	// The file's default goes: the account named "default" takes over.
	if diff := cmp.Diff(map[string]any{"removed": "staging", "default": "default"}, removed("staging")); diff != "" {
		t.Errorf("remove staging (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"removed": "default", "default": nil}, removed("default")); diff != "" {
		t.Errorf("remove default (-want +got):\n%s", diff)
	}

	te.f.IOStreams.SetStdoutTTY(true)
	if code := te.run("auth", "default", "prod"); code != exitOK {
		t.Fatal(te.errb.String())
	}
	te.out.Reset()
	if code := te.run("auth", "remove", "--account", "prod"); code != exitOK || !strings.Contains(te.out.String(), "the last account") {
		t.Errorf("remove the last: exit %d, stdout %q", code, te.out.String())
	}
	assertNoKey(t, te.out.String(), te.errb.String())
}
