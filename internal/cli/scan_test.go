package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/config"
)

// TestScanFile sends a file of more than two batches with blank and bad
// lines: every post is answered once, under the number of its line in the
// file, and the bad ones make the command fail with their count.
func TestScanFile(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, config.Config{})
	var b strings.Builder
	want := map[int]bool{} // file line → a bad line
	line := 0
	for i := range 1201 {
		line++
		switch {
		case i == 700:
			b.WriteString("\n") // blank: no answer
			continue
		case i%400 == 399:
			b.WriteString(`{"channel":"scanchan","message_id":` + "\n")
			want[line] = true
			continue
		}
		fmt.Fprintf(&b, `{"channel":"scanchan","message_id":%d,"text":"kabar hari ini %s"}`+"\n", i+1, strings.Repeat("cerah ", 100))
		want[line] = false
	}
	file := filepath.Join(t.TempDir(), "posts.ndjson")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := run(t, "scan", "--server", ts.URL, "--key", s.AdminKey, file)
	if code != 1 || !strings.Contains(stderr, "3 posts were refused") {
		t.Fatalf("scan: exit %d, stderr %s", code, stderr)
	}
	got := map[int]bool{}
	for l := range strings.Lines(out) {
		var a struct {
			Line  int             `json:"line"`
			Post  string          `json:"post"`
			Error json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("answer %q: %v", l, err)
		}
		if _, dup := got[a.Line]; dup {
			t.Fatalf("line %d answered twice", a.Line)
		}
		got[a.Line] = a.Error != nil
		// The post on line l has message ID l.
		if a.Error == nil && a.Post != fmt.Sprintf("telegram:message/scanchan/%d", a.Line) {
			t.Errorf("line %d answered for %s", a.Line, a.Post)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d answers, want %d", len(got), len(want))
	}
	for l, bad := range want {
		if g, ok := got[l]; !ok || g != bad {
			t.Errorf("line %d: answered %v, error %v; want error %v", l, ok, g, bad)
		}
	}
}
