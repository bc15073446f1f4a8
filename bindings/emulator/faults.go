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

// Hook is an injected response, compatible with WorkOS's emulator (workos/emulate):
// requests whose method and path match get Status and Body instead of the real answer.
type Hook struct {
	// ID names the hook (assigned: "hook_...").
	ID string `json:"id"`
	// Method matches the request method; "*" (or empty) matches any.
	Method string `json:"method"`
	// Path matches the request path: exactly, "*" for every path, a "/prefix/*"
	// for the prefix and everything under it, or any path.Match glob.
	Path string `json:"path"`
	// Status is the status to answer with.
	Status int `json:"status,omitempty"`
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
	// Count limits how many requests the hook answers (0: every request until
	// deleted). "times" is accepted as an alias when adding a hook.
	Count int `json:"count,omitempty"`
	// RateLimit, when set, lets MaxRequests matching requests through per WindowMs
	// and answers the rest with the hook (429 and Retry-After by default).
	RateLimit *HookRateLimit `json:"rateLimit,omitempty"`
	// Hits counts the requests the hook has answered.
	Hits int `json:"hits"`

	windowStart time.Time
	windowCount int
}

// HookRateLimit is a hook's request budget (workos/emulate's rateLimit).
type HookRateLimit struct {
	// MaxRequests is the number of requests let through per window.
	MaxRequests int `json:"maxRequests"`
	// WindowMs is the window length in milliseconds.
	WindowMs int64 `json:"windowMs"`
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
	if h.Method == "" {
		h.Method = "*"
	}
	if h.RateLimit != nil && h.Status == 0 {
		h.Status = http.StatusTooManyRequests
	}
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

// hookPathMatches implements workos/emulate's path patterns plus path.Match globs.
func hookPathMatches(pattern, p string) bool {
	switch {
	case pattern == "*" || pattern == p:
		return true
	case strings.HasSuffix(pattern, "/*") && (p == strings.TrimSuffix(pattern, "/*") || strings.HasPrefix(p, strings.TrimSuffix(pattern, "*"))):
		return true
	}
	ok, _ := path.Match(pattern, p)
	return ok
}

// matchHook returns a copy of the first hook matching the request and counts the hit.
func (fs *faultState) matchHook(method, p string, now time.Time) *Hook {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, h := range fs.hooks {
		if h.Method != "" && h.Method != "*" && !strings.EqualFold(h.Method, method) {
			continue
		}
		if !hookPathMatches(h.Path, p) {
			continue
		}
		c := *h
		if rl := h.RateLimit; rl != nil {
			window := time.Duration(rl.WindowMs) * time.Millisecond
			if h.windowStart.IsZero() || now.Sub(h.windowStart) >= window {
				h.windowStart, h.windowCount = now, 0
			}
			h.windowCount++
			if h.windowCount <= rl.MaxRequests {
				continue
			}
			if c.Headers == nil {
				wait := max(1, int((window-now.Sub(h.windowStart)+time.Second-1)/time.Second))
				c.Headers = map[string]string{"Retry-After": strconv.Itoa(wait)}
			}
		}
		h.Hits++
		c.Hits = h.Hits
		if h.Count > 0 && h.Hits >= h.Count {
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
		var in struct {
			Hook
			Times int `json:"times"`
		}
		err := json.NewDecoder(r.Body).Decode(&in)
		h := in.Hook
		if h.Count == 0 {
			h.Count = in.Times
		}
		validFault := h.Fault == "" || h.Fault == "reset" || h.Fault == "reset_after" || h.Fault == "truncate" || h.Fault == "malformed"
		statusOK := h.Fault != "" || h.RateLimit != nil || (h.Status >= 100 && h.Status <= 599)
		if err != nil || h.Path == "" || !validFault || !statusOK || h.Count < 0 || (h.RateLimit != nil && h.RateLimit.WindowMs <= 0) {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "method, path, and status are required (status 100-599; or fault reset, reset_after, truncate or malformed; count >= 0; rateLimit {maxRequests, windowMs > 0})", "code": "bad_request"})
			return
		}
		writeJSON(w, http.StatusCreated, e.faults.addHook(&h))
	case p == "/_emulate/device" && (r.Method == http.MethodPost || r.Method == http.MethodGet):
		e.serveDevice(w, r)
	case p == "/_emulate/hooks" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, e.faults.listHooks())
	case strings.HasPrefix(p, "/_emulate/hooks/") && r.Method == http.MethodDelete:
		id := strings.TrimPrefix(p, "/_emulate/hooks/")
		if !e.faults.deleteHook(id) {
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "Hook not found", "code": "not_found"})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case p == "/_emulate/hooks" && r.Method == http.MethodDelete:
		e.faults.resetHooks()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "emulator: unknown control endpoint " + r.Method + " " + p + "; use POST /_emulate/reset, /_emulate/hooks or /_emulate/device", "code": "not_found"})
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
		return unauthorized().body()
	case http.StatusNotFound:
		return map[string]any{"message": "Not found.", "code": "entity_not_found"}
	}
	return map[string]any{"message": http.StatusText(status), "code": strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")}
}
