package i18n

import (
	"slices"
	"sort"

	"golang.org/x/text/language"
)

// The portal's languages. Indonesian comes first: it is the default for a
// browser that states no preference, as most users are Indonesian officials.
const (
	ID = "id"
	EN = "en"
)

// Langs lists the supported languages, default first.
var Langs = []string{ID, EN}

// catalogue is messageFiles, read on first use.
var catalogue = Embedded(messageFiles)

var matcher = language.NewMatcher([]language.Tag{language.Indonesian, language.English})

// Valid reports whether lang is a supported language code.
func Valid(lang string) bool { return slices.Contains(Langs, lang) }

// Match picks the best supported language for an Accept-Language header.
func Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return ID
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return ID
	}
	return Langs[idx]
}

// T returns the message key in lang, formatted with args when there are any.
// A missing key shows as the key itself, so it is seen and fixed, not hidden.
func T(lang, key string, args ...any) string {
	if msg, ok := catalogue.Text(lang, key, args...); ok {
		return msg
	}
	return key
}

// Has reports whether lang's catalogue holds key.
func Has(lang, key string) bool {
	return catalogue.Has(lang, key)
}

// Keys lists a catalogue's keys in order.
func Keys(lang string) []string {
	cat := catalogue.load()[lang]
	keys := make([]string, 0, len(cat))
	for k := range cat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
