package runtime

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// On Linux the host bounds each worker from outside: RLIMIT_DATA (private
// writable memory, which is where the Go heap lives; address-space
// reservations do not count) is set before every job, so an allocation
// that one VM instruction makes past the sandbox's own watchdog fails and the
// worker dies with "out of memory"; /proc gives its peak resident memory.

// setWorkerAttrs puts the worker in its own process group, so a terminal's
// Ctrl-C reaches the host (which cancels the run) and not the worker.
func setWorkerAttrs(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// dataLimitFor is the data-segment limit for a job with a Lua memory limit of
// mem bytes in a worker whose data segment was base bytes when it started:
// room for the live heap and as much again of garbage (the worker's Go memory
// limit makes it collect before that), plus a fixed margin.
func dataLimitFor(base, mem int64) int64 {
	if base <= 0 || mem <= 0 {
		return 0
	}
	return base + 2*mem + 32<<20
}

// applyWorkerLimits sets the worker's soft RLIMIT_DATA (0: no limit).
func applyWorkerLimits(pid int, data int64) {
	var old unix.Rlimit
	if err := unix.Prlimit(pid, unix.RLIMIT_DATA, nil, &old); err != nil {
		return
	}
	cur := uint64(unix.RLIM_INFINITY)
	if data > 0 {
		cur = uint64(data)
	}
	if cur > old.Max {
		cur = old.Max
	}
	_ = unix.Prlimit(pid, unix.RLIMIT_DATA, &unix.Rlimit{Cur: cur, Max: old.Max}, nil)
}

// procFiles are a worker's /proc files, kept open from its start: opening a
// /proc path costs more than reading it, and the host reads them around every
// job. An open file also keeps naming the same process if its pid is reused.
type procFiles struct {
	status, clearRefs *os.File
	buf               []byte
}

func openProcFiles(pid int) *procFiles {
	dir := "/proc/" + strconv.Itoa(pid) + "/"
	f := &procFiles{buf: make([]byte, 8<<10)}
	f.status, _ = os.Open(dir + "status")
	f.clearRefs, _ = os.OpenFile(dir+"clear_refs", os.O_WRONLY, 0)
	return f
}

// resetPeak restarts the kernel's peak-RSS counter (VmHWM) of the process.
func (f *procFiles) resetPeak() {
	if f.clearRefs != nil {
		_, _ = f.clearRefs.WriteAt([]byte("5"), 0)
	}
}

// memory reads the process's memory figures in one read of its status file
// (all zero once it has exited).
func (f *procFiles) memory() procMemory {
	if f.status == nil {
		return procMemory{}
	}
	n, err := f.status.ReadAt(f.buf, 0)
	if n == 0 || (err != nil && !errors.Is(err, io.EOF)) {
		return procMemory{}
	}
	data := f.buf[:n]
	return procMemory{RSS: statusField(data, "VmRSS"), Peak: statusField(data, "VmHWM"), Data: statusField(data, "VmData")}
}

func (f *procFiles) close() {
	for _, file := range []*os.File{f.status, f.clearRefs} {
		if file != nil {
			_ = file.Close()
		}
	}
}

// statusField parses one "Name:  N kB" line of a status file, in bytes.
func statusField(data []byte, field string) int64 {
	i := bytes.Index(data, []byte("\n"+field+":"))
	if i < 0 {
		return 0
	}
	rest := data[i+len(field)+2:]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	rest = bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))
	n, err := strconv.ParseInt(string(rest), 10, 64)
	if err != nil {
		return 0
	}
	return n << 10
}

// exitedBySIGKILL reports a process killed by SIGKILL.
func exitedBySIGKILL(st *os.ProcessState) bool {
	ws, ok := st.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}
