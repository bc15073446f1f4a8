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
	"syscall"

	segjson "github.com/segmentio/encoding/json"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
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
)

// init turns the process into a worker when the host started it as one. It
// runs before main (and before the packages that import this one), reads no
// configuration and never returns.
func init() {
	if os.Getenv(workerEnv) != workerProtocol {
		return
	}
	// Non-blocking descriptors make the files pollable, so a goroutine
	// waiting for the host parks instead of holding a thread in read(2).
	_ = syscall.SetNonblock(workerInFD, true)
	_ = syscall.SetNonblock(workerOutFD, true)
	in, out := os.NewFile(workerInFD, "host-to-worker"), os.NewFile(workerOutFD, "worker-to-host")
	if in == nil || out == nil {
		fmt.Fprintln(os.Stderr, "kosmo-lua worker: started without its pipes; workers are started by the runtime, not by hand")
		os.Exit(2)
	}
	if err := newWorkerServer(in, out).serve(); err != nil {
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

	pmu     sync.Mutex
	pending map[uint64]chan *frame
	nextID  uint64

	jobs chan *frame

	amu   sync.Mutex
	abort context.CancelCauseFunc

	session *localSession
	// dataLimit is the data limit the Go memory limit was last set for.
	dataLimit int64
}

func newWorkerServer(in io.Reader, out io.Writer) *workerServer {
	w := &workerServer{r: bufio.NewReaderSize(in, 64<<10), fw: frameWriter{w: out}, pending: map[uint64]chan *frame{}, jobs: make(chan *frame, 4)}
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

// serve runs until the host closes the pipe.
func (w *workerServer) serve() error {
	if err := w.send(&frame{Type: frameReady}); err != nil {
		return err
	}
	// When the host goes away (EOF), the worker exits at once, abandoning
	// any job in progress: nobody is left to read its report.
	go func() {
		for f := range w.jobs {
			w.handle(f)
		}
	}()
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
			w.custom = cat // before any run frame, which the channel orders after this
		case frameRun, frameReset:
			w.jobs <- f
		case frameReply:
			w.pmu.Lock()
			ch := w.pending[f.ID]
			delete(w.pending, f.ID)
			w.pmu.Unlock()
			if ch != nil {
				ch <- f
			}
		case frameAbort:
			w.amu.Lock()
			if w.abort != nil {
				w.abort(errHostCanceled)
			}
			w.amu.Unlock()
		default:
			return fmt.Errorf("unexpected %q frame from the host", f.Type)
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
	w.amu.Lock()
	w.abort = cancel
	w.amu.Unlock()
	var (
		rep       *report
		restarted bool
	)
	if f.Session {
		if w.session == nil {
			w.session = newLocalSession(w.eng, w)
		}
		rep, restarted = w.session.run(ctx, j)
	} else {
		rep = w.eng.run(ctx, j, w)
	}
	w.amu.Lock()
	w.abort = nil
	w.amu.Unlock()
	cancel(nil)
	_ = w.send(&frame{Type: frameDone, Report: rep, Restarted: restarted, payload: rep.Result})
}

func (w *workerServer) send(f *frame) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return w.fw.write(f)
}

// Call sends a call to the host and waits for its answer.
func (w *workerServer) Call(ctx context.Context, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	data, err := segjson.Marshal(args)
	if err != nil {
		return nil, &api.ValidationError{Function: op.Name, Problem: "arguments cannot be encoded: " + err.Error(), Hint: "pass strings, numbers, booleans, tables and json.null only"}
	}
	if len(data) > maxCallArgsBytes {
		return nil, &api.ValidationError{Function: op.Name, Problem: fmt.Sprintf("the arguments are %d bytes of JSON; one call takes at most %d", len(data), maxCallArgsBytes),
			Hint: "send less per call: WorkOS requests are small; split the data over several calls"}
	}
	ch := make(chan *frame, 1)
	w.pmu.Lock()
	w.nextID++
	id := w.nextID
	w.pending[id] = ch
	w.pmu.Unlock()
	if err := w.send(&frame{Type: frameCall, ID: id, Function: op.Name, Batch: batch, payload: data}); err != nil {
		return nil, err
	}
	select {
	case f := <-ch:
		if f.Err != nil {
			return nil, f.Err.error()
		}
		if f.Result == nil {
			return nil, fmt.Errorf("workos: %s: the host sent no answer", op.Name)
		}
		return f.Result.result(f.payload), nil
	case <-ctx.Done():
		w.pmu.Lock()
		delete(w.pending, id)
		w.pmu.Unlock()
		return nil, ctx.Err()
	}
}

// Reject tells the host about a call refused before it was prepared.
func (w *workerServer) Reject(op *catalog.Operation, err error, batch bool) {
	_ = w.send(&frame{Type: frameReject, Function: op.Name, Batch: batch, Err: toWireError(err)})
}
