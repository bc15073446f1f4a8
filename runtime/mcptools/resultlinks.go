package mcptools

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// resultTemplate is the resource template of stored results.
const resultTemplate = ResultURIPrefix + "{id}"

// sessionlessKey marks the context of a sessionless (2026-07-28) HTTP
// request, whose next request may reach another replica.
type sessionlessKey struct{}

func markSessionless(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sessionlessKey{}, true))
}

func isSessionless(ctx context.Context) bool {
	b, _ := ctx.Value(sessionlessKey{}).(bool)
	return b
}

// linksResults reports whether a big result of this request is stored and
// linked (see [LinkMode]).
func (s *server) linksResults(ctx context.Context) bool {
	switch {
	case s.store == nil || s.opts.ResultLinks == LinksNever:
		return false
	case s.opts.ResultLinks == LinksAlways:
		return true
	}
	return !isSessionless(ctx)
}

// runOutputCap is the output cap a run asks the runtime for: the tool result
// cap, or, when a big result will be stored, the largest result the store
// keeps whole (the runtime still applies its own cap).
func (s *server) runOutputCap(ctx context.Context) int {
	if s.linksResults(ctx) {
		return max(s.maxStored, s.opts.MaxResultBytes)
	}
	return s.opts.MaxResultBytes
}

// storeBig returns env, or when its result is over the tool result cap a copy
// whose result is a summary naming the stored full result, with a link to it.
// Nothing is stored when the result is the runtime's own summary already.
func (s *server) storeBig(env *runtime.Result) (*runtime.Result, *mcp.ResourceLink) {
	if s.store == nil || len(env.Result) <= s.opts.MaxResultBytes {
		return env, nil
	}
	if rs := runtimeSummary(env.Result); rs != nil {
		// Over the runtime's own cap: there is no full result to keep.
		return withResult(env, shrinkSummary(rs, s.opts.MaxResultBytes)), nil
	}
	summary := summarizeJSON(env.Result, s.opts.MaxResultBytes)
	uri, expires, ok := s.store.put(env.Result)
	var link *mcp.ResourceLink
	if ok {
		summary["resource"] = uri
		summary["expires_at"] = expires.UTC().Format(time.RFC3339)
		summary["hint"] = "the full result is the resource " + uri + " (resources/read) until expires_at; or return only the fields you need"
		size := int64(len(env.Result))
		link = &mcp.ResourceLink{URI: uri, Name: "execute_lua result", MIMEType: "application/json", Size: &size,
			Description: fmt.Sprintf("The full result (%d bytes of JSON), readable until %s.", size, summary["expires_at"])}
	} else {
		summary["reason"] = fmt.Sprintf("the result is %d bytes of JSON, over the %d-byte tool result cap and larger than the server's whole result store", len(env.Result), s.opts.MaxResultBytes)
	}
	return withResult(env, summary), link
}

// withResult returns a copy of env whose result is v.
func withResult(env *runtime.Result, v any) *runtime.Result {
	data, err := json.Marshal(v)
	if err != nil {
		return env
	}
	cp := *env
	cp.Result = data
	return &cp
}

// readResult serves resources/read of a stored result.
func (s *server) readResult(_ context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	data, expires, ok := s.store.get(uri)
	if !ok {
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, // resource not found (SEP-2164)
			Message: fmt.Sprintf(
				"%s is not stored here: results are kept %s by the server process that ran the script (each replica keeps its own); run the script again",
				uri, s.opts.ResultTTL), Data: json.RawMessage(fmt.Sprintf(`{"uri":%q}`, uri))}
	}
	return &mcp.ReadResourceResult{
		Cacheable: mcp.Cacheable{TTLMs: int(time.Until(expires) / time.Millisecond)},
		Contents:  []*mcp.ResourceContents{{URI: uri, MIMEType: "application/json", Text: string(data)}},
	}, nil
}

// addResultResources registers the stored results' template.
func (s *server) addResultResources(srv *mcp.Server) {
	srv.AddResourceTemplate(&mcp.ResourceTemplate{
		URITemplate: resultTemplate,
		Name:        "execute_lua results",
		Description: fmt.Sprintf("Full results of execute_lua calls that were over the tool result cap, kept %s.", s.opts.ResultTTL),
		MIMEType:    "application/json",
	}, s.readResult)
}

// fullResultNote tells execute_lua's description where a big result's full
// JSON goes, when it is kept.
func (s *server) fullResultNote() string {
	if s.store == nil {
		return ""
	}
	return fmt.Sprintf(" (often with a link: resources/read gives the full JSON for %s)", s.opts.ResultTTL)
}
