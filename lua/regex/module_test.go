package regex

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// eval runs src (a chunk that returns one value) with the module as the
// global regex and returns the value as JSON, or the error's message.
func eval(t *testing.T, opts *Options, src string) (string, error) {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	if opts != nil && opts.Context != nil {
		L.SetContext(opts.Context)
	}
	L.SetGlobal("regex", New(opts).Table(L))
	if err := L.DoString(src); err != nil {
		return "", err
	}
	b, err := luajson.Encode(L.Get(-1), nil)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return string(b), nil
}

func TestMatchFlagsAndCaptures(t *testing.T) {
	cases := []evalCase{
		{"delimited with i", `return regex.match("ACME-42", "/^acme-(\\d+)$/i")`, `["ACME-42","42"]`},
		{"no match is nil", `return regex.match("acme", "/^x/")`, `null`},
		{"flags argument", `return regex.match("ACME", "/acme/", "i")`, `["ACME"]`},
		{"hash delimiter", `return regex.match("a/b", "#a/(b)#")`, `["a/b","b"]`},
		{"bracket delimiters", `return regex.match("abc", "{a(b)c}")`, `["abc","b"]`},
		{"escaped delimiter", `return regex.match("a/b", "/a\\/b/")`, `["a/b"]`},
		{"m flag", `return regex.match("x\nfoo", "/^foo$/m")`, `["foo"]`},
		{"without m ^ is the start", `return regex.match("x\nfoo", "/^foo$/")`, `null`},
		{"s flag", `return regex.match("a\nb", "/a.b/s")`, `["a\nb"]`},
		{"without s . stops at newline", `return regex.match("a\nb", "/a.b/")`, `null`},
		{"x flag strips space and comments", "return regex.match(\"ab12\", \"/ a b # letters\\n (\\\\d+) /x\")", `["ab12","12"]`},
		{"U flag is ungreedy", `return regex.match("aaa", "/a+/U")`, `["a"]`},
		{"A flag anchors", `return regex.match("xa", "/a/A")`, `null`},
		{"u flag accepted", `return regex.match("héllo", "/h.llo/u")`, `["héllo"]`},
		{"named groups", `local m = regex.match("2026-12-01", "/(?P<y>\\d+)-(?<m>\\d+)-(?'d'\\d+)/") return {m[1], m[2], m.y, m.m, m.d}`, `["2026-12-01","2026","2026","12","01"]`},
		{"unmatched inner group is empty", `return regex.match("ac", "/a(b)?(c)/")`, `["ac","","c"]`},
		{"unmatched trailing group is dropped", `return regex.match("a", "/a(b)?/")`, `["a"]`},
		{"leading whitespace before delimiter", `return regex.match("x", "  /x/")`, `["x"]`},
	}
	runEvalCases(t, cases)
}

func TestMatchAll(t *testing.T) {
	cases := []evalCase{
		{"pattern order", `local m, n = regex.match_all("a1 b2 c3", "/([a-z])(\\d)/") return {m, n}`, `[[["a1","b2","c3"],["a","b","c"],["1","2","3"]],3]`},
		{"no matches gives empty lists", `local m, n = regex.match_all("xyz", "/(\\d)/") return {m, n}`, `[[[],[]],0]`},
		{"named group lists", `local m = regex.match_all("k=1 j=2", "/(?P<key>\\w)=(\\d)/") return m.key`, `["k","j"]`},
		{"empty matches", `local m, n = regex.match_all("abc", "/x*/") return n`, `4`},
		{"empty match after a match, as in PHP", `local m = regex.match_all("aab", "/a*/") return m[1]`, `["aa","",""]`},
		{"^ only at the start", `local m, n = regex.match_all("aaa", "/^a/") return n`, `1`},
		{"\\b sees the previous character", `local m = regex.match_all("ab ab", "/\\bab/") return m[1]`, `["ab","ab"]`},
		{"multiline ^", `local m = regex.match_all("a\nb\nc", "/^\\w/m") return m[1]`, `["a","b","c"]`},
		{"unicode", `local m = regex.match_all("é-ü", "/\\pL/u") return m[1]`, `["é","ü"]`},
	}
	runEvalCases(t, cases)
}

func TestGsub(t *testing.T) {
	cases := []evalCase{
		{"dollar references", `return {regex.gsub("acme-42", "/(\\w+)-(\\d+)/", "$2:$1")}`, `["42:acme",1]`},
		{"braced and backslash references", `return {regex.gsub("ab", "/(a)(b)/", "${2}x\\1")}`, `["bxa",1]`},
		{"$0 is the whole match", `return (regex.gsub("ab", "/b/", "[$0]"))`, `"a[b]"`},
		{"missing group is empty", `return (regex.gsub("ab", "/b/", "[$3]"))`, `"a[]"`},
		{"literal dollar", `return (regex.gsub("a", "/a/", "$x\\y"))`, `"$x\\y"`},
		{"limit", `return {regex.gsub("aaa", "/a/", "b", 2)}`, `["bba",2]`},
		{"limit zero", `return {regex.gsub("aaa", "/a/", "b", 0)}`, `["aaa",0]`},
		{"negative limit is all", `return {regex.gsub("aaa", "/a/", "b", -1)}`, `["bbb",3]`},
		{"function gets the match table", `return (regex.gsub("a1 b2", "/([a-z])(\\d)/", function(m) return m[3] .. m[2] end))`, `"1a 2b"`},
		{"function nil removes", `return (regex.gsub("a1b", "/\\d/", function(m) end))`, `"ab"`},
		{"function number", `return (regex.gsub("a1", "/\\d/", function(m) return tonumber(m[1]) + 1 end))`, `"a2"`},
		{"table by first group", `return (regex.gsub("$name is $age", "/\\$(\\w+)/", {name = "Ann", age = 7}))`, `"Ann is 7"`},
		{"table by whole match, missing keeps", `return (regex.gsub("a b c", "/\\w/", {a = "1", c = false}))`, `"1 b c"`},
		{"case-insensitive replace", `return (regex.gsub("Acme ACME", "/acme/i", "x"))`, `"x x"`},
		{"empty matches", `return (regex.gsub("abc", "/x*/", "-"))`, `"-a-b-c-"`},
		{"empty match after a match, as in PHP", `return (regex.gsub("aab", "/a*/", "-"))`, `"--b-"`},
	}
	runEvalCases(t, cases)
}

// TestRefusedFeatures: a PCRE feature RE2 lacks is named in the error, with
// its offset and a fix.
func TestRefusedFeatures(t *testing.T) {
	cases := []struct{ pattern, feature string }{
		{`/(a)\1/`, "back-reference"},
		{`/(?<n>a)\k<n>/`, "back-reference"},
		{`/(a)\g1/`, "back-reference"},
		{`/(?P<n>a)(?P=n)/`, "back-reference"},
		{`/a(?=b)/`, "look-ahead"},
		{`/a(?!b)/`, "look-ahead"},
		{`/(?<=a)b/`, "look-behind"},
		{`/(?<!a)b/`, "look-behind"},
		{`/a++/`, "possessive quantifier"},
		{`/a*+/`, "possessive quantifier"},
		{`/a{2}+/`, "possessive quantifier"},
		{`/(?>a+)b/`, "atomic group"},
		{`/(a|(?R))/`, "recursion"},
		{`/(a)(?1)/`, "recursion"},
		{`/(?&x)/`, "recursion"},
		{`/(?(1)a|b)/`, "conditional group"},
		{`/a(*SKIP)b/`, "control verb"},
		{`/a\Kb/`, `\K`},
		{`/\Ga/`, `\G`},
		{`/(?x) a/`, "inline x flag"},
		{`/\R/`, "escape sequence"},
		{`/a\Z/`, `\Z`},
	}
	for _, c := range cases {
		t.Run(c.pattern, func(t *testing.T) {
			_, err := compile(c.pattern, "")
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("compile(%q) = %v, want a *PatternError", c.pattern, err)
			}
			if !strings.Contains(pe.Feature, c.feature) || !strings.Contains(pe.Error(), "RE2") || pe.Offset < 0 {
				t.Errorf("error %q (feature %q, offset %d) does not name %q", pe.Error(), pe.Feature, pe.Offset, c.feature)
			}
		})
	}
	// Escaped or in-class look-alikes are fine.
	for _, p := range []string{`/\(?=a\)/`, `/[(?=]/`, `/a\++/`, `/a+?/`, `/\Qa++\E/`} {
		if _, err := compile(p, ""); err != nil {
			t.Errorf("compile(%q): %v", p, err)
		}
	}
}

func TestPatternErrors(t *testing.T) {
	cases := []struct{ pattern, flags, want string }{
		{`abc`, "", "needs PCRE delimiters"},
		{``, "", "empty pattern"},
		{`/abc`, "", "no ending delimiter"},
		{`/a/q`, "", "unknown modifier"},
		{`/a/`, "e", "e modifier"},
		{`/a(/`, "", "invalid pattern"},
		{`/a\`, "", "no ending delimiter"},
	}
	for _, c := range cases {
		_, err := compile(c.pattern, c.flags)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("compile(%q, %q) = %v, want an error containing %q", c.pattern, c.flags, err, c.want)
		}
	}
}

func TestLimits(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		src  string
		want string
	}{
		{"pattern length", Options{MaxPatternBytes: 8}, `return regex.match("a", "/aaaaaaaaaa/")`, "the pattern is 12 bytes; the limit is 8"},
		{"subject length", Options{MaxSubjectBytes: 4}, `return regex.match("aaaaa", "/a/")`, "the subject is 5 bytes; the limit is 4"},
		{"match_all count", Options{MaxMatches: 3}, `return regex.match_all("aaaa", "/a/")`, "more than 3 matches"},
		{"gsub count", Options{MaxMatches: 3}, `return regex.gsub("aaaa", "/a/", "b")`, "more than 3 replacements"},
		{"gsub result size", Options{CheckSize: func(L *lua.LState, what string, size int) {
			if size > 10 {
				L.RaiseError("%s: too large (%d)", what, size)
			}
		}}, `return regex.gsub("aaaa", "/a/", "bbbb")`, "regex.gsub: too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := eval(t, &c.opts, c.src)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestDeadlineStopsLongSearches: a search over a large subject with a large
// pattern stops soon after the context is done.
func TestDeadlineStopsLongSearches(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	stopped := false
	opts := &Options{Context: ctx, Interrupted: func(L *lua.LState) {
		stopped = true
		L.RaiseError("interrupted")
	}}
	src := `local p = "/(" .. string.rep("a?", 500) .. string.rep("a", 500) .. ")+$/"
return regex.match_all(string.rep("a", 2000000) .. "b", p)`
	done := make(chan error, 1)
	go func() {
		_, err := eval(t, opts, src)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !stopped {
			t.Fatalf("got %v (interrupted: %v), want the interruption", err, stopped)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the search did not stop within 60s of its deadline")
	}
}

// evalCase is a script and the JSON of what it returns.
type evalCase struct{ name, src, want string }

// runEvalCases runs each case's script in a sandbox with the regex module
// and compares its result.
func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := eval(t, nil, c.src)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
