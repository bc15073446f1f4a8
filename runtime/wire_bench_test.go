package runtime

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"
)

// BenchmarkFrameCallReply encodes and decodes one call frame and its reply,
// as the worker and the host do for every workos call.
func BenchmarkFrameCallReply(b *testing.B) {
	args := []byte(`{"id":"org_1"}`)
	body := []byte(`{"object":"organization","id":"org_1","name":"Acme"}`)
	res := &wireResult{Function: "organizations_find", Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, RequestID: "req_123"}
	var buf bytes.Buffer
	fw := frameWriter{w: &buf}
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		fw.write(&frame{Type: frameCall, ID: 7, Function: "organizations_find", payload: args})
		fw.write(&frame{Type: frameReply, ID: 7, Result: res, payload: body})
		r := bufio.NewReader(&buf)
		if _, err := readFrame(r); err != nil {
			b.Fatal(err)
		}
		if _, err := readFrame(r); err != nil {
			b.Fatal(err)
		}
	}
}
