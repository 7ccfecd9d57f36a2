package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/translog"
)

func TestTransparencyPageShowsAVerifiableCheckpoint(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, se storetest.Engine) {
		e := newEnv(t, se)
		if r := e.client().get("/transparency"); r.status != http.StatusSeeOther || r.location() != "/login" {
			t.Fatalf("signed out: %d %q, want a redirect to /login", r.status, r.location())
		}
		auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		fileNotice(t, auth)
		if _, err := e.s.API.TransLog.Sync(t.Context()); err != nil {
			t.Fatal(err)
		}
		r := auth.get("/transparency")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		mustContain(t, r.body, "Log transparansi", "sigap log verify --server", "--previous checkpoint.txt")
		key := html.UnescapeString(regexp.MustCompile(`<code id="log-key">([^<]+)</code>`).FindStringSubmatch(r.body)[1])
		noteText := html.UnescapeString(regexp.MustCompile(`(?s)<pre id="log-note">(.*?)</pre>`).FindStringSubmatch(r.body)[1])
		v, err := note.NewVerifier(key)
		if err != nil {
			t.Fatalf("verifier key %q: %v", key, err)
		}
		cp, err := translog.OpenCheckpoint([]byte(noteText), v)
		if err != nil {
			t.Fatalf("the page's checkpoint does not verify with the page's key: %v", err)
		}
		size, _ := strconv.ParseInt(regexp.MustCompile(`<dd id="log-size">(\d+)</dd>`).FindStringSubmatch(r.body)[1], 10, 64)
		if cp.Size != size || size < 2 {
			t.Errorf("checkpoint size %d, page says %d; want the notice's events (>= 2)", cp.Size, size)
		}
	})
}
