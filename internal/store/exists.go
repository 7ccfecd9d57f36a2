package store

import (
	"context"
	"fmt"
)

// exists runs q, a COUNT, and reports whether it counted any row; errors
// are wrapped as "store: what: ...".
func exists(ctx context.Context, qr querier, what, q string, args ...any) (bool, error) {
	var n int
	if err := qr.queryRow(ctx, q, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("store: %s: %w", what, err)
	}
	return n > 0, nil
}

// refuseTaken runs q, a COUNT, and returns taken (the caller's error saying
// what is there already) when it counted a row: the check before an insert
// whose clash a unique key would report less clearly, or not at all.
func (t *Tx) refuseTaken(ctx context.Context, what string, taken error, q string, args ...any) error {
	found, err := exists(ctx, t, what, q, args...)
	if err == nil && found {
		return taken
	}
	return err
}
