package httpapi_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store/storetest"
)

// requestView is a notice's answer with its preservation and Art. 18
// sections.
type requestView struct {
	noticeView
	Lane         string `json:"lane"`
	PreserveDays int    `json:"preserve_days"`
	Preservation *struct {
		Days        int        `json:"days"`
		ConfirmedAt *time.Time `json:"confirmed_at"`
		KeepUntil   *time.Time `json:"keep_until"`
		EvidenceIDs []string   `json:"evidence_ids"`
	} `json:"preservation"`
	Art18 []struct {
		Authority, MemberState string
	} `json:"art18_notifications"`
}

func (v requestView) hasEvent(typ string) bool {
	for _, ev := range v.Timeline {
		if ev.Type == typ {
			return true
		}
	}
	return false
}

func TestPreservationRequest(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		_, key := e.member(t, "Kejaksaan", "authority")
		_, flagger := e.member(t, "Mafindo", "flagger")
		reviewer := e.key(t, platformOrg(t, e), "reviewer")
		links := []string{"https://t.me/prs_chan/1", "https://t.me/prs_chan2/2"}

		// Refused: nothing stored.
		for _, tt := range []struct {
			name        string
			key         string
			body        map[string]any
			field, code string
		}{
			{"zero days", key, notice("preservation", "fraud", links, "legal_basis", "KUHAP Pasal 39", "preserve_days", 0), "preserve_days", "out_of_range"},
			{"over the maximum", key, notice("preservation", "fraud", links, "legal_basis", "KUHAP Pasal 39", "preserve_days", 366), "preserve_days", "out_of_range"},
			{"not a number", key, notice("preservation", "fraud", links, "legal_basis", "KUHAP Pasal 39", "preserve_days", "30"), "preserve_days", "wrong_type"},
			{"no legal basis", key, notice("preservation", "fraud", links), "legal_basis", "required"},
			{"days on an order", key, notice("order", "fraud", links, "preserve_days", 30), "preserve_days", "not_allowed"},
			{"from a flagger", flagger, notice("preservation", "fraud", links, "legal_basis", "x", "good_faith", true), "kind", "kind_not_allowed"},
		} {
			p := e.do(t, "POST", "/v1/notices", tt.key, mustJSON(t, tt.body)).want(t, 422, tt.name).problem(t)
			if !p.hasError(tt.field, tt.code) {
				t.Errorf("%s: %+v, want %s on %s", tt.name, p.Errors, tt.code, tt.field)
			}
		}

		var n requestView
		e.do(t, "POST", "/v1/notices", key, mustJSON(t, notice("preservation", "fraud", links, "legal_basis", "KUHAP Pasal 39", "preserve_days", 30))).
			want(t, 201, "file").decode(t, &n)
		if n.Kind != "preservation" || n.Lane != "order" || n.SLA.Class != "preservation" || n.SLA.Within != "24h" ||
			!n.DueAt.Equal(n.ReceivedAt.Add(24*time.Hour)) || n.PreserveDays != 30 {
			t.Fatalf("filed: %+v", n)
		}
		var got requestView
		e.do(t, "GET", "/v1/notices/"+n.ID, key, nil).want(t, 200, "get").decode(t, &got)
		if got.Preservation == nil || got.Preservation.Days != 30 || got.Preservation.ConfirmedAt != nil {
			t.Fatalf("before confirming: %+v", got.Preservation)
		}
		// The days default to the policy's 90.
		var def requestView
		e.do(t, "POST", "/v1/notices", key, mustJSON(t, notice("preservation", "fraud", []string{"https://t.me/prs_chan3/3"}, "legal_basis", "x"))).
			want(t, 201, "default days").decode(t, &def)
		if def.PreserveDays != 90 {
			t.Errorf("default preserve_days %d, want 90", def.PreserveDays)
		}

		// Only the platform confirms, once, a preservation.
		e.do(t, "POST", "/v1/notices/"+n.ID+"/preservation", key, []byte(`{}`)).want(t, 403, "authority confirms")
		if p := e.do(t, "POST", "/v1/notices/"+n.ID+"/preservation", reviewer, []byte(`{"sha256": "XYZ"}`)).want(t, 422, "bad hash").problem(t); !p.hasError("sha256", "invalid") {
			t.Errorf("bad hash: %+v", p)
		}
		before := time.Now()
		var p struct {
			Days        int       `json:"days"`
			ConfirmedAt time.Time `json:"confirmed_at"`
			KeepUntil   time.Time `json:"keep_until"`
			EvidenceIDs []string  `json:"evidence_ids"`
		}
		e.do(t, "POST", "/v1/notices/"+n.ID+"/preservation", reviewer, []byte(`{"snapshot_ref": "vault://prs/1"}`)).want(t, 200, "confirm").decode(t, &p)
		if p.Days != 30 || len(p.EvidenceIDs) != 2 || p.KeepUntil.Sub(p.ConfirmedAt) != 30*24*time.Hour || p.ConfirmedAt.Before(before.Add(-time.Minute)) {
			t.Fatalf("confirmed: %+v", p)
		}
		if c := e.do(t, "POST", "/v1/notices/"+n.ID+"/preservation", reviewer, []byte(`{}`)).want(t, 409, "again").problem(t).Code; c != "already_confirmed" {
			t.Errorf("again: %s", c)
		}
		order, _ := e.submit(t, key, mustJSON(t, notice("order", "fraud", []string{"https://t.me/prs_chan4/4"})))
		if c := e.do(t, "POST", "/v1/notices/"+order.ID+"/preservation", reviewer, []byte(`{}`)).want(t, 409, "an order").problem(t).Code; c != "not_preservation" {
			t.Errorf("an order: %s", c)
		}
		e.do(t, "POST", "/v1/notices/ntc_nothing/preservation", reviewer, []byte(`{}`)).want(t, 404, "no notice")

		e.do(t, "GET", "/v1/notices/"+n.ID, key, nil).want(t, 200, "get").decode(t, &got)
		if got.Status != "actioned" || got.Preservation.ConfirmedAt == nil || !got.hasEvent("preservation.confirmed") {
			t.Errorf("after confirming: status %s, %+v", got.Status, got.Preservation)
		}
		// The authority extends it with a hold on the evidence: the existing machinery keeps it.
		until := p.KeepUntil.Add(60 * 24 * time.Hour).Format(time.RFC3339)
		e.json(t, "POST", "/v1/evidence/"+p.EvidenceIDs[0]+"/hold", key, map[string]string{"until": until, "reason": "penyidikan diperpanjang"}).want(t, 200, "extend")
	})
}

func TestEmergencyRequest(t *testing.T) {
	t.Parallel()
	// An emergency clock longer than an urgent order's: the lane, not the deadline, puts it first.
	policy := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(policy, []byte("requests:\n  emergency: 8h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		for _, tt := range []struct {
			policy string
			within string
		}{{policy, "8h"}} {
			e := newEnv(t, eng, tt.policy)
			_, key := e.member(t, "Polri", "authority")
			platform := platformOrg(t, e)
			reviewer := e.key(t, platform, "reviewer")
			e.json(t, "POST", "/v1/contacts", e.admin, map[string]any{"name": "Piket", "role": "on_call", "jurisdiction": "ID", "email": "piket@platform.example"})
			e.submit(t, key, mustJSON(t, notice("order", "terrorism", []string{"https://t.me/order_chan/1"})))
			var n requestView
			e.do(t, "POST", "/v1/notices", key, mustJSON(t, notice("emergency", "violent_extremism", []string{"https://t.me/threat_chan/9"}))).
				want(t, 201, "emergency").decode(t, &n)
			if n.Lane != "emergency" || n.SLA.Class != "emergency" || n.SLA.Within != tt.within {
				t.Fatalf("emergency (policy %q): %+v", tt.policy, n)
			}
			// Paged at once.
			var alerts struct {
				Items []struct {
					Kind     string `json:"kind"`
					NoticeID string `json:"notice_id"`
				} `json:"items"`
			}
			e.do(t, "GET", "/v1/alerts?notice_id="+n.ID, e.admin, nil).want(t, 200, "alerts").decode(t, &alerts)
			if !slices.ContainsFunc(alerts.Items, func(a struct {
				Kind     string `json:"kind"`
				NoticeID string `json:"notice_id"`
			}) bool {
				return a.Kind == "emergency" && a.NoticeID == n.ID
			}) {
				t.Errorf("no emergency alert: %+v", alerts.Items)
			}
			// Its lane goes before the order's.
			var claimed struct{ Lane string }
			e.do(t, "POST", "/v1/queue/claim", reviewer, nil).want(t, 200, "claim").decode(t, &claimed)
			if claimed.Lane != "emergency" {
				t.Errorf("claimed the %s lane first, want emergency", claimed.Lane)
			}
			// The platform records its Art. 18 notification.
			e.json(t, "POST", "/v1/notices/"+n.ID+"/art18", key, map[string]string{"authority": "x"}).want(t, 403, "authority records")
			for _, bad := range []map[string]string{{"authority": ""}, {"authority": "BKA", "member_state": "de"}, {"authority": "BKA", "notified_at": "2999-01-01T00:00:00Z"}} {
				e.json(t, "POST", "/v1/notices/"+n.ID+"/art18", reviewer, bad).want(t, 422, "bad art. 18")
			}
			e.json(t, "POST", "/v1/notices/"+n.ID+"/art18", reviewer, map[string]string{"authority": "Bundeskriminalamt", "member_state": "DE", "reference": "BKA-1"}).want(t, 201, "art. 18")
			var got requestView
			e.do(t, "GET", "/v1/notices/"+n.ID, key, nil).want(t, 200, "get").decode(t, &got)
			if len(got.Art18) != 1 || got.Art18[0].Authority != "Bundeskriminalamt" || !got.hasEvent("dsa.threat_notified") {
				t.Errorf("art. 18: %+v", got.Art18)
			}
		}
	})
}
