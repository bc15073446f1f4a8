package otlp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/encoding/protowire"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantOK  bool
		wantErr bool
	}{
		{"nothing set", nil, Config{}, false, false},
		{"endpoint", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318/"},
			Config{URL: "http://c:4318/v1/traces", Header: map[string][]string{}, Timeout: DefaultTimeout}, true, false},
		{"traces endpoint wins as is", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://t/x"},
			Config{URL: "https://t/x", Header: map[string][]string{}, Timeout: DefaultTimeout}, true, false},
		{"headers and timeout", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_EXPORTER_OTLP_HEADERS": "api-key=a%20b, x=1", "OTEL_EXPORTER_OTLP_TIMEOUT": "2500"},
			Config{URL: "http://c/v1/traces", Header: map[string][]string{"Api-Key": {"a b"}, "X": {"1"}}, Timeout: 2500 * time.Millisecond}, true, false},
		{"disabled", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_SDK_DISABLED": "true"}, Config{}, false, false},
		{"other exporter", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_TRACES_EXPORTER": "none"}, Config{}, false, false},
		{"grpc refused", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, Config{}, false, true},
		{"not a URL", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "c:4318"}, Config{}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, ok, err := FromEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr || ok != tt.wantOK {
				t.Fatalf("ok %t err %v, want ok %t err %t", ok, err, tt.wantOK, tt.wantErr)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(tt.want, cfg); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
	var pe *UnsupportedProtocolError
	_, _, err := FromEnv(func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"}[k]
	})
	if !errors.As(err, &pe) || pe.Protocol != "http/json" {
		t.Errorf("http/json: err = %v", err)
	}
}

// TestExportSpans: spans reach the collector as one OTLP/HTTP protobuf
// request with the configured headers; its spans decode with their names,
// ids, parents and attributes. (The encoding was checked once against the
// official go.opentelemetry.io/proto/otlp types; this test reads the wire
// format directly to keep that module out of go.mod.)
func TestExportSpans(t *testing.T) {
	var body []byte
	var header http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/traces" || r.Method != http.MethodPost {
			http.Error(w, "wrong path", http.StatusNotFound)
			return
		}
		body, _ = io.ReadAll(r.Body)
		header = r.Header.Clone()
	}))
	defer srv.Close()
	cfg, ok, err := FromEnv(func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL, "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer t"}[k]
	})
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	exp := New(cfg)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "kosmo-lua"))))
	ctx, run := tp.Tracer("kosmo").Start(context.Background(), "kosmo-lua run")
	_, call := tp.Tracer("kosmo").Start(ctx, "workos organizations_list", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.Int("http.response.status_code", 200), attribute.String("workos.function", "organizations_list")))
	call.End()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	_ = run // ended by nobody: only the call span is exported
	if got := header.Get("Content-Type"); got != "application/x-protobuf" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := header.Get("Authorization"); got != "Bearer t" {
		t.Errorf("Authorization = %q", got)
	}
	// ExportTraceServiceRequest.resource_spans[0].scope_spans[0].spans[0]
	rs := fields(t, body)[1]
	if len(rs) != 1 {
		t.Fatalf("%d resource spans", len(rs))
	}
	rsf := fields(t, rs[0])
	res := fields(t, rsf[1][0])
	kv := fields(t, res[1][0])
	if string(kv[1][0]) != "service.name" {
		t.Errorf("resource attribute %q", kv[1][0])
	}
	ss := fields(t, rsf[2][0])
	if scope := fields(t, ss[1][0]); string(scope[1][0]) != "kosmo" {
		t.Errorf("scope %q", scope[1][0])
	}
	span := fields(t, ss[2][0])
	sc := call.SpanContext()
	tid, sid, psid := sc.TraceID(), sc.SpanID(), run.SpanContext().SpanID()
	checks := map[string][2]string{
		"name":      {string(span[5][0]), "workos organizations_list"},
		"trace id":  {string(span[1][0]), string(tid[:])},
		"span id":   {string(span[2][0]), string(sid[:])},
		"parent id": {string(span[4][0]), string(psid[:])},
	}
	for what, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %x, want %x", what, c[0], c[1])
		}
	}
	if len(span[9]) != 2 {
		t.Errorf("%d attributes, want 2", len(span[9]))
	}
}

// fields decodes one protobuf message into its length-delimited fields
// (and varints and fixed values as their raw bytes), by field number.
func fields(t *testing.T, b []byte) map[protowire.Number][][]byte {
	t.Helper()
	out := map[protowire.Number][][]byte{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		var v []byte
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n >= 0 {
				v = b[:n]
			}
		}
		if n < 0 {
			t.Fatalf("bad field %d: %v", num, protowire.ParseError(n))
		}
		out[num] = append(out[num], v)
		b = b[n:]
	}
	return out
}
