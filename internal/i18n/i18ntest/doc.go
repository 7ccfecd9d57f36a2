// Package i18ntest checks that templates take every word a reader sees from
// the catalogues, in every language, and hold markup and actions only.
package i18ntest
