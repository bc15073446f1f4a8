package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is an emulator listening on a real socket, started by [Emulator.Start].
type Server struct {
	// URL is the base URL to give clients, e.g. "http://127.0.0.1:43123".
	URL string
	srv *http.Server
	ln  net.Listener
	e   *Emulator

	// stopWatch ends the wait on Start's context, so a context that never ends
	// does not keep a goroutine alive after Close.
	stopWatch func() bool
	closeOnce sync.Once
	closeErr  error
}

// Start listens on addr ("127.0.0.1:0" picks a free port; empty means that) and
// serves until ctx is done or Close is called.
func (e *Emulator) Start(ctx context.Context, addr string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("emulator: listen on %s: %w (pick another address or port 0)", addr, err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), ln: ln, e: e,
		srv: &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}}
	go func() { _ = s.srv.Serve(ln) }()
	s.stopWatch = context.AfterFunc(ctx, func() { _ = s.Close() })
	return s, nil
}

// Close stops the server and saves the emulator's state file, if any. It runs
// once: a second or concurrent call (Start closes the server when its context
// ends) waits for the first and returns its error, so no save outlives Close.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.stopWatch()
		err := s.srv.Close()
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.closeErr = errors.Join(err, s.e.Close())
	})
	return s.closeErr
}
