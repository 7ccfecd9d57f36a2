package httpapi_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestListExportRoundTrip exports a list with its provenance, imports the
// document into another list as it is, and gets the same rules and sources.
func TestListExportRoundTrip(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		kw := e.mkSet(t, "/v1/lists", map[string]any{"name": "kw", "kind": "keyword", "policy": "shadow"})
		want := map[string]string{"granat rakitan": "BNPT list 2026-11", "senjata api": "", "bom panci": "case review"}
		for v, src := range want {
			e.addEntry(t, "/v1/lists/"+kw.ID+"/entries", map[string]any{"value": v, "source": src})
		}
		r := e.do(t, "GET", "/v1/lists/"+kw.ID+"/export", e.admin, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("export: %d %s", r.Status, r.Body)
		}
		var doc struct {
			List    struct{ ID, Kind string }
			Entries []struct {
				Value, Source string
				AddedBy       struct {
					OrgID string `json:"org_id"`
				} `json:"added_by"`
			}
		}
		if err := json.Unmarshal(r.Body, &doc); err != nil || doc.List.ID != kw.ID || doc.List.Kind != "keyword" || len(doc.Entries) != 3 {
			t.Fatalf("export document: %v %s", err, r.Body)
		}
		for _, en := range doc.Entries {
			if src, ok := want[en.Value]; !ok || en.Source != src || en.AddedBy.OrgID == "" {
				t.Errorf("exported entry %+v", en)
			}
		}

		// The document goes back in as it is, here the way curl -d sends it
		// (application/x-www-form-urlencoded), and the sources stay.
		other := e.mkSet(t, "/v1/lists", map[string]any{"name": "copy", "kind": "keyword", "policy": "shadow"})
		r2 := e.do(t, "POST", "/v1/lists/"+other.ID+"/import", e.admin, r.Body, "Content-Type", "application/x-www-form-urlencoded")
		if r2.Status != 200 || !strings.Contains(string(r2.Body), `"added":3`) {
			t.Fatalf("import of the export: %d %s", r2.Status, r2.Body)
		}
		r3 := e.do(t, "GET", "/v1/lists/"+other.ID+"/export", e.admin, nil)
		var back struct {
			Entries []struct{ Value, Source string }
		}
		if err := json.Unmarshal(r3.Body, &back); err != nil || len(back.Entries) != 3 {
			t.Fatalf("export of the copy: %v %s", err, r3.Body)
		}
		for _, en := range back.Entries {
			if src, ok := want[en.Value]; !ok || en.Source != src {
				t.Errorf("copied entry %+v, want source %q", en, src)
			}
		}

		// Plain text: the values, which the import reads back.
		r4 := e.do(t, "GET", "/v1/lists/"+kw.ID+"/export?format=text", e.admin, nil)
		var values []string
		for l := range strings.Lines(string(r4.Body)) {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				values = append(values, l)
			}
		}
		slices.Sort(values)
		if r4.Status != 200 || !slices.Equal(values, []string{"bom panci", "granat rakitan", "senjata api"}) {
			t.Errorf("text export: %d %q", r4.Status, r4.Body)
		}

		// Bad input and the wrong callers.
		_, authority := e.member(t, "Kominfo", "authority")
		for _, tc := range []struct {
			name, path, key string
			status          int
		}{
			{"unknown format", "/v1/lists/" + kw.ID + "/export?format=xml", e.admin, 400},
			{"no such list", "/v1/lists/lst_nope/export", e.admin, 404},
			{"an authority", "/v1/lists/" + kw.ID + "/export", authority, 403},
			{"no key", "/v1/lists/" + kw.ID + "/export", "", 401},
		} {
			if r := e.do(t, "GET", tc.path, tc.key, nil); r.Status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
			}
		}
		// A JSON document with a field no export has is refused whole.
		if r := e.do(t, "POST", "/v1/lists/"+other.ID+"/import", e.admin, []byte(`{"entries":[{"value":"ranjau darat","weight":3}]}`)); r.Status != 422 && r.Status != 400 {
			t.Errorf("import with an unknown field: %d %s", r.Status, r.Body)
		}
	})
}
