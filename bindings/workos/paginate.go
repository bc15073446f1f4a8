package workos

import (
	"fmt"
	"math"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// pageSize is the limit paginate and list_all ask for when the script gives none.
const pageSize = 100

// pager walks the pages of a paginated operation: forwards from the start or
// from an after cursor following list_metadata.after, or backwards from a
// before cursor following list_metadata.before. A backward walk returns the
// items nearest the cursor first: WorkOS lists a before page in the requested
// order, so with asc and desc the farthest item comes first and each page is
// read from its end; with normal ("descending with reversed cursor
// semantics") the page already starts next to the cursor.
type pager struct {
	s        *state
	op       *catalog.Operation
	args     map[string]any
	maxItems int // 0: no cap
	maxPages int // 0: no cap
	// limit is the page size to ask for; 0 when the operation takes no limit or
	// the script's limit is not a positive integer (Prepare then reports it).
	limit    int
	backward bool // walking with before
	reverse  bool // read each page from its end (backward walk, order not normal)
	pages    int
	items    int
	done     bool
	page     *lua.LTable // current page's data array
	idx      int         // items of page already returned
	last     lua.LValue  // the last item returned
	cursor   string      // cursor of the next page ("" when there is none)
}

// argNumber reads a number argument as luajson.ToGo gives it.
func argNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// newPager reads (name_or_fn, args, opts) from the stack.
func (s *state) newPager(L *lua.LState, helper string) *pager {
	hint := fmt.Sprintf("workos.%s(\"organizations_list\", {limit = 100}, {max_items = 500})", helper)
	op, err := s.resolve(L.Get(1), "", hint)
	if err != nil {
		s.raise(L, nil, err)
	}
	if !op.Paginated {
		s.raise(L, op, &api.ValidationError{Function: op.Name, Problem: "is not paginated (it takes no after cursor)",
			Hint: fmt.Sprintf("call workos.%s(...) directly instead of workos.%s", op.Name, helper)})
	}
	args := map[string]any{}
	if t, ok := L.Get(2).(*lua.LTable); ok {
		if args, err = tableArgs(L, op, t); err != nil {
			s.observeRejected(op, err, false)
			s.raise(L, op, err)
		}
	} else if L.Get(2) != lua.LNil {
		err := &api.ValidationError{Function: op.Name, Param: "args", Problem: "arguments must be a table, got " + L.Get(2).Type().String(),
			Hint: fmt.Sprintf("workos.%s(\"%s\", {limit = 100}, {max_items = 500})", helper, op.Name)}
		s.observeRejected(op, err, false)
		s.raise(L, op, err)
	}
	p := &pager{s: s, op: op, args: args}
	if o, ok := L.Get(3).(*lua.LTable); ok {
		p.maxItems = optInt(L, s, op, o, "max_items")
		p.maxPages = optInt(L, s, op, o, "max_pages")
	} else if L.Get(3) != lua.LNil {
		s.raise(L, op, &api.ValidationError{Function: op.Name, Param: "opts", Problem: "must be a table such as {max_items = 500, max_pages = 10}"})
	}
	if _, has := op.Param("limit"); has {
		p.limit = pageSize
		if v, given := args["limit"]; given {
			p.limit = 0
			if f, ok := argNumber(v); ok && f >= 1 && f == math.Trunc(f) && f <= math.MaxInt32 {
				p.limit = int(f)
			}
		}
	}
	after, _ := args["after"].(string)
	before, _ := args["before"].(string)
	switch {
	case after != "" && before != "":
		s.raise(L, op, &api.ValidationError{Function: op.Name, Param: "after, before", Problem: "give one cursor, not both",
			Hint: "after walks forwards (following list_metadata.after), before walks backwards (following list_metadata.before)"})
	case before != "":
		order, _ := args["order"].(string)
		p.backward, p.reverse, p.cursor = true, order != "normal", before
	default:
		p.cursor = after
	}
	return p
}

func optInt(L *lua.LState, s *state, op *catalog.Operation, o *lua.LTable, key string) int {
	v := o.RawGetString(key)
	if v == lua.LNil {
		return 0
	}
	n, ok := v.(lua.LNumber)
	if !ok || n < 0 || float64(n) != float64(int(n)) {
		s.raise(L, op, &api.ValidationError{Function: op.Name, Param: key, Problem: "must be a non-negative integer, got " + v.String()})
	}
	return int(n)
}

// fetch loads the next page; false when there is none (or a cap is reached).
func (p *pager) fetch(L *lua.LState) bool {
	if p.done || (p.maxPages > 0 && p.pages >= p.maxPages) {
		p.done = true
		return false
	}
	if p.pages > 0 && p.cursor == "" {
		p.done = true
		return false
	}
	args := make(map[string]any, len(p.args)+1)
	for k, v := range p.args {
		args[k] = v
	}
	if p.limit > 0 {
		// Ask for no more than max_items still allows, so the page ends exactly at
		// the cap and its list_metadata cursor is where a later walk resumes.
		lim := p.limit
		if p.maxItems > 0 {
			lim = min(lim, p.maxItems-p.items)
		}
		args["limit"] = int64(lim)
	}
	if p.cursor != "" {
		if p.backward {
			args["before"] = p.cursor
		} else {
			args["after"] = p.cursor
		}
	}
	v, err := p.s.callOne(L, p.op, args)
	if err != nil {
		p.s.raise(L, p.op, err)
	}
	p.pages++
	page, ok := v.(*lua.LTable)
	var data *lua.LTable
	if ok {
		data, _ = page.RawGetString("data").(*lua.LTable)
	}
	if data == nil {
		p.s.raise(L, p.op, fmt.Errorf("workos: %s: the response has no data array, so it cannot be paginated; call the function directly", p.op.Name))
	}
	p.page, p.idx = data, 0
	sent := p.cursor
	p.cursor = ""
	key := "after"
	if p.backward {
		key = "before"
	}
	if md, ok := page.RawGetString("list_metadata").(*lua.LTable); ok {
		if c, ok := md.RawGetString(key).(lua.LString); ok {
			p.cursor = string(c)
		}
	}
	if p.cursor != "" && p.cursor == sent && data.Len() > 0 {
		p.s.raise(L, p.op, fmt.Errorf("workos: %s: list_metadata.%s repeats the cursor just sent (%q), so the walk would never end; page by hand with workos.%s", p.op.Name, key, sent, p.op.Name))
	}
	return true
}

// next returns the next item, or nil at the end.
func (p *pager) next(L *lua.LState) lua.LValue {
	for {
		if p.done || (p.maxItems > 0 && p.items >= p.maxItems) {
			p.done = true
			return lua.LNil
		}
		if n := p.pageLen(); p.idx < n {
			p.idx++
			p.items++
			i := p.idx
			if p.reverse {
				i = n - p.idx + 1
			}
			p.last = p.page.RawGetInt(i)
			return p.last
		}
		if !p.fetch(L) {
			return lua.LNil
		}
	}
}

func (p *pager) pageLen() int {
	if p.page == nil {
		return 0
	}
	return p.page.Len()
}

// resume is the cursor a later walk continues from (as after, or as before for
// a backward walk): the page's list_metadata cursor when the walk stopped at
// the end of a page, the id of the last item returned when a cap stopped it
// inside a page, "" when the list is exhausted.
func (p *pager) resume() string {
	if p.idx >= p.pageLen() {
		return p.cursor
	}
	if t, ok := p.last.(*lua.LTable); ok {
		if id, ok := t.RawGetString("id").(lua.LString); ok {
			return string(id)
		}
	}
	return ""
}

// luaPaginate implements workos.paginate(name, args, opts): an iterator over the
// items of every page, following list_metadata.after (list_metadata.before
// when args has before).
func (s *state) luaPaginate(L *lua.LState) int {
	p := s.newPager(L, "paginate")
	L.Push(L.NewFunction(func(L *lua.LState) int {
		L.Push(p.next(L))
		return 1
	}))
	return 1
}

// luaListAll implements workos.list_all(name, args, opts): every item in one
// array, plus the cursor to resume from (nil when the list was exhausted).
func (s *state) luaListAll(L *lua.LState) int {
	p := s.newPager(L, "list_all")
	out := L.CreateTable(0, 0)
	for {
		v := p.next(L)
		if v == lua.LNil {
			break
		}
		out.Append(v)
	}
	luajson.MarkArray(L, out)
	L.Push(out)
	if c := p.resume(); c != "" {
		L.Push(lua.LString(c))
	} else {
		L.Push(lua.LNil)
	}
	return 2
}
