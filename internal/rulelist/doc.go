// Package rulelist holds what is particular to rule lists, the
// filterset.Kind for proactive filtering by text and link: keyword and
// phrase lists, regular-expression lists, link lists (domains with their
// subdomains, exact URLs, Telegram channels and messages) and near-duplicate
// lists (full texts of removed content). Every rule is checked at load with
// the same compilers the scanner uses, so a rule that is malformed,
// pathological or would match everything is refused with a 422 naming it
// and never reaches a matcher snapshot; MatchKey says which rules are one
// rule written twice. Lists import and export plain text and JSON. The
// service they share with hash banks is internal/filterset.
package rulelist
