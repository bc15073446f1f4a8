package mcptools

import (
	"context"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// BenchmarkExecuteLua is sequential execute_lua calls of a script that makes
// one emulator call, over an in-memory transport (the server's own cost,
// without stdio framing), in both isolation modes.
func BenchmarkExecuteLua(b *testing.B) {
	for _, iso := range []runtime.Isolation{runtime.IsolationProcess, runtime.IsolationInProcess} {
		b.Run(string(iso), func(b *testing.B) {
			rt := emulated(b, runtime.Options{Isolation: iso})
			cs := connect(b, rt, nil, nil)
			params := &mcp.CallToolParams{Name: ToolExecuteLua, Arguments: map[string]any{"code": `return workos.organizations_list{limit = 1}.object`}}
			ctx := context.Background()
			start := time.Now()
			for b.Loop() {
				res, err := cs.CallTool(ctx, params)
				if err != nil || res.IsError {
					b.Fatal(err, res)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
	}
}
