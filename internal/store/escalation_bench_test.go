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
	ctx := context.Background()
	rule := escalate.NewRule(nil, 0)
	type side struct {
		db      *store.DB
		org     org.Org
		timers  bool
		elapsed time.Duration
		n       int
	}
	open := func(trigger bool) *side {
		dir := b.TempDir()
		path := filepath.Join(dir, "bench.db")
		db, err := store.Open(ctx, store.Options{DataDir: dir, URL: "sqlite:" + path})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if trigger {
			raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
			if err != nil {
				b.Fatal(err)
			}
			_, err = raw.Exec(triggerSQL)
			raw.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
		o := org.Org{ID: id.New("org", t0), Name: "Bench", Kind: org.KindAuthority, CreatedAt: t0}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateOrg(ctx, o) }); err != nil {
			b.Fatal(err)
		}
		return &side{db: db, org: o, timers: !trigger}
	}
	trig, inGo := open(true), open(false)
	const writers, round = 64, 640
	var seq atomic.Int64
	run := func(s *side, n int) {
		var wg sync.WaitGroup
		var left atomic.Int64
		left.Store(int64(n))
		start := time.Now()
		for range writers {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					nt := mkNotice(s.org, notice.KindOrder, t0, 4*time.Hour, fmt.Sprintf("chan%d", seq.Add(1)))
					if err := s.db.Write(ctx, func(tx *store.Tx) error {
						if err := tx.InsertNotice(ctx, nt); err != nil || !s.timers {
							return err
						}
						return tx.InsertTimers(ctx, rule.Start(nt))
					}); err != nil {
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
		run(trig, n)
		run(inGo, n)
	}
	b.StopTimer()
	for _, s := range []*side{trig, inGo} {
		if next, err := s.db.NextTimerAt(ctx); err != nil || next.IsZero() {
			b.Fatalf("no timers filed (%v)", err)
		}
	}
	rate := func(s *side) float64 { return float64(s.n) / s.elapsed.Seconds() }
	b.ReportMetric(rate(trig), "notices/s_trigger")
	b.ReportMetric(rate(inGo), "notices/s_go")
	b.ReportMetric(rate(inGo)/rate(trig), "go/trigger")
}
