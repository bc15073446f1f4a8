package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEmulateServesAndStops(t *testing.T) {
	te := newTestEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan *EmulatorServer, 1)
	state := filepath.Join(t.TempDir(), "state.json")
	opts := &EmulateOptions{IO: te.f.IOStreams, Addr: "127.0.0.1:0", State: state,
		Start: func(ctx context.Context, o EmulatorServerOptions) (*EmulatorServer, error) {
			s, err := startEmulator(ctx, o)
			if err == nil {
				started <- s
			}
			return s, err
		}}
	done := make(chan error, 1)
	go func() { done <- emulateRun(ctx, opts) }()
	var srv *EmulatorServer
	select {
	case srv = <-started:
	case err := <-done:
		t.Fatalf("emulate ended early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("emulator did not start")
	}
	req, _ := http.NewRequest("GET", srv.URL+"/organizations?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || len(body.Data) != 1 {
		t.Fatalf("GET /organizations: %d %v %v", resp.StatusCode, err, body)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("emulate: %v", err)
	}
	var line map[string]string
	if err := json.Unmarshal(te.out.Bytes(), &line); err != nil || line["url"] != srv.URL || line["api_key"] != "sk_test_default" {
		t.Errorf("stdout = %q (%v)", te.out.String(), err)
	}
	if !strings.Contains(te.errb.String(), "export WORKOS_BASE_URL="+srv.URL) {
		t.Errorf("stderr = %q", te.errb.String())
	}
}

func TestEmulateFlags(t *testing.T) {
	te := newTestEnv(t)
	var got *EmulateOptions
	root := newCmdRoot(te.f)
	for _, c := range root.Commands() {
		if c.Name() == "emulate" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newCmdEmulate(te.f, func(_ context.Context, o *EmulateOptions) error { got = o; return nil }))
	root.SetArgs([]string{"emulate", "--addr", "127.0.0.1:9999", "--seed", "s.yaml", "--state", "st.json", "--log",
		"--strict-idempotency", "--webhooks-allow-remote", "--webhook-attempts", "2", "--webhook-backoff", "50ms"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "127.0.0.1:9999" || got.Seed != "s.yaml" || got.State != "st.json" || !got.Log || !got.StrictIdempotency ||
		!got.WebhooksAllowRemote || got.WebhookAttempts != 2 || got.WebhookBackoff != 50*time.Millisecond {
		t.Errorf("options = %+v", got)
	}
	cmd := newCmdEmulate(te.f, func(_ context.Context, o *EmulateOptions) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil || got.Addr != "127.0.0.1:4100" || got.Log || got.StrictIdempotency || got.WebhooksAllowRemote ||
		got.WebhookAttempts != 5 || got.WebhookBackoff != time.Second {
		t.Errorf("defaults = %+v (%v)", got, err)
	}
}
