package main

import (
	"encoding/json"
	"testing"
)

// TestRunJSONEnvelopeWhenTheRunCannotStart: with --json, stdout carries an
// envelope for every outcome, including runs that never start.
func TestRunJSONEnvelopeWhenTheRunCannotStart(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode exitCode
		wantKind string
	}{
		{"bad args", []string{"run", "--json", "--emulate", "--args", "{bad", "-e", "return 1"}, exitUsage, kindUsage},
		{"no credentials", []string{"run", "--json", "-e", "return 1"}, exitAuth, kindNoCredentials},
		{"bad deny glob", []string{"run", "--json", "--emulate", "--deny", "organizations_[", "-e", "return 1"}, exitUsage, kindUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := emulatedEnv(t)
			if code := te.run(tt.args...); code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.wantCode, te.errb.String())
			}
			var env struct {
				OK      bool
				Outcome string
				Error   struct{ Kind, Message string }
			}
			if err := json.Unmarshal(te.out.Bytes(), &env); err != nil {
				t.Fatalf("stdout is not one JSON envelope: %v\n%s", err, te.out.String())
			}
			if env.OK || env.Outcome != "error" || env.Error.Kind != tt.wantKind || env.Error.Message == "" {
				t.Errorf("envelope = %+v", env)
			}
			if te.errb.Len() == 0 {
				t.Error("nothing on stderr")
			}
		})
	}
}
