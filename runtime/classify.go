package runtime

import (
	"context"
	"errors"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
	"github.com/kosmo-lua/kosmo-lua/runtime/internal/textcut"
)

// maxTextBytes caps every message and name copied from a script's run into
// an envelope: a script can raise an error of any size, and the envelope must
// stay small enough to hand back to a model.
const maxTextBytes = 4 << 10

// capText shortens s to maxTextBytes (on a rune boundary), saying how much was cut.
func capText(s string) string {
	if len(s) <= maxTextBytes {
		return s
	}
	kept := textcut.Cut(s, maxTextBytes, "")
	return kept + "… (" + strconv.Itoa(len(s)-len(kept)) + " more bytes)"
}

// lineOf extracts the script line from a gopher-lua error message: the
// "script:12: " position gopher-lua puts at the start, or a "\tscript:12:" line
// of a stack traceback. Numbers elsewhere in a message ("host:8080:") are not
// positions.
func lineOf(msg, name string) int {
	prefix := name + ":"
	for rest, more := msg, true; more; {
		var line string
		line, rest, more = strings.Cut(rest, "\n")
		line = strings.TrimLeft(line, " \t")
		pos, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		if j := strings.IndexByte(pos, ':'); j > 0 {
			if n, err := strconv.Atoi(pos[:j]); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

// classify turns the error that ended a run into an ErrorInfo.
func classify(ctx context.Context, name string, err error) *ErrorInfo {
	if ctx.Err() != nil && !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return &ErrorInfo{Kind: KindCanceled, Message: "the run was canceled by its caller: " + context.Cause(ctx).Error()}
	}
	var le *sandbox.LimitError
	if errors.As(err, &le) {
		return &ErrorInfo{Kind: le.Kind, Message: capText(le.Message), Line: lineOf(err.Error(), name)}
	}
	if errors.Is(err, context.Canceled) {
		return &ErrorInfo{Kind: KindCanceled, Message: "the run was canceled by its caller"}
	}
	if re, ok := workos.ErrorFromLua(err); ok {
		info := workosError(re.Err)
		info.Line = re.Line
		return info
	}
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		if t, ok := ae.Object.(*lua.LTable); ok {
			return tableError(t, ae, name)
		}
		msg := ae.Object.String()
		if ae.Type == lua.ApiErrorSyntax {
			return &ErrorInfo{Kind: KindSyntax, Message: capText(msg), Line: lineOf(msg, name)}
		}
		return &ErrorInfo{Kind: KindRuntime, Message: capText(msg), Line: lineOf(msg, name)}
	}
	return &ErrorInfo{Kind: KindRuntime, Message: capText(err.Error()), Line: lineOf(err.Error(), name)}
}

// workosError describes an error from a workos call or the write policy, from
// the Go error alone.
func workosError(goErr error) *ErrorInfo {
	info := &ErrorInfo{Kind: api.KindOf(goErr), Message: capText(goErr.Error())}
	if info.Kind == api.KindInternal {
		info.Kind = KindRuntime
	}
	var (
		apiErr *api.APIError
		pe     *PolicyError
		ve     *api.ValidationError
	)
	switch {
	case errors.As(goErr, &pe):
		info.Kind = KindDenied
		info.Function = pe.Function
		info.Setting = &Setting{Name: pe.Setting, Value: pe.Entry}
		if pe.Setting == "WritePolicy" || pe.Setting == "DestructivePolicy" {
			info.Setting.Value = string(WriteDeny)
			info.Setting.Account = pe.Account
		}
		info.Hint = "this runtime only allows the functions its host permits; use read functions or ask the host to allow writes"
		if pe.Ask {
			info.Setting.Value = string(WriteAsk)
			info.Hint = "writes need a person's approval here: run the script in plan mode, have the plan reviewed, and apply it"
			if pe.Rejected {
				info.Hint = "a person rejected this write; do not retry it unchanged"
			}
		}
	case errors.As(goErr, &apiErr):
		info.Kind = KindAPI
		info.Status = apiErr.Status
		info.Code = apiErr.Code
		if info.Code == "" {
			info.Code = apiErr.ErrorCode
		}
		info.RequestID = apiErr.RequestID
		if info.Function == "" {
			info.Function = apiErr.Function
		}
		info.Hint = apiHint(apiErr.Status)
		switch {
		case apiErr.Code == api.CodeNotWorkOS:
			info.Hint = "the base URL does not point at the WorkOS API: use https://api.workos.com or the emulator's URL"
			info.Setting = &Setting{Name: "BaseURL"}
		case apiErr.Status == 401:
			info.Setting = &Setting{Name: "APIKey"}
		}
	case errors.As(goErr, &ve):
		info.Kind = KindValidation
		info.Function = ve.Function
		info.Hint = ve.Hint
	}
	return info
}

// apiHint suggests a fix for common API statuses.
func apiHint(status int) string {
	switch {
	case status == 401:
		return "the API key is missing or invalid: the host must supply a valid WorkOS API key"
	case status == 403:
		return "the API key lacks permission for this operation"
	case status == 404:
		return "check the id: list the resources first to find a valid one"
	case status == 409:
		return "the object already exists or conflicts with another; look it up instead of creating it"
	case status == 422:
		return "the API rejected the arguments; see error.message and workos.describe(name)"
	case status == 429:
		return "rate limited after retries; make fewer calls or wait before retrying"
	case status >= 500:
		return "WorkOS failed after retries; try again later"
	}
	return "wrap the call in pcall to handle the error in the script"
}

// tableError describes an error table the script raised itself (error({...})).
func tableError(t *lua.LTable, ae *lua.ApiError, name string) *ErrorInfo {
	info := &ErrorInfo{Kind: KindRuntime}
	if m, ok := t.RawGetString("message").(lua.LString); ok {
		info.Message = capText(string(m))
	} else if data, err := luajson.Encode(t, &luajson.EncodeOptions{MaxBytes: 4096}); err == nil {
		info.Message = "error object: " + string(data)
	} else {
		info.Message = capText(ae.Error())
	}
	if n, ok := t.RawGetString("line").(lua.LNumber); ok {
		info.Line = int(n)
	} else {
		// error(table) carries no position; the traceback does.
		info.Line = lineOf(ae.StackTrace, name)
	}
	if c, ok := t.RawGetString("code").(lua.LString); ok {
		info.Code = capText(string(c))
	}
	return info
}
