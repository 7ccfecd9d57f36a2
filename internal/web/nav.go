package web

import (
	"strings"
)

// navLink is one entry of the portal's menu: where it goes, its catalogue
// key, and who sees it (nil: everyone signed in).
type navLink struct {
	Href, Label string
	Show        func(q *req) bool
}

// navGroup is a task the menu gathers pages under; a group without a label
// stands as plain links at the head of the menu.
type navGroup struct {
	Label string
	Links []navLink
}

// navTable is the portal's menu, grouped by the task a person comes to do.
// A new page gets a line in the group of its task (and its label in both
// catalogues); the layout, the current-page mark and the tests follow from
// this table alone.
func navTable() []navGroup {
	return []navGroup{
		{"", []navLink{{"/dashboard", "nav.dashboard", nil}}},
		{"nav.group.intake", []navLink{
			{"/notices", "nav.notices", nil},
			{"/notices/new", "nav.new_notice", (*req).CanFile},
			{"/contacts", "nav.contacts", (*req).CanReadContacts},
		}},
		{"nav.group.review", []navLink{
			{"/review", "rv.nav.queue", (*req).CanReadReview},
			{"/review/approvals", "rv.nav.approvals", (*req).CanReadReview},
			{"/review/appeals", "rv.nav.appeals", (*req).CanReadReview},
			{"/escalations", "nav.escalations", (*req).CanReadEscalations},
		}},
		{"nav.group.filtering", []navLink{
			{"/banks", "nav.banks", (*req).CanReadFilters},
			{"/lists", "nav.lists", (*req).CanReadFilters},
			{"/hits", "nav.hits", (*req).CanReadFilters},
			{"/incidents", "nav.incidents", (*req).CanReadFilters},
			{"/exchange", "nav.exchange", (*req).CanReadFilters},
		}},
		{"nav.group.accountability", []navLink{
			{"/transparency", "nav.transparency", nil},
			{"/evidence", "nav.evidence", (*req).CanReadEvidence},
			{"/outbox", "nav.outbox", (*req).CanReadOutbox},
			{"/trust", "nav.trust", (*req).IsFlagger},
			{"/audit", "nav.audit", (*req).CanReadAudit},
		}},
		{"nav.group.admin", []navLink{
			{"/admin", "nav.orgs", (*req).IsAdmin},
			{"/flaggers", "nav.flaggers", (*req).CanReadRegistry},
			{"/admin/sso", "nav.sso", func(q *req) bool { return q.IsPlatform() && q.IsAdmin() }},
		}},
	}
}

// navShown is a menu group as one user sees it on one page.
type navShown struct {
	Label   string
	Current bool
	Links   []navLinkShown
}

type navLinkShown struct {
	Href, Label string
	Current     bool
}

// menu is the menu q's user sees on the page at uri: only the groups with
// a link for them, the current page's link and group marked. The current
// link is the one whose path is the longest prefix of the page's, so a
// case page marks the queue and /review/approvals marks itself.
func menu(q *req, uri string) []navShown {
	if q == nil || q.User == nil {
		return nil
	}
	path, _, _ := strings.Cut(uri, "?")
	best := ""
	for _, g := range navTable() {
		for _, l := range g.Links {
			if (l.Show == nil || l.Show(q)) && under(path, l.Href) && len(l.Href) > len(best) {
				best = l.Href
			}
		}
	}
	var out []navShown
	for _, g := range navTable() {
		s := navShown{Label: g.Label}
		for _, l := range g.Links {
			if l.Show != nil && !l.Show(q) {
				continue
			}
			cur := l.Href == best
			s.Current = s.Current || cur
			s.Links = append(s.Links, navLinkShown{Href: l.Href, Label: l.Label, Current: cur})
		}
		switch {
		case len(s.Links) == 1:
			// A task with one page for this user is that page, not a menu of one.
			s.Label = ""
			out = append(out, s)
		case len(s.Links) > 1:
			out = append(out, s)
		}
	}
	return out
}

// under reports whether path is href or a page below it.
func under(path, href string) bool {
	return path == href || strings.HasPrefix(path, href+"/")
}
