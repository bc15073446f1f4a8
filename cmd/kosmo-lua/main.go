// Command kosmo-lua runs agent-written Lua scripts against the WorkOS API in a
// sandbox, calls single WorkOS functions, documents them, serves a local WorkOS
// emulator and an MCP server. See `kosmo-lua --help`.
package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
)

// version defaults to the version the WorkOS client sends in its User-Agent; a
// release build may override it with -ldflags "-X main.version=v1.2.3".
var version = api.Version

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := mainRun(ctx, newFactory(version), os.Args[1:])
	stop()
	os.Exit(int(code))
}

// mainRun executes the command line args with f and returns the exit status.
// It is main without the process: tests call it with a test Factory.
func mainRun(ctx context.Context, f *Factory, args []string) exitCode {
	root := newCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	cmd, err := root.ExecuteContextC(ctx)
	f.shutdownTracing()
	if err == nil {
		return exitOK
	}
	path := ""
	if cmd != nil {
		path = cmd.CommandPath()
	}
	code := reportError(f.IOStreams.ErrOut, path, err)
	var done *envelopeShown
	var ee *ExitError
	if !errors.As(err, &done) && !(errors.As(err, &ee) && ee.Err == nil) && wantsJSONEnvelope(cmd, args) {
		// --json promises an envelope on stdout for every failure.
		_ = writeFailureEnvelope(f.IOStreams.Out, cmd, err, code, f.IOStreams.IsStdoutTTY(), "")
	}
	return code
}
