package runtime

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

func TestDecodeArgs(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]any
		wantErr bool
	}{
		{in: `{"id":"org_1"}`, want: map[string]any{"id": "org_1"}},
		{in: `null`, want: map[string]any{}},
		{in: `{}`, want: map[string]any{}},
		{
			in: `{"n":3,"big":12345678901234567,"f":1.5,"e":1e3,"nul":null,"list":[1,"a",null,2.5],"obj":{"x":true,"y":[{"z":7}]}}`,
			want: map[string]any{"n": int64(3), "big": int64(12345678901234567), "f": 1.5, "e": 1000.0, "nul": luajson.Null,
				"list": []any{int64(1), "a", luajson.Null, 2.5},
				"obj":  map[string]any{"x": true, "y": []any{map[string]any{"z": int64(7)}}}},
		},
		{in: `[1,2]`, wantErr: true},
		{in: `"id"`, wantErr: true},
		{in: `{"id":`, wantErr: true},
	}
	for _, tt := range tests {
		got, err := decodeArgs([]byte(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("decodeArgs(%s) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
			t.Errorf("decodeArgs(%s) (-want +got):\n%s", tt.in, diff)
		}
	}
}
