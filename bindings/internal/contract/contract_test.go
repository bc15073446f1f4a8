package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// specPath is WorkOS's OpenAPI spec, beside the repository (never copied into it).
const specPath = "../../../../shared/workos/open-api-spec.json"

// exchange is one request the executor sent and the emulator's answer.
type exchange struct {
	req      *http.Request
	reqBody  []byte
	resp     *http.Response
	respBody []byte
}

// recorder is an http.RoundTripper that keeps every exchange passing through it.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	rb, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	r.mu.Lock()
	r.log = append(r.log, exchange{req: req.Clone(req.Context()), reqBody: body, resp: resp, respBody: rb})
	r.mu.Unlock()
	return resp, nil
}

// TestExamplesMatchTheSpec runs every operation's example against a fresh
// emulator with its default seed, writes included (they are sent, not dry-run),
// and validates each request and each response against the spec. Findings that
// are not the executor's or the emulator's to fix are listed in allowlist with
// the reason; an allowlisted finding that no longer occurs fails the test.
func TestExamplesMatchTheSpec(t *testing.T) {
	spec, err := os.ReadFile(specPath)
	if err != nil {
		t.Skipf("no OpenAPI spec at %s (../shared/workos beside the repository): %v", specPath, err)
	}
	spec, err = dedupeRequired(spec)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cat := catalog.Default()
	var requests, responses int
	seen := map[string]bool{}
	var findings []string
	for _, op := range cat.Operations() {
		exchanges := runExample(t, cat, op)
		if len(exchanges) == 0 {
			t.Errorf("%s: the example sent no request", op.Name)
		}
		for i, x := range exchanges {
			requests++
			id := fmt.Sprintf("%s#%d %s %s", op.Name, i, x.req.Method, x.req.URL.Path)
			x.req.Body = io.NopCloser(bytes.NewReader(x.reqBody))
			if ok, verrs := v.ValidateHttpRequestSync(x.req); !ok {
				findings = append(findings, classify(seen, op.Name, "request", id, verrs)...)
			}
			responses++
			x.req.Body = io.NopCloser(bytes.NewReader(x.reqBody))
			x.resp.Body = io.NopCloser(bytes.NewReader(x.respBody))
			if ok, verrs := v.ValidateHttpResponse(x.req, x.resp); !ok {
				findings = append(findings, classify(seen, op.Name, "response", id+fmt.Sprintf(" -> %d %s", x.resp.StatusCode, truncate(x.respBody)), verrs)...)
			}
		}
	}
	for _, f := range findings {
		t.Error(f)
	}
	var stale []string
	for k, reason := range allowlist {
		if !seen[k] {
			stale = append(stale, fmt.Sprintf("%s (%s)", k, reason))
		}
	}
	sort.Strings(stale)
	for _, s := range stale {
		t.Errorf("allowlisted but no longer found, remove it: %s", s)
	}
	t.Logf("contract: %d operations, %d requests validated, %d responses validated, %d allowlisted", len(cat.Operations()), requests, responses, len(allowlist))
}

// dedupeRequired removes repeated names from the spec's "required" lists. A few
// of WorkOS's list schemas repeat one (an allOf whose parts both require it),
// which JSON Schema forbids and the validator refuses to compile; without the
// repeat the schema means the same.
func dedupeRequired(spec []byte) ([]byte, error) {
	var doc any
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("parse the spec: %w", err)
	}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if req, ok := v["required"].([]any); ok {
				seen := map[any]bool{}
				out := req[:0]
				for _, r := range req {
					if !seen[r] {
						seen[r] = true
						out = append(out, r)
					}
				}
				v["required"] = out
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return json.Marshal(doc)
}

// classify turns validation errors into findings, leaving out allowlisted ones
// (recorded in seen as "op/kind").
func classify(seen map[string]bool, op, kind, id string, verrs []*verrors.ValidationError) []string {
	key := op + "/" + kind
	if _, ok := allowlist[key]; ok {
		seen[key] = true
		return nil
	}
	var out []string
	for _, e := range verrs {
		msg := fmt.Sprintf("%s %s: %s: %s", kind, id, e.Message, e.Reason)
		for _, s := range e.SchemaValidationErrors {
			msg += fmt.Sprintf("\n\t%s: %s", s.FieldPath, s.Reason)
		}
		out = append(out, msg)
	}
	return out
}

func truncate(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// runExample runs op's example (setup calls included) against a fresh emulator
// and returns every exchange.
func runExample(t *testing.T, cat *catalog.Catalog, op *catalog.Operation) []exchange {
	t.Helper()
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	rec := &recorder{next: em.Transport()}
	client, err := api.NewClient(&api.Options{
		APIKey:     emulator.DefaultAPIKey,
		BaseURL:    "https://api.workos.com",
		HTTPClient: &http.Client{Transport: rec, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		MaxRetries: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	L := lua.NewState()
	defer L.Close()
	luajson.Preload(L)
	(&workos.Module{Catalog: cat, Client: client}).Preload(L)
	_ = L.DoString(op.Example()) // failures show as the exchanges' statuses
	return rec.log
}
