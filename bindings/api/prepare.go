package api

import (
	"encoding/json"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

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

// preparer turns one call's arguments into a Request. Its stages live in
// arguments.go (resolve), placement.go (place), validate.go (check),
// coerce.go and emptyobjects.go (convert) and schema.go (the JSON Schema);
// run and encodeBody below put them in order.
type preparer struct {
	v    *Validator
	op   *catalog.Operation
	args map[string]any
}

// fail is a *ValidationError of this call.
func (p *preparer) fail(param, problem, hint string) error {
	return &ValidationError{Function: p.op.Name, Param: param, Problem: problem, Hint: hint}
}

// run is the pipeline. The order of its stages fixes which problem a call
// with several hears first.
func (p *preparer) run() (*Request, error) {
	op := p.op
	req := &Request{Op: op, Function: op.Name, Method: op.Method}
	args := arguments{params: make(map[string]any, len(p.args))}
	if err := p.resolve(req, &args); err != nil {
		return nil, err
	}
	body, err := p.placeBody(args)
	if err != nil {
		return nil, err
	}
	if err := p.checkRequired(args.params, body); err != nil {
		return nil, err
	}
	if err := p.checkParamGroups(args.params); err != nil {
		return nil, err
	}
	if err := p.placeParams(req, args.params); err != nil {
		return nil, err
	}
	if err := p.encodeBody(req, body); err != nil {
		return nil, err
	}
	return req, nil
}

// encodeBody checks, coerces, validates and encodes the body into req. It
// sends none when the operation takes none, or when the caller gave none
// (body nil) and it is optional; a required body left empty is {}.
func (p *preparer) encodeBody(req *Request, body map[string]any) error {
	b := p.op.Body
	if b == nil || (body == nil && !b.Required) {
		return nil
	}
	if body == nil {
		body = map[string]any{}
	}
	if err := p.checkBody(body); err != nil {
		return err
	}
	plain := p.coerceBody(body)
	if err := p.validateSchema(plain); err != nil {
		return err
	}
	data, err := json.Marshal(plain)
	if err != nil {
		return p.fail("body", "cannot be encoded as JSON: "+err.Error(), "pass only strings, numbers, booleans, tables and json.null")
	}
	req.Body = data
	req.BodyValue = plain
	return nil
}
