package main

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// exitCode is the process exit status. The values are part of the CLI's
// contract (README, tests) and never change meaning.
type exitCode int

const (
	// exitOK: success.
	exitOK exitCode = 0
	// exitError: the script or the API reported an error.
	exitError exitCode = 1
	// exitUsage: bad command line (unknown command or flag, bad value, missing
	// argument, unknown function name).
	exitUsage exitCode = 2
	// exitLimit: a limit was exceeded (timeout, memory, calls, output).
	exitLimit exitCode = 3
	// exitAuth: no credentials, an unreadable credential file, or the API
	// answered 401.
	exitAuth exitCode = 4
	// exitDenied: refused by the write policy or the allow/deny lists.
	exitDenied exitCode = 5
	// exitCanceled: interrupted (Ctrl-C or SIGTERM), the shell's 128+SIGINT.
	exitCanceled exitCode = 130
)

// FlagError is a usage error: main prints it with a pointer to --help and exits
// with status 2. Pointer type so that only *FlagError satisfies error here.
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

// flagErrorf builds a *FlagError.
func flagErrorf(format string, args ...any) error {
	return &FlagError{err: fmt.Errorf(format, args...)}
}

// ExitError carries an exit status out of a command. A nil Err means the
// command already reported everything (for example a result envelope printed
// with --json) and main prints nothing more.
type ExitError struct {
	Code exitCode
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}
func (e *ExitError) Unwrap() error { return e.Err }

// NoCredentialsError says no API key could be resolved.
type NoCredentialsError struct {
	// Account is the account that was looked for ("" when none was named and no
	// config file exists).
	Account string
	// Missing is true when --account named an account that does not exist.
	Missing bool
}

func (e *NoCredentialsError) Error() string {
	if e.Missing {
		return fmt.Sprintf("no account %q: add it with `kosmo-lua auth set --account %s` (the key is read from stdin), or list accounts with `kosmo-lua auth list`", e.Account, e.Account)
	}
	return "no WorkOS API key: set WORKOS_API_KEY, run `kosmo-lua auth set` (reads the key from stdin), or pass --emulate to use the built-in emulator"
}

// exitCodeFor maps a run or call outcome (runtime.OutcomeOf classifies the
// kinds) to the exit status; info refines it where the README's table says
// so: a cancellation is 130 and an API 401 is an authentication failure.
func exitCodeFor(outcome runtime.Outcome, info *runtime.ErrorInfo) exitCode {
	if outcome == runtime.OutcomeError && info != nil {
		outcome = runtime.OutcomeOf(info.Kind) // an error's kind may say more
	}
	switch outcome {
	case runtime.OutcomeCompleted:
		return exitOK
	case runtime.OutcomeTimeout, runtime.OutcomeLimitExceeded:
		return exitLimit
	case runtime.OutcomeDenied:
		return exitDenied
	}
	if info != nil {
		switch {
		case info.Kind == runtime.KindCanceled:
			return exitCanceled
		case info.Kind == runtime.KindAPI && info.Status == 401:
			return exitAuth
		}
	}
	return exitError
}

// isUsageError recognises cobra's own usage failures, which are plain errors.
func isUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "required flag", "accepts ", "requires at least", "requires at most", "bad flag syntax"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, " "+p) {
			return true
		}
	}
	return false
}

// secretPattern matches WorkOS secret keys so error text never repeats one
// (for example a key mistakenly passed as an argument).
var secretPattern = regexp.MustCompile(`sk_[A-Za-z0-9_]{6,}`)

// redact masks anything that looks like an API key.
func redact(s string) string {
	return secretPattern.ReplaceAllStringFunc(s, config.Mask)
}

// reportError prints err on w (unless already reported) and returns its exit
// status. Printed text is redacted with [redact].
func reportError(w io.Writer, cmdPath string, err error) exitCode {
	w = redactWriter{w}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(w, "error: %s\n", ee.Err)
		}
		return ee.Code
	}
	var fe *FlagError
	if errors.As(err, &fe) || isUsageError(err) {
		fmt.Fprintf(w, "error: %s\n", err)
		if cmdPath == "" {
			cmdPath = "kosmo-lua"
		}
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmdPath)
		return exitUsage
	}
	var nc *NoCredentialsError
	if errors.As(err, &nc) || isConfigPermission(err) {
		fmt.Fprintf(w, "error: %s\n", err)
		return exitAuth
	}
	fmt.Fprintf(w, "error: %s\n", err)
	return exitError
}

// redactWriter redacts each write.
type redactWriter struct{ w io.Writer }

func (r redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
