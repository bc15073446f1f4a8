package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
)

// TestFlagValueCompletion: the values of --write, --access, --client,
// --tools, --output, --scope and --account (the accounts file's names, never
// keys) complete, call's too.
func TestFlagValueCompletion(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"run", "--write", ""}, []string{"allow", "deny"}},
		{[]string{"functions", "--access", ""}, []string{"read", "write", "destructive"}},
		{[]string{"mcp", "install", "--client", ""}, []string{"claude", "cursor", "vscode", "codex"}},
		{[]string{"mcp", "--tools", ""}, []string{"code", "functions", "all"}},
		{[]string{"run", "--output", ""}, []string{"json", "table", "raw"}},
		{[]string{"mcp", "install", "--scope", ""}, []string{"project", "user"}},
		{[]string{"run", "--account", ""}, []string{"prod", "staging"}},
		{[]string{"auth", "test", "--account", "st"}, []string{"staging"}},
		{[]string{"call", "organizations_list", "--account", ""}, []string{"prod", "staging"}},
		{[]string{"call", "organizations_list", "--write", ""}, []string{"allow", "deny"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			te := newTestEnv(t)
			te.saveAccounts(t, &config.File{DefaultAccount: "prod", Accounts: map[string]*config.Account{
				"prod": {APIKey: fakeKey}, "staging": {APIKey: fakeKey}}})
			if code := te.run(append([]string{"__complete"}, tt.args...)...); code != exitOK {
				t.Fatalf("exit %d: %s", code, te.errb.String())
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(te.out.String()), "\n") {
				if !strings.HasPrefix(l, ":") {
					got = append(got, l)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			assertNoKey(t, te.out.String(), te.errb.String())
		})
	}
}
