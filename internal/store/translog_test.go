package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/translog/leaf"
)

func TestEveryEventGetsALogEntry(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		o := mkOrg(t, db, org.KindAuthority)
		n1 := mkNotice(o, notice.KindOrder, t0, 4*3600e9, "a", "b")
		casetest.File(t, db, n1)
		n2 := mkNotice(o, notice.KindOrder, t0, 4*3600e9, "a")
		casetest.File(t, db, n2)
		if n1.LogIndex == nil || *n1.LogIndex != 0 || n2.LogIndex == nil || *n2.LogIndex != 3 {
			t.Fatalf("log indexes %v %v, want 0 and 3 (received + 2 cases, then received + 1 case)", n1.LogIndex, n2.LogIndex)
		}
		if idx, err := db.NoticeLogIndex(ctx, n2.ID); err != nil || idx != 3 {
			t.Errorf("NoticeLogIndex = %d, %v", idx, err)
		}
		if _, err := db.NoticeLogIndex(ctx, "ntc_none"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("NoticeLogIndex of nothing: %v", err)
		}
		// A caller whose write fails after appending leaves no gap: its
		// savepoint takes its indexes back.
		boom := errors.New("boom")
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.AppendEvents(ctx, []notice.Event{{At: t0, Type: "x"}}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AppendEvents(ctx, []notice.Event{{At: t0, Type: "y"}}) }); err != nil {
			t.Fatal(err)
		}
		size, _, err := db.LogState(ctx)
		if err != nil || size != 6 {
			t.Fatalf("log size %d, %v; want 6", size, err)
		}
		entries, err := db.LogEntries(ctx, 0, size)
		if err != nil || len(entries) != 6 {
			t.Fatalf("entries: %d, %v", len(entries), err)
		}
		n := 0
		if err := db.EachLoggedEvent(ctx, func(ev store.LoggedEvent) error {
			c, err := leaf.Commit(ev.Salt, ev.Leaf)
			if err != nil || string(c) != string(entries[ev.LogIndex]) || ev.LogIndex != int64(n) {
				t.Errorf("event seq %d (index %d) does not recompute to its entry: %v", ev.Seq, ev.LogIndex, err)
			}
			n++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n != 6 {
			t.Errorf("%d events", n)
		}
	})
}

// TestBackfillLogsOldEvents: events stored before the log existed get
// entries, oldest first, and nothing else does.
func TestBackfillLogsOldEvents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		db := storetest.Open(t, e)
		driver, dsn := "sqlite", "file:"+filepath.Join(e.Dir, "sigap.db")+"?_pragma=busy_timeout(10000)"
		if e.URL != "" {
			driver, dsn = "pgx", e.URL
		}
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		for _, typ := range []string{"old.one", "old.two"} {
			if _, err := raw.Exec(`INSERT INTO events (at, type, data) VALUES (1, '` + typ + `', '{}')`); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := db.Write(ctx, func(tx *store.Tx) error { n, err = tx.BackfillLog(ctx); return err }); err != nil || n != 2 {
			t.Fatalf("backfill: %d, %v", n, err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { n, err = tx.BackfillLog(ctx); return err }); err != nil || n != 0 {
			t.Fatalf("second backfill: %d, %v", n, err)
		}
		// An event slipped in after logging began is not backfilled.
		if _, err := raw.Exec(`INSERT INTO events (at, type, data) VALUES (1, 'forged', '{}')`); err != nil {
			t.Fatal(err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { n, err = tx.BackfillLog(ctx); return err }); err != nil || n != 0 {
			t.Fatalf("backfill after logging began: %d, %v", n, err)
		}
		var types []string
		if err := db.EachLoggedEvent(ctx, func(ev store.LoggedEvent) error {
			if ev.LogIndex >= 0 {
				types = append(types, ev.Leaf.Type)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(types) != 2 || types[0] != "old.one" || types[1] != "old.two" {
			t.Errorf("logged %v", types)
		}
	})
}
