package runtime

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/runtime/internal/docpages"
)

// docsPolicy is the part of the host's policy the Lua docs module needs to
// list only the functions a script may call: the options as the host was
// given them (small, so every job can carry it). The engine re-derives the
// allowed set with the host's own rule (policyError).
type docsPolicy struct {
	WriteDeny bool     `json:"write_deny,omitempty"`
	Allow     []string `json:"allow,omitempty"`
	Deny      []string `json:"deny,omitempty"`
}

// docsPolicy returns the policy for a job's docs module; nil when the policy
// allows everything.
func (r *Runtime) docsPolicy() *docsPolicy {
	p := &docsPolicy{WriteDeny: r.opts.WritePolicy == WriteDeny, Allow: r.opts.Allow, Deny: r.opts.Deny}
	if !p.WriteDeny && len(p.Allow) == 0 && len(p.Deny) == 0 {
		return nil
	}
	return p
}

// allowedOps returns the catalog functions p allows, in canonical-name order,
// as [Runtime.Functions] does on the host.
func (p *docsPolicy) allowedOps(catFn func() *catalog.Catalog) []*catalog.Operation {
	cat := catFn()
	judge := &Runtime{}
	if p != nil {
		if p.WriteDeny {
			judge.opts.WritePolicy = WriteDeny
		}
		// The host checked the lists already; an entry that no longer
		// resolves here hides nothing.
		judge.allow, _ = compileNames(catFn, "Allow", p.Allow)
		judge.deny, _ = compileNames(catFn, "Deny", p.Deny)
	}
	var out []*catalog.Operation
	for _, name := range cat.Names() {
		op, _ := cat.Lookup(name)
		if judge.policyError(op) == nil {
			out = append(out, op)
		}
	}
	return out
}

// docsModule builds the global docs: docs.list([namespace]),
// docs.search(query [, limit]) and docs.read(page) return the pages the MCP
// docs tools serve (lua_list_docs, lua_search_docs, lua_read_doc) as text,
// for this job's policy and limits. The pages are built on first use.
func (e *engine) docsModule(L *lua.LState, j *job) *lua.LTable {
	var pages *docpages.Pages
	get := func() *docpages.Pages {
		if pages == nil {
			pages = docpages.New(e.catalog(), j.Docs.allowedOps(e.catalog), map[string]string{
				"timeout":          j.Limits.Timeout.String(),
				"memory":           fmt.Sprintf("%d MiB", j.Limits.MemoryLimit>>20),
				"max_calls":        fmt.Sprint(j.Limits.MaxCalls),
				"max_result_bytes": fmt.Sprint(j.Limits.MaxOutputBytes),
				"max_log_bytes":    fmt.Sprint(j.MaxLogBytes),
			})
		}
		return pages
	}
	t := L.CreateTable(0, 3)
	t.RawSetString("list", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(get().List(L.OptString(1, ""))))
		return 1
	}))
	t.RawSetString("search", L.NewFunction(func(L *lua.LState) int {
		q := L.CheckString(1)
		L.Push(lua.LString(get().Search(q, L.OptInt(2, 10))))
		return 1
	}))
	t.RawSetString("read", L.NewFunction(func(L *lua.LState) int {
		text, _ := get().Read(L.OptString(1, ""))
		L.Push(lua.LString(text))
		return 1
	}))
	return t
}
