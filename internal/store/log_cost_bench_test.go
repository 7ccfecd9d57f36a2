package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/translog"
)

// BenchmarkNoticeWrites measures what the transparency log adds to storing a
// notice: the same single-subject notices from 64 concurrent writers, once
// with plain timeline events and once with their log entries and the log's
// tree hashing and checkpoint signing running every second, as the server
// runs them. Issue 9 asks for at most 10% fewer notices/s with the log.
//
//	go test ./internal/store -run '^$' -bench NoticeWrites -benchtime 20000x -count 3
func BenchmarkNoticeWrites(b *testing.B) {
	for _, mode := range []string{"without_log", "with_log"} {
		b.Run(mode, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dir := b.TempDir()
			db, err := store.Open(ctx, store.Options{DataDir: dir, URL: "sqlite:" + filepath.Join(dir, "bench.db")})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			done := make(chan struct{})
			if mode == "without_log" {
				store.SetLogOff(db)
				close(done)
			} else {
				key, err := translog.GenerateKey(dir, "bench.sigap.local/log")
				if err != nil {
					b.Fatal(err)
				}
				l, err := translog.Open(ctx, db, key, clock.System{}, nil)
				if err != nil {
					b.Fatal(err)
				}
				go func() { defer close(done); l.Run(ctx, time.Second) }()
			}
			o := org.Org{ID: id.New("org", t0), Name: "Bench", Kind: org.KindAuthority, CreatedAt: t0}
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateOrg(ctx, o) }); err != nil {
				b.Fatal(err)
			}
			var seq atomic.Int64
			b.SetParallelism(32) // 64 writers on two cores, as in `sigap bench intake`
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := mkNotice(o, notice.KindOrder, t0, 4*time.Hour, fmt.Sprintf("chan%d", seq.Add(1)))
					if err := db.Write(ctx, func(tx *store.Tx) error { return tx.InsertNotice(ctx, n) }); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notices/s")
			b.StopTimer()
			cancel()
			<-done
		})
	}
}
