package luajson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"
)

func newState(t testing.TB) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	Preload(L)
	return L
}

// eval runs a chunk that returns one value.
func eval(t testing.TB, L *lua.LState, src string) lua.LValue {
	t.Helper()
	if err := L.DoString(src); err != nil {
		t.Fatalf("DoString(%q): %v", src, err)
	}
	v := L.Get(-1)
	L.Pop(1)
	return v
}

func TestDecodeEncodeRoundTrip(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty object", `{}`, `{}`},
		{"empty array", `[]`, `[]`},
		{"nested empties", `{"a":[],"b":{},"c":[{}]}`, `{"a":[],"b":{},"c":[{}]}`},
		{"sorted keys", `{"b":1,"a":2,"C":3}`, `{"C":3,"a":2,"b":1}`},
		{"null in object dropped", `{"a":null,"b":1}`, `{"b":1}`},
		{"null in array kept", `[1,null,3,null]`, `[1,null,3,null]`},
		{"top-level null", `null`, `null`},
		{"scalars", `[true,false,"x",0,-1,1.5,-2.25e-7]`, `[true,false,"x",0,-1,1.5,-2.25e-7]`},
		{"integral float", `[3.0, 1e20, -4E2]`, `[3,100000000000000000000,-400]`},
		{"2^53 exact", `9007199254740992`, `9007199254740992`},
		{"big id stays string", `{"id":12345678901234567890}`, `{"id":"12345678901234567890"}`},
		{"2^53+1 stays string", `9007199254740993`, `"9007199254740993"`},
		{"overflow stays string", `[1e400,-1e999]`, `["1e400","-1e999"]`},
		{"small float", `0.1`, `0.1`},
		{"escapes", `"a\"b\\c\/d\n\t\u0001\u00e9\ud83d\ude00"`, "\"a\\\"b\\\\c/d\\n\\t\\u0001é😀\""},
		{"lone surrogate", `"\ud800x"`, "\"\uFFFDx\""},
		{"unicode raw", `"héllo ☃"`, `"héllo ☃"`},
		{"duplicate key last wins", `{"a":1,"a":2}`, `{"a":2}`},
		{"duplicate key null removes", `{"a":1,"a":null}`, `{}`},
		{"whitespace", " \n\t{ \"a\" : [ 1 , 2 ] }\r\n", `{"a":[1,2]}`},
		{"numeric string keys", `{"2":"b","10":"a"}`, `{"10":"a","2":"b"}`},
		{"deep ok", strings.Repeat("[", 200) + strings.Repeat("]", 200), strings.Repeat("[", 200) + strings.Repeat("]", 200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L := newState(t)
			v, err := Decode(L, []byte(tt.in))
			if err != nil {
				t.Fatalf("Decode(%q): %v", tt.in, err)
			}
			got, err := Encode(v, nil)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("round trip of %q mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestEncodeLuaValues(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty table is array", `return {}`, `[]`},
		{"json.object empty", `return json.object()`, `{}`},
		{"json.object of table", `return json.object({})`, `{}`},
		{"json.array empty", `return json.array({})`, `[]`},
		{"sequence", `return {1, 2, "x"}`, `[1,2,"x"]`},
		{"map", `return {b = true, a = "s"}`, `{"a":"s","b":true}`},
		{"mixed", `return {1, 2, x = 3}`, `{"1":1,"2":2,"x":3}`},
		{"sparse", `return {[1] = "a", [3] = "c"}`, `{"1":"a","3":"c"}`},
		{"zero index", `return {[0] = "z", [1] = "a"}`, `{"0":"z","1":"a"}`},
		{"float key", `return {[2.5] = 1}`, `{"2.5":1}`},
		{"marked array with holes", `local t = json.array({}); t[1] = 1; t[3] = 3; return t`, `[1,null,3]`},
		{"marked object with index keys", `return json.object({10, 20})`, `{"1":10,"2":20}`},
		{"null sentinel", `return {a = json.null, b = {json.null}}`, `{"a":null,"b":[null]}`},
		{"top null", `return json.null`, `null`},
		{"nil", `return nil`, `null`},
		{"integral numbers", `return {3.0, 10/2, 1e20, -0, 2^53}`, `[3,5,100000000000000000000,0,9007199254740992]`},
		{"beyond 2^53", `return 2^60`, `1152921504606847000`},
		{"fractions", `return {0.1, 1/3, 1e-7, 123.456}`, `[0.1,0.3333333333333333,1e-7,123.456]`},
		{"string escapes", `return "a\0b\"\\\n\r\t\127"`, "\"a\\u0000b\\\"\\\\\\n\\r\\t\x7f\""},
		{"invalid utf8", `return "a\255b"`, `"a\ufffdb"`},
		{"decoded array edited", `local t = json.decode("[1,2]"); t[#t+1] = 3; return t`, `[1,2,3]`},
		{"decoded array emptied", `local t = json.decode("[1]"); t[1] = nil; return t`, `[]`},
		{"decoded object emptied", `local t = json.decode('{"a":1}'); t.a = nil; return t`, `{}`},
		{"setmetatable drops marker", `local t = json.decode('{}'); setmetatable(t, nil); return t`, `[]`},
		{"shared subtable is fine", `local s = {1}; return {s, s}`, `[[1],[1]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L := newState(t)
			v := eval(t, L, tt.src)
			got, err := Encode(v, nil)
			if err != nil {
				t.Fatalf("Encode(%s): %v", tt.src, err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Encode(%s) mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestEncodeIndent(t *testing.T) {
	L := newState(t)
	v := eval(t, L, `return {b = {1, 2}, a = json.object(), c = {}}`)
	got, err := Encode(v, &EncodeOptions{Indent: "  "})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": []\n}"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("indent mismatch (-want +got):\n%s", diff)
	}
	s := eval(t, L, `return json.encode({x = {1}}, {indent = 2})`)
	if diff := cmp.Diff("{\n  \"x\": [\n    1\n  ]\n}", s.String()); diff != "" {
		t.Errorf("json.encode indent mismatch (-want +got):\n%s", diff)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name, src      string
		opts           *EncodeOptions
		wantPath       string
		wantReasonPart string
	}{
		{"nan", `return {data = {1, 2, {name = 0/0}}}`, nil, "$.data[3].name", "has no JSON form"},
		{"inf", `return {x = 1/0}`, nil, "$.x", "has no JSON form"},
		{"function", `return {f = print}`, nil, "$.f", "function"},
		{"odd key path", `return {["a b"] = {function() end}}`, nil, `$["a b"][1]`, "function"},
		{"cycle", `local t = {}; t.self = t; return t`, nil, "$.self", "cycle"},
		{"deep cycle", `local t = {}; local c = t; for i = 1, 300 do c.n = {}; c = c.n end; c.n = t; return t`, nil, "", "nesting deeper"},
		{"too deep", `local t = {}; local c = t; for i = 1, 5 do c[1] = {}; c = c[1] end; return t`, &EncodeOptions{MaxDepth: 3}, "$[1][1][1]", "nesting deeper than 3"},
		{"bad key type", `return {[true] = 1}`, nil, "$", "cannot be an object key"},
		{"marked array with string key", `local t = json.array({1}); t.x = 1; return {list = t}`, nil, "$.list", "non-index key \"x\""},
		{"duplicate keys", `return {[1] = "a", ["1"] = "b", x = 1}`, nil, "$[\"1\"]", "two keys"},
		{"userdata", `return {u = newproxy and newproxy() or coroutine.create(function() end)}`, nil, "$.u", "no JSON form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L := newState(t)
			v := eval(t, L, tt.src)
			_, err := Encode(v, tt.opts)
			var ee *EncodeError
			if !errors.As(err, &ee) {
				t.Fatalf("Encode error = %v (%T), want *EncodeError", err, err)
			}
			if tt.wantPath != "" && ee.Path != tt.wantPath {
				t.Errorf("Path = %q, want %q (err %v)", ee.Path, tt.wantPath, err)
			}
			if !strings.Contains(ee.Reason, tt.wantReasonPart) {
				t.Errorf("Reason = %q, want it to contain %q", ee.Reason, tt.wantReasonPart)
			}
			if !strings.HasPrefix(err.Error(), "luajson: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
			// ToGo reports the same class of error.
			if _, err := ToGo(v); !errors.As(err, &ee) && tt.opts == nil {
				t.Errorf("ToGo error = %v, want *EncodeError", err)
			}
		})
	}
}

func TestEncodeMaxBytes(t *testing.T) {
	L := newState(t)
	v := eval(t, L, `local t = {} for i = 1, 1000 do t[i] = "xxxxxxxxxx" end return t`)
	_, err := Encode(v, &EncodeOptions{MaxBytes: 1000})
	var se *SizeError
	if !errors.As(err, &se) || se.Limit != 1000 {
		t.Fatalf("Encode error = %v, want *SizeError{1000}", err)
	}
	v = eval(t, L, `return string.rep("x", 5000)`)
	if _, err := Encode(v, &EncodeOptions{MaxBytes: 1000}); !errors.As(err, &se) {
		t.Fatalf("Encode(long string) error = %v, want *SizeError", err)
	}
	if _, err := Encode(v, &EncodeOptions{MaxBytes: 6000}); err != nil {
		t.Fatalf("Encode under the limit: %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		in         string
		line, col  int
		reasonPart string
	}{
		{``, 1, 1, "unexpected end"},
		{`{"a":1,}`, 1, 8, "string object key"},
		{`[1,2,]`, 1, 6, "expected a value"},
		{`[1 2]`, 1, 4, "expected ',' or ']'"},
		{"{\n  \"a\": tru\n}", 2, 8, "expected true"},
		{`01`, 1, 2, "leading zeros"},
		{`1.`, 1, 3, "after '.'"},
		{`1e`, 1, 3, "exponent"},
		{`-`, 1, 2, "expected a digit"},
		{`"abc`, 1, 5, "end of input in string"},
		{"\"a\x01\"", 1, 3, "control character"},
		{`"\x"`, 1, 2, "invalid escape"},
		{`"\u12"`, 1, 4, "hex digits"},
		{`{"a" 1}`, 1, 6, "expected ':'"},
		{`[1] x`, 1, 5, "after the top-level value"},
		{`NaN`, 1, 1, "unexpected character"},
		{strings.Repeat("[", 201) + strings.Repeat("]", 201), 1, 201, "nesting deeper than 200"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			L := newState(t)
			_, err := Decode(L, []byte(tt.in))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode(%q) error = %v, want *DecodeError", tt.in, err)
			}
			if de.Line != tt.line || de.Column != tt.col || !strings.Contains(de.Reason, tt.reasonPart) {
				t.Errorf("Decode(%q) = line %d col %d %q, want line %d col %d containing %q", tt.in, de.Line, de.Column, de.Reason, tt.line, tt.col, tt.reasonPart)
			}
		})
	}
}

func TestLuaModule(t *testing.T) {
	L := newState(t)
	src := `
local j = require("json")
assert(j.null == json.null, "require and global share null")
local page = json.decode('{"data":[{"id":"u1","name":null}],"list_metadata":{"before":null,"after":null}}')
assert(page.data[1].id == "u1")
assert(page.data[1].name == nil)
local n = 0
repeat n = n + 1 until not page.list_metadata.after
assert(n == 1)
assert(tostring(json.null) == "null")
local ok, err = pcall(function() return json.null.x end)
assert(not ok and err:find("json.null"), err)
local ok2, err2 = pcall(json.decode, "{bad")
assert(not ok2 and err2:find("luajson: invalid JSON"), err2)
local ok3, err3 = pcall(json.encode, {f = print})
assert(not ok3 and err3:find("%$%.f"), err3)
local arr = json.decode("[null, 2]")
assert(arr[1] == json.null and #arr == 2)
return json.encode({a = json.array(), b = json.object(), c = json.null, d = arr})
`
	v := eval(t, L, src)
	if diff := cmp.Diff(`{"a":[],"b":{},"c":null,"d":[null,2]}`, v.String()); diff != "" {
		t.Errorf("module result mismatch (-want +got):\n%s", diff)
	}
	if !IsArray(eval(t, L, `return json.decode("[]")`).(*lua.LTable)) {
		t.Error("decoded [] not marked as array")
	}
	if !IsObject(eval(t, L, `return json.decode("{}")`).(*lua.LTable)) {
		t.Error("decoded {} not marked as object")
	}
	if NullValue(L) != eval(t, L, `return json.null`) {
		t.Error("NullValue differs from json.null")
	}
}

func TestToGo(t *testing.T) {
	tests := []struct {
		name, src string
		want      any
	}{
		{"object", `return {name = "x", n = 3, f = 1.5, ok = true}`, map[string]any{"name": "x", "n": int64(3), "f": 1.5, "ok": true}},
		{"array", `return {1, "a", json.null}`, []any{int64(1), "a", Null}},
		{"empty", `return {}`, []any{}},
		{"empty object", `return json.object()`, map[string]any{}},
		{"decoded", `return json.decode('{"a":[{"b":null,"c":[]}],"big":12345678901234567890}')`, map[string]any{"a": []any{map[string]any{"c": []any{}}}, "big": "12345678901234567890"}},
		{"nil", `return nil`, nil},
		{"huge float", `return 1e300`, 1e300},
		{"negative int", `return -42`, int64(-42)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L := newState(t)
			got, err := ToGo(eval(t, L, tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ToGo(%s) mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestFromGo(t *testing.T) {
	type user struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	}
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"map", map[string]any{"b": 1, "a": "x", "gone": nil}, `{"a":"x","b":1}`},
		{"empty map", map[string]any{}, `{}`},
		{"empty slice", []any{}, `[]`},
		{"slice nil", []any{nil, 1.5, true}, `[null,1.5,true]`},
		{"null", Null, `null`},
		{"nested null", map[string]any{"a": Null}, `{"a":null}`},
		{"json.Number int", json.Number("42"), `42`},
		{"json.Number big", json.Number("12345678901234567890"), `"12345678901234567890"`},
		{"json.Number float", json.Number("1.25"), `1.25`},
		{"json.Number junk", json.Number("abc"), `"abc"`},
		{"raw", json.RawMessage(`{"x":[1,{}]}`), `{"x":[1,{}]}`},
		{"raw invalid", json.RawMessage(`{x`), `"{x"`},
		{"int64 big", int64(1) << 60, `"1152921504606846976"`},
		{"uint64", uint64(7), `7`},
		{"strings", []string{"a", "b"}, `["a","b"]`},
		{"string map", map[string]string{"k": "v"}, `{"k":"v"}`},
		{"struct via json", []user{{"u1", "a@b.c"}}, `[{"email":"a@b.c","id":"u1"}]`},
		{"lua value", lua.LString("s"), `"s"`},
		{"nil", nil, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			L := newState(t)
			got, err := Encode(FromGo(L, tt.in), nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("FromGo(%#v) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestFromGoToGo pins that an encoding/json value survives FromGo+ToGo.
func TestFromGoToGo(t *testing.T) {
	L := newState(t)
	in := `{"object":"list","data":[{"id":"u","n":2,"tags":[],"meta":{},"x":null,"f":0.5}],"list_metadata":{"after":"c"}}`
	var v any
	dec := json.NewDecoder(strings.NewReader(in))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	got, err := ToGo(FromGo(L, v))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"object":        "list",
		"data":          []any{map[string]any{"id": "u", "n": int64(2), "tags": []any{}, "meta": map[string]any{}, "f": 0.5}},
		"list_metadata": map[string]any{"after": "c"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FromGo+ToGo mismatch (-want +got):\n%s", diff)
	}
}

func TestMarkers(t *testing.T) {
	L := newState(t)
	tb := L.NewTable()
	if IsArray(tb) || IsObject(tb) {
		t.Fatal("fresh table is marked")
	}
	MarkObject(L, tb)
	if !IsObject(tb) {
		t.Fatal("MarkObject did not mark")
	}
	if b, _ := Encode(tb, nil); string(b) != "{}" {
		t.Errorf("marked object encodes as %s", b)
	}
	MarkArray(L, tb)
	if !IsArray(tb) {
		t.Fatal("MarkArray did not mark")
	}
	// A forged marker metatable (same fields, copied by a script) works like
	// json.array: harmless, and the userdata kind cannot be forged from Lua.
	v := eval(t, L, `local mt = {__json = "array"}; return setmetatable({}, mt)`)
	if IsArray(v.(*lua.LTable)) {
		t.Error("string __json field must not count as a marker")
	}
	// Two states have distinct sentinels.
	L2 := newState(t)
	if NullValue(L) == NullValue(L2) {
		t.Error("json.null shared between states")
	}
	b, err := Encode(NullValue(L2), nil)
	if err != nil || string(b) != "null" {
		t.Errorf("Encode(NullValue) = %s, %v", b, err)
	}
}

func ExampleEncode() {
	L := lua.NewState()
	defer L.Close()
	Preload(L)
	_ = L.DoString(`result = {name = "Ada", tags = {}, meta = json.object(), n = 3.0, none = json.null}`)
	b, err := Encode(L.GetGlobal("result"), nil)
	fmt.Println(string(b), err)
	// Output: {"meta":{},"n":3,"name":"Ada","none":null,"tags":[]} <nil>
}

func TestDecodeContext(t *testing.T) {
	L := newState(t)
	doc := "[" + strings.Repeat("[],", 10000) + "[]]"
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("run over")
	cancel(cause)
	if _, err := DecodeWithOptions(L, []byte(doc), &DecodeOptions{Context: ctx}); !errors.Is(err, cause) {
		t.Fatalf("Decode with a done context = %v, want its cause", err)
	}
	v, err := DecodeWithOptions(L, []byte(doc), &DecodeOptions{Context: context.Background()})
	if err != nil || v.(*lua.LTable).Len() != 10001 {
		t.Fatalf("Decode with a live context: %v", err)
	}
}
