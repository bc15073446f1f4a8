package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// slowWorkOS answers every request after delay with an empty list.
func slowWorkOS(t *testing.T, delay time.Duration) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[],"list_metadata":{"before":null,"after":null}}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

const twoSlowCalls = "workos.organizations_list{limit = 1} workos.organizations_list{limit = 1} return 1"

// TestProgressLineOnATerminal: a run still going after a second shows a
// status line on a terminal's stderr (elapsed, calls so far, last function)
// and erases it at the end, before the result.
func TestProgressLineOnATerminal(t *testing.T) {
	_, tty, term := openPTY(t)

	srv := slowWorkOS(t, 1500*time.Millisecond)
	te := newTestEnv(t)
	te.f.IOStreams.ErrOut = tty
	te.f.IOStreams.SetStderrTTY(true)
	te.env["WORKOS_API_KEY"] = fakeKey
	te.env["WORKOS_BASE_URL"] = srv.URL
	if code := te.run("run", "-e", twoSlowCalls); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	at := term.expect(t, 0, "running ")
	term.expect(t, at, "1 call, last workos.organizations_list")
	// Every redraw starts with eraseLine too: wait for the terminal to end
	// with one (the copy from the pty may lag the command's return).
	deadline := time.Now().Add(10 * time.Second)
	for !strings.HasSuffix(term.String(), eraseLine) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s := term.String(); !strings.HasSuffix(s, eraseLine) {
		t.Errorf("the status line was not erased at the end: %q", s[max(0, len(s)-80):])
	}
	if te.out.String() != "1\n" {
		t.Errorf("stdout = %q", te.out.String())
	}
	assertNoKey(t, term.String())
}

// TestNoProgressLineWithoutATerminal: stderr that is not a terminal (or -v)
// never gets a status line.
func TestNoProgressLineWithoutATerminal(t *testing.T) {
	srv := slowWorkOS(t, 1200*time.Millisecond)
	te := newTestEnv(t)
	te.env["WORKOS_API_KEY"] = fakeKey
	te.env["WORKOS_BASE_URL"] = srv.URL
	if code := te.run("run", "-e", "workos.organizations_list{limit = 1} return 1"); code != exitOK {
		t.Fatalf("exit %d: %s", code, te.errb.String())
	}
	if strings.Contains(te.errb.String(), "running") || strings.Contains(te.errb.String(), "\r") {
		t.Errorf("status line on a non-terminal stderr: %q", te.errb.String())
	}
}
