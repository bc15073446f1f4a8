// Package otlp exports OpenTelemetry spans over OTLP/HTTP with protobuf
// encoding, configured by the standard OTEL_EXPORTER_OTLP_* variables.
//
// It encodes the few OTLP trace messages itself (with protowire) instead of
// linking the official OTLP exporter, whose gRPC and generated-protobuf
// dependencies would run their package initialisation in every kosmo-lua
// process, traced or not.
package otlp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// DefaultEndpoint is the collector's OTLP/HTTP address when only the
// protocol or headers are set.
const DefaultEndpoint = "http://localhost:4318"

// DefaultTimeout bounds one export when OTEL_EXPORTER_OTLP_TIMEOUT is unset.
const DefaultTimeout = 10 * time.Second

// Config says where and how spans are sent. The zero value is not usable:
// build it with [FromEnv].
type Config struct {
	// URL is the traces endpoint (…/v1/traces).
	URL string
	// Header is sent with every export (OTEL_EXPORTER_OTLP_HEADERS).
	Header http.Header
	// Timeout bounds one export.
	Timeout time.Duration
	// HTTPClient sends the exports. If nil, a client of its own.
	HTTPClient *http.Client
}

// UnsupportedProtocolError says OTEL_EXPORTER_OTLP_PROTOCOL asks for a
// protocol this exporter does not speak.
type UnsupportedProtocolError struct{ Protocol string }

func (e *UnsupportedProtocolError) Error() string {
	return fmt.Sprintf("OTEL_EXPORTER_OTLP_PROTOCOL=%s is not supported: kosmo-lua exports traces over http/protobuf; set it to http/protobuf and point OTEL_EXPORTER_OTLP_ENDPOINT at the collector's HTTP port (4318)", e.Protocol)
}

// FromEnv reads the exporter's configuration: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
// (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces), the _HEADERS,
// _TIMEOUT (milliseconds) and _PROTOCOL variables with their TRACES_ forms
// winning. ok is false when no endpoint is set, when OTEL_SDK_DISABLED is
// true or OTEL_TRACES_EXPORTER does not name otlp: nothing is exported then.
func FromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_" + name)); v != "" {
			return v
		}
		return strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_" + name))
	}
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return cfg, false, nil
	}
	if e := strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")); e != "" && !strings.Contains(","+strings.ToLower(e)+",", ",otlp,") {
		return cfg, false, nil
	}
	switch {
	case strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) != "":
		cfg.URL = strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
	case strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")) != "":
		cfg.URL = strings.TrimRight(strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")), "/") + "/v1/traces"
	default:
		return cfg, false, nil
	}
	if p := get("PROTOCOL"); p != "" && p != "http/protobuf" {
		return cfg, false, &UnsupportedProtocolError{Protocol: p}
	}
	if u, perr := url.Parse(cfg.URL); perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cfg, false, fmt.Errorf("OTLP traces endpoint %q is not an http(s) URL, e.g. %s", cfg.URL, DefaultEndpoint)
	}
	cfg.Header = http.Header{}
	if h := get("HEADERS"); h != "" {
		for _, pair := range strings.Split(h, ",") {
			k, v, found := strings.Cut(pair, "=")
			k, _ = url.PathUnescape(strings.TrimSpace(k))
			v, _ = url.PathUnescape(strings.TrimSpace(v))
			if !found || k == "" {
				return cfg, false, fmt.Errorf("OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas")
			}
			cfg.Header.Add(k, v)
		}
	}
	cfg.Timeout = DefaultTimeout
	if t := get("TIMEOUT"); t != "" {
		n, perr := strconv.Atoi(t)
		if perr != nil || n <= 0 {
			return cfg, false, fmt.Errorf("OTEL_EXPORTER_OTLP_TIMEOUT must be a positive number of milliseconds, not %q", t)
		}
		cfg.Timeout = time.Duration(n) * time.Millisecond
	}
	return cfg, true, nil
}

// Exporter is an sdktrace.SpanExporter sending OTLP/HTTP protobuf.
type Exporter struct {
	cfg    Config
	client *http.Client
	mu     sync.Mutex
	closed bool
}

// New returns an Exporter for cfg.
func New(cfg Config) *Exporter {
	c := cfg.HTTPClient
	if c == nil {
		c = &http.Client{}
	}
	return &Exporter{cfg: cfg, client: c}
}

// ExportSpans sends spans in one request.
func (e *Exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed || len(spans) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.cfg.URL, bytes.NewReader(encodeRequest(spans)))
	if err != nil {
		return err
	}
	for k, v := range e.cfg.Header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := e.client.Do(req)
	if err != nil {
		return fmt.Errorf("otlp: exporting %d spans to %s: %w", len(spans), e.cfg.URL, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("otlp: exporting %d spans to %s: the collector answered %s", len(spans), e.cfg.URL, resp.Status)
	}
	return nil
}

// Shutdown stops exporting; spans exported later are dropped.
func (e *Exporter) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	return nil
}
