package web_test

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// stable replaces what changes from run to run (random IDs, ports, key IDs, hashes of random inputs).
var unstable = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b(ntc|case|org|usr|key)_[0-9a-z]{24}\b`), "${1}_ID"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "HOST"},
	{regexp.MustCompile(`ed25519-[0-9a-f]+`), "ed25519-KEY"},
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	for _, u := range unstable {
		got = u.re.ReplaceAllString(got, u.with)
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; if the change is intended run go test ./internal/web -run Golden -update\n--- got ---\n%s", path, got)
	}
}

func TestGoldenPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Engine{Name: "sqlite", Dir: t.TempDir()})
	_, secret := e.user(e.authority, "ana@kominfo.go.id", org.RoleAuthority, true)
	c := e.client()
	golden(t, "login_id", c.get("/login").body)
	c.lang = "en"
	golden(t, "login_en", c.get("/login").body)
	c.lang = "id"
	c.signIn("ana@kominfo.go.id", secret)
	id := fileNotice(t, c)
	golden(t, "notice_id", c.get("/notices/"+id).body)
	golden(t, "dashboard_id", c.get("/dashboard").body)
}

// TestTemplatesHoldNoText checks every word a person reads comes from the
// catalogues: templates hold markup and actions only.
func TestTemplatesHoldNoText(t *testing.T) {
	t.Parallel()
	action := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tag := regexp.MustCompile(`(?s)<[^>]*>`)
	entity := regexp.MustCompile(`&[a-z]+;`)
	letters := regexp.MustCompile(`\p{L}{2,}`)
	key := regexp.MustCompile(`\{\{[^}]*\bt "([a-z_.0-9]+)"`)
	err := fs.WalkDir(os.DirFS("templates"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join("templates", p))
		if err != nil {
			return err
		}
		s := string(b)
		for _, m := range key.FindAllStringSubmatch(s, -1) {
			for _, l := range i18n.Langs {
				if !i18n.Has(l, m[1]) {
					t.Errorf("%s uses key %q, missing from the %s catalogue", p, m[1], l)
				}
			}
		}
		rest := entity.ReplaceAllString(tag.ReplaceAllString(action.ReplaceAllString(s, " "), " "), " ")
		if w := letters.FindString(rest); w != "" {
			t.Errorf("%s has text outside the catalogues: %q", p, strings.TrimSpace(w))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
