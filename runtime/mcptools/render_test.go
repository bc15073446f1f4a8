package mcptools

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

func TestRenderEnvelope(t *testing.T) {
	status := 404
	tests := []struct {
		name string
		in   runtime.Result
		want string
	}{
		{"completed", runtime.Result{OK: true, Outcome: runtime.OutcomeCompleted, Result: json.RawMessage(`{ "n": 2 }`),
			Logs: []string{"hello"}, Stats: runtime.Stats{DurationMS: 12.4, Calls: 1}},
			"outcome: completed · 12 ms · 1 call\nresult: {\"n\":2}\nlogs (1 line):\nhello"},
		{"api error", runtime.Result{Outcome: runtime.OutcomeError, Result: json.RawMessage(`null`),
			Error: &runtime.ErrorInfo{Kind: "api_error", Message: "not found", Line: 3, Function: "organizations_find", Status: 404, Code: "entity_not_found", RequestID: "req_1", Hint: "check the id"},
			Calls: []runtime.CallInfo{{Function: "organizations_find", Method: "GET", Path: "/organizations/x", Status: &status}, {Function: "organizations_create", Method: "POST", Path: "/organizations"}},
			Stats: runtime.Stats{DurationMS: 1500, Calls: 1}, Effects: true},
			"outcome: error · 1.5 s · 1 call · effects: yes\nerror: api_error at line 3 in organizations_find (HTTP 404 entity_not_found, request req_1): not found\nhint: check the id\ncalls:\n- organizations_find GET /organizations/x → 404\n- organizations_create POST /organizations → not sent"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, renderEnvelope(&tt.in)); diff != "" {
			t.Errorf("%s: renderEnvelope mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestCapLogs(t *testing.T) {
	s := &server{opts: Options{MaxResultBytes: 40}}
	res := &runtime.Result{Logs: []string{"0123456789", "0123456789", "0123456789"}}
	got := s.capLogs(res).Logs
	want := []string{"0123456789", "[2 more log lines (22 bytes) dropped by the MCP server's 40-byte result cap]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("capLogs mismatch (-want +got):\n%s", diff)
	}
	if len(res.Logs) != 3 {
		t.Errorf("capLogs changed its input")
	}
}
