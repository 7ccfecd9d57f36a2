package scanstream_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/scanstream/natstest"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/video/videotest"
)

// sharedVideo is the shared video test vectors' folder; the test skips
// without them, and without ffmpeg unless SIGAP_REQUIRE_FFMPEG=1.
func sharedVideo(t *testing.T) string {
	t.Helper()
	dir := videotest.SharedDir(t)
	videotest.RequireFFmpeg(t, video.Config{}.Available())
	return dir
}

// TestWorkerScansVideos: the worker takes video media as the API does: a
// bank holding one chair clip's vPDQ catches another chair clip's bytes,
// not the unrelated clip, and a truncated video is a dead letter that says
// why.
func TestWorkerScansVideos(t *testing.T) {
	t.Parallel()
	dir := sharedVideo(t)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		s, b := sigapWithSet(t, e, func(s *server.Server) *filterset.Service { return s.API.Banks },
			filterset.CreateInput{Name: "video", Policy: "shadow", Labels: []string{"terrorism"}},
			filterset.Item{Type: "vpdq", Value: string(read("vpdq/chair-19-sd-bar.txt"))})

		// Videos are megabytes: the server and the stream take 8 MiB messages.
		_, js := natstest.JetStream(t, natstest.Server(t, 8<<20))
		cfg := scanstream.Config{Workers: 2, Batch: 4, MaxPostBytes: 8 << 20}
		if _, err := scanstream.Ensure(ctx, js, cfg); err != nil {
			t.Fatal(err)
		}
		posts := []struct {
			id   int
			data []byte
		}{{1, read("videos/chair-20-sd-bar.mp4")}, {2, read("videos/test-padded-dimensions.mp4")}, {3, read("videos/chair-22-sd-grey-bar.mp4")[:4096]}}
		for _, p := range posts {
			body, _ := json.Marshal(map[string]any{"channel": "video_chan", "message_id": p.id, "media": []map[string]any{{"data": p.data}}})
			if _, err := js.Publish(ctx, scanstream.PostsSubject+".video_chan", body); err != nil {
				t.Fatal(err)
			}
		}
		w := scanstream.New(js, s.Scanner, cfg, nil)
		runUntil(t, w, 3*time.Minute, func(st *scanstream.Stats) bool {
			return st.Scanned.Load()+st.DeadLettered.Load() >= int64(len(posts))
		})
		if got, dead := w.Stats.Scanned.Load(), w.Stats.DeadLettered.Load(); got != 2 || dead != 1 || w.Stats.WithHits.Load() != 1 {
			t.Errorf("scanned %d (%d with hits), dead-lettered %d; want 2 (1), 1", got, w.Stats.WithHits.Load(), dead)
		}
		hits, err := s.DB.RecentHits(ctx, "", "", 10)
		if err != nil || len(hits) != 1 || hits[0].Matcher != "vpdq" || hits[0].SetID != b.ID || !strings.HasSuffix(hits[0].Post, "/1") {
			t.Errorf("stored hits: %+v %v; want chair-20's vpdq hit", hits, err)
		}
		dead, err := js.Stream(ctx, scanstream.DeadStreamName)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := dead.GetMsg(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if reason := msg.Header.Get("Sigap-Error"); !strings.Contains(reason, "media[0]") || !strings.Contains(reason, "video") {
			t.Errorf("dead letter reason %q, want the media item and why", reason)
		}
	})
}
