package sandbox

import (
	"strings"
	"testing"
	"time"
)

// FuzzCheckSource checks that the scanner never panics and stays linear:
// the input repeated 64 times may not take much more than 64 times as long
// as the input once (with a generous floor for timer noise).
func FuzzCheckSource(f *testing.F) {
	for _, seed := range []string{
		"local x = {1, 2, 3} return #x",
		"return f(a)(b)[c].d:e'f'{g}",
		"--[==[ ]] ]=] ]==] x = [[ ( ]] .. \"\\\"(\" .. '\\''",
		"if a then elseif b then else end repeat until x",
		"return - - not # x .. y ^ z",
		"x = 0x1e-1 + 1e+5 + .5 ... :: l :: goto l",
		"[=", "--[", "\"\\", "'\n", "\r\n\n\r",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		CheckSource(src, SourceLimits{})
		one := time.Since(start)
		big := strings.Repeat(src, 64)
		start = time.Now()
		err := CheckSource(big, SourceLimits{MaxBytes: len(big) + 1})
		if d := time.Since(start); d > 1*time.Second && d > 1000*one {
			t.Fatalf("64 copies took %v, one copy %v: not linear", d, one)
		}
		if err != nil && (err.Line < 1 || err.Column < 1) {
			t.Fatalf("error without a position: %+v", err)
		}
	})
}

// BenchmarkCheckSource measures the check on a 1 MiB script of ordinary
// code, strings and comments.
func BenchmarkCheckSource(b *testing.B) {
	unit := `-- list users and count them per organization
local counts = {}
for _, u in ipairs(workos.users_list({limit = 100}).data) do
  local org = u.organization_id or "none"
  counts[org] = (counts[org] or 0) + 1
  print(string.format("%s %s", u.email, [[long (string) {x}]]))
end
`
	src := strings.Repeat(unit, (1<<20)/len(unit))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if err := CheckSource(src, SourceLimits{}); err != nil {
			b.Fatal(err)
		}
	}
}
