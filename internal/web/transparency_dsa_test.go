package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/org"
)

// decideOrder files an order for link, claims it and removes it in scope,
// optionally until a date, and returns the decision's ID.
func decideOrder(t *testing.T, e *reviewEnv, link, scope, until string) string {
	t.Helper()
	fileOrder(t, e.authority, link)
	id := claim(t, e.rina)
	f := decisionForm("remove")
	f.Set("territorial_scope", scope)
	if until != "" {
		f.Set("until", until)
	}
	if r := e.rina.post("/review/cases/"+id+"/decision", f); r.status != http.StatusSeeOther {
		t.Fatalf("decide %s: %d\n%s", link, r.status, r.body)
	}
	ds := e.decisions(id)
	if len(ds) != 1 {
		t.Fatalf("case %s: %d decisions", id, len(ds))
	}
	return ds[0].ID
}

// TestTransparencyDSADownload checks the portal's DSA download is what the
// DSA Transparency Database takes: each line exactly a batch body, every
// statement valid; the decisions left out for a reason are counted in the
// headers; and a period with a statement the database would refuse is a 422
// page naming the decision and the field, with nothing exported.
func TestTransparencyDSADownload(t *testing.T) {
	t.Parallel()
	eachReviewEnv(t, func(t *testing.T, e *reviewEnv) {
		// The order newReviewEnv filed, restricted in two EU countries: exported.
		id := claim(t, e.rina)
		f := decisionForm("remove")
		f.Set("territorial_scope", "DE NL")
		if r := e.rina.post("/review/cases/"+id+"/decision", f); r.status != http.StatusSeeOther {
			t.Fatalf("decide: %d\n%s", r.status, r.body)
		}
		exported := e.decisions(id)[0].ID
		// Restricted in Indonesia only: outside the DSA, left out and counted.
		decideOrder(t, e, "t.me/kanaltiga", "ID", "")

		auditor := signedIn(t, e.env, e.platform, "audit@platform.example", org.RoleAuditor)
		period := "/transparency/dsa-sor.jsonl?from=2026-11-27&to=2026-11-28"

		r := auditor.get(period)
		if r.status != http.StatusOK || !strings.HasPrefix(r.h.Get("Content-Type"), "application/jsonl") {
			t.Fatalf("clean period: %d %q\n%s", r.status, r.h.Get("Content-Type"), r.body)
		}
		for h, want := range map[string]string{"Sigap-Statements": "1", "Sigap-Skipped-Outside-EEA": "1",
			"Sigap-Skipped-Held": "0", "Sigap-Skipped-EU-Order": "0"} {
			if got := r.h.Get(h); got != want {
				t.Errorf("header %s: %q, want %q", h, got, want)
			}
		}
		v := dsasor.Default()
		lines := strings.Split(strings.TrimSuffix(r.body, "\n"), "\n")
		if len(lines) != 1 {
			t.Fatalf("%d lines, want 1 batch:\n%s", len(lines), r.body)
		}
		for i, line := range lines {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal([]byte(line), &obj); err != nil {
				t.Fatalf("line %d is not a JSON object: %v", i, err)
			}
			if len(obj) != 1 || obj["statements"] == nil {
				keys := make([]string, 0, len(obj))
				for k := range obj {
					keys = append(keys, k)
				}
				t.Errorf("line %d has keys %v, want only statements (the database's batch body)", i, keys)
			}
			var sts []json.RawMessage
			if err := json.Unmarshal(obj["statements"], &sts); err != nil || len(sts) == 0 || len(sts) > 100 {
				t.Fatalf("line %d: %d statements, %v", i, len(sts), err)
			}
			if _, err := v.ValidateRawBatch(sts); err != nil {
				t.Errorf("line %d is not a valid batch: %v", i, err)
			}
		}
		if strings.Contains(r.body, exported) {
			t.Error("the file names a decision ID; the database must get only statements")
		}

		// A restriction until 2040, past the database's last date: the
		// statement would be refused, so nothing is exported.
		bad := decideOrder(t, e, "t.me/kanalempat", "FR", "2040-01-01T00:00")
		for _, tc := range []struct{ lang, want string }{
			{"id", "Tidak ada yang diekspor"},
			{"en", "Nothing was exported"},
		} {
			auditor.lang = tc.lang
			r := auditor.get(period)
			if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.h.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: period with an invalid statement: %d %q", tc.lang, r.status, r.h.Get("Content-Type"))
			}
			if r.h.Get("Content-Disposition") != "" || strings.Contains(r.body, `"statements"`) || strings.Contains(r.body, "DECISION_VISIBILITY") {
				t.Errorf("%s: the refusal carries statements or a download", tc.lang)
			}
			mustContain(t, r.body, `<html lang="`+tc.lang+`"`, tc.want, bad, "end_date_visibility_restriction",
				"skip_invalid=true", `href="/review/decisions/`+bad+`/statement"`)
			if strings.Contains(r.body, exported) {
				t.Errorf("%s: the refusal lists a valid decision", tc.lang)
			}
		}

		// An authority (not the platform) is refused as before.
		if r := e.authority.get(period); r.status != http.StatusNotFound {
			t.Errorf("authority: %d, want 404", r.status)
		}
		// The page says what the file holds, to those who may download it.
		auditor.lang = "en"
		page := auditor.get("/transparency")
		mustContain(t, page.body, "Sigap-Skipped-Held", "skip_invalid=true")
		if strings.Contains(page.body, "ready to upload") {
			t.Error("the page still calls the file ready to upload without saying what it holds")
		}
	})
}
