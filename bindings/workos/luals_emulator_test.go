package workos_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// TestLuaLSResultsMatchTheEmulator runs every read function's example against
// the emulator and checks the answer against the function's @return class:
// every key of every object in the result is a declared field of its class,
// and every field declared non-optional (and not nil-able) is there, so what a
// script reads is what the editor completes.
func TestLuaLSResultsMatchTheEmulator(t *testing.T) {
	cat := catalog.Default()
	defs := parseLuaLSClasses(workos.LuaLS(cat, "test"))
	if len(defs.returns) != len(cat.Names()) {
		t.Fatalf("parsed %d @return annotations for %d functions", len(defs.returns), len(cat.Names()))
	}
	for _, op := range cat.Operations() {
		if op.Access != catalog.Read {
			continue
		}
		if _, skip := noRunnableExample[op.Name]; skip {
			continue
		}
		t.Run(op.Name, func(t *testing.T) {
			body, ok := exampleResponse(t, cat, op)
			if !ok {
				t.Skip("the example's call answered no JSON body")
			}
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Skipf("not JSON: %v", err)
			}
			for _, p := range defs.check(defs.returns[op.Name], v, "result") {
				t.Error(p)
			}
		})
	}
}

// luaLSClasses is the part of a definition file the check needs.
type luaLSClasses struct {
	fields   map[string]map[string]string // class -> field -> type
	required map[string]map[string]bool   // class -> non-optional fields
	returns  map[string]string            // function -> return type
}

func parseLuaLSClasses(text string) *luaLSClasses {
	d := &luaLSClasses{fields: map[string]map[string]string{}, required: map[string]map[string]bool{}, returns: map[string]string{}}
	class := ""
	field := regexp.MustCompile(`^---@field (\S+?)(\??) (\S+)`)
	ret := regexp.MustCompile(`(?m)^---@return (\S+)\nfunction workos\.([a-z0-9_]+)\(args\) end$`)
	for _, line := range strings.Split(text, "\n") {
		if c, ok := strings.CutPrefix(line, "---@class "); ok {
			class = c
			d.fields[class] = map[string]string{}
			d.required[class] = map[string]bool{}
			continue
		}
		if m := field.FindStringSubmatch(line); m != nil && class != "" {
			name := strings.TrimSuffix(strings.TrimPrefix(m[1], `["`), `"]`)
			d.fields[class][name] = m[3]
			d.required[class][name] = m[2] == ""
			continue
		}
		if !strings.HasPrefix(line, "---") {
			class = ""
		}
	}
	for _, m := range ret.FindAllStringSubmatch(text, -1) {
		d.returns[m[2]] = m[1]
	}
	return d
}

// check returns the problems of value v against the LuaLS type typ.
func (d *luaLSClasses) check(typ string, v any, at string) []string {
	if v == nil || typ == "any" {
		return nil
	}
	var best []string
	for i, alt := range workos.SplitUnion(typ) {
		p := d.checkOne(alt, v, at)
		if len(p) == 0 {
			return nil
		}
		if i == 0 || len(p) < len(best) {
			best = p
		}
	}
	return best
}

func (d *luaLSClasses) checkOne(typ string, v any, at string) []string {
	typ = strings.TrimSuffix(strings.TrimPrefix(typ, "("), ")")
	switch x := v.(type) {
	case []any:
		item, ok := strings.CutSuffix(typ, "[]")
		if !ok {
			return []string{at + ": an array, typed " + typ}
		}
		var probs []string
		for i, e := range x {
			probs = append(probs, d.check(item, e, at+"["+strconv.Itoa(i+1)+"]")...)
		}
		return probs
	case map[string]any:
		if strings.HasPrefix(typ, "table") {
			return nil
		}
		fields, ok := d.fields[typ]
		if !ok {
			return []string{at + ": an object, typed " + typ}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var probs []string
		for f, ft := range fields {
			if _, given := x[f]; !given && d.required[typ][f] && !strings.Contains(ft, "nil") {
				probs = append(probs, at+"."+f+": a required field of "+typ+" is missing")
			}
		}
		for _, k := range keys {
			ft, ok := fields[k]
			if !ok {
				probs = append(probs, at+"."+k+": not a field of "+typ)
				continue
			}
			probs = append(probs, d.check(ft, x[k], at+"."+k)...)
		}
		return probs
	}
	return nil // scalars: the enum and scalar types are the validator's business
}

// exampleResponse runs op's example against a fresh emulator and returns the
// body of the response to op's own call (the last one to its path).
func exampleResponse(t *testing.T, cat *catalog.Catalog, op *catalog.Operation) ([]byte, bool) {
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	rt := &bodyRecorder{next: em.Transport()}
	client, err := api.NewClient(&api.Options{
		APIKey:     emulator.DefaultAPIKey,
		BaseURL:    "http://emulator.local",
		HTTPClient: &http.Client{Transport: rt},
		MaxRetries: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	var rec api.CallRecord
	L := lua.NewState()
	defer L.Close()
	luajson.Preload(L)
	(&workos.Module{Catalog: cat, Client: client, Observe: func(r api.CallRecord) {
		if r.Function == op.Name {
			rec = r
		}
	}}).Preload(L)
	if err := L.DoString(op.Example()); err != nil {
		t.Fatalf("example failed: %v", err)
	}
	for i := len(rt.calls) - 1; i >= 0; i-- {
		c := rt.calls[i]
		if c.method == rec.Method && strings.HasSuffix(c.path, strings.SplitN(rec.Path, "?", 2)[0]) {
			return c.body, len(bytes.TrimSpace(c.body)) > 0
		}
	}
	return nil, false
}

type recordedCall struct {
	method, path string
	body         []byte
}

// bodyRecorder keeps every response body that passes through it.
type bodyRecorder struct {
	next  http.RoundTripper
	calls []recordedCall
}

func (r *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.calls = append(r.calls, recordedCall{method: req.Method, path: req.URL.Path, body: body})
	return resp, nil
}
