package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// addHTTPFlags registers the flags of `mcp --http` serving.
func addHTTPFlags(cmd *cobra.Command, opts *MCPOptions) {
	cmd.Flags().BoolVar(&opts.NoSessions, "no-sessions", false, "With --http, serve clients on protocol 2025-11-25 and earlier without sessions too, for load balancers without affinity (their notifications/cancelled then stops no run; 2026-07-28 clients never use sessions)")
}

// drainGrace is added to the run timeout when draining: the time a run's
// response takes to be written once the run has ended.
const drainGrace = 5 * time.Second

// warmRetry is the pause between two warm-up runs when one fails.
const warmRetry = time.Second

// httpServer is `mcp --http`: the MCP endpoint plus the probes a load
// balancer or Kubernetes needs, with a graceful drain.
type httpServer struct {
	rt  *runtime.Runtime
	mcp http.Handler
	log *slog.Logger
	// ready is set once a warm-up run has gone through the worker pool.
	ready atomic.Bool
	// draining is set at shutdown: new MCP requests get 503.
	draining atomic.Bool
	// active counts the MCP POST requests being answered.
	active atomic.Int64
}

// handler routes /healthz, /readyz and the MCP endpoint (/mcp and /).
func (s *httpServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("/mcp", http.HandlerFunc(s.serveMCP))
	mux.Handle("/", http.HandlerFunc(s.serveMCP))
	return mux
}

// readyz answers 200 once the worker pool is warm and until draining starts.
func (s *httpServer) readyz(w http.ResponseWriter, r *http.Request) {
	switch {
	case s.draining.Load():
		http.Error(w, "draining: shutting down", http.StatusServiceUnavailable)
	case !s.ready.Load():
		http.Error(w, "starting: the worker pool is not warm yet", http.StatusServiceUnavailable)
	default:
		fmt.Fprintln(w, "ready")
	}
}

// serveMCP refuses new requests while draining and counts the ones it takes.
func (s *httpServer) serveMCP(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Connection", "close")
		http.Error(w, "kosmo-lua mcp is shutting down; retry, the load balancer will pick another replica", http.StatusServiceUnavailable)
		return
	}
	if r.Method == http.MethodPost {
		s.active.Add(1)
		defer s.active.Add(-1)
	}
	s.mcp.ServeHTTP(w, r)
}

// warm runs a trivial script until one succeeds: then a worker has started
// and answered, and the server is ready.
func (s *httpServer) warm(ctx context.Context) {
	for failures := 0; ctx.Err() == nil; failures++ {
		res, err := s.rt.Run(ctx, runtime.Script{Name: "warm-up", Source: "return 1"})
		if err == nil && res.OK {
			s.ready.Store(true)
			s.log.Info("kosmo-lua mcp: ready (worker pool warm)")
			return
		}
		if failures == 0 && ctx.Err() == nil {
			why := fmt.Sprint(err)
			if err == nil {
				why = string(res.Outcome)
				if res.Error != nil {
					why += ": " + res.Error.Message
				}
			}
			s.log.Warn("kosmo-lua mcp: not ready: a warm-up run failed; retrying every second", "error", why)
		}
		select {
		case <-ctx.Done():
		case <-time.After(warmRetry):
		}
	}
}

// serve answers on ln until ctx ends, then drains: /readyz and new MCP
// requests answer 503, the requests in flight get until their run timeout
// (plus drainGrace) to finish, and the rest are cut.
func (s *httpServer) serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	warmCtx, stopWarm := context.WithCancel(ctx)
	defer stopWarm()
	go s.warm(warmCtx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	limit := s.rt.Limits(nil).Timeout + drainGrace
	s.log.Info("kosmo-lua mcp: draining", "in_flight", s.active.Load(), "limit", limit)
	deadline := time.Now().Add(limit)
	for s.active.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := s.active.Load(); n > 0 {
		s.log.Warn("kosmo-lua mcp: drain limit reached; closing requests still in flight", "in_flight", n)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		hs.Close() // long-lived streams (legacy GET) do not end by themselves
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	s.log.Info("kosmo-lua mcp: drained")
	return nil
}

// mcpServeHTTP listens on addr and serves srv until ctx ends.
func mcpServeHTTP(ctx context.Context, addr string, rt *runtime.Runtime, srv http.Handler, logger *slog.Logger, attrs ...any) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return flagErrorf("--http %s: %v", addr, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		logger.Warn("kosmo-lua mcp: listening on a non-loopback address without authentication; anyone who can reach it can use the server's WorkOS credentials", "addr", ln.Addr().String())
	}
	base := "http://" + ln.Addr().String()
	logger.Info("kosmo-lua mcp: listening", append([]any{"url", base + "/mcp", "health", base + "/healthz", "ready", base + "/readyz"}, attrs...)...)
	s := &httpServer{rt: rt, mcp: srv, log: logger}
	return s.serve(ctx, ln)
}
