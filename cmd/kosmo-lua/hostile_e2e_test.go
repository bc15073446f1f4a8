//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// hostileTimeout and hostileMemory are the limits every hostile run gets.
const (
	hostileTimeout = 2 * time.Second
	hostileMemory  = "64MiB"
	// hostileRSSCap is the most resident memory any process of a run's tree
	// may reach.
	hostileRSSCap = 512 << 20
)

// e2eBound is how long a run with this timeout may take end to end: the
// timeout plus two seconds, more when the test binary runs under the race
// detector (the machine is then loaded by it too).
func e2eBound(timeout time.Duration) time.Duration {
	if raceBuild() {
		return 2*timeout + 6*time.Second
	}
	return timeout + 2*time.Second
}

// raceBuild reports whether this test binary was built with -race.
func raceBuild() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// requireProc skips the test where /proc cannot be read.
func requireProc(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skipf("no /proc: %v", err)
	}
}

// envelopeKeys are the documented keys of a result envelope.
var envelopeKeys = []string{"calls", "effects", "error", "logs", "ok", "outcome", "result", "stats"}

// e2eEnvelope is the part of an envelope the hostile tests inspect.
type e2eEnvelope struct {
	OK      bool              `json:"ok"`
	Outcome string            `json:"outcome"`
	Result  json.RawMessage   `json:"result"`
	Error   *envelopeError    `json:"error"`
	Calls   []json.RawMessage `json:"calls"`
	Stats   struct {
		Calls          int `json:"calls"`
		CallsTruncated int `json:"calls_truncated"`
	} `json:"stats"`
}

func (e *e2eEnvelope) kind() string { return e.Error.kind() }

// envelopeError is the part of an envelope's error these tests read.
type envelopeError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// kind is the error's kind, or "" for no error.
func (e *envelopeError) kind() string {
	if e == nil {
		return ""
	}
	return e.Kind
}

// exitFor is the documented exit code of an outcome.
func exitFor(outcome string) int {
	switch outcome {
	case "completed":
		return 0
	case "timeout", "limit_exceeded":
		return 3
	case "denied":
		return 5
	}
	return 1
}

// decodeEnvelope checks that data is exactly one JSON object with the
// documented keys and decodes it.
func decodeEnvelope(t *testing.T, data []byte) *e2eEnvelope {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%.2000s", err, data)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON value (next: %v)\n%.2000s", err, data)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if diff := cmp.Diff(envelopeKeys, keys); diff != "" {
		t.Errorf("envelope keys (-want +got):\n%s", diff)
	}
	var env e2eEnvelope
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatalf("envelope does not decode: %v", err)
	}
	if env.OK != (env.Outcome == "completed") {
		t.Errorf("ok = %v with outcome %q", env.OK, env.Outcome)
	}
	if (env.Outcome == "completed") != (env.Error == nil) {
		t.Errorf("outcome %q with error %+v", env.Outcome, env.Error)
	}
	if env.Error != nil && len(env.Error.Message) > 8<<10 {
		t.Errorf("error message is %d bytes, want at most 8 KiB", len(env.Error.Message))
	}
	return &env
}

// treeSampler samples, every 20 ms, the resident memory of a process's
// descendants (and of the process itself when self is set) from /proc.
type treeSampler struct {
	root int
	self bool
	stop chan struct{}
	done chan struct{}

	mu sync.Mutex
	// maxTotal is the largest sum of VmRSS over the tree in one sample;
	// maxOne the largest VmRSS or VmHWM of one process; procs how many
	// distinct processes were seen.
	maxTotal, maxOne int64
	seen             map[int]bool
}

func startTreeSampler(root int, self bool) *treeSampler {
	s := &treeSampler{root: root, self: self, stop: make(chan struct{}), done: make(chan struct{}), seen: map[int]bool{}}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// pids lists the processes the sampler saw.
func (s *treeSampler) pids() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int, 0, len(s.seen))
	for pid := range s.seen {
		out = append(out, pid)
	}
	sort.Ints(out)
	return out
}

// Stop ends sampling and returns the maxima in bytes.
func (s *treeSampler) Stop() (maxTotal, maxOne int64, procs int) {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxTotal, s.maxOne, len(s.seen)
}

func (s *treeSampler) sample() {
	pids := descendants(s.root)
	if s.self {
		pids = append(pids, s.root)
	}
	var total, one int64
	for _, pid := range pids {
		rss, hwm := procMem(pid)
		if rss == 0 && hwm == 0 {
			continue
		}
		total += rss
		one = max(one, rss, hwm)
		s.mu.Lock()
		s.seen[pid] = true
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.maxTotal = max(s.maxTotal, total)
	s.maxOne = max(s.maxOne, one)
	s.mu.Unlock()
}

// descendants lists the processes below root, scanning /proc/*/stat for
// parent ids.
func descendants(root int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(data[i+1:]))
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], pid)
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 && len(out) < 10_000 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// liveProcess reports whether pid is a running (not zombie) process whose
// command name is comm.
func liveProcess(pid int, comm string) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i, j := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
	if i < 0 || j < i {
		return false
	}
	f := strings.Fields(string(data[j+1:]))
	return string(data[i+1:j]) == comm && len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// waitGone waits up to d for every pid in pids to end and returns those
// still alive.
func waitGone(pids []int, comm string, d time.Duration) []int {
	deadline := time.Now().Add(d)
	for {
		var alive []int
		for _, pid := range pids {
			if liveProcess(pid, comm) {
				alive = append(alive, pid)
			}
		}
		if len(alive) == 0 || time.Now().After(deadline) {
			return alive
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// procMem reads VmRSS and VmHWM of pid in bytes (zero when it is gone).
func procMem(pid int) (rss, hwm int64) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		name, v, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		if name == "VmRSS" {
			rss = n << 10
		} else {
			hwm = n << 10
		}
	}
	return rss, hwm
}

// hostileCLIRow is one hostile script for `kosmo-lua run`.
type hostileCLIRow struct {
	name string
	src  func() string
	// kinds are the error kinds that are right ("" for completed).
	kinds []string
	// check, if set, inspects the envelope and stdout further.
	check func(t *testing.T, env *e2eEnvelope, stdout []byte)
}

func hostileCLIRows() []hostileCLIRow {
	rep := strings.Repeat
	limits := []string{"timeout", "memory_limit", "stack_overflow"}
	parseOrLimit := append([]string{"script_too_complex", "syntax_error"}, limits...)
	sparse := `local b={} b[1e6]=true b[1e6]=nil; local r={} for i=1,2000 do r[i]=b end; `
	sparseKinds := append([]string{"", "runtime_error", "output_limit"}, limits...)
	return []hostileCLIRow{
		{name: "600k unary #", src: func() string { return "return " + rep("#", 600_000) + "x" }, kinds: parseOrLimit},
		{name: "500k nested braces", src: func() string { return "return " + rep("{", 500_000) + rep("}", 500_000) }, kinds: parseOrLimit},
		{name: "x.a 500k times", src: func() string { return "return x" + rep(".a", 500_000) }, kinds: parseOrLimit},
		{name: "100k concat operands", src: func() string { return "return " + rep("'a'..", 100_000) + "'a'" }, kinds: parseOrLimit},
		{name: "10 MB of assignments", src: func() string { return rep("x = 1\n", 10<<20/6) }, kinds: []string{"script_too_large"}},
		// The catalog refuses a name over 128 bytes before it computes any
		// suggestion, so this ends at once.
		{name: "1 MB function name", src: func() string { return `return workos.call(string.rep("x", 1e6), {})` },
			kinds: []string{"unknown_function"}, check: func(t *testing.T, env *e2eEnvelope, _ []byte) {
				if env.Error == nil || !strings.Contains(env.Error.Message, "too long") {
					t.Errorf("the error does not say the name is too long: %+v", env.Error)
				}
			}},
		{name: "sparse array returned", src: func() string { return sparse + "return r" }, kinds: sparseKinds},
		{name: "sparse array printed", src: func() string { return sparse + "print(r)" }, kinds: sparseKinds},
		{name: "sparse array encoded", src: func() string { return sparse + "return json.encode(r)" }, kinds: sparseKinds},
		{name: "sparse array as error", src: func() string { return sparse + "error(r)" }, kinds: append([]string{"runtime_error"}, limits...)},
		{name: "batch of a sparse table", src: func() string { return `local c = {} c[1e6] = 1 return workos.batch(c)` }, kinds: []string{"validation_error"}},
		{name: "100k refused calls", src: func() string { return `for i = 1, 100000 do pcall(workos.organizations_find, {}) end return 1` },
			kinds: []string{"", "timeout"}, check: func(t *testing.T, env *e2eEnvelope, stdout []byte) {
				if len(stdout) >= 512<<10 {
					t.Errorf("stdout is %d bytes, want less than 512 KiB", len(stdout))
				}
				if len(env.Calls) > 1000 {
					t.Errorf("%d calls listed, want at most 1000", len(env.Calls))
				}
				if want := env.Stats.Calls - len(env.Calls); env.Stats.CallsTruncated != want {
					t.Errorf("stats.calls_truncated = %d with %d calls and %d listed, want %d", env.Stats.CallsTruncated, env.Stats.Calls, len(env.Calls), want)
				}
				t.Logf("%d calls, %d listed, %d truncated, %d bytes of stdout", env.Stats.Calls, len(env.Calls), env.Stats.CallsTruncated, len(stdout))
			}},
		{name: "30 MB error message", src: func() string { return `error(string.rep("x", 30e6))` }, kinds: []string{"runtime_error", "memory_limit"}},
		{name: "error kind rewritten to denied", src: func() string {
			return `local ok, e = pcall(workos.organizations_find, {id = "org_missing"}) e.kind = "denied" error(e)`
		}, kinds: []string{"api_error"}},
		{name: "error table claiming a timeout", src: func() string { return `error({kind = "timeout", message = "fake"})` }, kinds: []string{"runtime_error"}},
		{name: "string doubling", src: func() string { return `local s = "x" while true do s = s .. s end` }, kinds: []string{"memory_limit", "timeout"}},
		{name: "a billion tables", src: func() string { return `local t = {} for i = 1, 1e9 do t[i] = {i} end` }, kinds: []string{"memory_limit", "timeout"}},
		{name: "busy loop", src: func() string { return `while true do end` }, kinds: []string{"timeout"}},
	}
}

// TestHostileCLI runs hostile scripts through the built binary's
// `run --emulate --json --timeout 2s --memory 64MiB`: each exits 0, 1 or 3
// (never a usage error or a signal), with the code its outcome documents and
// exactly one envelope on stdout whose error kind is one that is right for
// it, within its timeout plus two seconds; the CLI's tree (the CLI and its
// workers, sampled from /proc every 20 ms, plus the CLI's rusage) never
// holds more than 512 MiB resident; and no worker outlives the CLI.
func TestHostileCLI(t *testing.T) {
	requireProc(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	type measured struct {
		name, kind string
		exit       int
		took       time.Duration
		rusage     int64
		one, total int64
	}
	var table []measured
	for i, row := range hostileCLIRows() {
		t.Run(row.name, func(t *testing.T) {
			file := filepath.Join(dir, "row"+strconv.Itoa(i)+".lua")
			if err := os.WriteFile(file, []byte(row.src()), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, "run", "--emulate", "--json", "--timeout", hostileTimeout.String(), "--memory", hostileMemory, file)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Env = append(os.Environ(), "NO_COLOR=1")
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sampler := startTreeSampler(cmd.Process.Pid, true)
			// A run that hangs is stopped well after the bound, so the
			// test reports it instead of hanging.
			killer := time.AfterFunc(e2eBound(hostileTimeout)+20*time.Second, func() { cmd.Process.Kill() })
			err := cmd.Wait()
			took := time.Since(start)
			killer.Stop()
			treeTotal, treeOne, procs := sampler.Stop()
			if err != nil {
				if _, ok := err.(*exec.ExitError); !ok {
					t.Fatalf("wait: %v", err)
				}
			}
			code := cmd.ProcessState.ExitCode()
			// The CLI's own peak, and its reaped workers'. Linux starts a
			// child's maxrss at its parent's resident size when it was
			// forked, so this is an upper bound that includes this test
			// process.
			var rusage int64
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				rusage = ru.Maxrss << 10 // KiB on Linux
			}
			m := measured{name: row.name, exit: code, took: took, rusage: rusage, one: treeOne, total: treeTotal}
			defer func() { table = append(table, m) }()
			t.Logf("exit %d in %v; peak RSS %d MiB (rusage), %d MiB in one process and %d MiB in all (%d processes sampled)",
				code, took.Round(time.Millisecond), rusage>>20, treeOne>>20, treeTotal>>20, procs)

			if alive := waitGone(sampler.pids(), filepath.Base(bin), 2*time.Second); len(alive) > 0 {
				t.Errorf("worker processes %v outlived the CLI", alive)
			}
			if code != 0 && code != 1 && code != 3 {
				t.Errorf("exit code %d (%v), want 0, 1 or 3\nstderr: %.2000s", code, cmd.ProcessState, stderr.String())
			}
			if took > e2eBound(hostileTimeout) {
				t.Errorf("took %v, want at most %v", took, e2eBound(hostileTimeout))
			}
			if rusage > hostileRSSCap || treeOne > hostileRSSCap || treeTotal > hostileRSSCap {
				t.Errorf("peak RSS %d MiB (CLI rusage), %d MiB (one sampled process), %d MiB (the CLI and its workers at once); want at most %d MiB",
					rusage>>20, treeOne>>20, treeTotal>>20, hostileRSSCap>>20)
			}
			env := decodeEnvelope(t, stdout.Bytes())
			m.kind = env.kind()
			if !mcpHasName(row.kinds, env.kind()) {
				msg := ""
				if env.Error != nil {
					msg = env.Error.Message
				}
				t.Errorf("outcome %q kind %q (%.300s), want one of %q", env.Outcome, env.kind(), msg, row.kinds)
			}
			if want := exitFor(env.Outcome); code != want {
				t.Errorf("exit code %d for outcome %q, want %d", code, env.Outcome, want)
			}
			if row.check != nil {
				row.check(t, env, stdout.Bytes())
			}
		})
	}
	var b strings.Builder
	b.WriteString("row | kind | exit | time | rusage maxrss | sampled max one | sampled max total\n")
	for _, m := range table {
		b.WriteString(m.name + " | " + m.kind + " | " + strconv.Itoa(m.exit) + " | " + m.took.Round(time.Millisecond).String() +
			" | " + strconv.FormatInt(m.rusage>>20, 10) + " MiB | " + strconv.FormatInt(m.one>>20, 10) + " MiB | " + strconv.FormatInt(m.total>>20, 10) + " MiB\n")
	}
	t.Logf("measured:\n%s", b.String())
}
