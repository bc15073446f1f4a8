package runtime

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
)

// newSecretKey makes a key at run time, so it is not in the (test) binary's
// own data, which a worker maps too.
func newSecretKey(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "sk_test_" + hex.EncodeToString(b)
}

// keyServer answers every request with an empty list when it carries the key.
func keyServer(t *testing.T, secretKey string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+secretKey {
			http.Error(w, `{"message":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"object":"list","data":[],"list_metadata":{"before":null,"after":null}}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestWorkerNeverHoldsTheKey runs calls through a worker, then looks for the
// key in the worker's environment, arguments and readable memory.
func TestWorkerNeverHoldsTheKey(t *testing.T) {
	if _, err := os.Stat("/proc/self/mem"); err != nil {
		t.Skip("needs /proc")
	}
	secretKey := newSecretKey(t)
	srv := keyServer(t, secretKey)
	t.Setenv("WORKOS_API_KEY", secretKey) // the host's environment has it; the worker's must not
	prodKey := newSecretKey(t)            // a named account's key: the host sends it, the worker never holds it
	rt, err := New(&Options{APIKey: secretKey, BaseURL: srv.URL, Accounts: map[string]Account{"prod": {APIKey: prodKey, BaseURL: srv.URL}}})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	marker := newSecretKey(t) // something the worker did receive, to prove the scan sees it
	res, err := rt.Run(context.Background(), Script{Args: map[string]any{"marker": marker}, Source: `
keep = args.marker
local n = 0
for i = 1, 5 do n = n + #workos.organizations_list{limit = 1}.data end
local ok, e = pcall(workos.organizations_find, {id = "org_x"})
pcall(workos.prod.organizations_list, {limit = 1})
return {n = n, err = tostring(e)}`})
	if err != nil || !res.OK {
		t.Fatalf("run: %v %+v", err, res.Error)
	}
	rt.pool.mu.Lock()
	if len(rt.pool.idle) != 1 {
		rt.pool.mu.Unlock()
		t.Fatalf("want one idle worker, have %d", len(rt.pool.idle))
	}
	pid := rt.pool.idle[0].pid
	rt.pool.mu.Unlock()
	for _, f := range []string{"environ", "cmdline"} {
		data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(secretKey)) || bytes.Contains(data, []byte(prodKey)) {
			t.Errorf("a key is in the worker's %s", f)
		}
		if f == "environ" && bytes.Contains(data, []byte("WORKOS")) {
			t.Errorf("the worker inherited WORKOS variables: %q", data)
		}
	}
	scanned, found := scanMemory(t, pid, []byte(secretKey))
	if scanned == 0 {
		t.Skip("the worker's memory is not readable here")
	}
	if _, seen := scanMemory(t, pid, []byte(marker)); !seen {
		t.Fatalf("the scan did not find the marker the worker received; it proves nothing")
	}
	if found {
		t.Errorf("the key is in the worker's memory (%d bytes scanned)", scanned)
	}
	if _, found := scanMemory(t, pid, []byte(prodKey)); found {
		t.Errorf("the prod account's key is in the worker's memory")
	}
	if got := res.Calls[len(res.Calls)-1]; got.Account != "prod" || got.Status == nil {
		t.Errorf("the prod call was not sent by the host: %+v", got)
	}
}

// scanMemory reads every readable private mapping of pid and reports whether
// needle occurs in it.
func scanMemory(t *testing.T, pid int, needle []byte) (scanned int64, found bool) {
	maps, err := os.Open("/proc/" + strconv.Itoa(pid) + "/maps")
	if err != nil {
		return 0, false
	}
	defer maps.Close()
	mem, err := os.Open("/proc/" + strconv.Itoa(pid) + "/mem")
	if err != nil {
		return 0, false
	}
	defer mem.Close()
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[1][0] != 'r' {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, _ := strconv.ParseUint(lo, 16, 64)
		end, _ := strconv.ParseUint(hi, 16, 64)
		if end-start > 1<<30 {
			continue
		}
		buf := make([]byte, end-start)
		n, _ := mem.ReadAt(buf, int64(start))
		scanned += int64(n)
		if bytes.Contains(buf[:n], needle) {
			found = true
		}
	}
	return scanned, found
}

// TestWarmWorkerIsUsed: a run that arrives while the warm worker is still
// starting waits for it instead of starting another, and sequential runs
// reuse one worker.
func TestWarmWorkerIsUsed(t *testing.T) {
	rt, err := New(&Options{APIKey: "sk_test_unused", BaseURL: "http://127.0.0.1:1", WarmWorkers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	for i := range 5 {
		res, err := rt.Run(context.Background(), Script{Source: `return 1`})
		if err != nil || !res.OK {
			t.Fatalf("run %d: %v %+v", i, err, res)
		}
	}
	if n := rt.pool.started.Load(); n != 1 {
		t.Errorf("the pool started %d workers for 5 sequential runs, want 1", n)
	}
}

// TestWorkerBatchAnswersEveryCaller: the calls of a workos.batch wait for
// their answers on one pipe; each gets its own, in order.
func TestWorkerBatchAnswersEveryCaller(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"object":"organization","id":%q}`, strings.TrimPrefix(r.URL.Path, "/organizations/"))
	}))
	defer srv.Close()
	rt, err := New(&Options{APIKey: "sk_test_batch", BaseURL: srv.URL, MaxCalls: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	res, err := rt.Run(context.Background(), Script{Source: `
local calls = {}
for i = 1, 60 do calls[i] = {"organizations_find", {id = "org_" .. i}} end
local out = workos.batch(calls, {concurrency = 16})
for i, r in ipairs(out) do
  if not r.ok or r.value.id ~= "org_" .. i then error("item " .. i .. " got " .. tostring(r.ok and r.value.id or r.error)) end
end
return #out`})
	if err != nil || !res.OK || string(res.Result) != "60" || res.Stats.Calls != 60 {
		t.Fatalf("batch: %v %s %+v calls=%d", err, res.Result, res.Error, res.Stats.Calls)
	}
}
