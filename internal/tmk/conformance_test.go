package tmk

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/video/videotest"
)

// cosine is the cosine similarity of two feature files as whole vectors
// (average, cosine and sine parts together).
func cosine(a, b *Features) float64 {
	var d, na, nb float64
	for _, p := range [][2][]float32{{a.Average, b.Average}, {a.Cos, b.Cos}, {a.Sin, b.Sin}} {
		for i := range p[0] {
			x, y := float64(p[0][i]), float64(p[1][i])
			d += x * y
			na += x * x
			nb += y * y
		}
	}
	return d / math.Sqrt(na*nb)
}

// TestConformance hashes the sample videos and compares the features with
// the reference's .tmk files (cosine similarity of the whole vectors, frame
// counts), then checks the reference's level-1/level-2 decisions on every
// pair of our files and every pair of ours against the reference's.
func TestConformance(t *testing.T) {
	t.Parallel()
	videotest.RequireFFmpeg(t, video.Config{}.Available())
	dir := videotest.SharedDir(t)
	ref := referenceFeatures(t, dir)
	videos, err := filepath.Glob(filepath.Join(dir, "videos", "*.mp4"))
	if err != nil || len(videos) < len(ref) {
		t.Fatalf("%d sample videos: %v", len(videos), err)
	}
	var mu sync.Mutex
	ours := map[string]*Features{}
	t.Run("features", func(t *testing.T) {
		for _, v := range videos {
			name := strings.TrimSuffix(filepath.Base(v), ".mp4")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				got, err := HashFile(t.Context(), video.Config{}, v)
				if err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				ours[name] = got
				mu.Unlock()
				want, ok := ref[name]
				if !ok {
					return // no reference file (the padded clip)
				}
				cs := cosine(got, want)
				gb, err := got.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				wb, err := want.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%d frames (reference %d), cosine similarity 1 - %.1e, same bytes as the reference file: %v",
					got.FrameCount, want.FrameCount, 1-cs, bytes.Equal(gb, wb))
				if got.FrameCount != want.FrameCount {
					t.Errorf("%d frames, reference %d", got.FrameCount, want.FrameCount)
				}
				// Same ffmpeg and the reference's float order give about
				// 1 - 1e-14; another ffmpeg build may decode a little
				// differently.
				if cs < 0.999999 {
					t.Errorf("cosine similarity 1 - %.1e to the reference, want within 1e-6", 1-cs)
				}
			})
		}
	})
	if len(ours) != len(videos) {
		t.Fatalf("%d videos hashed, want %d", len(ours), len(videos))
	}
	for a, fa := range ours {
		for b, fb := range ours {
			s := comparePair(t, "ours "+a+" vs "+b, a, b, fa, fb)
			rb, ok := ref[b]
			if !ok {
				continue
			}
			// Our file against the reference's file of another video: the
			// same decision as the reference's pair.
			comparePair(t, "ours "+a+" vs reference "+b, a, b, fa, rb)
			if ra, ok := ref[a]; ok {
				r, _ := Compare(ra, rb, DefaultThresholds())
				if math.Abs(r.Level1-s.Level1) > 1e-3 {
					t.Errorf("%s vs %s: level 1 %.6f, reference pair %.6f", a, b, s.Level1, r.Level1)
				}
			}
		}
	}
}
