package httpapi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store/storetest"
)

// texturedPNG is a deterministic image with enough structure for a
// high-quality PDQ hash.
func texturedPNG(t *testing.T, seed uint64, w, h int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for by := 0; by < h; by += 8 {
		for bx := 0; bx < w; bx += 8 {
			c := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
			for y := by; y < min(by+8, h); y++ {
				for x := bx; x < min(bx+8, w); x++ {
					img.Set(x, y, c)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombPNG is a valid PNG header claiming 100,000 x 100,000 pixels.
func bombPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// IHDR width and height live at bytes 16..24, its CRC at 29..33.
	copy(b[16:], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

type filterSet struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Policy  string `json:"policy"`
	Enabled bool   `json:"enabled"`
	Rollout float64
	Stats   *struct {
		Entries      int64 `json:"entries"`
		Hits         int64 `json:"hits"`
		Quarantined  int64 `json:"quarantined"`
		FiledToday   int64 `json:"filed_today"`
		RefusedToday int64 `json:"refused_today"`
	} `json:"stats"`
	RuleHits []struct {
		ID               string `json:"id"`
		Hits             int64  `json:"hits"`
		QuarantineReason string `json:"quarantine_reason"`
	} `json:"rule_hits"`
}

type entryView struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

func (e *env) mkSet(t *testing.T, path string, body map[string]any) filterSet {
	t.Helper()
	r := e.json(t, "POST", path, e.admin, body)
	if r.Status != 201 {
		t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	var s filterSet
	r.decode(t, &s)
	return s
}

func (e *env) addEntry(t *testing.T, path string, body map[string]any) entryView {
	t.Helper()
	r := e.json(t, "POST", path, e.admin, body)
	if r.Status != 201 {
		t.Fatalf("POST %s %v: %d %s", path, body, r.Status, r.Body)
	}
	var ev entryView
	r.decode(t, &ev)
	return ev
}

// sync rebuilds the scanner's snapshot now instead of waiting for its loop.
func (e *env) sync(t *testing.T) {
	t.Helper()
	if err := e.srv.Scanner.Reload(t.Context(), false); err != nil {
		t.Fatal(err)
	}
}

func (e *env) scan(t *testing.T, post map[string]any) scan.Result {
	t.Helper()
	r := e.json(t, "POST", "/v1/scan", e.admin, post)
	if r.Status != 200 {
		t.Fatalf("scan %v: %d %s", post, r.Status, r.Body)
	}
	var res scan.Result
	r.decode(t, &res)
	return res
}

func TestBanksHashAndMatch(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		img := texturedPNG(t, 1, 256, 192)
		r := e.do(t, "POST", "/v1/hash", e.admin, img, "Content-Type", "image/png").want(t, 200, "hash")
		var h struct {
			PDQ       string `json:"pdq"`
			Quality   int    `json:"quality"`
			MD5       string `json:"md5"`
			SHA256    string `json:"sha256"`
			Matchable bool   `json:"matchable"`
		}
		r.decode(t, &h)
		if len(h.PDQ) != 64 || h.Quality < 50 || !h.Matchable {
			t.Fatalf("hash answered %s", r.Body)
		}
		b := e.mkSet(t, "/v1/banks", map[string]any{"name": "gifct-test", "policy": "review", "labels": []string{"terrorism"}})
		pdqEntry := e.addEntry(t, "/v1/banks/"+b.ID+"/entries", map[string]any{"type": "pdq", "value": strings.ToUpper(h.PDQ), "source": "test"})
		if pdqEntry.Value != h.PDQ {
			t.Fatalf("pdq value not canonicalised: %q", pdqEntry.Value)
		}
		e.addEntry(t, "/v1/banks/"+b.ID+"/entries", map[string]any{"type": "sha256", "value": h.SHA256, "source": "test"})

		bad := []struct {
			name  string
			body  map[string]any
			code  int
			field string
		}{
			{"bad hex", map[string]any{"type": "pdq", "value": strings.Repeat("zz", 32)}, 422, "value"},
			{"short md5", map[string]any{"type": "md5", "value": "abc"}, 422, "value"},
			{"zero pdq", map[string]any{"type": "pdq", "value": strings.Repeat("0", 64)}, 422, "value"},
			{"unknown type", map[string]any{"type": "tlsh", "value": "ab"}, 422, "type"},
			{"duplicate", map[string]any{"type": "pdq", "value": h.PDQ}, 409, ""},
		}
		for _, tc := range bad {
			r := e.json(t, "POST", "/v1/banks/"+b.ID+"/entries", e.admin, tc.body)
			if r.Status != tc.code {
				t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
			}
			if tc.field != "" {
				if p := r.problem(t); len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
					t.Errorf("%s: errors %s", tc.name, r.Body)
				}
			}
		}
		if r := e.json(t, "POST", "/v1/banks/bnk_nope/entries", e.admin, map[string]any{"type": "md5", "value": strings.Repeat("a", 32)}); r.Status != 404 {
			t.Errorf("unknown bank: %d", r.Status)
		}
		e.sync(t)
		// A lightly changed hash (3 bits) still matches at its distance.
		near := []byte(h.PDQ)
		for i := 0; i < 3; i++ {
			near[i] = "0123456789abcdef"[strings.IndexByte("0123456789abcdef", near[i])^1]
		}
		r = e.json(t, "POST", "/v1/match", e.admin, map[string]any{"pdq": string(near)})
		var m struct {
			Hits []struct {
				Entry    string `json:"entry"`
				List     string `json:"list"`
				Distance int    `json:"distance"`
				Matcher  string `json:"matcher"`
			} `json:"hits"`
			PDQSkipped string `json:"pdq_skipped"`
		}
		r.decode(t, &m)
		if r.Status != 200 || len(m.Hits) != 1 || m.Hits[0].Entry != pdqEntry.ID || m.Hits[0].Distance != 3 || m.Hits[0].List != b.ID {
			t.Fatalf("match near hash: %d %s", r.Status, r.Body)
		}
		r = e.json(t, "POST", "/v1/match", e.admin, map[string]any{"pdq": h.PDQ, "quality": 20})
		m.Hits, m.PDQSkipped = nil, ""
		r.decode(t, &m)
		if len(m.Hits) != 0 || m.PDQSkipped != "low_quality" {
			t.Errorf("low quality query: %s", r.Body)
		}
		r = e.json(t, "POST", "/v1/match", e.admin, map[string]any{"image": base64.StdEncoding.EncodeToString(img)})
		m.Hits = nil
		r.decode(t, &m)
		if len(m.Hits) != 2 {
			t.Errorf("match by image: want the pdq and sha256 entries: %s", r.Body)
		}
		if r := e.json(t, "POST", "/v1/match", e.admin, map[string]any{"image": base64.StdEncoding.EncodeToString(bombPNG(t))}); r.Status != 422 ||
			!r.problem(t).hasError("image", "image_too_large") {
			t.Errorf("decompression bomb: %d %s", r.Status, r.Body)
		}
		if r := e.do(t, "POST", "/v1/hash", e.admin, []byte("GIF89a not really"), "Content-Type", "image/gif"); r.Status != 422 {
			t.Errorf("corrupt image: %d %s", r.Status, r.Body)
		}

		// Import CSV and both JSON shapes, export, page.
		csv := "type,value,source\nmd5," + strings.Repeat("1", 32) + ",csv\nsha256," + strings.Repeat("2", 64) + ",csv\n"
		r = e.do(t, "POST", "/v1/banks/"+b.ID+"/import", e.admin, []byte(csv), "Content-Type", "text/csv")
		if r.Status != 200 || !strings.Contains(string(r.Body), `"added":2`) {
			t.Fatalf("import csv: %d %s", r.Status, r.Body)
		}
		te := `{"data":[{"id":"1","type":"HASH_MD5","raw_indicator":"` + strings.Repeat("3", 32) + `","owner":{"name":"te"}}]}`
		r = e.do(t, "POST", "/v1/banks/"+b.ID+"/import", e.admin, []byte(te))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"added":1`) {
			t.Fatalf("import threatexchange: %d %s", r.Status, r.Body)
		}
		badCSV := "md5,nothex,x\n"
		if r := e.do(t, "POST", "/v1/banks/"+b.ID+"/import", e.admin, []byte(badCSV), "Content-Type", "text/csv"); r.Status != 422 ||
			!r.problem(t).hasError("entries[0].value", "invalid") {
			t.Errorf("bad import: %d %s", r.Status, r.Body)
		}
		r = e.do(t, "GET", "/v1/banks/"+b.ID+"/export?format=csv", e.admin, nil)
		if r.Status != 200 || strings.Count(string(r.Body), "\n") != 6 {
			t.Errorf("export csv (header + 5): %d %s", r.Status, r.Body)
		}
		r = e.do(t, "GET", "/v1/banks/"+b.ID+"/export?format=json", e.admin, nil)
		var exported []map[string]any
		if err := json.Unmarshal(r.Body, &exported); err != nil || len(exported) != 5 {
			t.Errorf("export json: %v %s", err, r.Body)
		}
		r = e.do(t, "GET", "/v1/banks/"+b.ID+"/entries?limit=2", e.admin, nil)
		var pageA struct {
			Items []entryView `json:"items"`
			Next  string      `json:"next_cursor"`
		}
		r.decode(t, &pageA)
		if len(pageA.Items) != 2 || pageA.Next == "" {
			t.Errorf("paged entries: %s", r.Body)
		}

		// noMatch wants query to match nothing once the snapshot is rebuilt.
		noMatch := func(query map[string]any, what string) {
			t.Helper()
			e.sync(t)
			r := e.json(t, "POST", "/v1/match", e.admin, query)
			m.Hits = nil
			r.decode(t, &m)
			if len(m.Hits) != 0 {
				t.Errorf("%s still matches: %s", what, r.Body)
			}
		}
		// Tombstone: the entry stops matching.
		if r := e.do(t, "DELETE", "/v1/banks/"+b.ID+"/entries/"+pdqEntry.ID, e.admin, nil); r.Status != 200 {
			t.Fatalf("tombstone: %d %s", r.Status, r.Body)
		}
		noMatch(map[string]any{"pdq": h.PDQ}, "tombstoned entry")
		// Disabled bank: nothing matches.
		e.json(t, "PATCH", "/v1/banks/"+b.ID, e.admin, map[string]any{"enabled": false}).want(t, 200, "disable")
		noMatch(map[string]any{"sha256": h.SHA256}, "disabled bank")
		if r := e.json(t, "PATCH", "/v1/banks/"+b.ID, e.admin, map[string]any{"rollout_fraction": 1.5}); r.Status != 422 {
			t.Errorf("rollout 1.5: %d", r.Status)
		}
	})
}

func TestFilteringBelongsToThePlatform(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		auth := e.org(t, "Kominfo", "authority")
		flg := e.org(t, "Flagger", "flagger")
		keys := map[string]string{"authority": e.key(t, auth, "authority"), "authority admin": e.key(t, auth, "admin"),
			"flagger": e.key(t, flg, "flagger"), "flagger auditor": e.key(t, flg, "auditor")}
		for name, k := range keys {
			for _, c := range []struct{ method, path string }{{"GET", "/v1/banks"}, {"POST", "/v1/banks"}, {"POST", "/v1/scan"}, {"GET", "/v1/lists"}, {"POST", "/v1/match"}} {
				var body []byte
				if c.method == "POST" {
					body = []byte(`{}`)
				}
				if r := e.do(t, c.method, c.path, k, body); r.Status != 403 {
					t.Errorf("%s key: %s %s = %d, want 403", name, c.method, c.path, r.Status)
				}
			}
		}
	})
}

func TestListsAndScan(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		kw := e.mkSet(t, "/v1/lists", map[string]any{"name": "id-terror-kw", "kind": "keyword", "policy": "review", "labels": []string{"terrorism"}, "language": "id"})
		rx := e.mkSet(t, "/v1/lists", map[string]any{"name": "rx", "kind": "regex", "policy": "shadow", "labels": []string{"terrorism"}})
		ln := e.mkSet(t, "/v1/lists", map[string]any{"name": "links", "kind": "link", "policy": "auto_action", "labels": []string{"terrorism"}})
		tx := e.mkSet(t, "/v1/lists", map[string]any{"name": "removed", "kind": "text", "policy": "shadow", "labels": []string{"terrorism"}})
		bk := e.mkSet(t, "/v1/banks", map[string]any{"name": "b", "policy": "auto_action", "labels": []string{"violent_extremism"}})

		kwEntry := e.addEntry(t, "/v1/lists/"+kw.ID+"/entries", map[string]any{"value": "bom bunuh diri"})
		e.addEntry(t, "/v1/lists/"+rx.ID+"/entries", map[string]any{"value": `daulah\s+islamiy+ah`})
		dom := e.addEntry(t, "/v1/lists/"+ln.ID+"/entries", map[string]any{"value": "propaganda.example"})
		ch := e.addEntry(t, "/v1/lists/"+ln.ID+"/entries", map[string]any{"value": "https://t.me/s/BadChannel"})
		if dom.Type != "domain" || ch.Type != "channel" {
			t.Fatalf("link entries classified as %s and %s", dom.Type, ch.Type)
		}
		removed := "saudara saudara kita harus bersiap untuk serangan besar di kota pada hari jumat nanti semoga berhasil"
		e.addEntry(t, "/v1/lists/"+tx.ID+"/entries", map[string]any{"value": removed})
		e.addEntry(t, "/v1/banks/"+bk.ID+"/entries", map[string]any{"type": "md5", "value": strings.Repeat("ab", 16)})

		refused := []struct {
			name, list, value string
		}{
			{"catastrophic regex", rx.ID, `(a+)+$`},
			{"regex matching everything", rx.ID, `.*`},
			{"regex matching empty", rx.ID, `x?`},
			{"bad regex", rx.ID, `(unclosed`},
			{"too common keyword", kw.ID, "di"},
			{"top-level domain", ln.ID, "com"},
			{"not a link", ln.ID, "https://"},
			{"short removed text", tx.ID, "too short"},
			{"invalid UTF-8", kw.ID, "bom \xff"},
		}
		for _, tc := range refused {
			r := e.json(t, "POST", "/v1/lists/"+tc.list+"/entries", e.admin, map[string]any{"value": tc.value})
			if tc.name == "invalid UTF-8" {
				// json.Marshal replaced the bad byte; send raw bytes instead.
				r = e.do(t, "POST", "/v1/lists/"+tc.list+"/entries", e.admin, []byte("{\"value\":\"bom \xff\"}"))
				if r.Status != 400 {
					t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
				}
				continue
			}
			if r.Status != 422 || !r.problem(t).hasError("value", "rule_refused") {
				t.Errorf("%s %q: %d %s", tc.name, tc.value, r.Status, r.Body)
			}
		}
		e.sync(t)

		res := e.scan(t, map[string]any{"channel": "somechannel", "message_id": 42,
			"text":  "Siap B.O.M bunuh diri!! baca di https://www.propaganda.example/x dan ikuti t.me/badchannel/7 — daulah islamiyyah",
			"media": []map[string]any{{"md5": strings.Repeat("AB", 16)}}})
		got := map[string]scan.Hit{}
		for _, h := range res.Hits {
			got[h.Matcher+"/"+h.List] = h
		}
		if h, ok := got["keyword/"+kw.ID]; !ok || h.Entry != kwEntry.ID || h.Outcome != "notice" || h.Policy != "review" {
			t.Errorf("keyword hit: %+v in %+v", h, res.Hits)
		}
		if h := got["regex/"+rx.ID]; h.Outcome != "shadow" {
			t.Errorf("regex shadow hit: %+v", res.Hits)
		}
		if h := got["link/"+ln.ID]; h.Outcome != "action" {
			t.Errorf("link hit: %+v", res.Hits)
		}
		if h := got["md5/"+bk.ID]; h.Outcome != "action" || h.Media == nil {
			t.Errorf("md5 hit: %+v", res.Hits)
		}
		if len(res.Notices) != 3 || len(res.Actions) != 2 {
			t.Fatalf("want notices for the keyword list, link list and bank and 2 pending actions: %+v %+v", res.Notices, res.Actions)
		}
		for _, a := range res.Actions {
			if a.State != "pending" || a.Action != "remove" || a.CaseID == "" {
				t.Errorf("action %+v", a)
			}
		}
		caseID := res.Notices[0].CaseID
		for _, n := range res.Notices {
			if n.CaseID != caseID {
				t.Errorf("notices on one post should share one case: %+v", res.Notices)
			}
		}
		nv := e.get(t, e.admin, res.Notices[0].ID)
		if nv.Kind != "report" || !nv.GoodFaith || nv.Subjects[0].Subject != "telegram:message/somechannel/42" {
			t.Errorf("automated notice %+v", nv)
		}

		// Scanning the same post again records nothing new and files nothing new.
		again := e.scan(t, map[string]any{"channel": "somechannel", "message_id": "42",
			"text": "Siap B.O.M bunuh diri!! baca di https://www.propaganda.example/x dan ikuti t.me/badchannel/7 — daulah islamiyyah", "media": []map[string]any{{"md5": strings.Repeat("ab", 16)}}})
		for _, n := range again.Notices {
			if !n.Repeat {
				t.Errorf("re-scan filed a new notice: %+v", n)
			}
		}
		var l filterSet
		e.do(t, "GET", "/v1/lists/"+rx.ID, e.admin, nil).decode(t, &l)
		if l.Stats == nil || l.Stats.Hits != 1 || len(l.RuleHits) != 1 || l.RuleHits[0].Hits != 1 {
			t.Errorf("shadow list counts after two scans of one post: %+v", l)
		}

		// Near-duplicate of removed text, a few words changed.
		res = e.scan(t, map[string]any{"channel": "other_channel", "message_id": 1,
			"text": "Saudara-saudara kita harus bersiap untuk serangan besar di kota pada hari jumat nanti, semoga berhasil!"})
		if len(res.Hits) != 1 || res.Hits[0].Matcher != "near_duplicate" || res.Hits[0].Outcome != "shadow" || len(res.Notices) != 0 {
			t.Errorf("near duplicate: %+v", res)
		}
		// A clean post touches nothing.
		res = e.scan(t, map[string]any{"channel": "other_channel", "message_id": 2, "text": "Selamat pagi, cuaca cerah di Jakarta hari ini."})
		if len(res.Hits) != 0 || len(res.Notices) != 0 {
			t.Errorf("clean post: %+v", res)
		}

		badPosts := []struct {
			name   string
			body   []byte
			status int
			field  string
		}{
			{"invalid UTF-8", []byte("{\"channel\":\"somechannel\",\"message_id\":1,\"text\":\"\xff\xfe\"}"), 400, ""},
			{"huge text", mustJSON(t, map[string]any{"channel": "somechannel", "message_id": 1, "text": strings.Repeat("a ", 600_000)}), 413, ""},
			{"ten megabytes", mustJSON(t, map[string]any{"channel": "somechannel", "message_id": 1, "text": strings.Repeat("x", 10<<20)}), 413, ""},
			{"no channel", mustJSON(t, map[string]any{"message_id": 1}), 422, "channel"},
			{"bad message id", mustJSON(t, map[string]any{"channel": "somechannel", "message_id": "x1"}), 422, "message_id"},
			{"bad hex", mustJSON(t, map[string]any{"channel": "somechannel", "message_id": 1, "media": []map[string]any{{"pdq": "xyz"}}}), 422, "media[0].pdq"},
			{"empty media", mustJSON(t, map[string]any{"channel": "somechannel", "message_id": 1, "media": []map[string]any{{}}}), 422, "media[0]"},
			{"bomb", mustJSON(t, map[string]any{"channel": "somechannel", "message_id": 1, "media": []map[string]any{{"data": bombPNG(t)}}}), 422, "media[0].data"},
			{"unknown field", []byte(`{"channel":"somechannel","message_id":1,"txt":"a"}`), 422, "txt"},
		}
		for _, tc := range badPosts {
			r := e.do(t, "POST", "/v1/scan", e.admin, tc.body)
			if r.Status != tc.status {
				t.Errorf("%s: %d %.300s", tc.name, r.Status, r.Body)
				continue
			}
			if tc.field != "" && !hasField(r.problem(t), tc.field) {
				t.Errorf("%s: want an error on %s: %s", tc.name, tc.field, r.Body)
			}
		}

		// Plain-text import; a bad line refuses it all.
		r := e.do(t, "POST", "/v1/lists/"+kw.ID+"/import", e.admin, []byte("# comment\nragam kata\nperang suci\n\nsenjata rakitan\n"), "Content-Type", "text/plain")
		if r.Status != 200 || !strings.Contains(string(r.Body), `"added":3`) {
			t.Errorf("import: %d %s", r.Status, r.Body)
		}
		r = e.do(t, "POST", "/v1/lists/"+kw.ID+"/import", e.admin, []byte("bagus sekali\nya\n"), "Content-Type", "text/plain")
		if r.Status != 422 || !r.problem(t).hasError("entries[1]", "rule_refused") {
			t.Errorf("import with a bad line: %d %s", r.Status, r.Body)
		}
	})
}

func hasField(p problemDoc, field string) bool {
	for _, e := range p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}

// newGranatEnv is newEnv with kw, a shadow keyword list that catches
// "granat", in force.
func newGranatEnv(t *testing.T, eng storetest.Engine) (e *env, kw filterSet) {
	t.Helper()
	e = newEnv(t, eng, "")
	kw = e.mkSet(t, "/v1/lists", map[string]any{"name": "kw", "kind": "keyword", "policy": "shadow"})
	e.addEntry(t, "/v1/lists/"+kw.ID+"/entries", map[string]any{"value": "granat"})
	e.sync(t)
	return e, kw
}

func TestScanBatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e, _ := newGranatEnv(t, eng)
		body := strings.Join([]string{
			`{"channel":"chan_one","message_id":1,"text":"ada granat"}`,
			`{"channel":"chan_one","message_id":`,
			"{\"channel\":\"chan_one\",\"message_id\":3,\"text\":\"\xff\"}",
			``,
			`{"channel":"chan_one","message_id":4,"media":[{"sha256":"nothex"}]}`,
			`{"channel":"chan_one","message_id":5,"text":"tidak ada apa-apa"}`,
		}, "\n")
		r := e.do(t, "POST", "/v1/scan/batch", e.admin, []byte(body), "Content-Type", "application/x-ndjson").want(t, 200, "batch")
		lines := strings.Split(strings.TrimSpace(string(r.Body)), "\n")
		want := []struct {
			line int
			err  string
			hits int
		}{{1, "", 1}, {2, "malformed_json", 0}, {3, "invalid_utf8", 0}, {5, "bad_hex", 0}, {6, "", 0}} // line numbers in the body; line 4 is blank
		if len(lines) != len(want) {
			t.Fatalf("want %d answer lines, got %d:\n%s", len(want), len(lines), r.Body)
		}
		for i, w := range want {
			var got struct {
				Line  int        `json:"line"`
				Hits  []scan.Hit `json:"hits"`
				Error *problemDoc
			}
			if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
				t.Fatal(err)
			}
			if got.Line != w.line || len(got.Hits) != w.hits {
				t.Errorf("line %d: %s", w.line, lines[i])
			}
			if w.err != "" && (got.Error == nil || (got.Error.Errors == nil || got.Error.Errors[0].Code != w.err)) {
				t.Errorf("line %d: want error %s: %s", w.line, w.err, lines[i])
			}
		}
		if r := e.do(t, "POST", "/v1/scan/batch", e.admin, []byte(body)); r.Status != 415 {
			t.Errorf("batch without NDJSON content type: %d", r.Status)
		}
	})
}

// TestScanBatchLarge sends batches far over the HTTP server's first read
// (it once answered only the first 4 KB of a batch and dropped the rest
// without a word) and over the body limit (refused whole, nothing scanned).
func TestScanBatchLarge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e, kw := newGranatEnv(t, eng)
		const n = 2000
		var b strings.Builder
		for i := range n {
			text := "kabar cuaca hari ini cerah dan berawan di sebagian wilayah " + strings.Repeat("lorem ipsum ", 40)
			if i%100 == 0 {
				text += " ada granat"
			}
			fmt.Fprintf(&b, `{"channel":"chan_one","message_id":%d,"text":%q}`+"\n", i+1, text)
		}
		r := e.do(t, "POST", "/v1/scan/batch", e.admin, []byte(b.String()), "Content-Type", "application/x-ndjson")
		if r.Status != 200 {
			t.Fatalf("batch of %d posts (%d bytes): %d %s", n, b.Len(), r.Status, r.Body)
		}
		lines := strings.Split(strings.TrimSpace(string(r.Body)), "\n")
		if len(lines) != n {
			t.Fatalf("batch of %d posts (%d bytes) answered %d lines; last: %s", n, b.Len(), len(lines), lines[len(lines)-1])
		}
		withHits := 0
		for i, l := range lines {
			var got struct {
				Line  int        `json:"line"`
				Hits  []scan.Hit `json:"hits"`
				Error *problemDoc
			}
			if err := json.Unmarshal([]byte(l), &got); err != nil {
				t.Fatal(err)
			}
			if got.Line != i+1 || got.Error != nil {
				t.Fatalf("answer %d: %s", i+1, l)
			}
			if len(got.Hits) > 0 {
				withHits++
			}
		}
		if withHits != n/100 {
			t.Errorf("%d posts with hits, want %d", withHits, n/100)
		}

		// Over the 8 MiB limit: one 413, and not one post scanned.
		hits := func() int {
			h, err := e.srv.DB.RecentHits(t.Context(), kw.ID, "", 100_000)
			if err != nil {
				t.Fatal(err)
			}
			return len(h)
		}
		before := hits()
		var hb strings.Builder
		for i := range 9000 { // every post would hit
			fmt.Fprintf(&hb, `{"channel":"chan_two","message_id":%d,"text":"ada granat %s"}`+"\n", i+1, strings.Repeat("x", 1000))
		}
		huge := hb.String()
		r = e.do(t, "POST", "/v1/scan/batch", e.admin, []byte(huge), "Content-Type", "application/x-ndjson")
		if r.Status != 413 || r.problem(t).Code != "body_too_large" || !strings.Contains(r.problem(t).Detail, "nothing was scanned") {
			t.Errorf("a batch over 8 MiB: %d %s", r.Status, r.Body)
		}
		if after := hits(); after != before {
			t.Errorf("a refused batch scanned %d posts", after-before)
		}
		// A single post over the body limit says so in terms of posts.
		r = e.do(t, "POST", "/v1/scan", e.admin, []byte(`{"channel":"chan_one","message_id":8,"text":"`+strings.Repeat("x", 10<<20)+`"}`))
		if r.Status != 413 || !strings.Contains(r.problem(t).Detail, "a post's text") {
			t.Errorf("a 10 MB post: %d %s", r.Status, r.Body)
		}
	})
}

func TestCircuitBreakerAndFloodGuard(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		// A scanner with a tiny cap and flood threshold, serving the same API.
		sc := scan.New(e.srv.DB, e.srv.API.Intake, nil, nil, scan.Config{DailyCap: 2, FloodMin: 4})
		e.srv.API.Scanner = sc
		kw := e.mkSet(t, "/v1/lists", map[string]any{"name": "kw", "kind": "keyword", "policy": "review", "labels": []string{"terrorism"}})
		hot := e.addEntry(t, "/v1/lists/"+kw.ID+"/entries", map[string]any{"value": "granat"})
		if err := sc.Reload(t.Context(), true); err != nil {
			t.Fatal(err)
		}
		outcomes := []string{}
		for i := 1; i <= 6; i++ {
			res := e.scan(t, map[string]any{"channel": "chan_one", "message_id": i, "text": "awas granat"})
			if len(res.Hits) != 1 {
				t.Fatalf("post %d: %+v", i, res)
			}
			outcomes = append(outcomes, res.Hits[0].Outcome)
			if res.Hits[0].Outcome == "breaker_open" && !strings.Contains(res.Hits[0].Reason, "circuit breaker") {
				t.Errorf("breaker reason: %q", res.Hits[0].Reason)
			}
		}
		want := []string{"notice", "notice", "breaker_open", "breaker_open", "quarantined", "quarantined"}
		if fmt.Sprint(outcomes) != fmt.Sprint(want) {
			t.Errorf("outcomes %v, want %v", outcomes, want)
		}
		var l filterSet
		e.do(t, "GET", "/v1/lists/"+kw.ID, e.admin, nil).decode(t, &l)
		if l.Stats.FiledToday != 2 || l.Stats.RefusedToday != 2 || l.Stats.Quarantined != 1 || len(l.RuleHits) != 1 ||
			!strings.Contains(l.RuleHits[0].QuarantineReason, "flood guard") {
			t.Errorf("list after the flood: %+v", l)
		}
		// Releasing the entry lifts the quarantine.
		if r := e.do(t, "DELETE", "/v1/lists/"+kw.ID+"/entries/"+hot.ID+"/quarantine", e.admin, nil); r.Status != 200 {
			t.Fatalf("release: %d %s", r.Status, r.Body)
		}
		e.do(t, "GET", "/v1/lists/"+kw.ID, e.admin, nil).decode(t, &l)
		if l.Stats.Quarantined != 0 {
			t.Errorf("still quarantined: %+v", l.Stats)
		}
		r := e.do(t, "GET", "/v1/scan/hits?list="+kw.ID+"&limit=3", e.admin, nil)
		if r.Status != 200 || strings.Count(string(r.Body), `"outcome"`) != 3 {
			t.Errorf("recent hits: %d %s", r.Status, r.Body)
		}
	})
}
