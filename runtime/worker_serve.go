package runtime

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"

	segjson "github.com/segmentio/encoding/json"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// A worker is this program started again with workerEnv set: any binary that
// links this package can serve as one, so embedders need no extra setup. The
// worker reads frames on fd 3 and writes frames on fd 4; stdin and stdout are
// /dev/null and stderr goes to the host (for crash reports).
const (
	workerEnv      = "KOSMO_LUA_WORKER"
	workerProtocol = "1"
	workerInFD     = 3
	workerOutFD    = 4
	// workerGCPercent is the worker's GOGC.
	workerGCPercent = 400
)

// init turns the process into a worker when the host started it as one. It
// runs before main (and before the packages that import this one), reads no
// configuration and never returns.
func init() {
	if os.Getenv(workerEnv) != workerProtocol {
		return
	}
	// Every job builds a fresh sandbox, so a worker's heap is mostly
	// short-lived garbage over a few MiB of live data: at Go's default of
	// 100 it collected every few jobs and spent about a third of its time
	// in the collector. The data limit set per job (debug.SetMemoryLimit
	// below, RLIMIT_DATA from the host) still bounds the heap, and the
	// sandbox's governor reads this percentage when it judges garbage.
	debug.SetGCPercent(workerGCPercent)
	in, out, err := openWorkerEnds()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kosmo-lua worker: started without its pipes; workers are started by the runtime, not by hand:", err)
		os.Exit(2)
	}
	// Package init runs on the main goroutine, locked to the main thread, so
	// serving here would hand every wake-up from the poller over to that one
	// thread: a futex wake and a thread switch per frame. A goroutine of its
	// own runs on whichever thread is awake.
	served := make(chan error)
	go func() { served <- newWorkerServer(in, out).serve() }()
	if err := <-served; err != nil {
		fmt.Fprintln(os.Stderr, "kosmo-lua worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// workerServer is the worker's side of the pipes: it runs the host's jobs in
// its engine, one at a time, and brokers their workos calls back to the host.
type workerServer struct {
	r   *bufio.Reader
	eng *engine
	// custom is a catalog the host sent; nil means catalog.Default().
	custom *catalog.Catalog

	wmu sync.Mutex
	fw  frameWriter

	// The pipe from the host has one reader at a time, so an answer reaches
	// the goroutine waiting for it without a hand-off: between jobs the serve
	// loop reads; during a job, the caller waiting for an answer reads
	// (during workos.batch, one of the waiting callers at a time) and hands
	// other callers theirs. rmu guards the fields below; rcond wakes waiters.
	rmu     sync.Mutex
	rcond   *sync.Cond
	reading bool
	pending map[uint64]bool   // calls waiting for an answer
	replies map[uint64]*frame // answers not yet taken
	readErr error
	nextID  uint64
	abort   context.CancelCauseFunc // the current job's

	session *localSession
	// dataLimit is the data limit the Go memory limit was last set for.
	dataLimit int64
}

func newWorkerServer(in io.Reader, out io.Writer) *workerServer {
	w := &workerServer{r: bufio.NewReaderSize(in, 64<<10), fw: frameWriter{w: out}, pending: map[uint64]bool{}, replies: map[uint64]*frame{}}
	w.rcond = sync.NewCond(&w.rmu)
	w.eng = &engine{catalog: w.catalog, gov: sandbox.NewGovernor(nil)}
	return w
}

func (w *workerServer) catalog() *catalog.Catalog {
	if w.custom != nil {
		return w.custom
	}
	return catalog.Default()
}

// maxCallArgsBytes bounds one call's arguments as JSON, so a script cannot
// make the host hold a huge request (WorkOS bodies are kilobytes).
const maxCallArgsBytes = 4 << 20

// errHostCanceled is the cause of a job the host aborted.
var errHostCanceled = errors.New("the host canceled the run")

// serve runs until the host closes the pipe. Jobs run on this goroutine, one
// at a time.
func (w *workerServer) serve() error {
	if err := w.send(&frame{Type: frameReady}); err != nil {
		return err
	}
	go exitWithHost()
	for {
		f, err := readFrame(w.r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch f.Type {
		case frameCatalog:
			var file catalog.File
			if err := json.Unmarshal(f.payload, &file); err != nil {
				return fmt.Errorf("catalog from the host: %w", err)
			}
			cat, err := catalog.New(file.Operations)
			if err != nil {
				return err
			}
			w.custom = cat
		case frameRun, frameReset:
			w.handle(f)
			if w.readErr != nil {
				if errors.Is(w.readErr, io.EOF) {
					return nil
				}
				return w.readErr
			}
		case frameReply, frameAbort, frameRelease:
			// The answer to a call abandoned at its deadline, an abort
			// that came as its job ended, or a release without a reader.
		default:
			return fmt.Errorf("unexpected %q frame from the host", f.Type)
		}
	}
}

// exitWithHost ends the worker when its host has gone (it is then adopted by
// another process), so a job in progress cannot outlive it by its deadline.
func exitWithHost() {
	host := os.Getppid()
	for range time.Tick(time.Second) {
		if os.Getppid() != host {
			os.Exit(0)
		}
	}
}

// handle runs one job (or resets the session) and sends its report.
func (w *workerServer) handle(f *frame) {
	if f.Type == frameReset {
		if w.session != nil {
			w.session.close()
			w.session = nil
		}
		_ = w.send(&frame{Type: frameDone, Report: &report{}})
		return
	}
	j := f.Job
	if j == nil {
		j = &job{}
	}
	j.Source = string(f.payload)
	if j.DataLimit > 0 && j.DataLimit != w.dataLimit {
		// Collect harder as the data limit nears, instead of failing at it.
		debug.SetMemoryLimit(max(j.DataLimit-32<<20, j.DataLimit/2))
		w.dataLimit = j.DataLimit
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	w.rmu.Lock()
	w.abort = cancel
	w.rmu.Unlock()
	var (
		rep       *report
		restarted bool
	)
	if f.Session {
		if w.session == nil {
			w.session = newLocalSession(w.eng, w)
		}
		watched := w.watchSession()
		rep, restarted = w.session.run(ctx, j)
		defer func() { <-watched }()
	} else {
		rep = w.eng.run(ctx, j, w)
	}
	w.rmu.Lock()
	w.abort = nil
	w.rmu.Unlock()
	cancel(nil)
	_ = w.send(&frame{Type: frameDone, Report: rep, Restarted: restarted, payload: rep.Result})
	if !f.Session {
		// While the host handles the result, build the next job's sandbox.
		w.eng.prepareSpare(j)
	}
}

func (w *workerServer) send(f *frame) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return w.fw.write(f)
}

// Call sends a call on the default account to the host and waits for its answer.
func (w *workerServer) Call(ctx context.Context, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	return w.callAccount(ctx, "", op, args, batch)
}

// Account returns the Caller of a named account: its calls name the account
// in their frames, and the host, which alone holds the keys, resolves it.
func (w *workerServer) Account(name string) workos.Caller { return accountCaller{w: w, name: name} }

// accountCaller is a worker's Caller for one named account.
type accountCaller struct {
	w    *workerServer
	name string
}

func (a accountCaller) Call(ctx context.Context, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	return a.w.callAccount(ctx, a.name, op, args, batch)
}

func (a accountCaller) Reject(op *catalog.Operation, err error, batch bool) {
	_ = a.w.send(&frame{Type: frameReject, Function: op.Name, Account: a.name, Batch: batch, Err: toWireError(err)})
}

// callAccount sends a call to the host and waits for its answer.
func (w *workerServer) callAccount(ctx context.Context, account string, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	data, err := segjson.Marshal(args)
	if err != nil {
		return nil, &api.ValidationError{Function: op.Name, Problem: "arguments cannot be encoded: " + err.Error(), Hint: "pass strings, numbers, booleans, tables and json.null only"}
	}
	if len(data) > maxCallArgsBytes {
		return nil, &api.ValidationError{Function: op.Name, Problem: fmt.Sprintf("the arguments are %d bytes of JSON; one call takes at most %d", len(data), maxCallArgsBytes),
			Hint: "send less per call: WorkOS requests are small; split the data over several calls"}
	}
	w.rmu.Lock()
	w.nextID++
	id := w.nextID
	w.pending[id] = true
	w.rmu.Unlock()
	if err := w.send(&frame{Type: frameCall, ID: id, Function: op.Name, Account: account, Batch: batch, payload: data}); err != nil {
		return nil, err
	}
	f, err := w.await(ctx, id)
	if err != nil {
		return nil, err
	}
	if f.Err != nil {
		return nil, f.Err.error()
	}
	if f.Result == nil {
		return nil, fmt.Errorf("workos: %s: the host sent no answer", op.Name)
	}
	return f.Result.result(f.payload), nil
}

// await returns the answer to call id: it reads the pipe itself when no
// other caller does, and otherwise waits to be handed the answer. A caller
// whose context ends stops waiting (unless it is the one reading: the host
// answers every call, at the latest when the run's deadline ends it).
func (w *workerServer) await(ctx context.Context, id uint64) (*frame, error) {
	stop := context.AfterFunc(ctx, func() {
		w.rmu.Lock()
		w.rcond.Broadcast()
		w.rmu.Unlock()
	})
	defer stop()
	w.rmu.Lock()
	defer w.rmu.Unlock()
	for {
		if f, ok := w.replies[id]; ok {
			delete(w.replies, id)
			delete(w.pending, id)
			return f, nil
		}
		if w.readErr != nil {
			return nil, w.readErr
		}
		if ctx.Err() != nil {
			delete(w.pending, id)
			return nil, ctx.Err()
		}
		if w.reading {
			w.rcond.Wait()
			continue
		}
		w.reading = true
		w.rmu.Unlock()
		f, err := readFrame(w.r)
		w.rmu.Lock()
		w.reading = false
		w.deliver(f, err)
		w.rcond.Broadcast()
	}
}

// watchSession reads the pipe for the length of a session job, so that an
// abort reaches a script that makes no calls (a REPL's Ctrl-C interrupts
// the input and keeps the state; without a reader the host would have to
// kill the worker). Calls made meanwhile get their answers from it. It
// stops at the host's release frame, which follows the job's done frame;
// the returned channel closes then, before the serve loop reads again.
// Plain runs have no watcher: their abort is the host killing the worker,
// and their calls' answers need no hand-off.
func (w *workerServer) watchSession() <-chan struct{} {
	stopped := make(chan struct{})
	w.rmu.Lock()
	w.reading = true
	w.rmu.Unlock()
	go func() {
		defer close(stopped)
		for {
			f, err := readFrame(w.r)
			w.rmu.Lock()
			if err == nil && f.Type == frameRelease {
				w.reading = false
				w.rcond.Broadcast()
				w.rmu.Unlock()
				return
			}
			w.deliver(f, err)
			w.rcond.Broadcast()
			done := err != nil
			if done {
				w.reading = false
			}
			w.rmu.Unlock()
			if done {
				return
			}
		}
	}()
	return stopped
}

// deliver files a frame read during a job. Callers hold rmu.
func (w *workerServer) deliver(f *frame, err error) {
	switch {
	case err != nil:
		w.readErr = err
	case f.Type == frameReply:
		if w.pending[f.ID] {
			w.replies[f.ID] = f
		}
	case f.Type == frameAbort:
		if w.abort != nil {
			w.abort(errHostCanceled)
		}
	default:
		w.readErr = fmt.Errorf("unexpected %q frame from the host during a run", f.Type)
	}
}

// Reject tells the host about a call refused before it was prepared.
func (w *workerServer) Reject(op *catalog.Operation, err error, batch bool) {
	_ = w.send(&frame{Type: frameReject, Function: op.Name, Batch: batch, Err: toWireError(err)})
}
