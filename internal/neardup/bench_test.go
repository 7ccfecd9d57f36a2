package neardup

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/textnorm"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// BenchmarkQuery100k indexes 100,000 normalised posts (200-2,000 bytes) and
// queries with edited copies (half) and fresh posts (half).
func BenchmarkQuery100k(b *testing.B) {
	g := testcorpus.New(21)
	ix, _ := New(Options{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	var queries []string
	for i := range 100_000 {
		n := textnorm.Normalize(g.Post(200 + i%1800))
		if err := ix.Add(fmt.Sprint(i), n); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 0 {
			w := strings.Fields(n)
			w[len(w)/2] = "suntingan"
			queries = append(queries, strings.Join(w, " "))
		}
	}
	build := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	for len(queries) < 200 {
		queries = append(queries, textnorm.Normalize(g.Post(1000)))
	}
	b.Logf("100k docs: add (incl. normalise) %v, heap %.1f MB (%.0f B/doc)", build.Round(time.Millisecond),
		float64(after.HeapAlloc-before.HeapAlloc)/1e6, float64(after.HeapAlloc-before.HeapAlloc)/1e5)
	var out []Match
	found := 0
	stop := testcorpus.StartCPU()
	for b.Loop() {
		found = 0
		for _, q := range queries {
			out = ix.Query(q, out[:0])
			found += len(out)
		}
	}
	cpu := stop()
	b.ReportMetric(cpu.Seconds()*1e6/float64(len(queries)*b.N), "cpu-µs/query")
	b.ReportMetric(float64(found)/float64(len(queries)), "matches/query")
}

func BenchmarkSignature(b *testing.B) {
	ix, _ := New(Options{})
	post := textnorm.Normalize(testcorpus.New(3).Post(1000))
	b.SetBytes(int64(len(post)))
	for b.Loop() {
		ix.Signature(post)
	}
}
