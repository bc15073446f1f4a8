//go:build !linux

package runtime

import (
	"os"
	"os/exec"
)

// Outside Linux the host does not bound a worker's memory from outside: the
// sandbox's own watchdog applies, and a worker that crashes is still reported
// as a classified error. Timeouts are enforced by killing the worker as on
// Linux.

func setWorkerAttrs(*exec.Cmd)                 {}
func dataLimitFor(base, mem int64) int64       { return 0 }
func applyWorkerLimits(pid int, data int64)    {}
func exitedBySIGKILL(st *os.ProcessState) bool { return false }

// procFiles reads nothing outside Linux: every figure is unknown (zero).
type procFiles struct{}

func openProcFiles(pid int) *procFiles  { return &procFiles{} }
func (f *procFiles) resetPeak()         {}
func (f *procFiles) memory() procMemory { return procMemory{} }
func (f *procFiles) close()             {}
