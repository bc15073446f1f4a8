package workos

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"

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

// newPager reads (name_or_fn, args, opts) from the stack.
func (s *state) newPager(L *lua.LState, helper string) *pager {
	hint := fmt.Sprintf("workos.%s(\"organizations_list\", {limit = 100}, {max_items = 500})", helper)
	op, err := s.resolve(L.Get(1), "", hint)
	if err != nil {
		s.raise(L, nil, err)
	}
	if !op.Paginated {
		s.raise(L, op, &ValidationError{Function: op.Name, Problem: "is not paginated (it takes no after cursor)",
			Hint: fmt.Sprintf("call workos.%s(...) directly instead of workos.%s", op.Name, helper)})
	}
	args := map[string]any{}
	if t, ok := L.Get(2).(*lua.LTable); ok {
		if args, err = tableArgs(L, op, t); err != nil {
			s.observeRejected(op, err, false)
			s.raise(L, op, err)
		}
	} else if L.Get(2) != lua.LNil {
		err := &ValidationError{Function: op.Name, Param: "args", Problem: "arguments must be a table, got " + L.Get(2).Type().String(),
			Hint: fmt.Sprintf("workos.%s(\"%s\", {limit = 100}, {max_items = 500})", helper, op.Name)}
		s.observeRejected(op, err, false)
		s.raise(L, op, err)
	}
	p := &pager{s: s, op: op, args: args}
	if o, ok := L.Get(3).(*lua.LTable); ok {
		p.maxItems = optInt(L, s, op, o, "max_items")
		p.maxPages = optInt(L, s, op, o, "max_pages")
	} else if L.Get(3) != lua.LNil {
		s.raise(L, op, &ValidationError{Function: op.Name, Param: "opts", Problem: "must be a table such as {max_items = 500, max_pages = 10}"})
	}
	if _, has := op.Param("limit"); has {
		p.limit = pageSize
		if v, given := args["limit"]; given {
			p.limit = 0
			if f, ok := number(v); ok && f >= 1 && f == math.Trunc(f) && f <= math.MaxInt32 {
				p.limit = int(f)
			}
		}
	}
	after, _ := args["after"].(string)
	before, _ := args["before"].(string)
	switch {
	case after != "" && before != "":
		s.raise(L, op, &ValidationError{Function: op.Name, Param: "after, before", Problem: "give one cursor, not both",
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
		s.raise(L, op, &ValidationError{Function: op.Name, Param: key, Problem: "must be a non-negative integer, got " + v.String()})
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

// luaCall implements workos.call(name, args): the same as workos[name](args).
func (s *state) luaCall(L *lua.LState) int {
	op, err := s.resolve(L.Get(1), "", `workos.call("organizations_list", {limit = 10})`)
	if err != nil {
		s.raise(L, nil, err)
	}
	args := map[string]any{}
	switch a := L.Get(2).(type) {
	case *lua.LTable:
		if args, err = tableArgs(L, op, a); err != nil {
			s.observeRejected(op, err, false)
			s.raise(L, op, err)
		}
	case *lua.LNilType:
	default:
		err := &ValidationError{Function: op.Name, Param: "args", Problem: "arguments must be a table of named values, got " + a.Type().String(),
			Hint: fmt.Sprintf("workos.call(%q, {...}), e.g. %s", op.Name, example(op))}
		s.observeRejected(op, err, false)
		s.raise(L, op, err)
	}
	v, err := s.callOne(L, op, args)
	if err != nil {
		s.raise(L, op, err)
	}
	L.Push(v)
	return 1
}

type batchItem struct {
	op   *catalog.Operation
	args map[string]any
	res  *Result
	err  error
}

// luaBatch implements workos.batch(calls, opts): runs independent calls
// concurrently in Go while the VM waits, and returns per-call
// {ok = true, value = ...} or {ok = false, error = <error table>} in order.
func (s *state) luaBatch(L *lua.LState) int {
	const batchHint = `workos.batch({{"organizations_find", {id = "org_1"}}, {fn = "organizations_find", args = {id = "org_2"}}}, {concurrency = 8})`
	calls, ok := L.Get(1).(*lua.LTable)
	if !ok {
		s.raise(L, nil, &ValidationError{Param: "calls", Problem: "must be an array of calls, got " + L.Get(1).Type().String(), Hint: batchHint})
	}
	conc := s.m.BatchConcurrency
	if conc <= 0 {
		conc = DefaultBatchConcurrency
	}
	switch o := L.Get(2).(type) {
	case *lua.LTable:
		switch v := o.RawGetString("concurrency").(type) {
		case lua.LNumber:
			conc = int(v)
		case *lua.LNilType:
		default:
			s.raise(L, nil, &ValidationError{Param: "concurrency", Problem: "must be a number, got " + v.Type().String(),
				Hint: fmt.Sprintf("pass {concurrency = 8} (1..%d)", MaxBatchConcurrency)})
		}
	case *lua.LNilType:
	default:
		s.raise(L, nil, &ValidationError{Param: "opts", Problem: "must be a table such as {concurrency = 8}, got " + o.Type().String(), Hint: batchHint})
	}
	conc = min(max(conc, 1), MaxBatchConcurrency)
	line := scriptLine(L)
	n := calls.Len()
	if n > MaxBatchItems {
		s.raise(L, nil, &ValidationError{Param: "calls", Problem: fmt.Sprintf("has %d items; one batch takes at most %d", n, MaxBatchItems),
			Hint: fmt.Sprintf("split the work into batches of at most %d calls (and mind the run's call budget)", MaxBatchItems)})
	}
	items := make([]batchItem, n)
	// Convert everything to Go on the Lua goroutine.
	for i := 1; i <= n; i++ {
		it := &items[i-1]
		param := fmt.Sprintf("calls[%d]", i)
		spec, ok := calls.RawGetInt(i).(*lua.LTable)
		if !ok {
			it.err = &ValidationError{Param: param, Problem: "must be a table {name, args} or {fn = name, args = {...}}, got " + calls.RawGetInt(i).Type().String(), Hint: batchHint}
			continue
		}
		nameV := spec.RawGetInt(1)
		if nameV == lua.LNil {
			nameV = spec.RawGetString("fn")
		}
		if nameV == lua.LNil {
			nameV = spec.RawGetString("name")
		}
		op, err := s.resolve(nameV, param, "name the function first or as fn: "+batchHint)
		if err != nil {
			it.err = err
			continue
		}
		it.op = op
		argsV := spec.RawGetInt(2)
		if argsV == lua.LNil {
			argsV = spec.RawGetString("args")
		}
		switch a := argsV.(type) {
		case *lua.LTable:
			it.args, it.err = tableArgs(L, op, a)
		case *lua.LNilType:
			it.args = map[string]any{}
		default:
			it.err = &ValidationError{Function: op.Name, Param: param + ".args", Problem: "arguments must be a table, got " + a.Type().String(),
				Hint: "pass {name, {...}}, e.g. {" + fmt.Sprintf("%q", op.Name) + ", {...}}"}
		}
		if it.err != nil {
			// No request was prepared, but the call was made: report it like
			// the calls Prepare rejects.
			s.observeRejected(op, it.err, true)
		}
	}
	ctx := luaContext(L)
	var wg sync.WaitGroup
	sem := make(chan struct{}, conc)
	for i := range items {
		it := &items[i]
		if it.err != nil {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			it.err = ctx.Err()
			s.observeRejected(it.op, it.err, true)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				// A panicking hook must not take the process down with it.
				if r := recover(); r != nil {
					it.res, it.err = nil, fmt.Errorf("workos: %s: internal error in batch call: %v", it.op.Name, r)
				}
			}()
			it.res, it.err = s.call(ctx, it.op, it.args, true)
		}()
	}
	wg.Wait()
	out := L.CreateTable(n, 0)
	for i := range items {
		it := &items[i]
		r := L.CreateTable(0, 2)
		if it.err != nil {
			r.RawSetString("ok", lua.LFalse)
			r.RawSetString("error", s.errorTable(L, it.op, it.err, line))
		} else {
			r.RawSetString("ok", lua.LTrue)
			r.RawSetString("value", s.resultValue(L, it.res))
		}
		out.Append(r)
	}
	luajson.MarkArray(L, out)
	L.Push(out)
	return 1
}

// luaDescribe implements workos.describe(name): the function's documentation.
func (s *state) luaDescribe(L *lua.LState) int {
	op, err := s.resolve(L.Get(1), "", `workos.describe("organizations_find")`)
	if err != nil {
		s.raise(L, nil, err)
	}
	L.Push(luajson.FromGo(L, Describe(s.catalog(), op)))
	return 1
}

// Describe returns an operation's documentation as plain values (what
// workos.describe returns): name, seed_name, aliases, method, path, access,
// auth, summary, description, paginated, params, body (fields, which must go
// under body, variants, groups), response and an example call.
func Describe(cat *catalog.Catalog, op *catalog.Operation) map[string]any {
	d := map[string]any{
		"name": op.Name, "seed_name": op.SeedName, "method": op.Method, "path": op.Path,
		"access": string(op.Access), "auth": string(op.Auth), "summary": op.Summary,
		"description": op.Description, "paginated": op.Paginated, "example": example(op),
	}
	var aliases []any
	if op.SeedName != "" {
		aliases = append(aliases, op.SeedName)
	}
	if op.TitleAlias != "" && op.TitleAlias != op.Name {
		if cand, err := cat.Lookup(op.TitleAlias); err == nil && cand == op {
			aliases = append(aliases, op.TitleAlias)
		}
	}
	d["aliases"] = emptyArr(aliases)
	var params []any
	for _, p := range op.Params {
		m := map[string]any{"key": p.Key, "name": p.Name, "in": p.In, "type": p.Type, "required": p.Required || p.In == catalog.InPath}
		if p.ItemType != "" {
			m["item_type"] = p.ItemType
		}
		if len(p.Enum) > 0 {
			m["enum"] = toAnySlice(p.Enum)
		} else if p.Type == "array" {
			if e := schemaItemEnum(p.Schema); len(e) > 0 {
				m["item_enum"] = toAnySlice(e)
			}
		}
		if p.Default != nil {
			m["default"] = p.Default
		}
		if p.Minimum != nil {
			m["minimum"] = *p.Minimum
		}
		if p.Maximum != nil {
			m["maximum"] = *p.Maximum
		}
		if p.Description != "" {
			m["description"] = p.Description
		}
		params = append(params, m)
	}
	d["params"] = emptyArr(params)
	if op.Body != nil {
		b := map[string]any{"required": op.Body.Required}
		var fields []any
		for _, f := range op.Body.Fields {
			m := map[string]any{"name": f.Name, "required": f.Required}
			if f.Type != "" {
				m["type"] = f.Type
			}
			if f.ItemType != "" {
				m["item_type"] = f.ItemType
			}
			if len(f.Enum) > 0 {
				m["enum"] = toAnySlice(f.Enum)
			}
			if f.Const != nil {
				m["const"] = f.Const
			}
			if f.Description != "" {
				m["description"] = f.Description
			}
			if len(f.Variants) > 0 {
				m["variants"] = toAnySlice(f.Variants)
			}
			fields = append(fields, m)
		}
		b["fields"] = emptyArr(fields)
		b["must_use_body"] = emptyArr(toAnySlice(op.ShadowedBodyFields()))
		if op.Body.Discriminator != "" {
			b["discriminator"] = op.Body.Discriminator
		}
		var variants []any
		for _, v := range op.Body.Variants {
			variants = append(variants, map[string]any{"name": v.Name, "required": emptyArr(toAnySlice(v.Required)), "fields": emptyArr(toAnySlice(v.Fields))})
		}
		if len(variants) > 0 {
			b["variants"] = variants
		}
		var groups []any
		for _, g := range op.Body.Groups {
			groups = append(groups, groupDoc(g))
		}
		if len(groups) > 0 {
			b["groups"] = groups
		}
		d["body"] = b
	}
	var pgroups []any
	for _, g := range op.ParamGroups {
		pgroups = append(pgroups, groupDoc(g))
	}
	if len(pgroups) > 0 {
		d["param_groups"] = pgroups
	}
	if r, ok := op.SuccessResponse(); ok {
		m := map[string]any{"status": int64(r.Status)}
		if r.Type != "" {
			m["type"] = r.Type
		}
		if r.SchemaName != "" {
			m["schema_name"] = r.SchemaName
		}
		if r.ListItem != "" {
			m["list_item"] = r.ListItem
		}
		if len(r.Fields) > 0 {
			m["fields"] = toAnySlice(r.Fields)
		}
		d["response"] = m
	}
	return d
}

func groupDoc(g catalog.Group) map[string]any {
	var alts []any
	for _, a := range g.Alternatives {
		m := map[string]any{"name": a.Name, "fields": emptyArr(toAnySlice(a.Fields))}
		if len(a.OptionalFields) > 0 {
			m["optional_fields"] = toAnySlice(a.OptionalFields)
		}
		alts = append(alts, m)
	}
	return map[string]any{"name": g.Name, "optional": g.Optional, "alternatives": emptyArr(alts)}
}

func emptyArr(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}

// luaFunctions implements workos.functions(filter): sorted canonical names. The
// filter is a substring, or a table {query = "...", access = "read"|"write"|
// "destructive", paginated = true}.
func (s *state) luaFunctions(L *lua.LState) int {
	var query, access string
	var paginated lua.LValue = lua.LNil
	switch f := L.Get(1).(type) {
	case lua.LString:
		query = string(f)
	case *lua.LTable:
		if q, ok := f.RawGetString("query").(lua.LString); ok {
			query = string(q)
		}
		if a, ok := f.RawGetString("access").(lua.LString); ok {
			access = string(a)
		}
		paginated = f.RawGetString("paginated")
	}
	query = strings.ToLower(query)
	var names []string
	for _, op := range s.catalog().Operations() {
		if access != "" && string(op.Access) != access {
			continue
		}
		if b, ok := paginated.(lua.LBool); ok && bool(b) != op.Paginated {
			continue
		}
		if query != "" && !strings.Contains(op.Name, query) && !strings.Contains(strings.ToLower(op.Summary), query) &&
			!strings.Contains(op.SeedName, query) && !strings.Contains(op.TitleAlias, query) {
			continue
		}
		names = append(names, op.Name)
	}
	sort.Strings(names)
	out := L.CreateTable(len(names), 0)
	for _, n := range names {
		out.Append(lua.LString(n))
	}
	luajson.MarkArray(L, out)
	L.Push(out)
	return 1
}
