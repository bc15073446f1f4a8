package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"testing"
	"time"
)

// BenchmarkMCPStdio is sequential execute_lua calls, each making one
// emulator call, against `kosmo-lua mcp --emulate` over stdio: the binary
// built once, and a client that writes JSON-RPC lines and reads the answer,
// so the figure is the server's. Run it with
//
//	go test -run '^$' -bench MCPStdio ./cmd/kosmo-lua
func BenchmarkMCPStdio(b *testing.B) {
	bin := buildStaticBinary(b)
	cmd := exec.Command(bin, "mcp", "--emulate")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	c := stdioClient{w: stdin, r: bufio.NewReaderSize(stdout, 1<<20)}
	c.call(b, "initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}`)
	c.notify(b, "notifications/initialized")
	params := `{"name":"execute_lua","arguments":{"code":"return workos.organizations_list{limit = 1}.object"}}`
	start := time.Now()
	for b.Loop() {
		if res := c.call(b, "tools/call", params); res.IsError {
			b.Fatalf("execute_lua failed: %s", res.Raw)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
}

// stdioClient speaks newline-delimited JSON-RPC to an MCP server.
type stdioClient struct {
	w    io.Writer
	r    *bufio.Reader
	next int
}

// toolResult is the part of a tools/call result the benchmark checks.
type toolResult struct {
	IsError bool `json:"isError"`
	Raw     json.RawMessage
}

func (c *stdioClient) notify(b *testing.B, method string) {
	if _, err := fmt.Fprintf(c.w, `{"jsonrpc":"2.0","method":%q}`+"\n", method); err != nil {
		b.Fatal(err)
	}
}

func (c *stdioClient) call(b *testing.B, method, params string) toolResult {
	c.next++
	if _, err := fmt.Fprintf(c.w, `{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`+"\n", c.next, method, params); err != nil {
		b.Fatal(err)
	}
	for {
		line, err := c.r.ReadBytes('\n')
		if err != nil {
			b.Fatalf("%s: %v", method, err)
		}
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if json.Unmarshal(line, &msg) != nil || msg.ID != c.next {
			continue // a notification or log line
		}
		if msg.Error != nil {
			b.Fatalf("%s: %s", method, msg.Error)
		}
		var res toolResult
		_ = json.Unmarshal(msg.Result, &res)
		res.Raw = msg.Result
		return res
	}
}
