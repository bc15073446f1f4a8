package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Pool tuning.
const (
	// workerIdleTimeout is how long an idle worker above the warm count lives.
	workerIdleTimeout = 60 * time.Second
	// maxRunsPerWorker recycles a worker after this many jobs.
	maxRunsPerWorker = 10000
	// recycleGrowth recycles a worker whose data segment grew by more than
	// this over its start (the Go heap keeps what a big run took).
	recycleGrowth = 64 << 20
)

// errPoolClosed is returned for runs after [Runtime.Close].
var errPoolClosed = errors.New("runtime: the runtime is closed")

// pool keeps warm workers and runs jobs on them, at most max at once.
type pool struct {
	spec *workerSpec
	log  *slog.Logger
	warm int
	sem  chan struct{} // one token per job running or starting

	mu     sync.Mutex
	idle   []*workerProc
	closed bool
	reaper *time.Timer
	// starting counts warm workers being started; a run that finds no idle
	// worker waits for one of them instead of starting another. arrived is
	// closed (and replaced) each time one of them is done starting.
	starting int
	arrived  chan struct{}
	// started counts the workers this pool has started.
	started atomic.Int64
}

func newPool(spec *workerSpec, max, warm int, log *slog.Logger) *pool {
	return &pool{spec: spec, log: log, warm: min(warm, max), sem: make(chan struct{}, max), arrived: make(chan struct{})}
}

// run runs j on a pooled worker. Waiting for a free worker counts against the
// run's deadline.
func (p *pool) run(runCtx context.Context, j *job, led *ledger) *report {
	select {
	case p.sem <- struct{}{}:
	case <-runCtx.Done():
		return p.queueTimeout(runCtx, j)
	}
	defer func() { <-p.sem }()
	w, err := p.get(runCtx)
	if err != nil {
		if runCtx.Err() != nil {
			return p.queueTimeout(runCtx, j)
		}
		return failed(&ErrorInfo{Kind: KindWorkerCrashed, Message: err.Error()})
	}
	rep, _ := w.runJob(runCtx, j, led, false)
	p.put(w)
	return rep
}

// queueTimeout reports a run whose context ended before a worker was free.
func (p *pool) queueTimeout(runCtx context.Context, j *job) *report {
	if errors.Is(context.Cause(runCtx), context.DeadlineExceeded) {
		return failed(&ErrorInfo{Kind: KindTimeout, Message: fmt.Sprintf("the run waited its whole time limit (%v) for a free worker: %d runs were already running", j.Limits.Timeout, cap(p.sem))})
	}
	return failed(&ErrorInfo{Kind: KindCanceled, Message: "the run was canceled by its caller before a worker was free"})
}

// get returns an idle live worker, one being warmed up, or a new one.
func (p *pool) get(ctx context.Context) (*workerProc, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, errPoolClosed
		}
		for len(p.idle) > 0 {
			w := p.idle[len(p.idle)-1]
			p.idle = p.idle[:len(p.idle)-1]
			if w.alive() {
				p.mu.Unlock()
				return w, nil
			}
		}
		starting, arrived := p.starting, p.arrived
		p.mu.Unlock()
		if starting == 0 {
			return p.start(ctx)
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
}

// put returns a worker after a job: healthy ones go back to the idle list;
// the others are stopped and, to keep the pool warm, replaced.
func (p *pool) put(w *workerProc) {
	healthy := w.alive() && w.runs < maxRunsPerWorker
	if healthy && w.baseData > 0 && w.mem.Data-w.baseData > recycleGrowth {
		healthy = false
	}
	p.mu.Lock()
	if healthy && !p.closed {
		p.idle = append(p.idle, w)
		p.scheduleReap()
		p.mu.Unlock()
		return
	}
	closed := p.closed
	p.mu.Unlock()
	go w.stop()
	if !closed {
		p.fill()
	}
}

// fill starts, in the background, as many workers as keep warm of them idle
// or starting. It counts them as starting before it returns, so a run that
// comes next waits for one of them.
func (p *pool) fill() {
	p.mu.Lock()
	n := 0
	if !p.closed {
		n = max(p.warm-len(p.idle)-p.starting, 0)
	}
	p.starting += n
	p.mu.Unlock()
	for range n {
		go p.warmOne()
	}
}

// warmOne starts one worker counted in starting and makes it idle.
func (p *pool) warmOne() {
	w, err := p.start(context.Background())
	p.mu.Lock()
	defer p.mu.Unlock()
	p.starting--
	p.signalArrival()
	if err != nil {
		p.log.Warn("runtime: could not start a warm worker", "err", err)
		return
	}
	if p.closed {
		go w.stop()
		return
	}
	w.idleFrom = time.Now()
	p.idle = append(p.idle, w)
}

// start starts one worker for the pool.
func (p *pool) start(ctx context.Context) (*workerProc, error) {
	p.started.Add(1)
	return startWorker(ctx, p.spec)
}

// signalArrival wakes every run waiting for a warm worker; each looks again
// (the worker may have gone to another run, or failed to start). Callers
// hold mu.
func (p *pool) signalArrival() {
	close(p.arrived)
	p.arrived = make(chan struct{})
}

// scheduleReap arms the timer that stops workers idle for too long. Callers hold mu.
func (p *pool) scheduleReap() {
	if p.reaper == nil && len(p.idle) > p.warm {
		p.reaper = time.AfterFunc(workerIdleTimeout, p.reap)
	}
}

func (p *pool) reap() {
	p.mu.Lock()
	p.reaper = nil
	var stop []*workerProc
	keep := p.idle[:0]
	for i, w := range p.idle {
		// The oldest idle workers are first; the warm ones stay.
		if len(p.idle)-i > p.warm && time.Since(w.idleFrom) >= workerIdleTimeout {
			stop = append(stop, w)
			continue
		}
		keep = append(keep, w)
	}
	p.idle = keep
	p.scheduleReap()
	p.mu.Unlock()
	for _, w := range stop {
		w.stop()
	}
}

// close stops the idle workers; busy ones are stopped when their job ends.
func (p *pool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	idle := p.idle
	p.idle = nil
	if p.reaper != nil {
		p.reaper.Stop()
	}
	p.mu.Unlock()
	for _, w := range idle {
		w.stop()
	}
}
