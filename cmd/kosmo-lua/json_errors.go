package main

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// envelopeShown wraps an error whose JSON envelope a command already printed
// on stdout; main still prints the error on stderr and maps its exit code,
// but prints no second envelope.
type envelopeShown struct{ err error }

func (e *envelopeShown) Error() string { return e.err.Error() }
func (e *envelopeShown) Unwrap() error { return e.err }

// shown marks err as reported on stdout (nil stays nil).
func shown(err error) error {
	if err == nil {
		return nil
	}
	return &envelopeShown{err: err}
}

// failureKind is the envelope's error kind for a failure main reports: a
// usage error, missing credentials, or a plain error.
func failureKind(err error, code exitCode) string {
	var le *catalog.LookupError
	var nc *NoCredentialsError
	switch {
	case errors.As(err, &le):
		return runtime.KindUnknownFunction
	case errors.As(err, &nc):
		return kindNoCredentials
	case code == exitUsage:
		return kindUsage
	case code == exitAuth:
		return kindNoCredentials
	}
	return "error"
}

// wantsJSONEnvelope reports whether the failed command line asked for a JSON
// envelope: `call` always does; other commands with --json (looked for in
// the raw arguments too, since a flag error stops parsing before it).
func wantsJSONEnvelope(cmd *cobra.Command, args []string) bool {
	if cmd != nil && cmd.Name() == "call" && cmd.HasParent() && !cmd.Parent().HasParent() {
		return true
	}
	if cmd != nil {
		if fl := cmd.Flags().Lookup("json"); fl != nil && fl.Changed {
			return fl.Value.String() == "true"
		}
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--json"); ok && (v == "" || v[0] == '=') {
			on, err := strconv.ParseBool(strings.TrimPrefix(v, "="))
			return v == "" || err == nil && on
		}
	}
	return false
}

// writeFailureEnvelope prints err as the envelope of cmd's kind on w: a run
// result for run, a call envelope (for function, if known) for call, {ok,
// error} for the others.
// Its message is redacted like everything main prints.
func writeFailureEnvelope(w io.Writer, cmd *cobra.Command, err error, code exitCode, pretty bool, function string) error {
	info := &runtime.ErrorInfo{Kind: failureKind(err, code), Message: redact(err.Error())}
	var v any
	switch {
	case cmd != nil && cmd.Name() == "run":
		v = &runtime.Result{Outcome: runtime.OutcomeError, Result: json.RawMessage("null"), Logs: []string{},
			Calls: []runtime.CallInfo{}, Error: info}
	case cmd != nil && cmd.Name() == "call":
		v = &runtime.CallResult{Function: function, Data: json.RawMessage("null"), Error: info}
	default:
		v = map[string]any{"ok": false, "error": info}
	}
	return writeJSON(w, v, pretty)
}

// exitCodeOf is the exit status main gives err, without printing it.
func exitCodeOf(err error) exitCode { return reportError(io.Discard, "", err) }
