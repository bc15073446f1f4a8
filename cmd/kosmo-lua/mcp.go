package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/runtime"
	"github.com/kosmo-lua/kosmo-lua/runtime/mcptools"
)

// MCPOptions are the inputs of `kosmo-lua mcp`.
type MCPOptions struct {
	IO *IOStreams
	// Runtime builds the runtime from the flags (Factory.Runtime).
	Runtime func(*RuntimeFlags) (*runtime.Runtime, *Resolved, error)
	// Version is reported to clients as the server version.
	Version string

	Flags RuntimeFlags
	// Tools is --tools: code, functions or all.
	Tools string
	// HTTP is --http: serve streamable HTTP on this address instead of stdio.
	HTTP string
	// MaxResultBytes is --max-result-bytes; zero keeps the default.
	MaxResultBytes ByteSize
	// MaxResultChars is --max-result-chars, KosmoKrator's name for the same
	// cap (JSON is counted in bytes); with both, the lower applies.
	MaxResultChars int
}

// mcpFlags registers the flags `mcp` and `mcp config` share.
func mcpFlags(cmd *cobra.Command, rf *RuntimeFlags, tools *string, maxResult *ByteSize, maxChars *int) {
	cmd.Flags().StringVar(tools, "tools", "code", "Tools to expose: code (4 code-mode tools), functions (one per WorkOS function) or all")
	cmd.Flags().Var(maxResult, "max-result-bytes", fmt.Sprintf("Cap on one tool result's JSON; larger results are summarised as valid JSON (default %d)", mcptools.DefaultMaxResultBytes))
	cmd.Flags().IntVar(maxChars, "max-result-chars", 0, "KosmoKrator's name for --max-result-bytes (`N` counted in bytes of JSON; the lower of the two applies)")
	rf.AddCredentialFlags(cmd.Flags())
	rf.AddPolicyFlags(cmd.Flags())
	rf.AddLimitFlags(cmd.Flags())
	cmd.Flags().Var(&rf.PlanTTL, "plan-ttl", "With --write ask: how long a needs_approval plan stays valid for apply_plan, e.g. 15m (default 15m)")
	// The policy flag's help says what the MCP default is.
	cmd.Flags().Lookup("write").Usage = "Write policy: deny (default: write and destructive functions hidden and refused), ask (the client's user approves each write by elicitation; without elicitation a plan comes back for apply_plan) or allow"
}

func newCmdMCP(f *Factory) *cobra.Command {
	return newCmdMCPWith(f, nil, nil)
}

// newCmdMCPWith builds `mcp`; runF and configF replace the actions in tests.
func newCmdMCPWith(f *Factory, runF func(context.Context, *MCPOptions) error, configF func(*MCPConfigOptions) error) *cobra.Command {
	opts := &MCPOptions{IO: f.IOStreams, Runtime: f.Runtime, Version: f.Version}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve kosmo-lua as an MCP server (stdio or HTTP)",
		Long: `Serve the WorkOS API to MCP clients (Claude Code, Cursor, VS Code, agents).

Over stdio by default: stdout carries only the protocol, logs go to stderr. With
--http ADDR, over streamable HTTP at http://ADDR/mcp.

--tools code (default) exposes four small tools: lua_list_docs, lua_search_docs,
lua_read_doc and execute_lua, which runs one Lua script that does the whole job.
--tools functions exposes one tool per WorkOS function (workos_<name>, at most 52
characters); --tools all exposes both.

The write policy defaults to deny: write and destructive functions are hidden
from tools and docs and refused inside scripts. --write allow opens them;
--allow/--deny narrow further. Nothing a client sends can widen the policy or
raise the limits (--timeout, --memory, --max-calls, --max-result-bytes).

Print a client configuration with 'kosmo-lua mcp config --client claude'.`,
		Example: `  # Read-only code mode over stdio, against the built-in emulator
  kosmo-lua mcp --emulate

  # A named account, writes allowed, per-function tools too
  kosmo-lua mcp --account prod --write allow --tools all

  # Streamable HTTP on localhost
  kosmo-lua mcp --http 127.0.0.1:8080`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := mcptools.ParseMode(opts.Tools); err != nil {
				return flagErrorf("--tools must be code, functions or all, not %q", opts.Tools)
			}
			if err := opts.Flags.validate(); err != nil { // --force becomes --write allow
				return err
			}
			if opts.Flags.Write == "" {
				opts.Flags.Write = string(runtime.WriteDeny)
			}
			if opts.MaxResultChars > 0 {
				opts.MaxResultBytes = ByteSize(lowerNonZero(int64(opts.MaxResultBytes), int64(opts.MaxResultChars)))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return mcpRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.HTTP, "http", "", "Serve streamable HTTP on this address (e.g. 127.0.0.1:8080) instead of stdio")
	mcpFlags(cmd, &opts.Flags, &opts.Tools, &opts.MaxResultBytes, &opts.MaxResultChars)
	cmd.AddCommand(newCmdMCPConfig(f, configF))
	return cmd
}

// mcpRun serves until the client disconnects (stdio) or ctx ends.
func mcpRun(ctx context.Context, opts *MCPOptions) error {
	// A server answers many runs: keep workers started ahead, so a run does
	// not wait for a process to start.
	opts.Flags.WarmWorkers = 2
	rt, res, err := opts.Runtime(&opts.Flags)
	if err != nil {
		return err
	}
	defer rt.Close()
	logger := slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	mode, _ := mcptools.ParseMode(opts.Tools)
	srv := mcptools.NewServer(rt, &mcptools.Options{
		Tools:          mode,
		MaxResultBytes: int(opts.MaxResultBytes),
		Version:        opts.Version,
		Logger:         logger,
	})
	source := res.KeySource
	if res.Account != "" {
		source += " " + res.Account
	}
	if len(res.Accounts) > 0 {
		source += fmt.Sprintf(" (+%d named accounts)", len(res.Accounts))
	}
	if opts.HTTP == "" {
		logger.Info("kosmo-lua mcp: serving over stdio", "tools", mode, "write", res.Write, "credentials", source, "functions", len(rt.Functions()))
		return mcptools.ServeStdio(ctx, srv, opts.IO.In, opts.IO.Out)
	}
	ln, err := net.Listen("tcp", opts.HTTP)
	if err != nil {
		return flagErrorf("--http %s: %v", opts.HTTP, err)
	}
	mux := http.NewServeMux()
	h := mcptools.HTTPHandler(srv)
	mux.Handle("/mcp", h)
	mux.Handle("/", h)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		logger.Warn("kosmo-lua mcp: listening on a non-loopback address without authentication; anyone who can reach it can use the server's WorkOS credentials", "addr", ln.Addr().String())
	}
	logger.Info("kosmo-lua mcp: listening", "url", "http://"+ln.Addr().String()+"/mcp", "tools", mode, "write", res.Write, "credentials", source, "functions", len(rt.Functions()))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// MCPConfigOptions are the inputs of `kosmo-lua mcp config`.
type MCPConfigOptions struct {
	IO *IOStreams
	// Executable returns the path of the running binary (os.Executable).
	Executable func() (string, error)

	// Client is --client: claude, cursor or vscode.
	Client string
	// Name is the server's key in the client's configuration.
	Name string

	Flags          RuntimeFlags
	Tools          string
	MaxResultBytes ByteSize
	MaxResultChars int
}

func newCmdMCPConfig(f *Factory, configF func(*MCPConfigOptions) error) *cobra.Command {
	opts := &MCPConfigOptions{IO: f.IOStreams, Executable: os.Executable}
	cmd := &cobra.Command{
		Use:   "config --client claude|cursor|vscode",
		Short: "Print a ready-to-paste MCP client configuration",
		Long: `Print the JSON that registers 'kosmo-lua mcp' with an MCP client, with the given
flags (policy, tools, credentials source) passed through. The write policy is
always spelled out (default deny).

  claude   .mcp.json (Claude Code) or claude_desktop_config.json: {"mcpServers": {...}}
  cursor   .cursor/mcp.json: {"mcpServers": {...}}
  vscode   .vscode/mcp.json: {"servers": {...}, "inputs": [...]}

Without --emulate or --account, the API key is passed from the client's
environment (WORKOS_API_KEY; VS Code prompts for it once). The key itself never
appears in the output.`,
		Example: `  kosmo-lua mcp config --client claude > .mcp.json
  kosmo-lua mcp config --client cursor --account prod --write allow
  kosmo-lua mcp config --client vscode --tools all --emulate`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch opts.Client {
			case "claude", "cursor", "vscode":
			case "":
				return flagErrorf("--client is required: claude, cursor or vscode")
			default:
				return flagErrorf("--client must be claude, cursor or vscode, not %q", opts.Client)
			}
			if _, err := mcptools.ParseMode(opts.Tools); err != nil {
				return flagErrorf("--tools must be code, functions or all, not %q", opts.Tools)
			}
			if err := opts.Flags.validate(); err != nil {
				return err
			}
			if opts.Flags.APIKey != "" {
				return flagErrorf("mcp config does not write API keys into client configuration; use WORKOS_API_KEY, --account or 'kosmo-lua auth set'")
			}
			if configF != nil {
				return configF(opts)
			}
			cfg, err := opts.config()
			if err != nil {
				return err
			}
			return writeJSON(opts.IO.Out, cfg, true)
		},
	}
	cmd.Flags().StringVar(&opts.Client, "client", "", "Client to configure: claude, cursor or vscode")
	cmd.Flags().StringVar(&opts.Name, "name", "kosmo", "Server name in the client's configuration")
	mcpFlags(cmd, &opts.Flags, &opts.Tools, &opts.MaxResultBytes, &opts.MaxResultChars)
	return cmd
}

// serverArgs are the arguments of the configured `kosmo-lua mcp` command.
func (o *MCPConfigOptions) serverArgs() []string {
	rf := o.Flags
	write := rf.Write
	if write == "" {
		write = string(runtime.WriteDeny)
	}
	args := []string{"mcp", "--write=" + write}
	if rf.Destructive != "" {
		args = append(args, "--destructive="+rf.Destructive)
	}
	if rf.PlanTTL != 0 {
		args = append(args, "--plan-ttl="+rf.PlanTTL.String())
	}
	if o.Tools != "" && o.Tools != string(mcptools.ModeCode) {
		args = append(args, "--tools="+o.Tools)
	}
	if rf.Emulate {
		args = append(args, "--emulate")
	}
	if rf.Account != "" {
		args = append(args, "--account="+rf.Account)
	}
	if rf.BaseURL != "" {
		args = append(args, "--base-url="+rf.BaseURL)
	}
	for _, a := range rf.Allow {
		args = append(args, "--allow="+a)
	}
	for _, d := range rf.Deny {
		args = append(args, "--deny="+d)
	}
	if rf.DryRun {
		args = append(args, "--dry-run")
	}
	if t := rf.timeout(); t != 0 {
		args = append(args, "--timeout="+t.String())
	}
	if m := rf.memory(); m != 0 {
		args = append(args, "--memory="+strconv.FormatInt(m, 10))
	}
	if rf.MaxCalls != 0 {
		args = append(args, "--max-calls="+strconv.Itoa(rf.MaxCalls))
	}
	if m := lowerNonZero(int64(o.MaxResultBytes), int64(o.MaxResultChars)); m != 0 {
		args = append(args, "--max-result-bytes="+strconv.FormatInt(m, 10))
	}
	return args
}

// config builds the client configuration document.
func (o *MCPConfigOptions) config() (map[string]any, error) {
	exe, err := o.Executable()
	if err != nil {
		return nil, fmt.Errorf("mcp config: cannot find the kosmo-lua binary: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	server := map[string]any{"type": "stdio", "command": exe, "args": o.serverArgs()}
	needsKey := !o.Flags.Emulate && o.Flags.Account == ""
	switch o.Client {
	case "claude":
		if needsKey {
			server["env"] = map[string]string{"WORKOS_API_KEY": "${WORKOS_API_KEY:-}"}
		}
		return map[string]any{"mcpServers": map[string]any{o.Name: server}}, nil
	case "cursor":
		if needsKey {
			server["env"] = map[string]string{"WORKOS_API_KEY": "${env:WORKOS_API_KEY}"}
		}
		return map[string]any{"mcpServers": map[string]any{o.Name: server}}, nil
	default: // vscode
		doc := map[string]any{"servers": map[string]any{o.Name: server}}
		if needsKey {
			server["env"] = map[string]string{"WORKOS_API_KEY": "${input:workos-api-key}"}
			doc["inputs"] = []any{map[string]any{
				"type": "promptString", "id": "workos-api-key", "description": "WorkOS API key (sk_...)", "password": true,
			}}
		}
		return doc, nil
	}
}
