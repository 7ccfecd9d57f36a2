package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/escalate"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// triggerSQL is the trigger that filed a notice's first timers until
// migration 00130, put back on the benchmark's "trigger" side.
const triggerSQL = `CREATE TABLE escalation_config (id INTEGER PRIMARY KEY CHECK (id = 1), first_fraction REAL NOT NULL, unopened_ms INTEGER NOT NULL);
INSERT INTO escalation_config (id, first_fraction, unopened_ms) VALUES (1, 0.5, 900000);
CREATE TRIGGER notices_escalation AFTER INSERT ON notices
BEGIN
    INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at)
    SELECT NEW.id, 'deadline', 0, c.first_fraction, NEW.due_at - CAST((1.0 - c.first_fraction) * NEW.within_ms AS INTEGER)
    FROM escalation_config c WHERE c.id = 1;
    INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at)
    SELECT NEW.id, 'unopened', 0, 0, NEW.received_at + c.unopened_ms
    FROM escalation_config c WHERE c.id = 1 AND NEW.kind = 'order' AND NEW.class = 'urgent';
END;`

// BenchmarkNoticeTimers measures what filing escalation timers in Go costs
// intake against the database trigger that filed them before: the same
// single-subject urgent orders (two timers each) from 64 concurrent writers
// into two SQLite databases, one with the old trigger and one where the
// writer files escalate.Rule's timers with the group. The two take turns in
// rounds of 640 notices, so a change in the machine's load hits both alike;
// the result is each one's notices/s and go/trigger.
//
//	go test ./internal/store -run '^$' -bench NoticeTimers -benchtime 20000x
func BenchmarkNoticeTimers(b *testing.B) {
	ctx := b.Context()
	rule := escalate.NewRule(nil, 0)
	trig := openBenchSide(ctx, b, func(dir string, _ *store.DB) {
		raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "bench.db")+"?_pragma=busy_timeout(10000)")
		if err != nil {
			b.Fatal(err)
		}
		_, err = raw.Exec(triggerSQL)
		raw.Close()
		if err != nil {
			b.Fatal(err)
		}
	})
	inGo := openBenchSide(ctx, b, func(string, *store.DB) {})
	rateTrig, rateGo := compareWrites(ctx, b, trig, inGo, func(tx *store.Tx, s *benchSide, nt *notice.Notice) error {
		if err := tx.InsertNotice(ctx, nt); err != nil || s == trig {
			return err
		}
		return tx.InsertTimers(ctx, rule.Start(nt))
	})
	for _, s := range []*benchSide{trig, inGo} {
		if next, err := s.db.NextTimerAt(ctx); err != nil || next.IsZero() {
			b.Fatalf("no timers filed (%v)", err)
		}
	}
	b.ReportMetric(rateTrig, "notices/s_trigger")
	b.ReportMetric(rateGo, "notices/s_go")
	b.ReportMetric(rateGo/rateTrig, "go/trigger")
}

// benchSide is one of the two SQLite stores a write benchmark compares, with
// the notices written to it so far and the time they took.
type benchSide struct {
	db      *store.DB
	org     org.Org
	elapsed time.Duration
	n       int
}

// openBenchSide opens a SQLite store in a fresh directory, lets prepare do
// what this side differs by, and stores the authority its notices come from.
func openBenchSide(ctx context.Context, b *testing.B, prepare func(dir string, db *store.DB)) *benchSide {
	dir := b.TempDir()
	db, err := store.Open(ctx, store.Options{DataDir: dir, URL: "sqlite:" + filepath.Join(dir, "bench.db")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	prepare(dir, db)
	o := org.Org{ID: id.New("org", t0), Name: "Bench", Kind: org.KindAuthority, CreatedAt: t0}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateOrg(ctx, o) }); err != nil {
		b.Fatal(err)
	}
	return &benchSide{db: db, org: o}
}

// compareWrites stores b.N single-subject orders on each of x and y, each by
// write inside a group-committed transaction, from 64 concurrent writers. The
// two take turns in rounds of 640 notices, so a change in the machine's load
// hits both alike; it returns each one's notices/s.
func compareWrites(ctx context.Context, b *testing.B, x, y *benchSide, write func(tx *store.Tx, s *benchSide, nt *notice.Notice) error) (float64, float64) {
	const writers, round = 64, 640
	var seq atomic.Int64
	run := func(s *benchSide, n int) {
		var wg sync.WaitGroup
		var left atomic.Int64
		left.Store(int64(n))
		start := time.Now()
		for range writers {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					nt := mkNotice(s.org, notice.KindOrder, t0, 4*time.Hour, fmt.Sprintf("chan%d", seq.Add(1)))
					if err := s.db.Write(ctx, func(tx *store.Tx) error { return write(tx, s, nt) }); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		s.elapsed += time.Since(start)
		s.n += n
	}
	b.ResetTimer()
	for done := 0; done < b.N; done += round {
		n := min(round, b.N-done)
		run(x, n)
		run(y, n)
	}
	b.StopTimer()
	rate := func(s *benchSide) float64 { return float64(s.n) / s.elapsed.Seconds() }
	return rate(x), rate(y)
}
