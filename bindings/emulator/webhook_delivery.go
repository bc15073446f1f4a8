package emulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// WebhookOptions configure the delivery of events to webhook endpoints. The zero
// value delivers to loopback addresses only, makes up to 5 attempts per delivery,
// waits 1 s before the first retry (doubling, at most 1 min) and gives each
// attempt 10 s.
type WebhookOptions struct {
	// MaxAttempts bounds the attempts per delivery, the first one included.
	// Zero: 5. Values below zero mean 1 (no retries).
	MaxAttempts int
	// Backoff is the wait before the first retry; each further retry waits twice
	// as long as the one before, up to 1 min. Zero: 1 s.
	Backoff time.Duration
	// Timeout bounds one attempt (connect, send, response headers and body).
	// Zero: 10 s.
	Timeout time.Duration
	// AllowRemote lets deliveries go to addresses that are not loopback. False:
	// an endpoint that resolves to any other address is not contacted and its
	// delivery is logged as refused.
	AllowRemote bool
}

const (
	webhookDefaultAttempts = 5
	webhookDefaultBackoff  = time.Second
	webhookMaxBackoff      = time.Minute
	webhookDefaultTimeout  = 10 * time.Second
	// webhookLogSize bounds the delivery log; the oldest entries are dropped first.
	webhookLogSize = 1000
	// webhookConcurrency bounds the attempts in flight at once.
	webhookConcurrency = 8
	// WebhookSignatureHeader is the header carrying a delivery's signature.
	WebhookSignatureHeader = "WorkOS-Signature"
)

// Webhook delivery states, as logged in [WebhookDelivery.State].
const (
	WebhookPending   = "pending"   // attempted or waiting for a retry
	WebhookDelivered = "delivered" // the endpoint answered 2xx
	WebhookFailed    = "failed"    // every attempt failed
	WebhookRefused   = "refused"   // the endpoint is not on a loopback address
	WebhookCanceled  = "canceled"  // the emulator closed before it finished
)

// WebhookDelivery is one event sent to one webhook endpoint, as listed by
// GET /_emulate/webhooks.
type WebhookDelivery struct {
	// ID names the delivery ("whd_1", ...), in the order deliveries were queued.
	ID string `json:"id"`
	// EventID and Event are the event's id and type.
	EventID string `json:"event_id"`
	Event   string `json:"event"`
	// WebhookEndpointID and EndpointURL name the endpoint.
	WebhookEndpointID string `json:"webhook_endpoint_id"`
	EndpointURL       string `json:"endpoint_url"`
	// State is pending, delivered, failed, refused or canceled.
	State string `json:"state"`
	// Attempts are the attempts made so far, in order.
	Attempts []WebhookAttempt `json:"attempts"`
}

// WebhookAttempt is one POST of a delivery.
type WebhookAttempt struct {
	// Attempt counts from 1.
	Attempt int `json:"attempt"`
	// At is when the attempt started (wall clock).
	At time.Time `json:"at"`
	// Status is the endpoint's HTTP status; 0 when it gave no answer.
	Status int `json:"status"`
	// LatencyMS is the time to the end of the response, in milliseconds.
	LatencyMS float64 `json:"latency_ms"`
	// Error says why the attempt failed without a status (timeout, refused, ...).
	Error string `json:"error,omitempty"`
}

// webhookJob is a delivery to make: the record it updates and what to send.
type webhookJob struct {
	rec    *WebhookDelivery
	body   []byte
	secret string
}

// webhookDispatcher sends events to webhook endpoints in the background. close
// cancels every delivery in flight and waits for them, so none outlives it.
type webhookDispatcher struct {
	opts   WebhookOptions
	logger *slog.Logger
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	sem    chan struct{}

	mu     sync.Mutex // guards the fields below and every record in log
	closed bool
	seq    int
	log    []*WebhookDelivery
}

func newWebhookDispatcher(o WebhookOptions, log *slog.Logger) *webhookDispatcher {
	if o.MaxAttempts == 0 {
		o.MaxAttempts = webhookDefaultAttempts
	}
	o.MaxAttempts = max(o.MaxAttempts, 1)
	o.Backoff = cmpOr(o.Backoff, webhookDefaultBackoff)
	o.Timeout = cmpOr(o.Timeout, webhookDefaultTimeout)
	d := &webhookDispatcher{opts: o, logger: log, sem: make(chan struct{}, webhookConcurrency)}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	dialer := &net.Dialer{Timeout: o.Timeout}
	if !o.AllowRemote {
		dialer.Control = loopbackOnly
	}
	d.client = &http.Client{
		Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: nil, MaxIdleConnsPerHost: webhookConcurrency},
		// A redirect is an answer that is not 2xx: the delivery is retried, not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return d
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// errRemoteWebhook is the dial error for an endpoint that is not on loopback.
type errRemoteWebhook struct{ addr string }

func (e *errRemoteWebhook) Error() string {
	return fmt.Sprintf("%s is not a loopback address; the emulator delivers webhooks only to loopback unless started with --webhooks-allow-remote (Options.Webhooks.AllowRemote)", e.addr)
}

// loopbackOnly is a dialer Control that refuses every address but loopback. It
// runs after name resolution, so a host name that resolves elsewhere is refused too.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return &errRemoteWebhook{addr: host}
}

// loopbackHost reports whether a URL's host is a loopback address or a
// localhost name. Other names are refused without being resolved, so a refused
// delivery never makes a DNS query; the dialer checks the address again.
func loopbackHost(h string) bool {
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsLoopback()
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// match returns the deliveries of events to the enabled endpoints subscribed to
// them. The caller holds the store's lock; the records are logged as pending.
func (d *webhookDispatcher) match(st *store, events []Object) []webhookJob {
	if len(events) == 0 {
		return nil
	}
	endpoints := st.filter("webhook_endpoints", func(o Object) bool { return str(o["status"]) == "enabled" })
	if len(endpoints) == 0 {
		return nil
	}
	var jobs []webhookJob
	for _, ev := range events {
		name := str(ev["event"])
		var body []byte
		for _, ep := range endpoints {
			if !slices.Contains(strs(ep["events"]), name) {
				continue
			}
			if body == nil {
				body = webhookBody(ev)
			}
			rec := &WebhookDelivery{EventID: str(ev["id"]), Event: name, WebhookEndpointID: str(ep["id"]),
				EndpointURL: str(ep["endpoint_url"]), State: WebhookPending, Attempts: []WebhookAttempt{}}
			jobs = append(jobs, webhookJob{rec: rec, body: body, secret: str(ep["secret"])})
		}
	}
	return jobs
}

// webhookBody is the event as WorkOS posts it. HTML characters, U+2028 and
// U+2029 are not escaped, so that JSON.stringify(JSON.parse(body)) — what the
// Node SDK signs when given a parsed payload — gives back the same bytes.
func webhookBody(ev Object) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(public(ev))
	return unescapeLineSeparators(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// unescapeLineSeparators turns encoding/json's \u2028 and \u2029 escapes back
// into the characters. Escapes are read pairwise from the left, so an escaped
// backslash followed by "u2028" is left alone.
func unescapeLineSeparators(data []byte) []byte {
	if !bytes.Contains(data, []byte(`\u202`)) {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' || i+1 >= len(data) {
			out = append(out, data[i])
			continue
		}
		if rest := data[i+1:]; bytes.HasPrefix(rest, []byte("u2028")) || bytes.HasPrefix(rest, []byte("u2029")) {
			out = append(out, string(rune(0x2020+int(rest[4]-'0')))...)
			i += 5
			continue
		}
		out = append(out, data[i], data[i+1])
		i++
	}
	return out
}

// SignWebhook returns the WorkOS-Signature header value for body signed with
// secret at t: "t=<unix ms>, v1=<hex HMAC-SHA256 of "<unix ms>.<body>">", the
// form WorkOS's SDKs verify (the Node SDK's webhooks.constructEvent).
func SignWebhook(body []byte, secret string, t time.Time) string {
	ms := strconv.FormatInt(t.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ms + "."))
	mac.Write(body)
	return "t=" + ms + ", v1=" + hex.EncodeToString(mac.Sum(nil))
}

// enqueue logs jobs and starts delivering them. After close it drops them.
func (d *webhookDispatcher) enqueue(jobs []webhookJob) {
	if len(jobs) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	for _, j := range jobs {
		d.seq++
		j.rec.ID = "whd_" + strconv.Itoa(d.seq)
		d.log = append(d.log, j.rec)
		if over := len(d.log) - webhookLogSize; over > 0 {
			d.log = slices.Delete(d.log, 0, over)
		}
		d.wg.Add(1)
		go d.deliver(j)
	}
}

// deliver makes the attempts of one delivery.
func (d *webhookDispatcher) deliver(j webhookJob) {
	defer d.wg.Done()
	wait := d.opts.Backoff
	for n := 1; ; n++ {
		select {
		case d.sem <- struct{}{}:
		case <-d.ctx.Done():
			d.finish(j.rec, WebhookCanceled)
			return
		}
		a, err := d.attempt(j, n)
		<-d.sem
		d.mu.Lock()
		j.rec.Attempts = append(j.rec.Attempts, a)
		d.mu.Unlock()
		d.logger.Debug("emulator webhook", "delivery", j.rec.ID, "event", j.rec.Event, "event_id", j.rec.EventID,
			"endpoint", j.rec.EndpointURL, "attempt", n, "status", a.Status, "latency_ms", a.LatencyMS, "error", a.Error)
		var remote *errRemoteWebhook
		switch {
		case a.Status/100 == 2:
			d.finish(j.rec, WebhookDelivered)
			return
		case errors.As(err, &remote):
			d.finish(j.rec, WebhookRefused)
			return
		case d.ctx.Err() != nil:
			d.finish(j.rec, WebhookCanceled)
			return
		case n >= d.opts.MaxAttempts:
			d.finish(j.rec, WebhookFailed)
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-d.ctx.Done():
			t.Stop()
			d.finish(j.rec, WebhookCanceled)
			return
		}
		wait = min(2*wait, webhookMaxBackoff)
	}
}

func (d *webhookDispatcher) finish(rec *WebhookDelivery, state string) {
	d.mu.Lock()
	rec.State = state
	d.mu.Unlock()
}

// attempt POSTs the delivery once, signed at the time of the attempt.
func (d *webhookDispatcher) attempt(j webhookJob, n int) (WebhookAttempt, error) {
	start := time.Now()
	a := WebhookAttempt{Attempt: n, At: start.UTC()}
	ctx, cancel := context.WithTimeout(d.ctx, d.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.rec.EndpointURL, bytes.NewReader(j.body))
	if err != nil {
		a.Error = "the endpoint URL is not valid: " + err.Error()
		return a, err
	}
	if h := req.URL.Hostname(); !d.opts.AllowRemote && !loopbackHost(h) {
		err := &errRemoteWebhook{addr: h}
		a.Error = err.Error()
		return a, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "kosmo-lua-emulator-webhooks")
	req.Header.Set(WebhookSignatureHeader, SignWebhook(j.body, j.secret, start))
	resp, err := d.client.Do(req)
	if err == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		a.Status = resp.StatusCode
	}
	a.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	var remote *errRemoteWebhook
	switch {
	case err == nil && a.Status/100 != 2:
		a.Error = fmt.Sprintf("the endpoint answered %d, not 2xx", a.Status)
	case errors.As(err, &remote):
		a.Error = remote.Error()
	case err != nil && ctx.Err() == context.DeadlineExceeded:
		a.Error = fmt.Sprintf("no answer within %s", d.opts.Timeout)
	case err != nil:
		a.Error = err.Error()
	}
	return a, err
}

// deliveries returns a copy of the delivery log, oldest first.
func (d *webhookDispatcher) deliveries() []WebhookDelivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]WebhookDelivery, len(d.log))
	for i, r := range d.log {
		out[i] = *r
		out[i].Attempts = slices.Clone(r.Attempts)
	}
	return out
}

// resetLog empties the delivery log; deliveries in flight go on unlogged.
func (d *webhookDispatcher) resetLog() {
	d.mu.Lock()
	d.log = nil
	d.mu.Unlock()
}

// close cancels the deliveries in flight and waits for them to end.
func (d *webhookDispatcher) close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
	d.client.CloseIdleConnections()
}
