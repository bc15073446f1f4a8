package main

import (
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestCLIHints: the CLI names the flag, or the saved account, behind the
// setting that stopped a run, and the fix fits how the run was configured.
func TestCLIHints(t *testing.T) {
	writeDeny := &runtime.Setting{Name: "WritePolicy", Value: "deny"}
	denied := runtime.ErrorInfo{Kind: runtime.KindDenied, Function: "organizations_create", Hint: "ask the host", Setting: writeDeny}
	tests := []struct {
		name     string
		info     runtime.ErrorInfo
		res      *Resolved
		want     []string
		dontWant []string
	}{
		{"--write deny", denied, &Resolved{WriteFrom: "flag"}, []string{"--write deny", "drop it"}, []string{"auth set"}},
		{"account saved read-only", denied, &Resolved{WriteFrom: "account", Account: "prod"},
			[]string{`account "prod" is saved read-only`, "kosmo-lua auth set --account prod --write allow"}, []string{"drop it"}},
		{"dry run", denied, &Resolved{WriteFrom: "flag", DryRun: true}, []string{"--dry-run records writes", "policy is checked first"}, nil},
		{"a --deny glob", runtime.ErrorInfo{Kind: runtime.KindDenied, Function: "organizations_delete", Setting: &runtime.Setting{Name: "Deny", Value: "organizations_*"}},
			nil, []string{"--deny organizations_*", "remove that pattern"}, []string{"--write allow"}},
		{"not allowed", runtime.ErrorInfo{Kind: runtime.KindDenied, Function: "users_list", Setting: &runtime.Setting{Name: "Allow"}},
			nil, []string{"--allow users_list"}, []string{"--write allow"}},
		{"timeout", runtime.ErrorInfo{Kind: runtime.KindTimeout, Hint: "do less", Setting: &runtime.Setting{Name: "Timeout", Value: "2s"}},
			nil, []string{"do less", "--timeout, now 2s"}, nil},
		{"call budget", runtime.ErrorInfo{Kind: runtime.KindCallLimit, Hint: "fewer calls", Setting: &runtime.Setting{Name: "MaxCalls", Value: "100"}},
			nil, []string{"--max-calls, now 100"}, nil},
		{"memory", runtime.ErrorInfo{Kind: runtime.KindMemoryLimit, Hint: "keep less", Setting: &runtime.Setting{Name: "MemoryLimit", Value: "67108864"}},
			nil, []string{"(--memory)"}, nil},
		{"rejected key", runtime.ErrorInfo{Kind: runtime.KindAPI, Status: 401, Setting: &runtime.Setting{Name: "APIKey"}},
			nil, []string{"WORKOS_API_KEY", "kosmo-lua auth set"}, nil},
		{"account path", runtime.ErrorInfo{Kind: runtime.KindUnknownFunction, Setting: &runtime.Setting{Name: "Account", Value: "staging"}},
			nil, []string{"--account staging"}, nil},
		{"validation says its fix once", runtime.ErrorInfo{Kind: runtime.KindValidation, Message: "limit: must be an integer; pass limit = 10", Hint: "pass limit = 10"},
			nil, nil, []string{"pass limit"}},
		{"api error", runtime.ErrorInfo{Kind: runtime.KindAPI, Message: "404", Hint: "check the id"}, nil, []string{"check the id"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cliHint(&tt.info, tt.res)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("hint %q lacks %q", got, w)
				}
			}
			for _, w := range tt.dontWant {
				if strings.Contains(got, w) {
					t.Errorf("hint %q should not say %q", got, w)
				}
			}
		})
	}
}

// TestRuntimeHintsNameNoFlags: the runtime's own hints are host-neutral.
func TestRuntimeHintsNameNoFlags(t *testing.T) {
	te := emulatedEnv(t)
	code := te.run("run", "--emulate", "--json", "--write", "deny", "--max-calls", "1", "-e", `workos.organizations_create{name = "X"}`)
	if code != exitDenied {
		t.Fatalf("exit %d: %s", code, te.errb.String())
	}
	if out := te.out.String(); strings.Contains(out, "--") {
		t.Errorf("the envelope names a flag: %s", out)
	}
	if !strings.Contains(te.out.String(), `"setting":{"name":"WritePolicy","value":"deny"}`) {
		t.Errorf("the envelope does not name the setting: %s", te.out.String())
	}
}
