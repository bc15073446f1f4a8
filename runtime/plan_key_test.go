package runtime_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

func TestLoadPlanKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", runtime.PlanKeyFile)
	k1, err := runtime.LoadPlanKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || len(k1) != 32 {
		t.Errorf("key file mode %04o, key %d bytes; want 0600 and 32", fi.Mode().Perm(), len(k1))
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	k2, err := runtime.LoadPlanKey(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load: %v, same key %v", err, bytes.Equal(k1, k2))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("a readable key file was left at %04o", fi.Mode().Perm())
	}
	if err := os.WriteFile(path, []byte("not hex"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.LoadPlanKey(path); err == nil {
		t.Error("a damaged key file loaded")
	}
}
