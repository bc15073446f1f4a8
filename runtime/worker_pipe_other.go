//go:build !linux

package runtime

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// newWorkerPipes makes the two pipes between the host and a new worker:
// the host's ends, and the worker's, which the worker inherits as fds 3 and
// 4. Outside Linux they are plain pollable files (see worker_pipe_linux.go
// for what Linux does instead).
func newWorkerPipes() (hostR, hostW workerPipe, workerR, workerW *os.File, err error) {
	r, ww, err := os.Pipe()
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("runtime: worker pipe: %w", err)
	}
	wr, w, err := os.Pipe()
	if err != nil {
		r.Close()
		ww.Close()
		return nil, nil, nil, nil, fmt.Errorf("runtime: worker pipe: %w", err)
	}
	return r, w, wr, ww, nil
}

// openWorkerEnds opens a worker's ends of its pipes, inherited as
// workerInFD and workerOutFD. Non-blocking descriptors make the files
// pollable, so a goroutine waiting for the host parks instead of holding a
// thread in read(2).
func openWorkerEnds() (io.Reader, io.Writer, error) {
	if err := syscall.SetNonblock(workerInFD, true); err != nil {
		return nil, nil, err
	}
	if err := syscall.SetNonblock(workerOutFD, true); err != nil {
		return nil, nil, err
	}
	return os.NewFile(workerInFD, "host-to-worker"), os.NewFile(workerOutFD, "worker-to-host"), nil
}
