package linkmatch

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

var tlds = []string{"com", "net", "org", "id", "co.id", "info", "xyz", "online", "site", "top"}

func randomDomain(rng *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789-"
	n := 5 + rng.IntN(12)
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rng.IntN(26)]
		if i > 0 && i < n-1 {
			b[i] = letters[rng.IntN(len(letters))]
		}
	}
	return string(b) + "." + tlds[rng.IntN(len(tlds))]
}

// benchDomains builds one rule with n random domains (TRUST+ Positif-like)
// and returns hosts of which 10% are under a listed domain.
func benchDomains(b *testing.B, n int) (*Matcher, []string, float64, time.Duration) {
	rng := rand.New(rand.NewPCG(1, 2))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	domains := make([]string, n)
	for i := range domains {
		domains[i] = randomDomain(rng)
	}
	t0 := time.Now()
	m := testcorpus.MustCompile(b, Compile, []Rule{{ID: "trustpositif", Kind: KindDomain, Values: domains}})
	build := time.Since(t0)
	domains = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
	hosts := make([]string, 100000)
	for i := range hosts {
		if i%10 == 0 {
			hosts[i] = "www." + randomDomainFrom(rng, m, i)
		} else {
			hosts[i] = "cdn" + fmt.Sprint(i%7) + "." + randomDomain(rng)
		}
	}
	return m, hosts, heap, build
}

// randomDomainFrom regenerates a listed domain: same seed, same sequence.
func randomDomainFrom(_ *rand.Rand, _ *Matcher, i int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	var d string
	for range i/10 + 1 {
		d = randomDomain(rng)
	}
	return d
}

func BenchmarkDomains1M(b *testing.B) {
	m, hosts, perDomain, build := benchDomains(b, 1_000_000)
	b.Logf("1M domains: build %v, tables %.1f MB (%.1f B/domain), heap growth %.1f B/domain",
		build.Round(time.Millisecond), float64(m.MemoryBytes())/1e6, float64(m.MemoryBytes())/1e6, perDomain)
	b.Run("MatchHost", func(b *testing.B) {
		var hits []Hit
		found := 0
		stop := testcorpus.StartCPU()
		for b.Loop() {
			found = 0
			for _, h := range hosts {
				hits = m.MatchHost(h, hits[:0])
				found += len(hits)
			}
		}
		cpu := stop()
		b.ReportMetric(float64(len(hosts)*b.N)/cpu.Seconds(), "hosts/cpu-s")
		b.ReportMetric(float64(found)/float64(len(hosts)), "hit-rate")
	})
	b.Run("MatchLink", func(b *testing.B) {
		links := make([]string, 10000)
		for i := range links {
			links[i] = "https://" + hosts[i] + "/artikel/" + fmt.Sprint(i) + "?ref=tg"
		}
		var hits []Hit
		stop := testcorpus.StartCPU()
		for b.Loop() {
			for _, l := range links {
				hits = m.MatchLink(l, hits[:0])
			}
		}
		cpu := stop()
		b.ReportMetric(float64(len(links)*b.N)/cpu.Seconds(), "links/cpu-s")
	})
}

func BenchmarkMatchText(b *testing.B) {
	m := testcorpus.MustCompile(b, Compile, testRules)
	post := testcorpus.New(3).Post(900) + " baca https://judi-online.com/promo dan t.me/daulah_channel/12 "
	b.SetBytes(int64(len(post)))
	var hits []Hit
	for b.Loop() {
		hits = m.MatchText(post, hits[:0])
	}
}
