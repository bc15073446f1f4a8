package workos

import (
	"fmt"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

type batchItem struct {
	op   *catalog.Operation
	args map[string]any
	res  *api.Result
	err  error
}

// luaBatch implements workos.batch(calls, opts): runs independent calls
// concurrently in Go while the VM waits, and returns per-call
// {ok = true, value = ...} or {ok = false, error = <error table>} in order.
func (s *state) luaBatch(L *lua.LState) int {
	const batchHint = `workos.batch({{"organizations_find", {id = "org_1"}}, {fn = "organizations_find", args = {id = "org_2"}}}, {concurrency = 8})`
	calls, ok := L.Get(1).(*lua.LTable)
	if !ok {
		s.raise(L, nil, &api.ValidationError{Param: "calls", Problem: "must be an array of calls, got " + L.Get(1).Type().String(), Hint: batchHint})
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
			s.raise(L, nil, &api.ValidationError{Param: "concurrency", Problem: "must be a number, got " + v.Type().String(),
				Hint: fmt.Sprintf("pass {concurrency = 8} (1..%d)", MaxBatchConcurrency)})
		}
	case *lua.LNilType:
	default:
		s.raise(L, nil, &api.ValidationError{Param: "opts", Problem: "must be a table such as {concurrency = 8}, got " + o.Type().String(), Hint: batchHint})
	}
	conc = min(max(conc, 1), MaxBatchConcurrency)
	line := scriptLine(L)
	n := calls.Len()
	if n > MaxBatchItems {
		s.raise(L, nil, &api.ValidationError{Param: "calls", Problem: fmt.Sprintf("has %d items; one batch takes at most %d", n, MaxBatchItems),
			Hint: fmt.Sprintf("split the work into batches of at most %d calls (and mind the run's call budget)", MaxBatchItems)})
	}
	items := make([]batchItem, n)
	// Convert everything to Go on the Lua goroutine.
	for i := 1; i <= n; i++ {
		it := &items[i-1]
		param := fmt.Sprintf("calls[%d]", i)
		spec, ok := calls.RawGetInt(i).(*lua.LTable)
		if !ok {
			it.err = &api.ValidationError{Param: param, Problem: "must be a table {name, args} or {fn = name, args = {...}}, got " + calls.RawGetInt(i).Type().String(), Hint: batchHint}
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
			it.err = &api.ValidationError{Function: op.Name, Param: param + ".args", Problem: "arguments must be a table, got " + a.Type().String(),
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
