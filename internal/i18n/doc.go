// Package i18n holds the portal's message catalogues, Bahasa Indonesia and
// English, read from the YAML files under messages/, and picks a language
// for a request.
package i18n
