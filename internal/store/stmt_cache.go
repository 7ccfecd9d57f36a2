package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements by SQL text. SQLite spends much of a
// small write parsing SQL; preparing each statement once per connection
// removes that. (pgx caches prepared statements itself.)
type stmtCache struct {
	db *sql.DB
	// deferred caches on the single write connection: a miss inside a
	// transaction cannot prepare (the transaction holds the only connection),
	// so it is noted and prepared by the writer between transactions.
	deferred bool
	mu       sync.Mutex
	m        map[string]*sql.Stmt
	wanted   map[string]bool
}

// maxCachedStmts bounds the cache: multi-row INSERTs have one text per row
// count, and rare shapes are not worth keeping.
const maxCachedStmts = 256

func newStmtCache(db *sql.DB, deferred bool) *stmtCache {
	return &stmtCache{db: db, deferred: deferred, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns a prepared statement for q, or nil when q should run unprepared.
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[q]; ok {
		return s
	}
	if len(c.m)+len(c.wanted) >= maxCachedStmts {
		return nil
	}
	if c.deferred {
		c.wanted[q] = true
		return nil
	}
	s, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.m[q] = s
	return s
}

// prepareWanted prepares the statements noted during transactions; the writer
// calls it while no transaction is open.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q := range c.wanted {
		if s, err := c.db.PrepareContext(ctx, q); err == nil {
			c.m[q] = s
		}
		delete(c.wanted, q)
	}
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m = nil
}
