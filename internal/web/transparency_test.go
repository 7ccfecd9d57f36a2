package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
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
		// The database's host, user and name, and the data dir, are the
		// platform's: an authority or a flagger gets only the commands that
		// need no database.
		if strings.Contains(r.body, "sigap log verify --data") || strings.Contains(r.body, "--db") || strings.Contains(r.body, se.Dir) {
			t.Errorf("an authority is shown the auditor's command with the data dir or database")
		}
		secrets := []string{se.Dir}
		if u, err := url.Parse(se.URL); se.URL != "" && err == nil {
			secrets = append(secrets, u.Host, u.User.Username()+"@", "postgres://")
			if name := strings.TrimPrefix(u.Path, "/"); name != "" {
				secrets = append(secrets, "/"+name)
			}
		}
		fl, err := e.s.Admin.CreateOrg(t.Context(), "Pelapor Tepercaya", org.KindFlagger, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*client{auth, signedIn(t, e, fl.ID, "flag@pelapor.example", org.RoleFlagger),
			signedIn(t, e, e.platform, "rev@platform.example", org.RoleReviewer)} {
			body := c.get("/transparency").body
			mustContain(t, body, "sigap log verify --server", "--previous checkpoint.txt")
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("a user who is not the platform's admin or auditor is shown %q", s)
				}
			}
		}
		// The platform's admin and auditor get the command for this server's
		// own data dir and its PostgreSQL database, without the password.
		for _, role := range []org.Role{org.RoleAuditor, org.RoleAdmin} {
			body := signedIn(t, e, e.platform, string(role)+"@platform.example", role).get("/transparency").body
			audit := html.UnescapeString(regexp.MustCompile(`sigap log verify --data [^<]*`).FindString(body))
			want := "sigap log verify --data " + se.Dir
			if se.URL != "" {
				want += " --db '"
				if u, err := url.Parse(se.URL); err == nil {
					if pw, ok := u.User.Password(); ok && strings.Contains(audit, pw) {
						t.Errorf("the audit command shows the database password: %q", audit)
					}
				}
			}
			if !strings.HasPrefix(audit, want) || !strings.HasSuffix(audit, " --previous checkpoint.txt") {
				t.Errorf("%s: audit command %q, want it to start %q", role, audit, want)
			}
		}
		key := html.UnescapeString(found(t, r.body, `<code id="log-key">([^<]+)</code>`, "no log key"))
		noteText := html.UnescapeString(found(t, r.body, `(?s)<pre id="log-note">(.*?)</pre>`, "no checkpoint"))
		v, err := note.NewVerifier(key)
		if err != nil {
			t.Fatalf("verifier key %q: %v", key, err)
		}
		cp, err := translog.OpenCheckpoint([]byte(noteText), v)
		if err != nil {
			t.Fatalf("the page's checkpoint does not verify with the page's key: %v", err)
		}
		size, _ := strconv.ParseInt(found(t, r.body, `<dd id="log-size">(\d+)</dd>`, "no log size"), 10, 64)
		if cp.Size != size || size < 2 {
			t.Errorf("checkpoint size %d, page says %d; want the notice's events (>= 2)", cp.Size, size)
		}
	})
}

func TestTransparencyReportsAndExports(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		id := fileNotice(t, auth)
		period := "?from=2026-11-01&to=2026-12-01"

		page := auth.get("/transparency")
		mustContain(t, page.body, `action="/transparency/report"`, `formaction="/transparency/ledger"`, "Buku kepatuhan SAMAN")
		if strings.Contains(page.body, "dsa-sor.jsonl") {
			t.Error("an authority is offered the DSA export, which is the platform's")
		}

		rep := auth.get("/transparency/report" + period)
		if rep.status != http.StatusOK || !strings.Contains(rep.body, "<svg") {
			t.Fatalf("report: %d, charts present: %v", rep.status, strings.Contains(rep.body, "<svg"))
		}
		if csp := rep.h.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("report CSP %q: want exactly the page's style allowed", csp)
		}

		csvr := auth.get("/transparency/report.csv" + period)
		if csvr.status != http.StatusOK || !strings.HasPrefix(csvr.h.Get("Content-Type"), "text/csv") || !strings.Contains(csvr.body, "section") {
			t.Errorf("report CSV: %d %q", csvr.status, csvr.h.Get("Content-Type"))
		}
		if tco := auth.get("/transparency/tco.csv" + period); tco.status != http.StatusOK {
			t.Errorf("TCO CSV: %d", tco.status)
		}

		lg := auth.get("/transparency/ledger" + period)
		if lg.status != http.StatusOK {
			t.Fatalf("ledger: %d", lg.status)
		}
		mustContain(t, lg.body, id, "KOMINFO/2026/001", "ledger.csv")
		lc := auth.get("/transparency/ledger.csv" + period)
		lines := strings.Split(strings.TrimSpace(lc.body), "\n")
		if lc.status != http.StatusOK || len(lines) != 2 || !strings.HasPrefix(lines[0], "notice_id,") || !strings.HasPrefix(lines[1], id+",") {
			t.Errorf("ledger CSV: %d\n%s", lc.status, lc.body)
		}
		// Another authority's ledger does not hold this order.
		other := signedIn(t, e, e.platform, "audit@platform.example", org.RoleAuditor)
		if r := other.get("/transparency/ledger" + period); r.status != http.StatusOK || !strings.Contains(r.body, id) {
			t.Errorf("platform auditor's ledger: %d, holds the order: %v", r.status, strings.Contains(r.body, id))
		}
		if r := auth.get("/transparency/dsa-sor.jsonl" + period); r.status != http.StatusNotFound {
			t.Errorf("authority downloading DSA statements: %d, want 404", r.status)
		}
		if r := other.get("/transparency/dsa-sor.jsonl" + period); r.status != http.StatusOK {
			t.Errorf("platform auditor downloading DSA statements: %d", r.status)
		}
	})
}

func TestTransparencyRefusesBadPeriods(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		auth := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
		for _, tc := range []struct{ path, want string }{
			{"/transparency/report?from=2026-12-01&to=2026-11-01", "Periode terbalik"},
			{"/transparency/report.csv?from=27/11/2026&to=2026-12-01", "Tanggal tidak dapat dibaca"},
			{"/transparency/ledger?from=2010-01-01&to=2026-12-01", "lebih dari lima tahun"},
			{"/transparency/tco.csv?from=2026-13-01", "Tanggal tidak dapat dibaca"},
		} {
			r := auth.get(tc.path)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, tc.want) || !strings.Contains(r.body, `id="period-error"`) {
				t.Errorf("%s: %d, want 400 saying %q", tc.path, r.status, tc.want)
			}
		}
		if r := e.client().get("/transparency/ledger.csv"); r.status != http.StatusSeeOther {
			t.Errorf("signed out ledger CSV: %d, want a redirect to sign in", r.status)
		}
		reviewer := signedIn(t, e, e.platform, "rev@platform.example", org.RoleReviewer)
		if r := reviewer.get("/transparency/ledger.csv"); r.status != http.StatusNotFound {
			t.Errorf("reviewer ledger CSV: %d, want 404", r.status)
		}
	})
}
