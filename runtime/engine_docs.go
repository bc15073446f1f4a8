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
	WriteDeny bool `json:"write_deny,omitempty"`
	// DestructiveDeny hides destructive functions (destructive=deny).
	DestructiveDeny bool     `json:"destructive_deny,omitempty"`
	Allow           []string `json:"allow,omitempty"`
	Deny            []string `json:"deny,omitempty"`
}

// docsPolicy returns the policy for a job's docs module; nil when the policy
// allows everything.
func (r *Runtime) docsPolicy() *docsPolicy {
	p := &docsPolicy{WriteDeny: r.opts.WritePolicy == WriteDeny, DestructiveDeny: r.opts.DestructivePolicy == WriteDeny, Allow: r.opts.Allow, Deny: r.opts.Deny}
	if !p.WriteDeny && !p.DestructiveDeny && len(p.Allow) == 0 && len(p.Deny) == 0 {
		return nil
	}
	return p
}

// allowedOps returns the catalog functions p allows, in canonical-name order,
// as [Runtime.Functions] does on the host.
func (p *docsPolicy) allowedOps(catFn func() *catalog.Catalog) []*catalog.Operation {
	cat := catFn()
	judge := &Runtime{dflt: &account{}}
	if p != nil {
		if p.WriteDeny {
			judge.opts.WritePolicy = WriteDeny
			judge.dflt.write = WriteDeny
		}
		if p.DestructiveDeny || p.WriteDeny {
			judge.dflt.destructive = WriteDeny
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

// Bounds of the docs module's arguments: names and queries longer than any
// real one would only make the fuzzy search slow (it is not interruptible);
// the search limit is the MCP tool's.
const (
	maxDocsArgBytes    = 1024
	maxDocsSearchLimit = 50
)

// docsArg reads argument n (a string; optional unless required) and refuses
// one longer than maxDocsArgBytes.
func docsArg(L *lua.LState, fname string, n int, required bool) string {
	var s string
	if required {
		s = L.CheckString(n)
	} else {
		s = L.OptString(n, "")
	}
	if len(s) > maxDocsArgBytes {
		L.ArgError(n, fmt.Sprintf("%s: the argument is %d bytes; the limit is %d (page names and queries are short)", fname, len(s), maxDocsArgBytes))
	}
	return s
}

// docsModule builds the global docs: docs.list([namespace]),
// docs.search(query [, limit]) and docs.read(page) return the pages the MCP
// docs tools serve (lua_list_docs, lua_search_docs, lua_read_doc) as text,
// for this job's policy and limits. The pages are built on first use.
func (e *engine) docsModule(L *lua.LState, j *job) *lua.LTable {
	var pages *docpages.Pages
	get := func() *docpages.Pages {
		if pages == nil {
			l := j.Limits
			if j.DocsTimeout > 0 {
				l.Timeout = j.DocsTimeout
			}
			pages = docpages.New(e.catalog(), j.Docs.allowedOps(e.catalog),
				guideFacts(l.Timeout, l.MemoryLimit, l.MaxCalls, l.MaxOutputBytes, j.MaxLogBytes))
		}
		return pages
	}
	t := L.CreateTable(0, 3)
	t.RawSetString("list", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(get().List(docsArg(L, "docs.list", 1, false))))
		return 1
	}))
	t.RawSetString("search", L.NewFunction(func(L *lua.LState) int {
		q := docsArg(L, "docs.search", 1, true)
		limit := L.OptInt(2, 10)
		if limit < 1 || limit > maxDocsSearchLimit {
			L.ArgError(2, fmt.Sprintf("limit must be between 1 and %d", maxDocsSearchLimit))
		}
		L.Push(lua.LString(get().Search(q, limit)))
		return 1
	}))
	t.RawSetString("read", L.NewFunction(func(L *lua.LState) int {
		text, _ := get().Read(docsArg(L, "docs.read", 1, false))
		L.Push(lua.LString(text))
		return 1
	}))
	return t
}
