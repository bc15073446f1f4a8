package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/chzyer/readline"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// maxPromptArgs bounds the arguments a write prompt shows.
const maxPromptArgs = 4000

// promptApprover asks the person at the terminal about each write under
// the ask policy: the summary and the arguments on stderr, then one line.
type promptApprover struct {
	out io.Writer
	// readLine shows prompt and reads one answer line.
	readLine func(prompt string) (string, error)
	// abort, if set, ends a readLine in progress (the run's deadline passed
	// or it was canceled), so nothing else reads the terminal meanwhile.
	abort func()
}

type answer struct {
	line string
	err  error
}

// ask reads one answer, or gives up when ctx ends: the run's time limit
// keeps running while a person reads the question.
func (p *promptApprover) ask(ctx context.Context, prompt string) (string, error) {
	ch := make(chan answer, 1)
	go func() {
		line, err := p.readLine(prompt)
		ch <- answer{line, err}
	}()
	select {
	case a := <-ch:
		return a.line, a.err
	case <-ctx.Done():
		fmt.Fprintln(p.out, "\n  no answer before the run ended (its time limit counts while it waits); the write was not sent")
		if p.abort != nil {
			p.abort()
			<-ch
		}
		return "", ctx.Err()
	}
}

// terminalApprover is the approver of run and call: it reads answers from
// stdin, or from the controlling terminal when stdin carries the script
// and stderr is a terminal. It is nil when no one can be asked: ask then
// denies, with the hint to plan and apply.
func terminalApprover(ios *IOStreams) runtime.Approver {
	in := ios.In
	if !ios.CanPrompt() {
		if !ios.IsStderrTTY() || ios.IsStdinTTY() || ios.openTTY == nil {
			return nil
		}
		tty, err := ios.openTTY()
		if err != nil {
			return nil
		}
		in = tty
	}
	var (
		mu sync.Mutex
		br = bufio.NewReader(in)
	)
	return &promptApprover{out: ios.ErrOut, readLine: func(prompt string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprint(ios.ErrOut, prompt)
		return br.ReadString('\n')
	}}
}

// Approve shows w and reads y (once), a (every write of this run) or n.
func (p *promptApprover) Approve(ctx context.Context, w runtime.PendingWrite) (runtime.Approval, error) {
	kind := w.Access
	if w.Destructive {
		kind = "DESTRUCTIVE"
	}
	fmt.Fprintf(p.out, "\nkosmo-lua: the script wants to call %s (%s, account %s):\n  %s\n", w.Function, kind, w.Account, w.Summary)
	fmt.Fprintf(p.out, "  arguments: %s\n", indentArgs(w.Arguments))
	for {
		if ctx.Err() != nil {
			return runtime.Approval{Decision: runtime.Reject, By: "terminal"}, ctx.Err()
		}
		line, err := p.ask(ctx, "Send it? [y]es / [a]ll writes of this run / [N]o: ")
		if err != nil && line == "" {
			return runtime.Approval{Decision: runtime.Reject, By: "terminal"}, err
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return runtime.Approval{Decision: runtime.ApproveOnce, By: "terminal"}, nil
		case "a", "all":
			return runtime.Approval{Decision: runtime.ApproveAll, By: "terminal"}, nil
		case "", "n", "no":
			return runtime.Approval{Decision: runtime.Reject, By: "terminal"}, nil
		}
		fmt.Fprintln(p.out, "  answer y, a or n")
	}
}

// indentArgs renders arguments for the prompt, indented and bounded.
func indentArgs(args json.RawMessage) string {
	var b bytes.Buffer
	if json.Indent(&b, args, "  ", "  ") != nil {
		b.Reset()
		b.Write(args)
	}
	s := b.String()
	if len(s) > maxPromptArgs {
		s = s[:maxPromptArgs] + fmt.Sprintf("... (%d bytes more)", len(s)-maxPromptArgs)
	}
	return s
}

// withTerminalApprover gives ctx the terminal's approver, when there is one.
func withTerminalApprover(ctx context.Context, ios *IOStreams) context.Context {
	if a := terminalApprover(ios); a != nil {
		return runtime.WithApprover(ctx, a)
	}
	return ctx
}

// askHint is the command-line fix for a write the ask policy refused.
func askHint(info *runtime.ErrorInfo) string {
	if info.Setting == nil || info.Setting.Value != string(runtime.WriteAsk) {
		return ""
	}
	if strings.Contains(info.Message, "rejected") {
		return "you rejected this write at the prompt; nothing was sent"
	}
	return "ask needs a terminal to ask in (stdin and stderr); without one, plan and apply: `kosmo-lua run FILE --plan > plan.json`, review plan.json, then `kosmo-lua apply plan.json`"
}

// readlineApprover is the REPL's approver: it asks at the REPL's own line
// editor, which owns the terminal while an input runs.
func readlineApprover(rl *readline.Instance, out io.Writer) runtime.Approver {
	return &promptApprover{out: out, readLine: func(prompt string) (string, error) {
		rl.SetPrompt(prompt)
		defer rl.SetPrompt(replPrompt)
		line, err := rl.Readline()
		return line + "\n", err
	}, abort: func() { _, _ = rl.WriteStdin([]byte("\n")) }}
}
