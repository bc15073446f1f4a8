package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestEmulateBinaryStopsOnSIGTERM runs the built binary with --log, makes a
// request and leaves a webhook delivery hanging at a receiver that never
// answers, then sends SIGTERM: the process exits 0 promptly (the delivery is
// cancelled, not awaited) and stderr has the request's log line.
func TestEmulateBinaryStopsOnSIGTERM(t *testing.T) {
	bin := buildBinary(t)
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer rcv.Close()
	defer close(release)

	cmd := exec.Command(bin, "emulate", "--addr", "127.0.0.1:0", "--log")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the emulator's JSON line: %v (stderr %s)", err, stderr.String())
	}
	var info struct{ URL, APIKey string }
	if err := json.Unmarshal([]byte(strings.ReplaceAll(line, "api_key", "apikey")), &info); err != nil || info.URL == "" {
		t.Fatalf("JSON line %q: %v", line, err)
	}
	post := func(path, body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", info.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+info.APIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("POST %s: %d", path, resp.StatusCode)
		}
	}
	post("/webhook_endpoints", `{"endpoint_url":"`+rcv.URL+`","events":["user.created"]}`)
	post("/user_management/users", `{"email":"sigterm@example.com"}`)
	select {
	case <-arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the webhook delivery did not arrive")
	}

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Errorf("exit after SIGTERM: %v (stderr %s)", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10 s after SIGTERM (stderr %s)", stderr.String())
	}
	t.Logf("exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))

	var logLines []string
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(l, "time=") {
			logLines = append(logLines, l)
			if strings.Contains(l, info.APIKey) {
				t.Errorf("a log line has the API key: %s", l)
			}
		}
	}
	want := []string{`msg="emulator request"`, "method=POST", "path=/user_management/users", "status=201", "latency_ms=", "request_id=req_"}
	found := false
	for _, l := range logLines {
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(l, w)
		}
		found = found || ok
	}
	if !found {
		t.Errorf("no log line with %q in:\n%s", want, strings.Join(logLines, "\n"))
	}
	if !strings.Contains(stderr.String(), `msg="emulator webhook"`) {
		t.Errorf("the webhook attempt is not logged:\n%s", stderr.String())
	}
}

// TestEmulateBadSeedIsUsageError: a seed file with an unknown nested key stops
// emulate with exit status 2 and the key's path.
func TestEmulateBadSeedIsUsageError(t *testing.T) {
	te := newTestEnv(t)
	seed := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(seed, []byte("organizations:\n  - name: X\n    bogus: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := te.run("emulate", "--addr", "127.0.0.1:0", "--seed", seed); code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, w := range []string{seed, "organizations[0].bogus: unknown key; allowed keys: ", "name"} {
		if !strings.Contains(te.errb.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, te.errb.String())
		}
	}
}
