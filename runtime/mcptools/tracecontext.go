package mcptools

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.opentelemetry.io/otel/propagation"
)

// traceKeys are the W3C trace context fields an MCP request may carry in
// its _meta (the convention MCP's OpenTelemetry instrumentation follows).
var traceKeys = []string{"traceparent", "tracestate"}

// continueTrace is a receiving middleware: a tools/call whose params' _meta
// holds a traceparent is handled in a context carrying that remote span, so
// the runtime's run and call spans continue the client's trace. A request
// without one, or with an invalid one, is handled as it came.
func continueTrace(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		// Only tool calls run anything; other requests' params may be typed
		// nils (notifications/initialized), whose GetMeta panics.
		if call, ok := req.(*mcp.CallToolRequest); ok && call.Params != nil {
			if meta := call.Params.GetMeta(); meta != nil {
				carrier := propagation.MapCarrier{}
				for _, k := range traceKeys {
					if s, ok := meta[k].(string); ok {
						carrier[k] = s
					}
				}
				if carrier["traceparent"] != "" {
					ctx = propagation.TraceContext{}.Extract(ctx, carrier)
				}
			}
		}
		return next(ctx, method, req)
	}
}
