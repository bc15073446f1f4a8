package regex

import (
	"context"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// FuzzRegexDeadline: whatever the pattern and subject, match_all and gsub
// either finish or stop soon after the run's deadline (RE2 has no
// catastrophic backtracking, and long searches read the subject through a
// reader that stops at the deadline). The subject is repeated to make the
// searches long. Seeds are in testdata/fuzz/FuzzRegexDeadline.
//
//	go test ./lua/regex -run '^$' -fuzz FuzzRegexDeadline -fuzztime 30s
func FuzzRegexDeadline(f *testing.F) {
	f.Add("/(a+)+$/", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 2000)
	f.Add("/(x|y|z)*?w/i", "xyzxyzxyz", 5000)
	f.Fuzz(func(t *testing.T, pattern, subject string, repeat int) {
		if len(pattern) > DefaultMaxPatternBytes || len(subject) > 1<<10 {
			return
		}
		repeat = min(max(repeat, 1), 1<<14)
		subject = strings.Repeat(subject, repeat)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		L := lua.NewState()
		defer L.Close()
		m := New(&Options{Context: ctx, MaxMatches: 1 << 20})
		start := time.Now()
		for _, name := range []string{"match_all", "gsub"} {
			fn := L.NewFunction(m.Functions()[name])
			args := []lua.LValue{lua.LString(subject), lua.LString(pattern)}
			if name == "gsub" {
				args = append(args, lua.LString("<$1>"))
			}
			_ = L.CallByParam(lua.P{Fn: fn, NRet: lua.MultRet, Protect: true}, args...)
			L.SetTop(0)
		}
		// Generous for a loaded 2-core machine; an unbounded search would
		// take minutes.
		if d := time.Since(start); d > 20*time.Second {
			t.Fatalf("pattern %q on %d bytes ran %v, far past its 20ms deadline", pattern, len(subject), d)
		}
	})
}
