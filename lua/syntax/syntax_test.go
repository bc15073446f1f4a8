package syntax

import "testing"

func TestIsName(t *testing.T) {
	tests := map[string]bool{
		"limit": true, "_x": true, "organization_id": true, "a1": true, "A": true,
		"": false, "1a": false, "end": false, "goto": false, "body-x": false, "é": false, "a b": false,
	}
	for s, want := range tests {
		if got := IsName(s); got != want {
			t.Errorf("IsName(%q) = %v, want %v", s, got, want)
		}
	}
}
