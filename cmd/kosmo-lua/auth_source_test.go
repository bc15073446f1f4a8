package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAuthTestNamesWhereTheKeyCameFrom: auth test says which key it tried:
// the flag, the environment, or the account and its file.
func TestAuthTestNamesWhereTheKeyCameFrom(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[],"list_metadata":{"before":null,"after":null}}`))
	}))
	defer srv.Close()
	for _, via := range []string{"flag", "env", "account"} {
		t.Run(via, func(t *testing.T) {
			te := newTestEnv(t)
			te.env["WORKOS_BASE_URL"] = srv.URL
			args := []string{"auth", "test", "--json"}
			want := ""
			switch via {
			case "flag":
				args, want = append(args, "--api-key", fakeKey), "--api-key"
			case "env":
				te.env["WORKOS_API_KEY"], want = fakeKey, "$WORKOS_API_KEY"
			case "account":
				te.in.WriteString(fakeKey)
				if code := te.run("auth", "set", "--account", "ci"); code != exitOK {
					t.Fatalf("auth set: %d %s", code, te.errb.String())
				}
				te.out.Reset()
				args, want = append(args, "--account", "ci"), `account "ci" in `+te.configPath
			}
			if code := te.run(args...); code != exitOK {
				t.Fatalf("exit %d: %s", code, te.errb.String())
			}
			var got AuthTestResult
			if err := json.Unmarshal(te.out.Bytes(), &got); err != nil {
				t.Fatalf("%v: %s", err, te.out.String())
			}
			if got.KeyFrom != want {
				t.Errorf("key_from = %q, want %q", got.KeyFrom, want)
			}
			assertNoKey(t, te.out.String(), te.errb.String())
		})
	}
}

// TestAuthTestFailureNamesTheKey: a rejected key's error says where it came
// from, so the wrong one of several places can be fixed.
func TestAuthTestFailureNamesTheKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"Unauthorized"}`))
	}))
	defer srv.Close()
	te := newTestEnv(t)
	te.env["WORKOS_BASE_URL"] = srv.URL
	te.env["WORKOS_API_KEY"] = fakeKey
	if code := te.run("auth", "test"); code != exitAuth {
		t.Fatalf("exit %d, want 4: %s", code, te.errb.String())
	}
	if !strings.Contains(te.errb.String(), "the key from $WORKOS_API_KEY failed") {
		t.Errorf("stderr does not name the key's origin:\n%s", te.errb.String())
	}
	assertNoKey(t, te.out.String(), te.errb.String())
}
