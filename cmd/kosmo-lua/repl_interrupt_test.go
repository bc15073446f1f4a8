package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestREPLInterruptCancelsOnlyTheInput: Ctrl-C (SIGINT) while an input runs
// stops that input and the session goes on; SIGTERM ends the session.
func TestREPLInterruptCancelsOnlyTheInput(t *testing.T) {
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	rt, err := runtime.New(&runtime.Options{APIKey: emulator.DefaultAPIKey, BaseURL: "http://emulator.local",
		HTTPClient: &http.Client{Transport: em.Transport()}})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := rt.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errOut bytes.Buffer
	r := &repl{sess: sess, cat: catalog.Default(), out: &out, errOut: &errOut}
	sigs := make(chan os.Signal, 1)

	go func() { time.Sleep(200 * time.Millisecond); sigs <- os.Interrupt }()
	start := time.Now()
	_, quit, term := r.feedInterruptible(context.Background(), sigs, "while true do end")
	if quit || term || time.Since(start) > 5*time.Second {
		t.Fatalf("interrupt: quit=%v terminated=%v after %v", quit, term, time.Since(start))
	}
	if !strings.Contains(errOut.String(), "canceled") {
		t.Errorf("stderr does not report the canceled input:\n%s", errOut.String())
	}
	if _, quit, term := r.feedInterruptible(context.Background(), sigs, "1 + 1"); quit || term || !strings.Contains(out.String(), "2") {
		t.Fatalf("the session did not go on after the interrupt: stdout %q", out.String())
	}

	sigs <- syscall.SIGTERM
	if _, _, term := r.feedInterruptible(context.Background(), sigs, "while true do end"); !term {
		t.Fatal("SIGTERM did not end the session")
	}
}
