// Package web is sigap's server-rendered portal: sign-in with a second factor,
// the authority's dashboard, notice form, notice pages and the admin pages, in
// Bahasa Indonesia and English, working without JavaScript.
//
// Files follow the URL: an area (the first path segment, as the URL spells
// it: notices, review, transparency) has <area>.go with its first page and
// what its pages share, and <area>_<page>.go for each further page
// (notices_new.go for /notices/new, review_case.go for /review/cases/{id});
// tests sit beside as <file>_test.go, <file>_browser_test.go or
// <file>_golden_test.go. Plumbing no URL names (portal, render, session,
// links) keeps a plain noun.
package web
