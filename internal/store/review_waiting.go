package store

import (
	"context"
	"fmt"
)

// WaitingCases lists up to limit open cases nobody holds, in the order a
// claim takes them (lane, then earliest deadline), for the reviewer's queue
// page. It reads the same partial index as a claim.
func (db *DB) WaitingCases(ctx context.Context, f ClaimFilter, limit int) ([]*LeasedCase, error) {
	where, args := f.where()
	args = append(args, limit)
	rows, err := db.query(ctx, `SELECT `+leasedCols+` FROM cases WHERE state = 'open' AND lease_holder = ''`+where+
		` ORDER BY lane_rank, due_at LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: waiting cases: %w", err)
	}
	defer rows.Close()
	var out []*LeasedCase
	for rows.Next() {
		lc, err := scanLeased(rows)
		if err != nil {
			return nil, fmt.Errorf("store: waiting cases: %w", err)
		}
		out = append(out, lc)
	}
	return out, rows.Err()
}
