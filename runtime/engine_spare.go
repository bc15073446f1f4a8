package runtime

import (
	"context"

	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// spareSandbox is a sandbox a worker prepared between jobs, for a next job
// with the same limits: building the Lua state and its libraries is a third
// of a small run's work, and the worker is otherwise idle while the host
// handles the last result.
type spareSandbox struct {
	sb          *sandbox.Sandbox
	memoryLimit int64
	maxLogBytes int
}

// sandboxOptions are the sandbox options of a job.
func (e *engine) sandboxOptions(j *job) *sandbox.Options {
	return &sandbox.Options{MemoryLimit: j.Limits.MemoryLimit, MaxLogBytes: j.MaxLogBytes, Governor: e.gov}
}

// startSandbox returns a started sandbox for j: the spare one when it was
// prepared for j's limits, else a new one.
func (e *engine) startSandbox(ctx context.Context, j *job) (*sandbox.Sandbox, error) {
	if sp := e.spare; sp != nil {
		e.spare = nil
		if sp.memoryLimit == j.Limits.MemoryLimit && sp.maxLogBytes == j.MaxLogBytes {
			sp.sb.Start(ctx)
			return sp.sb, nil
		}
		sp.sb.Close()
	}
	return sandbox.New(ctx, e.sandboxOptions(j))
}

// prepareSpare prepares a sandbox for a next job with j's limits. Only a
// worker, which runs one job at a time, calls it (between jobs).
func (e *engine) prepareSpare(j *job) {
	if e.spare != nil {
		return
	}
	sb, err := sandbox.Prepare(e.sandboxOptions(j))
	if err != nil {
		return // the next job builds its own and reports the error
	}
	e.spare = &spareSandbox{sb: sb, memoryLimit: j.Limits.MemoryLimit, maxLogBytes: j.MaxLogBytes}
}
