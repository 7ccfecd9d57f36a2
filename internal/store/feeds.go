package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// FeedShare is one subscriber's access to a shared set's feed.
type FeedShare struct {
	ID           string
	SetID        string
	Name         string
	TokenHash    string
	Priority     bool
	CreatedAt    time.Time
	RevokedAt    time.Time // zero while live
	LastReadAt   time.Time
	LastReadSize int64
}

// FeedLog is a shared set's feed as far as it was caught up with the set:
// its size, the chain head after its last event, when it started (entries
// removed before are not fed), and the filter generation it last caught up
// with and when that catch-up began.
type FeedLog struct {
	SetID      string
	Size       int64
	Head       string
	StartedAt  time.Time
	Generation int64
	CaughtAt   time.Time
}

// FeedEvent is one event of a feed: an entry added or removed.
type FeedEvent struct {
	SetID   string
	Seq     int64
	Op      string // "add" or "remove"
	EntryID string
	Type    string
	Value   string
	Source  string
	At      time.Time
	Head    string // the chain head after this event
}

// FeedFeedback is what one share's subscriber said of an entry, per verdict.
type FeedFeedback struct {
	ShareID   string
	ShareName string
	EntryID   string
	Verdict   string
	Count     int64
	FirstAt   time.Time
	LastAt    time.Time
}

// FeedSubscription is a local set kept a copy of another server's feed.
type FeedSubscription struct {
	ID           string
	Format       string // "sigap" or "threatexchange"
	Synced       bool   // caught up with its feed once: its copy was enabled then
	SetID        string
	Family       string
	Name         string
	FeedURL      string
	Token        string
	Policy       string
	PollSeconds  int
	Origin       string
	VerifierKey  string
	Size         int64
	Head         string
	SourceSize   int64
	PriorityPoll int // seconds the source asks for while it is in a crisis; 0 for none
	Failures     int
	NextPollAt   time.Time
	LastSuccess  time.Time
	LastError    string
	LastErrorAt  time.Time
	Skipped      int64
	CreatedAt    time.Time
}

const shareCols = `id, set_id, name, token_hash, priority, created_at, revoked_at, last_read_at, last_read_size`

func scanShare(r rowScanner) (FeedShare, error) {
	var s FeedShare
	var created int64
	var revoked, read sql.NullInt64
	err := r.Scan(&s.ID, &s.SetID, &s.Name, &s.TokenHash, &s.Priority, &created, &revoked, &read, &s.LastReadSize)
	s.CreatedAt, s.RevokedAt, s.LastReadAt = fromMS(created), timeOrZero(revoked), timeOrZero(read)
	return s, err
}

// CreateFeedShare stores a new share.
func (t *Tx) CreateFeedShare(ctx context.Context, s FeedShare) error {
	return t.run(ctx, "create feed share", `INSERT INTO feed_shares (id, set_id, name, token_hash, priority, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		s.ID, s.SetID, s.Name, s.TokenHash, s.Priority, ms(s.CreatedAt))
}

// FeedShare returns one share, revoked or not.
func (db *DB) FeedShare(ctx context.Context, id string) (FeedShare, error) {
	return queryOne(ctx, db, "feed share "+id, scanShare, `SELECT `+shareCols+` FROM feed_shares WHERE id = ?`, id)
}

// FeedShares lists a set's shares, oldest first.
func (db *DB) FeedShares(ctx context.Context, setID string) ([]FeedShare, error) {
	return queryAll(ctx, db, "feed shares", scanShare, `SELECT `+shareCols+` FROM feed_shares WHERE set_id = ? ORDER BY id`, setID)
}

// RevokeFeedShare revokes a live share of set setID.
func (t *Tx) RevokeFeedShare(ctx context.Context, setID, id string, now time.Time) error {
	return t.execOne(ctx, "feed share "+id, `UPDATE feed_shares SET revoked_at = ? WHERE id = ? AND set_id = ? AND revoked_at IS NULL`, ms(now), id, setID)
}

// SetFeedPriority marks every live share of a set as read at a priority poll
// (or no longer) and returns how many shares it marked.
func (t *Tx) SetFeedPriority(ctx context.Context, setID string, on bool) (int, error) {
	return t.changed(ctx, "feed priority", `UPDATE feed_shares SET priority = ? WHERE set_id = ? AND revoked_at IS NULL`, on, setID)
}

// TouchFeedShare records a subscriber's read: when, and the size it reached.
func (t *Tx) TouchFeedShare(ctx context.Context, id string, now time.Time, size int64) error {
	return t.run(ctx, "touch feed share", `UPDATE feed_shares SET last_read_at = ?, last_read_size = ? WHERE id = ?`, ms(now), size, id)
}

func scanFeedLog(r rowScanner) (FeedLog, error) {
	var l FeedLog
	var started, caught int64
	err := r.Scan(&l.SetID, &l.Size, &l.Head, &started, &l.Generation, &caught)
	l.StartedAt = fromMS(started)
	if caught > 0 {
		l.CaughtAt = fromMS(caught)
	}
	return l, err
}

const feedLogCols = `set_id, size, head, started_at, generation, caught_at`

// FeedLog returns a set's feed state; a set never shared is ErrNotFound.
func (db *DB) FeedLog(ctx context.Context, setID string) (FeedLog, error) {
	return queryOne(ctx, db, "feed log "+setID, scanFeedLog, `SELECT `+feedLogCols+` FROM feed_logs WHERE set_id = ?`, setID)
}

// FeedLog returns a set's feed state inside the transaction.
func (t *Tx) FeedLog(ctx context.Context, setID string) (FeedLog, error) {
	return queryOne(ctx, t, "feed log "+setID, scanFeedLog, `SELECT `+feedLogCols+` FROM feed_logs WHERE set_id = ?`, setID)
}

// StartFeedLog makes a set's feed state when it is first shared; a feed
// already started is left as it is.
func (t *Tx) StartFeedLog(ctx context.Context, l FeedLog) error {
	return t.run(ctx, "start feed log", `INSERT INTO feed_logs (`+feedLogCols+`) VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (set_id) DO NOTHING`,
		l.SetID, l.Size, l.Head, ms(l.StartedAt), l.Generation)
}

// SetFeedGeneration records the filter generation a feed caught up with and
// when that catch-up began.
func (t *Tx) SetFeedGeneration(ctx context.Context, setID string, gen int64, at time.Time) error {
	return t.run(ctx, "feed generation", `UPDATE feed_logs SET generation = ?, caught_at = ? WHERE set_id = ?`, gen, ms(at), setID)
}

// scanUnfed reads an event not yet fed: its entry's id, type, value, source
// and time.
func scanUnfed(setID, op string) func(rowScanner) (FeedEvent, error) {
	return func(r rowScanner) (FeedEvent, error) {
		e := FeedEvent{SetID: setID, Op: op}
		var at int64
		err := r.Scan(&e.EntryID, &e.Type, &e.Value, &e.Source, &at)
		e.At = fromMS(at)
		return e, err
	}
}

// UnfedAdds returns, in ID order after afterID, up to limit entries of the
// set not yet in its feed: the live ones, and those removed since the feed
// started.
func (t *Tx) UnfedAdds(ctx context.Context, setID string, startedAt time.Time, afterID string, limit int) ([]FeedEvent, error) {
	return queryAll(ctx, t, "unfed entries", scanUnfed(setID, "add"), `SELECT e.id, e.type, e.value, e.source, e.added_at FROM filter_entries e
		WHERE e.set_id = ? AND e.id > ? AND (e.removed_at IS NULL OR e.removed_at >= ?)
		AND NOT EXISTS (SELECT 1 FROM feed_events f WHERE f.set_id = e.set_id AND f.entry_id = e.id AND f.op = 'add')
		ORDER BY e.id LIMIT `+fmt.Sprint(limit), setID, afterID, ms(startedAt))
}

// UnfedRemovals returns up to limit entries the feed added that were removed
// from the set at since or later and are not yet fed as removed, as remove
// events in the order they were removed.
func (t *Tx) UnfedRemovals(ctx context.Context, setID string, since time.Time, limit int) ([]FeedEvent, error) {
	return queryAll(ctx, t, "unfed removals", scanUnfed(setID, "remove"), `SELECT f.entry_id, f.type, f.value, f.source, e.removed_at FROM feed_events f JOIN filter_entries e ON e.id = f.entry_id
		WHERE e.set_id = ? AND e.removed_at IS NOT NULL AND e.removed_at >= ? AND f.set_id = ? AND f.op = 'add' AND f.removed = ?
		ORDER BY e.removed_at, e.id LIMIT `+fmt.Sprint(limit), setID, ms(since), setID, false)
}

// AppendFeedEvents appends events (numbered and chained by the caller) to a
// set's feed and moves its size and head to the last; a remove marks its
// entry's add as removed. A seq already taken (another replica appended
// first) fails the transaction.
func (t *Tx) AppendFeedEvents(ctx context.Context, setID string, evs []FeedEvent) error {
	if len(evs) == 0 {
		return nil
	}
	cols := []string{"set_id", "seq", "op", "entry_id", "type", "value", "source", "at", "head", "removed"}
	if err := t.insertRows(ctx, "feed_events", cols, len(evs), func(i int, dst []any) []any {
		e := evs[i]
		return append(dst, setID, e.Seq, e.Op, e.EntryID, e.Type, e.Value, e.Source, ms(e.At), e.Head, false)
	}); err != nil {
		return err
	}
	var removed []string
	for _, e := range evs {
		if e.Op == "remove" {
			removed = append(removed, e.EntryID)
		}
	}
	for args := range anyChunks(removed, 500) {
		if _, err := t.exec(ctx, `UPDATE feed_events SET removed = ? WHERE set_id = ? AND op = 'add' AND entry_id IN (`+placeholders(len(args))+`)`,
			append([]any{true, setID}, args...)...); err != nil {
			return fmt.Errorf("store: feed removals: %w", err)
		}
	}
	last := evs[len(evs)-1]
	return t.execOne(ctx, "feed log "+setID, `UPDATE feed_logs SET size = ?, head = ? WHERE set_id = ? AND size = ?`,
		last.Seq, last.Head, setID, evs[0].Seq-1)
}

func scanFeedEvent(r rowScanner) (FeedEvent, error) {
	var e FeedEvent
	var at int64
	err := r.Scan(&e.SetID, &e.Seq, &e.Op, &e.EntryID, &e.Type, &e.Value, &e.Source, &at, &e.Head)
	e.At = fromMS(at)
	return e, err
}

// FeedEvents returns up to limit events of a set's feed after seq after.
func (db *DB) FeedEvents(ctx context.Context, setID string, after int64, limit int) ([]FeedEvent, error) {
	return queryAll(ctx, db, "feed events", scanFeedEvent, `SELECT set_id, seq, op, entry_id, type, value, source, at, head
		FROM feed_events WHERE set_id = ? AND seq > ? ORDER BY seq LIMIT `+fmt.Sprint(limit), setID, after)
}

// FeedHeadAt returns the chain head after event seq of a set's feed.
func (db *DB) FeedHeadAt(ctx context.Context, setID string, seq int64) (string, error) {
	return queryOne(ctx, db, fmt.Sprintf("feed event %d", seq), scanString, `SELECT head FROM feed_events WHERE set_id = ? AND seq = ?`, setID, seq)
}

// FedEntry reports whether a set's feed ever added the entry.
func (db *DB) FedEntry(ctx context.Context, setID, entryID string) (bool, error) {
	return exists(ctx, db, "fed entry", `SELECT COUNT(*) FROM feed_events WHERE set_id = ? AND entry_id = ? AND op = 'add'`, setID, entryID)
}

// AddFeedFeedback counts one verdict of a share's subscriber on an entry.
func (t *Tx) AddFeedFeedback(ctx context.Context, shareID, setID, entryID, verdict string, now time.Time) error {
	return t.run(ctx, "feed feedback", `INSERT INTO feed_feedback (share_id, set_id, entry_id, verdict, count, first_at, last_at) VALUES (?, ?, ?, ?, 1, ?, ?)
		ON CONFLICT (share_id, entry_id, verdict) DO UPDATE SET count = feed_feedback.count + 1, last_at = excluded.last_at`,
		shareID, setID, entryID, verdict, ms(now), ms(now))
}

func scanFeedback(r rowScanner) (FeedFeedback, error) {
	var f FeedFeedback
	var first, last int64
	err := r.Scan(&f.ShareID, &f.ShareName, &f.EntryID, &f.Verdict, &f.Count, &first, &last)
	f.FirstAt, f.LastAt = fromMS(first), fromMS(last)
	return f, err
}

// FeedFeedback lists the feedback on a set's entries, per share and
// verdict; entryID "" lists every entry's, most false positives first.
func (db *DB) FeedFeedback(ctx context.Context, setID, entryID string) ([]FeedFeedback, error) {
	q := `SELECT f.share_id, COALESCE(s.name, ''), f.entry_id, f.verdict, f.count, f.first_at, f.last_at
		FROM feed_feedback f LEFT JOIN feed_shares s ON s.id = f.share_id WHERE f.set_id = ?`
	args := []any{setID}
	if entryID != "" {
		q += ` AND f.entry_id = ?`
		args = append(args, entryID)
	}
	q += ` ORDER BY CASE WHEN f.verdict = 'false_positive' THEN 0 ELSE 1 END, f.count DESC, f.entry_id, f.share_id LIMIT 1000`
	return queryAll(ctx, db, "feed feedback", scanFeedback, q, args...)
}

const subCols = `id, set_id, family, name, feed_url, token, policy, poll_seconds, origin, verifier_key, size, head, source_size,
	priority_poll, failures, next_poll_at, last_success_at, last_error, last_error_at, skipped, created_at, format, synced`

func scanSub(r rowScanner) (FeedSubscription, error) {
	var s FeedSubscription
	var next, created int64
	var success, errAt sql.NullInt64
	err := r.Scan(&s.ID, &s.SetID, &s.Family, &s.Name, &s.FeedURL, &s.Token, &s.Policy, &s.PollSeconds, &s.Origin, &s.VerifierKey,
		&s.Size, &s.Head, &s.SourceSize, &s.PriorityPoll, &s.Failures, &next, &success, &s.LastError, &errAt, &s.Skipped, &created, &s.Format, &s.Synced)
	s.NextPollAt, s.LastSuccess, s.LastErrorAt, s.CreatedAt = fromMS(next), timeOrZero(success), timeOrZero(errAt), fromMS(created)
	return s, err
}

// CreateFeedSubscription stores a new subscription. A second one to the same
// feed is ErrConflict.
func (t *Tx) CreateFeedSubscription(ctx context.Context, s FeedSubscription) error {
	if err := t.refuseTaken(ctx, "create feed subscription", fmt.Errorf("store: a subscription to %s exists: %w", s.FeedURL, ErrConflict),
		`SELECT COUNT(*) FROM feed_subscriptions WHERE feed_url = ?`, s.FeedURL); err != nil {
		return err
	}
	return t.run(ctx, "create feed subscription", `INSERT INTO feed_subscriptions (`+subCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.SetID, s.Family, s.Name, s.FeedURL, s.Token, s.Policy, s.PollSeconds, s.Origin, s.VerifierKey, s.Size, s.Head,
		s.SourceSize, s.PriorityPoll, s.Failures, ms(s.NextPollAt), nullMS(s.LastSuccess), s.LastError, nullMS(s.LastErrorAt),
		s.Skipped, ms(s.CreatedAt), s.Format, s.Synced)
}

// FeedSubscription returns one subscription.
func (db *DB) FeedSubscription(ctx context.Context, id string) (FeedSubscription, error) {
	return queryOne(ctx, db, "feed subscription "+id, scanSub, `SELECT `+subCols+` FROM feed_subscriptions WHERE id = ?`, id)
}

// FeedSubscriptions pages through the subscriptions in ID order after cursor.
func (db *DB) FeedSubscriptions(ctx context.Context, cursor string, limit int) ([]FeedSubscription, error) {
	return queryAll(ctx, db, "feed subscriptions", scanSub, `SELECT `+subCols+` FROM feed_subscriptions WHERE id > ? ORDER BY id LIMIT `+fmt.Sprint(limit), cursor)
}

// DueFeedSubscriptions returns up to limit subscriptions due at now, the
// longest overdue first.
func (db *DB) DueFeedSubscriptions(ctx context.Context, now time.Time, limit int) ([]FeedSubscription, error) {
	return queryAll(ctx, db, "due feed subscriptions", scanSub, `SELECT `+subCols+` FROM feed_subscriptions WHERE next_poll_at <= ?
		ORDER BY next_poll_at LIMIT `+fmt.Sprint(limit), ms(now))
}

// NextFeedPoll is when the earliest subscription is due; ok is false when there is none.
func (db *DB) NextFeedPoll(ctx context.Context) (at time.Time, ok bool, err error) {
	var v sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MIN(next_poll_at) FROM feed_subscriptions`).Scan(&v); err != nil {
		return time.Time{}, false, fmt.Errorf("store: next feed poll: %w", err)
	}
	return timeOrZero(v), v.Valid, nil
}

// SaveFeedProgress writes a subscription's read state after a poll: how far
// it verified the feed, its status and when it reads next. The row must still
// be at size from (a poll of another replica that moved it is refused).
func (t *Tx) SaveFeedProgress(ctx context.Context, s FeedSubscription, from int64) error {
	return t.execOne(ctx, "feed subscription "+s.ID, `UPDATE feed_subscriptions SET size = ?, head = ?, source_size = ?, priority_poll = ?,
		failures = ?, next_poll_at = ?, last_success_at = ?, last_error = ?, last_error_at = ?, skipped = ?, synced = ? WHERE id = ? AND size = ?`,
		s.Size, s.Head, s.SourceSize, s.PriorityPoll, s.Failures, ms(s.NextPollAt), nullMS(s.LastSuccess), s.LastError,
		nullMS(s.LastErrorAt), s.Skipped, s.Synced, s.ID, from)
}

// PollFeedNow makes a subscription due at now.
func (t *Tx) PollFeedNow(ctx context.Context, id string, now time.Time) error {
	return t.execOne(ctx, "feed subscription "+id, `UPDATE feed_subscriptions SET next_poll_at = ? WHERE id = ?`, ms(now), id)
}

// DeleteFeedSubscription removes a subscription and its entry map; the local
// set stays, as the caller leaves it.
func (t *Tx) DeleteFeedSubscription(ctx context.Context, id string) error {
	if _, err := t.exec(ctx, `DELETE FROM feed_sub_entries WHERE subscription_id = ?`, id); err != nil {
		return fmt.Errorf("store: delete feed subscription: %w", err)
	}
	return t.execOne(ctx, "feed subscription "+id, `DELETE FROM feed_subscriptions WHERE id = ?`, id)
}

// MapFeedEntries records which local entry each source entry became (a
// source entry seen again, as ThreatExchange updates are, maps to its newest).
func (t *Tx) MapFeedEntries(ctx context.Context, subID string, source, local []string) error {
	for part := range chunkPairs(source, local, 3000) {
		args := make([]any, 0, len(part)*3)
		for _, p := range part {
			args = append(args, subID, p[0], p[1])
		}
		q := `INSERT INTO feed_sub_entries (subscription_id, source_entry_id, entry_id) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(part)), ", ") +
			` ON CONFLICT (subscription_id, source_entry_id) DO UPDATE SET entry_id = excluded.entry_id`
		if _, err := t.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("store: map feed entries: %w", err)
		}
	}
	return nil
}

// chunkPairs yields a and b side by side in runs of at most n.
func chunkPairs(a, b []string, n int) func(func([][2]string) bool) {
	return func(yield func([][2]string) bool) {
		for start := 0; start < len(a); start += n {
			end := min(len(a), start+n)
			part := make([][2]string, 0, end-start)
			for i := start; i < end; i++ {
				part = append(part, [2]string{a[i], b[i]})
			}
			if !yield(part) {
				return
			}
		}
	}
}

// LiveFeedEntries returns which of the source entries have a live local copy.
func (t *Tx) LiveFeedEntries(ctx context.Context, subID string, source []string) (map[string]bool, error) {
	out := map[string]bool{}
	for args := range anyChunks(source, 500) {
		ids, err := queryAll(ctx, t, "live feed entries", scanString, `SELECT m.source_entry_id FROM feed_sub_entries m
			JOIN filter_entries e ON e.id = m.entry_id WHERE m.subscription_id = ? AND e.removed_at IS NULL
			AND m.source_entry_id IN (`+placeholders(len(args))+`)`, append([]any{subID}, args...)...)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[id] = true
		}
	}
	return out, nil
}

// RemoveFeedEntries tombstones the local copies of source entries and
// returns how many were live.
func (t *Tx) RemoveFeedEntries(ctx context.Context, subID, setID string, source []string, by string, now time.Time) (int, error) {
	n := 0
	for args := range anyChunks(source, 500) {
		k, err := t.changed(ctx, "remove feed entries", `UPDATE filter_entries SET removed_at = ?, removed_by = ? WHERE set_id = ? AND removed_at IS NULL AND id IN
			(SELECT entry_id FROM feed_sub_entries WHERE subscription_id = ? AND source_entry_id IN (`+placeholders(len(args))+`))`,
			append([]any{ms(now), by, setID, subID}, args...)...)
		if err != nil {
			return n, err
		}
		n += k
	}
	return t.entriesChanged(ctx, n)
}

// FeedEntryOrigin names the subscription and source entry a local entry of
// set setID came from; an entry that came from no feed is ErrNotFound.
func (db *DB) FeedEntryOrigin(ctx context.Context, setID, entryID string) (subID, sourceEntryID string, err error) {
	err = db.queryRow(ctx, `SELECT m.subscription_id, m.source_entry_id FROM feed_sub_entries m JOIN feed_subscriptions s ON s.id = m.subscription_id
		WHERE m.entry_id = ? AND s.set_id = ?`, entryID, setID).Scan(&subID, &sourceEntryID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("store: entry %s came from no feed: %w", entryID, ErrNotFound)
	}
	if err != nil {
		return "", "", fmt.Errorf("store: feed entry origin: %w", err)
	}
	return subID, sourceEntryID, nil
}

// SubscribedSet reports whether a set is a subscription's local copy.
func (db *DB) SubscribedSet(ctx context.Context, setID string) (bool, error) {
	return exists(ctx, db, "subscribed set", `SELECT COUNT(*) FROM feed_subscriptions WHERE set_id = ?`, setID)
}
