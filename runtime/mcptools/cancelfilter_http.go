package mcptools

import (
	"bufio"
	"bytes"
	"io"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// sessionIDHeader names an HTTP session (protocol 2025-11-25 and before).
const sessionIDHeader = "Mcp-Session-Id"

// httpFilter applies the filter to the HTTP sessions next serves: it reads
// the messages POSTed in a session and drops, from the response streams, the
// event that answers a request the client cancelled. Requests before a
// session exists (initialize) pass untouched.
func (f *cancelFilter) httpFilter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scope := r.Header.Get(sessionIDHeader)
		if r.Method != http.MethodPost || scope == "" || r.Body == nil {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, mcp.DefaultMaxRequestBodyBytes+1))
		// The SDK reads the body again, and bounds it itself.
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		if err == nil && len(body) <= mcp.DefaultMaxRequestBodyBytes {
			f.sawIncoming(scope, body)
		}
		sw := &sseFilter{ResponseWriter: w, f: f, scope: scope}
		next.ServeHTTP(sw, r)
		sw.flushEvents(true)
	})
}

// sseFilter passes a response on event by event (an SSE event ends with a
// blank line; a JSON response is one event), leaving out the answers to
// cancelled requests.
type sseFilter struct {
	http.ResponseWriter
	f       *cancelFilter
	scope   string
	pending []byte
}

func (s *sseFilter) Write(p []byte) (int, error) {
	s.pending = append(s.pending, p...)
	if err := s.flushEvents(false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// flushEvents writes the complete events held (and, at the end, the rest).
func (s *sseFilter) flushEvents(final bool) error {
	for len(s.pending) > 0 {
		i := bytes.Index(s.pending, []byte("\n\n"))
		if i < 0 && !final {
			return nil
		}
		event := s.pending
		if i >= 0 {
			event = s.pending[:i+2]
		}
		s.pending = s.pending[len(event):]
		if s.f.dropOutgoing(s.scope, eventData(event)) {
			continue
		}
		if _, err := s.ResponseWriter.Write(event); err != nil {
			return err
		}
	}
	return nil
}

// eventData returns the data of an SSE event, or the event itself when it
// is not one (a JSON response).
func eventData(event []byte) []byte {
	var data []byte
	sc := bufio.NewScanner(bytes.NewReader(event))
	sc.Buffer(nil, len(event)+1)
	for sc.Scan() {
		if d, ok := bytes.CutPrefix(sc.Bytes(), []byte("data:")); ok {
			data = append(data, bytes.TrimPrefix(d, []byte(" "))...)
		}
	}
	if data == nil {
		return event
	}
	return data
}

// Flush passes complete events on, then flushes.
func (s *sseFilter) Flush() {
	if s.flushEvents(false) == nil {
		if fl, ok := s.ResponseWriter.(http.Flusher); ok {
			fl.Flush()
		}
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *sseFilter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
