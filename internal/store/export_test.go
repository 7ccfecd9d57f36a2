package store

import "context"

// SetLogOff makes db store events without transparency-log entries, so a
// benchmark can measure what the log adds to each write.
func SetLogOff(db *DB) { db.logOff = true }

// OpenTransactions counts the other connections to db's PostgreSQL database
// that sit inside a transaction (none on SQLite).
func OpenTransactions(ctx context.Context, db *DB) (int, error) {
	if db.dialect != Postgres {
		return 0, nil
	}
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()`).Scan(&n)
	return n, err
}
