package mcptools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/runtime"
	"github.com/kosmo-lua/kosmo-lua/runtime/internal/textcut"
)

// addFunctionTools registers one tool per allowed operation.
func (s *server) addFunctionTools(srv *mcp.Server, ops []*catalog.Operation) {
	canonical := make([]string, len(ops))
	for i, op := range ops {
		canonical[i] = op.Name
	}
	names := ToolNames(canonical)
	for _, op := range ops {
		name := names[op.Name]
		s.tools[name] = op
		srv.AddTool(functionTool(op, name), s.functionHandler(op, name))
	}
}

// functionTool describes one operation as a tool.
func functionTool(op *catalog.Operation, name string) *mcp.Tool {
	t := &mcp.Tool{
		Name:        name,
		Title:       op.Summary,
		Description: functionDescription(op),
		InputSchema: inputSchema(op),
		Annotations: annotations(op),
	}
	if out := outputSchema(op); out != nil {
		t.OutputSchema = out
	}
	return t
}

// annotations derives the MCP hints from the access class and the method.
func annotations(op *catalog.Operation) *mcp.ToolAnnotations {
	a := &mcp.ToolAnnotations{
		ReadOnlyHint:  op.Access == catalog.Read,
		OpenWorldHint: boolPtr(true),
	}
	if op.Access != catalog.Read {
		a.DestructiveHint = boolPtr(op.Access == catalog.Destructive)
	}
	switch op.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		a.IdempotentHint = true
	}
	return a
}

// functionDescription is the summary, the start of the description and the
// facts a model needs to choose the tool.
func functionDescription(op *catalog.Operation) string {
	var b strings.Builder
	b.WriteString(op.Summary)
	if d := strings.Join(strings.Fields(op.Description), " "); d != "" && d != op.Summary {
		if len(d) > 400 {
			d = textcut.Cut(d, 397, "...")
		}
		b.WriteString(". " + d)
	}
	fmt.Fprintf(&b, "\n%s %s · access: %s · Lua: workos.%s", op.Method, op.Path, op.Access, op.Name)
	if op.Paginated {
		b.WriteString(" · one page per call: pass after = list_metadata.after for the next")
	}
	if op.SendsEmail {
		b.WriteString(" · sends an email")
	}
	return b.String()
}

// functionHandler calls one operation through the runtime.
func (s *server) functionHandler(op *catalog.Operation, name string) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args := map[string]any{}
		if raw := req.Params.Arguments; len(bytes.TrimSpace(raw)) > 0 && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			if err := json.Unmarshal(raw, &args); err != nil {
				return textResult(fmt.Sprintf("%s: arguments must be a JSON object of parameters and body fields: %v", name, err), true), nil
			}
		}
		account, err := takeAccount(args)
		if err != nil {
			return textResult(name+": "+err.Error(), true), nil
		}
		var (
			res     *runtime.CallResult
			callErr error
		)
		err = s.call(ctx, ctx, req, name, nil, func(ctx context.Context) (string, int) {
			if approvalModeOf(req) != approvalNone {
				ctx = runtime.WithApprover(ctx, elicitApprover{req.Session})
			}
			res, callErr = s.rt.CallAccount(ctx, account, op.Name, args)
			switch {
			case callErr != nil || res == nil:
				return "not_run", 0
			case res.Success:
				return string(runtime.OutcomeCompleted), 1
			case res.Error != nil:
				return res.Error.Kind, 1
			}
			return string(runtime.OutcomeError), 1
		})
		if err != nil {
			return textResult(err.Error(), true), nil
		}
		if callErr != nil {
			return textResult(fmt.Sprintf("%s: the call could not be made: %v", name, callErr), true), nil
		}
		if res == nil {
			return textResult(name+": the runtime returned no result", true), nil
		}
		if !res.Success {
			return textResult(renderCallError(name, res), true), nil
		}
		structured, note, err := s.structured(op, res)
		if err != nil {
			return textResult(err.Error(), true), nil
		}
		text := string(structured)
		if note != "" {
			text = note + "\n" + text
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}, StructuredContent: structured}, nil
	}
}

// AccountArgument is KosmoKrator's argument that selects a named account in
// a per-function tool call. It is not in the tools' schemas (as in
// KosmoKrator) and is removed before the call.
const AccountArgument = "_account"

// takeAccount removes AccountArgument from args and returns it ("" when
// absent: the default account).
func takeAccount(args map[string]any) (string, error) {
	v, ok := args[AccountArgument]
	if !ok {
		return "", nil
	}
	delete(args, AccountArgument)
	switch a := v.(type) {
	case string:
		return a, nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("%s must be an account name (a string), got %T", AccountArgument, v)
}

// structured turns a successful call's data into a JSON object that fits the
// result cap: objects as they are, arrays as {items: [...]}, anything else as
// {value: ...}; an oversized list keeps as many leading items as fit.
func (s *server) structured(op *catalog.Operation, res *runtime.CallResult) (json.RawMessage, string, error) {
	data := bytes.TrimSpace(res.Data)
	var out json.RawMessage
	switch {
	case len(data) == 0 || bytes.Equal(data, []byte("null")):
		m := map[string]any{"success": true}
		if res.Meta.Status != nil {
			m["status"] = *res.Meta.Status
		}
		out, _ = json.Marshal(m)
	case data[0] == '{':
		out = data
	case data[0] == '[':
		out = json.RawMessage(`{"items":` + string(data) + `}`)
	default:
		out = json.RawMessage(`{"value":` + string(data) + `}`)
	}
	if len(out) <= s.opts.MaxResultBytes {
		return out, "", nil
	}
	// Keep the first items of a list (WorkOS lists are {data: [...]}; wrapped
	// arrays are {items: [...]}) and say how to get the rest.
	var obj map[string]json.RawMessage
	if json.Unmarshal(out, &obj) == nil {
		for _, key := range []string{"data", "items"} {
			var items []json.RawMessage
			if json.Unmarshal(obj[key], &items) != nil || len(items) == 0 {
				continue
			}
			for n := len(items) - 1; n >= 0; n-- {
				list, _ := json.Marshal(items[:n])
				obj[key] = list
				trimmed, _ := json.Marshal(obj)
				if len(trimmed) <= s.opts.MaxResultBytes {
					note := fmt.Sprintf("Showing the first %d of %d items: the full result is %d bytes, over this server's %d-byte cap. Ask for fewer items (limit), page with after, or use execute_lua to filter.",
						n, len(items), len(out), s.opts.MaxResultBytes)
					return trimmed, note, nil
				}
			}
		}
	}
	return nil, "", fmt.Errorf("%s: the result is %d bytes, over this server's %d-byte cap; use execute_lua to return only the fields you need",
		ToolName(op.Name), len(out), s.opts.MaxResultBytes)
}

// renderCallError is the text of a failed call.
func renderCallError(name string, res *runtime.CallResult) string {
	if res.Error == nil {
		return name + ": the call failed"
	}
	e := res.Error
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: %s", name, e.Kind)
	writeHTTPStatus(&b, e)
	b.WriteString(": " + e.Message)
	if e.Hint != "" {
		b.WriteString("\nhint: " + e.Hint)
	}
	return b.String()
}
