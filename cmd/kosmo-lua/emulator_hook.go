package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
)

// inProcessEmulator is the production [Factory.Emulator]: a fresh emulator
// with its default seed, answering through an in-process transport (no
// socket). It is built in the background, so its start overlaps the worker's,
// and a run that calls nothing never waits for it.
func inProcessEmulator() (*http.Client, string, error) {
	l := &backgroundEmulator{ready: make(chan struct{})}
	go l.build()
	return &http.Client{Transport: l}, emulator.DefaultAPIKey, nil
}

// backgroundEmulator is an http.RoundTripper whose emulator is being built;
// requests wait until it is ready.
type backgroundEmulator struct {
	ready chan struct{}
	rt    http.RoundTripper
	err   error
}

func (b *backgroundEmulator) build() {
	defer close(b.ready)
	e, err := emulator.New(nil)
	if err != nil {
		b.err = fmt.Errorf("emulator: %w", err)
		return
	}
	b.rt = e.Transport()
}

// RoundTrip answers req from the emulator once it is built.
func (b *backgroundEmulator) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case <-b.ready:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	if b.err != nil {
		return nil, b.err
	}
	return b.rt.RoundTrip(req)
}

// startEmulator serves an emulator on a socket (`kosmo-lua emulate`).
func startEmulator(ctx context.Context, o EmulatorServerOptions) (*EmulatorServer, error) {
	eo := &emulator.Options{SeedFile: o.SeedFile, StateFile: o.StateFile, StrictIdempotency: o.StrictIdempotency, Webhooks: o.Webhooks}
	if o.Log != nil {
		eo.Logger = slog.New(slog.NewTextHandler(o.Log, &slog.HandlerOptions{Level: slog.LevelDebug,
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.LevelKey && len(groups) == 0 {
					return slog.Attr{} // every line is debug; the level says nothing
				}
				return a
			}}))
	}
	e, err := emulator.New(eo)
	if err != nil {
		return nil, err
	}
	srv, err := e.Start(ctx, o.Addr)
	if err != nil {
		return nil, err
	}
	return &EmulatorServer{URL: srv.URL, APIKey: emulator.DefaultAPIKey, Close: srv.Close}, nil
}
