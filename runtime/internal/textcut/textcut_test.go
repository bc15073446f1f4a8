package textcut

import "testing"

func TestCut(t *testing.T) {
	tests := []struct {
		s      string
		n      int
		suffix string
		want   string
	}{
		{"short", 10, "…", "short"},
		{"abcdef", 3, "…", "abc…"},
		{"héllo", 2, "...", "h..."}, // never inside é
		{"abc", 0, "…", "…"},
	}
	for _, tt := range tests {
		if got := Cut(tt.s, tt.n, tt.suffix); got != tt.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
