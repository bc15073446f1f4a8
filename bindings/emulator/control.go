package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// serveControl answers the /_emulate control endpoints.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case p == "/_emulate/reset" && r.Method == http.MethodPost:
		e.serveReset(w)
	case p == "/_emulate/device" && (r.Method == http.MethodPost || r.Method == http.MethodGet):
		e.serveDevice(w, r)
	case p == "/_emulate/webhooks" && (r.Method == http.MethodGet || r.Method == http.MethodDelete):
		e.serveWebhookLog(w, r)
	case p == "/_emulate/hooks":
		e.serveHooks(w, r, p)
	case strings.HasPrefix(p, "/_emulate/hooks/") && r.Method == http.MethodDelete:
		if !e.faults.deleteHook(strings.TrimPrefix(p, "/_emulate/hooks/")) {
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "Hook not found", "code": "not_found"})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		unknownControl(w, r, p)
	}
}

func unknownControl(w http.ResponseWriter, r *http.Request, p string) {
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "emulator: unknown control endpoint " + r.Method + " " + p + "; use POST /_emulate/reset, /_emulate/hooks, /_emulate/device or GET /_emulate/webhooks", "code": "not_found"})
}

// serveReset answers POST /_emulate/reset.
func (e *Emulator) serveReset(w http.ResponseWriter) {
	if err := e.Reset(); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reset": true})
}

// serveWebhookLog answers /_emulate/webhooks: GET lists the deliveries (oldest
// first), DELETE empties the log.
func (e *Emulator) serveWebhookLog(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete {
		e.webhooks.resetLog()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, e.webhooks.deliveries())
}

// serveHooks answers /_emulate/hooks: POST adds a hook, GET lists them, DELETE removes all.
func (e *Emulator) serveHooks(w http.ResponseWriter, r *http.Request, p string) {
	switch r.Method {
	case http.MethodPost:
		h, ok := decodeHook(r)
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "method, path, and status are required (status 100-599; or fault reset, reset_after, truncate or malformed; count >= 0; rateLimit {maxRequests, windowMs > 0})", "code": "bad_request"})
			return
		}
		writeJSON(w, http.StatusCreated, e.faults.addHook(h))
	case http.MethodGet:
		writeJSON(w, http.StatusOK, e.faults.listHooks())
	case http.MethodDelete:
		e.faults.resetHooks()
		w.WriteHeader(http.StatusNoContent)
	default:
		unknownControl(w, r, p)
	}
}

// decodeHook reads a hook to add ("times" is an alias of count) and reports
// whether it is valid.
func decodeHook(r *http.Request) (*Hook, bool) {
	var in struct {
		Hook
		Times int `json:"times"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return nil, false
	}
	h := in.Hook
	if h.Count == 0 {
		h.Count = in.Times
	}
	validFault := h.Fault == "" || h.Fault == "reset" || h.Fault == "reset_after" || h.Fault == "truncate" || h.Fault == "malformed"
	statusOK := h.Fault != "" || h.RateLimit != nil || (h.Status >= 100 && h.Status <= 599)
	validLimit := h.RateLimit == nil || h.RateLimit.WindowMs > 0
	return &h, h.Path != "" && validFault && statusOK && h.Count >= 0 && validLimit
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
