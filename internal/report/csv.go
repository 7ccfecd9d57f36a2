package report

import (
	"encoding/csv"
	"io"
	"reflect"
	"strconv"
	"strings"
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

// figures writes the int64 and float64 fields of the struct v, in their
// order, each as the metric its JSON name names, so that the CSV and the
// JSON forms of a report call a figure alike. Keys, names and breakdowns are
// the caller's to write.
func (c csvOut) figures(section, key string, v any) {
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		metric, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
		switch f := rv.Field(i); f.Kind() {
		case reflect.Int64:
			c.row(section, key, metric, f.Int())
		case reflect.Float64:
			c.row(section, key, metric, f.Float())
		}
	}
}

func (c csvOut) counts(section string, cs []Count) {
	for _, x := range cs {
		c.row(section, x.Key, "count", x.Count)
	}
}

func (c csvOut) dist(section, key string, d Distribution) {
	c.figures(section, key, d)
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
	c.figures(section, d.Regime+"/"+d.Class, d)
}

func (c csvOut) accuracy(section string, as []NotifierAccuracy) {
	for _, a := range as {
		c.row(section, a.OrgID, "name", a.Name)
		c.figures(section, a.OrgID, a)
	}
}

// WriteCSV writes the report as section,key,metric,value lines (see CSVHeader).
func (r *Report) WriteCSV(w io.Writer) error {
	c := csvOut{csv.NewWriter(w)}
	_ = c.w.Write(CSVHeader)
	c.head(r.Period, r.GeneratedAt, r.Scope)
	n := r.Notices
	c.figures("notices", "", n)
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
	c.figures("dialogue", "", d)
	c.counts("objections_by_status", d.ObjectionsByStatus)
	ap := r.Appeals
	c.figures("appeals", "", ap)
	c.counts("appeals_filed_by_status", ap.FiledByStatus)
	c.dist("appeal_decision_time", "all", ap.DecisionTime)
	for _, x := range ap.ByOutcome {
		c.dist("appeal_decision_time", x.Key, x)
	}
	au := r.Automation
	c.figures("automation", "", au)
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
		c.figures("specific_measures", "", *m)
		c.counts("specific_measures_complaints_by_status", m.ComplaintsByStatus)
	}
	c.w.Flush()
	return c.w.Error()
}
