package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// FileName is the database's name in a host's state directory.
const FileName = "journal.db"

const schema = `
CREATE TABLE IF NOT EXISTS runs (
	id INTEGER PRIMARY KEY,
	time TEXT NOT NULL,
	kind TEXT NOT NULL,
	account TEXT NOT NULL,
	script TEXT NOT NULL,
	script_digest TEXT NOT NULL,
	plan_digest TEXT NOT NULL,
	outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_time ON runs(time);
CREATE TABLE IF NOT EXISTS writes (
	run_id INTEGER NOT NULL REFERENCES runs(id),
	seq INTEGER NOT NULL,
	function TEXT NOT NULL,
	access TEXT NOT NULL,
	account TEXT NOT NULL,
	request_id TEXT NOT NULL,
	status INTEGER NOT NULL,
	outcome TEXT NOT NULL,
	approved_by TEXT NOT NULL,
	error TEXT NOT NULL,
	PRIMARY KEY (run_id, seq)
);`

// timeLayout sorts as text in time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// DB is an open journal. It is safe for concurrent use, and several
// processes may share one file.
type DB struct{ db *sql.DB }

// Open opens (creating it, mode 0600 in a 0700 directory) the journal at path.
func Open(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	f.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal: %s is not a kosmo-lua journal (%v); move it away to start a new one", path, err)
	}
	return &DB{db: db}, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Record stores one run and its writes in one transaction.
func (d *DB) Record(ctx context.Context, e runtime.JournalEntry) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer tx.Rollback()
	r, err := tx.ExecContext(ctx, `INSERT INTO runs(time, kind, account, script, script_digest, plan_digest, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.Time.UTC().Format(timeLayout), e.Kind, e.Account, e.Script, e.ScriptDigest, e.PlanDigest, string(e.Outcome))
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	id, err := r.LastInsertId()
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	for i, w := range e.Writes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO writes(run_id, seq, function, access, account, request_id, status, outcome, approved_by, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, i, w.Function, w.Access, w.Account, w.RequestID, w.Status, w.Outcome, w.ApprovedBy, w.Error); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// Entries returns the runs recorded at or after since, oldest first.
func (d *DB) Entries(ctx context.Context, since time.Time) ([]runtime.JournalEntry, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, time, kind, account, script, script_digest, plan_digest, outcome FROM runs WHERE time >= ? ORDER BY time, id`,
		since.UTC().Format(timeLayout))
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	var out []runtime.JournalEntry
	var ids []int64
	for rows.Next() {
		var (
			e       runtime.JournalEntry
			id      int64
			t, outc string
		)
		if err := rows.Scan(&id, &t, &e.Kind, &e.Account, &e.Script, &e.ScriptDigest, &e.PlanDigest, &outc); err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		e.Time, _ = time.Parse(timeLayout, t)
		e.Outcome = runtime.Outcome(outc)
		e.Writes = []runtime.JournalWrite{}
		out = append(out, e)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	for i, id := range ids {
		ws, err := d.writes(ctx, id)
		if err != nil {
			return nil, err
		}
		out[i].Writes = ws
	}
	return out, nil
}

func (d *DB) writes(ctx context.Context, runID int64) ([]runtime.JournalWrite, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT function, access, account, request_id, status, outcome, approved_by, error FROM writes WHERE run_id = ? ORDER BY seq`, runID)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	out := []runtime.JournalWrite{}
	for rows.Next() {
		var w runtime.JournalWrite
		if err := rows.Scan(&w.Function, &w.Access, &w.Account, &w.RequestID, &w.Status, &w.Outcome, &w.ApprovedBy, &w.Error); err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Lazy is a runtime.Journal that opens the database at Path on its first
// record. The zero value needs Path set; it is safe for concurrent use.
type Lazy struct {
	// Path is the database file.
	Path string

	once sync.Once
	db   *DB
	err  error
}

// Record opens the journal if needed and records e.
func (l *Lazy) Record(ctx context.Context, e runtime.JournalEntry) error {
	l.once.Do(func() { l.db, l.err = Open(l.Path) })
	if l.err != nil {
		return l.err
	}
	return l.db.Record(ctx, e)
}

// Close closes the database if it was opened.
func (l *Lazy) Close() error {
	if l.db == nil {
		return nil
	}
	return l.db.Close()
}

// Exists reports whether a journal file is at path (reading one that does
// not exist should not create it).
func Exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
