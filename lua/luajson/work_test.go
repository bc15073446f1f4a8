package luajson

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"
)

func TestTableSlots(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	f := tableFields()
	if f[0] < 0 || f[1] < 0 {
		t.Fatalf("lua.LTable fields not found (%v); gopher-lua changed, review work.go", f)
	}
	if err := L.DoString(`sparse = {} sparse[1000] = true sparse[1000] = nil
		keys = {} for i = 1, 100 do keys["k" .. i] = i end for i = 1, 100 do keys["k" .. i] = nil end
		small = {1, 2, 3}`); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, name := range []string{"sparse", "keys", "small"} {
		got[name] = tableSlots(L.GetGlobal(name).(*lua.LTable))
	}
	want := map[string]int{"sparse": 1000, "keys": 100, "small": 3}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tableSlots mismatch (-want +got):\n%s", diff)
	}
}

// sparseRefs builds the value of
//
//	local b = {} b[n] = true b[n] = nil (plus extra)
//	local r = {} for i = 1, refs do r[i] = {b} end
func sparseRefs(t *testing.T, L *lua.LState, n, refs int, extra string) lua.LValue {
	t.Helper()
	src := `local n, refs = ...
local b = {} b[n] = true b[n] = nil ` + extra + `
local r = {} for i = 1, refs do r[i] = {b} end
return r`
	fn, err := L.LoadString(src)
	if err != nil {
		t.Fatal(err)
	}
	L.Push(fn)
	L.Push(lua.LNumber(n))
	L.Push(lua.LNumber(refs))
	L.Call(2, 1)
	return L.Get(-1)
}

func TestSparseTablesAreCheap(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	tests := []struct {
		name    string
		extra   string
		encode  string // error type, "" for success
		toGo    string
		bounded time.Duration
	}{
		// Bounds are loose for loaded machines; unbounded, these took 16-30 s.
		// An empty array part of 1M slots, used 2000 times: its shape is
		// remembered, so both finish at once.
		{name: "empty sparse array", bounded: 10 * time.Second},
		// An object with a 1M-slot array part: the encoder copies its
		// encoding; ToGo walks it per use and runs out of work budget.
		{name: "sparse object", extra: "b[1] = 1 b.x = 1", toGo: "*luajson.WorkError", bounded: 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := sparseRefs(t, L, 1e6, 2000, tt.extra)
			start := time.Now()
			_, err := Encode(v, nil)
			if got := errType(err); got != tt.encode {
				t.Errorf("Encode error %v, want %s", err, tt.encode)
			}
			_, err = ToGo(v)
			if got := errType(err); got != tt.toGo {
				t.Errorf("ToGo error %v, want %s", err, tt.toGo)
			}
			if d := time.Since(start); d > tt.bounded {
				t.Errorf("took %v, want at most %v", d, tt.bounded)
			}
		})
	}
}

func errType(err error) string {
	var we *WorkError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &we):
		return "*luajson.WorkError"
	default:
		return err.Error()
	}
}

func TestWorkBudgetAndContext(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	v := sparseRefs(t, L, 1e6, 2000, "b[1] = 1 b.x = 1")
	done, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("stopped")
	cancel(stop)
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"Encode with a small budget", func() error {
			_, err := Encode(sparseRefs(t, L, 1e5, 1, ""), &EncodeOptions{MaxWork: 1000})
			return err
		}, &WorkError{Limit: 1000}},
		{"ToGo with a small budget", func() error {
			_, err := ToGoWithOptions(sparseRefs(t, L, 1e5, 1, ""), &ToGoOptions{MaxWork: 1000})
			return err
		}, &WorkError{Limit: 1000}},
		{"ToGo stops at a done context", func() error {
			_, err := ToGoWithOptions(v, &ToGoOptions{Context: done, MaxWork: -1})
			return err
		}, stop},
		{"Encode stops at a done context", func() error {
			_, err := Encode(v, &EncodeOptions{Context: done, MaxWork: -1})
			return err
		}, stop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, tt.want) && cmp.Diff(tt.want, err) != "" {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}
