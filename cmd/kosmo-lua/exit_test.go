package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

func TestExitCodeFor(t *testing.T) {
	tests := []struct {
		name    string
		outcome runtime.Outcome
		info    *runtime.ErrorInfo
		want    exitCode
	}{
		{"completed", runtime.OutcomeCompleted, nil, exitOK},
		{"runtime error", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindRuntime}, exitError},
		{"syntax error", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindSyntax}, exitError},
		{"unknown function", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindUnknownFunction}, exitError},
		{"validation", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindValidation}, exitError},
		{"api 404", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindAPI, Status: 404}, exitError},
		{"api 401", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindAPI, Status: 401}, exitAuth},
		{"api 403", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindAPI, Status: 403}, exitError},
		{"network", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindNetwork}, exitError},
		{"timeout", runtime.OutcomeTimeout, &runtime.ErrorInfo{Kind: runtime.KindTimeout}, exitLimit},
		{"memory", runtime.OutcomeLimitExceeded, &runtime.ErrorInfo{Kind: runtime.KindMemoryLimit}, exitLimit},
		{"calls", runtime.OutcomeLimitExceeded, &runtime.ErrorInfo{Kind: runtime.KindCallLimit}, exitLimit},
		{"output", runtime.OutcomeLimitExceeded, &runtime.ErrorInfo{Kind: runtime.KindOutputLimit}, exitLimit},
		{"denied", runtime.OutcomeDenied, &runtime.ErrorInfo{Kind: runtime.KindDenied}, exitDenied},
		{"denied kind in error outcome", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindDenied}, exitDenied},
		{"call limit kind in error outcome", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindCallLimit}, exitLimit},
		{"stack overflow", runtime.OutcomeLimitExceeded, &runtime.ErrorInfo{Kind: runtime.KindStackOverflow}, exitLimit},
		{"stack overflow kind in error outcome", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindStackOverflow}, exitLimit},
		{"canceled", runtime.OutcomeError, &runtime.ErrorInfo{Kind: runtime.KindCanceled}, exitCanceled},
		{"error without info", runtime.OutcomeError, nil, exitError},
	}
	for _, tt := range tests {
		if got := exitCodeFor(tt.outcome, tt.info); got != tt.want {
			t.Errorf("%s: exitCodeFor(%s, %+v) = %d, want %d", tt.name, tt.outcome, tt.info, got, tt.want)
		}
	}
}

func TestCallOutcome(t *testing.T) {
	tests := []struct {
		cr   runtime.CallResult
		want exitCode
	}{
		{runtime.CallResult{Success: true}, exitOK},
		{runtime.CallResult{Error: &runtime.ErrorInfo{Kind: runtime.KindDenied}}, exitDenied},
		{runtime.CallResult{Error: &runtime.ErrorInfo{Kind: runtime.KindAPI, Status: 401}}, exitAuth},
		{runtime.CallResult{Error: &runtime.ErrorInfo{Kind: runtime.KindAPI, Status: 422}}, exitError},
		{runtime.CallResult{Error: &runtime.ErrorInfo{Kind: runtime.KindTimeout}}, exitLimit},
		{runtime.CallResult{Error: &runtime.ErrorInfo{Kind: runtime.KindValidation}}, exitError},
	}
	for _, tt := range tests {
		if got := exitCodeFor(tt.cr.Outcome(), tt.cr.Error); got != tt.want {
			t.Errorf("call %+v: exit %d, want %d", tt.cr.Error, got, tt.want)
		}
	}
}

// TestPrintRunResult pins the output rules with hand-made envelopes: the
// result alone on stdout (logs on stderr) by default, the whole envelope with
// --json, nothing but JSON on stdout, the error on stderr, and the exit status.
func TestPrintRunResult(t *testing.T) {
	status := 401
	tests := []struct {
		name       string
		res        runtime.Result
		envelope   bool
		wantCode   exitCode
		wantStdout string
		wantStderr []string
	}{
		{
			name:       "completed",
			res:        runtime.Result{OK: true, Outcome: runtime.OutcomeCompleted, Result: json.RawMessage(`{"n": 2}`), Logs: []string{"hello from print"}},
			wantStdout: "{\"n\":2}\n",
			wantStderr: []string{"hello from print"},
		},
		{
			name:       "completed nil result",
			res:        runtime.Result{OK: true, Outcome: runtime.OutcomeCompleted},
			wantStdout: "null\n",
		},
		{
			name:       "runtime error",
			res:        runtime.Result{Outcome: runtime.OutcomeError, Error: &runtime.ErrorInfo{Kind: runtime.KindRuntime, Message: "attempt to index a nil value", Line: 3, Hint: "check the variable"}, Logs: []string{"before"}},
			wantCode:   exitError,
			wantStderr: []string{"before", "error: runtime_error at s.lua:3: attempt to index a nil value", "hint: check the variable"},
		},
		{
			name: "api 401",
			res: runtime.Result{Outcome: runtime.OutcomeError, Calls: []runtime.CallInfo{{Function: "organizations_list", Status: &status}},
				Error: &runtime.ErrorInfo{Kind: runtime.KindAPI, Message: "unauthorized", Function: "organizations_list", Status: 401, Code: "unauthorized", RequestID: "req_1"}},
			wantCode:   exitAuth,
			wantStderr: []string{"error: api_error in workos.organizations_list: unauthorized", "status 401, code unauthorized, request_id req_1"},
		},
		{
			name:       "timeout",
			res:        runtime.Result{Outcome: runtime.OutcomeTimeout, Error: &runtime.ErrorInfo{Kind: runtime.KindTimeout, Message: "script exceeded 1s"}},
			wantCode:   exitLimit,
			wantStderr: []string{"error: timeout: script exceeded 1s"},
		},
		{
			name:       "memory",
			res:        runtime.Result{Outcome: runtime.OutcomeLimitExceeded, Error: &runtime.ErrorInfo{Kind: runtime.KindMemoryLimit, Message: "over 1MiB"}},
			wantCode:   exitLimit,
			wantStderr: []string{"memory_limit"},
		},
		{
			name:       "denied",
			res:        runtime.Result{Outcome: runtime.OutcomeDenied, Error: &runtime.ErrorInfo{Kind: runtime.KindDenied, Message: "denied: organizations_delete", Line: 2}},
			wantCode:   exitDenied,
			wantStderr: []string{"error: denied at s.lua:2"},
		},
		{
			name:       "envelope on success keeps logs inside",
			res:        runtime.Result{OK: true, Outcome: runtime.OutcomeCompleted, Result: json.RawMessage(`[1,2]`), Logs: []string{"log line"}, Calls: []runtime.CallInfo{}},
			envelope:   true,
			wantStdout: `{"ok":true,"outcome":"completed","result":[1,2],"logs":["log line"],"error":null,"effects":false,"calls":[],"stats":{"duration_ms":0,"calls":0,"memory_bytes":null}}` + "\n",
		},
		{
			name:       "envelope on error",
			res:        runtime.Result{Outcome: runtime.OutcomeLimitExceeded, Error: &runtime.ErrorInfo{Kind: runtime.KindCallLimit, Message: "more than 1 call"}},
			envelope:   true,
			wantCode:   exitLimit,
			wantStdout: `{"ok":false,"outcome":"limit_exceeded","result":null,"logs":null,"error":{"kind":"call_limit","message":"more than 1 call","line":null,"function":null,"status":null,"code":null,"request_id":null},"effects":false,"calls":null,"stats":{"duration_ms":0,"calls":0,"memory_bytes":null}}` + "\n",
			wantStderr: []string{"error: call_limit: more than 1 call"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errb := TestIOStreams()
			err := printRunResult(ios, &tt.res, "s.lua", tt.envelope, nil)
			code := exitOK
			if err != nil {
				var ee *ExitError
				if !errors.As(err, &ee) || ee.Err != nil {
					t.Fatalf("printRunResult error = %v, want a silent *ExitError", err)
				}
				code = ee.Code
			}
			if code != tt.wantCode {
				t.Errorf("exit = %d, want %d", code, tt.wantCode)
			}
			if out.String() != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", out.String(), tt.wantStdout)
			}
			if tt.wantStdout != "" && !json.Valid(out.Bytes()) {
				t.Errorf("stdout is not JSON: %q", out.String())
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr %q lacks %q", errb.String(), w)
				}
			}
			if tt.envelope && strings.Contains(errb.String(), "log line") {
				t.Errorf("--json printed logs on stderr too: %q", errb.String())
			}
		})
	}
}

func TestReportError(t *testing.T) {
	tests := []struct {
		err  error
		want exitCode
	}{
		{flagErrorf("bad"), exitUsage},
		{errors.New(`unknown command "x" for "kosmo-lua"`), exitUsage},
		{errors.New("unknown flag: --x"), exitUsage},
		{&NoCredentialsError{}, exitAuth},
		{&config.PermissionError{Path: "/c.json", Mode: 0o644}, exitAuth},
		{&ExitError{Code: exitLimit}, exitLimit},
		{errors.New("something broke"), exitError},
	}
	for _, tt := range tests {
		var b strings.Builder
		if got := reportError(&b, "kosmo-lua", tt.err); got != tt.want {
			t.Errorf("reportError(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
