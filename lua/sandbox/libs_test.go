package sandbox

import (
	"context"
	"strings"
	"testing"
)

func TestReadOnlyMessageNamesLibrary(t *testing.T) {
	tests := []struct{ src, want string }{
		{`string.upper = nil`, "cannot set string.upper: library tables are read-only"},
		{`math.pi = 3`, "cannot set math.pi: library tables are read-only"},
		{`package.path = "x"`, "cannot set package.path: library tables are read-only"},
		{`getmetatable("").__index = {}`, `cannot set getmetatable("").__index: library tables are read-only`},
	}
	for _, tt := range tests {
		s, err := New(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		err = s.DoString(tt.src)
		s.Close()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.src, err, tt.want)
		}
	}
}
