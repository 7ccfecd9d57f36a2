package web

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"
	"unicode/utf8"
)

// FuzzEventField: an event's data of any shape gives a string or "", never
// a panic; a status written as a JSON string comes back as written.
func FuzzEventField(f *testing.F) {
	for _, s := range []string{`{"status":"actioned","action_id":"act_1"}`, `{"status":1}`, `null`, `[]`, `{"status":`, ``, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := eventField(json.RawMessage(data), "status")
		var m map[string]any
		if json.Unmarshal(data, &m) == nil {
			if s, ok := m["status"].(string); ok && got != s {
				t.Fatalf("eventField(%q) = %q, want %q", data, got, s)
			}
		}
	})
}

// FuzzSearchText: any query gives a valid, bounded search text.
func FuzzSearchText(f *testing.F) {
	for _, s := range []string{"kanal", "  spaced  ", "%_\\", "\xff\xfe", string(make([]byte, 600))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r := httptest.NewRequest("GET", "/hits?q="+url.QueryEscape(q), nil)
		got := searchText(r)
		if len(got) > maxSearch {
			t.Fatalf("search of %d bytes kept, bound %d", len(got), maxSearch)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("search %q kept broken UTF-8: %q", q, got)
		}
	})
}
