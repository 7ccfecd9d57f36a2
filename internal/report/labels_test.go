package report_test

import (
	"testing"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/report"
)

// TestSharedVocabularyLabelled checks that every source (the notice kinds and
// automated) and every action a report counts reads as words in both languages.
func TestSharedVocabularyLabelled(t *testing.T) {
	t.Parallel()
	var keys []string
	for _, s := range report.Sources {
		keys = append(keys, "source."+s)
	}
	for _, a := range append(action.Decisions(), action.Restore) {
		keys = append(keys, "action."+a)
	}
	for _, lang := range i18n.Langs {
		for _, key := range keys {
			t.Run(lang+"/"+key, func(t *testing.T) {
				t.Parallel()
				if got := report.T(lang, key); got == key || got == "" {
					t.Errorf("T(%s, %q) = %q: no label", lang, key, got)
				}
			})
		}
	}
}
