package main

import (
	"strings"
	"testing"
)

// TestNoGRPCInit: tracing links the OpenTelemetry SDK and a small OTLP
// encoder, not the official OTLP exporters, whose gRPC and generated
// protobuf packages would initialise in every process (and every worker),
// traced or not.
func TestNoGRPCInit(t *testing.T) {
	for _, in := range versionInits(t) {
		for _, heavy := range []string{"google.golang.org/grpc", "go.opentelemetry.io/proto/otlp", "go.opentelemetry.io/otel/exporters/"} {
			if strings.HasPrefix(in.pkg, heavy) {
				t.Errorf("package %s initialises at start-up", in.pkg)
			}
		}
	}
}
