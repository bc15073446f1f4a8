package main

import (
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

func TestCLIHints(t *testing.T) {
	tests := []struct {
		info runtime.ErrorInfo
		want string
	}{
		{runtime.ErrorInfo{Kind: runtime.KindDenied, Hint: "ask the host"}, "--write allow"},
		{runtime.ErrorInfo{Kind: runtime.KindTimeout, Hint: "do less"}, "(--timeout)"},
		{runtime.ErrorInfo{Kind: runtime.KindCallLimit, Hint: "fewer calls"}, "(--max-calls)"},
		{runtime.ErrorInfo{Kind: runtime.KindValidation, Message: "limit: must be an integer; pass limit = 10", Hint: "pass limit = 10"}, ""},
		{runtime.ErrorInfo{Kind: runtime.KindAPI, Message: "404", Hint: "check the id"}, "check the id"},
	}
	for _, tt := range tests {
		got := cliHint(&tt.info)
		if (tt.want == "" && got != "") || !strings.Contains(got, tt.want) {
			t.Errorf("cliHint(%+v) = %q, want %q in it", tt.info, got, tt.want)
		}
	}
}
