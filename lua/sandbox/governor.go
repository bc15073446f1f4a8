package sandbox

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of [GovernorOptions].
const (
	DefaultWatchInterval = time.Millisecond
	DefaultMinGCInterval = 20 * time.Millisecond
	killGrace            = 200 * time.Millisecond
	// farOverSlack is the margin above twice the budget at which the
	// governor kills without forcing a GC first.
	farOverSlack = 16 << 20
)

// runtime/metrics names the governor reads.
const (
	metricHeapObjects = "/memory/classes/heap/objects:bytes"
	metricGCCycles    = "/gc/cycles/total:gc-cycles"
	metricGOGC        = "/gc/gogc:percent"
)

// GovernorOptions configure a [Governor]. The zero value (or nil) gives the
// defaults.
type GovernorOptions struct {
	// Interval between heap samples while runs are active. 0 means
	// DefaultWatchInterval (1 ms).
	Interval time.Duration
	// MinGCInterval is the shortest time between two garbage collections
	// the governor forces to tell live memory from garbage before it kills
	// a run. 0 means DefaultMinGCInterval (20 ms).
	MinGCInterval time.Duration
}

// Governor is the memory watchdog. One Governor should be shared by all
// sandboxes of a process that may run in parallel (pass it in
// [Options.Governor]); a sandbox without one gets a private Governor.
//
// While at least one run is active, a single goroutine samples the Go heap
// (runtime/metrics, live and not yet swept objects) every Interval. The
// budget is the heap at the time the first active run started plus the sum
// of the memory limits of the active runs (plus the limits of runs that
// ended since the last GC, whose garbage may still be on the heap). When
// the heap exceeds the budget, the governor forces a GC (at most every
// MinGCInterval) so garbage does not count; when the runs' share of the
// heap exceeds (1 + GOGC/100) times their budget plus 16 MiB, which garbage
// cannot explain, it acts at once. If the heap is still over budget it ends
// one run with memory_limit. With one active run that is the run.
// With several, it first asks each run to estimate its own Lua data: the
// run's goroutine walks its globals, registry and stack frames at its next
// VM hook (every 16Ki instructions; large arrays are sampled), and the
// governor waits up to 50 ms for the answers (250 ms while a run is still
// walking; its partial total counts). It kills the run with the
// largest estimate, then the run that allocated most through the
// size-checked builtins, then the youngest run. It then waits until that
// run has ended and a GC has completed (or 200 ms) before it kills again.
//
// The heap metric is process-wide: allocations of the host count too, and
// with parallel runs one run may exceed its own limit while the others are
// under theirs. The goroutine exits when no run is active.
type Governor struct {
	interval time.Duration
	minGC    time.Duration

	mu         sync.Mutex
	runs       map[*govRun]struct{}
	base       int64
	pending    int64
	lastCycles uint64
	lastForced time.Time
	running    bool
	timer      *time.Timer
	seq        uint64
	victim     *govRun
	graceUntil time.Time
	graceCycle uint64
	measureGen uint64
}

// measureWait bounds how long the governor waits for runs to measure
// themselves before it picks a victim; measureWaitBusy is the longer bound
// while some run is still walking its (large) state.
const (
	measureWait     = 50 * time.Millisecond
	measureWaitBusy = 250 * time.Millisecond
)

// NewGovernor returns a Governor; it starts no goroutine until a sandbox
// registers.
func NewGovernor(opts *GovernorOptions) *Governor {
	g := &Governor{interval: DefaultWatchInterval, minGC: DefaultMinGCInterval, runs: map[*govRun]struct{}{}}
	if opts != nil {
		if opts.Interval > 0 {
			g.interval = opts.Interval
		}
		if opts.MinGCInterval > 0 {
			g.minGC = opts.MinGCInterval
		}
	}
	return g
}

// govRun is the governor's view of one sandbox run.
type govRun struct {
	s     *Sandbox
	limit int64
	start int64
	seq   uint64
	peak  atomic.Int64
	tally atomic.Int64
	ended atomic.Bool

	// measureReq is the generation of the governor's latest measurement
	// request; the run's hook answers it by storing measured and
	// measuredGen.
	measureReq  atomic.Uint64
	measuredGen atomic.Uint64
	measured    atomic.Int64
	measuring   atomic.Bool
}

// used returns the peak observed growth, sampling now if the run is live.
func (r *govRun) used() int64 {
	if !r.ended.Load() {
		h, _ := readHeap(newSamples())
		r.observe(h)
	}
	return r.peak.Load()
}

func (r *govRun) observe(heap int64) {
	g := heap - r.start
	for {
		p := r.peak.Load()
		if g <= p || r.peak.CompareAndSwap(p, g) {
			return
		}
	}
}

func newSamples() []metrics.Sample {
	return []metrics.Sample{{Name: metricHeapObjects}, {Name: metricGCCycles}, {Name: metricGOGC}}
}

// gogc returns the GOGC percentage from a sample read by readHeap (0 when
// the GC is off or the metric is missing).
func gogc(s []metrics.Sample) int64 {
	if len(s) > 2 && s[2].Value.Kind() == metrics.KindUint64 {
		return int64(s[2].Value.Uint64())
	}
	return 0
}

func readHeap(s []metrics.Sample) (heap int64, cycles uint64) {
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		heap = int64(s[0].Value.Uint64())
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		cycles = s[1].Value.Uint64()
	}
	return heap, cycles
}

func (g *Governor) register(s *Sandbox) *govRun {
	heap, cycles := readHeap(newSamples())
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seq++
	r := &govRun{s: s, limit: s.memLimit, start: heap, seq: g.seq}
	if len(g.runs) == 0 {
		g.base = heap
		g.pending = 0
		g.lastCycles = cycles
	}
	g.runs[r] = struct{}{}
	if !g.running {
		// Start watching after one interval, so runs shorter than that
		// cost no goroutine at all.
		g.running = true
		g.timer = time.AfterFunc(g.interval, g.loop)
	}
	return r
}

func (g *Governor) deregister(r *govRun) {
	if r == nil {
		return
	}
	r.ended.Store(true)
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.runs[r]; !ok {
		return
	}
	delete(g.runs, r)
	g.pending += r.limit
	if len(g.runs) == 0 && g.timer != nil && g.timer.Stop() {
		g.running = false // the loop never started
	}
}

// budget returns the heap size above which runs are over their limits.
// Callers hold g.mu.
func (g *Governor) budget() int64 {
	b := g.base + g.pending
	for r := range g.runs {
		b += r.limit
	}
	return b
}

// inGrace reports whether a recent kill is still being absorbed. Callers
// hold g.mu.
func (g *Governor) inGrace(now time.Time, cycles uint64) bool {
	if g.victim == nil {
		return false
	}
	_, alive := g.runs[g.victim]
	if now.After(g.graceUntil) || (!alive && cycles > g.graceCycle) {
		g.victim = nil
		return false
	}
	return true
}

// pickVictim chooses the run to end: the largest measured state, then the
// most bytes through size-checked builtins, then the youngest run. Callers
// hold g.mu.
func (g *Governor) pickVictim() *govRun {
	var best *govRun
	for r := range g.runs {
		if r.ended.Load() {
			continue
		}
		if best == nil || r.beats(best) {
			best = r
		}
	}
	return best
}

func (r *govRun) beats(o *govRun) bool {
	if rm, om := r.measured.Load(), o.measured.Load(); rm != om {
		return rm > om
	}
	if rt, ot := r.tally.Load(), o.tally.Load(); rt != ot {
		return rt > ot
	}
	return r.seq > o.seq
}

// measureRuns asks every active run to estimate its own Lua data (on its
// own goroutine, through the hook) and waits up to measureWait for the
// answers. Runs that do not answer in time (blocked in Go code, or run
// with L().PCall instead of Sandbox.PCall) keep their previous estimate.
func (g *Governor) measureRuns() {
	g.mu.Lock()
	g.measureGen++
	gen := g.measureGen
	runs := make([]*govRun, 0, len(g.runs))
	for r := range g.runs {
		r.measureReq.Store(gen)
		runs = append(runs, r)
	}
	g.mu.Unlock()
	start := time.Now()
	for {
		time.Sleep(time.Millisecond / 2)
		done, busy := true, false
		for _, r := range runs {
			if !r.ended.Load() && r.measuredGen.Load() != gen {
				done = false
				busy = busy || r.measuring.Load()
			}
		}
		waited := time.Since(start)
		if done || waited > measureWaitBusy || (waited > measureWait && !busy) {
			return
		}
	}
}

func (g *Governor) loop() {
	t := time.NewTicker(g.interval)
	defer t.Stop()
	samples := newSamples()
	for range t.C {
		heap, cycles := readHeap(samples)
		now := time.Now()
		g.mu.Lock()
		if len(g.runs) == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		if cycles != g.lastCycles {
			g.lastCycles = cycles
			g.pending = 0
		}
		if heap < g.base {
			g.base = heap
		}
		for r := range g.runs {
			r.observe(heap)
		}
		budget := g.budget()
		over := heap > budget && !g.inGrace(now, cycles)
		// The GC lets the heap grow to (1 + GOGC/100) times the live data
		// before it collects, so a heap beyond that multiple of the runs'
		// budget cannot be garbage: kill without waiting for a GC (a
		// doubling string would otherwise double again).
		pct := gogc(samples)
		farOver := over && pct > 0 && heap > g.base+(budget-g.base)*(100+pct)/100+farOverSlack
		forceGC := over && !farOver && now.Sub(g.lastForced) >= g.minGC
		if forceGC {
			g.lastForced = now
		}
		g.mu.Unlock()
		if !forceGC && !farOver {
			continue
		}
		if forceGC {
			// Over budget: collect garbage, then judge live memory.
			runtime.GC()
			heap, cycles = readHeap(samples)
		}
		g.mu.Lock()
		if heap > g.budget() && len(g.runs) > 1 {
			// Several runs share the heap: let each measure its own data.
			g.mu.Unlock()
			g.measureRuns()
			g.mu.Lock()
		}
		if forceGC {
			g.lastCycles = cycles
			g.pending = 0
		}
		var victim *govRun
		if heap > g.budget() {
			victim = g.pickVictim()
			if victim != nil {
				g.victim = victim
				g.graceUntil = time.Now().Add(killGrace)
				g.graceCycle = cycles
			}
		}
		g.mu.Unlock()
		if victim != nil {
			victim.s.Abort(&LimitError{Kind: KindMemoryLimit, Message: fmt.Sprintf(
				"the script used more than its memory limit of %d bytes; keep fewer or smaller values (select the fields you need, process pages one at a time)", victim.limit)})
		}
	}
}
