package httpapi_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/sigap/sigap/internal/translog"
)

// raw GETs a path the harness cannot match to its template (tile paths span
// several segments) and checks the answer against pattern's documentation.
func (c *apiClient) raw(t *testing.T, path, pattern string) reply {
	t.Helper()
	resp, err := c.hc.Get(c.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkResponse(t, "GET", pattern, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func TestTransparencyLog(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, env *env) {
		auth := env.key(t, env.org(t, "Kominfo", "authority"), "authority")
		var indexes []int64
		for i := range 3 {
			_, r := env.submit(t, auth, mustJSON(t, notice("order", "terrorism", []string{fmt.Sprintf("https://t.me/s/chan%d/1", i)})))
			var v struct {
				ID       string `json:"id"`
				LogIndex *int64 `json:"log_index"`
			}
			r.decode(t, &v)
			if v.LogIndex == nil {
				t.Fatalf("the notice answer has no log_index: %s", r.Body)
			}
			indexes = append(indexes, *v.LogIndex)
			g := env.do(t, "GET", "/v1/notices/"+v.ID, auth, nil)
			var gv struct {
				LogIndex *int64 `json:"log_index"`
			}
			g.decode(t, &gv)
			if gv.LogIndex == nil || *gv.LogIndex != *v.LogIndex {
				t.Errorf("GET answers log_index %v, POST %d", gv.LogIndex, *v.LogIndex)
			}
		}
		// Each notice logs notice.received then case.opened.
		if indexes[1] != indexes[0]+2 || indexes[2] != indexes[1]+2 {
			t.Errorf("log indexes %v are not two apart", indexes)
		}

		kr := env.do(t, "GET", "/v1/log/key", "", nil)
		v, err := note.NewVerifier(strings.TrimSpace(string(kr.Body)))
		if kr.Status != 200 || err != nil {
			t.Fatalf("GET /v1/log/key: %d %q: %v", kr.Status, kr.Body, err)
		}
		if r := env.do(t, "POST", "/v1/log/checkpoint", "", nil); r.Status != 401 {
			t.Errorf("signing without a key: %d", r.Status)
		}
		if r := env.do(t, "POST", "/v1/log/checkpoint", auth, nil); r.Status != 403 {
			t.Errorf("signing with an authority's key: %d, want 403", r.Status)
		}
		sr := env.do(t, "POST", "/v1/log/checkpoint", env.admin, nil)
		cr := env.do(t, "GET", "/v1/log/checkpoint", "", nil)
		if sr.Status != 200 || cr.Status != 200 || !bytes.Equal(sr.Body, cr.Body) {
			t.Fatalf("sign %d, get %d: %q vs %q", sr.Status, cr.Status, sr.Body, cr.Body)
		}
		cp, err := translog.OpenCheckpoint(cr.Body, v)
		if err != nil {
			t.Fatalf("the served checkpoint does not verify: %v\n%s", err, cr.Body)
		}
		if cp.Size < 6 || cp.Origin != translog.DefaultOrigin {
			t.Fatalf("checkpoint %+v", cp)
		}

		// Entries and leaf hashes agree with each other and with the proof.
		w := strconv.FormatInt(cp.Size, 10)
		eb := env.raw(t, "/v1/log/tile/entries/000.p/"+w, "/v1/log/tile/entries/{N...}")
		hb := env.raw(t, "/v1/log/tile/0/000.p/"+w, "/v1/log/tile/{L}/{N...}")
		if eb.Status != 200 || hb.Status != 200 {
			t.Fatalf("tiles: %d %s / %d %s", eb.Status, eb.Body, hb.Status, hb.Body)
		}
		entries, err := translog.DecodeBundle(eb.Body)
		if err != nil || int64(len(entries)) != cp.Size || int64(len(hb.Body)) != cp.Size*32 {
			t.Fatalf("bundle of %d entries (%v), hash tile of %d bytes, size %d", len(entries), err, len(hb.Body), cp.Size)
		}
		for i, en := range entries {
			if h := translog.LeafHash(en); !bytes.Equal(h[:], hb.Body[32*i:32*i+32]) {
				t.Errorf("entry %d does not hash to the tile's leaf hash", i)
			}
		}
		for _, idx := range indexes {
			pr := env.do(t, "GET", fmt.Sprintf("/v1/log/proof/inclusion?index=%d", idx), "", nil)
			p, err := translog.ParseInclusionProof(pr.Body)
			if pr.Status != 200 || err != nil {
				t.Fatalf("inclusion proof: %d %s: %v", pr.Status, pr.Body, err)
			}
			if p.Size != cp.Size {
				t.Errorf("proof for size %d, checkpoint %d", p.Size, cp.Size)
			}
			if err := translog.VerifyInclusion(p, cp.Root, translog.LeafHash(entries[idx])); err != nil {
				t.Errorf("inclusion of %d: %v", idx, err)
			}
			// A wrong proof is refused.
			bad := p
			bad.Hashes = append([]string(nil), p.Hashes...)
			bad.Hashes[0] = base64.StdEncoding.EncodeToString(make([]byte, 32))
			if err := translog.VerifyInclusion(bad, cp.Root, translog.LeafHash(entries[idx])); err == nil {
				t.Error("a proof with a changed hash verified")
			}
		}
		pr := env.do(t, "GET", "/v1/log/proof/consistency?old=2", "", nil)
		p, err := translog.ParseConsistencyProof(pr.Body)
		if pr.Status != 200 || err != nil {
			t.Fatalf("consistency proof: %d %s: %v", pr.Status, pr.Body, err)
		}
		oldRoot, _ := translog.DecodeHash(p.OldRoot)
		var tr translog.Tree
		tr.Append(translog.LeafHash(entries[0]))
		tr.Append(translog.LeafHash(entries[1]))
		if oldRoot != tr.Root() {
			t.Error("the proof's old root is not the root of the first two entries")
		}
		if err := translog.VerifyConsistency(p, oldRoot, cp.Root); err != nil {
			t.Errorf("consistency 2 -> %d: %v", cp.Size, err)
		}
		if err := translog.VerifyConsistency(p, tlog.RecordHash([]byte("forged")), cp.Root); err == nil {
			t.Error("consistency with a forged old root verified")
		}

		// Bad input gets clear errors.
		size := strconv.FormatInt(cp.Size, 10)
		for _, q := range []string{"", "index=-1", "index=x", "index=" + size, "index=0&size=" + strconv.FormatInt(cp.Size+1, 10), "index=0&size=-4"} {
			r := env.do(t, "GET", "/v1/log/proof/inclusion?"+q, "", nil)
			if r.Status != 422 {
				t.Errorf("inclusion ?%s: %d %s", q, r.Status, r.Body)
			}
		}
		for _, q := range []string{"", "old=0", "old=abc", "old=" + strconv.FormatInt(cp.Size+1, 10), "old=1&new=" + strconv.FormatInt(cp.Size+9, 10)} {
			r := env.do(t, "GET", "/v1/log/proof/consistency?"+q, "", nil)
			if r.Status != 422 {
				t.Errorf("consistency ?%s: %d %s", q, r.Status, r.Body)
			}
		}
		for path, want := range map[string]int{
			"/v1/log/tile/0/0000":            400,
			"/v1/log/tile/0/000.p/0":         400,
			"/v1/log/tile/0/000.p/256":       400,
			"/v1/log/tile/0/001.p/01":        400,
			"/v1/log/tile/x/000":             400,
			"/v1/log/tile/0/x000/000":        400,
			"/v1/log/tile/0/000":             404, // the full tile does not exist yet
			"/v1/log/tile/1/000.p/1":         404,
			"/v1/log/tile/entries/001.p/1":   404,
			"/v1/log/tile/63/x999/x999/999":  404,
			"/v1/log/tile/entries/000.p/abc": 400,
			"/v1/log/tile/entries/-1":        400,
		} {
			pattern := "/v1/log/tile/{L}/{N...}"
			if strings.HasPrefix(path, "/v1/log/tile/entries/") {
				pattern = "/v1/log/tile/entries/{N...}"
			}
			if r := env.raw(t, path, pattern); r.Status != want {
				t.Errorf("GET %s: %d, want %d: %s", path, r.Status, want, r.Body)
			}
		}
		_ = http.StatusOK
	})
}
