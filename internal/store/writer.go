package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sigap/sigap/internal/notice"
)

// Tx is a write transaction; store methods that write take one.
type Tx struct {
	tx      runner
	sqlTx   *sql.Tx // SQLite: the transaction its prepared statements bind to
	dialect Dialect
	stmts   *stmtCache
	logOff  bool
	// notices, events and timers are rows waiting to be stored with the
	// group's (deferred_events.go).
	notices pending[*notice.Notice]
	cases   pending[pendingCases] // deferred_cases.go
	events  pending[pendingEvent]
	timers  pending[Timer]
	// trust remembers the trust records read (trust_memo.go).
	trust map[string]trustSeen
	// conn, deferring and later pipeline the end of a group on PostgreSQL
	// (pipeline.go): conn is the connection the transaction runs on.
	conn      *sql.Conn
	deferring bool
	later     []queued
}

// stmt returns the cached prepared statement for q bound to this transaction, or nil.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.sqlTx == nil {
		return nil
	}
	if s := t.stmts.get(ctx, q); s != nil {
		return t.sqlTx.StmtContext(ctx, s)
	}
	return nil
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	t.forgetTrust(q)
	if err := t.flushFor(ctx, q); err != nil {
		return nil, err
	}
	if err := t.flushQueued(ctx); err != nil {
		return nil, err
	}
	if s := t.stmt(ctx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, rebind(t.dialect, q), args...)
}

// execOne runs a statement that changes one row; none changed is
// ErrNotFound. Errors are wrapped as "store: what: ...".
func (t *Tx) execOne(ctx context.Context, what, q string, args ...any) error {
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	return nil
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := t.flushFor(ctx, q); err != nil {
		return nil, err
	}
	return besidePending{t}.query(ctx, q, args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	// A failed store fails the caller's write at its next statement or at the commit.
	_ = t.flushFor(ctx, q)
	return besidePending{t}.queryRow(ctx, q, args...)
}

// besidePending reads in a transaction without storing the rows waiting in
// it first, for a caller that looks among them itself.
type besidePending struct{ t *Tx }

func (b besidePending) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := b.t.flushQueued(ctx); err != nil {
		return nil, err
	}
	if s := b.t.stmt(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return b.t.tx.QueryContext(ctx, rebind(b.t.dialect, q), args...)
}

func (b besidePending) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	// A failed pipeline aborts the transaction, so this statement fails too.
	_ = b.t.flushQueued(ctx)
	if s := b.t.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return b.t.tx.QueryRowContext(ctx, rebind(b.t.dialect, q), args...)
}

// maxBatch bounds how many callers share one commit.
const maxBatch = 128

type writeReq struct {
	ctx      context.Context
	fn       func(*Tx) error
	done     chan error
	attempts int
}

// writer owns the single write connection and commits waiting writes together:
// each caller's work runs inside its own savepoint, so one failure rolls back
// only that caller, and one fsync makes the whole group durable.
type writer struct {
	db     *DB
	reqs   chan writeReq
	quit   chan struct{}
	wg     sync.WaitGroup
	mu     sync.RWMutex // held for reading while enqueuing, for writing while closing
	closed bool
}

// pgWriters is how many transactions run at once on PostgreSQL. Every write
// appends to the transparency log, whose next index is one row locked until
// commit; a group takes that lock with its last statements (flushPending), so
// while one writer holds it through its commit the others run their callers'
// statements. (Before the group's events waited for its end, the lock was
// held from a caller's first event on, and six writers only queued behind it:
// 67 notices/s against one writer's 354.) Two writers overlap one's commit
// with the other's statements; more split the callers into smaller groups,
// each with its own statements and commit: on two cores, PostgreSQL's CPU per
// notice measured 170-190 µs with two writers, 215-251 with four and 314-350
// with eight, and throughput followed.
const pgWriters = 2

func newWriter(db *DB) *writer {
	w := &writer{db: db, reqs: make(chan writeReq, 4*maxBatch), quit: make(chan struct{})}
	n := 1
	if db.dialect == Postgres {
		n = pgWriters
	}
	for range n {
		w.wg.Add(1)
		go w.loop()
	}
	return w
}

// ErrClosed is returned for writes attempted after Close.
var ErrClosed = errors.New("store: closed")

// Write runs fn in a write transaction and returns once it is committed (or
// rolled back). fn may be batched with other callers' work into one commit,
// and run more than once, so it must not keep state outside the transaction
// until Write returns nil.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	req := writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	w := db.writer
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.reqs <- req:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	// Once queued, wait for the outcome even if ctx ends: the caller must never
	// be told "failed" for a write that then commits.
	return <-req.done
}

func (w *writer) stop() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.quit)
	}
	w.mu.Unlock()
	w.wg.Wait()
}

func (w *writer) loop() {
	defer w.wg.Done()
	batch := make([]writeReq, 0, maxBatch)
	for {
		select {
		case r := <-w.reqs:
			batch = append(batch[:0], r)
		case <-w.quit:
			// Drain what was queued before the stop so nothing acknowledged is lost.
			for {
				select {
				case r := <-w.reqs:
					w.commit([]writeReq{r})
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-w.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		w.commit(batch)
		w.db.writeStmts.prepareWanted(context.Background())
	}
}

func (w *writer) commit(batch []writeReq) {
	if len(batch) > 1 && w.commitTogether(batch) {
		return
	}
	ctx := context.Background()
	tx, err := w.begin(ctx)
	if err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("store: begin: %w", err)
		}
		return
	}
	defer tx.release()
	results := make([]error, len(batch))
	single := len(batch) == 1
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if single {
			if results[i] = r.fn(tx); results[i] == nil {
				results[i] = tx.flushPending(ctx)
			}
			continue
		}
		if _, err := tx.exec(ctx, "SAVEPOINT w"); err != nil {
			results[i] = fmt.Errorf("store: savepoint: %w", err)
			continue
		}
		mark := tx.mark()
		if err := r.fn(tx); err != nil {
			results[i] = err
			if _, rerr := tx.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT w"); rerr != nil {
				w.fail(tx, batch, fmt.Errorf("store: rollback to savepoint: %w", rerr))
				return
			}
			tx.rollbackPending(mark)
		}
		if _, err := tx.exec(ctx, "RELEASE SAVEPOINT w"); err != nil {
			w.fail(tx, batch, fmt.Errorf("store: release savepoint: %w", err))
			return
		}
	}
	if single && results[0] != nil {
		tx.rollback()
		w.retryOr(batch[0], results[0])
		return
	}
	if !single {
		if err := tx.flushPending(ctx); err != nil {
			// The group's rows are stored together, so one refused row (or a
			// notice that raced a concurrent writer's with the same
			// idempotency key) fails them all: store each caller's work
			// alone, so that only its own refusal reaches it.
			tx.rollback()
			tx.release() // before each caller's own transaction takes one
			for i, r := range batch {
				if results[i] != nil {
					w.retryOr(r, results[i])
					continue
				}
				w.commit([]writeReq{r})
			}
			return
		}
	}
	if err := tx.commit(ctx); err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("store: commit: %w", err)
		}
		return
	}
	for i, r := range batch {
		w.retryOr(r, results[i])
	}
}

// retryOr runs r again when err is a collision with a concurrent PostgreSQL
// writer (which succeeds now that the other one has committed), and
// otherwise tells its caller err.
func (w *writer) retryOr(r writeReq, err error) {
	if retryable(err) && r.attempts < 3 {
		r.attempts++
		go func() { w.reqs <- r }()
		return
	}
	r.done <- err
}

// begin starts a write transaction: database/sql's on SQLite; on
// PostgreSQL a connection of the transaction's own, whose BEGIN waits in the
// pipeline and goes out with the first statement, so that the end of a group
// can go out in one pipeline with its COMMIT (pipeline.go).
func (w *writer) begin(ctx context.Context) (*Tx, error) {
	t := &Tx{dialect: w.db.dialect, stmts: w.db.writeStmts, logOff: w.db.logOff}
	if w.db.dialect != Postgres {
		sqlTx, err := w.db.write.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		t.tx, t.sqlTx = sqlTx, sqlTx
		return t, nil
	}
	conn, err := w.db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	t.tx, t.conn = conn, conn
	t.later = append(t.later, queued{q: "BEGIN"})
	return t, nil
}

// commitTogether runs a group without savepoints, betting that every caller
// succeeds, as nearly all do: a savepoint and its release are two round trips
// per caller, a third of a notice's on PostgreSQL. When one caller fails, it
// rolls the whole group back and reports false, and commit runs the group
// again with a savepoint per caller, so that the failure undoes only its own
// work. (Callers' functions may already run more than once: see Write.)
func (w *writer) commitTogether(batch []writeReq) bool {
	ctx := context.Background()
	tx, err := w.begin(ctx)
	if err != nil {
		return false
	}
	defer tx.release()
	results := make([]error, len(batch))
	for i, r := range batch {
		if results[i] = r.ctx.Err(); results[i] != nil {
			continue // never run, so nothing of it to undo
		}
		if err := r.fn(tx); err != nil {
			tx.rollback()
			return false
		}
	}
	if err := tx.flushPending(ctx); err != nil {
		tx.rollback()
		return false
	}
	if err := tx.commit(ctx); err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("store: commit: %w", err)
		}
		return true
	}
	for i, r := range batch {
		r.done <- results[i]
	}
	return true
}

// retryable reports a PostgreSQL unique violation or deadlock between two
// concurrent writers, which succeeds when run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "40P01")
}

func (w *writer) fail(tx *Tx, batch []writeReq, err error) {
	tx.rollback()
	for _, r := range batch {
		r.done <- err
	}
}
