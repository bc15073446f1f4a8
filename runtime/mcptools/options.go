package mcptools

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Mode selects which tools a server exposes.
type Mode string

// The tool modes.
const (
	// ModeCode exposes the four code-mode tools: lua_list_docs, lua_search_docs,
	// lua_read_doc and execute_lua.
	ModeCode Mode = "code"
	// ModeFunctions exposes one tool per catalog function the runtime's policy
	// allows, named by [ToolName].
	ModeFunctions Mode = "functions"
	// ModeAll exposes both.
	ModeAll Mode = "all"
)

// ParseMode parses a --tools flag value; empty is ModeCode.
func ParseMode(s string) (Mode, error) {
	return parseChoice("tools mode", s, ModeCode, ModeFunctions, ModeAll)
}

// parseChoice parses s as one of choices; empty is the first. what names
// the setting in the error, which lists the choices.
func parseChoice[T ~string](what, s string, choices ...T) (T, error) {
	if s == "" {
		return choices[0], nil
	}
	quoted := make([]string, len(choices))
	for i, c := range choices {
		if string(c) == s {
			return c, nil
		}
		quoted[i] = strconv.Quote(string(c))
	}
	list := strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	return "", fmt.Errorf("mcptools: unknown %s %q; use %s", what, s, list)
}

// Defaults for the zero values of [Options].
const (
	// DefaultMaxResultBytes caps the JSON of one tool result: the envelope's
	// result of execute_lua (larger results are summarised by the runtime as
	// valid JSON) and the data of a per-function tool.
	DefaultMaxResultBytes = 50_000
	// DefaultProgressInterval is how often a running tool call sends a progress
	// notification when the client asked for progress.
	DefaultProgressInterval = 5 * time.Second
	// DefaultMaxConcurrent bounds the tool calls that run at the same time across
	// all sessions of one server; further calls wait for a free slot (or for
	// their cancellation).
	DefaultMaxConcurrent = 16
	// DefaultResultTTL is how long a stored full result can be read.
	DefaultResultTTL = 10 * time.Minute
	// DefaultResultStoreBytes bounds all the full results one server keeps.
	DefaultResultStoreBytes = 64 << 20
	// DefaultMaxStoredResultBytes is the runtime output cap a server that
	// stores big results should use ([runtime.Options.MaxOutputBytes]): the
	// largest result kept whole (the CLI sets it for `mcp`).
	DefaultMaxStoredResultBytes = 16 << 20
	// DefaultName is the server name reported in the initialize response.
	DefaultName = "kosmo-lua"
	// DefaultVersion is the server version reported when Options.Version is empty.
	DefaultVersion = "dev"
)

// Options configure [NewServer]. A nil *Options means all defaults; NewServer
// copies the struct.
type Options struct {
	// Tools selects the exposed tools. If empty, ModeCode.
	Tools Mode
	// MaxResultBytes caps each tool result (see DefaultMaxResultBytes). It can
	// only lower the runtime's own MaxOutputBytes, never raise it. If zero,
	// DefaultMaxResultBytes.
	MaxResultBytes int
	// Name and Version are reported as serverInfo. If empty, DefaultName and
	// DefaultVersion.
	Name    string
	Version string
	// ProgressInterval is the heartbeat period of progress notifications (sent
	// only to clients that gave a progress token). execute_lua also sends one
	// after a WorkOS call, at most one per [CallProgressInterval]. If zero,
	// DefaultProgressInterval.
	ProgressInterval time.Duration
	// MaxConcurrent bounds the tool calls running at once. If zero,
	// DefaultMaxConcurrent; negative means no bound.
	MaxConcurrent int
	// ResultTTL is how long a stored full result stays readable. If zero,
	// DefaultResultTTL.
	ResultTTL time.Duration
	// ResultStoreBytes bounds the full results kept by this server (one
	// process: replicas do not share them); the oldest are dropped first to
	// make room. If zero, DefaultResultStoreBytes; negative means no store:
	// a big result is only summarised.
	ResultStoreBytes int
	// ResultLinks says when a big result is stored and linked. If empty,
	// LinksAuto.
	ResultLinks LinkMode
	// ResultFormat is how execute_lua returns its envelope. If empty,
	// FormatBoth (`kosmo-lua mcp` defaults to FormatText, the cheapest).
	ResultFormat ResultFormat
	// Logger receives the server's operational logs (one line per tool call;
	// never the API key or script results). The CLI points it at stderr,
	// because stdout belongs to the protocol. If nil, logs are discarded.
	Logger *slog.Logger
}

// LinkMode says when execute_lua stores a result over the tool result cap
// and returns a resource_link to it (kosmo://results/<id>) next to its
// summary.
type LinkMode string

// The link modes.
const (
	// LinksAuto links when the reader is sure to reach this process: over
	// stdio and in an HTTP session (protocol 2025-11-25 and before), not for
	// a sessionless 2026-07-28 HTTP request, which a load balancer may send
	// to another replica.
	LinksAuto LinkMode = "auto"
	// LinksAlways links on every transport: for one replica, or replicas
	// behind a load balancer with affinity.
	LinksAlways LinkMode = "always"
	// LinksNever never stores: a big result is only summarised.
	LinksNever LinkMode = "never"
)

// ParseLinkMode parses a --result-links flag value; empty is LinksAuto.
func ParseLinkMode(s string) (LinkMode, error) {
	return parseChoice("result links mode", s, LinksAuto, LinksAlways, LinksNever)
}
