package emulator

import (
	"context"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestServerCloseEndsGoroutines starts servers whose context never ends and checks
// that Close leaves no goroutine behind (Start used to wait on ctx.Done forever).
func TestServerCloseEndsGoroutines(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	const servers = 20
	before := runtime.NumGoroutine()
	for range servers {
		srv, err := e.Start(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Goroutines end asynchronously; allow a few seconds on a loaded machine and a
	// small slack for unrelated runtime goroutines, far below one per server.
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before+servers/4 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after closing %d servers, %d before: Close leaves goroutines behind", n, servers, before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServerStopsWhenContextEnds checks the other way to stop a server: its context.
func TestServerStopsWhenContextEnds(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := e.Start(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(srv.URL, "http://")
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return // no longer listening
		}
		_ = conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server is still listening after its context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
