package catalog

import (
	"encoding/json"

	"fmt"
	"sort"
	"strings"
	"sync"

	segjson "github.com/segmentio/encoding/json"
)

// Access is the effect class of an operation, used by every write policy.
type Access string

// The access classes.
const (
	// Read operations change nothing (GET, and read-only POSTs such as authorization_check).
	Read Access = "read"
	// Write operations create or change state.
	Write Access = "write"
	// Destructive operations delete state or do something that cannot be undone.
	Destructive Access = "destructive"
)

// Auth is how an operation authenticates.
type Auth string

// The authentication kinds found in the WorkOS specification.
const (
	// AuthAPIKey sends "Authorization: Bearer sk_...", the default.
	AuthAPIKey Auth = "api_key"
	// AuthNone sends no credentials (public OAuth and browser endpoints).
	AuthNone Auth = "none"
	// AuthAccessToken sends an SSO access token as the bearer (sso_get_profile).
	AuthAccessToken Auth = "access_token"
)

// Parameter locations.
const (
	InPath   = "path"
	InQuery  = "query"
	InHeader = "header"
)

// Catalog is an immutable, indexed set of operations. It is safe for concurrent use.
type Catalog struct {
	ops     []*Operation
	byName  map[string]*Operation
	aliases map[string][]string // title alias -> canonical names (more than one: ambiguous)
	// searchIndex builds the search index on the first Search, once.
	searchIndex func() *searchIndex
}

// Operation describes one WorkOS API operation.
type Operation struct {
	// Name is the canonical Lua name, e.g. "organizations_list".
	Name string `json:"name"`
	// SeedName is the KosmoKrator catalog name, e.g. "workos_organizations_list".
	SeedName string `json:"seed_name"`
	// TitleAlias is the KosmoKrator runtime name derived from Summary; it may be
	// shared with other operations (see Catalog.Lookup).
	TitleAlias string `json:"title_alias,omitempty"`
	// OperationID is the specification's operationId.
	OperationID string `json:"operation_id"`
	// Method is the upper-case HTTP method.
	Method string `json:"method"`
	// Path is the path template with {param} placeholders as the spec spells them.
	Path string `json:"path"`
	// Server overrides the base URL for this operation (empty: the client's base URL).
	Server string `json:"server,omitempty"`
	// Summary is the one-line title; Description the longer text.
	Summary     string `json:"summary"`
	Description string `json:"description"`
	// Tags are the specification's tags, for grouping.
	Tags []string `json:"tags,omitempty"`
	// Access is the effect class; AccessReason says why when an override applies.
	Access       Access `json:"access"`
	AccessReason string `json:"access_reason,omitempty"`
	// Auth is the authentication kind.
	Auth Auth `json:"auth"`
	// Paginated is true when the operation takes the before/after/limit cursor parameters.
	Paginated bool `json:"paginated,omitempty"`
	// Params are the path, query and header parameters in specification order.
	Params []Param `json:"params,omitempty"`
	// ParamGroups are the parameter rules: x-mutually-exclusive-parameter-groups
	// plus the ParamGroupOverrides for rules the specification states in prose.
	ParamGroups []Group `json:"param_groups,omitempty"`
	// Body is the JSON request body, or nil when the operation takes none.
	Body *Body `json:"body,omitempty"`
	// Responses are the documented success responses (2xx and 3xx), by status.
	Responses []Response `json:"responses,omitempty"`
	// ErrorStatuses lists the documented error statuses.
	ErrorStatuses []int `json:"error_statuses,omitempty"`
	// SendsEmail is true when the operation sends an email as a side effect.
	SendsEmail bool `json:"sends_email,omitempty"`
	// FeatureFlag names the gating feature flag for preview operations.
	FeatureFlag string `json:"feature_flag,omitempty"`
	// Deprecated is true for operations the specification marks deprecated.
	Deprecated bool `json:"deprecated,omitempty"`
}

// Param is a path, query or header parameter.
type Param struct {
	// Name is the specification's spelling, sent on the wire.
	Name string `json:"name"`
	// Key is the Lua argument key: snake_case of Name.
	Key string `json:"key"`
	// In is InPath, InQuery or InHeader.
	In string `json:"in"`
	// Type is the JSON type: string, integer, number, boolean, array or object.
	Type string `json:"type"`
	// ItemType is the element type of an array parameter, and ItemEnum the
	// values its elements may take.
	ItemType string   `json:"item_type,omitempty"`
	ItemEnum []string `json:"item_enum,omitempty"`
	// Explode is false for array query parameters sent comma-separated (style form,
	// explode false); true (the OpenAPI default) sends repeated keys.
	Explode bool `json:"explode,omitempty"`
	// Required, Enum, Default, Minimum, Maximum and Description come from the spec.
	Required    bool     `json:"required,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	Default     any      `json:"default,omitempty"`
	Minimum     *float64 `json:"minimum,omitempty"`
	Maximum     *float64 `json:"maximum,omitempty"`
	Description string   `json:"description,omitempty"`
	// Schema is the parameter's schema with every $ref inlined.
	Schema json.RawMessage `json:"schema,omitempty"`
}

// Body describes a JSON request body.
type Body struct {
	// Required is true when the body must be sent.
	Required bool `json:"required"`
	// Schema is the full JSON Schema with every $ref inlined (allOf, oneOf, nested
	// objects and arrays kept as in the specification).
	Schema json.RawMessage `json:"schema"`
	// Fields are the top-level properties gathered from the schema, its allOf parts
	// and its oneOf variants, in specification order.
	Fields []Field `json:"fields,omitempty"`
	// Variants are the top-level oneOf alternatives (e.g. the grant types of authenticate).
	Variants []Variant `json:"variants,omitempty"`
	// Discriminator is the field whose constant value tells variants apart, if any.
	Discriminator string `json:"discriminator,omitempty"`
	// Groups are the body rules: x-mutually-exclusive-body-groups plus the
	// BodyGroupOverrides for rules the specification states in prose.
	Groups []Group `json:"groups,omitempty"`
}

// Field is a top-level body property.
type Field struct {
	Name string `json:"name"`
	// Type is the JSON type ("string", "object", ...); "string|null" style unions are
	// joined with "|". Empty means any.
	Type        string   `json:"type,omitempty"`
	ItemType    string   `json:"item_type,omitempty"`
	Required    bool     `json:"required,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	Const       any      `json:"const,omitempty"`
	Description string   `json:"description,omitempty"`
	// Variants lists the oneOf variants that declare this field (empty: all).
	Variants []string `json:"variants,omitempty"`
}

// Variant is one alternative of a oneOf body.
type Variant struct {
	// Name is the discriminator's constant value when there is one, else "variant_N".
	Name     string   `json:"name"`
	Required []string `json:"required,omitempty"`
	Fields   []string `json:"fields,omitempty"`
}

// Group is a rule over a set of alternatives, each a list of fields that go
// together. By default exactly one alternative's fields may be given (none at
// all when Optional); an Inclusive group takes any number of them but at least
// one; a group with When applies only to calls where its condition holds.
// Groups come from the specification's x-mutually-exclusive-* extensions and
// from rules it states only in prose (see ParamGroupOverrides).
type Group struct {
	Name     string `json:"name"`
	Optional bool   `json:"optional,omitempty"`
	// Inclusive groups accept several alternatives at once ("user_id or
	// organization_id, or both").
	Inclusive bool `json:"inclusive,omitempty"`
	// When, if set, limits the group to calls where the condition holds
	// ("phone_number is required when type is sms").
	When         *Condition         `json:"when,omitempty"`
	Alternatives []GroupAlternative `json:"alternatives"`
}

// Condition is a test on one argument of a call.
type Condition struct {
	// Field is the parameter or body field tested, as the group names fields.
	Field string `json:"field"`
	// Equals is the value Field must have; nil means Field only has to be given.
	Equals any `json:"equals,omitempty"`
}

// String renders the condition for pages and errors: `type = "sms"`, `scopes is given`.
func (c Condition) String() string {
	if c.Equals == nil {
		return c.Field + " is given"
	}
	if s, ok := c.Equals.(string); ok {
		return fmt.Sprintf("%s = %q", c.Field, s)
	}
	return fmt.Sprintf("%s = %v", c.Field, c.Equals)
}

// Holds reports whether the condition holds for the argument value v
// (given: whether the call has the argument at all).
func (c Condition) Holds(v any, given bool) bool {
	if !given {
		return false
	}
	return c.Equals == nil || fmt.Sprint(v) == fmt.Sprint(c.Equals)
}

// GroupAlternative is one alternative of a Group: the fields that go together.
type GroupAlternative struct {
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
	// OptionalFields are fields of the alternative that may be left out.
	OptionalFields []string `json:"optional_fields,omitempty"`
}

// Response summarises one documented success response.
type Response struct {
	Status int `json:"status"`
	// Type is "object", "array", "string" or "" (no body).
	Type string `json:"type,omitempty"`
	// SchemaName is the component schema name when the response is a $ref.
	SchemaName string `json:"schema_name,omitempty"`
	// ListItem is the item schema name of a list response ({object:"list", data:[...]}).
	ListItem string `json:"list_item,omitempty"`
	// Fields are the top-level property names.
	Fields []string `json:"fields,omitempty"`
	// Schema is the full schema with every $ref inlined (nil when there is no body).
	Schema json.RawMessage `json:"schema,omitempty"`
	// Redirect is true for 302 responses that answer with a Location header.
	Redirect bool `json:"redirect,omitempty"`
}

// File is the on-disk form of the generated catalog.
type File struct {
	Generated  string `json:"generated"`
	Source     string `json:"source"`
	SpecSHA256 string `json:"spec_sha256"`
	// SpecVersion is the specification's info.version.
	SpecVersion string       `json:"spec_version,omitempty"`
	Operations  []*Operation `json:"operations"`
}

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	return New(generatedOperations)
})

// Default returns the catalog generated from the WorkOS specification. It is
// parsed once and shared; callers must not modify it.
func Default() *Catalog {
	c, err := defaultCatalog()
	if err != nil {
		// The tables are generated and tested; failing here is a build defect.
		panic("catalog: generated catalog_gen.go is invalid: " + err.Error())
	}
	return c
}

// Parse builds a catalog from the JSON form written by the generator. Tests use it
// to build tiny hand-written catalogs.
func Parse(data []byte) (*Catalog, error) {
	var f File
	// segmentio's decoder reads the same JSON several times faster; the
	// catalog is parsed on every process start that resolves a name.
	if err := segjson.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("catalog: parse: %w", err)
	}
	return New(f.Operations)
}

// New indexes operations. It fails on any name collision: a canonical or seed name
// used twice, or a canonical/seed name equal to another operation's name.
func New(ops []*Operation) (*Catalog, error) {
	c := &Catalog{ops: ops, byName: map[string]*Operation{}, aliases: map[string][]string{}}
	c.searchIndex = sync.OnceValue(func() *searchIndex { return buildSearchIndex(c.ops) })
	for _, op := range ops {
		for _, n := range []string{op.Name, op.SeedName} {
			if n == "" {
				continue
			}
			if prev, ok := c.byName[n]; ok && prev != op {
				return nil, fmt.Errorf("catalog: name %q is used by both %s and %s", n, prev.OperationID, op.OperationID)
			}
			c.byName[n] = op
		}
	}
	for _, op := range ops {
		a := op.TitleAlias
		if a == "" {
			continue
		}
		if _, ok := c.byName[a]; ok {
			continue // a real name always wins over a title alias
		}
		c.aliases[a] = append(c.aliases[a], op.Name)
	}
	return c, nil
}

// Operations returns every operation in specification order.
func (c *Catalog) Operations() []*Operation { return c.ops }

// Names returns every canonical name, sorted.
func (c *Catalog) Names() []string {
	names := make([]string, 0, len(c.ops))
	for _, op := range c.ops {
		names = append(names, op.Name)
	}
	sort.Strings(names)
	return names
}

// MaxNameLength is the longest name [Catalog.Lookup] resolves or
// [Catalog.Suggest] compares. The longest canonical name, seed name or title
// alias is under 100 bytes (TestNamesFitTheCap checks it); the cap keeps a hostile script's huge name from running an
// edit distance against every operation.
const MaxNameLength = 128

// LookupError reports a name that does not resolve to exactly one operation.
type LookupError struct {
	Name string
	// Candidates are the operations an ambiguous title alias could mean.
	Candidates []string
	// Suggestions are the closest canonical names for an unknown name.
	Suggestions []string
	// TooLong is set when the name is longer than MaxNameLength; Name then
	// holds only its first MaxNameLength bytes and there are no suggestions.
	TooLong bool
}

// Error says why the name did not resolve and what to call instead.
func (e *LookupError) Error() string {
	if e.TooLong {
		return fmt.Sprintf("workos: function name %q... is too long (more than %d bytes); function names are short identifiers like organizations_list (list them with workos.functions() or `kosmo-lua functions`)",
			e.Name, MaxNameLength)
	}
	if len(e.Candidates) > 0 {
		return fmt.Sprintf("workos: %q is ambiguous: it could mean %s; call one of those names instead",
			e.Name, strings.Join(e.Candidates, ", "))
	}
	msg := fmt.Sprintf("workos: unknown function %q", e.Name)
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + strings.Join(e.Suggestions, ", ") + "?"
	}
	return msg + " (list functions with workos.functions() or `kosmo-lua functions`)"
}

// Resolve resolves name exactly like [Catalog.Lookup] but reports only
// whether it names one operation: no error value and no suggestions, so it is
// cheap enough for hot paths. Ambiguous aliases and names longer than
// MaxNameLength do not resolve.
func (c *Catalog) Resolve(name string) (*Operation, bool) {
	if len(name) > MaxNameLength {
		return nil, false
	}
	if op, ok := c.byName[name]; ok {
		return op, true
	}
	if cands, ok := c.aliases[name]; ok && len(cands) == 1 {
		return c.byName[cands[0]], true
	}
	return nil, false
}

// Lookup resolves a canonical name, a seed name ("workos_..."), or an unambiguous
// KosmoKrator title alias. Otherwise it returns a *LookupError with candidates or
// suggestions; a name longer than MaxNameLength fails at once with TooLong set.
func (c *Catalog) Lookup(name string) (*Operation, error) {
	if len(name) > MaxNameLength {
		return nil, &LookupError{Name: name[:MaxNameLength], TooLong: true}
	}
	if op, ok := c.byName[name]; ok {
		return op, nil
	}
	if cands, ok := c.aliases[name]; ok {
		if len(cands) == 1 {
			return c.byName[cands[0]], nil
		}
		return nil, &LookupError{Name: name, Candidates: cands}
	}
	return nil, &LookupError{Name: name, Suggestions: c.Suggest(name, 3)}
}

// Aliases returns every title alias with the canonical names it may mean.
func (c *Catalog) Aliases() map[string][]string {
	out := make(map[string][]string, len(c.aliases))
	for k, v := range c.aliases {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// Suggest returns up to n canonical names for a name that did not resolve, best
// first: names within a few typos of it (or containing it), else the functions a
// search for its words finds, so a guessed name like "list_users" still points
// at userland_users_list_0. It returns nothing rather than unrelated names, and
// nothing for names longer than MaxNameLength (no operation is that close to
// one).
func (c *Catalog) Suggest(name string, n int) []string {
	if len(name) > MaxNameLength {
		return nil
	}
	q := strings.TrimPrefix(strings.ToLower(name), "workos_")
	type scored struct {
		name string
		d    int
	}
	var close []scored
	maxD := max(2, len(q)*2/5)
	for _, op := range c.ops {
		d := EditDistance(q, op.Name)
		if q != "" && len(q) >= 4 && strings.Contains(op.Name, q) {
			d = min(d, maxD) // a substring match is a strong hint
		}
		if d <= maxD {
			close = append(close, scored{op.Name, d})
		}
	}
	sort.Slice(close, func(i, j int) bool {
		if close[i].d != close[j].d {
			return close[i].d < close[j].d
		}
		return close[i].name < close[j].name
	})
	var out []string
	for _, s := range close {
		if len(out) == n {
			break
		}
		out = append(out, s.name)
	}
	if len(out) > 0 {
		return out
	}
	for _, h := range c.Search(strings.ReplaceAll(q, "_", " "), n) {
		// Only hits that match every word of the name.
		if h.AllTerms {
			out = append(out, h.Op.Name)
		}
	}
	return out
}

// Param returns the parameter with the given Lua key or spec name.
func (op *Operation) Param(key string) (Param, bool) {
	for _, p := range op.Params {
		if p.Key == key || p.Name == key {
			return p, true
		}
	}
	return Param{}, false
}

// Field returns the top-level body field with the given name.
func (b *Body) Field(name string) (Field, bool) {
	if b == nil {
		return Field{}, false
	}
	for _, f := range b.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// SuccessResponse returns the first documented success response.
func (op *Operation) SuccessResponse() (Response, bool) {
	if len(op.Responses) == 0 {
		return Response{}, false
	}
	return op.Responses[0], true
}

// ShadowedBodyFields returns the body fields whose names equal a parameter key:
// in a flat argument table the key means the parameter, so such a field must be
// given under body = {...}.
func (op *Operation) ShadowedBodyFields() []string {
	if op.Body == nil {
		return nil
	}
	var out []string
	for _, f := range op.Body.Fields {
		if _, ok := op.Param(f.Name); ok {
			out = append(out, f.Name)
		}
	}
	return out
}

// EditDistance is the Levenshtein distance between a and b, used to suggest the
// closest name for a typo.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
