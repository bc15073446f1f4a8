package mcptools

import (
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/runtime"
	"github.com/kosmo-lua/kosmo-lua/runtime/internal/docpages"
)

// docs serves the code-mode documentation tools of one server from the
// shared pages (the Lua docs module serves the same ones): only the
// functions its runtime's policy allows are listed.
type docs struct {
	pages    *docpages.Pages
	readOnly bool // every write and destructive function is refused
	hidden   int  // catalog functions the policy refuses
}

func newDocs(cat *catalog.Catalog, allowedOps []*catalog.Operation, facts docpages.Facts) *docs {
	p := docpages.New(cat, allowedOps, facts)
	return &docs{pages: p, readOnly: p.ReadOnly(), hidden: p.Hidden()}
}

// list renders lua_list_docs.
func (d *docs) list(namespace string) string { return d.pages.List(namespace) }

// search renders lua_search_docs.
func (d *docs) search(query string, limit int) string { return d.pages.Search(query, limit) }

// read renders lua_read_doc; false for an unknown page.
func (d *docs) read(page string) (string, bool) { return d.pages.Read(page) }

// guide returns a guide's text, or false.
func (d *docs) guide(name string) (string, bool) { return d.pages.Guide(name) }

// docKinds are the runtime's error kinds as the errors guide lists them.
func docKinds() []docpages.Kind {
	var out []docpages.Kind
	for _, k := range runtime.ErrorKinds() {
		out = append(out, docpages.Kind{Name: k.Kind, Outcome: string(k.Outcome), When: k.When})
	}
	return out
}
