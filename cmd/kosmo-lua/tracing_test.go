package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestOTLPExportFromEnv: with OTEL_EXPORTER_OTLP_ENDPOINT set, a run exports
// its span and its calls' spans to the collector before the command returns;
// the key never reaches it. With nothing set, nothing is sent.
func TestOTLPExportFromEnv(t *testing.T) {
	var mu sync.Mutex
	var got [][]byte
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, b)
		mu.Unlock()
	}))
	defer collector.Close()
	for _, traced := range []bool{true, false} {
		mu.Lock()
		got = nil
		mu.Unlock()
		te := emulatedEnv(t)
		if traced {
			te.env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.URL
			te.env["OTEL_SERVICE_NAME"] = "agent-runner"
		}
		if code := te.run("run", "--emulate", "-e", "workos.organizations_list{limit = 1} return 1"); code != exitOK {
			t.Fatalf("exit %d: %s", code, te.errb.String())
		}
		mu.Lock()
		all := bytes.Join(got, nil)
		mu.Unlock()
		if !traced {
			if len(got) != 0 {
				t.Errorf("%d exports with no OTEL_* variable set", len(got))
			}
			continue
		}
		for _, want := range []string{"kosmo-lua run", "workos organizations_list", "agent-runner", "http.response.status_code"} {
			if !bytes.Contains(all, []byte(want)) {
				t.Errorf("the collector got no %q", want)
			}
		}
		assertNoKey(t, string(all))
	}
}

// TestOTLPUnsupportedProtocolWarns: a gRPC protocol is not exported to, and
// says so once without failing the command.
func TestOTLPUnsupportedProtocolWarns(t *testing.T) {
	te := emulatedEnv(t)
	te.env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317"
	te.env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc"
	if code := te.run("run", "--emulate", "-e", "return 1"); code != exitOK {
		t.Fatalf("exit %d: %s", code, te.errb.String())
	}
	if !bytes.Contains(te.errb.Bytes(), []byte("tracing is off")) || bytes.Count(te.errb.Bytes(), []byte("warning")) != 1 {
		t.Errorf("stderr = %q", te.errb.String())
	}
}
