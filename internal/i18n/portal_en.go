package i18n

// englishPortal holds the English text of the portal's menu, dashboards,
// pagers and layouts (issue 19), kept apart from the main catalogue so the
// helpers that add pages beside it merge cleanly.
var englishPortal = map[string]string{
	"nav.group.intake": "Intake", "nav.group.review": "Review", "nav.group.filtering": "Filtering",
	"nav.group.accountability": "Accountability", "nav.group.admin": "Administration",
	"nav.orgs": "Organisations and people", "nav.sso": "Single sign-on", "nav.current": "(current page)",
}
