package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestEveryJSONFailurePrintsAnEnvelope: with --json (and always for call),
// a failure main reports (unknown flags, bad flag values, unknown
// functions, missing credentials) still prints exactly one JSON envelope on
// stdout, and the message on stderr.
func TestEveryJSONFailurePrintsAnEnvelope(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode exitCode
		wantKind string
		// field is a top-level key only the command's envelope has.
		field string
	}{
		{"run unknown flag", []string{"run", "--json", "--frobnicate"}, exitUsage, kindUsage, "outcome"},
		{"run unknown flag before --json", []string{"run", "--frobnicate", "--json", "-e", "return 1"}, exitUsage, kindUsage, "outcome"},
		{"run bad flag value", []string{"run", "--json", "--timeout", "soon", "-e", "return 1"}, exitUsage, kindUsage, "outcome"},
		{"run too many arguments", []string{"run", "--json", "a.lua", "b.lua"}, exitUsage, kindUsage, "outcome"},
		{"auth list unknown flag", []string{"auth", "list", "--json", "--bogus"}, exitUsage, kindUsage, "ok"},
		{"call unknown flag value", []string{"call", "organizations_list", "--limit", "abc", "--emulate"}, exitUsage, kindUsage, "success"},
		{"call own flag bad value", []string{"call", "organizations_list", "--timeout", "x", "--emulate"}, exitUsage, kindUsage, "success"},
		{"call unknown function", []string{"call", "organisations_lst", "--emulate"}, exitUsage, "unknown_function", "success"},
		{"call unknown argument", []string{"call", "organizations_list", "--limt", "5", "--emulate"}, exitUsage, kindUsage, "success"},
		{"call no credentials", []string{"call", "organizations_list"}, exitAuth, kindNoCredentials, "success"},
		{"call no name", []string{"call"}, exitUsage, kindUsage, "success"},
		{"call out of range", []string{"call", "organizations_list", "--limit", "1000", "--emulate"}, exitUsage, "validation_error", "success"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := emulatedEnv(t)
			if code := te.run(tt.args...); code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.wantCode, te.errb.String())
			}
			dec := json.NewDecoder(strings.NewReader(te.out.String()))
			var env map[string]json.RawMessage
			if err := dec.Decode(&env); err != nil {
				t.Fatalf("stdout is not a JSON envelope: %v\n%s", err, te.out.String())
			}
			if dec.More() {
				t.Fatalf("stdout holds more than one envelope:\n%s", te.out.String())
			}
			if _, ok := env[tt.field]; !ok {
				t.Errorf("envelope has no %q field: %s", tt.field, te.out.String())
			}
			var e struct{ Kind, Message string }
			if err := json.Unmarshal(env["error"], &e); err != nil || e.Kind != tt.wantKind || e.Message == "" {
				t.Errorf("error = %s, want kind %s", env["error"], tt.wantKind)
			}
			if !strings.Contains(te.errb.String(), "error") {
				t.Errorf("stderr does not report the error: %q", te.errb.String())
			}
		})
	}
}

// TestNoEnvelopeWithoutJSON: a command run without --json prints nothing on
// stdout when its flags are wrong.
func TestNoEnvelopeWithoutJSON(t *testing.T) {
	for _, args := range [][]string{{"run", "--frobnicate"}, {"run", "--json=false", "--frobnicate"}, {"functions", "--bogus"}} {
		te := emulatedEnv(t)
		if code := te.run(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if te.out.Len() != 0 {
			t.Errorf("%v: stdout = %q, want nothing", args, te.out.String())
		}
	}
}

// TestMCPConfigHelpShowsOnlyItsFlags: mcp config refuses --api-key (it never
// writes keys), so its help does not offer it; passing it still says why.
func TestMCPConfigHelpShowsOnlyItsFlags(t *testing.T) {
	te := newTestEnv(t)
	if code := te.run("mcp", "config", "--help"); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(te.out.String(), "--api-key") {
		t.Errorf("mcp config --help offers --api-key:\n%s", te.out.String())
	}
	te = newTestEnv(t)
	if code := te.run("mcp", "config", "--client", "claude", "--api-key", fakeKey); code != exitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(te.errb.String(), "does not write API keys") {
		t.Errorf("stderr = %q", te.errb.String())
	}
	assertNoKey(t, te.out.String(), te.errb.String())
}
