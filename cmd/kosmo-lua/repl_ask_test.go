package main

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestREPLAsk answers the ask prompt at the REPL's own line editor.
func TestREPLAsk(t *testing.T) {
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	rt, err := runtime.New(&runtime.Options{APIKey: emulator.DefaultAPIKey, BaseURL: EmulatorBaseURL,
		HTTPClient: &http.Client{Transport: em.Transport()}, WritePolicy: runtime.WriteAsk})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	sess, err := rt.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptm.Close()
	defer tty.Close()
	if err := pty.Setsize(ptm, &pty.Winsize{Rows: 40, Cols: 200}); err != nil {
		t.Fatal(err)
	}
	out := &ptyOutput{}
	go func() { _, _ = io.Copy(out, ptm) }()
	ios := &IOStreams{In: tty, Out: tty, ErrOut: tty, stdinTTY: true, stdoutTTY: true, stderrTTY: true}
	opts := &REPLOptions{IO: ios, Catalog: catalog.Default()}
	r := &repl{sess: sess, cat: opts.Catalog, out: tty, errOut: tty, pretty: true}
	done := make(chan error, 1)
	go func() { done <- r.loopReadline(context.Background(), opts) }()

	at := out.expect(t, 0, replPrompt)
	for _, s := range []struct{ send, want string }{
		{`x = workos.organizations_create{name = "Repl Corp"}.name` + "\r", "Send it?"},
		{"y\r", replPrompt},
		{"x\r", `"Repl Corp"`},
		{`ok = pcall(workos.organizations_create, {name = "No Corp"})` + "\r", "Send it?"},
		{"n\r", replPrompt},
		{"ok\r", "false"},
	} {
		if _, err := ptm.Write([]byte(s.send)); err != nil {
			t.Fatal(err)
		}
		at = out.expect(t, at, s.want)
	}
	if _, err := ptm.Write([]byte(":quit\r")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("REPL did not quit")
	}
}
