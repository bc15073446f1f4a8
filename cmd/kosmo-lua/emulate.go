package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"

	"github.com/spf13/cobra"
)

// EmulateOptions are the inputs of `kosmo-lua emulate`.
type EmulateOptions struct {
	IO *IOStreams
	// Start starts an emulator server (startEmulator in production).
	Start func(ctx context.Context, o EmulatorServerOptions) (*EmulatorServer, error)
	// Addr, Seed and State are the flags.
	Addr  string
	Seed  string
	State string
	// Log, StrictIdempotency, WebhooksAllowRemote, WebhookAttempts and
	// WebhookBackoff are the flags of the same names; zero attempts or backoff
	// mean the emulator's defaults (5 attempts, 1 s).
	Log                 bool
	StrictIdempotency   bool
	WebhooksAllowRemote bool
	WebhookAttempts     int
	WebhookBackoff      time.Duration
	// SeedSchema prints the seed files' JSON Schema instead of serving.
	SeedSchema bool
}

// EmulatorServerOptions configure a served emulator.
type EmulatorServerOptions struct {
	// Addr is the listen address; empty picks a free port on 127.0.0.1.
	Addr string
	// SeedFile is a JSON or YAML seed; empty uses the default seed.
	SeedFile string
	// StateFile persists state across restarts; empty keeps it in memory.
	StateFile string
	// Log, when set, receives one line per request and webhook attempt.
	Log io.Writer
	// StrictIdempotency answers 400 idempotency_key_reused for a reused key
	// with another body; false replays the first response (the spec).
	StrictIdempotency bool
	// Webhooks configure webhook delivery (zero value: the emulator's defaults).
	Webhooks emulator.WebhookOptions
}

// EmulatorServer is a running emulator.
type EmulatorServer struct {
	// URL is the base URL clients use.
	URL string
	// APIKey is the (public, fake) key the emulator accepts.
	APIKey string
	// Close stops the server and saves the state file.
	Close func() error
}

func newCmdEmulate(f *Factory, runF func(context.Context, *EmulateOptions) error) *cobra.Command {
	opts := &EmulateOptions{IO: f.IOStreams, Start: startEmulator}
	cmd := &cobra.Command{
		Use:   "emulate [--addr 127.0.0.1:4100] [--seed FILE] [--state FILE] [--log]",
		Short: "Serve the local WorkOS emulator over HTTP",
		Long: `Serve a local, stateful WorkOS API emulator with seed data, for scripts,
SDKs and tests. It accepts the fake key sk_test_default. Stop it with Ctrl-C;
with --state the data survives restarts.

It prints the environment to use it on stderr and, when stdout is not a
terminal, one JSON line {"url", "api_key"} on stdout. --log adds one line per
request (method, path, status, latency, request id) on stderr.

Events are POSTed to the enabled webhook endpoints subscribed to them, signed
with the endpoint's secret (WorkOS-Signature), and retried with backoff on a
non-2xx answer or a timeout; GET /_emulate/webhooks lists the deliveries. Only
loopback endpoints are contacted unless --webhooks-allow-remote is given.

A seed file is checked against the seed schema (print it with --seed-schema);
an Idempotency-Key replays its first response, as WorkOS's API documents, even
for another body unless --strict-idempotency is given.`,
		Example: `  kosmo-lua emulate
  kosmo-lua emulate --addr 127.0.0.1:4100 --state .emulator.json &
  WORKOS_BASE_URL=http://127.0.0.1:4100 WORKOS_API_KEY=sk_test_default kosmo-lua run script.lua
  kosmo-lua emulate --seed-schema > seed.schema.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.WebhookAttempts < 1 {
				return flagErrorf("--webhook-attempts must be at least 1 (1 makes no retries), not %d", opts.WebhookAttempts)
			}
			if opts.WebhookBackoff <= 0 {
				return flagErrorf("--webhook-backoff must be positive, such as 1s or 200ms, not %s", opts.WebhookBackoff)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return emulateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:4100", "Address to listen on (port 0 picks a free port)")
	cmd.Flags().StringVar(&opts.Seed, "seed", "", "Seed data file (JSON or YAML); default: built-in seed")
	cmd.Flags().StringVar(&opts.State, "state", "", "State file: loaded at start, saved after every change")
	cmd.Flags().BoolVar(&opts.Log, "log", false, "Log each request (method, path, status, latency, request id) and webhook attempt to stderr")
	cmd.Flags().BoolVar(&opts.StrictIdempotency, "strict-idempotency", false, "Answer 400 idempotency_key_reused when an Idempotency-Key comes back with another body (default: replay the first response, as the API does)")
	cmd.Flags().BoolVar(&opts.WebhooksAllowRemote, "webhooks-allow-remote", false, "Deliver webhooks to endpoints that are not on a loopback address")
	cmd.Flags().IntVar(&opts.WebhookAttempts, "webhook-attempts", 5, "Attempts per webhook delivery, the first included (1: no retries)")
	cmd.Flags().DurationVar(&opts.WebhookBackoff, "webhook-backoff", time.Second, "Wait before the first webhook retry; doubles per retry, at most 1m")
	cmd.Flags().BoolVar(&opts.SeedSchema, "seed-schema", false, "Print the JSON Schema of seed files and exit")
	return cmd
}

func emulateRun(ctx context.Context, opts *EmulateOptions) error {
	if opts.SeedSchema {
		_, err := opts.IO.Out.Write(emulator.SeedSchema())
		return err
	}
	so := EmulatorServerOptions{Addr: opts.Addr, SeedFile: opts.Seed, StateFile: opts.State, StrictIdempotency: opts.StrictIdempotency,
		Webhooks: emulator.WebhookOptions{AllowRemote: opts.WebhooksAllowRemote, MaxAttempts: opts.WebhookAttempts, Backoff: opts.WebhookBackoff}}
	if opts.Log {
		so.Log = opts.IO.ErrOut
	}
	srv, err := opts.Start(ctx, so)
	var seedErr *emulator.SeedError
	if errors.As(err, &seedErr) {
		return &ExitError{Code: exitUsage, Err: err}
	}
	if err != nil {
		return err
	}
	if !opts.IO.IsStdoutTTY() {
		if err := writeJSON(opts.IO.Out, map[string]string{"url": srv.URL, "api_key": srv.APIKey}, false); err != nil {
			srv.Close()
			return err
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "WorkOS emulator listening on %s (Ctrl-C to stop)\n", srv.URL)
	fmt.Fprintf(opts.IO.ErrOut, "  export WORKOS_BASE_URL=%s WORKOS_API_KEY=%s\n", srv.URL, srv.APIKey)
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		return fmt.Errorf("emulate: stopping: %w", err)
	}
	fmt.Fprintln(opts.IO.ErrOut, "emulator stopped")
	return nil
}
