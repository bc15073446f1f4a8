package emulator

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// Transport returns an http.RoundTripper that serves requests in process, with no
// socket: give it to an http.Client whose requests use any host (for example
// "http://emulator"). Injected connection resets and truncated bodies surface as
// transport errors, as they would over a network.
func (e *Emulator) Transport() http.RoundTripper { return transport{e} }

type transport struct{ e *Emulator }

func (t transport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	rec := &recorder{header: http.Header{}, status: 0}
	aborted := false
	func() {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					aborted = true
					return
				}
				panic(p)
			}
		}()
		r2 := req.Clone(req.Context())
		if r2.Body == nil {
			r2.Body = http.NoBody
		}
		if r2.RequestURI == "" {
			r2.RequestURI = req.URL.RequestURI()
		}
		t.e.ServeHTTP(rec, r2)
	}()
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if aborted && !rec.wroteHeader {
		return nil, fmt.Errorf("emulator: connection reset by peer (injected fault): %w", io.ErrUnexpectedEOF)
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	var body io.ReadCloser = io.NopCloser(bytes.NewReader(rec.body.Bytes()))
	if aborted {
		body = io.NopCloser(io.MultiReader(bytes.NewReader(rec.body.Bytes()), errReader{io.ErrUnexpectedEOF}))
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rec.status, http.StatusText(rec.status)),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          body,
		ContentLength: -1,
		Request:       req,
	}, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}
