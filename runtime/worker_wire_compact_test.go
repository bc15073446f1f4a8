package runtime

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
)

// roundTrip writes f and reads it back as the other side of a pipe would.
func roundTrip(t *testing.T, f *frame) (got *frame, header []byte) {
	t.Helper()
	var buf bytes.Buffer
	fw := frameWriter{w: &buf}
	if err := fw.write(f); err != nil {
		t.Fatal(err)
	}
	raw := bytes.Clone(buf.Bytes())
	got, err := readFrame(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	return got, raw[8:]
}

func TestFrameCodecRoundTrips(t *testing.T) {
	result := &wireResult{Function: "organizations_find", Status: 200, RequestID: "req_1", Retries: 2,
		IdempotencyKey: "idem-ü", Duration: 1234 * time.Microsecond,
		Header: http.Header{"Content-Type": {"application/json"}, "Location": {"/a", "/b"}, "X-Empty": {""}}}
	tests := []struct {
		name    string
		f       *frame
		compact bool
	}{
		{"call", &frame{Type: frameCall, ID: 7, Function: "organizations_find", payload: []byte(`{"id":"org_1"}`)}, true},
		{"batch call on an account", &frame{Type: frameCall, ID: 1 << 40, Function: "users_list", Account: "eu", Batch: true}, true},
		{"reply", &frame{Type: frameReply, ID: 7, Result: result, payload: []byte(`{"id":"org_1"}`)}, true},
		{"reply without headers", &frame{Type: frameReply, ID: 8, Result: &wireResult{Function: "f", Status: 204}}, true},
		{"reply with an error", &frame{Type: frameReply, ID: 9, Err: &wireError{Type: wireAPI, API: &api.APIError{Function: "f", Status: 404, Message: "not found"}}}, false},
		{"reply with a dry run", &frame{Type: frameReply, ID: 10, Result: &wireResult{Function: "f", DryRun: &api.DryRunRecord{Method: "POST", URL: "https://x/y", Headers: map[string]string{"A": "b"}}}}, false},
		{"reject", &frame{Type: frameReject, Function: "f", Err: &wireError{Type: wireOther, Message: "no"}}, false},
		{"done", &frame{Type: frameDone, Report: &report{}, payload: []byte("1")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, header := roundTrip(t, tt.f)
			if isCompact := header[0] == compactMagic; isCompact != tt.compact {
				t.Errorf("compact header: %v, want %v", isCompact, tt.compact)
			}
			if diff := cmp.Diff(tt.f, got, cmp.AllowUnexported(frame{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("frame after a round trip (-sent +read):\n%s", diff)
			}
		})
	}
}

func TestParseCompactRefusesMalformedHeaders(t *testing.T) {
	for _, f := range []*frame{
		{Type: frameCall, ID: 300, Function: "organizations_find", Account: "eu", Batch: true},
		{Type: frameReply, ID: 300, Result: &wireResult{Function: "f", Status: 200, Header: http.Header{"Content-Type": {"a", "b"}}}},
	} {
		h := appendCompact(nil, f)
		if _, err := parseCompact(h); err != nil {
			t.Fatalf("the whole header: %v", err)
		}
		// Every truncation, and trailing bytes, are errors, never a panic.
		for n := 1; n < len(h); n++ {
			if got, err := parseCompact(h[:n]); err == nil {
				t.Errorf("%s header cut to %d of %d bytes parsed as %+v", f.Type, n, len(h), got)
			}
		}
		if _, err := parseCompact(append(h, 0)); err == nil {
			t.Errorf("%s header with a trailing byte parsed", f.Type)
		}
	}
	for _, h := range [][]byte{
		{compactMagic},
		{compactMagic, 'x', 1},
		// A header count far larger than the bytes left allocates nothing.
		append([]byte{compactMagic, compactReply, 1, 1, 'f', 200, 1, 0, 0, 0, 0}, 0xff, 0xff, 0xff, 0xff, 0x0f),
	} {
		if got, err := parseCompact(h); err == nil {
			t.Errorf("parseCompact(%x) = %+v, want an error", h, got)
		}
	}
}

func FuzzParseCompact(f *testing.F) {
	f.Add(appendCompact(nil, &frame{Type: frameCall, ID: 7, Function: "organizations_find"}))
	f.Add(appendCompact(nil, &frame{Type: frameReply, ID: 7, Result: &wireResult{Function: "f", Status: 200,
		Header: http.Header{"Content-Type": {"application/json"}}}}))
	f.Fuzz(func(t *testing.T, h []byte) {
		got, err := parseCompact(h)
		if err != nil {
			return
		}
		// What parses encodes back to a header that parses the same.
		again, err := parseCompact(appendCompact(nil, got))
		if err != nil {
			t.Fatalf("re-encoded header does not parse: %v", err)
		}
		if diff := cmp.Diff(got, again, cmp.AllowUnexported(frame{}), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("re-encoded header differs:\n%s", diff)
		}
	})
}
