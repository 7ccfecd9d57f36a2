package cli

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
)

func TestExportCommands(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, config.Config{})
	url, key := ts.URL, authorityKey(t, s)
	if _, stderr, code := run(t, "notice", "submit", "--server", url, "--key", key, "--kind", "order", "--category", "terrorism",
		"--explanation", "Propaganda", "--legal-basis", "UU ITE Pasal 40", "--reference", "SP-1", "https://t.me/exportchan/1"); code != 0 {
		t.Fatalf("submit: %d %s", code, stderr)
	}
	day := time.Now().UTC().Format("2006-01-02")
	next := time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02")
	dir := t.TempDir()

	file := filepath.Join(dir, "ledger.csv")
	if _, stderr, code := run(t, "export", "saman-ledger", "--server", url, "--key", key, "--from", day, "--to", next, "--out", file); code != 0 {
		t.Fatalf("saman-ledger: %d %s", code, stderr)
	}
	f, _ := os.Open(file)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 2 || recs[1][1] != "SP-1" || !strings.HasSuffix(recs[1][10], "+07:00") {
		t.Fatalf("ledger CSV: %v %v", err, recs)
	}
	out, stderr, code := run(t, "export", "saman-ledger", "--server", url, "--key", key, "--from", day, "--to", next, "--format", "json")
	if code != 0 || !strings.Contains(out, `"reference": "SP-1"`) {
		t.Fatalf("saman-ledger json: %d %s %s", code, out, stderr)
	}

	out, stderr, code = run(t, "export", "dsa-sor", "--server", url, "--key", s.AdminKey, "--from", day, "--to", next,
		"--index", filepath.Join(dir, "index.csv"))
	if code != 0 || out != "" || !strings.Contains(stderr, "0 statements in 0 batches") {
		t.Fatalf("dsa-sor with nothing decided: %d %q %q", code, out, stderr)
	}
	if _, stderr, code = run(t, "export", "dsa-sor", "--server", url, "--key", s.AdminKey, "--from", next, "--to", day); code != 1 ||
		!strings.Contains(stderr, "400") || !strings.Contains(stderr, "must be before to") {
		t.Fatalf("period the wrong way round: %d %s", code, stderr)
	}
	if _, stderr, code = run(t, "export", "dsa-sor", "--server", url, "--key", key, "--from", day, "--to", next); code != 1 ||
		!strings.Contains(stderr, "403") {
		t.Fatalf("an authority exporting statements: %d %s", code, stderr)
	}
	if _, _, code = run(t, "export", "nothing"); code != 1 {
		t.Fatalf("unknown export: %d", code)
	}
}
