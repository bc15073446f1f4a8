package main

import (
	"context"
	"fmt"

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
}

// EmulatorServerOptions configure a served emulator.
type EmulatorServerOptions struct {
	// Addr is the listen address; empty picks a free port on 127.0.0.1.
	Addr string
	// SeedFile is a JSON or YAML seed; empty uses the default seed.
	SeedFile string
	// StateFile persists state across restarts; empty keeps it in memory.
	StateFile string
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
		Use:   "emulate [--addr 127.0.0.1:4100] [--seed FILE] [--state FILE]",
		Short: "Serve the local WorkOS emulator over HTTP",
		Long: `Serve a local, stateful WorkOS API emulator with seed data, for scripts,
SDKs and tests. It accepts the fake key sk_test_default. Stop it with Ctrl-C;
with --state the data survives restarts.

It prints the environment to use it on stderr and, when stdout is not a
terminal, one JSON line {"url", "api_key"} on stdout.`,
		Example: `  kosmo-lua emulate
  kosmo-lua emulate --addr 127.0.0.1:4100 --state .emulator.json &
  WORKOS_BASE_URL=http://127.0.0.1:4100 WORKOS_API_KEY=sk_test_default kosmo-lua run script.lua`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return emulateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:4100", "Address to listen on (port 0 picks a free port)")
	cmd.Flags().StringVar(&opts.Seed, "seed", "", "Seed data file (JSON or YAML); default: built-in seed")
	cmd.Flags().StringVar(&opts.State, "state", "", "State file: loaded at start, saved after every change")
	return cmd
}

func emulateRun(ctx context.Context, opts *EmulateOptions) error {
	srv, err := opts.Start(ctx, EmulatorServerOptions{Addr: opts.Addr, SeedFile: opts.Seed, StateFile: opts.State})
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
