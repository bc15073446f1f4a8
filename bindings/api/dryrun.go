package api

import (
	"bytes"
	"encoding/json"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// DryRunRecord is a write that was recorded instead of sent.
type DryRunRecord struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	// Headers are the headers that would have been sent; Authorization shows
	// "Bearer [REDACTED]".
	Headers map[string]string `json:"headers"`
	// Body is the JSON body (nil when none), as Go values.
	Body any `json:"body,omitempty"`
}

// recordsInstead reports whether req is recorded instead of sent: with
// [Options.DryRun], every operation that is not a read.
func (c *Client) recordsInstead(req *Request) bool {
	access := catalog.MethodAccess(req.Method)
	if op := req.Op; op != nil && op.Access != "" {
		access = op.Access
	}
	return c.opts.DryRun && access != catalog.Read
}

// dryRunRecord records the outgoing request with its secrets redacted.
func (out *outgoing) dryRunRecord() *DryRunRecord {
	req := out.req
	rec := &DryRunRecord{Method: req.Method, URL: out.redact.str(out.url), Headers: map[string]string{}, Body: req.BodyValue}
	for k := range out.header {
		v := out.header.Get(k)
		if k == "Authorization" {
			v = "Bearer " + redacted
		}
		rec.Headers[k] = out.redact.str(v)
	}
	if req.Body != nil {
		var v any
		dec := json.NewDecoder(bytes.NewReader([]byte(out.redact.str(string(req.Body)))))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			rec.Body = v
		}
	}
	return rec
}
