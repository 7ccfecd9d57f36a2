package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/sigap/sigap/internal/client"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/translog"
	"github.com/sigap/sigap/internal/translog/leaf"
)

// newClockEnv is newEnv on a clock the test moves, from 2026-12-01 03:00 UTC.
func newClockEnv(t *testing.T, e storetest.Engine) (*env, *clock.Fixed) {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC))
	return newEnvAt(t, e, clk), clk
}

// newEnvAt is newEnv on a clock the test moves.
func newEnvAt(t *testing.T, e storetest.Engine, clk *clock.Fixed) *env {
	t.Helper()
	return startEnv(t, e, clk, nil, nil)
}

// newKey makes a key with body as key holder, failing unless it is a 201.
func (e *env) newKey(t *testing.T, orgID, holder string, body map[string]string) (id, secret string) {
	t.Helper()
	r := e.json(t, "POST", "/v1/orgs/"+orgID+"/keys", holder, body)
	if r.Status != 201 {
		t.Fatalf("create key %v: %d %s", body, r.Status, r.Body)
	}
	var k struct{ ID, Key string }
	r.decode(t, &k)
	return k.ID, k.Key
}

// listed returns key id as GET .../keys lists it.
func (e *env) listed(t *testing.T, orgID, holder, id string) (found bool, lastUsed, revoked, expires *time.Time) {
	t.Helper()
	r := e.do(t, "GET", "/v1/orgs/"+orgID+"/keys", holder, nil).want(t, 200, "list keys")
	if bytes.Contains(r.Body, []byte(`"key"`)) || bytes.Contains(r.Body, []byte("sgp_")) {
		t.Errorf("the key list shows a secret: %s", r.Body)
	}
	var l client.KeyList
	r.decode(t, &l)
	for _, k := range l.Items {
		if k.ID == id {
			return true, k.LastUsedAt, k.RevokedAt, k.ExpiresAt
		}
	}
	return false, nil, nil, nil
}

// revoke sends DELETE .../keys/{key_id} and returns its status.
func (e *env) revoke(t *testing.T, orgID, keyID, holder string) int {
	t.Helper()
	return e.del(t, "/v1/orgs/"+orgID+"/keys/"+keyID, holder)
}

// del sends DELETE path and returns its status. It goes around the document
// check, which wants a Content-Type even on a 204.
func (e *env) del(t *testing.T, path, holder string) int {
	t.Helper()
	req, err := http.NewRequest("DELETE", e.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+holder)
	resp, err := e.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 204 && len(b) != 0 {
		t.Errorf("a 204 with a body: %q", b)
	}
	return resp.StatusCode
}

// code is the problem code of an answer ("" for a success).
func code(t *testing.T, r reply) string {
	t.Helper()
	if r.Status < 400 {
		return ""
	}
	return r.problem(t).Code
}

func TestKeyLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e, clk := newClockEnv(t, eng)
		start := clk.Now()
		a := e.org(t, "Kominfo", "authority")
		b := e.org(t, "Polri", "authority")
		aAdmin := e.key(t, a, "admin")
		bAdmin := e.key(t, b, "admin")

		// Listed, then used: last_used_at is set, and moves at most once a minute.
		id, k := e.newKey(t, a, aAdmin, map[string]string{"role": "authority"})
		if found, used, revoked, expires := e.listed(t, a, aAdmin, id); !found || used != nil || revoked != nil || expires != nil {
			t.Fatalf("a new key listed as found=%v used=%v revoked=%v expires=%v", found, used, revoked, expires)
		}
		if r := e.do(t, "GET", "/v1/notices", k, nil); r.Status != 200 {
			t.Fatalf("using the key: %d %s", r.Status, r.Body)
		}
		if _, used, _, _ := e.listed(t, a, e.admin, id); used == nil || !used.Equal(start) {
			t.Errorf("last_used_at = %v after a use at %v", used, start)
		}
		clk.Advance(30 * time.Second)
		e.do(t, "GET", "/v1/notices", k, nil)
		if _, used, _, _ := e.listed(t, a, e.admin, id); used == nil || !used.Equal(start) {
			t.Errorf("last_used_at = %v 30 s later, want it kept at %v (one write a minute)", used, start)
		}
		clk.Advance(31 * time.Second)
		e.do(t, "GET", "/v1/notices", k, nil)
		if _, used, _, _ := e.listed(t, a, e.admin, id); used == nil || !used.Equal(clk.Now()) {
			t.Errorf("last_used_at = %v a minute on, want %v", used, clk.Now())
		}

		// Another org's admin neither sees nor revokes nor rotates the key.
		for _, tc := range []struct{ method, path string }{
			{"GET", "/v1/orgs/" + a + "/keys"},
			{"DELETE", "/v1/orgs/" + a + "/keys/" + id},
			{"POST", "/v1/orgs/" + a + "/keys/" + id + "/rotate"},
		} {
			if r := e.do(t, tc.method, tc.path, bAdmin, nil); r.Status != 404 {
				t.Errorf("%s %s by another org's admin: %d %s, want 404", tc.method, tc.path, r.Status, r.Body)
			}
		}
		// Naming the key under the wrong org finds nothing either.
		if r := e.do(t, "DELETE", "/v1/orgs/"+b+"/keys/"+id, bAdmin, nil); r.Status != 404 {
			t.Errorf("revoking a's key under b: %d, want 404", r.Status)
		}
		if r := e.do(t, "GET", "/v1/notices", k, nil); r.Status != 200 {
			t.Fatalf("the key stopped working after refused revocations: %d", r.Status)
		}

		// Revoked: refused with key_revoked; revoking again is a 204 that changes nothing.
		if st := e.revoke(t, a, id, aAdmin); st != 204 {
			t.Fatalf("revoke: %d", st)
		}
		if r := e.do(t, "GET", "/v1/notices", k, nil); r.Status != 401 || code(t, r) != "key_revoked" {
			t.Errorf("a revoked key: %d %s, want 401 key_revoked", r.Status, r.Body)
		}
		_, _, revoked, _ := e.listed(t, a, aAdmin, id)
		if revoked == nil || !revoked.Equal(clk.Now()) {
			t.Errorf("revoked_at = %v, want %v", revoked, clk.Now())
		}
		clk.Advance(time.Minute)
		if st := e.revoke(t, a, id, aAdmin); st != 204 {
			t.Errorf("revoking twice: %d, want 204", st)
		}
		if _, _, again, _ := e.listed(t, a, aAdmin, id); again == nil || !again.Equal(*revoked) {
			t.Errorf("revoking twice moved revoked_at from %v to %v", revoked, again)
		}
		if r := e.do(t, "DELETE", "/v1/orgs/"+a+"/keys/key_nosuch", aAdmin, nil); r.Status != 404 {
			t.Errorf("revoking an unknown key: %d, want 404", r.Status)
		}
		if r := e.json(t, "POST", "/v1/orgs/"+a+"/keys/"+id+"/rotate", aAdmin, map[string]string{"overlap": "1h"}); r.Status != 409 || code(t, r) != "key_not_live" {
			t.Errorf("rotating a revoked key: %d %s, want 409 key_not_live", r.Status, r.Body)
		}

		// Unknown: unknown_key.
		if r := e.do(t, "GET", "/v1/notices", "sgp_"+k[4:10]+"nosuchkeynosuchkeynosuchkeynosuchkeyx", nil); r.Status != 401 || code(t, r) != "unknown_key" {
			t.Errorf("an unknown key: %d %s, want 401 unknown_key", r.Status, r.Body)
		}

		// Expiring: works until expires_at, then key_expired.
		until := clk.Now().Add(time.Hour)
		eid, ek := e.newKey(t, a, e.admin, map[string]string{"role": "auditor", "expires_at": until.Format(time.RFC3339)})
		if _, _, _, expires := e.listed(t, a, aAdmin, eid); expires == nil || !expires.Equal(until) {
			t.Errorf("expires_at listed as %v, want %v", expires, until)
		}
		if r := e.do(t, "GET", "/v1/notices", ek, nil); r.Status != 200 {
			t.Errorf("an expiring key before its end: %d %s", r.Status, r.Body)
		}
		clk.Advance(time.Hour)
		if r := e.do(t, "GET", "/v1/notices", ek, nil); r.Status != 401 || code(t, r) != "key_expired" {
			t.Errorf("an expired key: %d %s, want 401 key_expired", r.Status, r.Body)
		}

		// Rotated: the new key has the role; the old one works for the overlap, then expires.
		oid, ok := e.newKey(t, a, aAdmin, map[string]string{"role": "authority"})
		r := e.json(t, "POST", "/v1/orgs/"+a+"/keys/"+oid+"/rotate", aAdmin, map[string]string{"overlap": "2h"})
		var rot struct {
			ID           string    `json:"id"`
			Key          string    `json:"key"`
			Role         string    `json:"role"`
			Replaces     string    `json:"replaces"`
			OldExpiresAt time.Time `json:"old_expires_at"`
		}
		r.decode(t, &rot)
		if r.Status != 201 || rot.Role != "authority" || rot.Replaces != oid || !rot.OldExpiresAt.Equal(clk.Now().Add(2*time.Hour)) || rot.Key == "" {
			t.Fatalf("rotate: %d %s", r.Status, r.Body)
		}
		for _, key := range []string{ok, rot.Key} {
			if r := e.do(t, "GET", "/v1/notices", key, nil); r.Status != 200 {
				t.Errorf("during the overlap: %d %s", r.Status, r.Body)
			}
		}
		clk.Advance(2 * time.Hour)
		if r := e.do(t, "GET", "/v1/notices", ok, nil); r.Status != 401 || code(t, r) != "key_expired" {
			t.Errorf("the old key after the overlap: %d %s, want key_expired", r.Status, r.Body)
		}
		if r := e.do(t, "GET", "/v1/notices", rot.Key, nil); r.Status != 200 {
			t.Errorf("the new key after the overlap: %d %s", r.Status, r.Body)
		}
	})
}

func TestKeyBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e, _ := newClockEnv(t, eng)
		a := e.org(t, "Kominfo", "authority")
		id, _ := e.newKey(t, a, e.admin, map[string]string{"role": "authority"})
		tests := []struct {
			name, method, path string
			body               any
			status             int
			field, code        string
		}{
			{"expires_at in the past", "POST", "/keys", map[string]string{"role": "authority", "expires_at": "2026-11-30T00:00:00Z"}, 422, "expires_at", "in_past"},
			{"expires_at now", "POST", "/keys", map[string]string{"role": "authority", "expires_at": "2026-12-01T03:00:00Z"}, 422, "expires_at", "in_past"},
			{"malformed expires_at", "POST", "/keys", map[string]string{"role": "authority", "expires_at": "tomorrow"}, 422, "expires_at", "invalid"},
			{"expires_at not a string", "POST", "/keys", map[string]any{"role": "authority", "expires_at": 5}, 422, "expires_at", "wrong_type"},
			{"role not fitting the org", "POST", "/keys", map[string]string{"role": "reviewer"}, 422, "role", "role_mismatch"},
			{"bad overlap", "POST", "/keys/" + id + "/rotate", map[string]string{"overlap": "forever"}, 422, "overlap", "invalid"},
			{"negative overlap", "POST", "/keys/" + id + "/rotate", map[string]string{"overlap": "-1h"}, 422, "overlap", "invalid"},
			{"overlap past 30 days", "POST", "/keys/" + id + "/rotate", map[string]string{"overlap": "721h"}, 422, "overlap", "invalid"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before, err := e.srv.DB.Keys(t.Context(), a)
				if err != nil {
					t.Fatal(err)
				}
				r := e.json(t, tc.method, "/v1/orgs/"+a+tc.path, e.admin, tc.body)
				if r.Status != tc.status || !r.problem(t).hasError(tc.field, tc.code) {
					t.Errorf("%d %s, want %d with %s %s", r.Status, r.Body, tc.status, tc.field, tc.code)
				}
				after, _ := e.srv.DB.Keys(t.Context(), a)
				if fmt.Sprint(before) != fmt.Sprint(after) {
					t.Errorf("a refused request changed the keys: %v -> %v", before, after)
				}
			})
		}
	})
}

// auditItem is one item of GET /v1/audit.
type auditItem struct {
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	OrgID    string    `json:"org_id"`
	LogIndex int64     `json:"log_index"`
}

// audit reads every page of GET /v1/audit with query as holder.
func (e *env) audit(t *testing.T, holder, query string) []auditItem {
	t.Helper()
	var all []auditItem
	cursor := ""
	for range 100 {
		r := e.do(t, "GET", "/v1/audit?limit=3"+query+cursor, holder, nil).want(t, 200, "GET /v1/audit")
		var page struct {
			Items      []auditItem `json:"items"`
			NextCursor string      `json:"next_cursor"`
		}
		r.decode(t, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		cursor = "&cursor=" + page.NextCursor
	}
	t.Fatal("GET /v1/audit pages without end")
	return nil
}

func TestAuditRecord(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e, clk := newClockEnv(t, eng)
		start := clk.Now()
		ctx := t.Context()
		adminID := ""
		var me struct {
			KeyID string `json:"key_id"`
		}
		e.do(t, "GET", "/v1/me", e.admin, nil).decode(t, &me)
		adminID = me.KeyID

		clk.Advance(time.Hour)
		a := e.org(t, "Kominfo", "authority")
		f := e.org(t, "Mafindo", "flagger") // its trust is set active too
		aAdmin := e.key(t, a, "admin")
		var aAdminID string
		e.do(t, "GET", "/v1/me", aAdmin, nil).decode(t, &me)
		aAdminID = me.KeyID
		kid, _ := e.newKey(t, a, aAdmin, map[string]string{"role": "authority"})
		if r := e.json(t, "POST", "/v1/orgs/"+a+"/keys/"+kid+"/rotate", aAdmin, map[string]string{}); r.Status != 201 {
			t.Fatalf("rotate: %d %s", r.Status, r.Body)
		}
		if st := e.revoke(t, a, kid, aAdmin); st != 204 {
			t.Fatalf("revoke: %d", st)
		}
		r := e.json(t, "POST", "/v1/orgs/"+a+"/users", aAdmin, map[string]string{"email": "analis@kominfo.example", "role": "authority"})
		var u struct{ ID string }
		r.decode(t, &u)
		for _, step := range []struct{ method, path string }{
			{"POST", "/disable"}, {"POST", "/enable"}, {"POST", "/totp/reset"}, {"POST", "/reset"},
		} {
			if r := e.do(t, step.method, "/v1/orgs/"+a+"/users/"+u.ID+step.path, aAdmin, nil); r.Status != 200 {
				t.Fatalf("%s %s: %d %s", step.method, step.path, r.Status, r.Body)
			}
		}
		if r := e.json(t, "PATCH", "/v1/orgs/"+a+"/users/"+u.ID, aAdmin, map[string]string{"role": "auditor"}); r.Status != 200 {
			t.Fatalf("role change: %d %s", r.Status, r.Body)
		}
		if r := e.json(t, "PUT", "/v1/webhook", aAdmin, map[string]string{"url": "https://hooks.kominfo.example/sigap"}); r.Status != 200 {
			t.Fatalf("webhook: %d %s", r.Status, r.Body)
		}
		r = e.json(t, "POST", "/v1/contacts", e.admin, map[string]any{"jurisdiction": "ID", "role": "legal_representative", "name": "Legal", "email": "legal@platform.example"})
		var c struct{ ID string }
		r.decode(t, &c)
		if r.Status != 201 {
			t.Fatalf("contact: %d %s", r.Status, r.Body)
		}
		if st := e.del(t, "/v1/contacts/"+c.ID, e.admin); st != 204 {
			t.Fatalf("remove contact: %d", st)
		}

		want := []struct{ actor, action, object string }{
			{adminID, "org.created", a},
			{adminID, "org.created", f},
			{adminID, "trust.changed", f},
			{adminID, "key.created", aAdminID},
			{aAdminID, "key.created", kid},
			{aAdminID, "key.created", ""}, // the rotation's new key
			{aAdminID, "key.rotated", kid},
			{aAdminID, "key.revoked", kid},
			{aAdminID, "user.created", u.ID},
			{aAdminID, "user.disabled", u.ID},
			{aAdminID, "user.enabled", u.ID},
			{aAdminID, "user.totp_reset", u.ID},
			{aAdminID, "user.password_reset", u.ID},
			{aAdminID, "user.role_changed", u.ID},
			{aAdminID, "webhook.set", a},
			{adminID, "contact.added", c.ID},
			{adminID, "contact.removed", c.ID},
		}
		// From the hour on: what the first start did (the platform org and its key) is before it.
		items := e.audit(t, e.admin, "&from="+start.Add(time.Hour).Format(time.RFC3339))
		if len(items) != len(want) {
			t.Fatalf("%d audit items, want %d: %+v", len(items), len(want), items)
		}
		for i, w := range want {
			got := items[len(items)-1-i] // newest first
			if got.Actor != w.actor || got.Action != w.action || (w.object != "" && got.Object != w.object) || !got.At.Equal(clk.Now()) {
				t.Errorf("item %d = %+v, want %+v at %v", i, got, w, clk.Now())
			}
			if i > 0 && got.LogIndex <= items[len(items)-i].LogIndex {
				t.Errorf("item %d has log index %d, not after %d", i, got.LogIndex, items[len(items)-i].LogIndex)
			}
		}
		all := e.audit(t, e.admin, "")
		if len(all) != len(want)+2 || all[len(all)-1].Action != "org.created" || all[len(all)-1].Actor != "system" {
			t.Errorf("the whole record has %d items ending %+v; want the first start's org and key by system first", len(all), all[len(all)-1])
		}
		if got := e.audit(t, e.admin, "&to="+start.Add(time.Hour).Format(time.RFC3339)); len(got) != 2 {
			t.Errorf("before the hour: %d items, want the first start's 2", len(got))
		}

		// An org's admin and auditor read the entries about their org, no others.
		aAuditor := e.key(t, a, "auditor")
		for _, holder := range []string{aAdmin, aAuditor} {
			for _, it := range e.audit(t, holder, "") {
				if it.OrgID != a {
					t.Errorf("an org's key reads an entry of org %q: %+v", it.OrgID, it)
				}
			}
		}
		if r := e.do(t, "GET", "/v1/audit", e.key(t, a, "authority"), nil); r.Status != 403 {
			t.Errorf("an authority key reads the audit record: %d", r.Status)
		}
		for _, q := range []string{"?from=yesterday", "?to=1", "?cursor=abc", "?cursor=-3", "?limit=0"} {
			if r := e.do(t, "GET", "/v1/audit"+q, e.admin, nil); r.Status != 422 {
				t.Errorf("GET /v1/audit%s: %d %s, want 422", q, r.Status, r.Body)
			}
		}

		// Each item is the log's entry at its index: the signed tree holds it.
		if _, err := e.srv.TransLog.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		cr := e.do(t, "GET", "/v1/log/checkpoint", "", nil)
		kr := e.do(t, "GET", "/v1/log/key", "", nil)
		v, err := note.NewVerifier(string(bytes.TrimSpace(kr.Body)))
		if err != nil {
			t.Fatal(err)
		}
		cp, err := translog.OpenCheckpoint(cr.Body, v)
		if err != nil {
			t.Fatalf("checkpoint: %v\n%s", err, cr.Body)
		}
		eb := e.raw(t, "/v1/log/tile/entries/000.p/"+strconv.FormatInt(cp.Size, 10), "/v1/log/tile/entries/{N...}")
		entries, err := translog.DecodeBundle(eb.Body)
		if err != nil || int64(len(entries)) != cp.Size {
			t.Fatalf("entries tile: %d entries, %v; checkpoint of %d", len(entries), err, cp.Size)
		}
		rows := map[int64]store.LoggedEvent{}
		if err := e.srv.DB.EachLoggedEvent(ctx, func(ev store.LoggedEvent) error { rows[ev.LogIndex] = ev; return nil }); err != nil {
			t.Fatal(err)
		}
		for _, it := range all {
			row, ok := rows[it.LogIndex]
			if !ok || it.LogIndex >= cp.Size {
				t.Errorf("%+v: no log entry at its index in a tree of %d", it, cp.Size)
				continue
			}
			var data struct{ Actor, Action, Object string }
			if err := json.Unmarshal([]byte(row.Leaf.Data), &data); err != nil || row.Leaf.Type != "audit" || data.Action != it.Action ||
				data.Actor != it.Actor || data.Object != it.Object {
				t.Errorf("%+v: the log entry at its index is %+v (%v)", it, row.Leaf, err)
			}
			commit, err := leaf.Commit(row.Salt, row.Leaf)
			if err != nil || !bytes.Equal(commit, entries[it.LogIndex]) {
				t.Errorf("%+v: the tile's entry is not the commitment of the audit event (%v)", it, err)
			}
		}
	})
}
