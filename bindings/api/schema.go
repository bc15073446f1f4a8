package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/syntax"
)

// Validator validates arguments and builds requests. It caches, per operation,
// the compiled body schema and the item enums of array parameters (both built on
// first use). The zero value is not usable; use [NewValidator]. It is safe for
// concurrent use.
type Validator struct {
	mu      sync.Mutex
	ops     map[*catalog.Operation]*opCache
	printer *message.Printer
}

// opCache is what a Validator keeps for one operation, each part built once.
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

// WarmSchemas compiles, once per process, the JSON Schema meta-schemas that
// the first body validation needs (a few milliseconds), so that a host can
// pay for them while it waits for something else, such as a worker process
// starting. A validation that arrives meanwhile waits for the same work
// instead of repeating it. Calling it again does nothing.
func WarmSchemas() {
	const loc = "mem:///workos/warm.json"
	c := jsonschema.NewCompiler()
	if c.AddResource(loc, map[string]any{}) == nil {
		_, _ = c.Compile(loc)
	}
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

// validateSchema checks a plain body against the operation's JSON Schema. A
// schema that does not compile checks nothing (TestEveryBodySchemaCompiles
// keeps the catalog's schemas compiling).
func (p *preparer) validateSchema(plain map[string]any) error {
	sch, err := p.v.schema(p.op)
	if err != nil || sch == nil {
		return nil
	}
	if verr := sch.Validate(plain); verr != nil {
		return p.schemaError(verr)
	}
	return nil
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

// isIdent reports whether s can follow a dot in a body path.
