// Package rulelist manages rule lists for proactive filtering: keyword and
// phrase lists, regular-expression lists, link lists (domains with their
// subdomains, exact URLs, Telegram channels and messages) and near-duplicate
// lists (full texts of removed content), each with a policy, labels, a
// language, a roll-out fraction and provenance per entry. Every entry is
// checked at load with the same compilers the scanner uses, so a rule that
// is malformed, pathological or would match everything is refused with a
// 422 naming it and never reaches a matcher snapshot.
package rulelist
