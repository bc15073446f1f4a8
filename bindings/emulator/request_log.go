package emulator

import (
	"net/http"
	"time"
)

// logRequest writes a request's debug line: method, path, status, latency and
// request id (plus the injected fault, if any). It never logs the query or a
// header, so never a credential.
func (e *Emulator) logRequest(r *http.Request, status int, rid string, start time.Time, fault string) {
	args := []any{"method", r.Method, "path", r.URL.Path, "status", status,
		"latency_ms", float64(time.Since(start).Microseconds()) / 1000, "request_id", rid}
	if fault != "" {
		args = append(args, "fault", fault)
	}
	e.log.Debug("emulator request", args...)
}

// statusWriter records the status a control endpoint answers.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
