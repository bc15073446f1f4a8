package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMCPFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantErr  string
		want     MCPOptions // IO, Runtime and Version are not compared
		wantCode exitCode
	}{
		{name: "defaults", args: nil,
			want: MCPOptions{Tools: "code", Flags: RuntimeFlags{Write: "deny"}}},
		{name: "everything", args: []string{"--tools", "all", "--write", "allow", "--http", "127.0.0.1:0", "--max-result-bytes", "10KiB", "--emulate", "--allow", "organizations_*", "--timeout", "5s"},
			want: MCPOptions{Tools: "all", HTTP: "127.0.0.1:0", MaxResultBytes: 10 << 10,
				Flags: RuntimeFlags{Write: "allow", Emulate: true, Allow: []string{"organizations_*"}, Timeout: Duration(5 * time.Second)}}},
		{name: "bad tools", args: []string{"--tools", "some"}, wantErr: "--tools must be code, functions or all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMCPFlags(t, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g := *got
			g.IO, g.Runtime, g.Version = nil, nil, ""
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// parseMCPFlags parses args as the mcp command's flags and returns the
// options the command would start the server with.
func parseMCPFlags(t *testing.T, args []string) (*MCPOptions, error) {
	t.Helper()
	te := newTestEnv(t)
	var got *MCPOptions
	cmd := newCmdMCPWith(te.f, func(_ context.Context, o *MCPOptions) error { got = o; return nil }, nil)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute() // sets got
	return got, err
}

func TestMCPConfig(t *testing.T) {
	const exe = "/opt/bin/kosmo-lua"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"claude default", []string{"--client", "claude"},
			`{"mcpServers":{"kosmo":{"type":"stdio","command":"/opt/bin/kosmo-lua","args":["mcp","--write=deny"],"env":{"WORKOS_API_KEY":"${WORKOS_API_KEY:-}"}}}}`},
		{"claude account, writes, all tools", []string{"--client", "claude", "--account", "prod", "--write", "allow", "--tools", "all", "--name", "workos"},
			`{"mcpServers":{"workos":{"type":"stdio","command":"/opt/bin/kosmo-lua","args":["mcp","--write=allow","--tools=all","--account=prod"]}}}`},
		{"cursor emulate", []string{"--client", "cursor", "--emulate", "--deny", "vault_*", "--max-result-bytes", "20000", "--timeout", "10s"},
			`{"mcpServers":{"kosmo":{"type":"stdio","command":"/opt/bin/kosmo-lua","args":["mcp","--write=deny","--emulate","--deny=vault_*","--timeout=10s","--max-result-bytes=20000"]}}}`},
		{"cursor env", []string{"--client", "cursor"},
			`{"mcpServers":{"kosmo":{"type":"stdio","command":"/opt/bin/kosmo-lua","args":["mcp","--write=deny"],"env":{"WORKOS_API_KEY":"${env:WORKOS_API_KEY}"}}}}`},
		{"vscode prompts for the key", []string{"--client", "vscode", "--tools", "functions"},
			`{"servers":{"kosmo":{"type":"stdio","command":"/opt/bin/kosmo-lua","args":["mcp","--write=deny","--tools=functions"],"env":{"WORKOS_API_KEY":"${input:workos-api-key}"}}},
			  "inputs":[{"type":"promptString","id":"workos-api-key","description":"WorkOS API key (sk_...)","password":true}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t)
			cmd := newCmdMCPConfig(te.f, func(o *MCPConfigOptions) error {
				o.Executable = func() (string, error) { return exe, nil }
				cfg, err := o.config()
				if err != nil {
					return err
				}
				return writeJSON(o.IO.Out, cfg, true)
			})
			cmd.SetArgs(tt.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			var got, want any
			if err := json.Unmarshal(te.out.Bytes(), &got); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, te.out.String())
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMCPConfigUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"mcp", "config"}, "--client is required"},
		{[]string{"mcp", "config", "--client", "zed"}, "--client must be claude, cursor, vscode or codex"},
		{[]string{"mcp", "config", "--client", "claude", "--api-key", fakeKey}, "does not write API keys"},
		{[]string{"mcp", "config", "--client", "claude", "--write", "maybe"}, "--write must be allow, ask or deny"},
	}
	for _, tt := range tests {
		te := newTestEnv(t)
		if code := te.run(tt.args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", tt.args, code, exitUsage)
		}
		if !strings.Contains(te.errb.String(), tt.want) {
			t.Errorf("%v: stderr %q does not contain %q", tt.args, te.errb.String(), tt.want)
		}
		assertNoKey(t, te.out.String(), te.errb.String())
	}
}

// rpcConn is a minimal newline-delimited JSON-RPC client, so the CLI's tests
// speak the wire protocol without importing the MCP SDK.
type rpcConn struct {
	w    io.Writer
	r    *bufio.Reader
	next int
}

func newRPCConn(w io.Writer, r io.Reader) *rpcConn {
	return &rpcConn{w: w, r: bufio.NewReaderSize(r, 1<<20)}
}

func (c *rpcConn) notify(t *testing.T, method string, params any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
	if _, err := c.w.Write(append(b, '\n')); err != nil {
		t.Fatal(err)
	}
}

// call sends a request and returns its result, skipping notifications.
func (c *rpcConn) call(t *testing.T, method string, params any) map[string]any {
	t.Helper()
	c.next++
	id := c.next
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if _, err := c.w.Write(append(b, '\n')); err != nil {
		t.Fatal(err)
	}
	for {
		line, err := c.r.ReadBytes('\n')
		if err != nil {
			t.Fatalf("%s: reading the response: %v", method, err)
		}
		var msg struct {
			ID     *int            `json:"id"`
			Result map[string]any  `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(line, &msg); err != nil {
			t.Fatalf("stdout carried a non-JSON-RPC line: %q", line)
		}
		if msg.ID == nil || *msg.ID != id {
			continue
		}
		if msg.Error != nil {
			t.Fatalf("%s: error %s", method, msg.Error)
		}
		return msg.Result
	}
}

// initialize performs the MCP handshake.
func (c *rpcConn) initialize(t *testing.T) map[string]any {
	t.Helper()
	res := c.call(t, "initialize", map[string]any{
		"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "kosmo-lua-test", "version": "1"},
	})
	c.notify(t, "notifications/initialized", map[string]any{})
	return res
}

func toolNames(res map[string]any) []string {
	var names []string
	tools, _ := res["tools"].([]any)
	for _, tool := range tools {
		m, _ := tool.(map[string]any)
		names = append(names, fmt.Sprint(m["name"]))
	}
	return names
}

func toolText(res map[string]any) string {
	var b strings.Builder
	content, _ := res["content"].([]any)
	for _, c := range content {
		m, _ := c.(map[string]any)
		b.WriteString(fmt.Sprint(m["text"]))
	}
	return b.String()
}

// TestMCPServeStdioInProcess runs `kosmo-lua mcp` on pipes: stdout carries only
// protocol messages, logs go to stderr, and the API key appears nowhere.
func TestMCPServeStdioInProcess(t *testing.T) {
	te := newTestEnv(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	te.f.IOStreams.In, te.f.IOStreams.Out = inR, outW
	done := make(chan exitCode, 1)
	go func() {
		code := te.run("mcp", "--api-key", fakeKey, "--base-url", "http://127.0.0.1:1")
		outW.Close()
		done <- code
	}()
	c := newRPCConn(inW, outR)
	init := c.initialize(t)
	if info, _ := init["serverInfo"].(map[string]any); info["name"] != "kosmo-lua" || info["version"] != "v0.0.0-test" {
		t.Errorf("serverInfo = %v", init["serverInfo"])
	}
	if diff := cmp.Diff([]string{"execute_lua", "lua_list_docs", "lua_read_doc", "lua_search_docs"}, toolNames(c.call(t, "tools/list", map[string]any{}))); diff != "" {
		t.Errorf("tools mismatch (-want +got):\n%s", diff)
	}
	c.call(t, "ping", map[string]any{})
	doc := c.call(t, "tools/call", map[string]any{"name": "lua_read_doc", "arguments": map[string]any{"page": "organizations_create"}})
	if text := toolText(doc); !strings.Contains(text, "Not callable on this server") {
		t.Errorf("the default policy is not deny: %s", text)
	}
	inW.Close()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after stdin closed: %s", code, te.errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mcp did not exit when stdin closed")
	}
	if !strings.Contains(te.errb.String(), "serving over stdio") {
		t.Errorf("stderr lacks the start log: %s", te.errb.String())
	}
	assertNoKey(t, te.errb.String())
}
