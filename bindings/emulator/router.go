package emulator

import (
	"net/url"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// router matches a method and path to a catalog operation. Literal segments win
// over parameters, so /organizations/external_id/{external_id} beats /organizations/{id}.
type router struct {
	routes map[string][]*route // method + "/" + segment count
}

type route struct {
	op   *catalog.Operation
	segs []string // literal, or "{name}" for a parameter
}

func newRouter(c *catalog.Catalog) *router {
	r := &router{routes: map[string][]*route{}}
	for _, op := range c.Operations() {
		segs := splitPath(op.Path)
		k := routeKey(op.Method, len(segs))
		r.routes[k] = append(r.routes[k], &route{op: op, segs: segs})
	}
	return r
}

func routeKey(method string, n int) string {
	return method + "/" + string(rune('0'+n))
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match returns the operation and its decoded path parameters; methodOK reports
// whether the path exists with another method.
func (r *router) match(method, escapedPath string) (*catalog.Operation, map[string]string, bool) {
	segs := splitPath(escapedPath)
	var best *route
	bestScore := -1
	for _, rt := range r.routes[routeKey(method, len(segs))] {
		score := 0
		ok := true
		for i, s := range rt.segs {
			if strings.HasPrefix(s, "{") {
				continue
			}
			if s != segs[i] {
				ok = false
				break
			}
			score++
		}
		if ok && score > bestScore {
			best, bestScore = rt, score
		}
	}
	if best == nil {
		return nil, nil, false
	}
	params := map[string]string{}
	for i, s := range best.segs {
		if strings.HasPrefix(s, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				v = segs[i]
			}
			params[strings.Trim(s, "{}")] = v
		}
	}
	return best.op, params, true
}
