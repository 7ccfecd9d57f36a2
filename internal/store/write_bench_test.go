package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

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
