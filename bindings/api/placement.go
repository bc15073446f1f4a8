package api

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// placeBody gathers the body fields: those under body = {...}, those given at
// the top level, and shadowed fields that take their query parameter's value.
// The body is nil when the caller gave none.
func (p *preparer) placeBody(args arguments) (map[string]any, error) {
	if err := p.checkBodyTable(args); err != nil {
		return nil, err
	}
	var body map[string]any
	if args.bodyTable != nil || len(args.bodyTop) > 0 {
		body = make(map[string]any, len(args.bodyTable)+len(args.bodyTop))
		for k, v := range args.bodyTable {
			if v != nil {
				body[k] = v
			}
		}
		for k, v := range args.bodyTop {
			body[k] = v
		}
	}
	return p.copyShadowed(body, args.params), nil
}

// checkBodyTable rejects fields under body = {...} that the body does not
// have, and fields also given at the top level. An operation whose body lists
// no fields takes any.
func (p *preparer) checkBodyTable(args arguments) error {
	b := p.op.Body
	if args.bodyTable == nil || len(b.Fields) == 0 {
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(args.bodyTable)) {
		if _, ok := b.Field(k); !ok {
			names := make([]string, 0, len(b.Fields))
			for _, f := range b.Fields {
				names = append(names, f.Name)
			}
			return p.fail("body."+k, "unknown body field", suggest(k, names, "valid body fields: "+strings.Join(names, ", ")))
		}
		if _, dup := args.bodyTop[k]; dup {
			return p.fail(k, "given both at the top level and under body", "pass it in one place only")
		}
	}
	return nil
}

// copyShadowed gives a body field shadowed by a query parameter the
// parameter's value when it is not given under body: the specification then
// wants the same value in both places (sso_token). Path parameters are never
// copied (the slug of a role is not the slug of a permission). It returns the
// body, allocated when a field was copied into none.
func (p *preparer) copyShadowed(body, params map[string]any) map[string]any {
	op := p.op
	if op.Body == nil {
		return body
	}
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
		}
	}
	return body
}

// placeParams fills req's path, query and header from the parameters, in
// specification order, each value converted to its wire strings. The spec's
// idempotency-key header parameter becomes req.IdempotencyKey.
func (p *preparer) placeParams(req *Request, params map[string]any) error {
	path := p.op.Path
	var query strings.Builder
	for _, prm := range p.op.Params {
		val, ok := params[prm.Key]
		if !ok {
			continue
		}
		if prm.Key == ArgIdempotencyKey && prm.In == catalog.InHeader {
			key, err := p.nonEmptyString(prm.Key, val, idempotencyKeyHint)
			if err != nil {
				return err
			}
			req.IdempotencyKey = key
			continue
		}
		if isNull(val) {
			if prm.In == catalog.InPath {
				return p.fail(prm.Key, "must not be null", "pass a value")
			}
			continue
		}
		strs, err := p.paramStrings(prm, val)
		if err != nil {
			return err
		}
		switch prm.In {
		case catalog.InPath:
			if path, err = p.fillPath(path, prm, strs); err != nil {
				return err
			}
		case catalog.InQuery:
			writeQuery(&query, prm, strs)
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
	req.RawQuery = query.String()
	return nil
}

// fillPath replaces prm's placeholder in path by its escaped value, which
// must be one non-empty string.
func (p *preparer) fillPath(path string, prm catalog.Param, strs []string) (string, error) {
	if len(strs) != 1 || strs[0] == "" {
		return path, p.fail(prm.Key, "must be a non-empty string", fmt.Sprintf(`pass %s = "..."`, prm.Key))
	}
	return strings.Replace(path, "{"+prm.Name+"}", url.PathEscape(strs[0]), 1), nil
}

// writeQuery appends prm's values to an encoded query: repeated keys, or one
// comma-joined value for an array that does not explode.
func writeQuery(query *strings.Builder, prm catalog.Param, strs []string) {
	if prm.Type == "array" && !prm.Explode {
		strs = []string{strings.Join(strs, ",")}
	}
	for _, s := range strs {
		if query.Len() > 0 {
			query.WriteByte('&')
		}
		query.WriteString(url.QueryEscape(prm.Name))
		query.WriteByte('=')
		query.WriteString(url.QueryEscape(s))
	}
}
