package mcptools

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// wordPieces approximates a BPE tokenizer: each run of letters, each run of
// digits and each other non-space character counts as one token.
var wordPieces = regexp.MustCompile(`[A-Za-z]+|[0-9]+|[^\sA-Za-z0-9]`)

// TestToolsListSize measures the JSON of tools/list in each mode and keeps code
// mode under 1,500 tokens. Run with -v to see the numbers:
//
//	go test -run TestToolsListSize -v ./runtime/mcptools
func TestToolsListSize(t *testing.T) {
	tests := []struct {
		mode   Mode
		policy runtime.WritePolicy
	}{
		{ModeCode, runtime.WriteDeny},
		{ModeCode, runtime.WriteAllow},
		{ModeFunctions, runtime.WriteDeny},
		{ModeFunctions, runtime.WriteAllow},
		{ModeAll, runtime.WriteDeny},
	}
	for _, tt := range tests {
		cs := connect(t, newRuntime(t, tt.policy), &Options{Tools: tt.mode}, nil)
		res, err := cs.ListTools(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		bytesPer4 := len(b) / 4
		pieces := len(wordPieces.FindAll(b, -1))
		instr := len(cs.InitializeResult().Instructions)
		t.Logf("tools=%-9s write=%-5s tools:%3d  bytes:%7d  ≈tokens bytes/4:%6d  word-pieces:%6d  (instructions: %d bytes)",
			tt.mode, tt.policy, len(res.Tools), len(b), bytesPer4, pieces, instr)
		if tt.mode == ModeCode && max(bytesPer4, pieces) >= 1500 {
			t.Errorf("code-mode tools/list is ≈%d tokens (bytes/4) / %d (word pieces); keep it under 1500", bytesPer4, pieces)
		}
	}
}
