package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// parseBody reads a JSON or form body; query fields the body lacks are merged in for
// the OAuth endpoints that accept both.
func (c *call) parseBody(raw []byte) *apiError {
	c.body = map[string]any{}
	ct, _, _ := mime.ParseMediaType(c.req.Header.Get("Content-Type"))
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) == 0:
	case ct == "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return badRequest("invalid_request_parameters", "the form body could not be parsed: "+err.Error())
		}
		for k, v := range vals {
			if len(v) == 1 {
				c.body[k] = v[0]
			} else {
				c.body[k] = toAny(v)
			}
		}
	default:
		var v any
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		if err := dec.Decode(&v); err != nil {
			return badRequest("invalid_request_parameters", "the request body is not valid JSON: "+err.Error())
		}
		m, ok := v.(map[string]any)
		if !ok {
			return badRequest("invalid_request_parameters", "the request body must be a JSON object")
		}
		c.body = m
	}
	return nil
}

// validate checks limit/order/enums of query parameters and required body fields,
// answering 422 with errors[{field, code}] like WorkOS.
func (c *call) validate() *apiError {
	for _, p := range c.op.Params {
		if p.In != catalog.InQuery {
			continue
		}
		if v := c.queryParam(p.Name); v != "" {
			if err := validateQueryParam(p, v); err != nil {
				return err
			}
		}
	}
	b := c.op.Body
	switch {
	case b == nil:
		return nil
	case b.Discriminator != "" && len(b.Variants) > 0:
		return c.validateVariantBody(b)
	}
	return c.validateBody(b)
}

// validateQueryParam checks one query parameter's value.
func validateQueryParam(p catalog.Param, v string) *apiError {
	switch p.Name {
	case "limit":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return invalid("limit", "invalid", "limit must be an integer between 1 and 100.")
		}
	case "order":
		if v != "asc" && v != "desc" && v != "normal" {
			return invalid("order", "invalid", "order must be one of asc, desc or normal.")
		}
	default:
		if len(p.Enum) > 0 && p.Type == "string" && !slices.Contains(p.Enum, v) {
			return invalid(p.Name, "invalid", fmt.Sprintf("%s must be one of %s.", p.Name, strings.Join(p.Enum, ", ")))
		}
	}
	return nil
}

// validateVariantBody checks a body with a discriminator (authenticate's
// grant_type): the discriminator, then the chosen variant's required fields, which
// may also come in the query.
func (c *call) validateVariantBody(b *catalog.Body) *apiError {
	d := c.bodyString(b.Discriminator)
	if d == "" {
		return required422(b.Discriminator)
	}
	for _, v := range b.Variants {
		if v.Name != d {
			continue
		}
		for _, f := range v.Required {
			if _, ok := c.body[f]; !ok && c.queryParam(f) == "" {
				return required422(f)
			}
		}
		return nil
	}
	return nil // unknown grant types are answered by the handler
}

// validateBody checks that the required fields are present and not null or empty.
func (c *call) validateBody(b *catalog.Body) *apiError {
	for _, f := range b.Fields {
		if !f.Required || len(f.Variants) > 0 {
			continue
		}
		v, ok := c.body[f.Name]
		if !ok && c.queryParam(f.Name) != "" {
			continue
		}
		if !ok || v == nil || v == "" {
			return required422(f.Name)
		}
	}
	return nil
}
