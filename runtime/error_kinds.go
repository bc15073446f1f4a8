package runtime

// ErrorKindDoc documents one error kind for the guides: the errors guide's
// table is rendered from [ErrorKinds], so it names every kind the runtime
// reports and no other.
type ErrorKindDoc struct {
	// Kind is the value of [ErrorInfo.Kind] (and of a caught error's kind).
	Kind string
	// Outcome is the run's outcome when the kind ends it ([OutcomeOf]).
	Outcome Outcome
	// When says what causes it, in a few words of Markdown.
	When string
}

// ErrorKinds returns every error kind a run or a caught call can report, in
// the order the errors guide lists them.
func ErrorKinds() []ErrorKindDoc {
	kinds := []ErrorKindDoc{
		{Kind: KindAPI, When: "WorkOS answered 4xx/5xx (`status`, `code`, `message`, `request_id`)"},
		{Kind: KindNetwork, When: "no answer (connection failed, reset) after retries"},
		{Kind: KindValidation, When: "a missing or mistyped argument, caught before sending"},
		{Kind: KindDenied, When: "the server's policy refuses the function (see `limits`)"},
		{Kind: KindUnknownFunction, When: "no such workos function; the message suggests names"},
		{Kind: KindSyntax, When: "the script does not parse, with `line`"},
		{Kind: KindRuntime, When: "a Lua error (`error(...)`, indexing nil ...), with `line`"},
		{Kind: KindTimeout, When: "the run's wall-clock limit fired (see `limits`)"},
		{Kind: KindMemoryLimit, When: "the run's memory limit fired, or too many coroutines"},
		{Kind: KindCallLimit, When: "more WorkOS calls than the run's budget"},
		{Kind: KindOutputLimit, When: "print output over its cap"},
		{Kind: KindStackOverflow, When: "recursion too deep"},
		{Kind: KindScriptTooLarge, When: "the script is over the size limit; nothing ran"},
		{Kind: KindScriptTooComplex, When: "nesting or expression chains too deep to compile; nothing ran"},
		{Kind: KindCanceled, When: "the caller cancelled the run (an MCP client's cancel, Ctrl-C)"},
		{Kind: KindWorkerCrashed, When: "the worker process died; the host and other runs are unaffected"},
	}
	for i := range kinds {
		kinds[i].Outcome = OutcomeOf(kinds[i].Kind)
	}
	return kinds
}
