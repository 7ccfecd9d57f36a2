package store

import (
	"context"
	"fmt"
)

// run runs the statement q inside the write, wrapping a failure as
// "store: what: ...": the one error path of most writes, stated once.
func (t *Tx) run(ctx context.Context, what, q string, args ...any) error {
	if _, err := t.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// changed runs the statement q inside the write and returns how many rows it
// changed, wrapping a failure as "store: what: ...".
func (t *Tx) changed(ctx context.Context, what, q string, args ...any) (int, error) {
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", what, err)
	}
	return int(n), nil
}
