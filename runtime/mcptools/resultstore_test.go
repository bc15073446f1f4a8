package mcptools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// bigScript returns about 5.5 MB of JSON: 50,000 objects.
const bigScript = `local t = {}
for i = 1, 50000 do t[i] = {id = i, name = string.rep("x", 90)} end
return t`

// bigResultLink calls bigScript and returns the envelope and the link, if any.
func bigResultLink(t *testing.T, cs *mcp.ClientSession) (map[string]any, *mcp.ResourceLink) {
	t.Helper()
	_, res := callText(t, cs, ToolExecuteLua, map[string]any{"code": bigScript})
	env := envelope(t, res)
	if env["ok"] != true {
		t.Fatalf("big run: %v", env)
	}
	var link *mcp.ResourceLink
	for _, c := range res.Content {
		if l, ok := c.(*mcp.ResourceLink); ok {
			link = l
		}
	}
	return env, link
}

// TestBigResultAsResource: a 5 MB result comes back as a summary plus a
// resource_link, and resources/read of the link returns the full JSON.
func TestBigResultAsResource(t *testing.T) {
	rt := emulated(t, runtime.Options{MaxOutputBytes: DefaultMaxStoredResultBytes, MemoryLimit: 512 << 20, Timeout: time.Minute})
	cs := connect(t, rt, nil, nil)
	env, link := bigResultLink(t, cs)
	summary, _ := env["result"].(map[string]any)
	if summary["truncated"] != true || summary["type"] != "array" || summary["length"] != float64(50000) {
		t.Errorf("summary: %v", summary)
	}
	if link == nil || summary["resource"] != link.URI || !strings.HasPrefix(link.URI, ResultURIPrefix) {
		t.Fatalf("link %+v, summary resource %v", link, summary["resource"])
	}
	if b, _ := json.Marshal(env); len(b) > DefaultMaxResultBytes {
		t.Errorf("the tool result is %d bytes, over the %d-byte cap", len(b), DefaultMaxResultBytes)
	}
	got, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: link.URI})
	if err != nil {
		t.Fatal(err)
	}
	full := got.Contents[0].Text
	if len(full) < 5_000_000 || link.Size == nil || *link.Size != int64(len(full)) {
		t.Fatalf("resources/read returned %d bytes (link size %v)", len(full), link.Size)
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(full), &items); err != nil || len(items) != 50000 || items[49999]["id"] != float64(50000) {
		t.Errorf("the stored result is not the full JSON: %v, %d items", err, len(items))
	}
	if got.CacheScope != cacheScopePrivate || got.TTLMs <= 0 || got.TTLMs > int(DefaultResultTTL/time.Millisecond) {
		t.Errorf("resources/read cache fields: ttlMs %d, cacheScope %q", got.TTLMs, got.CacheScope)
	}
	_, err = cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: ResultURIPrefix + "0123"})
	if err == nil || !strings.Contains(err.Error(), "each replica keeps its own") {
		t.Errorf("an unknown result: %v", err)
	}
}

// TestBigResultLinksPerTransport: a sessionless 2026-07-28 HTTP request may
// reach another replica next, so it gets no link unless links are forced.
func TestBigResultLinksPerTransport(t *testing.T) {
	rt := emulated(t, runtime.Options{MaxOutputBytes: DefaultMaxStoredResultBytes, MemoryLimit: 512 << 20, Timeout: time.Minute})
	for _, tt := range []struct {
		version string
		mode    LinkMode
		want    bool
	}{
		{StatelessProtocolVersion, LinksAuto, false},
		{StatelessProtocolVersion, LinksAlways, true},
		{"2025-06-18", LinksAuto, true},
		{"2025-06-18", LinksNever, false},
	} {
		t.Run(fmt.Sprintf("%s/%s", tt.version, tt.mode), func(t *testing.T) {
			cs := dial(t, NewServer(rt, &Options{ResultLinks: tt.mode}), "http", tt.version)
			env, link := bigResultLink(t, cs)
			summary, _ := env["result"].(map[string]any)
			if (link != nil) != tt.want || (summary["resource"] != nil) != tt.want || summary["truncated"] != true {
				t.Errorf("link %v, summary %v; want a link: %v", link, summary, tt.want)
			}
		})
	}
}

// TestResultStoreBound fills the store past its size: the bytes held never
// pass the bound, the oldest results go first, one larger than the store is
// refused, and results expire.
func TestResultStoreBound(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	s := newResultStore(time.Minute, 1000)
	s.now = func() time.Time { return now }
	var uris []string
	for i := range 10 {
		uri, _, ok := s.put(bytes.Repeat([]byte{'a' + byte(i)}, 300))
		if !ok {
			t.Fatalf("put %d refused", i)
		}
		uris = append(uris, uri)
		if b, _ := s.size(); b > 1000 {
			t.Fatalf("after %d puts the store holds %d bytes, over its 1000", i+1, b)
		}
	}
	if b, n := s.size(); b != 900 || n != 3 {
		t.Errorf("store holds %d bytes in %d results, want 900 in 3", b, n)
	}
	for i, uri := range uris {
		data, _, ok := s.get(uri)
		if want := i >= 7; ok != want || ok && data[0] != 'a'+byte(i) {
			t.Errorf("result %d: found %v, want %v", i, ok, want)
		}
	}
	if _, _, ok := s.put(make([]byte, 1001)); ok {
		t.Error("a result larger than the store was stored")
	}
	now = now.Add(time.Minute)
	if _, _, ok := s.get(uris[9]); ok {
		t.Error("a result is readable after its TTL")
	}
	if b, n := s.size(); b != 0 || n != 0 {
		t.Errorf("expired results still held: %d bytes in %d", b, n)
	}
}

// TestOverRuntimeCapIsNotStored: a result over the runtime's own cap is
// summarised by the runtime; there is nothing to keep, and the summary still
// fits the tool result cap.
func TestOverRuntimeCapIsNotStored(t *testing.T) {
	rt := emulated(t, runtime.Options{MaxOutputBytes: 200_000, Timeout: time.Minute})
	cs := connect(t, rt, nil, nil)
	// Items of 20 kB each: the runtime's summary of 300 kB keeps three.
	_, res := callText(t, cs, ToolExecuteLua, map[string]any{"code": `local t = {}
for i = 1, 15 do t[i] = {id = i, blob = string.rep("y", 20000)} end
return t`})
	env := envelope(t, res)
	summary, _ := env["result"].(map[string]any)
	if summary["truncated"] != true || summary["resource"] != nil || summary["length"] != float64(15) {
		t.Errorf("summary: %v", summary)
	}
	for _, c := range res.Content {
		if _, ok := c.(*mcp.ResourceLink); ok {
			t.Error("a link to a result that was not kept")
		}
	}
	if b, _ := json.Marshal(env); len(b) > DefaultMaxResultBytes {
		t.Errorf("the tool result is %d bytes, over the %d-byte cap", len(b), DefaultMaxResultBytes)
	}
}
