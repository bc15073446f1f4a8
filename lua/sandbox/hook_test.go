package sandbox

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestVMLoopProbe(t *testing.T) {
	vm := vmLoop()
	if vm == 0 {
		t.Fatal("vmLoop() = 0: the probe could not find gopher-lua's VM loop, so runs never measure themselves")
	}
	if name := runtime.FuncForPC(vm).Name(); !strings.HasPrefix(name, "github.com/yuin/gopher-lua.") {
		t.Errorf("vmLoop() is %s, want a function of gopher-lua", name)
	}
}

// TestHookMeasuresOnlyFromVM checks that a pending measurement is served
// only by the VM loop of the run's state: not by Done calls from other
// goroutines (net/http with L.Context()) nor from host functions.
func TestHookMeasuresOnlyFromVM(t *testing.T) {
	s, err := New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := s.L().Context()
	calls := 4 * (hookMask + 1)
	s.run.measureReq.Store(1)

	var wg sync.WaitGroup
	wg.Go(func() {
		for range calls {
			ctx.Done()
		}
	})
	wg.Wait()
	if got := s.run.measuredGen.Load(); got != 0 {
		t.Fatalf("after Done from another goroutine: measuredGen = %d, want 0", got)
	}

	s.L().SetGlobal("poke", s.L().NewFunction(func(L *lua.LState) int {
		for range calls {
			L.Context().Done()
		}
		return 0
	}))
	if err := s.DoString(`poke()`); err != nil {
		t.Fatal(err)
	}
	if got := s.run.measuredGen.Load(); got != 0 {
		t.Fatalf("after Done from a host function: measuredGen = %d, want 0", got)
	}

	if err := s.DoString(`local x = 0 for i = 1, 100000 do x = x + i end`); err != nil {
		t.Fatal(err)
	}
	if got := s.run.measuredGen.Load(); got != 1 {
		t.Fatalf("after running Lua code: measuredGen = %d, want 1", got)
	}
	if got := s.run.measured.Load(); got <= 0 {
		t.Errorf("measured = %d, want > 0", got)
	}
}
