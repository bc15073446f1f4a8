package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// On Linux the pipes between the host and a worker stay out of Go's poller:
// each end is a non-blocking descriptor read and written with raw system
// calls, and a reader whose answers have been coming quickly polls the pipe
// for a while before it sleeps in poll(2).
//
// Each choice removes a wake-up, which on a virtual machine costs more than
// a call to a server nearby:
//   - A descriptor in the poller's epoll set makes every write to it wake
//     the reading process's idle poller thread, whether or not a goroutine
//     waits there.
//   - (*os.File).Read enters the system call through the scheduler, which
//     wakes the runtime's monitor thread whenever it slept because the
//     process was idle, as a worker is between each call and its answer.
//   - A script's calls follow each other within microseconds, so the next
//     frame is usually worth waiting for awake.

// pollWindow bounds how long a reader polls before it sleeps: a little more
// than a call to a server on the same machine takes.
const pollWindow = 200 * time.Microsecond

// pollPreempted is a pause between two looks at the pipe long enough to say
// the reader's thread was preempted: the CPU is wanted elsewhere, and the
// reader sleeps instead of competing for it.
const pollPreempted = 50 * time.Microsecond

// hostSleepSlice bounds one poll(2) sleep on the host's ends, so a sleeping
// reader sees a deadline set, or a Close begun, after it went to sleep. A
// worker's ends have neither and sleep until the pipe is ready.
const hostSleepSlice = 20 * time.Millisecond

// rawPipe is one end of a pipe, outside Go's poller. One goroutine at a time
// reads and one writes; Close and SetReadDeadline may come from any.
type rawPipe struct {
	fd   int
	name string
	// slice bounds one sleep; 0 sleeps until the pipe is ready.
	slice time.Duration

	// deadline is the read deadline in Unix nanoseconds, 0 for none.
	deadline atomic.Int64
	closed   atomic.Bool
	// rmu and wmu are held by a read and a write in progress, so Close
	// releases the descriptor only once neither uses it.
	rmu, wmu  sync.Mutex
	closeOnce sync.Once

	// lastWait is how long the previous read waited for data; a reader
	// polls only after a short wait, so a pipe whose frames are far apart
	// (a slow API, a worker between jobs) costs no CPU.
	lastWait time.Duration
}

// newRawPipe takes over fd, which it makes non-blocking; slice is as in
// rawPipe.
func newRawPipe(fd int, name string, slice time.Duration) (*rawPipe, error) {
	if err := syscall.SetNonblock(fd, true); err != nil {
		return nil, &os.PathError{Op: "set non-blocking", Path: name, Err: err}
	}
	return &rawPipe{fd: fd, name: name, slice: slice}, nil
}

// newWorkerPipes makes the two pipes between the host and a new worker:
// the host's ends, and the worker's, which the worker inherits as fds 3 and 4.
func newWorkerPipes() (hostR, hostW workerPipe, workerR, workerW *os.File, err error) {
	var toHost, toWorker [2]int
	if err := syscall.Pipe2(toHost[:], syscall.O_CLOEXEC); err != nil {
		return nil, nil, nil, nil, fmt.Errorf("runtime: worker pipe: %w", err)
	}
	if err := syscall.Pipe2(toWorker[:], syscall.O_CLOEXEC); err != nil {
		syscall.Close(toHost[0])
		syscall.Close(toHost[1])
		return nil, nil, nil, nil, fmt.Errorf("runtime: worker pipe: %w", err)
	}
	r, rerr := newRawPipe(toHost[0], "worker-to-host", hostSleepSlice)
	w, werr := newRawPipe(toWorker[1], "host-to-worker", hostSleepSlice)
	if rerr != nil || werr != nil {
		for _, fd := range []int{toHost[0], toHost[1], toWorker[0], toWorker[1]} {
			syscall.Close(fd)
		}
		return nil, nil, nil, nil, fmt.Errorf("runtime: worker pipe: %w", errors.Join(rerr, werr))
	}
	// The worker's ends stay blocking here (the worker sets its own); a
	// blocking descriptor does not join the host's poller either.
	return r, w, os.NewFile(uintptr(toWorker[0]), "host-to-worker"), os.NewFile(uintptr(toHost[1]), "worker-to-host"), nil
}

// openWorkerEnds opens a worker's ends of its pipes, inherited as
// workerInFD and workerOutFD.
func openWorkerEnds() (io.Reader, io.Writer, error) {
	r, err := newRawPipe(workerInFD, "host-to-worker", 0)
	if err != nil {
		return nil, nil, err
	}
	w, err := newRawPipe(workerOutFD, "worker-to-host", 0)
	if err != nil {
		return nil, nil, err
	}
	return r, w, nil
}

// Read reads what the pipe holds, waiting for data if it is empty.
func (p *rawPipe) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	p.rmu.Lock()
	defer p.rmu.Unlock()
	started := time.Now()
	looked := started
	poll := p.lastWait <= pollWindow
	for {
		if p.closed.Load() {
			return 0, p.error("read", os.ErrClosed)
		}
		n, errno := p.sysRead(b)
		switch errno {
		case 0:
			p.lastWait = time.Since(started)
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		case syscall.EAGAIN:
		default:
			return 0, p.error("read", errno)
		}
		now := time.Now()
		if d := p.deadline.Load(); d != 0 && now.UnixNano() >= d {
			return 0, p.error("read", os.ErrDeadlineExceeded)
		}
		if poll && (now.Sub(started) > pollWindow || now.Sub(looked) > pollPreempted) {
			poll = false
		}
		looked = now
		if poll {
			// Yield to the process's other goroutines, then look again.
			goruntime.Gosched()
			continue
		}
		if err := p.sleep(unix.POLLIN, now); err != nil {
			return 0, p.error("read", err)
		}
	}
}

// Write writes all of b, sleeping while the pipe is full.
func (p *rawPipe) Write(b []byte) (int, error) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	written := 0
	for written < len(b) {
		if p.closed.Load() {
			return written, p.error("write", os.ErrClosed)
		}
		r, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(p.fd), uintptr(unsafe.Pointer(&b[written])), uintptr(len(b)-written))
		switch errno {
		case 0:
			written += int(r)
		case syscall.EINTR:
		case syscall.EAGAIN:
			if err := p.sleep(unix.POLLOUT, time.Time{}); err != nil {
				return written, p.error("write", err)
			}
		default:
			// EPIPE when the worker has gone: the runtime ignores the
			// SIGPIPE of a descriptor other than stdout and stderr.
			return written, p.error("write", errno)
		}
	}
	return written, nil
}

func (p *rawPipe) sysRead(b []byte) (int, syscall.Errno) {
	for {
		r, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(p.fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
		if errno != syscall.EINTR {
			return int(r), errno
		}
	}
}

// sleep waits in poll(2) until the pipe is ready for events, the pipe's
// slice of time has passed, or the read deadline (when now is set) comes. It
// makes a blocking system call, so the scheduler lets the thread go.
func (p *rawPipe) sleep(events int16, now time.Time) error {
	ms := -1 // until ready
	if p.slice > 0 {
		ms = ceilMillis(p.slice)
	}
	if d := p.deadline.Load(); d != 0 && !now.IsZero() {
		if left := ceilMillis(time.Duration(d - now.UnixNano())); ms < 0 || left < ms {
			ms = left
		}
	}
	fds := []unix.PollFd{{Fd: int32(p.fd), Events: events}}
	if _, err := unix.Poll(fds, ms); err != nil && err != unix.EINTR {
		return err
	}
	return nil
}

// ceilMillis is d in whole milliseconds, rounded up; 0 when d is not
// positive.
func ceilMillis(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Millisecond - 1) / time.Millisecond)
}

// SetReadDeadline makes a read waiting at t, or later, fail with
// os.ErrDeadlineExceeded; the zero time means none.
func (p *rawPipe) SetReadDeadline(t time.Time) error {
	if t.IsZero() {
		p.deadline.Store(0)
	} else {
		p.deadline.Store(max(t.UnixNano(), 1))
	}
	return nil
}

// Close releases the descriptor once no read or write uses it; those in
// progress end with os.ErrClosed within a sleep slice.
func (p *rawPipe) Close() error {
	p.closed.Store(true)
	p.closeOnce.Do(func() {
		p.rmu.Lock()
		p.wmu.Lock()
		syscall.Close(p.fd)
		p.wmu.Unlock()
		p.rmu.Unlock()
	})
	return nil
}

func (p *rawPipe) error(op string, err error) error {
	return &os.PathError{Op: op, Path: p.name, Err: err}
}
