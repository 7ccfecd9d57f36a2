package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// CSVHeader is the first line of every CSV report. Each following line is one
// figure: the section it belongs to, the key within the section (a source,
// category, regime/class, org id... or empty), the metric, and its value.
// Loaded into a spreadsheet, a pivot on section and key rebuilds any table
// of the report.
var CSVHeader = []string{"section", "key", "metric", "value"}

// csvOut writes figures as section,key,metric,value lines.
type csvOut struct{ w *csv.Writer }

func (c csvOut) row(section, key, metric string, v any) {
	var s string
	switch x := v.(type) {
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		s = strconv.FormatBool(x)
	case time.Time:
		s = x.UTC().Format(time.RFC3339Nano)
	case string:
		s = x
	}
	_ = c.w.Write([]string{section, key, metric, s})
}

func (c csvOut) counts(section string, cs []Count) {
	for _, x := range cs {
		c.row(section, x.Key, "count", x.Count)
	}
}

func (c csvOut) dist(section, key string, d Distribution) {
	c.row(section, key, "count", d.Count)
	c.row(section, key, "median_seconds", d.MedianSeconds)
	c.row(section, key, "p90_seconds", d.P90Seconds)
	c.row(section, key, "min_seconds", d.MinSeconds)
	c.row(section, key, "max_seconds", d.MaxSeconds)
}

func (c csvOut) timing(section string, t Timing) {
	c.dist(section, "all", t.All)
	for _, d := range t.BySource {
		c.dist(section, d.Key, d)
	}
}

func (c csvOut) head(p Period, generated time.Time, s Scope) {
	c.row("report", "", "from", p.From)
	c.row("report", "", "to", p.To)
	c.row("report", "", "generated_at", generated)
	c.row("report", "", "platform", s.Platform)
	if !s.Platform {
		c.row("report", "", "org_id", s.OrgID)
		c.row("report", "", "org_name", s.OrgName)
	}
}

func (c csvOut) deadline(section string, d Deadline) {
	k := d.Regime + "/" + d.Class
	c.row(section, k, "notices", d.Notices)
	c.row(section, k, "on_time", d.OnTime)
	c.row(section, k, "late", d.Late)
	c.row(section, k, "overdue", d.Overdue)
	c.row(section, k, "open", d.Open)
	c.row(section, k, "on_time_share", d.OnTimeShare)
}

func (c csvOut) accuracy(section string, as []NotifierAccuracy) {
	for _, a := range as {
		c.row(section, a.OrgID, "name", a.Name)
		c.row(section, a.OrgID, "notices", a.Notices)
		c.row(section, a.OrgID, "decided", a.Decided)
		c.row(section, a.OrgID, "actioned", a.Actioned)
		c.row(section, a.OrgID, "rejected", a.Rejected)
		c.row(section, a.OrgID, "reversed", a.Reversed)
		c.row(section, a.OrgID, "precision", a.Precision)
		c.row(section, a.OrgID, "rejected_share", a.RejectedShare)
	}
}

// WriteCSV writes the report as section,key,metric,value lines (see CSVHeader).
func (r *Report) WriteCSV(w io.Writer) error {
	c := csvOut{csv.NewWriter(w)}
	_ = c.w.Write(CSVHeader)
	c.head(r.Period, r.GeneratedAt, r.Scope)
	n := r.Notices
	c.row("notices", "", "total", n.Total)
	c.row("notices", "", "subjects", n.Subjects)
	c.counts("notices_by_source", n.BySource)
	c.counts("notices_by_category", n.ByCategory)
	c.counts("notices_by_regime", n.ByRegime)
	c.counts("notices_by_jurisdiction", n.ByJurisdiction)
	c.counts("notices_by_status", n.ByStatus)
	c.counts("notices_by_outcome", n.ByOutcome)
	a := r.Actions
	c.row("decisions", "", "total", a.Decisions)
	c.row("decisions", "", "automated", a.AutomatedDecisions)
	c.row("decisions", "", "reversed", a.ReversedDecisions)
	c.counts("decisions_by_action", a.ByAction)
	c.counts("decisions_by_ground", a.ByGround)
	for _, x := range a.ByActionAndGround {
		c.row("decisions_by_action_and_ground", x.Action+"/"+x.Ground, "count", x.Count)
	}
	c.row("actions", "", "requested", a.Requested)
	c.row("actions", "", "executed", a.Executed)
	c.counts("actions_requested_by_state", a.RequestedByState)
	c.counts("actions_executed_by_action", a.ExecutedByAction)
	c.counts("actions_executed_by_source", a.ExecutedBySource)
	c.timing("time_to_acknowledgement", r.Times.ToAcknowledgement)
	c.timing("time_to_decision", r.Times.ToDecision)
	c.timing("time_to_action", r.Times.ToAction)
	for _, d := range r.Deadlines {
		c.deadline("deadlines", d)
	}
	d := r.Dialogue
	c.row("dialogue", "", "clarification_requests", d.ClarificationRequests)
	c.row("dialogue", "", "notices_with_clarification", d.NoticesWithClarification)
	c.row("dialogue", "", "messages_from_platform", d.MessagesFromPlatform)
	c.row("dialogue", "", "messages_from_notifiers", d.MessagesFromNotifiers)
	c.row("dialogue", "", "clock_pauses", d.ClockPauses)
	c.row("dialogue", "", "clock_pauses_ended", d.ClockPausesEnded)
	c.row("dialogue", "", "paused_seconds", d.PausedSeconds)
	c.row("dialogue", "", "objections", d.Objections)
	c.counts("objections_by_status", d.ObjectionsByStatus)
	ap := r.Appeals
	c.row("appeals", "", "filed", ap.Filed)
	c.row("appeals", "", "decided", ap.Decided)
	c.row("appeals", "", "upheld", ap.Upheld)
	c.row("appeals", "", "reversed", ap.Reversed)
	c.row("appeals", "", "reinstatements", ap.Reinstatements)
	c.counts("appeals_filed_by_status", ap.FiledByStatus)
	c.dist("appeal_decision_time", "all", ap.DecisionTime)
	for _, x := range ap.ByOutcome {
		c.dist("appeal_decision_time", x.Key, x)
	}
	au := r.Automation
	c.row("automation", "", "automated_notices", au.AutomatedNotices)
	c.row("automation", "", "share", au.Share)
	c.row("automation", "", "automated_decisions", au.AutomatedDecisions)
	c.row("automation", "", "scan_hits", au.ScanHits)
	c.row("automation", "", "actions_requested", au.ActionsRequested)
	c.row("automation", "", "actions_executed", au.ActionsExecuted)
	c.counts("scan_hits_by_outcome", au.ScanHitsByOutcome)
	c.accuracy("accuracy_trusted_flaggers", r.Accuracy.TrustedFlaggers)
	c.accuracy("accuracy_authorities", r.Accuracy.Authorities)
	c.w.Flush()
	return c.w.Error()
}

// WriteCSV writes the Art. 7(3) figures as section,key,metric,value lines (see CSVHeader).
func (t *TCO) WriteCSV(w io.Writer) error {
	c := csvOut{csv.NewWriter(w)}
	_ = c.w.Write(CSVHeader)
	c.head(t.Period, t.GeneratedAt, t.Scope)
	c.row("report", "", "regime", t.Regime)
	c.row("orders", "", "removal_orders", t.RemovalOrders)
	c.row("orders", "", "items_in_orders", t.ItemsInOrders)
	c.row("orders", "", "items_removed", t.ItemsRemoved)
	c.row("orders", "", "items_disabled", t.ItemsDisabled)
	c.row("orders", "", "orders_not_actioned", t.OrdersNotActioned)
	c.counts("orders_by_outcome", t.OrdersByOutcome)
	c.counts("not_actioned_reasons", t.NotActionedReasons)
	c.deadline("deadline", t.Deadline)
	c.dist("time_to_action", "all", t.TimeToAction)
	c.row("review_proceedings", "", "total", t.ReviewProceedings)
	c.counts("review_proceedings_by_status", t.ReviewProceedingsByStatus)
	c.row("complaints", "", "total", t.Complaints)
	c.counts("complaints_by_status", t.ComplaintsByStatus)
	c.row("reinstatements", "", "total", t.Reinstatements)
	if m := t.SpecificMeasures; m != nil {
		c.row("specific_measures", "", "banks", m.Banks)
		c.row("specific_measures", "", "lists", m.Lists)
		c.row("specific_measures", "", "entries", m.Entries)
		c.row("specific_measures", "", "hits", m.Hits)
		c.row("specific_measures", "", "automated_notices", m.AutomatedNotices)
		c.row("specific_measures", "", "actions_requested", m.ActionsRequested)
		c.row("specific_measures", "", "items_removed", m.ItemsRemoved)
		c.row("specific_measures", "", "complaints", m.Complaints)
		c.row("specific_measures", "", "reinstatements", m.Reinstatements)
		c.counts("specific_measures_complaints_by_status", m.ComplaintsByStatus)
	}
	c.w.Flush()
	return c.w.Error()
}
