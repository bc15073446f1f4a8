package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chzyer/readline"
)

// IOStreams are the standard streams a command reads and writes, plus what is
// known about them (terminal or not). Commands never touch os.Stdin/Stdout/Stderr
// directly: they use the Factory's IOStreams, so tests swap in buffers with
// [TestIOStreams].
//
// Output rule for every command: when stdout is not a terminal, stdout carries
// JSON only (no tables, colours or banners); human text, logs and errors go to
// ErrOut. Commands never prompt unless [IOStreams.CanPrompt].
type IOStreams struct {
	// In is standard input.
	In io.Reader
	// Out is standard output: results (JSON when not a terminal).
	Out io.Writer
	// ErrOut is standard error: logs, progress, errors and hints.
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	// stdinPiped is true when stdin is a pipe or a regular file (data may be
	// waiting), false for a terminal or a character device such as /dev/null.
	stdinPiped bool

	// readSecret reads one line without echo; nil uses the terminal.
	readSecret func(prompt string) (string, error)
	// openTTY opens the controlling terminal (/dev/tty), for questions
	// when stdin carries data (a piped script); nil: none.
	openTTY func() (io.Reader, error)
}

// SystemIOStreams returns IOStreams over the process's standard streams with
// terminal detection.
func SystemIOStreams() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		openTTY: func() (io.Reader, error) { return os.Open("/dev/tty") }}
	s.stdinTTY = readline.IsTerminal(int(os.Stdin.Fd()))
	s.stdoutTTY = readline.IsTerminal(int(os.Stdout.Fd()))
	s.stderrTTY = readline.IsTerminal(int(os.Stderr.Fd()))
	if fi, err := os.Stdin.Stat(); err == nil && !s.stdinTTY {
		m := fi.Mode()
		s.stdinPiped = m&os.ModeNamedPipe != 0 || m.IsRegular()
	}
	return s
}

// TestIOStreams returns IOStreams over buffers, all streams "not a terminal" and
// stdin not piped. Adjust with the Set* methods.
func TestIOStreams() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is a terminal (human output allowed).
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// StdinPiped reports whether stdin is a pipe or file that may hold input.
func (s *IOStreams) StdinPiped() bool { return s.stdinPiped }

// SetStdinTTY sets whether stdin counts as a terminal (tests).
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetStdoutTTY sets whether stdout counts as a terminal (tests).
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY sets whether stderr counts as a terminal (tests).
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// SetStdinPiped sets whether stdin counts as piped input (tests).
func (s *IOStreams) SetStdinPiped(v bool) { s.stdinPiped = v }

// SetSecretReader replaces the no-echo line reader used by [IOStreams.ReadSecret]
// (tests).
func (s *IOStreams) SetSecretReader(fn func(prompt string) (string, error)) { s.readSecret = fn }

// CanPrompt reports whether the user can be asked something: stdin and stderr
// are both terminals. Without it, commands fail with a usage error instead of
// waiting for an answer.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }

// ErrNoPrompt is returned by [IOStreams.ReadSecret] when no terminal is attached.
var ErrNoPrompt = errors.New("cannot prompt: stdin is not a terminal")

// ReadSecret prompts on ErrOut and reads one line from the terminal without
// echoing it. It fails with [ErrNoPrompt] when [IOStreams.CanPrompt] is false.
func (s *IOStreams) ReadSecret(prompt string) (string, error) {
	if s.readSecret != nil {
		return s.readSecret(prompt)
	}
	if !s.CanPrompt() {
		return "", ErrNoPrompt
	}
	f, ok := s.In.(*os.File)
	if !ok {
		return "", ErrNoPrompt
	}
	fmt.Fprint(s.ErrOut, prompt)
	b, err := readline.ReadPassword(int(f.Fd()))
	fmt.Fprintln(s.ErrOut)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}
