package store

import (
	"context"
)

// MigrateDownTo rolls db's schema back to version, and MigrateUp brings it
// forward again, so a test can check a migration converts existing rows.
func MigrateDownTo(ctx context.Context, db *DB, version int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// MigrateUp applies every migration db's schema lacks.
func MigrateUp(ctx context.Context, db *DB) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}
