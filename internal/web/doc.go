// Package web is sigap's server-rendered portal: sign-in with a second factor,
// the authority's dashboard, notice form, notice pages and the admin pages, in
// Bahasa Indonesia and English, working without JavaScript.
package web
