package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotLeader is returned when a write checks a lease its process no longer
// holds: another replica took the work over, so the write must not happen.
var ErrNotLeader = errors.New("store: lease held by another process")

// Lease is one kind of work's holder, as the database has it.
type Lease struct {
	Name      string
	Holder    string
	Epoch     int64
	ExpiresAt time.Time
}

// AcquireLease takes the named lease for holder until now+ttl when it is free,
// expired or already holder's, and returns the lease as it then stands (held
// by holder or by another). A takeover bumps the epoch; a renewal keeps it.
func (t *Tx) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (Lease, error) {
	if _, err := t.exec(ctx, `INSERT INTO leases (name, holder, epoch, expires_at) VALUES (?, '', 0, 0) ON CONFLICT (name) DO NOTHING`, name); err != nil {
		return Lease{}, fmt.Errorf("store: lease %s: %w", name, err)
	}
	if t.dialect == Postgres {
		// A holder stopped (SIGSTOP) inside a fenced write keeps the row
		// locked: wait for it a second, not forever, and try again later,
		// rather than stall this replica's writer (the lock goes when the
		// holder's server session times out: see CheckLease).
		if _, err := t.exec(ctx, `SET LOCAL lock_timeout = '1s'`); err != nil {
			return Lease{}, fmt.Errorf("store: lease %s: %w", name, err)
		}
	}
	if _, err := t.exec(ctx, `UPDATE leases SET epoch = CASE WHEN holder = ? THEN epoch ELSE epoch + 1 END, holder = ?, expires_at = ?
		WHERE name = ? AND (holder = ? OR expires_at <= ?)`, holder, holder, ms(now.Add(ttl)), name, holder, ms(now)); err != nil {
		return Lease{}, fmt.Errorf("store: lease %s: %w", name, err)
	}
	if t.dialect == Postgres {
		if _, err := t.exec(ctx, `SET LOCAL lock_timeout TO DEFAULT`); err != nil {
			return Lease{}, fmt.Errorf("store: lease %s: %w", name, err)
		}
	}
	l := Lease{Name: name}
	var exp int64
	if err := t.queryRow(ctx, `SELECT holder, epoch, expires_at FROM leases WHERE name = ?`, name).Scan(&l.Holder, &l.Epoch, &exp); err != nil {
		return Lease{}, fmt.Errorf("store: lease %s: %w", name, err)
	}
	l.ExpiresAt = fromMS(exp)
	return l, nil
}

// CheckLease fences a write: it returns ErrNotLeader unless holder still holds
// the named lease at epoch. On PostgreSQL it also locks the lease row until
// the transaction ends, so a takeover waits for the write to commit and the
// new holder's writes come after it.
func (t *Tx) CheckLease(ctx context.Context, name, holder string, epoch int64) error {
	if t.dialect == Postgres {
		// The row lock must not outlive a holder that stops mid-transaction:
		// its session ends after 5 idle seconds, the lock with it, and its
		// commit fails.
		if _, err := t.exec(ctx, `SET LOCAL idle_in_transaction_session_timeout = '5s'`); err != nil {
			return fmt.Errorf("store: check lease %s: %w", name, err)
		}
	}
	n, err := t.changed(ctx, "check lease "+name, `UPDATE leases SET epoch = epoch WHERE name = ? AND holder = ? AND epoch = ?`, name, holder, epoch)
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("store: lease %s epoch %d: %w", name, epoch, ErrNotLeader)
	}
	return nil
}

// ReleaseLease ends holder's lease at epoch at once, so another replica may
// take the work without waiting for it to expire (a clean shutdown).
func (t *Tx) ReleaseLease(ctx context.Context, name, holder string, epoch int64) error {
	return t.run(ctx, fmt.Sprintf("release lease %s", name), `UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND epoch = ?`, name, holder, epoch)
}

// Lease reads the named lease, or ErrNotFound when no process ever took it.
func (db *DB) Lease(ctx context.Context, name string) (Lease, error) {
	return queryOne(ctx, db, "lease "+name, func(r rowScanner) (Lease, error) {
		l := Lease{Name: name}
		var exp int64
		err := r.Scan(&l.Holder, &l.Epoch, &exp)
		l.ExpiresAt = fromMS(exp)
		return l, err
	}, `SELECT holder, epoch, expires_at FROM leases WHERE name = ?`, name)
}

// Exclusively runs fn while no other process on the database runs an
// Exclusively of the same key (a PostgreSQL session advisory lock on a
// connection of its own); on SQLite, one process's database, it just runs fn.
// Replicas started together on a fresh database thus make its first admin
// key once.
func (db *DB) Exclusively(ctx context.Context, key int64, fn func() error) error {
	if db.dialect != Postgres {
		return fn()
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: lock %d: %w", key, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("store: lock %d: %w", key, err)
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key) }()
	return fn()
}
