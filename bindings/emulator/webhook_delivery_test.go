package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// receivedWebhook is one POST a test receiver got.
type receivedWebhook struct {
	signature string
	body      string
}

// webhookReceiver is an httptest server on 127.0.0.1 answering the statuses in
// order (200 once they run out) and recording every request.
type webhookReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []receivedWebhook
}

func newWebhookReceiver(t *testing.T, statuses ...int) *webhookReceiver {
	r := &webhookReceiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, receivedWebhook{signature: req.Header.Get("WorkOS-Signature"), body: string(body)})
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *webhookReceiver) received() []receivedWebhook {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receivedWebhook(nil), r.got...)
}

// verifyLikeNodeSDK checks a WorkOS-Signature header the way @workos-inc/node's
// SignatureProvider.verifyHeader does: split on ",", take what follows "=" in
// each half, HMAC-SHA256 "<t>.<payload>" with the secret, compare hex digests,
// and reject a timestamp older than the tolerance (3 min, in milliseconds).
func verifyLikeNodeSDK(header, payload, secret string) error {
	parts := strings.Split(header, ",")
	if len(parts) < 2 {
		return fmt.Errorf("signature or timestamp missing in %q", header)
	}
	tsParts, v1Parts := strings.Split(parts[0], "="), strings.Split(parts[1], "=")
	if len(tsParts) < 2 || len(v1Parts) < 2 || v1Parts[1] == "" {
		return fmt.Errorf("no signature hash found with expected scheme v1 in %q", header)
	}
	ms, err := strconv.ParseInt(tsParts[1], 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q: %v", tsParts[1], err)
	}
	if ms < time.Now().Add(-3*time.Minute).UnixMilli() {
		return fmt.Errorf("timestamp outside the tolerance zone")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(tsParts[1] + "." + payload))
	if want := hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(want), []byte(v1Parts[1])) {
		return fmt.Errorf("signature hash %s does not match the expected %s", v1Parts[1], want)
	}
	return nil
}

// waitDeliveries polls the delivery log until done says it is complete.
func waitDeliveries(t *testing.T, e *Emulator, done func([]WebhookDelivery) bool) []WebhookDelivery {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ds := e.WebhookDeliveries()
		if done(ds) {
			return ds
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries did not finish: %+v", ds)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func allFinal(n int) func([]WebhookDelivery) bool {
	return func(ds []WebhookDelivery) bool {
		if len(ds) < n {
			return false
		}
		for _, d := range ds {
			if d.State == WebhookPending {
				return false
			}
		}
		return true
	}
}

func createEndpoint(t *testing.T, e *Emulator, url string, events ...string) (id, secret string) {
	t.Helper()
	ev, _ := json.Marshal(events)
	code, body, _ := do(t, e, "POST", "/webhook_endpoints", fmt.Sprintf(`{"endpoint_url":%q,"events":%s}`, url, ev))
	if code != 201 {
		t.Fatalf("create webhook endpoint: %d %s", code, body)
	}
	m := decode(t, body)
	return str(m["id"]), str(m["secret"])
}

// TestWebhookDeliverySignedAndRetried: a user.created event reaches a receiver
// on 127.0.0.1 signed so that the SDK's check passes; the first attempt gets
// 500, the retry 200, and the log (Go API and GET /_emulate/webhooks) shows both.
func TestWebhookDeliverySignedAndRetried(t *testing.T) {
	e := newTest(t, &Options{Webhooks: WebhookOptions{Backoff: 10 * time.Millisecond}})
	rcv := newWebhookReceiver(t, http.StatusInternalServerError)
	epID, secret := createEndpoint(t, e, rcv.URL+"/hooks", "user.created")
	other := newWebhookReceiver(t)
	createEndpoint(t, e, other.URL, "organization.created") // not subscribed to user.created
	code, body, _ := do(t, e, "POST", "/user_management/users", `{"email":"webhook.user@example.com","first_name":"Web <&> Hook"}`)
	if code != 201 {
		t.Fatalf("create user: %d %s", code, body)
	}
	userID := str(decode(t, body)["id"])

	ds := waitDeliveries(t, e, allFinal(1))
	if len(ds) != 1 {
		t.Fatalf("deliveries = %+v, want 1", ds)
	}
	d := ds[0]
	if d.State != WebhookDelivered || d.Event != "user.created" || d.WebhookEndpointID != epID || d.EndpointURL != rcv.URL+"/hooks" {
		t.Errorf("delivery = %+v", d)
	}
	var statuses []int
	for _, a := range d.Attempts {
		statuses = append(statuses, a.Status)
		if a.LatencyMS <= 0 || a.At.IsZero() {
			t.Errorf("attempt %d: latency %v at %v", a.Attempt, a.LatencyMS, a.At)
		}
	}
	if diff := cmp.Diff([]int{500, 200}, statuses); diff != "" {
		t.Errorf("attempt statuses (-want +got):\n%s", diff)
	}
	if d.Attempts[0].Error == "" {
		t.Errorf("the failed attempt has no error")
	}

	got := rcv.received()
	if len(got) != 2 || len(other.received()) != 0 {
		t.Fatalf("receiver got %d posts, the unsubscribed one %d; want 2 and 0", len(got), len(other.received()))
	}
	for i, w := range got {
		if err := verifyLikeNodeSDK(w.signature, w.body, secret); err != nil {
			t.Errorf("post %d: %v", i+1, err)
		}
		if err := verifyLikeNodeSDK(w.signature, w.body, secret+"x"); err == nil {
			t.Errorf("post %d: verifies with the wrong secret", i+1)
		}
		// The SDK also accepts a parsed payload and signs JSON.stringify of it:
		// the body must survive a parse and re-encode unchanged (no \u003c escapes).
		if strings.Contains(w.body, `\u00`) || !strings.Contains(w.body, "Web <&> Hook") {
			t.Errorf("post %d: body escapes HTML characters: %s", i+1, w.body)
		}
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(got[1].body), &ev); err != nil {
		t.Fatal(err)
	}
	data, _ := ev["data"].(map[string]any)
	if ev["event"] != "user.created" || ev["id"] != d.EventID || str(data["id"]) != userID || data["email"] != "webhook.user@example.com" || ev["created_at"] == nil {
		t.Errorf("event body = %s", got[1].body)
	}
	for k := range ev {
		if strings.HasPrefix(k, "_") {
			t.Errorf("event body has the private key %q", k)
		}
	}
	// The delivered event is the one GET /events lists.
	_, evs, _ := do(t, e, "GET", "/events?events=user.created", "")
	if !strings.Contains(evs, d.EventID) {
		t.Errorf("GET /events does not list %s: %s", d.EventID, evs)
	}

	code, logBody, _ := do(t, e, "GET", "/_emulate/webhooks", "")
	var log []WebhookDelivery
	if err := json.Unmarshal([]byte(logBody), &log); code != 200 || err != nil || len(log) != 1 || len(log[0].Attempts) != 2 || log[0].Attempts[0].Status != 500 || log[0].Attempts[1].Status != 200 {
		t.Errorf("GET /_emulate/webhooks: %d %s (%v)", code, logBody, err)
	}
	if code, _, _ := do(t, e, "DELETE", "/_emulate/webhooks", ""); code != 204 {
		t.Errorf("DELETE /_emulate/webhooks: %d", code)
	}
	if _, logBody, _ := do(t, e, "GET", "/_emulate/webhooks", ""); logBody != "[]" {
		t.Errorf("log after reset: %s", logBody)
	}
}

// TestWebhookDeliveryOutcomes covers the other ways a delivery ends.
func TestWebhookDeliveryOutcomes(t *testing.T) {
	t.Run("failed after MaxAttempts", func(t *testing.T) {
		e := newTest(t, &Options{Webhooks: WebhookOptions{Backoff: time.Millisecond, MaxAttempts: 3}})
		rcv := newWebhookReceiver(t, 503, 502, 500, 500)
		createEndpoint(t, e, rcv.URL, "organization.created")
		do(t, e, "POST", "/organizations", `{"name":"Hooked"}`)
		d := waitDeliveries(t, e, allFinal(1))[0]
		if d.State != WebhookFailed || len(d.Attempts) != 3 || len(rcv.received()) != 3 {
			t.Errorf("delivery = %+v, receiver got %d", d, len(rcv.received()))
		}
	})
	t.Run("timeout is retried", func(t *testing.T) {
		e := newTest(t, &Options{Webhooks: WebhookOptions{Backoff: time.Millisecond, Timeout: 2 * time.Second}})
		var n int
		var mu sync.Mutex
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body) // so the server notices the client hanging up
			mu.Lock()
			n++
			first := n == 1
			mu.Unlock()
			if first {
				<-r.Context().Done() // never answers: the attempt times out
			}
		}))
		t.Cleanup(srv.Close)
		createEndpoint(t, e, srv.URL, "organization.created")
		do(t, e, "POST", "/organizations", `{"name":"Slow"}`)
		d := waitDeliveries(t, e, allFinal(1))[0]
		if d.State != WebhookDelivered || len(d.Attempts) != 2 || d.Attempts[0].Status != 0 || !strings.Contains(d.Attempts[0].Error, "no answer within 2s") {
			t.Errorf("delivery = %+v", d)
		}
	})
	t.Run("remote address refused", func(t *testing.T) {
		e := newTest(t, nil)
		for _, u := range []string{"http://192.0.2.10/hook", "https://hooks.example.test/x"} {
			createEndpoint(t, e, u, "organization.created")
		}
		do(t, e, "POST", "/organizations", `{"name":"Remote"}`)
		for _, d := range waitDeliveries(t, e, allFinal(2)) {
			if d.State != WebhookRefused || len(d.Attempts) != 1 || !strings.Contains(d.Attempts[0].Error, "--webhooks-allow-remote") {
				t.Errorf("delivery = %+v", d)
			}
		}
	})
	t.Run("disabled endpoints and replays get nothing", func(t *testing.T) {
		e := newTest(t, nil)
		rcv := newWebhookReceiver(t)
		id, _ := createEndpoint(t, e, rcv.URL, "organization.created")
		if code, body, _ := do(t, e, "PATCH", "/webhook_endpoints/"+id, `{"status":"disabled"}`); code != 200 {
			t.Fatalf("disable: %d %s", code, body)
		}
		do(t, e, "POST", "/organizations", `{"name":"Quiet"}`)
		if code, body, _ := do(t, e, "PATCH", "/webhook_endpoints/"+id, `{"status":"enabled"}`); code != 200 {
			t.Fatalf("enable: %d %s", code, body)
		}
		post := func() {
			req := httptest.NewRequest("POST", "/organizations", strings.NewReader(`{"name":"Once"}`))
			req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
			req.Header.Set("Idempotency-Key", "once")
			e.ServeHTTP(httptest.NewRecorder(), req)
		}
		post()
		post() // a replay emits no event
		ds := waitDeliveries(t, e, allFinal(1))
		if len(ds) != 1 || len(rcv.received()) != 1 {
			t.Errorf("deliveries = %+v, receiver got %d; want 1 (the enabled, first request)", ds, len(rcv.received()))
		}
	})
	t.Run("Close cancels deliveries in flight", func(t *testing.T) {
		before := runtime.NumGoroutine()
		e, err := New(&Options{Webhooks: WebhookOptions{Timeout: time.Minute}})
		if err != nil {
			t.Fatal(err)
		}
		arrived := make(chan struct{}, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			arrived <- struct{}{}
			<-r.Context().Done()
		}))
		t.Cleanup(srv.Close)
		createEndpoint(t, e, srv.URL, "organization.created")
		do(t, e, "POST", "/organizations", `{"name":"Closing"}`)
		<-arrived
		done := make(chan error, 1)
		go func() { done <- e.Close() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Close did not return while a delivery was in flight")
		}
		if ds := e.WebhookDeliveries(); len(ds) != 1 || ds[0].State != WebhookCanceled {
			t.Errorf("deliveries after Close = %+v", ds)
		}
		do(t, e, "POST", "/organizations", `{"name":"After close"}`)
		if ds := e.WebhookDeliveries(); len(ds) != 1 {
			t.Errorf("a delivery was queued after Close: %+v", ds)
		}
		// With the receiver gone too, no goroutine of the emulator is left.
		srv.Close()
		for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
			}
		}
	})
}

func TestSignWebhook(t *testing.T) {
	at := time.UnixMilli(1700000000123)
	got := SignWebhook([]byte(`{"id":"event_1"}`), "whsec_x", at)
	if !strings.HasPrefix(got, "t=1700000000123, v1=") || len(got) != len("t=1700000000123, v1=")+64 {
		t.Errorf("SignWebhook = %q", got)
	}
	now := SignWebhook([]byte(`{"id":"event_1"}`), "whsec_x", time.Now())
	if err := verifyLikeNodeSDK(now, `{"id":"event_1"}`, "whsec_x"); err != nil {
		t.Error(err)
	}
}

// TestWebhookBodyMatchesJSONStringify: the characters encoding/json escapes but
// JSON.stringify does not (<, >, &, U+2028, U+2029) are sent raw, and text that
// only looks like an escape survives.
func TestWebhookBodyMatchesJSONStringify(t *testing.T) {
	for _, v := range []string{"a<b>&c", "line\u2028sep\u2029para", `literal \u2028 text`, `\\u2029`, "quote\"\\back"} {
		body := webhookBody(Object{"data": map[string]any{"v": v}, "_private": 1})
		var back map[string]map[string]string
		if err := json.Unmarshal(body, &back); err != nil || back["data"]["v"] != v {
			t.Errorf("%q: body %s decodes to %q (%v)", v, body, back["data"]["v"], err)
		}
		if strings.Contains(string(body), `\u00`) || strings.Contains(string(body), "_private") {
			t.Errorf("%q: body %s", v, body)
		}
		if strings.ContainsRune(v, '\u2028') && strings.Contains(string(body), `\u2028`) {
			t.Errorf("%q: U+2028 escaped in %s", v, body)
		}
	}
}
