package emulator

import (
	"encoding/json"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// PlannedAnswer builds the answer op would plausibly give to a request with
// body and path parameters, without any state: the value the emulator
// synthesises for operations it does not model, from the first success
// response's schema (examples, enums, defaults, timestamps at now), with the
// body's own top-level fields and the path parameters echoed where the schema
// has them. Hosts that plan writes instead of sending them (kosmo-lua's
// --plan) answer scripts with it. It returns nil when op declares no success
// body.
func PlannedAnswer(op *catalog.Operation, body map[string]any, pathParams map[string]string, now time.Time) any {
	if op == nil || len(op.Responses) == 0 || len(op.Responses[0].Schema) == 0 {
		return nil
	}
	var sc schema
	if err := json.Unmarshal(op.Responses[0].Schema, &sc); err != nil {
		return nil
	}
	c := &call{op: op, body: body, pathParams: pathParams, now: now}
	return c.echo(synth(sc, now, 0))
}
