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
