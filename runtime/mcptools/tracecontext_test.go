package mcptools

import (
	"context"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestToolCallContinuesTheClientsTrace: a tools/call whose _meta carries a
// W3C traceparent runs in that trace (the run span's parent is the client's
// span); one without gets a trace of its own.
func TestToolCallContinuesTheClientsTrace(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	rt, err := runtime.New(&runtime.Options{BaseURL: "http://127.0.0.1:1", TracerProvider: tp, Isolation: runtime.IsolationInProcess})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	cs := connect(t, rt, nil, nil)
	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	params := &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "return 1"}}
	params.SetMeta(map[string]any{"traceparent": "00-" + traceID + "-" + parentID + "-01"})
	if _, err := cs.CallTool(context.Background(), params); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "return 2"}}); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want two run spans", len(spans))
	}
	first, second := spans[0], spans[1]
	if got := first.SpanContext.TraceID().String(); got != traceID {
		t.Errorf("run span trace %s, want the client's %s", got, traceID)
	}
	if got := first.Parent.SpanID().String(); got != parentID || !first.Parent.IsRemote() {
		t.Errorf("run span parent %s (remote %t), want the client's %s", got, first.Parent.IsRemote(), parentID)
	}
	if second.SpanContext.TraceID().String() == traceID || second.Parent.IsValid() {
		t.Errorf("a call without _meta continued a trace: %+v", second.Parent)
	}
}
