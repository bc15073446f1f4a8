// Package journal keeps the record of the runs that wrote to WorkOS in an
// embedded SQLite database (the pure-Go modernc.org/sqlite driver, so the
// binary stays cgo-free): one row per run with its time, account, script
// and plan digests and outcome, and one row per write with its request id,
// outcome and who approved it. [DB] implements runtime.Journal; [Lazy]
// opens the database on the first record, so processes that never write
// never load it. The API key is never given to the journal, and no script
// result or log is stored.
package journal
