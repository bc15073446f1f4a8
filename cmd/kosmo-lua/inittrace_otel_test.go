package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoGRPCInit: tracing links the OpenTelemetry SDK and a small OTLP
// encoder, not the official OTLP exporters, whose gRPC and generated
// protobuf packages would initialise in every process (and every worker),
// traced or not.
func TestNoGRPCInit(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("version: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "init" {
			continue
		}
		for _, heavy := range []string{"google.golang.org/grpc", "go.opentelemetry.io/proto/otlp", "go.opentelemetry.io/otel/exporters/"} {
			if strings.HasPrefix(f[1], heavy) {
				t.Errorf("package %s initialises at start-up", f[1])
			}
		}
	}
}
