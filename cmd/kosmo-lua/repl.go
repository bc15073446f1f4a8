package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/chzyer/readline"
	"github.com/spf13/cobra"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// REPLOptions are the inputs of `kosmo-lua repl`.
type REPLOptions struct {
	IO *IOStreams
	// Runtime builds the runtime from the flags (Factory.Runtime).
	Runtime func(*RuntimeFlags) (*runtime.Runtime, *Resolved, error)
	// HistoryPath returns the history file's path; nil or an error disables history.
	HistoryPath func() (string, error)
	// Catalog feeds completion and :doc.
	Catalog *catalog.Catalog

	Flags RuntimeFlags
}

// replSession is the Lua session the REPL evaluates inputs in;
// [runtime.Session] implements it.
type replSession interface {
	// Run runs one input in the session's state.
	Run(ctx context.Context, in runtime.Script) (*runtime.Result, error)
	// Restarted reports whether the last Run started a fresh state because a
	// limit or a cancellation ended the previous one.
	Restarted() bool
	// Reset forgets the session's state.
	Reset() error
	// Close releases the session.
	Close()
}

func newCmdREPL(f *Factory, runF func(context.Context, *REPLOptions) error) *cobra.Command {
	opts := &REPLOptions{IO: f.IOStreams, Runtime: f.Runtime, HistoryPath: f.HistoryPath}
	cmd := &cobra.Command{
		Use:   "repl",
		Short: "Interactive Lua session with the workos module",
		Long: `Start an interactive Lua session. Globals and functions persist between
inputs (locals last one input, as in lua); an expression's value is printed as
JSON (indented on a terminal; one compact JSON value per line otherwise), and
several values as an array. Tab completes workos.<name> and, inside
workos.<name>{...}, the function's argument keys. An incomplete chunk (an open
"do", "function", "{" ...) continues on the next line ("..>").

--timeout and --max-calls apply to each input, --memory to the whole session.
Ctrl-C stops the running input and keeps the session's state. An input that
hits a limit ends the state: the next input starts afresh, with a note on
stderr.

Commands: :help, :doc NAME (a function or a guide), :search QUERY, :reset, :quit (also Ctrl-D).
History is kept in $XDG_STATE_HOME/kosmo-lua/repl_history.`,
		Example: `  kosmo-lua repl --emulate
  kosmo-lua repl --account staging --write deny`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return replRun(cmd.Context(), opts)
		},
	}
	opts.Flags.AddCredentialFlags(cmd.Flags())
	opts.Flags.AddPolicyFlags(cmd.Flags())
	opts.Flags.AddLimitFlags(cmd.Flags())
	return cmd
}

const (
	replPrompt     = "lua> "
	replContPrompt = "..> "
)

// repl is the read-eval-print loop's state, independent of how lines are read.
type repl struct {
	sess   replSession
	cat    *catalog.Catalog
	out    io.Writer
	errOut io.Writer
	pretty bool
	// pending holds the lines of an incomplete chunk.
	pending []string
	// ended is the error kind of the last input that failed, which explains a
	// reset on the next one.
	ended string
	// failed counts the inputs that failed, and failCode is the exit code
	// of the last one: piped input ends with it (see loopPlain).
	failed   int
	failCode exitCode
	// resolved is how the session's runtime was configured, for hints.
	resolved *Resolved
	// guide renders a guide with the session's limits and policy
	// (Runtime.Guide); nil means the defaults (runtime.Guide).
	guide func(name string) (string, bool)
}

func replRun(ctx context.Context, opts *REPLOptions) error {
	rt, res, err := opts.Runtime(&opts.Flags)
	if err != nil {
		return err
	}
	defer rt.Close()
	sess, err := rt.NewSession()
	if err != nil {
		return fmt.Errorf("repl: %w", err)
	}
	defer sess.Close()
	r := &repl{sess: sess, cat: opts.catalog(), out: opts.IO.Out, errOut: opts.IO.ErrOut, pretty: opts.IO.IsStdoutTTY(), resolved: res, guide: rt.Guide}
	if !opts.IO.IsStdinTTY() {
		return r.loopPlain(ctx, opts.IO.In)
	}
	target := "the WorkOS API at " + res.BaseURL
	if res.Emulated {
		target = "the built-in emulator"
	}
	fmt.Fprintf(opts.IO.ErrOut, "kosmo-lua REPL on %s (write %s). :help for help, :quit to leave.\n", target, res.Write)
	return r.loopReadline(ctx, opts)
}

// loopPlain reads lines without prompts or editing (stdin not a terminal).
func (r *repl) loopPlain(ctx context.Context, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		if _, quit := r.feed(ctx, sc.Text()); quit {
			return r.plainExit()
		}
	}
	if len(r.pending) > 0 {
		fmt.Fprintln(r.errOut, "error: input ended inside an incomplete chunk")
		return &ExitError{Code: exitError}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return r.plainExit()
}

// plainExit is how piped input ends: non-zero, with the exit code of the
// last failed input, when any input failed, so that a script of REPL inputs
// can be checked like a `run`.
func (r *repl) plainExit() error {
	if r.failed == 0 {
		return nil
	}
	noun := "inputs"
	if r.failed == 1 {
		noun = "input"
	}
	fmt.Fprintf(r.errOut, "error: %d %s failed (the last one's exit code is the REPL's)\n", r.failed, noun)
	return &ExitError{Code: r.failCode}
}

// loopReadline reads lines with editing, history and completion.
func (r *repl) loopReadline(ctx context.Context, opts *REPLOptions) error {
	cfg := &readline.Config{
		Prompt:            replPrompt,
		AutoComplete:      &replCompleter{r: r},
		InterruptPrompt:   "^C",
		EOFPrompt:         "",
		HistorySearchFold: true,
		// Saved per complete input (historyEntries), not per line.
		DisableAutoSaveHistory: true,
		Stdin:                  io.NopCloser(opts.IO.In),
		Stdout:                 opts.IO.Out,
		Stderr:                 opts.IO.ErrOut,
		FuncIsTerminal:         func() bool { return true },
	}
	if f, ok := opts.IO.In.(*os.File); ok {
		fd := int(f.Fd())
		var st *readline.State
		cfg.FuncMakeRaw = func() error {
			var err error
			st, err = readline.MakeRaw(fd)
			return err
		}
		cfg.FuncExitRaw = func() error {
			if st == nil {
				return nil
			}
			return readline.Restore(fd, st)
		}
		cfg.FuncGetWidth = func() int {
			w, _, err := readline.GetSize(fd)
			if err != nil || w <= 0 {
				return 80
			}
			return w
		}
	}
	if opts.HistoryPath != nil {
		if p, err := opts.HistoryPath(); err == nil && privateHistory(p) == nil {
			cfg.HistoryFile = p
		}
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return fmt.Errorf("repl: %w", err)
	}
	defer rl.Close()
	if cfg.HistoryFile != "" {
		// readline rewrites a long history at load with mode 0666.
		_ = os.Chmod(cfg.HistoryFile, 0o600)
	}
	// Ctrl-C while an input runs cancels that input only, as in other REPLs (at
	// the prompt readline reads it as a key). So inputs run under a context the
	// process-wide interrupt does not cancel, and SIGTERM still ends the session.
	base := runtime.WithApprover(context.WithoutCancel(ctx), readlineApprover(rl, opts.IO.ErrOut))
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	var input []string // the lines of the input being read
	for {
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			r.pending, input = nil, nil
			rl.SetPrompt(replPrompt)
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("repl: %w", err)
		}
		if input = append(input, line); len(r.pending) == 0 && strings.TrimSpace(line) == "" {
			input = nil
		}
		cont, quit, terminated := r.feedInterruptible(base, sigs, line)
		if !cont {
			for _, e := range historyEntries(input) {
				_ = rl.SaveHistory(e)
			}
			input = nil
		}
		if quit || terminated {
			return nil
		}
		if cont {
			rl.SetPrompt(replContPrompt)
		} else {
			rl.SetPrompt(replPrompt)
		}
	}
}

// feedInterruptible runs feed under a context that an interrupt signal cancels;
// terminated reports a SIGTERM, which ends the session.
func (r *repl) feedInterruptible(base context.Context, sigs <-chan os.Signal, line string) (cont, quit, terminated bool) {
	ctx, cancel := context.WithCancel(base)
	defer cancel()
	var term atomic.Bool
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case s := <-sigs:
			term.Store(s == syscall.SIGTERM)
			cancel()
		case <-done:
		}
	}()
	cont, quit = r.feed(ctx, line)
	return cont, quit, term.Load()
}

// feed handles one input line. cont says the chunk is incomplete; quit ends the loop.
func (r *repl) feed(ctx context.Context, line string) (cont, quit bool) {
	if len(r.pending) == 0 {
		t := strings.TrimSpace(line)
		if t == "" {
			return false, false
		}
		if strings.HasPrefix(t, ":") {
			return false, r.command(t)
		}
	}
	r.pending = append(r.pending, line)
	src := strings.Join(r.pending, "\n")
	chunk, complete := replChunk(src)
	if !complete {
		return true, false
	}
	r.pending = nil
	always := false
	if chunk != src {
		chunk, always = packValues(src)
	}
	r.eval(ctx, chunk, always)
	return false, false
}

// replChunk turns input into the chunk to run: an expression becomes
// "return <expr>". complete is false while the input is an unfinished chunk.
// The REPL parses only what the sandbox's cheap source check accepts (its
// parser recurses and cannot be interrupted); anything else goes to the
// worker as it is, which refuses it with a clear error.
func replChunk(src string) (chunk string, complete bool) {
	if sandbox.CheckSource("return "+src, sandbox.SourceLimits{}) != nil {
		return src, true
	}
	if _, err := parse.Parse(strings.NewReader("return "+src), "repl"); err == nil {
		return "return " + src, true
	}
	_, err := parse.Parse(strings.NewReader(src), "repl")
	if err != nil && strings.Contains(err.Error(), "at EOF") && !strings.Contains(err.Error(), "unterminated string") {
		return "", false
	}
	return src, true
}

// packValues turns an expression input into the chunk to run. always is true
// when the input is one value, printed even when it is nil; a call or several
// values (a call may return nothing) print nothing for a nil result. Several
// values come back as an array with nils kept as null (the runtime does that).
func packValues(src string) (chunk string, always bool) {
	chunk = "return " + src
	if sandbox.CheckSource(chunk, sandbox.SourceLimits{}) != nil {
		return chunk, false
	}
	stmts, err := parse.Parse(strings.NewReader(chunk), "repl")
	if err != nil || len(stmts) != 1 {
		return chunk, false
	}
	ret, ok := stmts[0].(*ast.ReturnStmt)
	if !ok || len(ret.Exprs) == 0 {
		return chunk, false
	}
	multi := len(ret.Exprs) > 1
	switch e := ret.Exprs[len(ret.Exprs)-1].(type) {
	case *ast.FuncCallExpr:
		multi = multi || !e.AdjustRet
	case *ast.Comma3Expr:
		multi = multi || !e.AdjustRet
	}
	return chunk, !multi
}

// replNote starts the line printed when an input ran in a fresh state because
// the previous one ended the session's state; resetNote finishes it.
const replNote = "note: state was reset"

// resetNote says why the state was reset, from the previous input's error kind.
func resetNote(kind string) string {
	why := "after the previous input hit a limit"
	switch kind {
	case runtime.KindTimeout:
		why = "after the previous input ran past its time limit (--timeout)"
	case runtime.KindMemoryLimit:
		why = "after the previous input hit its memory limit (--memory)"
	case runtime.KindCanceled:
		why = "after the previous input was canceled and its worker did not stop in time"
	case runtime.KindStackOverflow:
		why = "after the previous input overflowed the stack"
	case runtime.KindWorkerCrashed:
		why = "after the previous input's worker process crashed"
	}
	return replNote + " " + why + " (its globals and functions are gone)"
}

// eval runs a chunk and prints its value; a nil value only when always is set.
func (r *repl) eval(ctx context.Context, chunk string, always bool) {
	res, err := r.sess.Run(ctx, runtime.Script{Name: "stdin", Source: chunk})
	if r.sess.Restarted() {
		fmt.Fprintln(r.errOut, resetNote(r.ended))
	}
	r.ended = ""
	if err == nil && res.Error != nil {
		r.ended = res.Error.Kind
	}
	if err != nil {
		r.failed, r.failCode = r.failed+1, exitError
		fmt.Fprintf(r.errOut, "error: %v\n", err)
		return
	}
	for _, l := range res.Logs {
		fmt.Fprintln(r.errOut, strings.TrimRight(l, "\n"))
	}
	if !res.OK {
		r.failed, r.failCode = r.failed+1, exitCodeFor(res.Outcome, res.Error)
		fmt.Fprint(r.errOut, formatError(res.Error, "stdin", r.resolved))
		return
	}
	if always || (len(res.Result) > 0 && string(res.Result) != "null") {
		_ = writeRawJSON(r.out, res.Result, r.pretty)
	}
}

const replHelp = `Type Lua statements or expressions; an expression's value is printed as JSON.
Globals and functions persist between inputs (locals last one input, as in lua).
Each input has its own time and call limits; one that hits a limit resets
the state (a note says so on the next input). Ctrl-C stops the running input
and keeps the state.
  workos.<name>{...}   call a WorkOS function (Tab completes names and argument keys)
  :doc NAME            show a function's reference or a guide (:doc pagination)
  :search QUERY        find functions
  :reset               forget all globals and functions
  :help                this help
  :quit                leave (also Ctrl-D); Ctrl-C cancels a multi-line input
`

// command runs a ":" command; it returns true to quit.
func (r *repl) command(t string) bool {
	name, arg, _ := strings.Cut(t, " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case ":q", ":quit", ":exit":
		return true
	case ":help", ":h", ":?":
		r.text(replHelp)
	case ":doc":
		if arg == "" {
			fmt.Fprintf(r.errOut, "usage: :doc NAME (a function, e.g. :doc organizations_list, or a guide: %s)\n", strings.Join(runtime.GuideNames(), ", "))
			return false
		}
		guide := r.guide
		if guide == nil {
			guide = runtime.Guide
		}
		if text, ok := guide(strings.ToLower(arg)); ok {
			r.text(text)
			return false
		}
		op, err := r.cat.Lookup(strings.TrimPrefix(arg, "workos."))
		if err != nil {
			fmt.Fprintf(r.errOut, "error: %v; guides: %s\n", err, strings.Join(runtime.GuideNames(), ", "))
			return false
		}
		r.text(op.Reference())
	case ":search":
		if arg == "" {
			fmt.Fprintln(r.errOut, "usage: :search QUERY")
			return false
		}
		var b strings.Builder
		for _, h := range r.cat.Search(arg, 10) {
			fmt.Fprintf(&b, "%-45s %-11s %s\n", h.Op.Name, h.Op.Access, h.Op.Summary)
		}
		r.text(b.String())
	case ":reset":
		if err := r.sess.Reset(); err != nil {
			fmt.Fprintf(r.errOut, "error: %v\n", err)
			return false
		}
		fmt.Fprintln(r.errOut, "state cleared")
	default:
		fmt.Fprintf(r.errOut, "unknown command %s; :help lists commands\n", name)
	}
	return false
}

// text prints command output: as is on a terminal, otherwise as one JSON
// string so stdout stays JSON.
func (r *repl) text(s string) {
	if r.pretty {
		fmt.Fprint(r.out, s)
		return
	}
	_ = writeJSON(r.out, s, false)
}

// replCommands are the ":" commands offered by completion.
var replCommands = []string{":doc ", ":help", ":quit", ":reset", ":search "}

// replCompleter completes REPL input (readline.AutoCompleter).
type replCompleter struct{ r *repl }

// Do implements readline.AutoCompleter.
func (c *replCompleter) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	prefix := strings.Join(c.r.pending, "\n")
	if prefix != "" {
		prefix += "\n"
	}
	cands, n := completeLua(c.r.cat, prefix, before)
	out := make([][]rune, len(cands))
	for i, s := range cands {
		out[i] = []rune(s)
	}
	return out, n
}

// completeLua returns completion suffixes for the text before the cursor and
// the length of the word they complete. pending is earlier lines of the chunk.
func completeLua(cat *catalog.Catalog, pending, before string) ([]string, int) {
	if pending == "" && strings.HasPrefix(before, ":") {
		if rest, ok := strings.CutPrefix(before, ":doc "); ok {
			return suffixes(append(runtime.GuideNames(), cat.Names()...), strings.TrimPrefix(rest, "workos."))
		}
		if !strings.Contains(before, " ") {
			return suffixes(replCommands, before)
		}
		return nil, 0
	}
	// The word being typed: identifier characters and dots.
	i := len(before)
	for i > 0 && isWordByte(before[i-1]) {
		i--
	}
	word := before[i:]
	if rest, ok := strings.CutPrefix(word, "workos."); ok {
		return suffixes(cat.Names(), rest)
	}
	if strings.Contains(word, ".") {
		return nil, 0
	}
	// Inside workos.NAME{ ... }: complete argument keys.
	if name := openCall(pending + before[:i]); name != "" {
		if op, err := cat.Lookup(name); err == nil {
			keys := make([]string, 0)
			for k := range argTypes(op) {
				keys = append(keys, k+" = ")
			}
			sort.Strings(keys)
			return suffixes(keys, word)
		}
	}
	if word != "" && strings.HasPrefix("workos", word) {
		return []string{strings.TrimPrefix("workos.", word)}, len(word)
	}
	return nil, 0
}

func isWordByte(b byte) bool {
	return b == '_' || b == '.' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// suffixes returns the remainders of the candidates that start with prefix.
func suffixes(cands []string, prefix string) ([]string, int) {
	var out []string
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c[len(prefix):])
		}
	}
	return out, len(prefix)
}

// openCall returns NAME when text ends inside the argument table of an
// unclosed workos.NAME{ or workos.NAME({ call.
func openCall(text string) string {
	var stack []int
	var quote byte
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case quote != 0:
			if ch == '\\' {
				i++
			} else if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '{':
			stack = append(stack, i)
		case ch == '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return ""
	}
	j := stack[len(stack)-1]
	head := strings.TrimRight(text[:j], " \t\n(")
	k := len(head)
	for k > 0 && isWordByte(head[k-1]) {
		k--
	}
	name, ok := strings.CutPrefix(head[k:], "workos.")
	if !ok {
		return ""
	}
	return name
}

// catalog returns the Catalog, or the default one, loaded on first use so that
// building the command tree parses nothing.
func (o *REPLOptions) catalog() *catalog.Catalog {
	if o.Catalog == nil {
		o.Catalog = catalog.Default()
	}
	return o.Catalog
}

// privateHistory makes the history file at p readable by its owner only
// (inputs may hold ids, emails or pasted secrets), creating it and its
// directory when missing; readline would create it with mode 0666.
func privateHistory(p string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(p, 0o600)
}
