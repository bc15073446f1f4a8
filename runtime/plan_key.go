package runtime

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	goruntime "runtime"
)

// PlanKeyFile is the plan key's file name in a host's state directory.
const PlanKeyFile = "plan.key"

// LoadPlanKey returns the plan key stored at path, creating it (32 random
// bytes, hex, mode 0600, its directory 0700) when there is none. Hosts that
// share the file (replicas of an HTTP deployment) verify each other's plans.
// A key file group or others can read is narrowed to 0600 first.
func LoadPlanKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createPlanKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("runtime: plan key: %w", err)
	}
	if goruntime.GOOS != "windows" {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(path, 0o600); err != nil {
				return nil, fmt.Errorf("runtime: plan key %s is readable by others and cannot be narrowed: %w (run chmod 600 on it)", path, err)
			}
		}
	}
	key, err := hex.DecodeString(string(bytes.TrimSpace(data)))
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("runtime: plan key %s is not a hex key of at least 16 bytes; delete it to make a new one (plans signed with it stop verifying)", path)
	}
	return key, nil
}

func createPlanKey(path string) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("runtime: plan key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("runtime: plan key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadPlanKey(path) // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("runtime: plan key: %w", err)
	}
	_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("runtime: plan key: %w", werr)
	}
	return key, nil
}
