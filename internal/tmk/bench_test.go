package tmk

import (
	"testing"

	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/video/videotest"
)

// BenchmarkHashFile computes the TMK+PDQF features of a 19-second sample
// (ffmpeg decoding and resampling included).
//
//	SIGAP_SHARED_TESTDATA=/work/shared/testdata go test ./internal/tmk -run '^$' -bench . -benchtime 3x
func BenchmarkHashFile(b *testing.B) {
	path := videotest.Video(b, video.Config{}.Available(), "chair-19-sd-bar.mp4")
	cpu0 := videotest.CPUTime(true)
	for b.Loop() {
		if _, err := HashFile(b.Context(), video.Config{}, path); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := videotest.CPUTime(true) - cpu0; cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/video")
	}
}

// BenchmarkCompare times the two levels on two reference files.
func BenchmarkCompare(b *testing.B) {
	ref := referenceFeatures(b, videotest.SharedDir(b))
	x, y := ref["chair-19-sd-bar"], ref["chair-20-sd-bar"]
	b.Run("level1", func(b *testing.B) {
		for b.Loop() {
			Level1(x, y)
		}
	})
	b.Run("level2", func(b *testing.B) {
		for b.Loop() {
			Level2(x, y)
		}
	})
}
