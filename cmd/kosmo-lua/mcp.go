package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"

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
	// Results are the big-result and result-format flags (mcp_results.go).
	Results MCPResultOptions
	// NoSessions is --no-sessions (mcp_http.go).
	NoSessions bool
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
--http ADDR, over streamable HTTP at http://ADDR/mcp, with GET /healthz and
/readyz (ready once the worker pool is warm) for load balancers; SIGTERM drains
(runs in flight finish, new requests get 503). Every protocol revision from
2024-11-05 to 2026-07-28 is served; 2026-07-28 clients need no session
affinity (older ones do, unless --no-sessions).

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
			if err := opts.Results.validate(); err != nil {
				return err
			}
			if opts.Flags.RateLimit.PerSecond < 0 || opts.Flags.RateLimit.Burst < 0 {
				return flagErrorf("--rate-limit and --rate-burst must be 0 (no limit) or more")
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
	opts.Flags.addRateLimitFlags(cmd.Flags())
	opts.Results.addResultFlags(cmd)
	addHTTPFlags(cmd, opts)
	cmd.AddCommand(newCmdMCPConfig(f, configF), newCmdMCPInstall(f))
	return cmd
}

// serverGCPercent is the MCP server's GOGC unless the environment sets one.
// A server's heap is mostly the garbage of requests over little live data,
// so at Go's default of 100 it collected every few requests.
const serverGCPercent = 400

func setServerGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serverGCPercent)
	}
}

// mcpRun serves until the client disconnects (stdio) or ctx ends.
func mcpRun(ctx context.Context, opts *MCPOptions) error {
	if opts.NoSessions && opts.HTTP == "" {
		return flagErrorf("--no-sessions applies to --http only; stdio has one client and no sessions to drop")
	}
	// A server answers many runs: keep workers started ahead, so a run does
	// not wait for a process to start.
	opts.Flags.WarmWorkers = 2
	setServerGC()
	// A result over the tool result cap is kept whole as a resource, up to
	// this size (the runtime summarises larger ones).
	opts.Flags.MaxOutputBytes = mcptools.DefaultMaxStoredResultBytes
	rt, res, err := opts.Runtime(&opts.Flags)
	if err != nil {
		return err
	}
	defer rt.Close()
	logger := slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	mode, _ := mcptools.ParseMode(opts.Tools)
	so := &mcptools.Options{
		Tools:          mode,
		MaxResultBytes: int(opts.MaxResultBytes),
		Version:        opts.Version,
		Logger:         logger,
	}
	opts.Results.apply(so)
	srv := mcptools.NewServer(rt, so)
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
	h := mcptools.HTTPHandlerWith(srv, &mcptools.HTTPOptions{NoSessions: opts.NoSessions})
	return mcpServeHTTP(ctx, opts.HTTP, rt, h, logger, "tools", mode, "write", res.Write, "credentials", source, "functions", len(rt.Functions()), "sessions", !opts.NoSessions)
}

// MCPConfigOptions are the inputs of `kosmo-lua mcp config`.
type MCPConfigOptions struct {
	IO *IOStreams
	// Executable returns the path of the running binary (os.Executable).
	Executable func() (string, error)
	// Getenv reads the environment (GOCACHE, for the build-cache check).
	Getenv func(string) string

	// Client is --client: claude, cursor, vscode or codex.
	Client string
	// Name is the server's key in the client's configuration.
	Name string

	Flags          RuntimeFlags
	Tools          string
	MaxResultBytes ByteSize
	MaxResultChars int
}

func newCmdMCPConfig(f *Factory, configF func(*MCPConfigOptions) error) *cobra.Command {
	opts := &MCPConfigOptions{IO: f.IOStreams, Executable: os.Executable, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "config --client claude|cursor|vscode|codex",
		Short: "Print a ready-to-paste MCP client configuration",
		Long: `Print the JSON that registers 'kosmo-lua mcp' with an MCP client, with the given
flags (policy, tools, credentials source) passed through. The write policy is
always spelled out (default deny).

  claude   .mcp.json (Claude Code) or claude_desktop_config.json: {"mcpServers": {...}}
  cursor   .cursor/mcp.json: {"mcpServers": {...}}
  vscode   .vscode/mcp.json: {"servers": {...}, "inputs": [...]}
  codex    ~/.codex/config.toml: [mcp_servers.NAME] (TOML)

'kosmo-lua mcp install' writes or merges the file for you. Both refuse a
binary in the Go build cache (a 'go run' build): 'go install' kosmo-lua first.

Without --emulate or --account, the API key is passed from the client's
environment (WORKOS_API_KEY; VS Code prompts for it once; Codex forwards it
with env_vars). The key itself never appears in the output.`,
		Example: `  kosmo-lua mcp config --client claude > .mcp.json
  kosmo-lua mcp config --client cursor --account prod --write allow
  kosmo-lua mcp config --client vscode --tools all --emulate`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil { // mcp_client_config.go
				return err
			}
			if configF != nil {
				return configF(opts)
			}
			if opts.Client == "codex" {
				exe, err := opts.executable()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(opts.IO.Out, opts.codexTOML(exe))
				return err
			}
			cfg, err := opts.config()
			if err != nil {
				return err
			}
			return writeJSON(opts.IO.Out, cfg, true)
		},
	}
	opts.addFlags(cmd) // mcp_client_config.go
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
	exe, err := o.executable()
	if err != nil {
		return nil, err
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
