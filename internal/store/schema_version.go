package store

import (
	"context"
	"fmt"
)

// SchemaVersion is the highest migration applied to the database, which may
// be newer than this binary's own during a rolling upgrade.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}
