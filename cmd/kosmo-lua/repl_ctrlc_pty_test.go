package main

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestREPLCtrlCKeepsState runs the built binary's REPL on a pseudo-terminal
// that is its controlling terminal, so Ctrl-C is the terminal's SIGINT: it
// stops the running input, and the globals of earlier inputs are still
// there (the script runs in a worker process).
func TestREPLCtrlCKeepsState(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "repl", "--emulate", "--timeout", "30s")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_STATE_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	ptm, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-done
		ptm.Close()
	}()
	out := &ptyOutput{}
	go func() { _, _ = io.Copy(out, ptm) }()
	send := func(s string) {
		t.Helper()
		if _, err := ptm.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	at := out.expect(t, 0, replPrompt)
	send("x = 41\r")
	at = out.expect(t, at, replPrompt)
	send("while true do end\r")
	time.Sleep(500 * time.Millisecond)
	send("\x03")
	at = out.expect(t, at, "canceled")
	at = out.expect(t, at, replPrompt)
	send("x + 1\r")
	end := out.expect(t, at, "42")
	if strings.Contains(out.String()[at:end], replNote) {
		t.Errorf("the state was reset after Ctrl-C:\n%s", out.String()[at:end])
	}
	send(":quit\r")
	select {
	case err := <-done:
		done <- err // for the deferred cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("the REPL did not quit")
	}
}
