package textnorm

import (
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

func benchNormalize(b *testing.B, posts []string) {
	total := 0
	for _, p := range posts {
		total += len(p)
	}
	var buf []byte
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	stop := testcorpus.StartCPU()
	for b.Loop() {
		for _, p := range posts {
			buf = AppendString(buf[:0], p)
		}
	}
	if cpu := stop(); cpu > 0 {
		b.ReportMetric(float64(total)*float64(b.N)/cpu.Seconds()/1e6, "cpuMB/s")
	}
}

// BenchmarkNormalize measures the normaliser alone on mixed posts (about
// 2 MB per iteration).
func BenchmarkNormalize(b *testing.B) {
	loadTables()
	b.Run("mixed", func(b *testing.B) {
		benchNormalize(b, testcorpus.New(1).Posts(2000))
	})
	b.Run("ascii", func(b *testing.B) {
		g := testcorpus.New(2)
		posts := make([]string, 0, 2000)
		for len(posts) < 2000 {
			var s strings.Builder
			for s.Len() < 1000 {
				if w := g.Word(); w[0] < 0x80 {
					s.WriteString(w)
					s.WriteByte(' ')
				}
			}
			posts = append(posts, s.String())
		}
		benchNormalize(b, posts)
	})
	b.Run("arabic", func(b *testing.B) {
		_, _, ar := testcorpus.Words()
		posts := make([]string, 500)
		for i := range posts {
			var s strings.Builder
			for j := 0; s.Len() < 1000; j++ {
				s.WriteString(ar[(i*7+j*13)%len(ar)])
				s.WriteByte(' ')
			}
			posts[i] = s.String()
		}
		benchNormalize(b, posts)
	})
	b.Run("evasive", func(b *testing.B) {
		unit := "Ayo ｊｉｈａｄ ke ј𝗂һаd b o m b d4ul4h jiiiihaaad مُجَاهِد الإسلامية ﺍﻟﺪﻭﻟﺔ j\u200Bihad 2024! "
		posts := make([]string, 500)
		for i := range posts {
			posts[i] = strings.Repeat(unit, 10)
		}
		benchNormalize(b, posts)
	})
}

func BenchmarkBuildTables(b *testing.B) {
	for b.Loop() {
		buildTables()
	}
}
