package emulator

import (
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

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
