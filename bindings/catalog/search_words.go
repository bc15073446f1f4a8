package catalog

// searchWords are the word lists Search reads queries and titles with. They
// are built with the index on the first search, not at package
// initialisation, so a process that never searches does not pay for them.
type searchWords struct {
	// stopwords are words of a natural-language query that carry no meaning
	// for ranking.
	stopwords map[string]bool

	// questionWords open a question: the query asks to read.
	questionWords map[string]bool

	// readWords say the query wants to see something.
	readWords map[string]bool

	// writeWords say the query wants to change something.
	writeWords map[string]bool

	// actionVerbs are the verbs operation names are built from.
	actionVerbs map[string]bool

	// verbMeaning maps a query's action word to the name verbs it means.
	verbMeaning map[string][]string

	// synonyms are the words agents use for what the WorkOS specification calls
	// otherwise. Each query word also searches for its synonyms, at
	// synonymWeight relative to the word itself.
	synonyms map[string][]string

	// politeWords lead into a command without being part of it ("please", "I
	// want to", "how do I", "can you").
	politeWords map[string]bool

	// phrasalVerbs are two-word verbs, joined into one word before matching; the
	// particle may come after the object ("sign a user out").
	phrasalVerbs map[[2]string]string

	// abbreviations are short forms agents type for the specification's words;
	// they are replaced before matching.
	abbreviations map[string]string

	// nameNoise are name words that tell operations apart only by the API area
	// they belong to, not by what they do: AuthKit's "userland" and the "admin"
	// of the agent admin API (which is not about administrator users).
	nameNoise map[string]bool

	// titlePrepositions end the object phrase of a title.
	titlePrepositions map[string]bool
}

func newSearchWords() *searchWords {
	return &searchWords{
		stopwords: map[string]bool{
			"a": true, "an": true, "the": true, "in": true, "of": true, "for": true, "to": true, "on": true,
			"by": true, "with": true, "all": true, "my": true, "me": true, "how": true, "do": true, "i": true,
			"is": true, "are": true, "be": true, "doe": true, "does": true, "ha": true, "has": true, "have": true,
			"that": true, "this": true, "their": true, "its": true, "it": true, "from": true, "and": true,
			"or": true, "what": true, "which": true, "there": true, "can": true, "any": true, "s": true,
			"many": true, "much": true, "some": true, "them": true, "they": true, "we": true, "our": true, "your": true,
			"exist": true, "exists": true, "available": true, "current": true, "currently": true, "every": true,
			"each": true, "now": true, "please": true, "there's": true, "whether": true, "if": true,
		},
		questionWords: map[string]bool{
			"which": true, "who": true, "whose": true, "what": true, "is": true, "are": true, "does": true,
			"has": true, "have": true, "was": true, "were": true, "where": true, "when": true,
		},
		readWords: map[string]bool{
			"list": true, "show": true, "find": true, "get": true, "view": true, "see": true, "look": true,
			"lookup": true, "read": true, "search": true, "count": true, "fetch": true, "display": true,
			"status": true, "check": true,
		},
		writeWords: map[string]bool{
			"create": true, "add": true, "new": true, "make": true, "delete": true, "remove": true,
			"update": true, "change": true, "rename": true, "set": true, "edit": true, "modify": true,
			"invite": true, "send": true, "resend": true, "revoke": true, "assign": true, "unassign": true,
			"enable": true, "disable": true, "turn": true, "deactivate": true, "reactivate": true,
			"suspend": true, "verify": true, "accept": true, "generate": true, "issue": true, "expire": true,
			"record": true, "store": true, "save": true, "import": true, "export": true, "reset": true,
			"enroll": true, "configure": true, "replace": true, "rotate": true, "encrypt": true, "link": true,
			"upsert": true, "kick": true, "cancel": true, "drop": true, "erase": true, "ban": true, "block": true, "grant": true, "login": true,
			"logout": true, "signin": true, "signout": true, "authenticate": true, "emit": true, "put": true, "write": true,
		},
		actionVerbs: map[string]bool{
			"list": true, "get": true, "find": true, "create": true, "update": true, "delete": true,
			"remove": true, "add": true, "set": true, "revoke": true, "assign": true, "replace": true,
			"enable": true, "disable": true, "verify": true, "accept": true, "resend": true, "send": true,
			"deactivate": true, "reactivate": true, "expire": true, "validate": true, "check": true,
			"read": true, "describe": true, "export": true, "logout": true, "authenticate": true,
		},
		verbMeaning: map[string][]string{
			"list": {"list"}, "show": {"list", "get", "find"}, "find": {"list", "find", "get"},
			"get": {"get", "find", "read"}, "look": {"get", "find", "list"}, "lookup": {"get", "find", "list"},
			"view": {"get", "list"}, "configure": {"configure"}, "login": {"authenticate"}, "signin": {"authenticate"},
			"logout": {"logout", "revoke"}, "signout": {"logout", "revoke"}, "read": {"read", "get"}, "search": {"list"}, "count": {"list"},
			"fetch": {"get", "find", "list"}, "status": {"get"}, "check": {"check", "validate", "get"},
			"create": {"create"}, "add": {"add", "create", "assign"}, "new": {"create"}, "make": {"create", "update"},
			"delete": {"delete", "remove", "revoke"}, "remove": {"delete", "remove", "revoke"}, "kick": {"delete", "remove"},
			"cancel": {"revoke", "delete"}, "drop": {"delete", "remove"}, "erase": {"delete"},
			"update": {"update"}, "change": {"update", "set"}, "rename": {"update"}, "edit": {"update"},
			"modify": {"update"}, "set": {"set", "update"}, "revoke": {"revoke", "delete"},
			"assign": {"assign", "add"}, "grant": {"assign", "add"}, "enable": {"enable"}, "disable": {"disable"},
			"deactivate": {"deactivate"}, "suspend": {"deactivate"}, "reactivate": {"reactivate"},
			"verify": {"verify"}, "accept": {"accept"}, "resend": {"resend"}, "send": {"send", "create"},
			"expire": {"expire"}, "store": {"create"}, "save": {"create", "update"}, "record": {"create"},
			"validate": {"validate"}, "export": {"export", "list"}, "invite": {"create"},
		},
		synonyms: map[string][]string{
			"admin":         {"role"},
			"administrator": {"role", "admin"},
			"invite":        {"invitation"},
			"sso":           {"connection", "sso"},
			"saml":          {"connection", "sso"},
			"oidc":          {"connection", "sso"},
			"audit":         {"audit", "log"},
			"member":        {"membership", "member"},
			"membership":    {"member"},
			"org":           {"organization"},
			"team":          {"organization", "group"},
			"tenant":        {"organization"},
			"customer":      {"organization"},
			"login":         {"authenticate", "session"},
			"signin":        {"authenticate", "session"},
			"logout":        {"logout", "revoke", "session"},
			"signout":       {"logout", "revoke", "session"},
			"remove":        {"delete", "revoke"},
			"delete":        {"remove", "revoke"},
			"cancel":        {"revoke", "delete"},
			"drop":          {"delete", "remove"},
			"erase":         {"delete"},
			"kick":          {"delete", "membership"},
			"suspend":       {"deactivate"},
			"enable":        {"enable"},
			"rename":        {"update", "name"},
			"change":        {"update"},
			"edit":          {"update"},
			"modify":        {"update"},
			"add":           {"create"},
			"new":           {"create"},
			"store":         {"create"},
			"save":          {"create"},
			"record":        {"create"},
			"show":          {"list", "get"},
			"find":          {"list", "get"},
			"look":          {"get", "find"},
			"lookup":        {"get", "find"},
			"who":           {"user", "membership"},
			"people":        {"user"},
			"person":        {"user"},
			"mfa":           {"factor", "authentication"},
			"2fa":           {"factor", "authentication"},
			"totp":          {"factor"},
			"oauth":         {"application", "connect"},
			"app":           {"application"},
			"kept":          {"retention"},
			"keep":          {"retention"},
			"retain":        {"retention"},
			"secret":        {"vault", "object"},
			"export":        {"list"},
			"permission":    {"permission", "authorization"},
			"access":        {"permission", "authorization", "membership"},
			"webhook":       {"webhook", "endpoint"},
			"flag":          {"feature"},
			"token":         {"token"},
			"email":         {"email"},
			"signup":        {"create", "user"},
			"register":      {"create", "user"},
		},
		politeWords: map[string]bool{
			"please": true, "want": true, "need": true, "would": true, "like": true, "you": true,
			"help": true, "let": true, "lets": true, "go": true, "ahead": true,
		},
		phrasalVerbs: map[[2]string]string{
			{"log", "in"}: "login", {"sign", "in"}: "signin", {"log", "out"}: "logout", {"sign", "out"}: "signout",
			{"turn", "on"}: "enable", {"turn", "off"}: "disable", {"switch", "on"}: "enable", {"switch", "off"}: "disable",
			{"look", "up"}: "lookup", {"sign", "up"}: "signup", {"set", "up"}: "configure", {"kick", "out"}: "remove",
		},
		abbreviations: map[string]string{
			"org": "organization", "app": "application", "perm": "permission", "config": "configuration",
			"env": "environment", "msg": "message",
		},
		nameNoise: map[string]bool{"userland": true, "admin": true},
		titlePrepositions: map[string]bool{
			"for": true, "of": true, "in": true, "on": true, "by": true, "from": true, "to": true, "with": true, "and": true,
		},
	}
}
