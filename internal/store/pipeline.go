package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL a group's transaction was nine round trips: BEGIN, the
// sender's trust record, the cases' upsert, the notices, their subjects,
// their timers, the log's next index, the events, COMMIT. On two shared
// cores a round trip waits longer for the backend (and then the writer) to
// be scheduled than PostgreSQL works on it, and the log's row stays locked
// from the index to the commit. The statements that need no answer (BEGIN,
// the inserts) therefore wait in the transaction (later) and go out in one
// pipeline with the next statement that does, or with the COMMIT: four
// round trips a group (BEGIN with the trust record, the cases, the rows with
// the log's index, the events with the COMMIT), and the log's row is held
// for one of them instead of three.

// runner runs statements: a *sql.Tx on SQLite, the transaction's *sql.Conn
// on PostgreSQL.
type runner interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// queued is a statement waiting to be sent with the next one.
type queued struct {
	q    string
	args []any
}

// sendLater queues q to be sent before the transaction's next statement, and
// reports false when it cannot be (not PostgreSQL, or not at a group's end).
func (t *Tx) sendLater(q string, args []any) bool {
	if t.conn == nil || !t.deferring {
		return false
	}
	t.later = append(t.later, queued{q: q, args: args})
	return true
}

// sendQueued sends the queued statements, then last when it is set, in one
// pipeline, and passes last's result to read. A failure of any statement is
// returned; PostgreSQL then skips the rest and the transaction is aborted,
// as it would have been had the statements gone one by one.
func (t *Tx) sendQueued(ctx context.Context, last string, lastArgs []any, read func(pgx.BatchResults) error) error {
	if len(t.later) == 0 && last == "" {
		return nil
	}
	b := &pgx.Batch{}
	for _, s := range t.later {
		b.Queue(rebind(Postgres, s.q), s.args...)
	}
	n := len(t.later)
	t.later = t.later[:0]
	if last != "" {
		b.Queue(rebind(Postgres, last), lastArgs...)
	}
	err := withPgx(t.conn, func(c *pgx.Conn) error {
		br := c.SendBatch(ctx, b)
		for range n {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return err
			}
		}
		if last != "" {
			if err := read(br); err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
	if err != nil {
		return fmt.Errorf("store: pipeline: %w", err)
	}
	return nil
}

// queryRowQueued reads q's one row after what waits in the pipeline, in the
// same round trip, as queryRow would (no row is sql.ErrNoRows, given to
// scan). Without a pipeline (SQLite) it is queryRow.
func (t *Tx) queryRowQueued(ctx context.Context, q string, args []any, scan func(rowScanner) error) error {
	if t.conn == nil {
		return scan(t.queryRow(ctx, q, args...))
	}
	if err := t.flushFor(ctx, q); err != nil {
		return err
	}
	var scanErr error
	if err := t.sendQueued(ctx, q, args, func(br pgx.BatchResults) error {
		scanErr = scan(pgxRow{br.QueryRow()})
		if errors.Is(scanErr, sql.ErrNoRows) {
			return nil // the statement ran; its caller hears of the missing row
		}
		return scanErr
	}); err != nil {
		return err
	}
	return scanErr
}

// flushQueued sends what waits in the pipeline before another statement runs.
func (t *Tx) flushQueued(ctx context.Context) error {
	if len(t.later) == 0 {
		return nil
	}
	return t.sendQueued(ctx, "", nil, nil)
}

// errRolledBack is a COMMIT that PostgreSQL answered with ROLLBACK: the
// transaction had failed.
var errRolledBack = errors.New("store: the transaction failed and was rolled back")

// commit commits the transaction, on PostgreSQL with what waits in its pipeline.
func (t *Tx) commit(ctx context.Context) error {
	if t.sqlTx != nil {
		return t.sqlTx.Commit()
	}
	return t.sendQueued(ctx, "COMMIT", nil, func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		if err == nil && tag.String() == "ROLLBACK" {
			return errRolledBack
		}
		return err
	})
}

// rollback ends the transaction without keeping anything. On PostgreSQL a
// connection whose transaction cannot be ended is discarded, never returned
// to the pool inside it.
func (t *Tx) rollback() {
	if t.sqlTx != nil {
		_ = t.sqlTx.Rollback()
		return
	}
	t.later = t.later[:0]
	_ = withPgx(t.conn, func(c *pgx.Conn) error {
		if c.PgConn().TxStatus() == 'I' {
			return nil // a failed COMMIT already ended it
		}
		if _, err := c.Exec(context.Background(), "ROLLBACK"); err != nil {
			return driver.ErrBadConn
		}
		return nil
	})
}

// release gives the transaction's PostgreSQL connection back to the pool;
// a second call does nothing.
func (t *Tx) release() {
	if t.conn != nil {
		_ = t.conn.Close()
		t.conn = nil
	}
}

// withPgx runs f on the pgx connection under conn. A connection that f
// finds broken is discarded (driver.ErrBadConn), not returned to the pool.
func withPgx(conn *sql.Conn, f func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: the PostgreSQL driver connection is %T", dc)
		}
		err := f(c.Conn())
		if err != nil && c.Conn().IsClosed() {
			return errors.Join(err, driver.ErrBadConn)
		}
		return err
	})
}

// pgxRow reads a row pgx returned as database/sql would: no row is sql.ErrNoRows.
type pgxRow struct{ r pgx.Row }

func (p pgxRow) Scan(dest ...any) error {
	err := p.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}
