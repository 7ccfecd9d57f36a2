package store

import (
	"context"
)

// WaitingCases lists up to limit open cases nobody holds, in the order a
// claim takes them (lane, then earliest deadline), for the reviewer's queue
// page. It reads the same partial index as a claim.
func (db *DB) WaitingCases(ctx context.Context, f ClaimFilter, limit int) ([]*LeasedCase, error) {
	where, args := f.where()
	args = append(args, limit)
	return queryAll(ctx, db, "waiting cases", scanLeased, `SELECT `+leasedCols+` FROM cases WHERE state = 'open' AND lease_holder = ''`+where+
		` ORDER BY lane_rank, due_at LIMIT ?`, args...)
}
