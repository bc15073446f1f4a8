package luajson

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"
)

// limitBound is how long a limit may take to fire on a value whose full
// expansion would not fit in memory. Before the limits existed these values
// killed the process with a Go out-of-memory fatal error.
const limitBound = 20 * time.Second

// within runs f and fails the test if it takes longer than limitBound.
func within(t *testing.T, f func()) {
	t.Helper()
	start := time.Now()
	f()
	if d := time.Since(start); d > limitBound {
		t.Errorf("took %v, want a limit to fire within %v", d, limitBound)
	}
}

// sharedBomb is a Lua chunk building a table that reuses one subtable: its
// JSON form has 2^levels leaves, while the Lua value has levels tables.
func sharedBomb(levels string) string {
	return `local t = {} for i = 1, ` + levels + ` do t = {t, t} end return t`
}

func TestEncodeLimitsSharedSubtables(t *testing.T) {
	L := newState(t)
	bomb := eval(t, L, sharedBomb("40"))
	// A chain of 80 nested tables: with a 16 MiB indent the last lines alone
	// would be 80 * 16 MiB.
	chain := eval(t, L, `local t = {} local c = t for i = 1, 80 do c[1] = {} c = c[1] end return t`)
	hugeIndent := strings.Repeat(" ", 1<<24)
	tests := []struct {
		name  string
		v     lua.LValue
		opts  *EncodeOptions
		limit int
	}{
		{"bomb, cap", bomb, &EncodeOptions{MaxBytes: 1 << 20}, 1 << 20},
		{"bomb, nil options use the default cap", bomb, nil, DefaultMaxBytes},
		{"bomb, zero MaxBytes uses the default cap", bomb, &EncodeOptions{}, DefaultMaxBytes},
		{"bomb, indented, cap", bomb, &EncodeOptions{Indent: "  ", MaxBytes: 1 << 20}, 1 << 20},
		{"bomb inside an object", eval(t, L, `local t = {} for i = 1, 40 do t = {a = t, b = t} end return t`), &EncodeOptions{MaxBytes: 1 << 20}, 1 << 20},
		{"huge indent, cap", chain, &EncodeOptions{Indent: hugeIndent, MaxBytes: 32 << 20}, 32 << 20},
		{"huge indent, default cap", chain, &EncodeOptions{Indent: hugeIndent}, DefaultMaxBytes},
		{"huge indent in an object", eval(t, L, `local t = {} local c = t for i = 1, 80 do c.k = {} c = c.k end return t`), &EncodeOptions{Indent: hugeIndent, MaxBytes: 32 << 20}, 32 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			within(t, func() {
				out, err := Encode(tt.v, tt.opts)
				var se *SizeError
				if !errors.As(err, &se) {
					t.Fatalf("Encode = %d bytes, error %v; want *SizeError", len(out), err)
				}
				if diff := cmp.Diff(&SizeError{Limit: tt.limit}, se); diff != "" {
					t.Errorf("SizeError (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestEncodeMaxBytesExact checks that the limit is exact: output of exactly
// MaxBytes bytes is accepted and one byte less gives a *SizeError, wherever
// the last byte is written (string, number, key, newline, indent, bracket).
func TestEncodeMaxBytesExact(t *testing.T) {
	L := newState(t)
	values := []string{
		`return "abc"`,
		`return "a\nb\0"`,
		`return 12345`,
		`return true`,
		`return json.null`,
		`return {}`,
		`return json.object()`,
		`return {1, 2, {3, {}}}`,
		`return {a = 1, bb = {c = "x\n"}, [""] = json.null}`,
		`return {{{{}}}, {k = {"v"}}}`,
		`local t = {} for i = 1, 5 do t = {t, t} end return t`,
		// Large enough that shared subtables are copied from earlier output.
		`local t = {"x"} for i = 1, 11 do t = {t, {k = t}} end return t`,
	}
	for _, src := range values {
		v := eval(t, L, src)
		for _, indent := range []string{"", "  ", "\t\t\t"} {
			full, err := Encode(v, &EncodeOptions{Indent: indent, MaxBytes: -1})
			if err != nil {
				t.Fatalf("Encode(%s, unlimited): %v", src, err)
			}
			got, err := Encode(v, &EncodeOptions{Indent: indent, MaxBytes: len(full)})
			if err != nil || string(got) != string(full) {
				t.Errorf("Encode(%s, indent %q, MaxBytes %d) = %q, %v; want %q", src, indent, len(full), got, err, full)
			}
			var se *SizeError
			if _, err := Encode(v, &EncodeOptions{Indent: indent, MaxBytes: len(full) - 1}); !errors.As(err, &se) {
				t.Errorf("Encode(%s, indent %q, MaxBytes %d) error = %v, want *SizeError", src, indent, len(full)-1, err)
			}
		}
	}
}

func TestEncodeContext(t *testing.T) {
	L := newState(t)
	bomb := eval(t, L, sharedBomb("40"))
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("run stopped")
	cancel(stop)
	within(t, func() {
		_, err := Encode(bomb, &EncodeOptions{MaxBytes: -1, Context: ctx})
		if !errors.Is(err, stop) {
			t.Fatalf("Encode with a done context: error %v, want %v", err, stop)
		}
	})
	// A live context changes nothing.
	got, err := Encode(eval(t, L, `return {a = {1, 2}}`), &EncodeOptions{Context: context.Background()})
	if err != nil || string(got) != `{"a":[1,2]}` {
		t.Fatalf("Encode with a live context = %s, %v", got, err)
	}
}

// TestLuaEncodeSharedSubtables: json.encode of the plain module (not the
// sandbox's replacement) uses the default cap and raises.
func TestLuaEncodeSharedSubtables(t *testing.T) {
	L := newState(t)
	within(t, func() {
		err := L.DoString(`local t = {} for i = 1, 40 do t = {t, t} end return json.encode(t)`)
		if err == nil || !strings.Contains(err.Error(), "encoded JSON exceeds") {
			t.Fatalf("json.encode(shared-subtable bomb) error = %v, want the size error", err)
		}
	})
}

func TestToGoLimits(t *testing.T) {
	L := newState(t)
	tests := []struct {
		name string
		src  string
		opts *ToGoOptions
		want *ValueSizeError
	}{
		{"2^26-leaf array bomb", sharedBomb("26"), nil, &ValueSizeError{Unit: "values", Limit: DefaultMaxNodes}},
		{"bomb as a named argument", `local t = {} for i = 1, 26 do t = {t, t} end return {x = t}`, nil, &ValueSizeError{Unit: "values", Limit: DefaultMaxNodes}},
		{"object bomb", `local t = {} for i = 1, 40 do t = {a = t, b = t} end return t`, &ToGoOptions{}, &ValueSizeError{Unit: "values", Limit: DefaultMaxNodes}},
		{"bomb, explicit MaxNodes", sharedBomb("40"), &ToGoOptions{MaxNodes: 1000}, &ValueSizeError{Unit: "values", Limit: 1000}},
		{"long array", `local t = {} for i = 1, 2000 do t[i] = i end return t`, &ToGoOptions{MaxNodes: 1000}, &ValueSizeError{Unit: "values", Limit: 1000}},
		{"shared string", `local s = string.rep("x", 2^20) local t = {} for i = 1, 100 do t[i] = s end return t`, nil, &ValueSizeError{Unit: "bytes of strings", Limit: DefaultMaxStringBytes}},
		{"string bomb", `local t = {string.rep("x", 2^16)} for i = 1, 20 do t = {t, t} end return t`, &ToGoOptions{MaxNodes: -1}, &ValueSizeError{Unit: "bytes of strings", Limit: DefaultMaxStringBytes}},
		{"keys count", `return {abcdef = 1, ghijkl = 2}`, &ToGoOptions{MaxBytes: 11}, &ValueSizeError{Unit: "bytes of strings", Limit: 11}},
		{"values count", `return {"abcdef", "ghijkl"}`, &ToGoOptions{MaxBytes: 11}, &ValueSizeError{Unit: "bytes of strings", Limit: 11}},
		// {1, 2, {3}}: outer table, 1, 2, inner table, 3.
		{"exact node count, one short", `return {1, 2, {3}}`, &ToGoOptions{MaxNodes: 4}, &ValueSizeError{Unit: "values", Limit: 4}},
		{"exact node count", `return {1, 2, {3}}`, &ToGoOptions{MaxNodes: 5}, nil},
		{"exact byte count", `return {abcdef = "gh", ijk = 1}`, &ToGoOptions{MaxBytes: 11}, nil},
		{"unlimited", sharedBomb("12"), &ToGoOptions{MaxNodes: -1, MaxBytes: -1}, nil},
		{"default limits fit ordinary values", `local t = {} for i = 1, 1000 do t[i] = {id = "user_" .. i, n = i} end return t`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := eval(t, L, tt.src)
			within(t, func() {
				var err error
				if tt.opts == nil {
					_, err = ToGo(v)
				} else {
					_, err = ToGoWithOptions(v, tt.opts)
				}
				if tt.want == nil {
					if err != nil {
						t.Fatalf("ToGo: %v", err)
					}
					return
				}
				var ve *ValueSizeError
				if !errors.As(err, &ve) {
					t.Fatalf("ToGo error = %v, want *ValueSizeError", err)
				}
				if diff := cmp.Diff(tt.want, ve); diff != "" {
					t.Errorf("ValueSizeError (-want +got):\n%s", diff)
				}
				if !strings.HasPrefix(err.Error(), "luajson: ") {
					t.Errorf("error %q lacks the package prefix", err)
				}
			})
		})
	}
}

func TestToGoWithOptionsMaxDepth(t *testing.T) {
	L := newState(t)
	v := eval(t, L, `return {{{{1}}}}`)
	_, err := ToGoWithOptions(v, &ToGoOptions{MaxDepth: 3})
	var ee *EncodeError
	if !errors.As(err, &ee) || !strings.Contains(ee.Reason, "deeper than 3") {
		t.Fatalf("ToGoWithOptions(MaxDepth 3) error = %v, want *EncodeError about depth", err)
	}
	got, err := ToGoWithOptions(v, &ToGoOptions{MaxDepth: 4})
	if diff := cmp.Diff([]any{[]any{[]any{[]any{int64(1)}}}}, got); err != nil || diff != "" {
		t.Fatalf("ToGoWithOptions(MaxDepth 4) error %v, (-want +got):\n%s", err, diff)
	}
}

// TestEncodeSharedSubtablesOutput checks that a value reusing subtables (at
// the same and at different depths) encodes exactly like the same value
// with every use a separate copy, compact and indented.
func TestEncodeSharedSubtablesOutput(t *testing.T) {
	L := newState(t)
	if err := L.DoString(`
		function deepcopy(t)
			if type(t) ~= "table" then return t end
			local c = {}
			for k, v in pairs(t) do c[k] = deepcopy(v) end
			return setmetatable(c, getmetatable(t))
		end`); err != nil {
		t.Fatal(err)
	}
	values := []string{
		`local t = {"leaf"} for i = 1, 12 do t = {t, t} end return t`,
		`local t = {s = string.rep("y", 300)} for i = 1, 8 do t = {a = t, b = {t, {t}}, c = i} end return t`,
		`local big = {} for i = 1, 200 do big[i] = i end return {big, {big, {big}}, {x = {big}}, json.array(), json.object()}`,
	}
	for _, src := range values {
		shared := eval(t, L, src)
		L.SetGlobal("v", shared)
		copied := eval(t, L, `return deepcopy(v)`)
		for _, indent := range []string{"", "  "} {
			want, err := Encode(copied, &EncodeOptions{Indent: indent, MaxBytes: -1})
			if err != nil {
				t.Fatalf("Encode(copy of %s): %v", src, err)
			}
			got, err := Encode(shared, &EncodeOptions{Indent: indent, MaxBytes: -1})
			if err != nil {
				t.Fatalf("Encode(%s): %v", src, err)
			}
			if string(got) != string(want) {
				t.Errorf("Encode(%s, indent %q) differs from the encoding of a copy without sharing (%d vs %d bytes)", src, indent, len(got), len(want))
			}
		}
	}
}
