package sandbox

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	lua "github.com/yuin/gopher-lua"
)

// hookMask sets how often (in VM instructions) the hook looks for work.
const hookMask = 1<<14 - 1

// hookContext is the context the Lua state sees. gopher-lua calls Done
// before every VM instruction, which gives the sandbox a cheap periodic hook
// on the goroutine that runs the script. Done may also be called from other
// goroutines (for example by net/http with L.Context()) and from host
// functions, so the hook only walks the state when its caller is
// gopher-lua's VM loop (see calledByVM).
type hookContext struct {
	context.Context
	done <-chan struct{} // Context.Done(), fetched once (it never changes)
	s    *Sandbox
	n    atomic.Uint32
}

func newHookContext(ctx context.Context, s *Sandbox) *hookContext {
	return &hookContext{Context: ctx, done: ctx.Done(), s: s}
}

// Done counts VM instructions, runs the hook every hookMask+1 calls when
// the governor waits for a measurement and the VM loop called Done, and
// returns the run context's done channel.
func (c *hookContext) Done() <-chan struct{} {
	if c.n.Add(1)&hookMask == 0 && c.s.measurePending() && calledByVM() {
		c.s.hook()
	}
	return c.done
}

// measurePending reports whether the governor waits for this run to
// measure itself.
func (s *Sandbox) measurePending() bool {
	r := s.run
	if r == nil {
		return false
	}
	gen := r.measureReq.Load()
	return gen != 0 && gen != r.measuredGen.Load()
}

// hook serves a pending measurement request of the governor. It must run
// on the goroutine that runs the state, between VM instructions.
func (s *Sandbox) hook() {
	r := s.run
	gen := r.measureReq.Load()
	r.measuring.Store(true)
	r.measured.Store(estimateState(s.l, 2*s.memLimit, &r.measured))
	r.measuredGen.Store(gen)
	r.measuring.Store(false)
}

// vmLoop is the entry of gopher-lua's VM loop function, the only code in
// gopher-lua that calls a state's Context().Done. It is learned once per
// process by running a chunk in a throwaway state (see probeVMLoop) and
// never changes afterwards.
var vmLoop = sync.OnceValue(probeVMLoop)

// calledByVM reports whether the Done method that called it was called by
// gopher-lua's VM loop. That loop only ever calls the Done of the state it
// runs, on the goroutine that runs it, between two instructions, so the
// state may then be walked safely. Calls from other goroutines (net/http
// with L.Context()), from host functions and from anything else report
// false. It costs about a microsecond, so Done calls it only when a
// measurement is pending. Call it only directly from a Done method.
func calledByVM() bool {
	vm := vmLoop()
	return vm != 0 && doneCaller() == vm
}

// doneCaller returns the entry of the function that called the Done
// method that called doneCaller (0 if unknown). Inlined frames are
// counted as frames by runtime.Caller and FuncForPC gives the entry of the
// outermost function, so the answer does not depend on inlining decisions.
//
//go:noinline
func doneCaller() uintptr {
	// 0 is doneCaller, 1 calledByVM (or probeCaller), 2 Done, 3 its caller.
	pc, _, _, ok := runtime.Caller(3)
	if !ok {
		return 0
	}
	f := runtime.FuncForPC(pc)
	if f == nil {
		return 0
	}
	return f.Entry()
}

// probeContext records the caller of its first Done call.
type probeContext struct {
	context.Context
	caller uintptr
}

// Done records its caller once and returns the embedded context's Done.
func (p *probeContext) Done() <-chan struct{} {
	if p.caller == 0 {
		p.caller = probeCaller()
	}
	return p.Context.Done()
}

// probeCaller calls doneCaller from the same depth as calledByVM does.
//
//go:noinline
func probeCaller() uintptr { return doneCaller() }

// probeVMLoop runs a chunk in a throwaway state with a probe context and
// returns the entry of the function that called Done (gopher-lua's VM
// loop), or 0 if it could not tell.
func probeVMLoop() uintptr {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	p := &probeContext{Context: context.Background()}
	L.SetContext(p)
	if err := L.DoString("local x = 1"); err != nil {
		return 0
	}
	return p.caller
}

// Rough sizes of gopher-lua objects, for estimates only.
const (
	sizeValue    = 16
	sizeTable    = 96
	sizeEntry    = 64
	sizeFunction = 80
	sizeUpvalue  = 48
	sizeThread   = 4096
	sizeUserData = 48
)

// Arrays longer than sampleAbove are estimated from sampleCount elements.
const (
	sampleAbove = 1024
	sampleCount = 256
)

// shallowSize estimates one value without following its references.
func shallowSize(v lua.LValue) int64 {
	switch o := v.(type) {
	case lua.LString:
		return int64(len(o)) + sizeValue
	case *lua.LTable:
		return sizeTable + int64(o.Len())*sizeValue
	case *lua.LFunction:
		return sizeFunction + int64(len(o.Upvalues))*sizeUpvalue
	case *lua.LUserData:
		return sizeUserData
	case *lua.LState:
		return sizeThread
	default:
		return sizeValue
	}
}

// estimateState walks the values reachable from L (globals, registry and
// the locals and temporaries of every active frame) and returns an
// estimate of their size in bytes, stopping early once it passes stopAt.
// While it walks it publishes its running total to progress (if not nil)
// every few thousand objects, so a slow walk of a huge state is visible
// before it ends. It must run on the goroutine that runs L.
func estimateState(L *lua.LState, stopAt int64, progress *atomic.Int64) int64 {
	var total int64
	seen := map[any]struct{}{L: {}}
	stack := []lua.LValue{L.G.Global, L.G.Registry}
	frames := func(th *lua.LState) {
		for level := 0; ; level++ {
			dbg, ok := th.GetStack(level)
			if !ok {
				break
			}
			for n := 1; ; n++ {
				name, v := th.GetLocal(dbg, n)
				if name == "" {
					break
				}
				stack = append(stack, v)
			}
		}
	}
	frames(L)
	push := func(v lua.LValue) {
		switch s := v.(type) {
		case *lua.LTable, *lua.LFunction, *lua.LUserData, *lua.LState:
			stack = append(stack, v)
		case lua.LString:
			total += int64(len(s)) + sizeValue
		default:
			total += sizeValue
		}
	}
	visited := 0
	for len(stack) > 0 && total <= stopAt {
		visited++
		if progress != nil && visited%4096 == 0 {
			progress.Store(total)
		}
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch o := v.(type) {
		case lua.LString:
			total += int64(len(o)) + sizeValue
		case *lua.LTable:
			if _, dup := seen[o]; dup {
				continue
			}
			seen[o] = struct{}{}
			push(o.Metatable)
			n := o.Len()
			total += sizeTable + int64(n)*sizeValue
			if n <= sampleAbove {
				for i := 1; i <= n; i++ {
					push(o.RawGetInt(i))
				}
			} else {
				// Large arrays: extrapolate from evenly spaced samples.
				step := n / sampleCount
				var sum int64
				for i := 1; i <= n; i += step {
					sum += shallowSize(o.RawGetInt(i))
				}
				total += sum * int64(step)
			}
			var k, val lua.LValue
			if n == 0 {
				k, val = o.Next(lua.LNil)
			} else {
				k, val = o.Next(lua.LNumber(n))
			}
			for k != lua.LNil && total <= stopAt {
				total += sizeEntry
				push(k)
				push(val)
				k, val = o.Next(k)
			}
		case *lua.LFunction:
			if _, dup := seen[o]; dup {
				continue
			}
			seen[o] = struct{}{}
			total += sizeFunction + int64(len(o.Upvalues))*sizeUpvalue
			for _, uv := range o.Upvalues {
				if uv != nil {
					push(uv.Value())
				}
			}
		case *lua.LUserData:
			if _, dup := seen[o]; dup {
				continue
			}
			seen[o] = struct{}{}
			total += sizeUserData
			push(o.Metatable)
		case *lua.LState:
			if _, dup := seen[o]; dup {
				continue
			}
			seen[o] = struct{}{}
			total += sizeThread
			frames(o) // a suspended coroutine: its frames are not running
		default:
			total += sizeValue
		}
	}
	return total
}
