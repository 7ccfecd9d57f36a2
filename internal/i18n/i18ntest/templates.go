package i18ntest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/i18n"
)

// TemplatesHoldNoText fails t for each .html template below dir that uses a
// key has does not know in some language, or holds a word outside its
// actions, tags and entities.
func TemplatesHoldNoText(t *testing.T, dir string, has func(lang, key string) bool) {
	t.Helper()
	action := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tag := regexp.MustCompile(`(?s)<[^>]*>`)
	entity := regexp.MustCompile(`&[a-z]+;`)
	letters := regexp.MustCompile(`\p{L}{2,}`)
	key := regexp.MustCompile(`\{\{[^}]*\bt "([a-z_.0-9]+)"`)
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			return err
		}
		s := string(b)
		for _, m := range key.FindAllStringSubmatch(s, -1) {
			for _, l := range i18n.Langs {
				if !has(l, m[1]) {
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
