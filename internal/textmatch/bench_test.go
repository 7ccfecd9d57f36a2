package textmatch

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/textnorm"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// benchSetup builds 10,000 keyword rules and about 2 MB of mixed posts.
func benchSetup(tb testing.TB, nPatterns, nPosts int) (*Matcher, []string) {
	g := testcorpus.New(7)
	kws := g.Keywords(nPatterns)
	rules := make([]Rule, 0, len(kws))
	seen := map[string]bool{}
	for i, k := range kws {
		n := textnorm.Normalize(k)
		if seen[n] || checkKeyword(n) != nil {
			continue
		}
		seen[n] = true
		rules = append(rules, Rule{ID: fmt.Sprintf("kw%05d", i), Kind: KindKeyword, Pattern: k})
	}
	m := testcorpus.MustCompile(tb, Compile, rules)
	return m, testcorpus.New(8).Posts(nPosts)
}

// reportCPU adds MB per CPU second, which the shared machine's load does not
// distort as much as wall-clock MB/s.
func reportCPU(b *testing.B, cpu time.Duration, bytesPerOp int64) {
	if cpu > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/cpu.Seconds()/1e6, "cpuMB/s")
	}
}

func totalBytes(posts []string) int64 {
	n := 0
	for _, p := range posts {
		n += len(p)
	}
	return int64(n)
}

// BenchmarkNormalizeAndMatch is the figure the issue asks for: raw posts in,
// hits out, 10,000 keyword patterns, per core.
func BenchmarkNormalizeAndMatch(b *testing.B) {
	m, posts := benchSetup(b, 10000, 2000)
	b.Logf("rules %d, dictionary slots %d, automaton states %d, tables %.2f MB", m.Len(), len(m.ac.slots), m.ac.states(), float64(m.ac.memoryBytes())/1e6)
	var buf []byte
	var hits []Hit
	b.SetBytes(totalBytes(posts))
	b.ReportAllocs()
	b.ResetTimer()
	nHits := 0
	stop := testcorpus.StartCPU()
	for b.Loop() {
		nHits = 0
		for _, p := range posts {
			buf = textnorm.AppendString(buf[:0], p)
			hits = m.Match(buf, hits[:0])
			nHits += len(hits)
		}
	}
	reportCPU(b, stop(), totalBytes(posts))
	b.ReportMetric(float64(nHits)/float64(len(posts)), "hits/post")
}

// BenchmarkMatch is the automaton alone on already normalised posts.
func BenchmarkMatch(b *testing.B) {
	for _, n := range []int{1000, 10000, 50000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			m, posts := benchSetup(b, n, 2000)
			norm := make([][]byte, len(posts))
			var size int64
			for i, p := range posts {
				norm[i] = []byte(textnorm.Normalize(p))
				size += int64(len(norm[i]))
			}
			var hits []Hit
			b.SetBytes(size)
			b.ResetTimer()
			stop := testcorpus.StartCPU()
			for b.Loop() {
				for _, p := range norm {
					hits = m.Match(p, hits[:0])
				}
			}
			reportCPU(b, stop(), size)
		})
	}
}

func BenchmarkCompile10k(b *testing.B) {
	m, _ := benchSetup(b, 10000, 1)
	rules := m.rules
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var keep *Matcher
	for b.Loop() {
		var err error
		if keep, err = Compile(rules); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1e6, "heapMB")
	runtime.KeepAlive(keep)
}

// TestWriteHyperscanInputs writes the benchmark's patterns and normalised
// posts for hscompare (see hscompare/README.md). It runs only when
// SIGAP_HSCOMPARE_DIR names a directory.
func TestWriteHyperscanInputs(t *testing.T) {
	dir := os.Getenv("SIGAP_HSCOMPARE_DIR")
	if dir == "" {
		t.Skip("set SIGAP_HSCOMPARE_DIR to write the Hyperscan comparison inputs")
	}
	m, posts := benchSetup(t, 10000, 2000)
	var pat, txt strings.Builder
	for i := range m.Len() {
		if kw := m.Keyword(i); kw != "" {
			pat.WriteString(kw)
			pat.WriteByte('\n')
		}
	}
	for _, p := range posts {
		txt.WriteString(textnorm.Normalize(p))
		txt.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "patterns.txt"), []byte(pat.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "posts.txt"), []byte(txt.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Our count of hits on the same input, for the C program to agree with.
	total := 0
	var hits []Hit
	for _, p := range strings.Split(strings.TrimSuffix(txt.String(), "\n"), "\n") {
		hits = m.MatchString(p, hits[:0])
		total += len(hits)
	}
	if err := os.WriteFile(filepath.Join(dir, "go_hits.txt"), fmt.Appendf(nil, "%d\n", total), 0o644); err != nil {
		t.Fatal(err)
	}
}
