package luajson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"
)

// FuzzRoundTrip checks that for any valid JSON input decode→encode→decode
// is stable: the second encoding equals the first, and both decodings
// convert to the same Go value.
func FuzzRoundTrip(f *testing.F) {
	seeds := []string{
		`{}`, `[]`, `null`, `0`, `-0`, `1e400`, `-0.0`, `12345678901234567890`, `9007199254740993`,
		`{"a":[1,null,{"b":"c"}],"d":{}}`, `"\ud800\udc00\u0000\"\\"`, `[1.5e-7, 2e21, 123456789012345678]`,
		`{"1":1,"2":2}`, `[[[[]]]]`, `{"a":null}`, `"\xff"`, `[true,false]`, `1152921504606846976`,
		string(genUserList(3)),
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		defer L.Close()
		v1, err := Decode(L, data)
		if err != nil {
			var de *DecodeError
			if errors.As(err, &de) && strings.Contains(de.Reason, "nesting deeper") {
				return // documented depth limit
			}
			t.Fatalf("Decode(valid %q): %v", data, err)
		}
		enc1, err := Encode(v1, nil)
		if err != nil {
			t.Fatalf("Encode(Decode(%q)): %v", data, err)
		}
		if !json.Valid(enc1) {
			t.Fatalf("Encode produced invalid JSON %q from %q", enc1, data)
		}
		v2, err := Decode(L, enc1)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))) = Decode(%q): %v", data, enc1, err)
		}
		enc2, err := Encode(v2, nil)
		if err != nil {
			t.Fatalf("second Encode: %v", err)
		}
		if !bytes.Equal(enc1, enc2) {
			t.Fatalf("unstable encoding of %q:\n first %q\nsecond %q", data, enc1, enc2)
		}
		g1, err1 := ToGo(v1)
		g2, err2 := ToGo(v2)
		if err1 != nil || err2 != nil {
			t.Fatalf("ToGo: %v / %v", err1, err2)
		}
		if diff := cmp.Diff(g1, g2); diff != "" {
			t.Fatalf("decode of %q unstable (-first +second):\n%s", data, diff)
		}
	})
}

// genUserList builds a WorkOS-style list response with n users.
func genUserList(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString(`{"object":"list","data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		pic := "null"
		if i%3 == 0 {
			pic = fmt.Sprintf(`"https://workoscdn.com/images/v1/%016x"`, r.Uint64())
		}
		fmt.Fprintf(&b, `{"object":"user","id":"user_01H%023X","email":"user%d@example-%d.com","email_verified":%t,`+
			`"first_name":"First%d","last_name":"Last \"%d\"","profile_picture_url":%s,`+
			`"last_sign_in_at":"2025-0%d-1%dT10:%02d:00.000Z","locale":null,"external_id":null,`+
			`"metadata":{"plan":"pro","seats":%d,"tags":[]},`+
			`"created_at":"2024-01-15T12:00:00.000Z","updated_at":"2024-06-%02dT08:30:12.345Z"}`,
			r.Uint64(), i, i%97, i%2 == 0, i, i, pic, 1+i%9, i%10, i%60, r.IntN(500), 1+i%28)
	}
	fmt.Fprintf(&b, `],"list_metadata":{"before":null,"after":"user_01H%023X"}}`, r.Uint64())
	return b.Bytes()
}

// genMB returns a ~1 MB user list.
func genMB() []byte {
	n := 1
	for {
		b := genUserList(n)
		if len(b) >= 1<<20 {
			return b
		}
		n = n * (1 << 20) / len(b)
		n++
	}
}

// benchData returns the ~1 MB user list and a state to decode it in; the
// state is closed when the benchmark ends.
func benchData(b *testing.B) ([]byte, *lua.LState) {
	b.Helper()
	data := genMB()
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	b.Cleanup(L.Close)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	return data, L
}

// benchValue is benchData decoded into a Lua value.
func benchValue(b *testing.B) lua.LValue {
	b.Helper()
	data, L := benchData(b)
	v, err := Decode(L, data)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func BenchmarkRoundTrip1MB(b *testing.B) {
	data, L := benchData(b)
	for b.Loop() {
		v, err := Decode(L, data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Encode(v, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode1MB(b *testing.B) {
	data, L := benchData(b)
	for b.Loop() {
		if _, err := Decode(L, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode1MB(b *testing.B) {
	v := benchValue(b)
	for b.Loop() {
		if _, err := Encode(v, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToGo1MB(b *testing.B) {
	v := benchValue(b)
	for b.Loop() {
		if _, err := ToGo(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFromGo1MB converts what encoding/json decodes the user list
// into.
func BenchmarkFromGo1MB(b *testing.B) {
	data, L := benchData(b)
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		FromGo(L, v)
	}
}

func BenchmarkStdlibRoundTrip1MB(b *testing.B) {
	data := genMB()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

// cjsonLoop decodes and re-encodes the file arg[1] arg[2] times with
// lua-cjson on C Lua.
const cjsonLoop = `
local cjson = require("cjson")
local f = assert(io.open(arg[1], "rb"))
local s = f:read("a")
f:close()
for _ = 1, tonumber(arg[2]) do cjson.encode(cjson.decode(s)) end
`

// BenchmarkCJSONRoundTrip1MB is the anchor of BenchmarkRoundTrip1MB: the
// same bytes decoded and re-encoded by lua-cjson on C Lua 5.4, b.N times in
// one lua5.4 process (its start, about a millisecond, is included once).
// It skips unless lua5.4 with cjson is installed (Debian: lua5.4 lua-cjson).
func BenchmarkCJSONRoundTrip1MB(b *testing.B) {
	lua54, err := exec.LookPath("lua5.4")
	if err != nil {
		b.Skip("lua5.4 is not installed")
	}
	if exec.Command(lua54, "-e", `require("cjson")`).Run() != nil {
		b.Skip("lua-cjson is not installed for lua5.4")
	}
	data := genMB()
	file := filepath.Join(b.TempDir(), "list.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cmd := exec.Command(lua54, "-", file, strconv.Itoa(b.N)) // the script comes on stdin
	cmd.Stdin = strings.NewReader(cjsonLoop)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("lua5.4: %v\n%s", err, out)
	}
}
