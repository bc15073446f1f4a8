package runtime

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
)

// placeholders hands out and recognises the ids of objects a plan's writes
// would create: the id prefix of the object type, "plan_" and a number per
// prefix ("org_plan_1", "invitation_plan_2").
type placeholders struct {
	next    map[string]int
	ids     []string       // every placeholder, in the order made
	objects map[string]any // the planned answer that holds each one
}

// make returns a new placeholder for an id shaped like example.
func (p *placeholders) make(example string) string {
	prefix := ""
	if i := strings.LastIndexByte(example, '_'); i > 0 {
		prefix = example[:i+1]
	}
	if p.next == nil {
		p.next = map[string]int{}
	}
	p.next[prefix]++
	id := prefix + "plan_" + strconv.Itoa(p.next[prefix])
	p.ids = append(p.ids, id)
	return id
}

// in returns the placeholders a value (a call's arguments) holds, in the
// order they were made.
func (p *placeholders) in(v any) []string {
	if len(p.ids) == 0 {
		return nil
	}
	var found []string
	walkStrings(v, func(s string) {
		for _, id := range p.ids {
			if containsToken(s, id) && !slices.Contains(found, id) {
				found = append(found, id)
			}
		}
	})
	sort.SliceStable(found, func(i, j int) bool { return slices.Index(p.ids, found[i]) < slices.Index(p.ids, found[j]) })
	return found
}

// containsToken reports whether s holds tok not followed by another digit
// ("org_plan_1" is not in "org_plan_12").
func containsToken(s, tok string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], tok)
		if j < 0 {
			return false
		}
		end := i + j + len(tok)
		if end == len(s) || s[end] < '0' || s[end] > '9' {
			return true
		}
		i = end
	}
}

// stringsIn is the set of strings a JSON-shaped value holds.
func stringsIn(v any) map[string]bool {
	set := map[string]bool{}
	walkStrings(v, func(s string) { set[s] = true })
	return set
}

// walkStrings calls fn with every string in a JSON-shaped value.
func walkStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case map[string]any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	}
}

// assignIDs replaces every "id" of a planned answer by a new placeholder,
// except ids the call's own arguments name (keep), and returns where each
// one is.
func (p *placeholders) assignIDs(v any, path string, keep map[string]bool, out *[]Placeholder) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(mapKeys(x)) {
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			if s, ok := x[k].(string); ok && k == "id" && !keep[s] {
				id := p.make(s)
				x[k] = id
				*out = append(*out, Placeholder{ID: id, Path: sub})
				continue
			}
			p.assignIDs(x[k], sub, keep, out)
		}
	case []any:
		for i, e := range x {
			p.assignIDs(e, fmt.Sprintf("%s[%d]", path, i), keep, out)
		}
	}
}

// valueAt returns the value at a Placeholder path ("id", "domains[0].id").
func valueAt(v any, path string) (any, bool) {
	for _, part := range strings.Split(path, ".") {
		name, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
			n, err := strconv.Atoi(strings.TrimSuffix(part[i+1:], "]"))
			if err != nil {
				return nil, false
			}
			idx = n
		}
		if name != "" {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[name]; !ok {
				return nil, false
			}
		}
		if idx >= 0 {
			a, ok := v.([]any)
			if !ok || idx >= len(a) {
				return nil, false
			}
			v = a[idx]
		}
	}
	return v, true
}

// plannedAnswer is the answer a planned call gets: the operation's response
// synthesised from its schema, the body echoed. A read that names a
// placeholder gets the planned object it names, or an empty list.
func (p *placeholders) plannedAnswer(op *catalog.Operation, req *api.Request, args map[string]any, now time.Time) any {
	var body map[string]any
	if len(req.Body) > 0 {
		_ = json.Unmarshal(req.Body, &body)
	}
	pathParams := map[string]string{}
	for _, prm := range op.Params {
		if prm.In != catalog.InPath {
			continue
		}
		if s, ok := args[prm.Key].(string); ok {
			pathParams[prm.Name] = s
		} else if s, ok := args[prm.Name].(string); ok {
			pathParams[prm.Name] = s
		}
	}
	v := emulator.PlannedAnswer(op, body, pathParams, now)
	m, ok := v.(map[string]any)
	if !ok || op.Access != catalog.Read {
		return v
	}
	if _, list := m["data"].([]any); list {
		m["data"] = []any{}
		return m
	}
	for _, id := range pathParams {
		if obj, ok := p.objects[id]; ok {
			if o, ok := obj.(map[string]any); ok && o["object"] == m["object"] {
				return obj
			}
		}
	}
	return m
}

// plannedResult wraps a planned answer as the API result a script decodes.
func plannedResult(op *catalog.Operation, v any) *api.Result {
	res := &api.Result{Function: op.Name, Status: http.StatusOK, Header: http.Header{}}
	if len(op.Responses) > 0 {
		res.Status = op.Responses[0].Status
	}
	if v == nil {
		if res.Status == http.StatusOK {
			res.Status = http.StatusNoContent
		}
		return res
	}
	res.Body, _ = json.Marshal(v)
	res.Header.Set("Content-Type", "application/json")
	return res
}

// summaryKeys are the arguments a summary names first.
var summaryKeys = []string{"name", "email", "slug", "domain", "domains", "domain_data", "role_slug", "organization_id", "user_id", "id"}

// writeSummary says in one line what a write does: the operation's title and
// up to four of its most telling arguments.
func writeSummary(op *catalog.Operation, args map[string]any) string {
	title := op.Summary
	if title == "" {
		title = op.Name
	}
	keys := slices.Sorted(mapKeys(args))
	sort.SliceStable(keys, func(i, j int) bool { return rank(keys[i]) < rank(keys[j]) })
	var parts []string
	for _, k := range keys {
		if len(parts) == 4 || k == api.ArgIdempotencyKey || k == api.ArgAccessToken {
			continue
		}
		if s := summaryValue(args[k]); s != "" {
			parts = append(parts, k+" "+s)
		}
	}
	if len(parts) == 0 {
		return title
	}
	return title + ": " + strings.Join(parts, ", ")
}

func rank(k string) int {
	if i := slices.Index(summaryKeys, k); i >= 0 {
		return i
	}
	return len(summaryKeys)
}

// summaryValue renders a value for a summary: strings quoted and cut,
// lists of strings or of objects by their telling field; "" for the rest.
func summaryValue(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 60 {
			x = x[:57] + "..."
		}
		return strconv.Quote(x)
	case bool, json.Number, int, int64, float64:
		return fmt.Sprint(x)
	case []any:
		var items []string
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				for _, k := range []string{"domain", "name", "email", "slug", "id"} {
					if s, ok := m[k].(string); ok {
						e = s
						break
					}
				}
			}
			if s, ok := e.(string); ok && len(items) < 3 {
				items = append(items, s)
			}
		}
		return strings.Join(items, ", ")
	}
	return ""
}
