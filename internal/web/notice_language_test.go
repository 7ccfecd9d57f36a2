package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

// TestNewNoticeLanguageIsNotTheInterfaces holds that the new-notice form
// leaves the content's language empty for the sender, in either interface
// language, instead of filling in the language the portal speaks.
func TestNewNoticeLanguageIsNotTheInterfaces(t *testing.T) {
	t.Parallel()
	e := sqliteEnv(t)
	c := signedIn(t, e, e.authority, "ana@kominfo.go.id", org.RoleAuthority)
	for _, lang := range []string{"id", "en"} {
		c.lang = lang
		r := c.get("/notices/new")
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", lang, r.status)
		}
		if !strings.Contains(r.body, `<html lang="`+lang+`"`) || !strings.Contains(r.body, `<input id="language" name="language" value=""`) {
			t.Errorf("%s: the language field is filled in: %s", lang, r.body[strings.Index(r.body, `id="language"`):][:80])
		}
	}
}
