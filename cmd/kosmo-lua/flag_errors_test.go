package main

import (
	"strings"
	"testing"
)

// TestFlagErrors: a misspelt flag names the closest one, and --max-calls 0
// is an error instead of the default.
func TestFlagErrors(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantCode  exitCode
		wantErrIn []string
		wantNot   string
	}{
		{name: "misspelt flag", args: []string{"run", "--emulate", "--timout", "1s", "-e", "return 1"}, wantCode: exitUsage,
			wantErrIn: []string{"unknown flag: --timout", "did you mean --timeout?"}},
		{name: "misspelt flag of call", args: []string{"call", "organizations_list", "--emulate", "--limt", "1"}, wantCode: exitUsage,
			wantErrIn: []string{"did you mean --limit?"}},
		{name: "nothing close", args: []string{"run", "--emulate", "--zzzzzz", "-e", "return 1"}, wantCode: exitUsage,
			wantErrIn: []string{"unknown flag: --zzzzzz"}, wantNot: "did you mean"},
		{name: "max-calls 0", args: []string{"run", "--emulate", "--max-calls", "0", "-e", "return 1"}, wantCode: exitUsage,
			wantErrIn: []string{"must be at least 1", "leave --max-calls out for the default"}},
		{name: "max-calls not a number", args: []string{"run", "--emulate", "--max-calls", "many", "-e", "return 1"}, wantCode: exitUsage,
			wantErrIn: []string{`must be a whole number, not "many"`}},
		{name: "call argument out of range", args: []string{"call", "organizations_list", "--emulate", "--limit", "1000"}, wantCode: exitUsage,
			wantErrIn: []string{"validation_error", "must be at most 100"}},
		{name: "max-calls 1 holds", args: []string{"run", "--emulate", "--max-calls", "1", "-e", "workos.organizations_list{limit = 1} return workos.organizations_list{limit = 1}"},
			wantCode: exitLimit, wantErrIn: []string{"call_limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := emulatedEnv(t)
			code := te.run(tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit = %d, want %d\nstderr %q", code, tt.wantCode, te.errb.String())
			}
			for _, s := range tt.wantErrIn {
				if !strings.Contains(te.errb.String(), s) {
					t.Errorf("stderr %q lacks %q", te.errb.String(), s)
				}
			}
			if tt.wantNot != "" && strings.Contains(te.errb.String(), tt.wantNot) {
				t.Errorf("stderr %q has %q", te.errb.String(), tt.wantNot)
			}
		})
	}
}
