package web_test

import (
	"flag"
	"regexp"
	"testing"

	goldenfile "github.com/sigap/sigap/internal/golden"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/i18n/i18ntest"
	"github.com/sigap/sigap/internal/org"
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
	goldenfile.Check(t, name, []byte(got), *update)
}

func TestGoldenPages(t *testing.T) {
	t.Parallel()
	e := sqliteEnv(t)
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
	i18ntest.TemplatesHoldNoText(t, "templates", i18n.Has)
}
