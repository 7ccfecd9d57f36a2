package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

const (
	pdqA = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
	pdqB = "9c9b22f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b34e9c"
	xss  = `<script>alert(1)</script>`
)

var setIDRe = regexp.MustCompile(`^/(banks|lists)/((?:bnk|lst)_[0-9a-z]+)\?done=created$`)

// fltAdmin signs in a platform admin and returns the client.
func fltAdmin(t *testing.T, e *env) *client {
	t.Helper()
	c := signedIn(t, e, e.platform, "admin@platform.example", org.RoleAdmin)
	return c
}

// fltCreate posts a create form and returns the new set's ID.
func fltCreate(t *testing.T, c *client, path string, form url.Values) string {
	t.Helper()
	return c.redirected(t, "create "+path, path, form, setIDRe)
}

// fltScan sends a post to POST /v1/scan with the platform's admin key, after
// the scanner has taken in the latest changes.
func fltScan(t *testing.T, e *env, channel, msgID, text string) string {
	t.Helper()
	if err := e.s.Scanner.Reload(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	body := `{"channel": "` + channel + `", "message_id": "` + msgID + `", "text": "` + text + `"}`
	req, _ := http.NewRequest("POST", e.srv.URL+"/v1/scan", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.adminKey)
	req.Header.Set("Content-Type", "application/json")
	r := e.client().do(req)
	if r.status != http.StatusOK {
		t.Fatalf("scan: %d %s", r.status, r.body)
	}
	return r.body
}

func TestBankPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := fltAdmin(t, e)
		mustContain(t, c.get("/banks").body, "Belum ada bank hash", `href="/banks"`, `href="/lists"`, `href="/hits"`)

		before := e.counts()
		r := c.post("/banks", url.Values{"name": {""}, "policy": {"sometimes"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid bank: %d", r.status)
		}
		mustContain(t, r.body, "Nama: wajib diisi", "Kebijakan: bukan nilai yang diizinkan")
		sameCounts(t, before, e.counts())

		id := fltCreate(t, c, "/banks", url.Values{"name": {"GIFCT " + xss}, "policy": {"review"}, "labels": {"terrorism, violent_extremism"},
			"description": {"desc " + xss}})
		r = c.get("/banks/" + id + "?done=created")
		mustContain(t, r.body, "Berhasil dibuat.", "GIFCT &lt;script&gt;", "desc &lt;script&gt;", "terrorism, violent_extremism", "tinjauan", ">100%<")

		// Entries: a bad value is refused and named; a good one is added with its provenance; a duplicate is refused.
		r = c.post("/banks/"+id+"/entries", url.Values{"type": {"pdq"}, "value": {"123"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Nilai: tidak sah") {
			t.Fatalf("bad value: %d", r.status)
		}
		r = c.post("/banks/"+id+"/entries", url.Values{"type": {"pdq"}, "value": {strings.ToUpper(pdqA)}, "source": {"gifct " + xss}, "case_id": {"case-" + xss}})
		if r.status != http.StatusSeeOther || r.location() != "/banks/"+id+"?done=added" {
			t.Fatalf("add: %d %q %s", r.status, r.location(), r.body)
		}
		r = c.post("/banks/"+id+"/entries", url.Values{"type": {"pdq"}, "value": {pdqA}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "sudah ada") {
			t.Fatalf("duplicate: %d", r.status)
		}
		r = c.get("/banks/" + id)
		mustContain(t, r.body, pdqA, "gifct &lt;script&gt;", "case-&lt;script&gt;", "Platform", `id="n-entries">1<`)

		// Import: CSV with one new and one known signal.
		csv := "type,value,source\npdq," + pdqA + ",again\nHASH_PDQ," + pdqB + ",te\n"
		r = c.upload("/banks/"+id+"/import", url.Values{"format": {""}}, "hashes.csv", []byte(csv))
		if r.status != http.StatusOK {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		mustContain(t, r.body, `id="n-received">2<`, `id="n-added">1<`, `id="n-skipped">1<`)
		before = e.counts()
		for _, tc := range []struct {
			name, file string
			data       []byte
			status     int
			want       string
		}{
			{"bad row", "bad.csv", []byte("pdq,zz\n"), 422, "Entri ke-1 dalam berkas"},
			{"not json", "x.json", []byte("{nope"), 422, "Berkas tidak dapat dibaca"},
			{"binary", "x.png", append([]byte("\x89PNG\r\n\x1a\n\x00"), bytes.Repeat([]byte{0xff, 0}, 50)...), 422, "bukan berkas teks"},
			{"oversized", "big.csv", bytes.Repeat([]byte("pdq,"+pdqA+",x\n"), 13<<20/70), 413, "terlalu besar"},
		} {
			r = c.upload("/banks/"+id+"/import", nil, tc.file, tc.data)
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Errorf("import %s: %d, want %d with %q", tc.name, r.status, tc.status, tc.want)
			}
		}
		sameCounts(t, before, e.counts())

		// Export: every live entry, in a format the import reads back.
		r = c.get("/banks/" + id + "/export?format=csv")
		if r.status != http.StatusOK || !strings.Contains(r.body, pdqA) || !strings.Contains(r.body, pdqB) ||
			!strings.Contains(r.h.Get("Content-Disposition"), id+".csv") {
			t.Errorf("export: %d %v\n%s", r.status, r.h, r.body)
		}
		if r := c.get("/banks/" + id + "/export?format=threatexchange"); !strings.Contains(r.body, `"HASH_PDQ"`) {
			t.Errorf("threatexchange export: %s", r.body)
		}
		if r := c.get("/banks/" + id + "/export?format=xml"); r.status != http.StatusNotFound {
			t.Errorf("unknown format: %d", r.status)
		}

		// Roll-out and state; an out-of-range share is refused.
		if r := c.post("/banks/"+id+"/state", url.Values{"rollout": {"150"}, "policy": {"review"}, "enabled": {"1"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Cakupan") {
			t.Errorf("rollout 150%%: %d", r.status)
		}
		if r := c.post("/banks/"+id+"/state", url.Values{"rollout": {"25"}, "policy": {"shadow"}}); r.location() != "/banks/"+id+"?done=saved" {
			t.Fatalf("state: %d %q", r.status, r.location())
		}
		mustContain(t, c.get("/banks/"+id).body, `id="rollout-now">25%<`, `id="enabled-now">tidak<`, `id="policy-now">bayangan`)

		// Tombstone: gone from the live list, still on record.
		entries, err := e.db.FilterEntries(t.Context(), id, "", 10, false)
		if err != nil || len(entries) != 2 {
			t.Fatalf("entries: %v %d", err, len(entries))
		}
		if r := c.post("/banks/"+id+"/entries/"+entries[0].ID+"/remove", nil); r.location() != "/banks/"+id+"?done=removed" {
			t.Fatalf("remove: %d %q", r.status, r.location())
		}
		if r := c.post("/banks/"+id+"/entries/ent_nope/remove", nil); r.status != http.StatusNotFound {
			t.Errorf("remove unknown entry: %d", r.status)
		}
		mustContain(t, c.get("/banks/"+id).body, `id="n-entries">1<`)
		mustContain(t, c.get("/banks/"+id+"?removed=1").body, "dihapus")
		if r := c.get("/banks/lst_nope"); r.status != http.StatusNotFound {
			t.Errorf("unknown bank: %d", r.status)
		}
		mustContain(t, c.get("/banks").body, "GIFCT &lt;script&gt;", "25%")
		for _, p := range []string{"/banks", "/banks/" + id, "/banks/" + id + "?removed=1"} {
			if b := c.get(p).body; strings.Contains(b, "<script>alert") {
				t.Errorf("%s renders markup from input", p)
			}
		}
	})
}

func TestListPagesShadowAndQuarantine(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := fltAdmin(t, e)
		id := fltCreate(t, c, "/lists", url.Values{"name": {"Kata kunci " + xss}, "kind": {"keyword"}, "policy": {"shadow"}, "labels": {"terrorism"},
			"language": {"id"}})
		rx := fltCreate(t, c, "/lists", url.Values{"name": {"Regex"}, "kind": {"regex"}, "policy": {"shadow"}})
		before := e.counts()
		for _, bad := range []string{"di", "", "\xff\xfe"} {
			r := c.post("/lists/"+id+"/entries", url.Values{"value": {bad}})
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Nilai:") {
				t.Errorf("rule %q: %d", bad, r.status)
			}
		}
		if r := c.post("/lists/"+rx+"/entries", url.Values{"value": {".*"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "ditolak") {
			t.Errorf("regex .*: %d", r.status)
		}
		if r := c.post("/lists", url.Values{"name": {"x"}, "kind": {"sql"}, "policy": {"shadow"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Jenis: bukan nilai") {
			t.Errorf("unknown kind: %d", r.status)
		}
		sameCounts(t, before, e.counts())

		if r := c.post("/lists/"+id+"/entries", url.Values{"value": {"bom bunuh diri"}, "source": {"tim " + xss}}); r.location() != "/lists/"+id+"?done=added" {
			t.Fatalf("add: %d %s", r.status, r.body)
		}
		r := c.upload("/lists/"+id+"/import", nil, "rules.txt", []byte("# comment\nbom bunuh diri\nserangan teror\n"))
		mustContain(t, r.body, `id="n-received">2<`, `id="n-added">1<`, `id="n-skipped">1<`)
		r = c.upload("/lists/"+id+"/import", nil, "rules.json", []byte(`{"entries": [{"value": "ya"}]}`))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Entri ke-1 dalam berkas") {
			t.Errorf("refused JSON import: %d", r.status)
		}

		// Shadow mode on live traffic: hits are recorded and counted per rule, nothing filed.
		fltScan(t, e, "kanalsatu", "7", "ajakan bom bunuh diri "+strings.ReplaceAll(xss, `"`, `'`))
		fltScan(t, e, "kanaldua", "9", "b0m bunuh   diri sekarang")
		r = c.get("/lists/" + id)
		mustContain(t, r.body, "Hasil mode bayangan", `id="shadow-note"`, `id="n-hits">2<`, "telegram:message/kanalsatu/7", "dicatat (bayangan)", "tim &lt;script&gt;")
		if strings.Contains(r.body, "<script>alert") {
			t.Error("the list page renders markup from input")
		}
		r = c.get("/hits")
		mustContain(t, r.body, "telegram:message/kanaldua/9", "Kata kunci &lt;script&gt;", "/lists/"+id, "dicatat (bayangan)")
		if n := e.counts()["notices"]; n != 0 {
			t.Errorf("a shadow list filed %d notices", n)
		}

		// Review policy: the hit files a notice and the hits page links to it.
		if r := c.post("/lists/"+id+"/state", url.Values{"policy": {"review"}, "enabled": {"1"}, "rollout": {"100"}}); r.status != http.StatusSeeOther {
			t.Fatalf("state: %d %s", r.status, r.body)
		}
		fltScan(t, e, "kanaltiga", "3", "serangan teror malam ini")
		r = c.get("/hits")
		mustContain(t, r.body, "pemberitahuan diajukan", `href="/notices/ntc_`)

		// Quarantine (as the flood guard does) and release.
		entries, _ := e.db.FilterEntries(t.Context(), id, "", 10, false)
		err := e.db.Write(t.Context(), func(tx *store.Tx) error {
			return tx.QuarantineEntry(t.Context(), entries[0].ID, "1000 hits in the last hour", e.clk.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		r = c.get("/lists/" + id)
		mustContain(t, r.body, `id="quarantined"`, "1000 hits in the last hour", "/entries/"+entries[0].ID+"/release")
		if r := c.post("/lists/"+id+"/entries/"+entries[0].ID+"/release", nil); r.location() != "/lists/"+id+"?done=released" {
			t.Fatalf("release: %d %q", r.status, r.location())
		}
		if r := c.get("/lists/" + id); strings.Contains(r.body, `id="quarantined"`) {
			t.Error("released entry still shown as quarantined")
		}
		// Export reads back as an import.
		r = c.get("/lists/" + id + "/export")
		if !strings.Contains(r.body, "bom bunuh diri\n") || !strings.Contains(r.body, "serangan teror\n") {
			t.Errorf("export: %s", r.body)
		}
		if r := c.get("/banks/" + id); r.status != http.StatusNotFound {
			t.Errorf("a list as a bank: %d", r.status)
		}
	})
}

func TestFilterPagesRefuseOthers(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		adm := fltAdmin(t, e)
		bankID := fltCreate(t, adm, "/banks", url.Values{"name": {"B"}, "policy": {"shadow"}})
		listID := fltCreate(t, adm, "/lists", url.Values{"name": {"L"}, "kind": {"keyword"}, "policy": {"shadow"}})

		authority := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		orgAdmin := signedIn(t, e, e.authority, "boss@kominfo.go.id", org.RoleAdmin)
		auditor := signedIn(t, e, e.platform, "audit@platform.example", org.RoleAuditor)

		gets := []string{"/banks", "/banks/" + bankID, "/banks/" + bankID + "/export", "/lists", "/lists/" + listID, "/lists/" + listID + "/export", "/hits"}
		posts := []string{"/banks", "/banks/" + bankID + "/entries", "/banks/" + bankID + "/state", "/lists", "/lists/" + listID + "/entries",
			"/lists/" + listID + "/state", "/lists/" + listID + "/entries/ent_x/remove", "/banks/" + bankID + "/entries/ent_x/release"}
		form := url.Values{"name": {"X"}, "kind": {"keyword"}, "policy": {"shadow"}, "value": {"serangan teror"}, "type": {"pdq"}}
		before := e.counts()
		for _, p := range gets {
			if r := authority.get(p); r.status != http.StatusForbidden {
				t.Errorf("authority GET %s: %d", p, r.status)
			}
			if r := orgAdmin.get(p); r.status != http.StatusNotFound {
				t.Errorf("an authority's admin GET %s: %d", p, r.status)
			}
			if r := auditor.get(p); r.status != http.StatusOK {
				t.Errorf("platform auditor GET %s: %d", p, r.status)
			}
		}
		for _, p := range posts {
			if r := authority.post(p, form); r.status != http.StatusForbidden {
				t.Errorf("authority POST %s: %d", p, r.status)
			}
			if r := orgAdmin.post(p, form); r.status != http.StatusNotFound {
				t.Errorf("an authority's admin POST %s: %d", p, r.status)
			}
			if r := auditor.post(p, form); r.status != http.StatusForbidden {
				t.Errorf("auditor POST %s: %d", p, r.status)
			}
			refusesForged(t, adm, p, form)
		}
		if r := authority.upload("/lists/"+listID+"/import", nil, "x.txt", []byte("serangan teror\n")); r.status != http.StatusForbidden {
			t.Errorf("authority import: %d", r.status)
		}
		sameCounts(t, before, e.counts())
		if b := auditor.get("/lists/" + listID).body; strings.Contains(b, `action="/lists/`+listID+`/entries"`) {
			t.Error("an auditor is offered the add form")
		}
		if b := authority.get("/dashboard").body; strings.Contains(b, `href="/banks"`) {
			t.Error("an authority's menu links to the banks")
		}
	})
}

// filterIDs makes bank, list, entry and hit IDs stable for golden files.
var filterIDs = regexp.MustCompile(`\b(bnk|lst|ent|hit)_[0-9a-z]{24}\b`)

func TestGoldenFilterPages(t *testing.T) {
	t.Parallel()
	e := sqliteEnv(t)
	c := fltAdmin(t, e)
	id := fltCreate(t, c, "/lists", url.Values{"name": {"Propaganda ISIS"}, "kind": {"keyword"}, "policy": {"shadow"}, "labels": {"terrorism"}, "language": {"id"}})
	for _, v := range []string{"bom bunuh diri", "serangan teror"} {
		e.clk.Advance(time.Second)
		c.post("/lists/"+id+"/entries", url.Values{"value": {v}, "source": {"tim AIS"}})
	}
	e.clk.Advance(time.Second)
	fltScan(t, e, "kanalsatu", "7", "ajakan bom bunuh diri")
	stable := func(s string) string { return filterIDs.ReplaceAllString(s, "${1}_ID") }
	golden(t, "list_id", stable(c.get("/lists/"+id).body))
	c.lang = "en"
	golden(t, "hits_en", stable(c.get("/hits").body))
}
