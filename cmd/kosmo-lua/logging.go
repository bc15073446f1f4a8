package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
)

// logEnv is the environment variable that sets the log level on stderr
// (debug, info, warn, error); -v/--verbose is KOSMO_LUA_LOG=debug.
const logEnv = "KOSMO_LUA_LOG"

// addVerboseFlag registers -v/--verbose on the root, for every command.
func addVerboseFlag(root *cobra.Command, f *Factory) {
	root.PersistentFlags().BoolVarP(&f.Verbose, "verbose", "v", false,
		"Log every WorkOS HTTP request on stderr: method, path and query, status, latency, retries and waits, request id (the key and secrets redacted; also "+logEnv+"=debug)")
}

// logLevel is the level -v or KOSMO_LUA_LOG asks for; ok is false when
// neither asks for logs.
func (f *Factory) logLevel() (level slog.Level, ok bool, err error) {
	if f.Verbose {
		return slog.LevelDebug, true, nil
	}
	v := strings.ToLower(strings.TrimSpace(f.Getenv(logEnv)))
	switch v {
	case "", "off", "none":
		return 0, false, nil
	case "debug":
		return slog.LevelDebug, true, nil
	case "info":
		return slog.LevelInfo, true, nil
	case "warn", "warning":
		return slog.LevelWarn, true, nil
	case "error":
		return slog.LevelError, true, nil
	}
	return 0, false, flagErrorf("%s must be debug, info, warn or error, not %q", logEnv, v)
}

// logger is the runtime's logger on stderr at the level asked for, or nil
// (no logs) when none was. Records carry no time (stderr is read live) and
// pass through the key redaction every printed error gets.
func (f *Factory) logger() (*slog.Logger, error) {
	level, ok, err := f.logLevel()
	if !ok || err != nil {
		return nil, err
	}
	h := slog.NewTextHandler(redactWriter{f.IOStreams.ErrOut}, &slog.HandlerOptions{Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}})
	return slog.New(prefixHandler{h}), nil
}

// prefixHandler is a slog.Handler whose records say they come from
// kosmo-lua (the message becomes "kosmo-lua: msg").
type prefixHandler struct{ slog.Handler }

// Handle implements slog.Handler.
func (p prefixHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Message = fmt.Sprintf("kosmo-lua: %s", r.Message)
	return p.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (p prefixHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return prefixHandler{p.Handler.WithAttrs(attrs)}
}

// WithGroup implements slog.Handler.
func (p prefixHandler) WithGroup(name string) slog.Handler {
	return prefixHandler{p.Handler.WithGroup(name)}
}
