package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
)

// RuntimeFlags are the flags shared by every command that builds a runtime
// (run, repl, call, auth test, mcp). Register them with [RuntimeFlags.AddCredentialFlags],
// [RuntimeFlags.AddPolicyFlags] and [RuntimeFlags.AddLimitFlags], then hand the
// struct to [Factory.Runtime]. The zero value means "not given" everywhere.
type RuntimeFlags struct {
	// Emulate uses the in-process WorkOS emulator; no key is read (the
	// accounts file only for its names: each account gets its own emulator).
	Emulate bool
	// APIKey is --api-key (discouraged: argv is visible to other processes).
	APIKey string
	// BaseURL is --base-url.
	BaseURL string
	// Account is --account, a named account from the config file.
	Account string

	// Write is --write: "", "allow", "ask" or "deny"; Destructive is
	// --destructive, the same for destructive functions ("" follows
	// --write; never laxer than it).
	Write       string
	Destructive string
	// Allow and Deny are --allow/--deny function names or globs (repeatable).
	Allow []string
	Deny  []string
	// DryRun is --dry-run: reads run, writes are recorded and not sent.
	DryRun bool
	// Force is --force, KosmoKrator's flag for bypassing its read/write
	// permission policy. Here it is --write allow: it lifts a command's
	// default deny (mcp), but not an account saved with write deny, --deny
	// or --allow, credentials, validation or limits. With --write deny it
	// is a usage error.
	Force bool

	// Timeout is --timeout; zero keeps the runtime default.
	Timeout Duration
	// Memory is --memory in bytes; zero keeps the runtime default.
	Memory ByteSize
	// MaxCalls is --max-calls; zero keeps the runtime default.
	MaxCalls int
	// MemoryLimit is --memory-limit (KosmoKrator's name, bytes) and
	// CPULimit --cpu-limit (KosmoKrator's name, seconds: kosmo-lua bounds
	// a run's wall clock, which also bounds its CPU time). With --memory or
	// --timeout as well, the lower value applies.
	MemoryLimit ByteSize
	CPULimit    Duration

	// RateLimit is --rate-limit and --rate-burst (mcp only): a client-side
	// limit on WorkOS requests per account. Zero: none.
	RateLimit api.RateLimit

	// MaxOutputBytes is not a flag: a command that keeps big results whole
	// (mcp) raises the runtime's output cap. Zero keeps the default.
	MaxOutputBytes int

	// Plan is run's --plan; Apply is set by apply. Both need the plan key.
	Plan, Apply bool
	// PlanTTL is --plan-ttl: how long a plan stays valid.
	PlanTTL Duration

	// WarmWorkers is not a flag: the command sets how many worker processes
	// the runtime starts ahead of its first run (see runtime.Options).
	WarmWorkers int
}

// AddCredentialFlags registers --emulate, --api-key, --base-url and --account.
func (rf *RuntimeFlags) AddCredentialFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&rf.Emulate, "emulate", false, "Use the built-in WorkOS emulator (seed data, no credentials; one per account of the accounts file)")
	fs.StringVar(&rf.APIKey, "api-key", "", "WorkOS API `KEY` (visible to other processes: prefer WORKOS_API_KEY or 'kosmo-lua auth set')")
	fs.StringVar(&rf.BaseURL, "base-url", "", "WorkOS API base `URL` (default $WORKOS_BASE_URL, the account's, or https://api.workos.com)")
	fs.StringVar(&rf.Account, "account", "", "Use the saved account `NAME` (see 'kosmo-lua auth list'; default: the default account)")
}

// AddPolicyFlags registers --write, --allow, --deny, --dry-run and --force.
func (rf *RuntimeFlags) AddPolicyFlags(fs *pflag.FlagSet) {
	fs.StringVar(&rf.Write, "write", "", "Write `POLICY`: allow, ask or deny (ask shows each write and asks in a terminal; deny refuses write and destructive functions)")
	fs.StringVar(&rf.Destructive, "destructive", "", "`POLICY` for destructive functions (deletes): allow, ask or deny (default: as --write; never laxer)")
	fs.StringArrayVar(&rf.Allow, "allow", nil, "Only allow functions matching `GLOB` (name or glob like 'organizations_*'; repeatable)")
	fs.StringArrayVar(&rf.Deny, "deny", nil, "Never allow functions matching `GLOB` (repeatable; wins over --allow)")
	fs.BoolVar(&rf.DryRun, "dry-run", false, "Run reads, record writes without sending them (to review and then apply the writes, use run --plan)")
	fs.BoolVar(&rf.Force, "force", false, "KosmoKrator's --force: the same as --write allow (an account saved with write deny, --deny and limits still apply)")
}

// AddLimitFlags registers --timeout, --memory and --max-calls, and
// KosmoKrator's --memory-limit and --cpu-limit.
func (rf *RuntimeFlags) AddLimitFlags(fs *pflag.FlagSet) {
	fs.Var(&rf.Timeout, "timeout", "Wall-clock limit for the run, e.g. 30s or 2m (default 30s)")
	fs.Var(&rf.Memory, "memory", "Memory limit, e.g. 64MiB, 64MB or bytes (default 64MiB)")
	fs.Var(callLimit{&rf.MaxCalls}, "max-calls", "Maximum WorkOS calls per run, at least 1 (default 100)")
	fs.Var(&rf.MemoryLimit, "memory-limit", "KosmoKrator's name for --memory: the memory limit in `BYTES` (the lower of the two applies)")
	fs.Var(&rf.CPULimit, "cpu-limit", "KosmoKrator's name for --timeout: a limit in `SECONDS` (kosmo-lua bounds wall-clock time, which bounds CPU; the lower applies)")
}

// memory is the memory limit in force: the lower of --memory and
// --memory-limit when both are given.
func (rf *RuntimeFlags) memory() int64 { return lowerNonZero(int64(rf.Memory), int64(rf.MemoryLimit)) }

// timeout is the time limit in force: the lower of --timeout and --cpu-limit.
func (rf *RuntimeFlags) timeout() time.Duration {
	return time.Duration(lowerNonZero(int64(rf.Timeout), int64(rf.CPULimit)))
}

// lowerNonZero is the smaller of a and b, ignoring a zero ("not given").
func lowerNonZero(a, b int64) int64 {
	if a == 0 || b != 0 && b < a {
		return b
	}
	return a
}

// validate checks values pflag cannot check by type.
func (rf *RuntimeFlags) validate() error {
	for _, p := range []struct{ flag, v string }{{"--write", rf.Write}, {"--destructive", rf.Destructive}} {
		switch p.v {
		case "", "allow", "ask", "deny":
		default:
			return flagErrorf("%s must be allow, ask or deny, not %q", p.flag, p.v)
		}
	}
	if rf.MaxCalls < 0 {
		return flagErrorf("--max-calls must not be negative")
	}
	if rf.Force {
		if rf.Write == "deny" {
			return flagErrorf("--force means --write allow; it cannot be combined with --write deny")
		}
		rf.Write = "allow"
	}
	return nil
}

// callLimit is --max-calls: a count of at least 1 written into n. Zero is
// refused rather than read as "the default", which would surprise someone
// who meant "no calls".
type callLimit struct{ n *int }

// String implements pflag.Value.
func (c callLimit) String() string {
	if c.n == nil || *c.n == 0 {
		return ""
	}
	return strconv.Itoa(*c.n)
}

// Set implements pflag.Value.
func (c callLimit) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("must be a whole number, not %q", s)
	}
	if v < 1 {
		return fmt.Errorf("must be at least 1, not %d (leave --max-calls out for the default 100; --write deny or --dry-run stop writes)", v)
	}
	*c.n = v
	return nil
}

// Type implements pflag.Value.
func (c callLimit) Type() string { return "count" }

// ByteSize is a byte count flag accepting plain bytes ("67108864"), binary
// units ("64KiB", "64MiB", "1GiB", also "64K", "64M", "1G") and decimal units
// ("64KB", "64MB", "1GB").
type ByteSize int64

// String implements pflag.Value.
func (b *ByteSize) String() string {
	if *b == 0 {
		return ""
	}
	return strconv.FormatInt(int64(*b), 10)
}

// Set implements pflag.Value.
func (b *ByteSize) Set(s string) error {
	n, err := ParseByteSize(s)
	if err != nil {
		return err
	}
	*b = ByteSize(n)
	return nil
}

// Type implements pflag.Value.
func (b *ByteSize) Type() string { return "size" }

// ParseByteSize parses a size such as "64MiB", "64MB", "64M" or "1048576".
func ParseByteSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	}
	m, ok := mult[unit]
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || f <= 0 {
		return 0, fmt.Errorf("invalid size %q: use bytes or a unit, e.g. 64MiB, 64MB", s)
	}
	return int64(f * m), nil
}

// Duration is a duration flag accepting Go durations ("30s", "2m", "1m30s") or
// a plain number of seconds ("30").
type Duration time.Duration

// String implements pflag.Value.
func (d *Duration) String() string {
	if *d == 0 {
		return ""
	}
	return time.Duration(*d).String()
}

// Set implements pflag.Value.
func (d *Duration) Set(s string) error {
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		if n <= 0 {
			return fmt.Errorf("invalid duration %q: must be positive", s)
		}
		*d = Duration(n * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("invalid duration %q: use e.g. 30s, 2m or a number of seconds", s)
	}
	*d = Duration(v)
	return nil
}

// Type implements pflag.Value.
func (d *Duration) Type() string { return "duration" }
