package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// ApplyReport says how a run of [Runtime.Apply] followed its plan.
type ApplyReport struct {
	// PlanDigest is the applied plan's Digest.
	PlanDigest string `json:"plan_digest"`
	// Planned counts the plan's writes; Applied those sent.
	Planned int `json:"planned"`
	Applied int `json:"applied"`
	// Unapplied lists the steps the script did not reach (its reads came
	// back differently than when it was planned).
	Unapplied []int `json:"unapplied,omitempty"`
	// Bindings maps each placeholder to the real id it stood for.
	Bindings map[string]string `json:"bindings,omitempty"`
	// Divergence is the write that did not match the plan; the run stopped
	// before sending it.
	Divergence *Divergence `json:"divergence,omitempty"`
}

// Divergence is a write an applied script made that its plan did not hold.
type Divergence struct {
	// Step is the plan's next write (0 when the plan had none left).
	Step int `json:"step"`
	// Reason says how the write differs.
	Reason string `json:"reason"`
	// Expected is the plan's next write, its placeholders bound; Got the
	// write the script made.
	Expected *DivergentCall `json:"expected,omitempty"`
	Got      DivergentCall  `json:"got"`
}

// DivergentCall is one side of a [Divergence].
type DivergentCall struct {
	Function  string          `json:"function"`
	Account   string          `json:"account"`
	Arguments json.RawMessage `json:"arguments"`
}

// DivergenceError is the error a script's write gets when it departs from
// the plan being applied; nothing was sent.
type DivergenceError struct{ Divergence *Divergence }

// Error says which step the write departs from and how.
func (e *DivergenceError) Error() string {
	d := e.Divergence
	if d.Step == 0 {
		return fmt.Sprintf("plan: %s is a write beyond the plan (%s); nothing was sent — plan the run again and review the new plan", d.Got.Function, d.Reason)
	}
	return fmt.Sprintf("plan: %s departs from step %d of the plan (%s); nothing was sent — plan the run again and review the new plan", d.Got.Function, d.Step, d.Reason)
}

// Kind reports the error kind: the host refused the write.
func (e *DivergenceError) Kind() string { return KindDenied }

// applyState is the plan being applied and how far it got.
type applyState struct {
	plan  *Plan
	used  []bool
	bound map[string]string
	// divergence is the first departure; every later write is refused too.
	divergence *Divergence
	applied    int
}

// planArguments is a call's arguments as canonical JSON, access tokens
// redacted: what a plan stores and what applying compares.
func planArguments(args map[string]any) json.RawMessage {
	if _, ok := args[api.ArgAccessToken]; ok {
		args = maps.Clone(args)
		args[api.ArgAccessToken] = "[REDACTED]"
	}
	data, err := canonicalValue(args)
	if err != nil {
		data, _ = json.Marshal(map[string]string{"unencodable": err.Error()})
	}
	return data
}

// match finds the plan's write that a call is: the next unapplied one, or
// for a batched call any of the run of batched writes that starts there.
func (s *applyState) match(fn, account string, args json.RawMessage, batch bool) (*PlannedWrite, *Divergence) {
	got := DivergentCall{Function: fn, Account: account, Arguments: args}
	if s.divergence != nil {
		return nil, &Divergence{Step: s.divergence.Step, Reason: "the run departed from the plan already", Got: got}
	}
	first := -1
	for i := range s.plan.Writes {
		if !s.used[i] {
			first = i
			break
		}
	}
	if first < 0 {
		s.divergence = &Divergence{Reason: fmt.Sprintf("all %d planned writes were applied", len(s.plan.Writes)), Got: got}
		return nil, s.divergence
	}
	for i := first; i < len(s.plan.Writes); i++ {
		w := &s.plan.Writes[i]
		if i > first && !(batch && w.Batch) {
			break
		}
		if s.used[i] {
			continue
		}
		if w.Function == fn && w.Account == account && bytes.Equal(s.expected(w), args) {
			s.used[i] = true
			s.applied++
			return w, nil
		}
		if !batch || !w.Batch {
			break
		}
	}
	w := &s.plan.Writes[first]
	exp := &DivergentCall{Function: w.Function, Account: w.Account, Arguments: s.expected(w)}
	reason := "its arguments differ"
	switch {
	case w.Function != fn:
		reason = fmt.Sprintf("the plan's next write is %s", w.Function)
	case w.Account != account:
		reason = fmt.Sprintf("the plan's next write goes to account %q", w.Account)
	}
	s.divergence = &Divergence{Step: w.Step, Reason: reason, Expected: exp, Got: got}
	return nil, s.divergence
}

// expected is w's arguments with the placeholders bound so far replaced by
// the real ids.
func (s *applyState) expected(w *PlannedWrite) json.RawMessage {
	if len(w.Uses) == 0 {
		return w.Arguments
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(w.Arguments))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return w.Arguments
	}
	v = replaceStrings(v, func(str string) string {
		for _, ph := range w.Uses {
			if real, ok := s.bound[ph]; ok {
				str = replaceToken(str, ph, real)
			}
		}
		return str
	})
	data, err := canonicalValue(v)
	if err != nil {
		return w.Arguments
	}
	return data
}

// bind records the real ids a sent write's answer holds for its
// placeholders.
func (s *applyState) bind(w *PlannedWrite, res *api.Result) {
	if len(w.Creates) == 0 || res == nil {
		return
	}
	v, err := res.JSON()
	if err != nil {
		return
	}
	for _, p := range w.Creates {
		if id, ok := valueAt(v, p.Path); ok {
			if str, ok := id.(string); ok {
				s.bound[p.ID] = str
			}
		}
	}
}

// replaceStrings rebuilds a JSON-shaped value with fn applied to its strings.
func replaceStrings(v any, fn func(string) string) any {
	switch x := v.(type) {
	case string:
		return fn(x)
	case map[string]any:
		for k, e := range x {
			x[k] = replaceStrings(e, fn)
		}
	case []any:
		for i, e := range x {
			x[i] = replaceStrings(e, fn)
		}
	}
	return v
}

// replaceToken replaces tok in s where it is not followed by a digit.
func replaceToken(s, tok, with string) string {
	var b strings.Builder
	for {
		j := strings.Index(s, tok)
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := j + len(tok)
		b.WriteString(s[:j])
		if end < len(s) && s[end] >= '0' && s[end] <= '9' {
			b.WriteString(tok)
		} else {
			b.WriteString(with)
		}
		s = s[end:]
	}
}

// applyWrite sends a write if it is the plan's next one, with its
// placeholders bound; otherwise it stops the run before sending anything.
func (c *gatedCaller) applyWrite(ctx context.Context, g *gate, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	if _, refused := c.refusable(op, args); refused {
		return c.exec.Call(ctx, op, args, batch)
	}
	g.mu.Lock()
	w, div := g.apply.match(op.Name, c.a.name, planArguments(args), batch)
	g.mu.Unlock()
	if div != nil {
		err := &DivergenceError{Divergence: div}
		c.l.markDenied()
		c.exec.Reject(op, err, batch)
		g.noteWrite(c.a, op, nil, err, "")
		if g.stop != nil {
			g.stop(err)
		}
		return nil, err
	}
	send := args
	if _, own := args[api.ArgIdempotencyKey]; !own && w.IdempotencyKey != "" && writesMethod(op.Method) {
		send = maps.Clone(args)
		send[api.ArgIdempotencyKey] = w.IdempotencyKey
	}
	by := planApprover(ctx)
	res, err := c.exec.Call(withApproval(ctx, by), op, send, batch)
	if err == nil {
		g.mu.Lock()
		g.apply.bind(w, res)
		g.mu.Unlock()
	}
	g.noteWrite(c.a, op, res, err, by)
	return res, err
}

// report is the apply state as the envelope shows it.
func (s *applyState) report() *ApplyReport {
	r := &ApplyReport{PlanDigest: s.plan.Digest, Planned: len(s.plan.Writes), Applied: s.applied, Divergence: s.divergence}
	for i, used := range s.used {
		if !used {
			r.Unapplied = append(r.Unapplied, s.plan.Writes[i].Step)
		}
	}
	if len(s.bound) > 0 {
		r.Bindings = maps.Clone(s.bound)
	}
	return r
}
