package mcptools

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
)

// maxTrackedLine bounds the part of one incoming line that cancelFilter keeps
// to read its id; a longer line is passed on untracked (the SDK bounds frames
// itself).
const maxTrackedLine = 16 << 20

// cancelFilter drops the response to a request the client cancelled
// (notifications/cancelled): the spec says the receiver SHOULD NOT respond,
// and the SDK always does. It watches the newline-delimited JSON-RPC stream of
// a stdio connection on both sides, and the POST bodies and event streams of
// HTTP sessions (see httpFilter), so the SDK's own connections stay as they
// are.
//
// A cancellation counts only for a request still in flight; a new request
// with the same id clears it, so a client that reuses ids is never silenced.
type cancelFilter struct {
	mu        sync.Mutex
	inFlight  map[string]bool // request ids read and not yet answered
	cancelled map[string]bool // in-flight ids the client cancelled
}

func newCancelFilter() *cancelFilter {
	return &cancelFilter{inFlight: map[string]bool{}, cancelled: map[string]bool{}}
}

// frame is what the filter reads of a message.
type frame struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params struct {
		RequestID json.RawMessage `json:"requestId"`
	} `json:"params"`
}

// idKey is the canonical form of a JSON-RPC id.
func idKey(raw json.RawMessage) string {
	var b bytes.Buffer
	if len(raw) == 0 || json.Compact(&b, raw) != nil || b.String() == "null" {
		return ""
	}
	return b.String()
}

// sawIncoming records one message the client sent in scope (a session; ""
// on stdio).
func (f *cancelFilter) sawIncoming(scope string, line []byte) {
	var m frame
	if bytes.HasPrefix(bytes.TrimSpace(line), []byte("[")) || json.Unmarshal(line, &m) != nil {
		return // batches (2025-03-26 and before) and garbage are not tracked
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch id := idKey(m.ID); {
	case m.Method == "notifications/cancelled":
		if c := idKey(m.Params.RequestID); c != "" && f.inFlight[scope+"\x00"+c] {
			f.cancelled[scope+"\x00"+c] = true
		}
	case m.Method != "" && id != "":
		f.inFlight[scope+"\x00"+id] = true
		delete(f.cancelled, scope+"\x00"+id)
	}
}

// dropOutgoing records one message the server sends in scope and reports
// whether it is the response to a cancelled request.
func (f *cancelFilter) dropOutgoing(scope string, line []byte) bool {
	var m frame
	if bytes.HasPrefix(bytes.TrimSpace(line), []byte("[")) || json.Unmarshal(line, &m) != nil || m.Method != "" {
		return false
	}
	id := idKey(m.ID)
	if id == "" {
		return false
	}
	id = scope + "\x00" + id
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.inFlight, id)
	if f.cancelled[id] {
		delete(f.cancelled, id)
		return true
	}
	return false
}

// reader passes r through, showing each complete line to the filter.
func (f *cancelFilter) reader(r io.Reader) io.Reader { return &filterReader{r: r, f: f} }

type filterReader struct {
	r    io.Reader
	f    *cancelFilter
	line []byte
	long bool // the current line outgrew maxTrackedLine
}

func (fr *filterReader) Read(p []byte) (int, error) {
	n, err := fr.r.Read(p)
	rest := p[:n]
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		chunk := rest
		if i >= 0 {
			chunk = rest[:i]
		}
		if !fr.long {
			if len(fr.line)+len(chunk) > maxTrackedLine {
				fr.long, fr.line = true, nil
			} else {
				fr.line = append(fr.line, chunk...)
			}
		}
		if i < 0 {
			break
		}
		if !fr.long {
			fr.f.sawIncoming("", fr.line)
		}
		fr.line, fr.long = fr.line[:0], false
		rest = rest[i+1:]
	}
	return n, err
}

// writer passes whole lines to w except the responses to cancelled requests.
func (f *cancelFilter) writer(w io.Writer) io.Writer { return &filterWriter{w: w, f: f} }

type filterWriter struct {
	mu   sync.Mutex
	w    io.Writer
	f    *cancelFilter
	part []byte // an incomplete last line
}

func (fw *filterWriter) Write(p []byte) (int, error) {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	data := p
	if len(fw.part) > 0 {
		data = append(fw.part, p...)
		fw.part = nil
	}
	var out []byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			fw.part = append([]byte(nil), data...)
			break
		}
		line := data[:i+1]
		if !fw.f.dropOutgoing("", line[:i]) {
			out = append(out, line...)
		}
		data = data[i+1:]
	}
	if len(out) > 0 {
		if _, err := fw.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
