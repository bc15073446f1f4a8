package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/otlp"
)

// tracing is the process's OpenTelemetry set-up: built on first use from the
// standard OTEL_* variables, and only when they ask for an OTLP exporter, so
// a process with none set starts no exporter and pays nothing.
type tracing struct {
	once     sync.Once
	provider *sdktrace.TracerProvider
}

// shutdownTimeout bounds the flush of the last spans at exit.
const shutdownTimeout = 5 * time.Second

// tracerProvider returns the process's TracerProvider, or nil when no OTLP
// endpoint is configured. A configuration it cannot use (a gRPC protocol, a
// bad URL) is reported once on stderr and traces nothing; it never stops a
// command.
func (f *Factory) tracerProvider() trace.TracerProvider {
	if f.tracing == nil {
		f.tracing = &tracing{}
	}
	t := f.tracing
	t.once.Do(func() {
		cfg, ok, err := otlp.FromEnv(f.Getenv)
		if err != nil {
			fmt.Fprintf(f.IOStreams.ErrOut, "warning: tracing is off: %v\n", err)
			return
		}
		if !ok {
			return
		}
		t.provider = sdktrace.NewTracerProvider(sdktrace.WithBatcher(otlp.New(cfg)), sdktrace.WithResource(f.traceResource()))
	})
	if t.provider == nil {
		return nil // a typed nil would look like a provider
	}
	return t.provider
}

// traceResource describes this process: service.name kosmo-lua and its
// version, overridden by OTEL_RESOURCE_ATTRIBUTES (k=v,k2=v2, values
// percent-encoded) and OTEL_SERVICE_NAME, read through the Factory's
// environment.
func (f *Factory) traceResource() *resource.Resource {
	attrs := []attribute.KeyValue{attribute.String("service.name", "kosmo-lua"), attribute.String("service.version", f.Version),
		attribute.String("telemetry.sdk.name", "opentelemetry"), attribute.String("telemetry.sdk.language", "go")}
	for _, pair := range strings.Split(f.Getenv("OTEL_RESOURCE_ATTRIBUTES"), ",") {
		k, v, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			continue
		}
		if dv, err := url.PathUnescape(strings.TrimSpace(v)); err == nil {
			attrs = append(attrs, attribute.String(k, dv))
		}
	}
	if name := strings.TrimSpace(f.Getenv("OTEL_SERVICE_NAME")); name != "" {
		attrs = append(attrs, attribute.String("service.name", name))
	}
	return resource.NewSchemaless(attrs...) // later attributes win
}

// shutdownTracing exports the spans still buffered; a no-op when tracing
// never started.
func (f *Factory) shutdownTracing() {
	if f.tracing == nil || f.tracing.provider == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := f.tracing.provider.Shutdown(ctx); err != nil {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: exporting traces: %v\n", err)
	}
}
