package runtime

import (
	"fmt"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/runtime/internal/docpages"
)

// GuideNames returns the names of the code-mode guides (overview, errors,
// pagination, ...) in reading order; [Guide] renders one.
func GuideNames() []string { return docpages.GuideNames() }

// Guide renders a guide as a runtime with the default options would serve
// it: the default limits, every function allowed. False for an unknown name.
// The MCP tool lua_read_doc and the Lua docs.read serve the same text.
func Guide(name string) (string, bool) {
	cat := catalog.Default()
	facts := guideFacts(DefaultTimeout, DefaultMemoryLimit, DefaultMaxCalls, DefaultMaxOutputBytes, DefaultMaxLogBytes)
	return docpages.New(cat, cat.Operations(), facts).Guide(name)
}

// Guide renders a guide with r's limits and policy, as r's docs module
// serves it. False for an unknown name.
func (r *Runtime) Guide(name string) (string, bool) {
	o := r.opts
	facts := guideFacts(o.Timeout, o.MemoryLimit, o.MaxCalls, o.MaxOutputBytes, o.MaxLogBytes)
	return docpages.New(r.catalog(), r.Functions(), facts).Guide(name)
}

// guideFacts are the facts the guides quote for these limits.
func guideFacts(timeout time.Duration, memory int64, maxCalls, maxResult, maxLog int) docpages.Facts {
	return docpages.Facts{
		Limits: map[string]string{
			"timeout":          timeout.String(),
			"memory":           fmt.Sprintf("%d MiB", memory>>20),
			"max_calls":        fmt.Sprint(maxCalls),
			"max_result_bytes": fmt.Sprint(maxResult),
			"max_log_bytes":    fmt.Sprint(maxLog),
		},
		Kinds: docKinds(),
	}
}

// docKinds are [ErrorKinds] as the errors guide lists them.
func docKinds() []docpages.Kind {
	var out []docpages.Kind
	for _, k := range ErrorKinds() {
		out = append(out, docpages.Kind{Name: k.Kind, Outcome: string(k.Outcome), When: k.When})
	}
	return out
}
