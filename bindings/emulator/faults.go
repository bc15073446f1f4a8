package emulator

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults injects failures, for testing clients' retries and error handling. Every
// rate is a probability in [0, 1] drawn per request from a generator seeded by
// Seed, so a run is reproducible. The /_emulate control endpoints are never faulted.
type Faults struct {
	// Latency delays every response (0: none).
	Latency time.Duration
	// FailureRate answers this fraction of requests with FailureStatus.
	FailureRate float64
	// FailureStatus is the injected failure's status (0: 503).
	FailureStatus int
	// ResetRate drops the connection without a response.
	ResetRate float64
	// TruncateRate sends only the first half of the body, then drops the connection.
	TruncateRate float64
	// MalformedRate sends a body that is not valid JSON.
	MalformedRate float64
	// RateLimit is the number of requests allowed per API key per RateLimitWindow;
	// further requests get 429 {"code":"rate_limit_exceeded"} with Retry-After (0: no limit).
	RateLimit int
	// RateLimitWindow is the rate-limit window (0: 60s, WorkOS's general window).
	RateLimitWindow time.Duration
	// Seed seeds the fault generator (0: 1).
	Seed uint64
}

// Hook is an injected response, compatible with WorkOS's emulator: requests whose
// method and path match get Status and Body instead of the real answer.
type Hook struct {
	// ID names the hook (assigned: "hook_...").
	ID string `json:"id"`
	// Method matches the request method; empty or "*" matches any.
	Method string `json:"method,omitempty"`
	// Path matches the request path exactly or as a path.Match glob ("/organizations/*").
	Path string `json:"path"`
	// Status is the status to answer with.
	Status int `json:"status"`
	// Body is the JSON body to answer with (nil: a WorkOS-shaped error for Status).
	Body any `json:"body,omitempty"`
	// Headers are extra response headers (e.g. {"Retry-After": "1"}).
	Headers map[string]string `json:"headers,omitempty"`
	// Fault, instead of Status and Body, injects a transport fault: "reset" drops
	// the connection without serving the request; "reset_after" serves it (state
	// changes) and then drops the connection before answering, as when a response
	// is lost; "truncate" serves it and sends half the body; "malformed" serves it
	// and sends a body that is not JSON.
	Fault string `json:"fault,omitempty"`
	// Times limits how many requests the hook answers (0: every request until deleted).
	Times int `json:"times,omitempty"`
	// Hits counts the requests the hook has answered.
	Hits int `json:"hits"`
}

type faultState struct {
	f  Faults
	mu sync.Mutex
	rn *rand.Rand
	// rate limiting
	windowStart map[string]time.Time
	count       map[string]int
	hooks       []*Hook
	hookSeq     int
}

func newFaultState(f Faults) *faultState {
	seed := f.Seed
	if seed == 0 {
		seed = 1
	}
	if f.FailureStatus == 0 {
		f.FailureStatus = http.StatusServiceUnavailable
	}
	if f.RateLimitWindow == 0 {
		f.RateLimitWindow = time.Minute
	}
	return &faultState{f: f, rn: rand.New(rand.NewPCG(seed, seed^0x5eed)), windowStart: map[string]time.Time{}, count: map[string]int{}}
}

type faultKind int

const (
	faultNone faultKind = iota
	faultFail
	faultReset
	faultTruncate
	faultMalformed
	faultResetAfter
)

// draw decides the random fault for one request.
func (fs *faultState) draw() faultKind {
	f := fs.f
	if f.FailureRate == 0 && f.ResetRate == 0 && f.TruncateRate == 0 && f.MalformedRate == 0 {
		return faultNone
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	x := fs.rn.Float64()
	for _, c := range []struct {
		p float64
		k faultKind
	}{{f.FailureRate, faultFail}, {f.ResetRate, faultReset}, {f.TruncateRate, faultTruncate}, {f.MalformedRate, faultMalformed}} {
		if x < c.p {
			return c.k
		}
		x -= c.p
	}
	return faultNone
}

// rateLimited counts a request for key and returns the Retry-After seconds when over the limit.
func (fs *faultState) rateLimited(key string, now time.Time) (int, bool) {
	if fs.f.RateLimit <= 0 {
		return 0, false
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	start, ok := fs.windowStart[key]
	if !ok || now.Sub(start) >= fs.f.RateLimitWindow {
		fs.windowStart[key], fs.count[key] = now, 0
		start = now
	}
	fs.count[key]++
	if fs.count[key] <= fs.f.RateLimit {
		return 0, false
	}
	wait := int((fs.f.RateLimitWindow - now.Sub(start) + time.Second - 1) / time.Second)
	return max(wait, 1), true
}

func (fs *faultState) addHook(h *Hook) *Hook {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.hookSeq++
	h.ID = fmt.Sprintf("hook_%d", fs.hookSeq)
	h.Hits = 0
	fs.hooks = append(fs.hooks, h)
	return h
}

func (fs *faultState) listHooks() []any {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]any, 0, len(fs.hooks))
	for _, h := range fs.hooks {
		c := *h
		out = append(out, &c)
	}
	return out
}

func (fs *faultState) deleteHook(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, h := range fs.hooks {
		if h.ID == id {
			fs.hooks = append(fs.hooks[:i:i], fs.hooks[i+1:]...)
			return true
		}
	}
	return false
}

func (fs *faultState) resetHooks() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.hooks = nil
}

// matchHook returns a copy of the first hook matching the request and counts the hit.
func (fs *faultState) matchHook(method, p string) *Hook {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, h := range fs.hooks {
		if h.Method != "" && h.Method != "*" && !strings.EqualFold(h.Method, method) {
			continue
		}
		if h.Path != p {
			if ok, _ := path.Match(h.Path, p); !ok {
				continue
			}
		}
		h.Hits++
		c := *h
		if h.Times > 0 && h.Hits >= h.Times {
			fs.hooks = append(fs.hooks[:i:i], fs.hooks[i+1:]...)
		}
		return &c
	}
	return nil
}

// serveControl answers the /_emulate control endpoints.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case p == "/_emulate/reset" && r.Method == http.MethodPost:
		if err := e.Reset(); err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"message": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"reset": true})
	case p == "/_emulate/hooks" && r.Method == http.MethodPost:
		var h Hook
		err := json.NewDecoder(r.Body).Decode(&h)
		validFault := h.Fault == "" || h.Fault == "reset" || h.Fault == "reset_after" || h.Fault == "truncate" || h.Fault == "malformed"
		if err != nil || h.Path == "" || !validFault || (h.Fault == "" && (h.Status < 100 || h.Status > 599)) {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "emulator: a hook needs {method, path, status, body} (path non-empty, status 100-599) or {method, path, fault} with fault reset, reset_after, truncate or malformed", "code": "invalid_request_parameters"})
			return
		}
		writeJSON(w, http.StatusCreated, e.faults.addHook(&h))
	case p == "/_emulate/hooks" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": e.faults.listHooks()})
	case strings.HasPrefix(p, "/_emulate/hooks/") && r.Method == http.MethodDelete:
		id := strings.TrimPrefix(p, "/_emulate/hooks/")
		if !e.faults.deleteHook(id) {
			writeJSON(w, http.StatusNotFound, notFound("Hook", id).body)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case p == "/_emulate/hooks" && r.Method == http.MethodDelete:
		e.faults.resetHooks()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "emulator: unknown control endpoint " + r.Method + " " + p + "; use POST /_emulate/reset or /_emulate/hooks", "code": "not_found"})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// defaultErrorBody is a WorkOS-shaped body for an injected status.
func defaultErrorBody(status int) map[string]any {
	switch status {
	case http.StatusTooManyRequests:
		return map[string]any{"message": "Too many requests.", "code": "rate_limit_exceeded"}
	case http.StatusUnauthorized:
		return unauthorized().body
	case http.StatusNotFound:
		return map[string]any{"message": "Not found.", "code": "entity_not_found"}
	}
	return map[string]any{"message": http.StatusText(status), "code": strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")}
}
