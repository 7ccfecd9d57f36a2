package vpdq

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/video/videotest"
)

// TestConformance hashes the sample videos and compares every frame with
// the reference's sample hashes: same frames and timestamps, and at least
// 99% of the reference's frames of quality >= 50 within distance 31 of
// ours with our quality >= 50 too. The median distance is logged.
func TestConformance(t *testing.T) {
	t.Parallel()
	videotest.RequireFFmpeg(t, video.Config{}.Available())
	dir := videotest.SharedDir(t)
	videos, err := filepath.Glob(filepath.Join(dir, "videos", "*.mp4"))
	if err != nil || len(videos) == 0 {
		t.Fatalf("no sample videos: %v", err)
	}
	type run struct {
		video, ref string
		opt        HashOptions
	}
	var runs []run
	for _, v := range videos {
		name := strings.TrimSuffix(filepath.Base(v), ".mp4")
		runs = append(runs, run{v, name + ".txt", HashOptions{}})
		if strings.HasPrefix(name, "chair-") {
			runs = append(runs, run{v, name + "-128x128.txt", HashOptions{Downsample: 128}})
		}
	}
	var mu sync.Mutex
	ours := map[string]Hash{} // full-size hashes by video name
	// The group returns once its parallel subtests are done.
	t.Run("frames", func(t *testing.T) {
		for _, r := range runs {
			t.Run(r.ref, func(t *testing.T) {
				t.Parallel()
				ref := readHashFile(t, filepath.Join(dir, "vpdq", r.ref))
				got, err := HashFile(t.Context(), video.Config{}, r.video, r.opt)
				if err != nil {
					t.Fatal(err)
				}
				if r.opt.Downsample == 0 {
					mu.Lock()
					ours[strings.TrimSuffix(r.ref, ".txt")] = got
					mu.Unlock()
				}
				if len(got) != len(ref) {
					t.Fatalf("%d frames, reference %d", len(got), len(ref))
				}
				var dists []int
				counted, close := 0, 0
				for i := range ref {
					g, w := got[i], ref[i]
					if g.Frame != w.Frame || ts3(g) != ts3(w) {
						t.Fatalf("frame %d at %.3f s, reference frame %d at %.3f s", g.Frame, g.Timestamp, w.Frame, w.Timestamp)
					}
					d := pdq.Distance(g.Hash, w.Hash)
					dists = append(dists, d)
					if w.Quality >= DefaultMinQuality {
						counted++
						if d <= DefaultMaxDistance && g.Quality >= DefaultMinQuality {
							close++
						}
					}
				}
				slices.Sort(dists)
				t.Logf("%d frames, median distance %d, max %d, %d of %d good frames within %d",
					len(ref), dists[len(dists)/2], dists[len(dists)-1], close, counted, DefaultMaxDistance)
				if counted == 0 || close*100 < counted*99 {
					t.Errorf("%d of %d frames of quality >= %d within distance %d, want 99%%", close, counted, DefaultMinQuality, DefaultMaxDistance)
				}
			})
		}
	})
	// Our hashes give the reference's match decisions on every pair.
	if len(ours) != len(videos) {
		t.Fatalf("%d videos hashed, want %d", len(ours), len(videos))
	}
	for a, ha := range ours {
		for b, hb := range ours {
			q, c := Match(ha, hb, DefaultMatchOptions())
			if got := q >= DefaultQueryMatchPercent; got != refMatch(a, b) {
				t.Errorf("%s vs %s: query %.2f%%, compared %.2f%%; match %v, want %v", a, b, q, c, got, !got)
			}
		}
	}
}

// ts3 is the timestamp as the reference prints it.
func ts3(f Feature) string { return strconv.FormatFloat(f.Timestamp, 'f', 3, 64) }

// TestSecondsPerHash checks the one-hash-per-S-seconds selection against
// the reference's every-frame hashes: frames 0, 30, 60... at 30 fps.
func TestSecondsPerHash(t *testing.T) {
	t.Parallel()
	videotest.RequireFFmpeg(t, video.Config{}.Available())
	dir := videotest.SharedDir(t)
	ref := readHashFile(t, filepath.Join(dir, "vpdq", "test-padded-dimensions.txt"))
	got, err := HashFile(t.Context(), video.Config{}, filepath.Join(dir, "videos", "test-padded-dimensions.mp4"),
		HashOptions{SecondsPerHash: 1})
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for _, f := range ref {
		if f.Frame%30 == 0 {
			want = append(want, f.Frame)
		}
	}
	var frames []int
	for i, f := range got {
		frames = append(frames, f.Frame)
		if w := ref[f.Frame]; pdq.Distance(w.Hash, f.Hash) > DefaultMaxDistance {
			t.Errorf("hash %d (frame %d) is %d bits from the reference's", i, f.Frame, pdq.Distance(w.Hash, f.Hash))
		}
	}
	if !slices.Equal(frames, want) {
		t.Errorf("frames %v, want %v", frames, want)
	}
}

func TestHashOptionsRefused(t *testing.T) {
	t.Parallel()
	for _, opt := range []HashOptions{{SecondsPerHash: -1}, {Downsample: -1}} {
		if _, err := HashFile(t.Context(), video.Config{}, "unused.mp4", opt); err == nil {
			t.Errorf("HashFile(%+v) accepted", opt)
		}
	}
}

func TestFrameMod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seconds, rate float64
		want          int
	}{
		{0, 30, 1}, {1, 30, 30}, {0.5, 29.97, 14}, {1, 0.5, 1}, {2.5, 24, 60},
	}
	for _, tc := range tests {
		if got := frameMod(tc.seconds, tc.rate); got != tc.want {
			t.Errorf("frameMod(%v, %v) = %d, want %d", tc.seconds, tc.rate, got, tc.want)
		}
	}
}

// TestWorkersAgree hashes one clip with one and with several hashing
// goroutines: the same frames, in order, with the same hashes.
func TestWorkersAgree(t *testing.T) {
	t.Parallel()
	path := videotest.Video(t, video.Config{}.Available(), "test-padded-dimensions.mp4")
	var got [2]Hash
	for i, workers := range []int{1, 3} {
		h, err := HashFile(t.Context(), video.Config{}, path, HashOptions{Downsample: 64, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		got[i] = h
	}
	if len(got[0]) != 150 || got[0].String() != got[1].String() {
		t.Errorf("1 worker: %d frames; 3 workers: %d frames; equal %v", len(got[0]), len(got[1]), got[0].String() == got[1].String())
	}
}
