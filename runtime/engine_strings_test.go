package runtime_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestErrorValuesAreStrings: an error a workos call raises behaves as its
// message in every string function and method, inside the real sandbox and
// through the runtime (KosmoKrator raises strings).
func TestErrorValuesAreStrings(t *testing.T) {
	const prefix = `local ok, err = pcall(workos.organizations_find, {id = "org_missing"})
assert(not ok)
local msg = tostring(err)
`
	cases := []struct {
		name, expr string
		want       any
	}{
		{"method match", `err:match("404")`, "404"},
		{"method find", `(err:find("404", 1, true)) ~= nil`, true},
		{"method lower", `err:lower() == msg:lower()`, true},
		{"string.match", `string.match(err, "404")`, "404"},
		{"string.find", `string.find(err, "404", 1, true) == msg:find("404", 1, true)`, true},
		{"string.format %s", `string.format("%s", err) == msg`, true},
		{"string.format method", `("[%s]"):format(err) == "[" .. msg .. "]"`, true},
		{"string.len", `string.len(err) == #msg`, true},
		{"length operator", `#err == #msg`, true},
		{"string.sub", `string.sub(err, 1, 5) == msg:sub(1, 5)`, true},
		{"string.gsub", `(string.gsub(err, "%d", "#")) == (msg:gsub("%d", "#"))`, true},
		{"string.gmatch", `(function() local n = 0 for _ in string.gmatch(err, "%d") do n = n + 1 end return n > 0 end)()`, true},
		{"string.upper", `string.upper(err) == msg:upper()`, true},
		{"string.byte", `string.byte(err) == msg:byte()`, true},
		{"string.rep", `string.rep(err, 2, "|") == msg .. "|" .. msg`, true},
		{"string.reverse", `string.reverse(err) == msg:reverse()`, true},
		{"concat left", `err .. "!" == msg .. "!"`, true},
		{"concat right", `"!" .. err == "!" .. msg`, true},
		{"table.concat", `table.concat({err, "x"}, " ") == msg .. " x"`, true},
		{"tostring", `tostring(err) == err.text`, true},
		{"fields still there", `err.status`, float64(404)},
		{"regex on error", `regex.match(err, "/^workos: (\\d+)/")[2]`, "404"},
	}
	for _, iso := range []runtime.Isolation{runtime.IsolationInProcess, runtime.IsolationProcess} {
		rt, _ := newRuntime(t, &runtime.Options{Isolation: iso})
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := run(t, rt, prefix+"return "+c.expr, nil)
				if !res.OK {
					t.Fatalf("run failed: %+v", res.Error)
				}
				var got any
				if err := json.Unmarshal(res.Result, &got); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(c.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", c.expr, diff)
				}
			})
		}
	}
}
