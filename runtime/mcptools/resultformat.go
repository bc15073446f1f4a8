package mcptools

import (
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// ResultFormat says how execute_lua returns its envelope.
type ResultFormat string

// The result formats.
const (
	// FormatText returns the compact text rendering only (content). Every
	// client passes content to the model, and it is the smallest form.
	FormatText ResultFormat = "text"
	// FormatStructured returns the envelope as structuredContent, with one
	// line of text content (outcome, time, calls) for clients that show only
	// text.
	FormatStructured ResultFormat = "structured"
	// FormatBoth returns the envelope as structuredContent and the whole text
	// rendering: the largest form, for clients that read either.
	FormatBoth ResultFormat = "both"
)

// ParseResultFormat parses a --result-format flag value; empty is FormatBoth.
func ParseResultFormat(s string) (ResultFormat, error) {
	return parseChoice("result format", s, FormatBoth, FormatStructured, FormatText)
}

// envelopeResult builds execute_lua's tool result from env in format f. The
// second value is the structuredContent (nil for FormatText).
func envelopeResult(f ResultFormat, env *runtime.Result, link *mcp.ResourceLink) (*mcp.CallToolResult, any) {
	var (
		out        *mcp.CallToolResult
		structured any = env
	)
	// needs_approval is a question for the user, not a failure.
	failed := !env.OK && env.Outcome != OutcomeNeedsApproval
	switch f {
	case FormatText:
		out, structured = textResult(renderEnvelope(env), failed), nil
	case FormatStructured:
		out = textResult(fmt.Sprintf("outcome: %s · %s · %s (the envelope is in structuredContent)", env.Outcome, fmtMS(env.Stats.DurationMS), plural(env.Stats.Calls, "call")), failed)
	default:
		out = textResult(renderEnvelope(env), failed)
	}
	if link != nil {
		out.Content = append(out.Content, link)
	}
	return out, structured
}
