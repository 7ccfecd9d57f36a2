package i18n

// englishPortal holds the English text of the portal's menu, dashboards,
// pagers and layouts (issue 19), kept apart from the main catalogue so the
// helpers that add pages beside it merge cleanly.
var englishPortal = map[string]string{
	"nav.group.intake": "Intake", "nav.group.review": "Review", "nav.group.filtering": "Filtering",
	"nav.group.accountability": "Accountability", "nav.group.admin": "Administration",
	"nav.orgs": "Organisations and people", "nav.sso": "Single sign-on", "nav.current": "(current page)",
	"who.nobody": "nobody", "who.system": "sigap itself", "who.key": "API key",
	"date.placeholder": "YYYY-MM-DD", "date.hint": "A date as year-month-day, for example 2026-11-27.",
	"date.time_placeholder": "YYYY-MM-DD HH:MM", "date.time_hint": "A date, and a time if you want one, as year-month-day hour:minute in UTC, for example 2026-12-31 00:00.",
	"rv.decide.heading": "Decide this case", "event.status_to": "status changed to %s",
	"act_state.pending": "waiting to be sent", "act_state.sent": "sent, awaiting confirmation", "act_state.executed": "carried out", "act_state.failed": "delivery failed",
	"tf.authority_unenrolled": "government authority (not in the flagger programme)",
	"table.scroll":            "Table (scrolls sideways on a narrow screen)",
	"dash.chart.status":       "Notices by status", "dash.chart.status_alt": "The same figures as the counts above, as bars.",
	"dash.chart.on_time": "Share closed within the deadline, by month", "dash.chart.on_time_alt": "Of the notices due in each month and closed, the share closed by their deadline.",
	"dash.chart.breaches": "Deadlines missed, by month (closed late or still open past the deadline)",
	"dash.chart.figures":  "The figures behind the chart", "dash.month_col": "Month (WIB)", "dash.late": "Closed late",
	"dash.chart.queue": "The queue by lane and time left", "dash.chart.hits": "Scan hits per hour, last 24 hours",
	"dash.chart.hits_alt": "%d hits in the last 24 hours; hours in WIB.", "dash.hour": "Hour",
	"dash.q.overdue": "past the deadline", "dash.q.hour": "within 1 hour", "dash.q.four": "1 to 4 hours", "dash.q.day": "4 to 24 hours", "dash.q.later": "more than a day",
	"notice.timeline_search": "Search the timeline (a case ID or an event)", "notice.timeline_matched": "%d events match “%s”.",
	"flt.hits.search": "Search the hits (a post, channel or matched text)",
}
