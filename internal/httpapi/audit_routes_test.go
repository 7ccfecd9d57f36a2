package httpapi_test

import (
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store/storetest"
)

func TestFilterSetChangesAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		e, clk := newClockEnv(t, eng)
		start := clk.Now()
		var me struct {
			KeyID string `json:"key_id"`
		}
		e.do(t, "GET", "/v1/me", e.admin, nil).decode(t, &me)
		made := func(path string, body map[string]any) string {
			t.Helper()
			r := e.json(t, "POST", path, e.admin, body)
			var v struct{ ID string }
			r.decode(t, &v)
			if r.Status != 201 || v.ID == "" {
				t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
			}
			return v.ID
		}
		clk.Advance(time.Hour)
		bank := made("/v1/banks", map[string]any{"name": "gifct", "policy": "review", "labels": []string{"terrorism"}})
		entry := made("/v1/banks/"+bank+"/entries", map[string]any{"type": "md5", "value": "0123456789abcdef0123456789abcdef", "source": "test"})
		if r := e.json(t, "PATCH", "/v1/banks/"+bank, e.admin, map[string]any{"policy": "shadow"}); r.Status != 200 {
			t.Fatalf("PATCH bank: %d %s", r.Status, r.Body)
		}
		if st := e.del(t, "/v1/banks/"+bank+"/entries/"+entry, e.admin); st != 204 && st != 200 {
			t.Fatalf("remove entry: %d", st)
		}
		list := made("/v1/lists", map[string]any{"name": "kw", "kind": "keyword", "policy": "shadow"})
		word := made("/v1/lists/"+list+"/entries", map[string]any{"value": "bom bunuh diri"})
		// A refused change is no entry.
		if r := e.json(t, "POST", "/v1/lists/"+list+"/entries", e.admin, map[string]any{"value": ""}); r.Status < 400 {
			t.Fatalf("an empty rule: %d", r.Status)
		}

		want := []struct{ action, object string }{
			{"bank.created", bank}, {"bank.entry_added", entry}, {"bank.changed", bank}, {"bank.entry_removed", entry},
			{"list.created", list}, {"list.entry_added", word},
		}
		items := e.audit(t, e.admin, "&from="+start.Add(time.Hour).Format(time.RFC3339))
		if len(items) != len(want) {
			t.Fatalf("%d audit items, want %d: %+v", len(items), len(want), items)
		}
		for i, w := range want {
			got := items[len(items)-1-i]
			if got.Action != w.action || got.Object != w.object || got.Actor != me.KeyID {
				t.Errorf("item %d = %+v, want %s of %s by %s", i, got, w.action, w.object, me.KeyID)
			}
		}
	})
}
