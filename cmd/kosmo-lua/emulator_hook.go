package main

import (
	"context"
	"errors"
	"net/http"
)

// inProcessEmulator is the production [Factory.Emulator].
func inProcessEmulator() (*http.Client, string, error) {
	return nil, "", errors.New("emulator: not built yet")
}

// startEmulator serves an emulator on a socket.
func startEmulator(ctx context.Context, o EmulatorServerOptions) (*EmulatorServer, error) {
	return nil, errors.New("emulator: not built yet")
}
