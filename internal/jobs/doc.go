// Package jobs is sigap's durable job queue: jobs live in the service's own
// database, are enqueued inside the same store.Tx as the change that causes
// them, are leased by workers with an expiry, retried with exponential backoff
// and jitter, and dead-lettered after DeadAfter (24 hours by default).
//
// Why not River: River's SQLite driver is early-stage by its authors' own
// account and brings its own migration line (river migrate) next to ours; on
// SQLite our write pool has exactly one connection owned by the group-commit
// writer, and River's producer, completer and notification emulation would
// write through that connection outside it. A table, three statements (insert,
// lease with UPDATE ... RETURNING, finish) and one loop cover what sigap needs,
// on both engines, with the same conformance tests as the rest of the store.
package jobs
