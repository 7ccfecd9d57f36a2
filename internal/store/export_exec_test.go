package store

import "context"

// ExecInWrite runs one statement in a write transaction of db, for tests that
// check what the schema itself refuses.
func ExecInWrite(ctx context.Context, db *DB, q string, args ...any) error {
	return db.Write(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, q, args...)
		return err
	})
}
