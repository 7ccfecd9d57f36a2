package report

import (
	"embed"

	"github.com/sigap/sigap/internal/i18n"
)

// messageFiles is the report page's own catalogue, in the languages and the
// file layout of internal/i18n (messages/<lang>/report.yaml). Labels of
// values the rest of sigap already translates (categories, notice kinds and
// statuses) come from the shared catalogue when this one lacks them.
//
//go:embed messages
var messageFiles embed.FS

// messages is messageFiles, read on first use.
var messages = i18n.Embedded(messageFiles)

// T returns the report catalogue's text for key in lang (Indonesian for an
// unknown language), formatted with args; a key missing from it comes from
// the shared catalogue, and a key missing from both shows as itself.
func T(lang, key string, args ...any) string {
	if msg, ok := messages.Text(lang, key, args...); ok {
		return msg
	}
	if i18n.Has(lang, key) {
		return i18n.T(lang, key, args...)
	}
	return key
}

// has reports whether key has a text in lang, here or in the shared catalogue.
func has(lang, key string) bool {
	return messages.Has(lang, key) || i18n.Has(lang, key)
}

// label translates an enumerated value under prefix, showing it raw when no catalogue knows it.
func label(lang, prefix, v string) string {
	if has(lang, prefix+"."+v) {
		return T(lang, prefix+"."+v)
	}
	return v
}
