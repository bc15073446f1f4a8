package runtime_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestTracing: a run is a span and each WorkOS call the host executes for it
// (in a worker or in process) a client span under it, with the function,
// status, request id and retries; argument values are not recorded.
func TestTracing(t *testing.T) {
	for _, iso := range []runtime.Isolation{runtime.IsolationProcess, runtime.IsolationInProcess} {
		t.Run(string(iso), func(t *testing.T) {
			exp := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
			rt, _ := newRuntime(t, &runtime.Options{TracerProvider: tp, Isolation: iso})
			src := `workos.organizations_list{limit = 1}
				local ok = pcall(workos.organizations_find, {id = "org_SECRETARG"})
				return 1`
			res, err := rt.Run(context.Background(), runtime.Script{Name: "trace.lua", Source: src})
			if err != nil || !res.OK {
				t.Fatalf("run: %v %+v", err, res.Error)
			}
			spans := exp.GetSpans()
			var runSpan tracetest.SpanStub
			var calls []tracetest.SpanStub
			for _, s := range spans {
				if s.Name == "kosmo-lua run" {
					runSpan = s
				} else {
					calls = append(calls, s)
				}
			}
			if runSpan.Name == "" || len(calls) != 2 {
				t.Fatalf("spans = %v, want a run span and two call spans", names(spans))
			}
			if got := attrs(runSpan.Attributes); got["kosmo_lua.outcome"] != "completed" || got["kosmo_lua.calls"] != "2" || got["kosmo_lua.script"] != "trace.lua" {
				t.Errorf("run span attributes = %v", got)
			}
			want := []map[string]string{
				{"workos.function": "organizations_list", "http.response.status_code": "200", "workos.retries": "0", "url.template": "/organizations"},
				{"workos.function": "organizations_find", "http.response.status_code": "404", "workos.retries": "0", "url.template": "/organizations/{id}", "error.type": "api_error"},
			}
			for i, c := range calls {
				if c.Parent.SpanID() != runSpan.SpanContext.SpanID() || c.SpanKind != trace.SpanKindClient {
					t.Errorf("%s: parent %s kind %v, want the run span %s and client", c.Name, c.Parent.SpanID(), c.SpanKind, runSpan.SpanContext.SpanID())
				}
				got := attrs(c.Attributes)
				if !strings.HasPrefix(got["workos.request_id"], "req_") {
					t.Errorf("%s: no request id: %v", c.Name, got)
				}
				for k := range got {
					if _, ok := want[i][k]; !ok {
						delete(got, k)
					}
				}
				if diff := cmp.Diff(want[i], got); diff != "" {
					t.Errorf("%s attributes (-want +got):\n%s", c.Name, diff)
				}
			}
			for _, s := range spans {
				for _, kv := range s.Attributes {
					if strings.Contains(kv.Value.String(), "SECRETARG") {
						t.Errorf("span %s records an argument value: %v", s.Name, kv)
					}
				}
			}
		})
	}
}

// TestTracingContinuesTheCallersTrace: a run started in a context that
// carries a span is a child of it (how an MCP request's trace continues).
func TestTracingContinuesTheCallersTrace(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	rt, _ := newRuntime(t, &runtime.Options{TracerProvider: tp})
	ctx, parent := tp.Tracer("test").Start(context.Background(), "caller")
	if _, err := rt.Run(ctx, runtime.Script{Source: "return 1"}); err != nil {
		t.Fatal(err)
	}
	parent.End()
	cr, err := rt.Call(ctx, "organizations_list", map[string]any{"limit": 1})
	if err != nil || !cr.Success {
		t.Fatalf("call: %v %+v", err, cr)
	}
	for _, s := range exp.GetSpans() {
		if s.Name != "caller" && s.SpanContext.TraceID() != parent.SpanContext().TraceID() {
			t.Errorf("span %s is in trace %s, not the caller's %s", s.Name, s.SpanContext.TraceID(), parent.SpanContext().TraceID())
		}
	}
	if n := len(exp.GetSpans()); n != 3 {
		t.Errorf("%d spans (%v), want caller, run and call", n, names(exp.GetSpans()))
	}
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

func attrs(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}
