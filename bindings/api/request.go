package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/syntax"
)

// Reserved argument keys, accepted besides an operation's parameters and body
// fields.
const (
	// ArgBody holds body fields as a table: body = {...} (KosmoKrator style).
	ArgBody = "body"
	// ArgIdempotencyKey sets the Idempotency-Key header of a POST or PATCH.
	ArgIdempotencyKey = "idempotency_key"
	// ArgAccessToken is the bearer token of access_token operations
	// (sso_get_profile).
	ArgAccessToken = "access_token"
)

// Request is a validated call, ready for [Client.Send].
type Request struct {
	// Op is the operation; Function its canonical name.
	Op       *catalog.Operation
	Function string
	// Method is the HTTP method; Path the path with escaped parameters filled in.
	Method, Path string
	// RawQuery is the encoded query string (without "?"), parameters in
	// specification order.
	RawQuery string
	// Header holds header parameters (not auth, not Idempotency-Key).
	Header http.Header
	// Body is the JSON body, nil when none is sent; BodyValue the same as Go values.
	Body      []byte
	BodyValue any
	// IdempotencyKey is the caller's key (idempotency_key argument or the spec's
	// idempotency-key header parameter); empty lets the client generate one for
	// a POST.
	IdempotencyKey string
	// AccessToken is the bearer of an access_token operation.
	AccessToken string
}

// Validator validates arguments and builds requests. It caches, per operation,
// the compiled body schema and the item enums of array parameters (both built on
// first use). The zero value is not usable; use [NewValidator]. It is safe for
// concurrent use.
type Validator struct {
	mu      sync.Mutex
	ops     map[*catalog.Operation]*opCache
	printer *message.Printer
}

type opCache struct {
	schemaOnce sync.Once
	sch        *jsonschema.Schema
	err        error

	paramOnce sync.Once
	itemEnum  map[string][]string // array parameter key -> allowed item values

	docOnce sync.Once
	doc     any // the body schema as plain JSON values (nil when none)
}

// NewValidator returns a validator with an empty cache.
func NewValidator() *Validator {
	return &Validator{ops: map[*catalog.Operation]*opCache{}, printer: message.NewPrinter(language.English)}
}

func (v *Validator) cache(op *catalog.Operation) *opCache {
	v.mu.Lock()
	defer v.mu.Unlock()
	c, ok := v.ops[op]
	if !ok {
		c = &opCache{}
		v.ops[op] = c
	}
	return c
}

// schema returns the compiled body schema of op (nil when it has none).
func (v *Validator) schema(op *catalog.Operation) (*jsonschema.Schema, error) {
	if op.Body == nil || len(op.Body.Schema) == 0 {
		return nil, nil
	}
	cs := v.cache(op)
	cs.schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(op.Body.Schema))
		if err != nil {
			cs.err = err
			return
		}
		c := jsonschema.NewCompiler()
		loc := "mem:///workos/" + url.PathEscape(op.Name) + ".json"
		if err := c.AddResource(loc, doc); err != nil {
			cs.err = err
			return
		}
		cs.sch, cs.err = c.Compile(loc)
	})
	return cs.sch, cs.err
}

// bodyDoc returns op's body schema decoded as plain JSON values; nil when it
// has none or it does not decode (schema then reports the problem).
func (v *Validator) bodyDoc(op *catalog.Operation) any {
	if op.Body == nil || len(op.Body.Schema) == 0 {
		return nil
	}
	cs := v.cache(op)
	cs.docOnce.Do(func() {
		var d any
		if json.Unmarshal(op.Body.Schema, &d) == nil {
			cs.doc = d
		}
	})
	return cs.doc
}

// itemEnum returns the allowed items of an array parameter: Param.Enum, or the
// items.enum of its schema.
func (v *Validator) itemEnum(op *catalog.Operation, prm catalog.Param) []string {
	if len(prm.Enum) > 0 {
		return prm.Enum
	}
	cs := v.cache(op)
	cs.paramOnce.Do(func() {
		for _, p := range op.Params {
			if p.Type != "array" {
				continue
			}
			if e := schemaItemEnum(p.Schema); len(e) > 0 {
				if cs.itemEnum == nil {
					cs.itemEnum = map[string][]string{}
				}
				cs.itemEnum[p.Key] = e
			}
		}
	})
	return cs.itemEnum[prm.Key]
}

// schemaItemEnum returns the string items.enum of an array schema.
func schemaItemEnum(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var sch struct {
		Items struct {
			Enum []any `json:"enum"`
		} `json:"items"`
	}
	if json.Unmarshal(raw, &sch) != nil {
		return nil
	}
	var out []string
	for _, e := range sch.Items.Enum {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Prepare validates args for op and builds the request. args is one flat map:
// path, query and header parameters under their Lua keys (or the spec's own
// spelling), body fields at the top level or under "body" (not both), plus the
// reserved keys [ArgIdempotencyKey] and [ArgAccessToken]. Values are what
// luajson.ToGo or encoding/json produce (int64/float64/json.Number numbers,
// a value with an IsNull method, such as luajson.Null, for an explicit null). Every problem is a *ValidationError.
func (v *Validator) Prepare(op *catalog.Operation, args map[string]any) (*Request, error) {
	p := preparer{v: v, op: op, args: args}
	return p.run()
}

type preparer struct {
	v    *Validator
	op   *catalog.Operation
	args map[string]any
}

func (p *preparer) fail(param, problem, hint string) error {
	return &ValidationError{Function: p.op.Name, Param: param, Problem: problem, Hint: hint}
}

func (p *preparer) run() (*Request, error) {
	op := p.op
	req := &Request{Op: op, Function: op.Name, Method: op.Method}
	params := make(map[string]any, len(p.args)) // by Param.Key
	var bodyTop map[string]any                  // body fields given at the top level
	var bodyTable map[string]any                // body = {...}
	bodyGiven := false

	// Sort keys so the first reported problem is deterministic.
	keys := make([]string, 0, len(p.args))
	for k := range p.args {
		keys = append(keys, k)
	}
	if len(keys) > 1 {
		sort.Strings(keys)
	}
	for _, k := range keys {
		val := p.args[k]
		if val == nil {
			continue // absent (a Lua nil never reaches here; a Go nil means absent)
		}
		if prm, ok := op.Param(k); ok {
			if _, dup := params[prm.Key]; dup {
				return nil, p.fail(prm.Key, fmt.Sprintf("given twice (as %q and %q)", prm.Key, prm.Name), "pass it once, as "+prm.Key)
			}
			params[prm.Key] = val
			continue
		}
		switch k {
		case ArgBody:
			if op.Body == nil {
				return nil, p.fail(ArgBody, "this function takes no request body", p.keysHint())
			}
			m, ok := asObject(val)
			if !ok {
				return nil, p.fail(ArgBody, "must be a table of body fields, got "+typeOf(val), "pass body = {field = value, ...}")
			}
			bodyTable = m
			bodyGiven = true
			continue
		case ArgIdempotencyKey:
			if op.Method == http.MethodPost || op.Method == http.MethodPatch {
				s, ok := val.(string)
				if !ok || s == "" {
					return nil, p.fail(k, "must be a non-empty string, got "+typeOf(val), `pass idempotency_key = "<a v4 UUID>"`)
				}
				req.IdempotencyKey = s
				continue
			}
		case ArgAccessToken:
			if op.Auth == catalog.AuthAccessToken {
				s, ok := val.(string)
				if !ok || s == "" {
					return nil, p.fail(k, "must be a non-empty string, got "+typeOf(val), "pass the SSO access token: access_token = token")
				}
				req.AccessToken = s
				continue
			}
		}
		if op.Body != nil {
			if _, ok := op.Body.Field(k); ok || len(op.Body.Fields) == 0 {
				if bodyTop == nil {
					bodyTop = map[string]any{}
				}
				bodyTop[k] = val
				continue
			}
		}
		return nil, p.unknownKey(k)
	}

	// Body fields under body = {...}: unknown ones and ones also given at the top.
	if bodyTable != nil && len(op.Body.Fields) > 0 {
		bkeys := make([]string, 0, len(bodyTable))
		for k := range bodyTable {
			bkeys = append(bkeys, k)
		}
		sort.Strings(bkeys)
		for _, k := range bkeys {
			if _, ok := op.Body.Field(k); !ok {
				names := make([]string, 0, len(op.Body.Fields))
				for _, f := range op.Body.Fields {
					names = append(names, f.Name)
				}
				hint := "valid body fields: " + strings.Join(names, ", ")
				if s := closest(k, names); s != "" {
					hint = fmt.Sprintf("did you mean %q? %s", s, hint)
				}
				return nil, p.fail("body."+k, "unknown body field", hint)
			}
			if _, dup := bodyTop[k]; dup {
				return nil, p.fail(k, "given both at the top level and under body", "pass it in one place only")
			}
		}
	}
	var body map[string]any
	if bodyTable != nil || len(bodyTop) > 0 {
		body = make(map[string]any, len(bodyTable)+len(bodyTop))
		for k, v := range bodyTable {
			if v != nil {
				body[k] = v
			}
		}
		for k, v := range bodyTop {
			body[k] = v
		}
		bodyGiven = true
	}

	// A body field shadowed by a query parameter takes the parameter's value when
	// it is not given under body: the specification then wants the same value in
	// both places (sso_token). Path parameters are never copied (the slug of a
	// role is not the slug of a permission).
	if op.Body != nil {
		for _, name := range op.ShadowedBodyFields() {
			prm, _ := op.Param(name)
			v, given := params[prm.Key]
			if prm.In != catalog.InQuery || !given {
				continue
			}
			if _, ok := body[name]; !ok {
				if body == nil {
					body = map[string]any{}
				}
				body[name] = v
				bodyGiven = true
			}
		}
	}

	if err := p.checkRequired(params, body, bodyGiven); err != nil {
		return nil, err
	}
	if err := p.checkParamGroups(params); err != nil {
		return nil, err
	}

	// Path, query and header parameters.
	path := op.Path
	var q strings.Builder
	for _, prm := range op.Params {
		val, ok := params[prm.Key]
		if !ok {
			continue
		}
		if prm.Key == ArgIdempotencyKey && prm.In == catalog.InHeader {
			s, ok := val.(string)
			if !ok || s == "" {
				return nil, p.fail(prm.Key, "must be a non-empty string, got "+typeOf(val), `pass idempotency_key = "<a v4 UUID>"`)
			}
			req.IdempotencyKey = s
			continue
		}
		if isNull(val) {
			if prm.In == catalog.InPath {
				return nil, p.fail(prm.Key, "must not be null", "pass a value")
			}
			continue
		}
		strs, err := p.paramStrings(prm, val)
		if err != nil {
			return nil, err
		}
		switch prm.In {
		case catalog.InPath:
			if len(strs) != 1 || strs[0] == "" {
				return nil, p.fail(prm.Key, "must be a non-empty string", fmt.Sprintf(`pass %s = "..."`, prm.Key))
			}
			path = strings.Replace(path, "{"+prm.Name+"}", url.PathEscape(strs[0]), 1)
		case catalog.InQuery:
			if prm.Type == "array" && !prm.Explode {
				strs = []string{strings.Join(strs, ",")}
			}
			for _, s := range strs {
				if q.Len() > 0 {
					q.WriteByte('&')
				}
				q.WriteString(url.QueryEscape(prm.Name))
				q.WriteByte('=')
				q.WriteString(url.QueryEscape(s))
			}
		case catalog.InHeader:
			if req.Header == nil {
				req.Header = http.Header{}
			}
			for _, s := range strs {
				req.Header.Add(prm.Name, s)
			}
		}
	}
	req.Path = path
	req.RawQuery = q.String()

	// Body.
	if op.Body != nil && (bodyGiven || op.Body.Required) {
		if body == nil {
			body = map[string]any{}
		}
		if err := p.checkBody(body); err != nil {
			return nil, err
		}
		plain := plainJSON(body).(map[string]any)
		p.emptyObjects(plain)
		if sch, err := p.v.schema(op); err == nil && sch != nil {
			if verr := sch.Validate(plain); verr != nil {
				return nil, p.schemaError(verr)
			}
		}
		data, err := json.Marshal(plain)
		if err != nil {
			return nil, p.fail("body", "cannot be encoded as JSON: "+err.Error(), "pass only strings, numbers, booleans, tables and json.null")
		}
		req.Body = data
		req.BodyValue = plain
	}
	return req, nil
}

// validKeys lists every key the operation accepts.
func (p *preparer) validKeys() []string {
	op := p.op
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, prm := range op.Params {
		add(prm.Key)
	}
	if op.Body != nil {
		shadow := map[string]bool{}
		for _, s := range op.ShadowedBodyFields() {
			shadow[s] = true
		}
		for _, f := range op.Body.Fields {
			if !shadow[f.Name] {
				add(f.Name)
			}
		}
		add(ArgBody)
	}
	if op.Method == http.MethodPost || op.Method == http.MethodPatch {
		add(ArgIdempotencyKey)
	}
	if op.Auth == catalog.AuthAccessToken {
		add(ArgAccessToken)
	}
	return out
}

func (p *preparer) keysHint() string {
	keys := p.validKeys()
	if len(keys) == 0 {
		return "this function takes no arguments; call it with no table"
	}
	return "valid keys: " + strings.Join(keys, ", ")
}

func (p *preparer) unknownKey(k string) error {
	keys := p.validKeys()
	if len(keys) == 0 {
		return p.fail(k, "unknown argument", "this function takes no arguments; call it with no table")
	}
	hint := "valid keys: " + strings.Join(keys, ", ")
	if s := closest(k, keys); s != "" {
		hint = fmt.Sprintf("did you mean %q? %s", s, hint)
	}
	return p.fail(k, "unknown argument", hint)
}

// checkRequired reports every missing required parameter and body field at once.
func (p *preparer) checkRequired(params, body map[string]any, bodyGiven bool) error {
	op := p.op
	var missing []string
	var hints []string
	for _, prm := range op.Params {
		if !prm.Required && prm.In != catalog.InPath {
			continue
		}
		if _, ok := params[prm.Key]; !ok {
			missing = append(missing, prm.Key)
		}
	}
	if op.Body != nil && (bodyGiven || op.Body.Required) {
		shadow := map[string]bool{}
		for _, s := range op.ShadowedBodyFields() {
			shadow[s] = true
		}
		for _, f := range op.Body.Fields {
			if !f.Required {
				continue
			}
			if _, ok := body[f.Name]; ok {
				continue
			}
			if shadow[f.Name] {
				missing = append(missing, "body."+f.Name)
				hints = append(hints, fmt.Sprintf("%q is also a parameter, so pass the body field as body = {%s = ...}", f.Name, f.Name))
			} else {
				missing = append(missing, f.Name)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	problem := "missing required argument"
	if len(missing) > 1 {
		problem += "s"
	}
	hint := "pass " + strings.Join(missing, ", ")
	if len(hints) > 0 {
		hint += " (" + strings.Join(hints, "; ") + ")"
	}
	return p.fail(strings.Join(missing, ", "), problem, hint)
}

func (p *preparer) checkParamGroups(params map[string]any) error {
	for _, g := range p.op.ParamGroups {
		if err := p.checkGroup(g, func(name string) bool {
			prm, ok := p.op.Param(name)
			if !ok {
				return false
			}
			_, given := params[prm.Key]
			return given
		}, func(name string) string {
			if prm, ok := p.op.Param(name); ok {
				return prm.Key
			}
			return name
		}); err != nil {
			return err
		}
	}
	return nil
}

// checkGroup enforces one mutually exclusive group: at most one alternative's
// fields (exactly one unless Optional), and all required fields of the chosen one.
func (p *preparer) checkGroup(g catalog.Group, given func(string) bool, key func(string) string) error {
	var chosen []catalog.GroupAlternative
	for _, alt := range g.Alternatives {
		for _, f := range alt.Fields {
			if given(f) {
				chosen = append(chosen, alt)
				break
			}
		}
	}
	describe := func(alts []catalog.GroupAlternative) string {
		parts := make([]string, 0, len(alts))
		for _, a := range alts {
			opt := map[string]bool{}
			for _, f := range a.OptionalFields {
				opt[f] = true
			}
			var b strings.Builder
			for i, f := range a.Fields {
				switch {
				case opt[f]:
					b.WriteString(" [+ " + key(f) + "]")
				case i > 0:
					b.WriteString(" + " + key(f))
				default:
					b.WriteString(key(f))
				}
			}
			parts = append(parts, b.String())
		}
		return strings.Join(parts, " | ")
	}
	switch {
	case len(chosen) > 1:
		var ks []string
		for _, a := range chosen {
			for _, f := range a.Fields {
				if given(f) {
					ks = append(ks, key(f))
				}
			}
		}
		return p.fail(strings.Join(ks, ", "), fmt.Sprintf("mutually exclusive (group %q)", g.Name),
			"give exactly one of: "+describe(g.Alternatives))
	case len(chosen) == 0:
		if g.Optional {
			return nil
		}
		return p.fail(g.Name, fmt.Sprintf("one of the %q alternatives is required", g.Name),
			"give exactly one of: "+describe(g.Alternatives))
	}
	alt := chosen[0]
	opt := map[string]bool{}
	for _, f := range alt.OptionalFields {
		opt[f] = true
	}
	var missing []string
	for _, f := range alt.Fields {
		if !opt[f] && !given(f) {
			missing = append(missing, key(f))
		}
	}
	if len(missing) > 0 {
		return p.fail(strings.Join(missing, ", "), fmt.Sprintf("required together with the other fields of %q (group %q)", alt.Name, g.Name),
			"give all of: "+describe([]catalog.GroupAlternative{alt}))
	}
	return nil
}

// checkBody checks the top-level body: field types and enums, the oneOf variant
// chosen by the discriminator, and the mutually exclusive groups.
func (p *preparer) checkBody(body map[string]any) error {
	b := p.op.Body
	names := make([]string, 0, len(body))
	for k := range body {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		f, ok := b.Field(k)
		if !ok {
			continue
		}
		if err := p.checkValue(k, f.Type, f.Enum, body[k]); err != nil {
			return err
		}
	}
	if b.Discriminator != "" && len(b.Variants) > 0 {
		d := b.Discriminator
		var valid []string
		for _, v := range b.Variants {
			valid = append(valid, v.Name)
		}
		dv, ok := body[d].(string)
		if !ok {
			return p.fail(d, "required: it selects the variant", "give one of: "+strings.Join(valid, ", "))
		}
		var variant *catalog.Variant
		for i := range b.Variants {
			if b.Variants[i].Name == dv {
				variant = &b.Variants[i]
			}
		}
		if variant == nil {
			hint := "give one of: " + strings.Join(valid, ", ")
			if s := closest(dv, valid); s != "" {
				hint = fmt.Sprintf("did you mean %q? %s", s, hint)
			}
			return p.fail(d, fmt.Sprintf("unknown value %q", dv), hint)
		}
		var missing []string
		for _, r := range variant.Required {
			if _, ok := body[r]; !ok {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			return p.fail(strings.Join(missing, ", "), fmt.Sprintf("required when %s = %q", d, dv), "pass "+strings.Join(missing, ", "))
		}
		allowed := map[string]bool{}
		for _, f := range variant.Fields {
			allowed[f] = true
		}
		if len(allowed) > 0 {
			for _, k := range names {
				if !allowed[k] {
					return p.fail(k, fmt.Sprintf("not accepted when %s = %q", d, dv),
						"fields of this variant: "+strings.Join(variant.Fields, ", "))
				}
			}
		}
	}
	for _, g := range b.Groups {
		if err := p.checkGroup(g, func(f string) bool { _, ok := body[f]; return ok }, func(f string) string { return f }); err != nil {
			return err
		}
	}
	return nil
}

// checkValue checks a value against a catalog type ("string", "string|null",
// "integer", "array", ...; "" accepts anything) and an enum.
func (p *preparer) checkValue(name, typ string, enum []string, val any) error {
	if typ == "" {
		return nil
	}
	if isNull(val) {
		for _, t := range strings.Split(typ, "|") {
			if t == "null" {
				return nil
			}
		}
		return p.fail(name, "must not be null (type "+typ+")", "leave it out instead of passing json.null")
	}
	okType := false
	for _, t := range strings.Split(typ, "|") {
		if matchesType(t, val) {
			okType = true
			break
		}
	}
	if !okType {
		return p.fail(name, fmt.Sprintf("must be %s, got %s", article(typ), typeOf(val)), exampleFor(name, typ))
	}
	if s, ok := val.(string); ok && len(enum) > 0 {
		for _, e := range enum {
			if e == s {
				return nil
			}
		}
		hint := "allowed values: " + strings.Join(enum, ", ")
		if c := closest(s, enum); c != "" {
			hint = fmt.Sprintf("did you mean %q? %s", c, hint)
		}
		return p.fail(name, fmt.Sprintf("invalid value %q", s), hint)
	}
	return nil
}

// paramStrings converts a parameter value to its wire strings, checking type,
// enum and bounds.
func (p *preparer) paramStrings(prm catalog.Param, val any) ([]string, error) {
	if prm.Type == "array" {
		arr, ok := val.([]any)
		if !ok {
			// A single scalar is accepted as a one-element array.
			if isScalar(val) {
				arr = []any{val}
			} else {
				return nil, p.fail(prm.Key, "must be an array, got "+typeOf(val), fmt.Sprintf(`pass %s = {"a", "b"}`, prm.Key))
			}
		}
		out := make([]string, 0, len(arr))
		for i, it := range arr {
			s, err := p.scalarString(fmt.Sprintf("%s[%d]", prm.Key, i+1), prm.ItemType, p.v.itemEnum(p.op, prm), nil, nil, it)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := p.scalarString(prm.Key, prm.Type, prm.Enum, prm.Minimum, prm.Maximum, val)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func (p *preparer) scalarString(name, typ string, enum []string, minimum, maximum *float64, val any) (string, error) {
	var s string
	switch typ {
	case "integer", "number":
		f, isNum := number(val)
		if !isNum {
			return "", p.fail(name, fmt.Sprintf("must be %s, got %s", article(typ), typeOf(val)), exampleFor(name, typ))
		}
		if typ == "integer" && f != math.Trunc(f) {
			return "", p.fail(name, fmt.Sprintf("must be an integer, got %v", f), exampleFor(name, typ))
		}
		if minimum != nil && f < *minimum {
			return "", p.fail(name, fmt.Sprintf("must be at least %v, got %v", *minimum, f), boundsHint(minimum, maximum))
		}
		if maximum != nil && f > *maximum {
			return "", p.fail(name, fmt.Sprintf("must be at most %v, got %v", *maximum, f), boundsHint(minimum, maximum))
		}
		if n, ok := val.(json.Number); ok {
			s = n.String()
		} else {
			s = strconv.FormatFloat(f, 'f', -1, 64)
		}
	case "boolean":
		b, ok := val.(bool)
		if !ok {
			return "", p.fail(name, "must be a boolean, got "+typeOf(val), fmt.Sprintf("pass %s = true or false", name))
		}
		s = strconv.FormatBool(b)
	default: // string and anything unknown: strings, numbers and booleans are accepted
		switch v := val.(type) {
		case string:
			s = v
		case bool:
			s = strconv.FormatBool(v)
		default:
			f, isNum := number(val)
			if !isNum {
				return "", p.fail(name, "must be a string, got "+typeOf(val), fmt.Sprintf(`pass %s = "..."`, name))
			}
			if n, ok := val.(json.Number); ok {
				s = n.String()
			} else {
				s = strconv.FormatFloat(f, 'f', -1, 64)
			}
		}
	}
	if len(enum) > 0 {
		for _, e := range enum {
			if e == s {
				return s, nil
			}
		}
		hint := "allowed values: " + strings.Join(enum, ", ")
		if c := closest(s, enum); c != "" {
			hint = fmt.Sprintf("did you mean %q? %s", c, hint)
		}
		return "", p.fail(name, fmt.Sprintf("invalid value %q", s), hint)
	}
	return s, nil
}

// schemaError translates the most specific jsonschema error into a
// ValidationError naming the JSON path inside the body.
func (p *preparer) schemaError(err error) error {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return p.fail("body", err.Error(), "")
	}
	leaf := deepestLeaf(ve)
	path := "body"
	for _, seg := range leaf.InstanceLocation {
		if _, err := strconv.Atoi(seg); err == nil {
			n, _ := strconv.Atoi(seg)
			path += fmt.Sprintf("[%d]", n+1)
		} else if syntax.IsName(seg) {
			path += "." + seg
		} else {
			path += fmt.Sprintf("[%q]", seg)
		}
	}
	msg := leaf.ErrorKind.LocalizedString(p.v.printer)
	return p.fail(path, msg, "fix the value to match the request schema (see workos.describe(\""+p.op.Name+"\"))")
}

// deepestLeaf returns the leaf error with the longest instance path (the first
// such leaf on ties), which is usually the most useful one under oneOf/anyOf.
func deepestLeaf(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	best := ve
	bestDepth := -1
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			if len(e.InstanceLocation) > bestDepth {
				best, bestDepth = e, len(e.InstanceLocation)
			}
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return best
}

// plainJSON returns v with explicit nulls replaced by nil, for JSON encoding and
// schema validation.
func plainJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = plainJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plainJSON(e)
		}
		return out
	default:
		if isNull(v) {
			return nil
		}
		return v
	}
}

// emptyObjects replaces, in a body made by plainJSON, every empty array that
// stands where the schema wants an object (and not an array) by an empty
// object: an empty Lua table converts to [], so metadata = {} would otherwise
// be sent, and rejected, as an array. Top-level fields follow their catalog
// type, nested values the body's JSON Schema (properties, patternProperties,
// additionalProperties, items, prefixItems, allOf, anyOf, oneOf).
func (p *preparer) emptyObjects(body map[string]any) {
	for _, f := range p.op.Body.Fields {
		if v, ok := body[f.Name].([]any); ok && len(v) == 0 && wantsObject(strings.Split(f.Type, "|")) {
			body[f.Name] = map[string]any{}
		}
	}
	if doc := p.v.bodyDoc(p.op); doc != nil {
		fixEmpty(body, expandSchema(doc, nil))
	}
}

// wantsObject reports whether a list of JSON types allows an object but not an
// array.
func wantsObject(types []string) bool {
	obj, arr := false, false
	for _, t := range types {
		switch t {
		case "object":
			obj = true
		case "array":
			arr = true
		}
	}
	return obj && !arr
}

// fixEmpty returns v with its empty arrays replaced by empty objects wherever
// all the schemas that may apply to them (schs) allow an object but no array.
// It changes maps and slices in place.
func fixEmpty(v any, schs []map[string]any) any {
	if len(schs) == 0 {
		return v
	}
	switch v := v.(type) {
	case []any:
		if len(v) == 0 {
			var types []string
			for _, m := range schs {
				types = append(types, schemaTypes(m)...)
			}
			if wantsObject(types) {
				return map[string]any{}
			}
			return v
		}
		for i, e := range v {
			v[i] = fixEmpty(e, itemSchemas(schs, i))
		}
	case map[string]any:
		for k, e := range v {
			v[k] = fixEmpty(e, propertySchemas(schs, k))
		}
	}
	return v
}

// expandSchema appends s and, recursively, its allOf, anyOf and oneOf
// branches to out.
func expandSchema(s any, out []map[string]any) []map[string]any {
	m, ok := s.(map[string]any)
	if !ok {
		return out
	}
	out = append(out, m)
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if subs, ok := m[k].([]any); ok {
			for _, sub := range subs {
				out = expandSchema(sub, out)
			}
		}
	}
	return out
}

// schemaTypes lists the JSON types a schema names in "type".
func schemaTypes(m map[string]any) []string {
	switch t := m["type"].(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// propertySchemas returns the schemas that apply to member key of an object.
func propertySchemas(schs []map[string]any, key string) []map[string]any {
	var out []map[string]any
	for _, m := range schs {
		matched := false
		if props, ok := m["properties"].(map[string]any); ok {
			if ps, ok := props[key]; ok {
				out = expandSchema(ps, out)
				matched = true
			}
		}
		if pats, ok := m["patternProperties"].(map[string]any); ok {
			for pat, ps := range pats {
				if re, err := regexp.Compile(pat); err == nil && re.MatchString(key) {
					out = expandSchema(ps, out)
					matched = true
				}
			}
		}
		if !matched {
			out = expandSchema(m["additionalProperties"], out)
		}
	}
	return out
}

// itemSchemas returns the schemas that apply to item i (0-based) of an array.
func itemSchemas(schs []map[string]any, i int) []map[string]any {
	var out []map[string]any
	for _, m := range schs {
		if pre, ok := m["prefixItems"].([]any); ok && i < len(pre) {
			out = expandSchema(pre[i], out)
			continue
		}
		switch it := m["items"].(type) {
		case map[string]any:
			out = expandSchema(it, out)
		case []any: // draft-4 tuple form
			if i < len(it) {
				out = expandSchema(it[i], out)
			} else {
				out = expandSchema(m["additionalItems"], out)
			}
		}
	}
	return out
}

func asObject(v any) (map[string]any, bool) {
	switch v := v.(type) {
	case map[string]any:
		return v, true
	case []any:
		if len(v) == 0 {
			return map[string]any{}, true // an empty Lua table
		}
	}
	return nil, false
}

func isScalar(v any) bool {
	switch v.(type) {
	case string, bool, int, int64, float64, json.Number:
		return true
	}
	return false
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

func matchesType(t string, v any) bool {
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "integer":
		f, ok := number(v)
		return ok && f == math.Trunc(f)
	case "number":
		_, ok := number(v)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := asObject(v)
		return ok
	case "null":
		return isNull(v)
	}
	return true
}

func typeOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64:
		return "an integer"
	case float64:
		return "a number"
	case json.Number:
		return "a number"
	case map[string]any:
		return "a table with keys"
	case []any:
		if len(v) == 0 {
			return "an empty table"
		}
		return "an array"
	default:
		if isNull(v) {
			return "json.null"
		}
		return fmt.Sprintf("%T", v)
	}
}

func article(typ string) string {
	parts := strings.Split(typ, "|")
	for i, t := range parts {
		switch t {
		case "integer", "array", "object":
			parts[i] = "an " + t
		case "null":
			parts[i] = "json.null"
		default:
			parts[i] = "a " + t
		}
	}
	return strings.Join(parts, " or ")
}

func exampleFor(name, typ string) string {
	t := strings.Split(typ, "|")[0]
	switch t {
	case "string":
		return fmt.Sprintf(`pass %s = "..."`, name)
	case "integer", "number":
		return fmt.Sprintf("pass %s = 10", name)
	case "boolean":
		return fmt.Sprintf("pass %s = true", name)
	case "array":
		return fmt.Sprintf(`pass %s = {"a", "b"}`, name)
	case "object":
		return fmt.Sprintf("pass %s = {key = value}", name)
	}
	return ""
}

func boundsHint(minimum, maximum *float64) string {
	switch {
	case minimum != nil && maximum != nil:
		return fmt.Sprintf("pass a value between %v and %v", *minimum, *maximum)
	case minimum != nil:
		return fmt.Sprintf("pass a value of at least %v", *minimum)
	case maximum != nil:
		return fmt.Sprintf("pass a value of at most %v", *maximum)
	}
	return ""
}

// closest returns the candidate nearest to s by edit distance, or "" when none
// is reasonably close.
func closest(s string, cands []string) string {
	best, bestD := "", 1<<30
	for _, c := range cands {
		d := catalog.EditDistance(strings.ToLower(s), strings.ToLower(c))
		short := min(len(s), len(c))
		if short >= 3 && (strings.Contains(c, s) || strings.Contains(s, c)) {
			d = d / 2
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD > max(2, len(s)/2) {
		return ""
	}
	return best
}

// explicitNull is what an explicit JSON null from a script looks like
// (luajson.Null): this package knows nothing of Lua.
type explicitNull interface{ IsNull() bool }

// isNull reports whether v is an explicit null.
func isNull(v any) bool {
	n, ok := v.(explicitNull)
	return ok && n.IsNull()
}
