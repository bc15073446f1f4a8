package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

func (e *Emulator) save() error {
	if e.opts.StateFile == "" {
		return nil
	}
	e.saveM.Lock()
	defer e.saveM.Unlock()
	e.mu.RLock()
	data, err := json.Marshal(e.store)
	e.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("emulator: encode state: %w", err)
	}
	return writeFileAtomic(e.opts.StateFile, data)
}

func loadStateFile(path string) (*store, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("emulator: read state file: %w", err)
	}
	st := newStore()
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("emulator: state file %s is not valid JSON (%v); delete it to start from the seed", path, err)
	}
	if st.Collections == nil {
		st.Collections = map[string]*collection{}
	}
	if st.Idempotency == nil {
		st.Idempotency = map[string]*idemRecord{}
	}
	if st.Singletons == nil {
		st.Singletons = map[string]Object{}
	}
	for _, c := range st.Collections {
		if c.Objects == nil {
			c.Objects = map[string]Object{}
		}
	}
	return st, nil
}

func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".emulator-state-*")
	if err != nil {
		return fmt.Errorf("emulator: write state file: %w", err)
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("emulator: write state file: %w", err)
	}
	return nil
}
