package sandbox

import (
	"runtime"

	lua "github.com/yuin/gopher-lua"
)

// yieldAcrossGo is the error coroutine.yield raises when it would cross a
// Go function, named after C Lua's.
const yieldAcrossGo = "attempt to yield across a C-call boundary: coroutine.yield was called " +
	"in a function that a Go function or the VM called back (a metamethod such as __index or " +
	"__tostring, a table.sort comparator, a string.gsub replacement function, a function run by " +
	"pcall, ...); yield only from plain Lua code in the coroutine: compute the value first, " +
	"return from the callback, then yield"

// Names of the gopher-lua functions yieldCrossesGo looks for on the Go
// stack: the VM loop (one per entry into the VM; it is called through a
// function value, so never inlined) and the function that runs a
// coroutine (it recovers panics, so it is never inlined either).
const (
	gopherMainLoop    = "github.com/yuin/gopher-lua.mainLoop"
	gopherMainLoopCtx = "github.com/yuin/gopher-lua.mainLoopWithContext"
	gopherThreadRun   = "github.com/yuin/gopher-lua.threadRun"
)

// yieldFrames is how many Go frames yieldCrossesGo reads at a time. A
// legitimate yield has the coroutine's threadRun a few frames up (the
// yield function, the VM's call instruction, the VM loop), so one batch
// nearly always answers.
const yieldFrames = 8

// maxYieldFrames bounds the Go frames yieldCrossesGo reads in all.
// Anything deeper has re-entered the VM many times.
const maxYieldFrames = 64

// Kinds of Go frames for yieldCrossesGo.
const (
	frameOther uint8 = iota + 1
	frameLoop
	frameThreadRun
)

// yield is coroutine.yield. gopher-lua implements yield by returning -1
// to the VM loop that called it, which switches to the resuming thread.
// When a Go function (tostring, table.sort, string.gsub, pcall, ...) or
// the VM itself (metamethods) called back into Lua, that VM loop is a
// nested one running on top of Go frames that are still active;
// switching threads there corrupts the state ("register underflow", nil
// dereferences). C Lua refuses such a yield, and so does this one, with
// an ordinary Lua error the script can catch.
func (s *Sandbox) yield(L *lua.LState) int {
	if L.Parent != nil && s.yieldCrossesGo() {
		L.RaiseError("%s", yieldAcrossGo)
	}
	return -1
}

// yieldCrossesGo reports whether more than one gopher-lua VM loop runs
// between its caller and the innermost coroutine start (threadRun) on the
// Go stack, that is whether the coroutine re-entered the VM from Go since
// it was resumed. If no threadRun is found within maxYieldFrames it
// reports true as well. Return addresses are classified once per sandbox
// (s.frameKinds), so a yield costs one short stack unwind.
func (s *Sandbox) yieldCrossesGo() bool {
	var pcs [yieldFrames]uintptr
	loops := 0
	// skip runtime.Callers, yieldCrossesGo and yield.
	for skip := 3; skip < 3+maxYieldFrames; skip += yieldFrames {
		n := runtime.Callers(skip, pcs[:])
		for _, pc := range pcs[:n] {
			switch s.frameKind(pc) {
			case frameLoop:
				loops++
				if loops > 1 {
					return true
				}
			case frameThreadRun:
				return false
			}
		}
		if n < yieldFrames {
			break
		}
	}
	return true
}

// frameKind classifies the Go function of a return address.
func (s *Sandbox) frameKind(pc uintptr) uint8 {
	if k, ok := s.frameKinds[pc]; ok {
		return k
	}
	k := frameOther
	if f := runtime.FuncForPC(pc - 1); f != nil {
		switch f.Name() {
		case gopherMainLoop, gopherMainLoopCtx:
			k = frameLoop
		case gopherThreadRun:
			k = frameThreadRun
		}
	}
	if s.frameKinds == nil {
		s.frameKinds = make(map[uintptr]uint8, 16)
	}
	s.frameKinds[pc] = k
	return k
}
