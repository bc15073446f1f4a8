package runtime

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Timing of worker supervision.
const (
	// workerStartTimeout bounds how long a new worker may take to say ready.
	workerStartTimeout = 20 * time.Second
	// deadlineGrace is how long after a run's deadline the host waits for the
	// worker's own timeout report before it kills the worker (a script stuck
	// in the compiler cannot report).
	deadlineGrace = 500 * time.Millisecond
	// cancelGrace is the same for a canceled run.
	cancelGrace = 250 * time.Millisecond
	// stderrKeep is how much of a worker's stderr is kept to explain a crash.
	stderrKeep = 8 << 10
)

// workerSpec says how to start workers.
type workerSpec struct {
	path string
	env  []string
	// catalogJSON is sent to each new worker when the host uses a custom catalog.
	catalogJSON []byte
	cat         func() *catalog.Catalog
}

// workerPipe is the host's end of a pipe to or from a worker.
type workerPipe interface {
	io.ReadWriter
	SetReadDeadline(t time.Time) error
	Close() error
}

// workerProc is the host's handle on one worker process.
type workerProc struct {
	cmd  *exec.Cmd
	pid  int
	toW  workerPipe
	wmu  sync.Mutex
	fw   frameWriter
	errs *tailBuffer

	// fromW is the pipe from the worker and br its reader. Frames come only
	// during a job (and the ready frame at start), and the goroutine that
	// started the job reads them itself.
	fromW workerPipe
	br    *bufio.Reader
	dead  chan struct{} // closed once the process has exited and been reaped
	proc  *procFiles

	baseData int64 // data segment size when ready (0 where unknown)
	// mem is the memory measured after the last job (or at ready): the
	// resident size a job starts from, and the data size the pool checks.
	mem       procMemory
	dataLimit int64 // the RLIMIT_DATA last applied
	runs      int
	idleFrom  time.Time

	mu         sync.Mutex
	killReason string // why the host killed it ("" if it was not killed)
	protoErr   error
	exitState  *os.ProcessState
	cat        func() *catalog.Catalog
}

// procMemory is what the OS says of a worker's memory (on Linux, its
// /proc/<pid>/status; elsewhere nothing: all zero).
type procMemory struct {
	// RSS is the resident size now, Peak the most since the last
	// procFiles.resetPeak (VmHWM), Data the private writable size (VmData); all
	// in bytes, 0 where unknown.
	RSS, Peak, Data int64
}

// activeRun is the job a worker is running, as the host sees it.
type activeRun struct {
	ctx context.Context // bounds the run's calls
	led *ledger
	wg  sync.WaitGroup // host calls in flight
}

// startWorker starts a worker and waits until it is ready.
func startWorker(ctx context.Context, spec *workerSpec) (*workerProc, error) {
	hostR, hostW, workerR, workerW, err := newWorkerPipes()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(spec.path)
	cmd.Env = spec.env
	cmd.ExtraFiles = []*os.File{workerR, workerW} // fds 3 and 4
	errs := &tailBuffer{max: stderrKeep}
	cmd.Stderr = errs
	setWorkerAttrs(cmd)
	if err := cmd.Start(); err != nil {
		hostR.Close()
		workerW.Close()
		workerR.Close()
		hostW.Close()
		return nil, fmt.Errorf("runtime: start worker %s: %w; set Options.WorkerPath to a binary that links the runtime package, or use Isolation: IsolationInProcess", spec.path, err)
	}
	workerR.Close()
	workerW.Close()
	p := &workerProc{cmd: cmd, pid: cmd.Process.Pid, toW: hostW, fw: frameWriter{w: hostW}, errs: errs,
		fromW: hostR, br: bufio.NewReaderSize(hostR, 64<<10), dead: make(chan struct{}), cat: spec.cat}
	p.proc = openProcFiles(p.pid)
	go p.reap()
	err = p.awaitReady(ctx)
	if err == nil && spec.catalogJSON != nil {
		err = p.send(&frame{Type: frameCatalog, payload: spec.catalogJSON})
	}
	if err != nil {
		p.kill("start failed")
		return nil, err
	}
	m := p.proc.memory()
	p.baseData, p.mem = m.Data, m
	return p, nil
}

// awaitReady reads the worker's first frame, which must say it is ready.
func (p *workerProc) awaitReady(ctx context.Context) error {
	deadline := time.Now().Add(workerStartTimeout)
	runDeadline := false
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline, runDeadline = d, true
	}
	_ = p.fromW.SetReadDeadline(deadline)
	defer p.fromW.SetReadDeadline(time.Time{})
	f, err := readFrame(p.br)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		if runDeadline || ctx.Err() != nil {
			// The pipe's deadline is the run's; its context ends at the
			// same instant, perhaps a moment after the pipe noticed.
			<-ctx.Done()
			return context.Cause(ctx)
		}
		return fmt.Errorf("runtime: the worker was not ready after %v", workerStartTimeout)
	case err != nil:
		p.kill("")
		<-p.dead
		text, _ := p.crashText()
		return fmt.Errorf("runtime: the worker exited before it was ready: %s", text)
	case f.Type != frameReady:
		return fmt.Errorf("runtime: the worker sent %q before ready", f.Type)
	}
	return nil
}

// reap waits for the worker to exit (however it ends) and records how.
func (p *workerProc) reap() {
	_ = p.cmd.Wait() // also waits for its stderr to be read
	p.mu.Lock()
	p.exitState = p.cmd.ProcessState
	p.mu.Unlock()
	p.toW.Close()
	p.fromW.Close()
	p.proc.close()
	close(p.dead)
}

// fail records a protocol error; the worker is then killed.
func (p *workerProc) fail(err error) {
	p.mu.Lock()
	if p.protoErr == nil {
		p.protoErr = err
	}
	p.mu.Unlock()
}

// handle acts on one frame of a job: it serves calls (batch calls on their
// own goroutines, a single call here: the script waits for it and sends
// nothing else meanwhile) and records rejected ones. done reports the job's
// end frame.
func (p *workerProc) handle(cur *activeRun, f *frame) (done bool, err error) {
	switch f.Type {
	case frameCall:
		cur.wg.Add(1)
		if f.Batch {
			go p.serveCall(cur, f)
		} else {
			p.serveCall(cur, f)
		}
	case frameReject:
		op, err := p.cat().Lookup(f.Function)
		if err != nil {
			return false, fmt.Errorf("runtime: the worker rejected a call of an unknown function")
		}
		cause := errors.New("rejected")
		if f.Err != nil {
			cause = f.Err.error()
		}
		cur.led.Account(f.Account).Reject(op, cause, f.Batch)
	case frameDone:
		return true, nil
	default:
		return false, fmt.Errorf("runtime: unexpected %q frame from the worker", f.Type)
	}
	return false, nil
}

// serveCall executes one of the script's calls for the worker: the host
// resolves the name, applies the policy and the budget, sends the request and
// records it before the worker sees the answer.
func (p *workerProc) serveCall(cur *activeRun, f *frame) {
	defer cur.wg.Done()
	reply := &frame{Type: frameReply, ID: f.ID}
	op, err := p.cat().Lookup(f.Function)
	if err == nil {
		var args map[string]any
		if args, err = decodeArgs(f.payload); err == nil {
			res, cerr := cur.led.CallAccount(cur.ctx, f.Account, op, args, f.Batch)
			if cerr == nil {
				reply.Result, reply.payload = toWireResult(res)
			}
			err = cerr
		}
	}
	if err != nil {
		reply.Err = toWireError(err)
	}
	_ = p.send(reply)
}

func (p *workerProc) send(f *frame) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	return p.fw.write(f)
}

// kill stops the worker at once; reason says why ("" keeps an earlier reason).
func (p *workerProc) kill(reason string) {
	p.mu.Lock()
	if p.killReason == "" {
		p.killReason = reason
	}
	p.mu.Unlock()
	_ = p.cmd.Process.Kill()
}

// stop ends an idle worker and waits for it.
func (p *workerProc) stop() {
	p.kill("stopped")
	<-p.dead
}

func (p *workerProc) alive() bool {
	select {
	case <-p.dead:
		return false
	default:
		return true
	}
}

// Reasons the host kills a worker during a run.
const (
	killTimeout  = "timeout"
	killCanceled = "canceled"
)

// runJob runs j on the worker and returns the worker's report, or the host's
// own report when the worker had to be killed or died. restarted is the
// worker's word that a session input ran in a fresh state. The calling
// goroutine reads the job's frames itself; a read deadline (the run's
// deadline plus a grace period, or a short grace after a cancellation) ends a
// worker that does not answer.
func (p *workerProc) runJob(runCtx context.Context, j *job, led *ledger, session bool) (rep *report, restarted bool) {
	cur := &activeRun{ctx: runCtx, led: led}
	defer func() {
		cur.wg.Wait() // every call is in the ledger before the envelope is built
		_ = p.fromW.SetReadDeadline(time.Time{})
		p.runs++
		p.idleFrom = time.Now()
	}()
	limit := j.Limits.Timeout // for messages: the limit the caller set
	jj := *j                  // what this worker is sent: the time left, its data limit
	j = &jj
	if deadline, ok := runCtx.Deadline(); ok {
		j.Limits.Timeout = max(time.Until(deadline), time.Millisecond)
		_ = p.fromW.SetReadDeadline(deadline.Add(deadlineGrace))
	}
	j.DataLimit = dataLimitFor(p.baseData, j.Limits.MemoryLimit)
	if j.DataLimit != p.dataLimit {
		applyWorkerLimits(p.pid, j.DataLimit)
		p.dataLimit = j.DataLimit
	}
	p.proc.resetPeak()
	before := p.mem.RSS
	var canceled atomic.Bool
	stop := context.AfterFunc(runCtx, func() {
		if errors.Is(context.Cause(runCtx), context.DeadlineExceeded) {
			return // the read deadline already allows the grace
		}
		canceled.Store(true)
		_ = p.send(&frame{Type: frameAbort})
		_ = p.fromW.SetReadDeadline(time.Now().Add(cancelGrace))
	})
	defer stop()
	if err := p.send(&frame{Type: frameRun, Job: j, Session: session, payload: []byte(j.Source)}); err != nil {
		p.kill("")
	}
	f, err := p.readJob(cur)
	if err != nil {
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded) && canceled.Load():
			p.kill(killCanceled)
		case errors.Is(err, os.ErrDeadlineExceeded):
			p.kill(killTimeout)
		default:
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				p.fail(err)
			}
			p.kill("")
		}
		<-p.dead
		return p.deathReport(limit, j), false
	}
	if session {
		// The worker read the pipe during the job (workerServer.watchSession).
		_ = p.send(&frame{Type: frameRelease})
	}
	rep = f.Report
	if rep == nil {
		rep = &report{}
	}
	rep.Result = f.payload
	p.mem = p.proc.memory()
	if p.mem.Peak > 0 && before > 0 {
		used := max(p.mem.Peak-before, 0)
		rep.MemoryBytes = &used
	}
	return rep, f.Restarted
}

// readJob reads and handles the job's frames until its done frame.
func (p *workerProc) readJob(cur *activeRun) (*frame, error) {
	for {
		f, err := readFrame(p.br)
		if err != nil {
			return nil, err
		}
		done, err := p.handle(cur, f)
		if err != nil {
			return nil, err
		}
		if done {
			return f, nil
		}
	}
}

// deathReport explains a worker that died during a run, from what the host
// saw: its own kill, or the worker's exit and its stderr.
func (p *workerProc) deathReport(timeout time.Duration, j *job) *report {
	<-p.dead
	p.mu.Lock()
	reason, protoErr := p.killReason, p.protoErr
	p.mu.Unlock()
	switch reason {
	case killTimeout:
		return failed(&ErrorInfo{Kind: KindTimeout,
			Message: fmt.Sprintf("the script ran past its time limit of %v (it was stopped by the host; compiling a huge or deeply nested script also counts)", timeout)})
	case killCanceled:
		return failed(&ErrorInfo{Kind: KindCanceled, Message: "the run was canceled by its caller"})
	}
	if protoErr != nil {
		return failed(&ErrorInfo{Kind: KindWorkerCrashed, Message: "the script's worker process broke the protocol and was stopped: " + capText(protoErr.Error())})
	}
	text, cause := p.crashText()
	switch {
	case outOfMemory(p.errs.String()), p.killedBySignal(),
		// A Go runtime that dies without saying why, or faults inside
		// itself (a bare SIGSEGV report, not a Go panic), while its data
		// limit is in force has failed an allocation: out of memory as far
		// as the script is concerned.
		!cause && j.DataLimit > 0,
		j.DataLimit > 0 && runtimeFault(text):
		return failed(&ErrorInfo{Kind: KindMemoryLimit,
			Message: fmt.Sprintf("the script used more memory than its worker process may (the limit is %d bytes of Lua memory); the worker was stopped", j.Limits.MemoryLimit)})
	case strings.Contains(text, "stack overflow"), strings.Contains(text, "stack exceeds"):
		return failed(&ErrorInfo{Kind: KindStackOverflow,
			Message: "the script nested too deeply (the worker ran out of stack); use loops and flatter expressions"})
	}
	return failed(&ErrorInfo{Kind: KindWorkerCrashed, Message: "the script's worker process crashed: " + capText(text)})
}

// runtimeFault reports a crash line of a signal the Go runtime took in its
// own code ("SIGSEGV: segmentation violation", printed without a Go panic),
// as opposed to a panic in Go code, whose first line is "panic: ...".
func runtimeFault(line string) bool {
	return strings.HasPrefix(line, "SIGSEGV") || strings.HasPrefix(line, "SIGBUS") ||
		strings.Contains(line, "unexpected signal during runtime execution")
}

// outOfMemory reports a Go crash report caused by a failed allocation: the
// heap's ("out of memory") or a new thread's, whose stack the data limit
// also bounds.
func outOfMemory(report string) bool {
	for _, s := range []string{"out of memory", "pthread_create failed", "failed to create new OS thread", "cannot allocate memory"} {
		if strings.Contains(report, s) {
			return true
		}
	}
	return false
}

// crashText is the line of the worker's stderr that says what went wrong (a
// Go "fatal error:", "panic:", "runtime: ..." or signal line, never a
// traceback frame), or else its exit status; cause reports whether such a
// line was found.
func (p *workerProc) crashText() (text string, cause bool) {
	out := p.errs.String()
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		for _, prefix := range []string{"fatal error:", "panic:", "runtime: ", "runtime/cgo:", "SIG"} {
			if strings.HasPrefix(line, prefix) {
				return line, true
			}
		}
	}
	p.mu.Lock()
	st := p.exitState
	p.mu.Unlock()
	if st != nil {
		return "the worker exited: " + st.String(), false
	}
	return "the worker exited", false
}

// killedBySignal reports a worker killed by SIGKILL that the host did not
// send: the kernel's out-of-memory killer.
func (p *workerProc) killedBySignal() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.killReason == "" && p.exitState != nil && exitedBySIGKILL(p.exitState)
}

// tailBuffer keeps the first max bytes written to it (a Go crash report
// starts with its cause) and discards the rest.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.max - t.buf.Len(); room > 0 {
		t.buf.Write(b[:min(room, len(b))])
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
