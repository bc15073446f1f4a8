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

func setWorkerAttrs(*exec.Cmd)              {}
func dataLimitFor(base, mem int64) int64    { return 0 }
func applyWorkerLimits(pid int, data int64) {}
func resetPeakMemory(pid int)               {}

func processMemory(pid int) procMemory         { return procMemory{} }
func exitedBySIGKILL(st *os.ProcessState) bool { return false }
