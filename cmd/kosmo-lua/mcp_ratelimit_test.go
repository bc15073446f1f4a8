package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestRateLimitSpreadsCalls: with --rate-limit 4 --rate-burst 1, a script's
// six WorkOS calls are spread over more than a second, and all succeed.
func TestRateLimitSpreadsCalls(t *testing.T) {
	te := emulatedEnv(t)
	rf := &RuntimeFlags{Emulate: true, RateLimit: api.RateLimit{PerSecond: 4, Burst: 1}}
	rt, _, err := te.f.Runtime(rf)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	start := time.Now()
	res, err := rt.Run(context.Background(), runtime.Script{Source: `for i = 1, 6 do workos.organizations_list{limit = 1} end return "ok"`})
	if err != nil || !res.OK {
		t.Fatalf("run: %v %+v", err, res)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("6 calls at 4/s took %v; want more than 1 s", took)
	}
}

func TestRateLimitFlags(t *testing.T) {
	te := newTestEnv(t)
	var got *MCPOptions
	cmd := newCmdMCPWith(te.f, func(_ context.Context, o *MCPOptions) error { got = o; return nil }, nil)
	cmd.SetArgs([]string{"--rate-limit", "2.5", "--rate-burst", "5"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Flags.RateLimit != (api.RateLimit{PerSecond: 2.5, Burst: 5}) {
		t.Errorf("RateLimit = %+v", got.Flags.RateLimit)
	}
	cmd = newCmdMCPWith(te.f, func(context.Context, *MCPOptions) error { return nil }, nil)
	cmd.SetArgs([]string{"--rate-limit", "-1"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "--rate-limit") {
		t.Errorf("--rate-limit -1: %v", err)
	}
}
