package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// call is one API request being served.
type call struct {
	emu   *Emulator
	store *store
	op    *catalog.Operation
	req   *http.Request
	// pathParams are the decoded path parameters, by name.
	pathParams map[string]string
	query      url.Values
	body       map[string]any
	now        time.Time
	// status overrides the operation's first documented success status.
	status int
	header http.Header
	// token is the bearer credential (API key or access token).
	token string
	// seeding is true while the seed is applied: bodies may then fix ids.
	seeding    bool
	seedIDUsed bool
	// events are the events the call emitted, for webhook delivery.
	events []Object
}

// handler serves one operation. It returns the success body, a JSON-shaped value
// (nil for none) that run projects onto the response schema, or an error: an
// *apiError for WorkOS's error bodies, anything else answers 500.
type handler func(c *call) (any, error)

// pathParam returns the path parameter name ("" if the route has none).
func (c *call) pathParam(name string) string { return c.pathParams[name] }

// queryParam returns the first value of the query parameter name ("" if absent).
func (c *call) queryParam(name string) string { return c.query.Get(name) }

// bodyString returns the body field name if it is a string, else "".
func (c *call) bodyString(name string) string { return str(c.body[name]) }

// bodyHas reports whether the body has the field name (even null).
func (c *call) bodyHas(name string) bool { _, ok := c.body[name]; return ok }

// bodyBool returns the body field name as a boolean: true or "true" (form bodies).
func (c *call) bodyBool(name string) bool {
	switch v := c.body[name].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

// newObj starts a stored object: object name, a new id and timestamps.
func (c *call) newObj(object, prefix string) Object {
	id := c.store.newID(prefix, c.now)
	if c.seeding && strings.HasPrefix(c.bodyString("id"), prefix) && !c.seedIDUsed {
		id, c.seedIDUsed = c.bodyString("id"), true
	}
	return Object{"object": object, "id": id, "created_at": ts(c.now), "updated_at": ts(c.now)}
}

func (c *call) touch(o Object) { o["updated_at"] = ts(c.now); c.store.dirty = true }

// copyFields copies the named body fields that are present into o.
func (c *call) copyFields(o Object, names ...string) {
	for _, n := range names {
		if v, ok := c.body[n]; ok {
			o[n] = clone(v)
		}
	}
}
