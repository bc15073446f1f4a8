package sandbox

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"
)

// sourceOutcome is what CheckSource says about a script, comparable with
// cmp.Diff (the message is checked separately).
type sourceOutcome struct {
	Kind         string // "" when accepted
	Line, Column int
}

func outcomeOf(e *SourceError) sourceOutcome {
	if e == nil {
		return sourceOutcome{}
	}
	return sourceOutcome{Kind: e.Kind, Line: e.Line, Column: e.Column}
}

func flatTable(n int) string {
	var b strings.Builder
	b.WriteString("local t = {")
	for i := range n {
		b.WriteString(strconv.Itoa(i))
		b.WriteString(", ")
	}
	b.WriteString("}\nreturn #t")
	return b.String()
}

func TestCheckSource(t *testing.T) {
	deepParens := "return " + strings.Repeat("(", 201) + "1" + strings.Repeat(")", 201)
	tests := []struct {
		name    string
		src     string
		lim     SourceLimits
		want    sourceOutcome
		message string // a substring of the message
	}{
		{name: "empty", src: ""},
		{name: "plain", src: "local x = 1\nreturn x + 2"},
		{name: "flat table of 50k numbers", src: flatTable(50_000)},
		{name: "table of 5k records", src: "return {" + strings.Repeat("{id = 1, name = \"a\", tags = {\"x\", \"y\"}},\n", 5000) + "}"},
		{name: "5k statements", src: strings.Repeat("x = x + 1 print(x) t[x] = f(x):g()\n", 5000)},
		{name: "100 blocks and 100 brackets", src: strings.Repeat("do ", 100) + "x = " + strings.Repeat("{", 100) + strings.Repeat("}", 100) + strings.Repeat(" end", 100)},
		{name: "200 nested brackets", src: "return " + strings.Repeat("(", 199) + "1" + strings.Repeat(")", 199)},
		{name: "nesting sums brackets and blocks", src: strings.Repeat("do ", 100) + "x = " + strings.Repeat("{", 101) + strings.Repeat("}", 101) + strings.Repeat(" end", 100),
			want: sourceOutcome{KindSourceTooComplex, 1, 405}, message: "more than 200 nested brackets"},
		{name: "brackets in strings and comments", src: "local s = \"((((\" .. '{{{{' .. [[ [[ (((( ]] .. [==[ ]] ]=] (((( ]==]\n-- ((((\n--[[ ((((\n]] --[=[ ]] (((( ]=]\nreturn s" + strings.Repeat(" -- (\n", 1000)},
		{name: "escapes in strings", src: `local s = "\"(((" .. '\'(((' .. "\\" .. "a\
b(((" return s`},
		{name: "long string with 100k brackets", src: "return [==[" + strings.Repeat("([{", 100_000) + "]==]"},
		{name: "long comment with 100k operators", src: "--[[" + strings.Repeat("..x", 100_000) + "]]\nreturn 1"},
		{name: "256-link chain", src: "return x" + strings.Repeat(".a", 256)},
		{name: "chains reset at commas", src: "return f(" + strings.Repeat("a .. b .. c, ", 1000) + "d)"},
		{name: "unary minus after an operand is binary", src: "return 1" + strings.Repeat(" - 1", 200)},
		{name: "numbers with exponents", src: "return 1e-5 - 2E+3 - 0x1F - .5 - 3."},
		{name: "labels and goto", src: "::top:: goto top"},

		{name: "too large", src: strings.Repeat("x = 1\n", 20), lim: SourceLimits{MaxBytes: 100},
			want: sourceOutcome{KindSourceTooLarge, 17, 5}, message: "the limit is 100 bytes"},
		{name: "201 nested parens", src: deepParens,
			want: sourceOutcome{KindSourceTooComplex, 1, 208}, message: "more than 200 nested brackets"},
		{name: "deep tables", src: "return " + strings.Repeat("{", 300),
			want: sourceOutcome{KindSourceTooComplex, 1, 208}, message: "build deeply nested tables in a loop"},
		{name: "deep blocks", src: strings.Repeat("do\n", 201),
			want: sourceOutcome{KindSourceTooComplex, 201, 1}, message: "mostly blocks"},
		{name: "deep functions", src: strings.Repeat("local function f() ", 201),
			want: sourceOutcome{KindSourceTooComplex, 1, 3798}, message: "local functions"},
		{name: "run of #", src: "return " + strings.Repeat("#", 600) + "x",
			want: sourceOutcome{KindSourceTooComplex, 1, 208}, message: "unary operators"},
		{name: "run of unary minus", src: "return " + strings.Repeat("- ", 300) + "x",
			want: sourceOutcome{KindSourceTooComplex, 1, 408}, message: "unary operators"},
		{name: "run of not", src: "return " + strings.Repeat("not ", 300) + "x",
			want: sourceOutcome{KindSourceTooComplex, 1, 808}, message: "unary operators"},
		{name: "concat chain", src: "local x = 'a' return x" + strings.Repeat(" .. x", 100_000),
			want: sourceOutcome{KindSourceTooComplex, 1, 1304}, message: "split the expression into locals"},
		{name: "field chain", src: "return x" + strings.Repeat(".a", 257),
			want: sourceOutcome{KindSourceTooComplex, 1, 521}, message: "more than 256"},
		{name: "call chain", src: "return f" + strings.Repeat("()", 300),
			want: sourceOutcome{KindSourceTooComplex, 1, 521}, message: "calls"},
		{name: "method chain", src: "return o" + strings.Repeat(":m()", 200),
			want: sourceOutcome{KindSourceTooComplex, 1, 521}, message: "calls"},
		{name: "string call chain", src: "return f" + strings.Repeat(`"s"`, 300),
			want: sourceOutcome{KindSourceTooComplex, 1, 777}, message: "calls"},
		{name: "chain continued through brackets", src: "return " + strings.Repeat("(x + x + ", 150) + "x" + strings.Repeat(")", 150),
			want: sourceOutcome{KindSourceTooComplex, 1, 1486}, message: "counting nested parts"},
		{name: "elseif chain", src: "if x then " + strings.Repeat("elseif x then ", 300) + "end",
			want: sourceOutcome{KindSourceTooComplex, 1, 3595}, message: "elseif"},
		{name: "custom chain limit", src: "return a + b + c", lim: SourceLimits{MaxChain: 1},
			want: sourceOutcome{KindSourceTooComplex, 1, 14}, message: "more than 1 operators"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSource(tt.src, tt.lim)
			if diff := cmp.Diff(tt.want, outcomeOf(err)); diff != "" {
				t.Errorf("CheckSource mismatch (-want +got):\n%s\nerror: %v", diff, err)
			}
			if err != nil && !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not contain %q", err, tt.message)
			}
		})
	}
}

// TestCheckSourceAcceptsRepoLua checks every Lua script of the repository:
// examples/*.lua, the hostile corpus, and every Go string literal in the
// repository's test files that gopher-lua parses as a Lua chunk.
func TestCheckSourceAcceptsRepoLua(t *testing.T) {
	root := filepath.Join("..", "..")
	var scripts, literals int
	check := func(name, src string) {
		t.Helper()
		if err := CheckSource(src, SourceLimits{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n != "." && n != ".." && strings.HasPrefix(n, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(path, ".lua"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			scripts++
			check(path, string(src))
		case strings.HasSuffix(path, "_test.go"):
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil || len(s) < 8 || len(s) > 1<<16 {
					return true
				}
				L := lua.NewState(lua.Options{SkipOpenLibs: true})
				defer L.Close()
				if _, err := L.LoadString(s); err != nil {
					return true // not Lua
				}
				literals++
				check(path+": "+strconv.Quote(s[:min(len(s), 60)]), s)
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scripts < 50 || literals < 200 {
		t.Fatalf("checked %d scripts and %d literals; the walk missed the repository", scripts, literals)
	}
	t.Logf("checked %d Lua files and %d Lua literals in test files", scripts, literals)
}

// TestSourceLimitsBoundCompile compiles the worst scripts CheckSource
// accepts at each limit and checks that gopher-lua handles them quickly.
func TestSourceLimitsBoundCompile(t *testing.T) {
	chain := func(op string) string {
		line := "x = x" + strings.Repeat(op+"x", DefaultMaxChain-1) + "\n"
		return strings.Repeat(line, DefaultMaxSourceBytes/len(line))
	}
	tests := []struct{ name, src string }{
		{"nested tables", "return " + strings.Repeat("{", DefaultMaxNesting) + strings.Repeat("}", DefaultMaxNesting)},
		{"nested functions", strings.Repeat("local function f() ", DefaultMaxNesting-1) + strings.Repeat("end ", DefaultMaxNesting-1)},
		{"1 MiB of + chains", chain("+")},
		{"1 MiB of .. chains", chain("..")},
		{"1 MiB of field chains", chain(".")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckSource(tt.src, SourceLimits{}); err != nil {
				t.Fatalf("CheckSource: %v", err)
			}
			start := time.Now()
			L := lua.NewState(lua.Options{SkipOpenLibs: true})
			defer L.Close()
			// Long .. chains need a register per operand; gopher-lua
			// rejects them cleanly.
			if _, err := L.LoadString(tt.src); err != nil && !strings.Contains(err.Error(), "register overflow") {
				t.Fatal(err)
			}
			// About 1.5 s idle for the slowest; 5.5 s was seen on a
			// loaded 2-core machine. A quadratic compiler takes minutes.
			if d := time.Since(start); d > slowdown*20*time.Second {
				t.Errorf("compiling took %v", d)
			}
		})
	}
}
