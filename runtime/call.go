package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Call runs one catalog function with JSON-compatible arguments, without Lua:
// the same validation, write policy, retries and dry-run as a script's call. The
// name may be canonical, a seed name or an unambiguous title alias. Failures are
// reported in the CallResult (Success false); the error is non-nil only for a
// nil context. The call goes to the default account; see [Runtime.CallAccount].
func (r *Runtime) Call(ctx context.Context, name string, args map[string]any) (*CallResult, error) {
	return r.CallAccount(ctx, "", name, args)
}

// CallAccount is [Runtime.Call] on a named account (a key of
// Options.Accounts; "", "default" and Options.Account are the default
// account), under that account's write policy. An unknown account is
// reported in the CallResult, with the configured ones.
func (r *Runtime) CallAccount(ctx context.Context, account, name string, args map[string]any) (*CallResult, error) {
	if ctx == nil {
		return nil, errors.New("runtime: Call needs a non-nil context")
	}
	start := time.Now()
	res := &CallResult{Function: name, Data: json.RawMessage("null"), Meta: CallMeta{DryRun: r.opts.DryRun, Account: r.opts.Account}}
	if account != "" && account != r.dflt.name && account != DefaultAccountName {
		res.Meta.Account = account
	}
	done := func(info *ErrorInfo) (*CallResult, error) {
		res.DurationMS = ms(time.Since(start))
		if info != nil {
			if info.Hint == "" {
				info.Hint = hintFor(info.Kind)
			}
			res.Error = capInfo(info)
			res.Success = false
			res.Data = json.RawMessage("null")
		} else {
			res.Success = true
		}
		return res, nil
	}
	acct, err := r.accountNamed(account)
	if err != nil {
		return done(&ErrorInfo{Kind: KindUnknownFunction, Message: err.Error(), Function: name, Setting: &Setting{Name: "Account", Value: capText(account)},
			Hint: "use one of the configured accounts, or ask the host to add this one"})
	}
	op, err := r.catalog().Lookup(name)
	if err != nil {
		return done(&ErrorInfo{Kind: KindUnknownFunction, Message: err.Error(), Function: name,
			Hint: "use a canonical name from the catalog (list or search the functions)"})
	}
	res.Function = op.Name
	res.Meta.Access = string(op.Access)
	res.Meta.Operation = "write"
	if op.Access == catalog.Read {
		res.Meta.Operation = "read"
	}
	if perr := r.accountPolicyError(acct, op); perr != nil {
		return done(workosError(perr))
	}
	by, info := r.approveCall(ctx, acct, op, args)
	if info != nil {
		return done(info)
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	if args == nil {
		args = map[string]any{}
	}
	ctx, endSpan := r.traceCall(ctx, acct.name, op)
	out, err := acct.client.Do(ctx, op, args)
	endSpan(out, err)
	r.journalCall(ctx, acct, op, out, err, by)
	if err != nil {
		var apiErr *api.APIError
		if errors.As(err, &apiErr) {
			st := apiErr.Status
			res.Meta.Status = &st
			res.Meta.RequestID = apiErr.RequestID
		}
		info := workosError(err)
		if info.Function == "" {
			info.Function = op.Name
		}
		return done(info)
	}
	if out.Status != 0 {
		st := out.Status
		res.Meta.Status = &st
	}
	res.Meta.RequestID = out.RequestID
	res.Data = resultData(out)
	return done(nil)
}

// resultData renders a call's answer the way the Lua module returns it (see
// api.Result.Answer).
func resultData(res *api.Result) json.RawMessage {
	v, ok := res.Answer()
	if !ok {
		body := bytes.TrimSpace(res.Body)
		if json.Valid(body) {
			return json.RawMessage(body)
		}
		v = res.RawAnswer()
	}
	data, _ := json.Marshal(v)
	return data
}
