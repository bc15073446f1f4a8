package mcptools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// The code-mode tool names: KosmoKrator's, so agents' habits carry over.
const (
	ToolListDocs   = "lua_list_docs"
	ToolSearchDocs = "lua_search_docs"
	ToolReadDoc    = "lua_read_doc"
	ToolExecuteLua = "execute_lua"
)

type listDocsIn struct {
	Namespace string `json:"namespace,omitempty"`
}

type searchDocsIn struct {
	Query string `json:"query"`
	Limit int    `json:"limit,omitempty"`
}

type readDocIn struct {
	Page string `json:"page"`
}

type executeLuaIn struct {
	Code      string `json:"code"`
	Args      any    `json:"args,omitempty"`
	TimeoutMS int64  `json:"timeout_ms,omitempty"`
	// MemoryLimit (bytes) and CPULimit (seconds) are KosmoKrator's names;
	// like timeout_ms they only lower the server's limits. kosmo-lua bounds
	// wall-clock time, which also bounds CPU, so cpuLimit lowers the timeout.
	MemoryLimit int64   `json:"memoryLimit,omitempty"`
	CPULimit    float64 `json:"cpuLimit,omitempty"`
}

// limits are the run's limits the arguments ask for (the runtime lowers
// its own to them, never raises them).
func (in executeLuaIn) limits(maxResult int) *runtime.Limits {
	l := &runtime.Limits{MaxOutputBytes: maxResult}
	if in.TimeoutMS > 0 {
		l.Timeout = time.Duration(in.TimeoutMS) * time.Millisecond
	}
	if in.CPULimit > 0 {
		if cpu := time.Duration(in.CPULimit * float64(time.Second)); cpu > 0 && (l.Timeout == 0 || cpu < l.Timeout) {
			l.Timeout = cpu
		}
	}
	if in.MemoryLimit > 0 {
		l.MemoryLimit = in.MemoryLimit
	}
	return l
}

func objectSchema(required []string, props map[string]any) map[string]any {
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func boolPtr(b bool) *bool { return &b }

// addCodeTools registers the four code-mode tools.
func (s *server) addCodeTools(srv *mcp.Server) {
	docsHints := &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: boolPtr(false)}
	mcp.AddTool(srv, &mcp.Tool{
		Name:        ToolListDocs,
		Description: "Index of the WorkOS Lua functions: all groups with their function names, or one group (namespace) with one-line summaries. Start here or with lua_search_docs.",
		InputSchema: objectSchema(nil, map[string]any{
			"namespace": map[string]any{"type": "string", "description": `A group such as "organizations" or "user-management", or "guides"; omit for all groups.`},
		}),
		Annotations: docsHints,
	}, func(ctx context.Context, req *mcp.CallToolRequest, in listDocsIn) (*mcp.CallToolResult, any, error) {
		return textResult(s.docs.list(in.Namespace), false), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{
		Name:        ToolSearchDocs,
		Description: "Search the WorkOS Lua functions by keywords over names, summaries and parameters; returns call signatures, best first.",
		InputSchema: objectSchema([]string{"query"}, map[string]any{
			"query": map[string]any{"type": "string", "description": `Keywords, e.g. "list users of an organization".`},
			"limit": map[string]any{"type": "integer", "minimum": 1, "maximum": 50, "description": "Default 10."},
		}),
		Annotations: docsHints,
	}, func(ctx context.Context, req *mcp.CallToolRequest, in searchDocsIn) (*mcp.CallToolResult, any, error) {
		return textResult(s.docs.search(in.Query, in.Limit), false), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{
		Name:        ToolReadDoc,
		Description: "Read one doc page: a function (signature, parameters, body, response, errors, example), a group, or a guide: overview, errors, pagination, batch, json, limits.",
		InputSchema: objectSchema([]string{"page"}, map[string]any{
			"page": map[string]any{"type": "string", "description": `E.g. "organizations_list", "organizations" or "pagination".`},
		}),
		Annotations: docsHints,
	}, func(ctx context.Context, req *mcp.CallToolRequest, in readDocIn) (*mcp.CallToolResult, any, error) {
		text, ok := s.docs.read(in.Page)
		return textResult(text, !ok), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{
		Name:        ToolExecuteLua,
		Description: s.executeLuaDescription(),
		InputSchema: objectSchema([]string{"code"}, map[string]any{
			"code":        map[string]any{"type": "string", "description": "Lua 5.1 source; its return value becomes result."},
			"args":        map[string]any{"description": "Any JSON value, visible to the script as the global args."},
			"timeout_ms":  map[string]any{"type": "integer", "minimum": 1, "description": "Lower the run's timeout; the server's cap still applies."},
			"memoryLimit": map[string]any{"type": "integer", "minimum": 1, "description": "KosmoKrator's name: lower the run's memory limit, in bytes; the server's cap still applies."},
			"cpuLimit":    map[string]any{"type": "number", "exclusiveMinimum": 0, "description": "KosmoKrator's name: lower the run's time limit, in seconds (wall clock, which bounds CPU); the server's cap still applies."},
		}),
		Annotations: &mcp.ToolAnnotations{
			ReadOnlyHint:    s.docs.readOnly && s.docs.hidden > 0,
			DestructiveHint: boolPtr(!(s.docs.readOnly && s.docs.hidden > 0)),
			OpenWorldHint:   boolPtr(true),
		},
	}, s.executeLua)
	if s.rt.Asks() {
		s.addApplyPlanTool(srv)
	}
}

// executeLuaDescription teaches the calling convention in a few hundred tokens.
func (s *server) executeLuaDescription() string {
	var b strings.Builder
	b.WriteString(`Run one Lua 5.1 script against the WorkOS API in a fresh sandbox. Returns the envelope {ok, outcome, result, logs, error, calls, stats}; outcome is completed, error, timeout, limit_exceeded or denied. Do the whole job in one script and return only what you need.
Call functions as workos.<name>{...} with one table: path, query and body keys at the top level (or body = {...}). Find names with lua_search_docs; lua_read_doc <name> shows parameters and response. Lists return {data = {...}, list_metadata = {after = cursor}}.
Helpers: workos.paginate(name, args) iterates the items of every page; workos.list_all(name, args, {max_items = n}) collects them; workos.batch({{name, args}, ...}) runs calls concurrently, each result {ok, value} or {ok, error}; json.encode/json.decode; print(...) goes to logs; the global args holds this tool's args.
A failed call raises a table {kind, status, code, message}: local ok, err = pcall(workos.organizations_find, {id = id}).
`)
	fmt.Fprintf(&b, "The return value becomes result; a result over %d bytes of JSON comes back summarised%s. No files, shell or network (WorkOS only through workos); os has only time, date, clock and difftime; lua_read_doc overview lists every global.", s.opts.MaxResultBytes, s.fullResultNote())
	if s.docs.readOnly && s.docs.hidden > 0 {
		b.WriteString(" This server is read-only: write functions fail with outcome denied.")
	}
	if s.rt.Asks() {
		b.WriteString(" Writes need your user's approval here: they are asked as the script makes them; a rejected write fails with kind denied. If the outcome is needs_approval, nothing was written: show the plan's write summaries to your user and, if they agree, call apply_plan with the plan.")
	}
	b.WriteString(`
Example:
local n = 0
for org in workos.paginate("organizations_list", {limit = 100}) do n = n + 1 end
return {organizations = n}`)
	return b.String()
}

// executeLua is the execute_lua handler.
func (s *server) executeLua(ctx context.Context, req *mcp.CallToolRequest, in executeLuaIn) (*mcp.CallToolResult, any, error) {
	if strings.TrimSpace(in.Code) == "" {
		return nil, nil, errors.New("execute_lua: code is empty; pass the Lua source in code")
	}
	limits := in.limits(s.runOutputCap(ctx))
	var (
		res    *runtime.Result
		input  *mcp.CallToolResult
		runErr error
	)
	script := runtime.Script{Name: ToolExecuteLua, Source: in.Code, Args: in.Args, Limits: limits}
	calls := newCallProgress(req)
	if calls != nil {
		script.OnCall = calls.onCall
	}
	// The run's time limit starts now: waiting for a free slot counts
	// against it, so a queued call still answers within its timeout.
	runCtx, cancel := context.WithTimeout(ctx, s.rt.Limits(limits).Timeout)
	defer cancel()
	err := s.call(ctx, runCtx, req, ToolExecuteLua, calls, func(context.Context) (string, int) {
		ctx := runCtx
		if s.rt.Asks() {
			res, input, runErr = s.runAsking(ctx, req, script)
		} else {
			res, runErr = s.rt.Run(ctx, script)
		}
		if input != nil {
			return "input_required", 0
		}
		if runErr != nil || res == nil {
			return "not_run", 0
		}
		return string(res.Outcome), res.Stats.Calls
	})
	if err != nil {
		return nil, nil, err
	}
	if input != nil {
		return input, nil, nil
	}
	if runErr != nil {
		return nil, nil, fmt.Errorf("execute_lua: the script could not be run: %w", runErr)
	}
	if res == nil {
		return nil, nil, errors.New("execute_lua: the runtime returned no result")
	}
	env, link := s.storeBig(s.capLogs(res))
	out, structured := envelopeResult(s.opts.ResultFormat, env, link)
	return out, structured, nil
}

// capLogs returns res, or a copy whose logs fit in half the result cap, with a
// last line saying how much was dropped.
func (s *server) capLogs(res *runtime.Result) *runtime.Result {
	budget := s.opts.MaxResultBytes / 2
	total := 0
	for i, line := range res.Logs {
		total += len(line) + 1
		if total > budget {
			cp := *res
			dropped := 0
			for _, l := range res.Logs[i:] {
				dropped += len(l) + 1
			}
			cp.Logs = append(append([]string(nil), res.Logs[:i]...),
				fmt.Sprintf("[%d more log lines (%d bytes) dropped by the MCP server's %d-byte result cap]", len(res.Logs)-i, dropped, s.opts.MaxResultBytes))
			return &cp
		}
	}
	return res
}

// writeHTTPStatus appends " (HTTP 404 code, request req_...)" for API errors.
func writeHTTPStatus(b *strings.Builder, e *runtime.ErrorInfo) {
	if e.Status == 0 {
		return
	}
	fmt.Fprintf(b, " (HTTP %d", e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.RequestID != "" {
		b.WriteString(", request " + e.RequestID)
	}
	b.WriteString(")")
}

// plural writes a count and its noun: "1 call", "2 calls".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// renderEnvelope is the compact text form of an envelope, for clients that show
// models only the text content.
func renderEnvelope(r *runtime.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "outcome: %s · %s · %s", r.Outcome, fmtMS(r.Stats.DurationMS), plural(r.Stats.Calls, "call"))
	if r.Effects {
		b.WriteString(" · effects: yes")
	}
	b.WriteString("\n")
	if r.Error != nil {
		e := r.Error
		b.WriteString("error: " + e.Kind)
		if e.Line > 0 {
			fmt.Fprintf(&b, " at line %d", e.Line)
		}
		if e.Function != "" {
			b.WriteString(" in " + e.Function)
		}
		writeHTTPStatus(&b, e)
		b.WriteString(": " + e.Message + "\n")
		if e.Hint != "" {
			b.WriteString("hint: " + e.Hint + "\n")
		}
	}
	writePlanText(&b, r)
	if len(r.Result) > 0 && !bytes.Equal(r.Result, []byte("null")) {
		var compact bytes.Buffer
		if json.Compact(&compact, r.Result) != nil {
			compact.Reset()
			compact.Write(r.Result)
		}
		b.WriteString("result: " + compact.String() + "\n")
	}
	if len(r.Logs) > 0 {
		fmt.Fprintf(&b, "logs (%s):\n", plural(len(r.Logs), "line"))
		for _, l := range r.Logs {
			b.WriteString(l + "\n")
		}
	}
	if !r.OK && len(r.Calls) > 0 {
		b.WriteString("calls:\n")
		calls := r.Calls
		if len(calls) > maxTextCalls {
			// The last calls explain a failure best.
			fmt.Fprintf(&b, "- ... %d earlier calls (all in structuredContent.calls)\n", len(calls)-maxTextCalls)
			calls = calls[len(calls)-maxTextCalls:]
		}
		for _, c := range calls {
			status := "not sent"
			if c.Status != nil {
				status = fmt.Sprint(*c.Status)
			}
			fmt.Fprintf(&b, "- %s %s %s → %s\n", c.Function, c.Method, c.Path, status)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// maxTextCalls is how many calls the text rendering of a failed run lists.
const maxTextCalls = 10

func fmtMS(ms float64) string {
	if ms >= 1000 {
		return fmt.Sprintf("%.1f s", ms/1000)
	}
	return fmt.Sprintf("%.0f ms", ms)
}

func textResult(text string, isError bool) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}, IsError: isError}
}
