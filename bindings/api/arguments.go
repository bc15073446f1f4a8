package api

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
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

// idempotencyKeyHint is the hint for a bad idempotency_key, whether the
// reserved key or the spec's header parameter.
const idempotencyKeyHint = `pass idempotency_key = "<a v4 UUID>"`

// arguments are a call's parameters and body fields sorted by where they go,
// before they are placed in the request.
type arguments struct {
	// params holds path, query and header parameters by Param.Key.
	params map[string]any
	// bodyTop holds body fields given at the top level (nil when none).
	bodyTop map[string]any
	// bodyTable is body = {...}, nil when not given.
	bodyTable map[string]any
}

// resolve sorts every argument into a parameter, a body field or a reserved
// key (whose value goes straight into req), rejecting unknown keys and
// parameters given twice. args.params must be an empty map: the caller makes
// it, so that it can stay on the stack, and no value of args flows into req
// for the same reason.
func (p *preparer) resolve(req *Request, args *arguments) error {
	// Sorted keys make the first reported problem deterministic.
	for _, k := range slices.Sorted(maps.Keys(p.args)) {
		if err := p.resolveKey(req, args, k, p.args[k]); err != nil {
			return err
		}
	}
	return nil
}

// resolveKey sorts one argument. A parameter wins over a reserved key, and a
// reserved key over a body field of the same name.
func (p *preparer) resolveKey(req *Request, args *arguments, k string, val any) error {
	if val == nil {
		return nil // absent (a Lua nil never reaches here; a Go nil means absent)
	}
	op := p.op
	if prm, ok := op.Param(k); ok {
		if _, dup := args.params[prm.Key]; dup {
			return p.fail(prm.Key, fmt.Sprintf("given twice (as %q and %q)", prm.Key, prm.Name), "pass it once, as "+prm.Key)
		}
		args.params[prm.Key] = val
		return nil
	}
	if taken, err := p.resolveReserved(req, args, k, val); taken || err != nil {
		return err
	}
	if op.Body != nil {
		if _, ok := op.Body.Field(k); ok || len(op.Body.Fields) == 0 {
			if args.bodyTop == nil {
				args.bodyTop = map[string]any{}
			}
			args.bodyTop[k] = val
			return nil
		}
	}
	return p.unknownKey(k)
}

// resolveReserved takes k when it is a reserved key that the operation
// accepts; taken is false otherwise.
func (p *preparer) resolveReserved(req *Request, args *arguments, k string, val any) (taken bool, err error) {
	op := p.op
	switch {
	case k == ArgBody:
		if op.Body == nil {
			return true, p.fail(ArgBody, "this function takes no request body", p.keysHint())
		}
		m, ok := asObject(val)
		if !ok {
			return true, p.fail(ArgBody, "must be a table of body fields, got "+typeOf(val), "pass body = {field = value, ...}")
		}
		args.bodyTable = m
		return true, nil
	case k == ArgIdempotencyKey && (op.Method == http.MethodPost || op.Method == http.MethodPatch):
		req.IdempotencyKey, err = p.nonEmptyString(k, val, idempotencyKeyHint)
		return true, err
	case k == ArgAccessToken && op.Auth == catalog.AuthAccessToken:
		req.AccessToken, err = p.nonEmptyString(k, val, "pass the SSO access token: access_token = token")
		return true, err
	}
	return false, nil
}

// nonEmptyString returns val when it is a non-empty string.
func (p *preparer) nonEmptyString(key string, val any, hint string) (string, error) {
	s, ok := val.(string)
	if !ok || s == "" {
		return "", p.fail(key, "must be a non-empty string, got "+typeOf(val), hint)
	}
	return s, nil
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
		shadow := shadowedFields(op)
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

// noArgumentsHint is the hint for any key passed to a function without
// arguments.
const noArgumentsHint = "this function takes no arguments; call it with no table"

func (p *preparer) keysHint() string {
	keys := p.validKeys()
	if len(keys) == 0 {
		return noArgumentsHint
	}
	return "valid keys: " + strings.Join(keys, ", ")
}

func (p *preparer) unknownKey(k string) error {
	keys := p.validKeys()
	if len(keys) == 0 {
		return p.fail(k, "unknown argument", noArgumentsHint)
	}
	return p.fail(k, "unknown argument", suggest(k, keys, "valid keys: "+strings.Join(keys, ", ")))
}

// shadowedFields is the set of op's body fields whose names are also
// parameter keys (see [catalog.Operation.ShadowedBodyFields]).
func shadowedFields(op *catalog.Operation) map[string]bool {
	shadow := map[string]bool{}
	for _, s := range op.ShadowedBodyFields() {
		shadow[s] = true
	}
	return shadow
}
