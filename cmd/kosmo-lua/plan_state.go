package main

import (
	"fmt"
	"path/filepath"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
	"github.com/kosmo-lua/kosmo-lua/runtime"
	"github.com/kosmo-lua/kosmo-lua/runtime/journal"
)

// planKeyEnv names a plan key file to use instead of the state directory's,
// so replicas of an HTTP deployment can share one.
const planKeyEnv = "KOSMO_LUA_PLAN_KEY_FILE"

// stateDir is the directory of the plan key and the journal:
// $XDG_STATE_HOME/kosmo-lua (see config.DefaultStateDir).
func (f *Factory) stateDir() (string, error) {
	cp, err := f.ConfigPath()
	if err != nil {
		return "", err
	}
	return config.DefaultStateDir(f.Getenv, cp), nil
}

// planKeyPath is the plan key file: $KOSMO_LUA_PLAN_KEY_FILE, else
// plan.key in the state directory.
func (f *Factory) planKeyPath() (string, error) {
	if p := f.Getenv(planKeyEnv); p != "" {
		return p, nil
	}
	dir, err := f.stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, runtime.PlanKeyFile), nil
}

// planKey loads (creating on first use) the plan key.
func (f *Factory) planKey() ([]byte, error) {
	p, err := f.planKeyPath()
	if err != nil {
		return nil, err
	}
	key, err := runtime.LoadPlanKey(p)
	if err != nil {
		return nil, fmt.Errorf("%v (set %s to use another file)", err, planKeyEnv)
	}
	return key, nil
}

// journalPath is the journal database in the state directory.
func (f *Factory) journalPath() (string, error) {
	dir, err := f.stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, journal.FileName), nil
}

// journal is the runtime's journal: opened on the first run that writes.
func (f *Factory) journal() runtime.Journal {
	p, err := f.journalPath()
	if err != nil {
		return nil
	}
	return &journal.Lazy{Path: p}
}

// needsPlanKey reports whether a runtime built from rf signs or verifies
// plans: --plan, apply, or an ask policy (the MCP server answers with a
// plan when it cannot ask).
func (rf *RuntimeFlags) needsPlanKey() bool {
	return rf.Plan || rf.Apply || rf.Write == "ask" || rf.Destructive == "ask"
}
