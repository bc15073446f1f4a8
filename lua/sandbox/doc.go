// Package sandbox gives each run of an untrusted Lua script its own
// locked-down gopher-lua state with hard limits on time, memory, output and
// call depth.
//
// # Model
//
// One [Sandbox] is one run: [New] builds a fresh *lua.LState (cheaply, see
// Shared functions; BenchmarkNewClose measures it), the host adds its
// modules (L().PreloadModule("workos", ...)), runs the script with
// [Sandbox.DoString] or [Sandbox.PCall] (which classify the outcome; after a
// plain L().PCall use [Sandbox.Classify]) and calls [Sandbox.Close]. States
// are never reused, and no table, thread, closure with state or other
// mutable Lua value is shared between runs (the only shared objects are
// immutable stock functions, see Shared functions), so nothing a script does
// can leak into another run. Use a sandbox from one goroutine;
// [Sandbox.Abort], [Sandbox.Err] and [Sandbox.MemoryUsed] may be called from
// any goroutine.
//
// # Globals
//
// The allowed globals are pinned by testdata/globals.golden
// (go test -run TestGlobalsGolden -update rewrites it):
//
//   - base: assert dump error getmetatable ipairs next pairs pcall print rawequal
//     rawget rawset require select setmetatable tonumber tostring type unpack
//     xpcall _G _VERSION _GOPHER_LUA_VERSION. Removed: dofile loadfile load
//     loadstring (no code loading, no bytecode), module, getfenv setfenv
//     (environment escapes), _printregs, newproxy, collectgarbage (it runs the
//     collector of the whole Go process).
//   - string (without dump and gfind), table, math, coroutine.
//   - os reduced to time clock date difftime.
//   - json: the luajson module (encode decode null array object).
//   - regex: the lua/regex module (match match_all gsub): PCRE-style
//     delimited patterns on Go's RE2. Subjects and gsub results count
//     against MaxStringBytes; searches stop at the deadline.
//   - dump(...): writes each value to the captured output like print
//     (tables as indented JSON) and returns the values unchanged.
//   - package: preload loaded loaders path cpath, where loaders holds only the
//     preload loader and path/cpath are empty, so require finds only modules
//     the host preloaded (plus the libraries above, e.g. require("json")).
//
// No io, debug, channel, or full os. print is captured into [Sandbox.Logs]:
// arguments are joined by tabs; tables without __tostring are rendered as
// compact JSON when they can be encoded, other values with tostring.
// tostring(t) of a table without __tostring shows its contents as
// KosmoKrator's does: compact JSON-like text with a fixed key order, nested
// __tostring, "<function>" for values without a JSON form and "<cycle>" for
// cycles, cut after 8 KiB with "...".
//
// Library tables (string table math coroutine os json package) are
// read-only proxies: reading goes to the real table through __index (one
// table lookup, no function call), writing raises "library tables are
// read-only", getmetatable returns "locked", setmetatable fails and the
// sandbox's rawset refuses them. pairs and next see through the proxies, so
// for k in pairs(string) lists the library (# and ipairs see nothing). The
// string metatable indexes the real
// string table directly, so ("x"):upper() costs what it always did;
// getmetatable("") returns a read-only table whose __index is the read-only
// string proxy. Scripts may still rebind their own globals (string = {...});
// that only affects their own run. math.random uses a per-run generator
// seeded from [Options.Seed], and math.randomseed reseeds only that one.
//
// # String-like values
//
// Every string function (string.* and the string methods) and table.concat
// accept a table whose metatable has a [StringValueField] function in place
// of a string: the function gives the string the table stands for. The
// workos module's error tables use it, so string.match(err, "404") works as
// it does on KosmoKrator's string errors.
//
// # Shared functions
//
// To make New cheap, the library tables are built directly (pre-sized,
// without gopher-lua's Open* functions) from a process-wide template that
// is built once, on first use, from a throwaway state and never changes
// afterwards. The stock functions the sandbox keeps unchanged (assert,
// ipairs, math.abs, string.upper, ...) and the stock functions its own
// versions call through (next, pairs, coroutine.create/wrap/resume,
// os.date) are *lua.LFunction objects shared by all sandboxes. That is
// safe because gopher-lua never writes to a Go function while calling it
// (it reads GFunction and, for ipairs and pairs, one closed upvalue that
// holds another such function), and the only other field, Env, is read
// by a Go function only when it creates functions or userdata, loads
// code or looks up EnvironIndex: of the shared functions only
// coroutine.wrap does (it creates a closure), and that closure never uses
// its Env. The shared functions' Env
// is an empty table that no script can reach (getfenv, setfenv, module
// and debug are not available). package.loaders[1], which finds
// package.preload through its Env, is created per state. Concurrent runs
// therefore only read the shared functions (go test -race covers it in
// TestSharedStockFunctionsParallel). Scripts see the same address in
// tostring(math.abs) in every run; that reveals nothing about other runs.
// Host code must not change the Env of library functions
// (L.SetFEnv).
//
// # Limits
//
// Each limit ends the run with a *[LimitError] whose Kind is timeout,
// memory_limit, call_limit (only from [Sandbox.Abort]), output_limit or
// stack_overflow. Ending the run cancels its context with the error as the
// cause; gopher-lua checks the context before every VM instruction, so the
// next instruction raises. pcall, xpcall and coroutine.resume are replaced
// by versions that re-raise instead of returning false when the run is over
// or the error is a stack overflow, so scripts cannot swallow limits.
//
//   - timeout: the deadline of the context passed to [New]. Builtins that
//     may loop long (pattern matching, gsub, table.concat, table.sort) check
//     the context every 4096 steps. Host functions must honour L().Context().
//   - stack_overflow: [Options.CallStackSize] frames (default 200), and a
//     value stack limited to 64 Ki slots ("registry overflow", e.g. unpack
//     of a huge table). gopher-lua raises a catchable "stack overflow"; the
//     sandbox recognises it in pcall/xpcall/resume and in [Sandbox.Classify].
//   - output_limit: [Options.MaxLogBytes] of print output (default 1 MiB).
//   - memory_limit, layer 1: builtins that build strings check the result
//     size before they allocate it. string.rep, string.format (widths and
//     precisions of at most two digits, as in Lua 5.1), string.gsub,
//     table.concat and json.encode fail with "resulting string too large"
//     past [Options.MaxStringBytes] (default MemoryLimit/2).
//   - memory_limit, layer 2: coroutine creation is capped
//     ([Options.MaxCoroutines], default 1000 per run).
//   - memory_limit, layer 3: a watchdog ([Governor]) samples the Go heap
//     every millisecond and ends the run when it has grown past
//     [Options.MemoryLimit] (default 64 MiB) since the run started; before
//     killing it forces a GC so garbage does not count. VM allocations
//     (table growth, closures, the .. operator) are only seen by this layer,
//     so a run can overshoot its limit by what it allocates in a millisecond
//     or two plus one GC (most for s = s .. s doubling, less for table
//     bombs). After a memory_limit, Close runs a GC so the host heap
//     shrinks back.
//
// # Parallel runs
//
// The Go heap is shared by the whole process, so the heap metric cannot say
// which run allocated what. A private governor (the default) compares the
// process heap with the heap at the start of its own run: exact for one run
// at a time, over-strict when runs overlap (another run's allocations count
// against it). Hosts that run scripts in parallel should create one
// [Governor] and pass it in [Options.Governor]. It kills only when the
// process heap exceeds the heap at the start plus the sum of the limits of
// the active runs, so one run may use more than its own limit while others
// use less, but the process as a whole stays within its budget. To choose
// the victim it asks every run to estimate its own reachable Lua data; the
// estimate runs on the run's own goroutine from a hook that gopher-lua
// calls through the state's context before VM instructions (the hook costs
// one atomic add per instruction; BenchmarkFib and BenchmarkFibPlainContext
// compare it with a plain context). The hook walks the state only when
// gopher-lua's VM loop called it: that loop calls the Done of its own
// state only, on the goroutine that runs the state, between instructions,
// whereas Done calls from other goroutines (net/http with L().Context())
// or from host functions never walk it. The VM loop function is learned
// once per process by running a chunk in a throwaway state. So a run
// answers only while it executes Lua code; runs blocked in host calls keep
// their previous estimate, and ties go to the run with more bytes through
// size-checked builtins, then to the youngest run.
//
// # Source checks
//
// [CheckSource] rejects a script before gopher-lua parses it when it is
// larger than 1 MiB or nests or chains so deep that gopher-lua's parser
// and compiler would recurse deeply: a Go stack overflow is fatal to the
// whole process, and long operator or suffix chains compile in time that
// grows with the square of their length. It counts brackets, blocks and
// unary operators as nesting (200 levels, as C Lua) and operators, field
// accesses, indexes and calls within one expression as a chain (256).
// [Sandbox.DoString] runs it first; hosts that load code themselves must
// call it before L().Load. A rejected script gives a *[SourceError].
//
// # Coroutines
//
// coroutine.yield refuses to yield across a Go function: when the
// coroutine re-entered the VM from Go since it was resumed (a metamethod,
// tostring's __tostring, a table.sort comparator, a string.gsub
// replacement function, pcall, ...), gopher-lua would switch threads
// under active Go frames and corrupt the state. Such a yield raises
// "attempt to yield across a C-call boundary" (as C Lua 5.1 does) and the
// run goes on. It finds out by reading a few Go frames per yield
// (BenchmarkCoroutineYield).
//
// # Pattern matching
//
// string.find, match, gmatch and gsub use a port of the PUC-Lua 5.1
// matcher instead of gopher-lua's: its recursion is bounded by the pattern
// ("pattern too complex" past 200 levels) rather than the subject, gmatch
// is lazy, gsub builds its result in one buffer (linear time; gopher-lua's
// rebuilds the string per match, quadratic time), and all of them check the
// context (BenchmarkPatterns). Backtracking patterns can still be polynomial
// in the subject size; the timeout bounds them.
//
// # Known limits
//
//   - Importing this package lowers gopher-lua's process-wide
//     lua.MaxArrayIndex from 64 Mi to 4 Mi (see the init function): otherwise
//     t[60000000] = 1 allocates an array part of 60 million slots inside
//     one VM instruction, where no limit can interrupt it. One assignment
//     can still allocate up to 64 MiB before the watchdog sees it. Arrays
//     longer than 4 Mi elements keep their tail in the hash part, where #
//     does not count it.
//   - One VM instruction is never interrupted: the .. operator copies its
//     whole result before the next check, so s = s .. s can reach about
//     twice the limit, and under the race detector (slow memmove that also
//     delays the GC) a large concatenation is slow enough to matter for
//     timeouts.
//   - A coroutine that allocates while it runs is measured only when it
//     yields (the measurement hook runs on the main state).
//   - Go code the host registers (e.g. HTTP calls) is not interrupted by the
//     VM; it must use L().Context().
//   - Error objects are returned as they were raised; calling tostring with
//     metamethods on them after the run runs script code.
package sandbox
