package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/removed"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/video/videotest"
	"github.com/sigap/sigap/internal/vpdq"
)

func readShared(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// chairs are the reference's chair clips; all but the large-logo one
// match one another (the reference's own hashes give that one about 10%
// against the others, see docs/video.md).
var chairs = []struct {
	name  string
	match bool
}{
	{"chair-20-sd-bar", true}, {"chair-22-sd-grey-bar", true}, {"chair-22-sd-sepia-bar", true},
	{"chair-22-with-small-logo-bar", true}, {"chair-orig-22-sd-bar", true}, {"chair-22-with-large-logo-bar", false},
}

// TestVideoBanksCatchTheChairs: a bank holding one chair clip's vPDQ
// catches the other chair clips posted as video bytes and as vPDQ lines,
// and not the unrelated clip; a GIFCT-style dump with TMK+PDQF and SHA-512
// lines imports the TMK and counts the rest; a removed video feeds its
// vPDQ to the removed-content bank.
func TestVideoBanksCatchTheChairs(t *testing.T) {
	t.Parallel()
	dir := videotest.Vectors(t, video.Config{}.Available())
	casetest.Each(t, newRemovedEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		b := e.mkSet(t, "/v1/banks", map[string]any{"name": "video", "policy": "shadow", "labels": []string{"terrorism"}})
		ref := string(readShared(t, dir, "vpdq/chair-19-sd-bar.txt"))
		ent := e.addEntry(t, "/v1/banks/"+b.ID+"/entries", map[string]any{"type": "vpdq", "value": ref, "source": "test"})
		if !strings.HasPrefix(ent.Value, "0,100,") || strings.Count(ent.Value, "\n") != strings.Count(strings.TrimSpace(ref), "\n")+1 {
			t.Errorf("stored vpdq: %.80q", ent.Value)
		}
		if r := e.json(t, "POST", "/v1/banks/"+b.ID+"/entries", e.admin, map[string]any{"type": "vpdq", "value": strings.ReplaceAll(ref, "\n", "\r\n")}); r.Status != 409 {
			t.Errorf("the same vpdq again: %d %s, want 409", r.Status, r.Body)
		}
		e.sync(t)

		for _, c := range chairs {
			for _, form := range []string{"data", "vpdq"} {
				item := map[string]any{"vpdq": string(readShared(t, dir, "vpdq/"+c.name+".txt"))}
				if form == "data" {
					item = map[string]any{"data": readShared(t, dir, "videos/"+c.name+".mp4")}
				}
				res := e.scan(t, map[string]any{"channel": "video_chan", "message_id": 1, "media": []map[string]any{item}})
				h, ok := hitOf(res, "vpdq", b.ID)
				if ok != c.match {
					t.Errorf("%s as %s: hit %v, want %v: %+v", c.name, form, ok, c.match, res.Hits)
					continue
				}
				if len(res.Media) != 1 || res.Media[0].Kind != "video" || res.Media[0].Frames == 0 {
					t.Errorf("%s as %s: media %+v", c.name, form, res.Media)
				}
				if ok && (h.Entry != ent.ID || h.QueryMatchPercent == nil || *h.QueryMatchPercent < 80 || h.ComparedMatchPercent == nil ||
					*h.ComparedMatchPercent <= 0 || h.Distance != int(100-*h.QueryMatchPercent+0.5) || h.Media == nil || *h.Media != 0) {
					t.Errorf("%s as %s: hit %+v", c.name, form, h)
				}
			}
		}
		// POST /v1/match looks a vpdq up the same way, recording nothing.
		var m struct{ Hits []scan.Hit }
		r := e.json(t, "POST", "/v1/match", e.admin, map[string]any{"vpdq": string(readShared(t, dir, "vpdq/chair-20-sd-bar.txt"))})
		r.decode(t, &m)
		if r.Status != 200 || len(m.Hits) != 1 || m.Hits[0].Matcher != "vpdq" || m.Hits[0].Entry != ent.ID || m.Hits[0].QueryMatchPercent == nil {
			t.Errorf("match a vpdq: %d %.300s", r.Status, r.Body)
		}
		if r := e.json(t, "POST", "/v1/match", e.admin, map[string]any{"vpdq": "0,100,zz,0"}); r.Status != 422 || !r.problem(t).hasError("vpdq", "invalid") {
			t.Errorf("match a bad vpdq: %d %s", r.Status, r.Body)
		}

		// The other sample clip is caught by nothing, but its whole-file SHA-256 is.
		padded := readShared(t, dir, "videos/test-padded-dimensions.mp4")
		res := e.scan(t, map[string]any{"channel": "video_chan", "message_id": 2, "media": []map[string]any{{"data": padded}}})
		if len(res.Hits) != 0 || len(res.Media) != 1 || res.Media[0].SHA256 == "" {
			t.Fatalf("test-padded-dimensions: %+v", res)
		}
		e.addEntry(t, "/v1/banks/"+b.ID+"/entries", map[string]any{"type": "sha256", "value": res.Media[0].SHA256})
		e.sync(t)
		res = e.scan(t, map[string]any{"channel": "video_chan", "message_id": 3, "media": []map[string]any{{"data": padded}}})
		if _, ok := hitOf(res, "sha256", b.ID); !ok || len(res.Hits) != 1 {
			t.Errorf("whole-file sha256 of a video: %+v", res.Hits)
		}

		// POST /v1/hash answers a video's vPDQ lines, the reference's own for this clip.
		var hv struct {
			Kind, VPDQ, MD5, SHA256 string
			Frames                  int
			Matchable               bool
		}
		r = e.do(t, "POST", "/v1/hash", e.admin, readShared(t, dir, "videos/chair-19-sd-bar.mp4"), "Content-Type", "video/mp4")
		r.decode(t, &hv)
		if r.Status != 200 || hv.Kind != "video" || hv.Frames != strings.Count(hv.VPDQ, "\n") || !hv.Matchable || len(hv.SHA256) != 64 {
			t.Fatalf("hash a video: %d %.300s", r.Status, r.Body)
		}
		if hv.Frames != strings.Count(strings.TrimSpace(ref), "\n")+1 {
			t.Errorf("hash a video: %d frames, the reference has %d", hv.Frames, strings.Count(strings.TrimSpace(ref), "\n")+1)
		}

		// A GIFCT-style dump: TMK+PDQF lines import, SHA-512 lines are counted.
		tmkB64 := base64.StdEncoding.EncodeToString(readShared(t, dir, "tmk/chair-19-sd-bar.tmk"))
		dump, _ := json.Marshal([]map[string]string{
			{"hash_type": "TMK+PDQF", "hash_value": tmkB64}, {"hash_type": "SHA-512", "hash_value": strings.Repeat("ab", 64)},
			{"hash_type": "SHA-512", "hash_value": strings.Repeat("cd", 64)}, {"hash_type": "MD5", "hash_value": strings.Repeat("ef", 16)}})
		var imp struct {
			Received, Added int
			SkippedTypes    map[string]int `json:"skipped_types"`
		}
		r = e.do(t, "POST", "/v1/banks/"+b.ID+"/import", e.admin, dump)
		r.decode(t, &imp)
		if r.Status != 200 || imp.Received != 4 || imp.Added != 2 || imp.SkippedTypes["sha512"] != 2 || len(imp.SkippedTypes) != 1 {
			t.Fatalf("GIFCT dump: %d %s", r.Status, r.Body)
		}
		e.sync(t)
		res = e.scan(t, map[string]any{"channel": "video_chan", "message_id": 4, "media": []map[string]any{{"data": readShared(t, dir, "videos/chair-20-sd-bar.mp4")}}})
		th, ok := hitOf(res, "tmk", b.ID)
		if !ok || th.Score == nil || *th.Score < 0.7 || *th.Score > 1.01 {
			t.Errorf("tmk hit on chair-20: %+v", res.Hits)
		}
		if _, ok := hitOf(res, "vpdq", b.ID); !ok {
			t.Errorf("vpdq hit lost once tmk entries exist: %+v", res.Hits)
		}
		if e.srv.Scanner.Stats().TMK != 1 || e.srv.Scanner.Stats().VPDQ != 1 {
			t.Errorf("scanner stats: %+v", e.srv.Scanner.Stats())
		}

		// A video removed by a final decision feeds its vPDQ to the
		// removed-content bank (similar: review), and that bank then
		// catches the other chairs.
		rb := e.mkSet(t, "/v1/banks", map[string]any{"name": "video review", "policy": "review", "labels": []string{"terrorism"}})
		e.addEntry(t, "/v1/banks/"+rb.ID+"/entries", map[string]any{"type": "vpdq", "value": ref})
		e.sync(t)
		orig := string(readShared(t, dir, "vpdq/chair-orig-22-sd-bar.txt"))
		res = e.scan(t, map[string]any{"channel": "video_chan", "message_id": 5, "media": []map[string]any{{"vpdq": orig}}})
		if len(res.Notices) != 1 {
			t.Fatalf("review bank filed no notice: %+v", res)
		}
		caseID := res.Notices[0].CaseID
		e.claimCase(t, e.rev1, caseID)
		if r := e.json(t, "POST", "/v1/cases/"+caseID+"/decision", e.rev1, removal()); r.Status != 200 {
			t.Fatalf("remove the video post: %d %s", r.Status, r.Body)
		}
		var fed string
		for _, x := range e.entries(t, "banks", removed.BankSimilarID) {
			if x.Type == "vpdq" && x.CaseID == caseID {
				fed = x.Value
			}
		}
		// Its frames of matching quality, each distinct hash once.
		fedHash, err := vpdq.Parse(fed)
		origHash, _ := vpdq.Parse(orig)
		if err != nil || len(fedHash) != len(vpdq.Prepare(origHash, 50)) {
			t.Fatalf("removed video's vpdq in %s: %d frames (%v), want the %d distinct frames of quality", removed.BankSimilarID, len(fedHash), err, len(vpdq.Prepare(origHash, 50)))
		}
		e.sync(t)
		res = e.scan(t, map[string]any{"channel": "video_chan", "message_id": 6,
			"media": []map[string]any{{"vpdq": string(readShared(t, dir, "vpdq/chair-22-sd-grey-bar.txt"))}}})
		if _, ok := hitOf(res, "vpdq", removed.BankSimilarID); !ok {
			t.Errorf("the removed-content bank does not catch another chair: %+v", res.Hits)
		}
	})
}

// TestBadVideosRefused: each bad video, video hash or import is a clear
// 422 (or a count) and stores nothing.
func TestBadVideosRefused(t *testing.T) {
	t.Parallel()
	dir := videotest.Vectors(t, video.Config{}.Available())
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e := newEnv(t, eng, "")
		b := e.mkSet(t, "/v1/banks", map[string]any{"name": "video", "policy": "shadow"})
		chair := readShared(t, dir, "videos/chair-19-sd-bar.mp4")
		var zipped bytes.Buffer
		zw := zip.NewWriter(&zipped)
		w, _ := zw.Create("clip.mp4")
		w.Write(chair[:50_000])
		zw.Close()
		// A huge declared duration: the movie header says 0xfffffff0 ms (49 days).
		long := bytes.Clone(chair)
		if i := bytes.Index(long, []byte("mvhd")); i < 0 || long[i+4] != 0 {
			t.Fatal("no version-0 mvhd box in the sample")
		} else {
			copy(long[i+20:], []byte{0xff, 0xff, 0xff, 0xf0})
		}
		for _, tc := range []struct {
			name        string
			data        []byte
			field, code string
		}{
			{"truncated mp4", chair[:4096], "media[0].data", "bad_video"},
			{"huge declared duration", long, "media[0].data", "video_too_large"},
			{"a zip is no image or video", zipped.Bytes(), "media[0].data", "bad_image"},
		} {
			r := e.json(t, "POST", "/v1/scan", e.admin, map[string]any{"channel": "video_chan", "message_id": 1, "media": []map[string]any{{"data": tc.data}}})
			if r.Status != 422 || !r.problem(t).hasError(tc.field, tc.code) {
				t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
			}
		}
		// A zip named .mp4 is refused as a bad video by POST /v1/hash.
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		fw, _ := mw.CreateFormFile("file", "clip.mp4")
		fw.Write(zipped.Bytes())
		mw.Close()
		if r := e.do(t, "POST", "/v1/hash", e.admin, form.Bytes(), "Content-Type", mw.FormDataContentType()); r.Status != 422 || !r.problem(t).hasError("file", "bad_video") {
			t.Errorf("zip named .mp4: %d %s", r.Status, r.Body)
		}

		badHex := "0,100," + strings.Repeat("g", 64) + ",0.000\n"
		if r := e.json(t, "POST", "/v1/scan", e.admin, map[string]any{"channel": "video_chan", "message_id": 2, "media": []map[string]any{{"vpdq": badHex}}}); r.Status != 422 ||
			!r.problem(t).hasError("media[0].vpdq", "invalid") {
			t.Errorf("scan vpdq with bad hex: %d %s", r.Status, r.Body)
		}
		tmk := readShared(t, dir, "tmk/chair-19-sd-bar.tmk")
		for _, tc := range []struct{ name, typ, value string }{
			{"vpdq with bad hex", "vpdq", badHex},
			{"vpdq of low quality only", "vpdq", "0,20," + strings.Repeat("ab", 32) + ",0.000\n"},
			{"tmk of the wrong length", "tmk", base64.StdEncoding.EncodeToString(tmk[:len(tmk)-4])},
			{"tmk not base64", "tmk", "%%%"},
		} {
			if r := e.json(t, "POST", "/v1/banks/"+b.ID+"/entries", e.admin, map[string]any{"type": tc.typ, "value": tc.value}); r.Status != 422 ||
				!r.problem(t).hasError("value", "invalid") {
				t.Errorf("bank entry, %s: %d %s", tc.name, r.Status, r.Body)
			}
		}
		// A skipped SHA-512 line first: the refusal still names the bad item's place in the file.
		bad, _ := json.Marshal(map[string]any{"data": []map[string]string{{"type": "HASH_SHA512", "raw_indicator": strings.Repeat("ab", 64)},
			{"type": "HASH_TMK", "raw_indicator": base64.StdEncoding.EncodeToString(tmk[:100])}, {"type": "HASH_MD5", "raw_indicator": strings.Repeat("a", 32)}}})
		if r := e.do(t, "POST", "/v1/banks/"+b.ID+"/import", e.admin, bad); r.Status != 422 || !r.problem(t).hasError("entries[1].value", "invalid") {
			t.Errorf("import with a short tmk: %d %s", r.Status, r.Body)
		}
		unknown := "type,value\nsha512," + strings.Repeat("ab", 64) + "\nSHA-512," + strings.Repeat("cd", 64) + "\nsha1," + strings.Repeat("e", 40) + "\n"
		r := e.do(t, "POST", "/v1/banks/"+b.ID+"/import", e.admin, []byte(unknown), "Content-Type", "text/csv")
		var imp struct {
			Received, Added int
			SkippedTypes    map[string]int `json:"skipped_types"`
		}
		r.decode(t, &imp)
		if r.Status != 200 || imp.Received != 3 || imp.Added != 0 || imp.SkippedTypes["sha512"] != 2 || imp.SkippedTypes["sha1"] != 1 {
			t.Errorf("import of unknown types only: %d %s", r.Status, r.Body)
		}
		var got filterSet
		e.do(t, "GET", "/v1/banks/"+b.ID, e.admin, nil).decode(t, &got)
		if got.Stats == nil || got.Stats.Entries != 0 {
			t.Errorf("something was stored: %+v", got.Stats)
		}
	})
}
