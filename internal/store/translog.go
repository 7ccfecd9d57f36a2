package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/translog/leaf"
)

// reserveLog returns the first of n new log indexes. On SQLite the single
// writer holds the database's write lock, so the next index is simply one past
// the last entry (no extra row to write per commit). PostgreSQL runs several
// writers: incrementing the log_state row locks it until commit, so indexes
// are dense and become visible in order.
func (t *Tx) reserveLog(ctx context.Context, n int64) (int64, error) {
	var first int64
	var err error
	if t.dialect == Postgres {
		// With the group's rows that wait for it, in one round trip (pipeline.go).
		err = t.queryRowQueued(ctx, `UPDATE log_state SET size = size + ? WHERE id = 1 RETURNING size - ?`, []any{n, n},
			func(r rowScanner) error { return r.Scan(&first) })
	} else {
		err = t.queryRow(ctx, `SELECT COALESCE(MAX(log_index), -1) + 1 FROM events`).Scan(&first)
	}
	if err != nil {
		return 0, fmt.Errorf("store: reserve log indexes: %w", err)
	}
	return first, nil
}

// appendLogged stores events and gives each its transparency-log entry in the
// same transaction, so no event exists without one. It returns the log index
// of the first event. The log_state row it increments is locked until commit,
// so indexes are dense and become visible in order (docs/transparency-log.md).
func (t *Tx) appendLogged(ctx context.Context, evs []notice.Event) (int64, error) {
	n := int64(len(evs))
	if n == 0 {
		return -1, nil
	}
	if t.logOff {
		return -1, t.appendUnlogged(ctx, evs)
	}
	first, err := t.reserveLog(ctx, n)
	if err != nil {
		return 0, err
	}
	salts := leaf.NewSalts(len(evs))
	datas := make([]string, len(evs))
	entries := make([][]byte, len(evs))
	for i, e := range evs {
		datas[i] = string(e.Data)
		if datas[i] == "" {
			datas[i] = "{}"
		}
		c, err := leaf.Commit(salts[i], leaf.Event{LogIndex: first + int64(i), At: ms(e.At), Type: e.Type,
			NoticeID: e.NoticeID, CaseID: e.CaseID, OrgID: e.OrgID, Data: datas[i]})
		if err != nil {
			return 0, fmt.Errorf("store: event %s: %w", e.Type, err)
		}
		entries[i] = c
	}
	cols := []string{"at", "type", "notice_id", "case_id", "org_id", "data", "log_index", "log_entry", "log_salt"}
	row := func(i int, a []any) []any {
		e := evs[i]
		return append(a, ms(e.At), e.Type, nullable(e.NoticeID), nullable(e.CaseID), nullable(e.OrgID), datas[i], first+int64(i), entries[i], salts[i])
	}
	if t.dialect == Postgres && anyNotifies(evs) {
		// The notify jobs ride on the events' INSERT: one round trip less
		// while the log's row is locked.
		if q, args, ok := unnestInsert("events", cols, len(evs), rowValues(len(evs), len(cols), row)); ok {
			q = "WITH appended AS (" + q + " RETURNING seq, at, type, notice_id) " + notifyAppended
			if t.sendLater(q, args) {
				return first, nil
			}
			if _, err := t.exec(ctx, q, args...); err != nil {
				return 0, fmt.Errorf("store: insert into events: %w", err)
			}
			return first, nil
		}
	}
	if err := t.insertRows(ctx, "events", cols, len(evs), row); err != nil {
		return 0, err
	}
	if anyNotifies(evs) {
		if _, err := t.exec(ctx, notifyByLogIndex, first, first+n); err != nil {
			return 0, fmt.Errorf("store: notify jobs: %w", err)
		}
	}
	return first, nil
}

// appendUnlogged stores events without log entries (the log-cost benchmark),
// with their notify jobs all the same.
func (t *Tx) appendUnlogged(ctx context.Context, evs []notice.Event) error {
	var last int64
	if anyNotifies(evs) {
		if err := t.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&last); err != nil {
			return fmt.Errorf("store: events: %w", err)
		}
	}
	if err := t.insertRows(ctx, "events", []string{"at", "type", "notice_id", "case_id", "org_id", "data"}, len(evs),
		func(i int, a []any) []any {
			e, data := evs[i], string(evs[i].Data)
			if data == "" {
				data = "{}"
			}
			return append(a, ms(e.At), e.Type, nullable(e.NoticeID), nullable(e.CaseID), nullable(e.OrgID), data)
		}); err != nil {
		return err
	}
	if anyNotifies(evs) {
		if _, err := t.exec(ctx, notifyBySeq, last); err != nil {
			return fmt.Errorf("store: notify jobs: %w", err)
		}
	}
	return nil
}

// LogState returns how many entries the log holds and how many of them have
// their tree hashes stored.
func (db *DB) LogState(ctx context.Context) (size, hashed int64, err error) {
	if err := db.queryRow(ctx, `SELECT (SELECT COALESCE(MAX(log_index), -1) + 1 FROM events), hashed FROM log_state WHERE id = 1`).Scan(&size, &hashed); err != nil {
		return 0, 0, fmt.Errorf("store: log state: %w", err)
	}
	return size, hashed, nil
}

// LogEntries returns the entries with indexes in [from, to), in order.
func (db *DB) LogEntries(ctx context.Context, from, to int64) ([][]byte, error) {
	rows, err := db.query(ctx, `SELECT log_index, log_entry FROM events WHERE log_index >= ? AND log_index < ? ORDER BY log_index`, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: log entries: %w", err)
	}
	defer rows.Close()
	out := make([][]byte, 0, max(0, min(to-from, 1<<16)))
	for rows.Next() {
		var idx int64
		var e []byte
		if err := rows.Scan(&idx, &e); err != nil {
			return nil, fmt.Errorf("store: log entries: %w", err)
		}
		if idx != from+int64(len(out)) {
			return nil, fmt.Errorf("store: log entry %d is missing", from+int64(len(out)))
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: log entries: %w", err)
	}
	if int64(len(out)) != to-from {
		return nil, fmt.Errorf("store: log entry %d is missing", from+int64(len(out)))
	}
	return out, nil
}

// LogHashes reads stored tree hashes by tlog stored-hash index, in the order asked.
func (db *DB) LogHashes(ctx context.Context, ids []int64) ([]tlog.Hash, error) {
	got := make(map[int64]tlog.Hash, len(ids))
	const chunk = 500
	for args := range anyChunks(ids, chunk) {
		rows, err := db.query(ctx, `SELECT id, hash FROM log_hashes WHERE id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: log hashes: %w", err)
		}
		for rows.Next() {
			var id int64
			var h []byte
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: log hashes: %w", err)
			}
			if len(h) != tlog.HashSize {
				rows.Close()
				return nil, fmt.Errorf("store: log hash %d has %d bytes", id, len(h))
			}
			got[id] = tlog.Hash(h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: log hashes: %w", err)
		}
	}
	out := make([]tlog.Hash, len(ids))
	for i, id := range ids {
		h, ok := got[id]
		if !ok {
			return nil, fmt.Errorf("store: log hash %d is not stored", id)
		}
		out[i] = h
	}
	return out, nil
}

// StoreLogHashes records the tree hashes of entries [from, to): hashes maps
// stored-hash index to hash. It fails with ErrConflict when another process
// stored them first.
func (t *Tx) StoreLogHashes(ctx context.Context, from, to int64, hashes map[int64]tlog.Hash) error {
	res, err := t.exec(ctx, `UPDATE log_state SET hashed = ? WHERE id = 1 AND hashed = ?`, to, from)
	if err != nil {
		return fmt.Errorf("store: log state: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("store: log hashes from %d: %w", from, ErrConflict)
	}
	ids := make([]int64, 0, len(hashes))
	for id := range hashes {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return t.insertRows(ctx, "log_hashes", []string{"id", "hash"}, len(ids), func(i int, a []any) []any {
		h := hashes[ids[i]]
		return append(a, ids[i], h[:])
	})
}

// StoredCheckpoint is a signed checkpoint as kept in the database.
type StoredCheckpoint struct {
	Size     int64
	Root     tlog.Hash
	Note     string
	SignedAt int64 // Unix ms
}

// SaveCheckpoint keeps a signed checkpoint; a second one of the same size is ignored.
func (t *Tx) SaveCheckpoint(ctx context.Context, c StoredCheckpoint) error {
	if _, err := t.exec(ctx, `INSERT INTO log_checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?) ON CONFLICT (size) DO NOTHING`,
		c.Size, c.Root[:], c.Note, c.SignedAt); err != nil {
		return fmt.Errorf("store: save checkpoint: %w", err)
	}
	return nil
}

// LatestCheckpoint returns the largest signed checkpoint, or ErrNotFound.
func (db *DB) LatestCheckpoint(ctx context.Context) (StoredCheckpoint, error) {
	var c StoredCheckpoint
	var root []byte
	err := db.queryRow(ctx, `SELECT size, root, note, signed_at FROM log_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&c.Size, &root, &c.Note, &c.SignedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store: checkpoint: %w", ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store: checkpoint: %w", err)
	}
	copy(c.Root[:], root)
	return c, nil
}

// NoticeLogIndex returns the log index of a notice's notice.received event.
func (db *DB) NoticeLogIndex(ctx context.Context, noticeID string) (int64, error) {
	var idx sql.NullInt64
	err := db.queryRow(ctx, `SELECT log_index FROM events WHERE notice_id = ? AND type = ? ORDER BY seq LIMIT 1`, noticeID, notice.EventReceived).Scan(&idx)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !idx.Valid) {
		return 0, fmt.Errorf("store: log index of %s: %w", noticeID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: log index of %s: %w", noticeID, err)
	}
	return idx.Int64, nil
}

// LoggedEvent is a stored event with what its log entry was computed from.
type LoggedEvent struct {
	Seq      int64
	LogIndex int64 // -1: the event has no log index
	Entry    []byte
	Salt     []byte
	Leaf     leaf.Event
}

// EachLoggedEvent calls fn for every event, in log-index order (events without
// one first), reading the rows as stored so an auditor can recompute entries.
func (db *DB) EachLoggedEvent(ctx context.Context, fn func(LoggedEvent) error) error {
	rows, err := db.query(ctx, `SELECT seq, at, type, notice_id, case_id, org_id, data, log_index, log_entry, log_salt FROM events
		ORDER BY CASE WHEN log_index IS NULL THEN 0 ELSE 1 END, log_index, seq`)
	if err != nil {
		return fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e LoggedEvent
		var nid, cid, oid sql.NullString
		var idx sql.NullInt64
		if err := rows.Scan(&e.Seq, &e.Leaf.At, &e.Leaf.Type, &nid, &cid, &oid, &e.Leaf.Data, &idx, &e.Entry, &e.Salt); err != nil {
			return fmt.Errorf("store: events: %w", err)
		}
		e.Leaf.NoticeID, e.Leaf.CaseID, e.Leaf.OrgID = nid.String, cid.String, oid.String
		e.LogIndex = -1
		if idx.Valid {
			e.LogIndex, e.Leaf.LogIndex = idx.Int64, idx.Int64
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BackfillLog gives a log entry to events stored before the log existed
// (those older than every logged event), in seq order. It returns how many.
func (t *Tx) BackfillLog(ctx context.Context) (int, error) {
	evs, err := queryAll(ctx, t, "backfill log", scanEvent, `SELECT `+eventCols+` FROM events WHERE log_index IS NULL
		AND seq < COALESCE((SELECT MIN(seq) FROM events WHERE log_index IS NOT NULL), 9223372036854775807) ORDER BY seq`)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	// Old rows are logged where they are: delete and re-append would change
	// their seq, which the timeline API shows.
	first, err := t.reserveLog(ctx, int64(len(evs)))
	if err != nil {
		return 0, err
	}
	salts := leaf.NewSalts(len(evs))
	for i, e := range evs {
		c, err := leaf.Commit(salts[i], leaf.Event{LogIndex: first + int64(i), At: ms(e.At), Type: e.Type, NoticeID: e.NoticeID,
			CaseID: e.CaseID, OrgID: e.OrgID, Data: string(e.Data)})
		if err != nil {
			return 0, fmt.Errorf("store: backfill event %d: %w", e.Seq, err)
		}
		if _, err := t.exec(ctx, `UPDATE events SET log_index = ?, log_entry = ?, log_salt = ? WHERE seq = ?`, first+int64(i), c, salts[i], e.Seq); err != nil {
			return 0, fmt.Errorf("store: backfill event %d: %w", e.Seq, err)
		}
	}
	return len(evs), nil
}

// receiptHash is the hex SHA-256 of a receipt's signed payload, which the
// notice.received event (and so the log) commits to.
func receiptHash(r receipt.Receipt) string {
	b, err := base64.StdEncoding.DecodeString(r.Payload)
	if err != nil || len(b) == 0 {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
