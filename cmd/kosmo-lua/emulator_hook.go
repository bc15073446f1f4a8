package main

import (
	"context"
	"net/http"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
)

// inProcessEmulator is the production [Factory.Emulator]: a fresh emulator
// with its default seed, answering through an in-process transport (no socket).
func inProcessEmulator() (*http.Client, string, error) {
	e, err := emulator.New(nil)
	if err != nil {
		return nil, "", err
	}
	return &http.Client{Transport: e.Transport()}, emulator.DefaultAPIKey, nil
}

// startEmulator serves an emulator on a socket (`kosmo-lua emulate`).
func startEmulator(ctx context.Context, o EmulatorServerOptions) (*EmulatorServer, error) {
	e, err := emulator.New(&emulator.Options{SeedFile: o.SeedFile, StateFile: o.StateFile})
	if err != nil {
		return nil, err
	}
	srv, err := e.Start(ctx, o.Addr)
	if err != nil {
		return nil, err
	}
	return &EmulatorServer{URL: srv.URL, APIKey: emulator.DefaultAPIKey, Close: srv.Close}, nil
}
