package pdqindex

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// BenchmarkMatch builds an index of PDQINDEX_BENCH_N random hashes (default
// 10,000,000; set e.g. 1000000 for a quick run) and measures queries at
// distance 31, half near a planted entry (0..31 bits away), half random,
// for multi-index hashing and brute force in the same run.
//
//	go test ./internal/pdqindex -run '^$' -bench Match -benchtime 2000x
func BenchmarkMatch(b *testing.B) {
	n := testcorpus.EnvInt(b, "PDQINDEX_BENCH_N", 10_000_000, 1000)
	r := rand.New(rand.NewPCG(1, 2))
	const numQueries = 1024
	queries := make([]pdq.Hash, numQueries)
	entries := make([]Entry, n)
	for i := range entries {
		entries[i] = Entry{Hash: randHash(r), ID: uint64(i)}
	}
	planted := map[int]bool{}
	for i := range queries {
		queries[i] = randHash(r)
		if i%2 == 0 {
			// Plant a neighbour of every other query over a random entry, a
			// different one each time: a second plant over the same entry
			// erased the first, and the check below failed on small indexes.
			at := r.IntN(n)
			for planted[at] {
				at = r.IntN(n)
			}
			planted[at] = true
			entries[at].Hash = flipBits(r, queries[i], r.IntN(32))
		}
	}

	opt := Options{Chunks: testcorpus.EnvInt(b, "PDQINDEX_BENCH_CHUNKS", 0, 0)}
	runtime.GC()
	start := time.Now()
	ix := BuildWith(entries, opt)
	buildTime := time.Since(start)
	entries = nil
	runtime.GC()
	// Live heap once the input is dropped: the index (hashes, IDs, tables)
	// plus the queries.
	var total runtime.MemStats
	runtime.ReadMemStats(&total)
	bf := &BruteForce{hashes: ix.hashes, ids: ix.ids} // shares the storage

	found := 0
	for i, q := range queries {
		if i%2 == 0 && len(ix.Search(q, DefaultMaxDistance, nil)) > 0 {
			found++
		}
	}
	if found != numQueries/2 {
		b.Fatalf("planted neighbours found for %d of %d queries", found, numQueries/2)
	}

	report := func(b *testing.B, s interface {
		Search(pdq.Hash, int, []Match) []Match
	}) {
		var out []Match
		i := 0
		start := time.Now()
		for b.Loop() {
			out = s.Search(queries[i%numQueries], DefaultMaxDistance, out[:0])
			i++
		}
		b.ReportMetric(float64(i)/time.Since(start).Seconds(), "queries/s")
		b.ReportMetric(float64(n), "entries")
	}
	b.Run(fmt.Sprintf("mih-%dchunks", ix.Chunks()), func(b *testing.B) {
		report(b, ix)
		b.ReportMetric(buildTime.Seconds(), "build-s")
		b.ReportMetric(float64(total.HeapAlloc)/(1<<20), "heap-MiB")
	})
	b.Run("brute", func(b *testing.B) { report(b, bf) })
}
