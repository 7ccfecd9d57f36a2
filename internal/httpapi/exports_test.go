package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/store/storetest"
)

// exportNotice files a notice with the fields the export tests vary and returns its ID.
func (e *reviewEnv) exportNotice(t *testing.T, key string, body map[string]any) string {
	t.Helper()
	n := map[string]any{"kind": "order", "regime": "ID-PSE", "category": "terrorism", "explanation": "incites violence",
		"legal_basis": "UU ITE Art. 40", "language": "id"}
	for k, v := range body {
		n[k] = v
	}
	r := e.json(t, "POST", "/v1/notices", key, n).want(t, 201, "notice")
	var v struct{ ID string }
	r.decode(t, &v)
	return v.ID
}

// decideNext claims the only open case and decides it; it returns the decision's ID and status.
func (e *reviewEnv) decideNext(t *testing.T, decision map[string]any) (string, string) {
	t.Helper()
	caseID, status := e.claim(t, e.rev1)
	if status != 200 {
		t.Fatalf("claim: %d", status)
	}
	r := e.json(t, "POST", "/v1/cases/"+caseID+"/decision", e.rev1, decision)
	if r.Status != 200 && r.Status != 202 {
		t.Fatalf("decide: %d %s", r.Status, r.Body)
	}
	var d struct{ ID, Status string }
	r.decode(t, &d)
	e.clk.Advance(time.Minute)
	return d.ID, d.Status
}

type dsaExport struct {
	From        time.Time         `json:"from"`
	To          time.Time         `json:"to"`
	Statements  []json.RawMessage `json:"statements"`
	DecisionIDs []string          `json:"decision_ids"`
	Skipped     []struct {
		DecisionID string    `json:"decision_id"`
		Reason     string    `json:"reason"`
		Detail     string    `json:"detail"`
		Until      time.Time `json:"until"`
		Errors     []struct{ Field, Code, Message string }
	} `json:"skipped"`
	NextCursor string `json:"next_cursor"`
	Next       string `json:"next"`
}

// TestExportDSAStatements makes decisions through the real review flow and
// exports them: every statement passes the validator, puids are the keyed
// hashes, no link or username leaks, what the database must not get is
// skipped with a reason, and an invalid statement is refused by name.
func TestExportDSAStatements(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e := newReviewEnv(t, eng)
		pii := "The post at https://t.me/s/badchan/1 by @badchan calls for attacks; badchan recruits fighters (contact +62 812 3456 7890)."
		remove := func(scope []string, extra ...any) map[string]any {
			d := map[string]any{"action": "remove", "ground": map[string]string{"type": "law", "reference": "UU ITE Art. 40(2b)"}, "reasons": pii}
			if scope != nil {
				d["territorial_scope"] = scope
			}
			for i := 0; i+1 < len(extra); i += 2 {
				d[extra[i].(string)] = extra[i+1]
			}
			return d
		}
		// d1: an Indonesian order, restricted in two EU countries.
		e.exportNotice(t, e.authA, map[string]any{"subjects": urls("https://t.me/badchan/1"), "reference": "SP-2026-0001"})
		d1, _ := e.decideNext(t, remove([]string{"DE", "NL"}))
		// d2: a referral under the DSA; the scope defaults to the regime's, the EU.
		e.exportNotice(t, e.authA, map[string]any{"kind": "referral", "regime": "EU-DSA", "subjects": urls("https://t.me/badchan/2")})
		d2, _ := e.decideNext(t, remove(nil))
		// d3: a TCO removal order: Art. 17(5), skipped.
		e.exportNotice(t, e.authA, map[string]any{"regime": "EU-TCO", "subjects": urls("https://t.me/badchan/3")})
		d3, _ := e.decideNext(t, remove([]string{"DE"}))
		// d4: restricted in Indonesia only: outside the DSA, skipped.
		e.exportNotice(t, e.authA, map[string]any{"subjects": urls("https://t.me/badchan/4")})
		d4, _ := e.decideNext(t, removal())
		// d5: the authority asked not to tell the uploader for two weeks: held.
		hold := e.clk.Now().Add(14 * 24 * time.Hour).Truncate(time.Second)
		e.exportNotice(t, e.authA, map[string]any{"subjects": urls("https://t.me/badchan/5"), "inform_uploader_after": hold.Format(time.RFC3339)})
		d5, _ := e.decideNext(t, remove([]string{"FR"}))
		// d6: a restriction until 2040, past the database's last date: invalid.
		e.exportNotice(t, e.authA, map[string]any{"subjects": urls("https://t.me/badchan/6")})
		d6, _ := e.decideNext(t, remove([]string{"FR"}, "until", "2040-01-01T00:00:00Z"))
		// d7: a channel suspended after a second reviewer's approval; it takes effect last.
		e.exportNotice(t, e.authB, map[string]any{"subjects": urls("https://t.me/suspchan")})
		d7, st := e.decideNext(t, map[string]any{"action": "suspend", "ground": map[string]string{"type": "terms", "reference": "Terms §4.2"},
			"reasons": "The channel @suspchan exists to recruit.", "territorial_scope": []string{"EU"}})
		if st != "pending_approval" {
			t.Fatalf("suspend: %s", st)
		}
		// Not exported at all: a decision that restricts nothing.
		e.exportNotice(t, e.authA, map[string]any{"kind": "referral", "subjects": urls("https://t.me/okchan/1")})
		e.decideNext(t, map[string]any{"action": "no_action", "ground": map[string]string{"type": "law", "reference": "UU ITE"}, "reasons": "Lawful."})
		if r := e.do(t, "POST", "/v1/decisions/"+d7+"/approve", e.rev2, nil); r.Status != 200 {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}

		period := "/v1/exports/dsa-sor?from=2026-11-27&to=2026-11-28"
		// The invalid statement stops the export, named by decision and field.
		r := e.do(t, "GET", period, e.admin, nil)
		p := r.problem(t)
		if r.Status != 422 || p.Code != "invalid_statement" || !p.hasError("decisions["+d6+"].end_date_visibility_restriction", "out_of_range") ||
			!strings.Contains(p.Detail, d6) || !strings.Contains(p.Detail, "end_date_visibility_restriction") || len(p.Errors) != 1 {
			t.Fatalf("export with an invalid statement: %d %s", r.Status, r.Body)
		}

		r = e.do(t, "GET", period+"&skip_invalid=true", e.auditor, nil).want(t, 200, "export")
		var x dsaExport
		r.decode(t, &x)
		if !slices.Equal(x.DecisionIDs, []string{d1, d2, d7}) || len(x.Statements) != 3 || x.Next != "" || x.NextCursor != "" {
			t.Fatalf("exported %v (%d statements), want %v", x.DecisionIDs, len(x.Statements), []string{d1, d2, d7})
		}
		skipped := map[string]string{}
		for _, s := range x.Skipped {
			skipped[s.DecisionID] = s.Reason
			if s.Detail == "" {
				t.Errorf("skip without detail: %+v", s)
			}
			if s.Reason == "held" && !s.Until.Equal(hold) {
				t.Errorf("held until %v, want %v", s.Until, hold)
			}
			if s.Reason == "invalid" && (len(s.Errors) != 1 || s.Errors[0].Field != "end_date_visibility_restriction") {
				t.Errorf("invalid skip: %+v", s)
			}
		}
		if want := map[string]string{d3: "eu_order", d4: "outside_eea", d5: "held", d6: "invalid"}; !maps.Equal(skipped, want) {
			t.Errorf("skipped %v, want %v", skipped, want)
		}

		// Every statement is valid against the specification, alone and as a batch.
		v := dsasor.Default()
		key, _, err := dsasor.LoadOrCreateKey(eng.Dir)
		if err != nil {
			t.Fatal(err)
		}
		b := dsasor.NewBuilder(key, "")
		batch, err := v.ValidateRawBatch(x.Statements)
		if err != nil {
			t.Errorf("the page (decisions %v) is not a valid batch: %v", x.DecisionIDs, err)
		}
		if len(batch) != len(x.Statements) {
			t.Fatalf("the page's statements are not JSON objects: %v", err)
		}
		for i, raw := range x.Statements {
			m := batch[i]
			if m["puid"] != b.PUID(x.DecisionIDs[i]) || strings.Contains(string(raw), x.DecisionIDs[i]) {
				t.Errorf("statement %d: puid %v is not the keyed hash of %s", i, m["puid"], x.DecisionIDs[i])
			}
			// The puid is a hex digest, so it may hold any digits by chance; look for leaks in the rest.
			rest := strings.ToLower(strings.Replace(string(raw), fmt.Sprint(m["puid"]), "", 1))
			for _, leak := range []string{"badchan", "suspchan", "t.me", "@", "812", "http", "[redacted] [redacted]"} {
				if strings.Contains(rest, leak) {
					t.Errorf("statement %d holds %q: %s", i, leak, raw)
				}
			}
		}
		if batch[0]["source_type"] != "SOURCE_TYPE_OTHER_NOTIFICATION" || batch[0]["source_identity"] != "Kominfo" ||
			!slices.Equal(anyStrings(batch[0]["territorial_scope"]), []string{"DE", "NL"}) || batch[0]["content_language"] != "ID" {
			t.Errorf("d1: %v", batch[0])
		}
		if len(anyStrings(batch[1]["territorial_scope"])) != 27 || batch[1]["source_identity"] != nil {
			t.Errorf("d2 (EU scope, a referral names no notifier): %v", batch[1])
		}
		if batch[2]["decision_account"] != "DECISION_ACCOUNT_SUSPENDED" || batch[2]["decision_ground"] != "DECISION_GROUND_INCOMPATIBLE_CONTENT" {
			t.Errorf("d7: %v", batch[2])
		}
		// The statement of reasons carries the same statement.
		var sor struct {
			TransparencyDB json.RawMessage `json:"transparency_db"`
		}
		e.do(t, "GET", "/v1/decisions/"+d1+"/statement", e.rev3, nil).decode(t, &sor)
		if !bytes.Equal(sor.TransparencyDB, x.Statements[0]) {
			t.Errorf("transparency_db of %s differs from its export:\n%s\n%s", d1, sor.TransparencyDB, x.Statements[0])
		}

		// Paging in batches: following next gives the same statements.
		var paged []string
		next, pages := period+"&skip_invalid=true&limit=2", 0
		for next != "" && pages < 10 {
			var pg dsaExport
			r := e.do(t, "GET", next, e.admin, nil)
			if r.Status != 200 {
				t.Fatalf("page %d: %d %s", pages, r.Status, r.Body)
			}
			r.decode(t, &pg)
			if len(pg.Statements) > 2 {
				t.Errorf("page of %d statements with limit=2", len(pg.Statements))
			}
			paged = append(paged, pg.DecisionIDs...)
			next, pages = pg.Next, pages+1
		}
		if !slices.Equal(paged, x.DecisionIDs) || pages != 4 {
			t.Errorf("paged %v in %d pages, want %v in 4", paged, pages, x.DecisionIDs)
		}
		// A period with nothing in it is an empty batch, not an error.
		r = e.do(t, "GET", "/v1/exports/dsa-sor?from=2026-01-01&to=2026-02-01", e.admin, nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"statements":[]`) {
			t.Errorf("empty period: %d %s", r.Status, r.Body)
		}
	})
}

func anyStrings(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, _ := it.(string)
		out = append(out, s)
	}
	return out
}

// TestExportsBadInput: a period the wrong way round, malformed dates and
// parameters, and callers who may not export are each refused with a reason.
func TestExportsBadInput(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		dsa, ledger := "/v1/exports/dsa-sor", "/v1/exports/saman-ledger"
		before := e.counts(t)
		for _, tc := range []struct {
			name, path, key string
			status          int
			code, field     string
		}{
			{"period the wrong way round", dsa + "?from=2026-12-01&to=2026-11-01", e.admin, 400, "invalid_period", "from"},
			{"empty period", dsa + "?from=2026-12-01&to=2026-12-01", e.admin, 400, "invalid_period", "from"},
			{"malformed from", dsa + "?from=yesterday&to=2026-11-01", e.admin, 400, "invalid_date", "from"},
			{"malformed to", dsa + "?from=2026-11-01&to=2026-13-45", e.admin, 400, "invalid_date", "to"},
			{"a decade", dsa + "?from=2016-01-01&to=2026-01-01", e.admin, 400, "period_too_long", "to"},
			{"limit over the batch size", dsa + "?from=2026-11-01&to=2026-12-01&limit=101", e.admin, 422, "validation", "limit"},
			{"limit zero", dsa + "?from=2026-11-01&to=2026-12-01&limit=0", e.admin, 422, "validation", "limit"},
			{"skip_invalid not a boolean", dsa + "?from=2026-11-01&to=2026-12-01&skip_invalid=maybe", e.admin, 422, "validation", "skip_invalid"},
			{"forged cursor", dsa + "?from=2026-11-01&to=2026-12-01&cursor=bm90LWEtY3Vyc29y", e.admin, 422, "validation", "cursor"},
			{"no key", dsa + "?from=2026-11-01&to=2026-12-01", "", 401, "unauthenticated", ""},
			{"unknown key", dsa + "?from=2026-11-01&to=2026-12-01", "sgp_not-a-key", 401, "unknown_key", ""},
			{"authority exporting statements", dsa + "?from=2026-11-01&to=2026-12-01", e.authA, 403, "forbidden_role", ""},
			{"reviewer exporting statements", dsa + "?from=2026-11-01&to=2026-12-01", e.rev1, 403, "forbidden_role", ""},
			{"ledger period the wrong way round", ledger + "?from=2026-12-01&to=2026-11-01", e.authA, 400, "invalid_period", "from"},
			{"ledger malformed date", ledger + "?from=27/11/2026", e.authA, 400, "invalid_date", "from"},
			{"ledger format", ledger + "?format=xlsx", e.authA, 422, "validation", "format"},
			{"ledger regime", ledger + "?regime=XX-NONE", e.authA, 422, "validation", "regime"},
			{"ledger limit", ledger + "?limit=5000", e.admin, 422, "validation", "limit"},
			{"ledger cursor", ledger + "?cursor=garbage", e.admin, 422, "validation", "cursor"},
			{"reviewer reading the ledger", ledger, e.rev1, 403, "forbidden_role", ""},
			{"ledger without a key", ledger, "", 401, "unauthenticated", ""},
		} {
			r := e.do(t, "GET", tc.path, tc.key, nil)
			p := r.problem(t)
			if r.Status != tc.status || p.Code != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, r.Status, r.Body, tc.status, tc.code)
				continue
			}
			named := false
			for _, fe := range p.Errors {
				named = named || fe.Field == tc.field
			}
			if tc.field != "" && !named {
				t.Errorf("%s: the problem does not name %s: %s", tc.name, tc.field, r.Body)
			}
		}
		if !maps.Equal(before, e.counts(t)) {
			t.Error("refused exports changed the database")
		}
	})
}

type ledgerView struct {
	Regime      string    `json:"regime"`
	GeneratedAt time.Time `json:"generated_at"`
	Items       []struct {
		NoticeID          string     `json:"notice_id"`
		Reference         string     `json:"reference"`
		Authority         string     `json:"authority"`
		Regime            string     `json:"regime"`
		Class             string     `json:"class"`
		Status            string     `json:"status"`
		ReceivedAt        time.Time  `json:"received_at"`
		ReceivedAtWIB     string     `json:"received_at_wib"`
		DueAt             time.Time  `json:"due_at"`
		AcknowledgedAt    *time.Time `json:"acknowledged_at"`
		AcknowledgedBy    string     `json:"acknowledged_by"`
		ActionedAt        *time.Time `json:"actioned_at"`
		ActionedAtWIB     *string    `json:"actioned_at_wib"`
		Compliance        string     `json:"compliance"`
		LateSeconds       *int64     `json:"late_seconds"`
		Late              string     `json:"late"`
		Subjects          int        `json:"subjects"`
		SubjectsActioned  int        `json:"subjects_actioned"`
		AcknowledgedAtWIB *string    `json:"acknowledged_at_wib"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// TestExportSAMANLedger: an order acknowledged by a claim and carried out
// an hour late, one still open past its deadline, another authority's and a
// TCO order; each caller sees what it may, in UTC and WIB, as JSON and CSV.
func TestExportSAMANLedger(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newReviewEnv, func(ctx context.Context, t *testing.T, e *reviewEnv) {
		t0 := e.clk.Now() // 03:00 UTC, 10:00 WIB
		o1 := e.exportNotice(t, e.authA, map[string]any{"subjects": urls("https://t.me/ledger/1"), "reference": "SP-2026-0001"})
		e.clk.Advance(10 * time.Minute)
		caseID, _ := e.claim(t, e.rev1)
		e.clk.Advance(10 * time.Minute)
		if r := e.json(t, "POST", "/v1/cases/"+caseID+"/decision", e.rev1, removal()); r.Status != 200 {
			t.Fatalf("decide: %d %s", r.Status, r.Body)
		}
		var cv struct {
			Actions []struct{ ID string } `json:"actions"`
		}
		e.do(t, "GET", "/v1/cases/"+caseID, e.rev1, nil).decode(t, &cv)
		if len(cv.Actions) != 1 {
			t.Fatalf("actions on the case: %+v", cv.Actions)
		}
		// o2 arrives at 03:30 and is never answered.
		e.clk.Advance(10 * time.Minute)
		o2 := e.exportNotice(t, e.authA, map[string]any{"subjects": urls("https://t.me/ledger/2"), "reference": "SP-2026-0002"})
		e.exportNotice(t, e.authB, map[string]any{"subjects": urls("https://t.me/ledger/3"), "reference": "B-1"})
		e.exportNotice(t, e.authA, map[string]any{"regime": "EU-TCO", "subjects": urls("https://t.me/ledger/4")})
		e.exportNotice(t, e.authA, map[string]any{"kind": "referral", "subjects": urls("https://t.me/ledger/5")})
		// The removal is carried out at 08:00, an hour after o1's 4-hour deadline.
		e.clk.Advance(4*time.Hour + 30*time.Minute)
		exec := t0.Add(5 * time.Hour)
		if r := e.json(t, "POST", "/v1/actions/"+cv.Actions[0].ID+"/confirm", e.admin, map[string]string{"executed_at": exec.Format(time.RFC3339)}); r.Status != 200 {
			t.Fatalf("confirm: %d %s", r.Status, r.Body)
		}
		e.clk.Advance(time.Hour) // now 09:00: o2 (due 07:30) is 1h30m overdue

		var a ledgerView
		r := e.do(t, "GET", "/v1/exports/saman-ledger?from=2026-11-27&to=2026-11-28", e.authA, nil).want(t, 200, "ledger")
		r.decode(t, &a)
		if a.Regime != "ID-PSE" || len(a.Items) != 2 || a.Items[0].NoticeID != o1 || a.Items[1].NoticeID != o2 {
			t.Fatalf("authority A's ledger: %s", r.Body)
		}
		i1, i2 := a.Items[0], a.Items[1]
		if i1.Reference != "SP-2026-0001" || i1.Authority != "Kominfo" || i1.Class != "urgent" || i1.Status != "actioned" ||
			!i1.ReceivedAt.Equal(t0) || i1.ReceivedAtWIB != "2026-11-27T10:00:00+07:00" || !i1.DueAt.Equal(t0.Add(4*time.Hour)) ||
			i1.AcknowledgedBy != "claim" || !i1.AcknowledgedAt.Equal(t0.Add(10*time.Minute)) || *i1.AcknowledgedAtWIB != "2026-11-27T10:10:00+07:00" ||
			i1.ActionedAt == nil || !i1.ActionedAt.Equal(exec) || *i1.ActionedAtWIB != "2026-11-27T15:00:00+07:00" ||
			i1.Compliance != "late" || *i1.LateSeconds != 3600 || i1.Late != "1h0m0s" || i1.Subjects != 1 || i1.SubjectsActioned != 1 {
			t.Errorf("o1: %+v", i1)
		}
		if i2.AcknowledgedAt != nil || i2.AcknowledgedBy != "" || i2.ActionedAt != nil || i2.Compliance != "overdue" || *i2.LateSeconds != 5400 {
			t.Errorf("o2: %+v", i2)
		}
		// The platform sees both authorities; regime=all adds the TCO order; referrals never appear.
		var all ledgerView
		e.do(t, "GET", "/v1/exports/saman-ledger?from=2026-11-27&to=2026-11-28", e.admin, nil).decode(t, &all)
		if len(all.Items) != 3 {
			t.Errorf("the platform's ledger has %d orders, want 3", len(all.Items))
		}
		e.do(t, "GET", "/v1/exports/saman-ledger?from=2026-11-27&to=2026-11-28&regime=all", e.auditor, nil).decode(t, &all)
		if len(all.Items) != 4 || all.Regime != "all" {
			t.Errorf("every regime: %d orders, regime %q", len(all.Items), all.Regime)
		}
		var b ledgerView
		e.do(t, "GET", "/v1/exports/saman-ledger?from=2026-11-27&to=2026-11-28", e.authB, nil).decode(t, &b)
		if len(b.Items) != 1 || b.Items[0].Reference != "B-1" {
			t.Errorf("authority B sees %+v", b.Items)
		}
		// JSON pages.
		var p1, p2 ledgerView
		e.do(t, "GET", "/v1/exports/saman-ledger?from=2026-11-27&to=2026-11-28&limit=1", e.authA, nil).decode(t, &p1)
		e.do(t, "GET", "/v1/exports/saman-ledger?from=2026-11-27&to=2026-11-28&limit=1&cursor="+url.QueryEscape(p1.NextCursor), e.authA, nil).decode(t, &p2)
		if len(p1.Items) != 1 || len(p2.Items) != 1 || p2.Items[0].NoticeID != o2 {
			t.Errorf("pages: %+v / %+v", p1, p2)
		}

		// CSV: the same rows, times in both zones.
		r = e.do(t, "GET", "/v1/exports/saman-ledger?from=2026-11-27&to=2026-11-28&format=csv", e.authA, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), "saman-ledger-20261127-20261128.csv") {
			t.Fatalf("csv: %d %v", r.Status, r.Header)
		}
		recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
		if err != nil || len(recs) != 3 {
			t.Fatalf("csv: %v, %d records: %s", err, len(recs), r.Body)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		row := recs[1]
		for k, want := range map[string]string{"notice_id": o1, "reference": "SP-2026-0001", "received_at_utc": "2026-11-27T03:00:00Z",
			"received_at_wib": "2026-11-27T10:00:00+07:00", "due_at_wib": "2026-11-27T14:00:00+07:00", "acknowledged_by": "claim",
			"actioned_at_utc": "2026-11-27T08:00:00Z", "actioned_at_wib": "2026-11-27T15:00:00+07:00", "compliance": "late", "late_seconds": "3600"} {
			if row[col[k]] != want {
				t.Errorf("csv %s = %q, want %q", k, row[col[k]], want)
			}
		}
		if recs[2][col["compliance"]] != "overdue" || recs[2][col["actioned_at_utc"]] != "" {
			t.Errorf("csv row 2: %v", recs[2])
		}
	})
}
