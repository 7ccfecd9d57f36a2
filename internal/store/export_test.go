package store

import "context"

// SetLogOff makes db store events without transparency-log entries, so a
// benchmark can measure what the log adds to each write.
func SetLogOff(db *DB) { db.logOff = true }

// OpenTransactions counts db's other connections (those with its
// application_name: storetest gives each test its own) that sit inside a
// transaction; none on SQLite.
func OpenTransactions(ctx context.Context, db *DB) (int, error) {
	if db.dialect != Postgres {
		return 0, nil
	}
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = current_setting('application_name')
		AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()`).Scan(&n)
	return n, err
}
