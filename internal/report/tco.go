package report

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/store"
)

// RegimeTCO is the regime of removal orders under Regulation (EU) 2021/784.
const RegimeTCO = "EU-TCO"

// TCO holds the transparency figures Art. 7(3) of the EU Terrorist Content
// Online Regulation asks a hosting provider to publish, for the removal
// orders (notices of kind order under regime EU-TCO) received in the period
// and what happened to them and to the platform's specific measures in it.
type TCO struct {
	Regime      string    `json:"regime"`
	Period      Period    `json:"period"`
	GeneratedAt time.Time `json:"generated_at"`
	Scope       Scope     `json:"scope"`

	// RemovalOrders received in the period, and the items (subjects) they name.
	RemovalOrders   int64   `json:"removal_orders"`
	ItemsInOrders   int64   `json:"items_in_orders"`
	OrdersByOutcome []Count `json:"orders_by_outcome"`
	// ItemsRemoved and ItemsDisabled following removal orders (Art. 7(3)(b)):
	// remove actions, and geo_restrict, restrict or suspend actions, carried out in the period.
	ItemsRemoved  int64 `json:"items_removed"`
	ItemsDisabled int64 `json:"items_disabled"`
	// OrdersNotActioned are orders received in the period whose every item was
	// decided without removal; NotActionedReasons counts the period's decisions
	// on order items that removed nothing: no_action (not terrorist content, or
	// manifest errors, Art. 3(8)) and cannot_execute (force majeure or de facto
	// impossibility, Art. 3(7)).
	OrdersNotActioned  int64   `json:"orders_not_actioned"`
	NotActionedReasons []Count `json:"not_actioned_reasons"`
	// Deadline is the one-hour rule (Art. 3(3)) over the orders received in the period.
	Deadline     Deadline     `json:"deadline"`
	TimeToAction Distribution `json:"time_to_action"`
	// ReviewProceedings are the platform's objections to orders (scrutiny under
	// Art. 4, review under Art. 9) raised in the period, by status now.
	ReviewProceedings         int64   `json:"review_proceedings"`
	ReviewProceedingsByStatus []Count `json:"review_proceedings_by_status"`
	// Complaints are appeals on order items filed in the period (by status
	// now); Reinstatements are restore actions carried out in the period.
	Complaints         int64   `json:"complaints"`
	ComplaintsByStatus []Count `json:"complaints_by_status"`
	Reinstatements     int64   `json:"reinstatements"`
	// SpecificMeasures are the platform's own (Art. 5); nil in a notifier's report.
	SpecificMeasures *Measures `json:"specific_measures"`
}

// Measures are the platform's specific measures against terrorist content:
// enabled hash banks and rule lists labelled terrorism, their live entries
// and hits in the period, the automated notices (category terrorism) they
// filed, the items their automated actions removed, and the complaints
// against those and the reinstatements that followed (Art. 10).
type Measures struct {
	Banks              int64   `json:"banks"`
	Lists              int64   `json:"lists"`
	Entries            int64   `json:"entries"`
	Hits               int64   `json:"hits"`
	AutomatedNotices   int64   `json:"automated_notices"`
	ActionsRequested   int64   `json:"actions_requested"`
	ItemsRemoved       int64   `json:"items_removed"`
	Complaints         int64   `json:"complaints"`
	ComplaintsByStatus []Count `json:"complaints_by_status"`
	Reinstatements     int64   `json:"reinstatements"`
}

// JSON is the figures as indented JSON.
func (t *TCO) JSON() ([]byte, error) { return json.MarshalIndent(t, "", "  ") }

// BuildTCO shapes the Art. 7(3) figures from the store's aggregates over
// EU-TCO orders and, for the platform, its specific measures.
func BuildTCO(p Period, now time.Time, scope Scope, f *store.ReportFigures, sm *store.SpecificMeasures) *TCO {
	r := Build(p, now, scope, f)
	t := &TCO{Regime: RegimeTCO, Period: p, GeneratedAt: now.UTC(), Scope: scope,
		RemovalOrders: r.Notices.Total, ItemsInOrders: r.Notices.Subjects, OrdersByOutcome: r.Notices.ByOutcome,
		TimeToAction: r.Times.ToAction.All, ReviewProceedings: r.Dialogue.Objections,
		ReviewProceedingsByStatus: r.Dialogue.ObjectionsByStatus, Complaints: r.Appeals.Filed,
		ComplaintsByStatus: r.Appeals.FiledByStatus, Reinstatements: r.Appeals.Reinstatements}
	for _, c := range r.Notices.ByOutcome {
		if c.Key == "rejected" {
			t.OrdersNotActioned = c.Count
		}
	}
	for _, c := range r.Actions.ExecutedByAction {
		switch c.Key {
		case action.Remove:
			t.ItemsRemoved += c.Count
		case action.GeoRestrict, action.Restrict, action.Suspend:
			t.ItemsDisabled += c.Count
		}
	}
	reasons := counter{}
	for _, c := range r.Actions.ByAction {
		if slices.Contains(action.NotActioned(), c.Key) {
			reasons[c.Key] += c.Count
		}
	}
	t.NotActionedReasons = reasons.fixed(action.NotActioned())
	t.Deadline = Deadline{Regime: RegimeTCO, Class: "all"}
	for _, d := range r.Deadlines {
		t.Deadline.Notices += d.Notices
		t.Deadline.OnTime += d.OnTime
		t.Deadline.Late += d.Late
		t.Deadline.Overdue += d.Overdue
		t.Deadline.Open += d.Open
	}
	t.Deadline.OnTimeShare = share(t.Deadline.OnTime, t.Deadline.OnTime+t.Deadline.Late+t.Deadline.Overdue)
	if sm != nil {
		m := &Measures{Banks: sm.Banks, Lists: sm.Lists, Entries: sm.Entries, Hits: sm.Hits, AutomatedNotices: sm.AutomatedNotices,
			Reinstatements: sm.Reinstated}
		for _, a := range sm.Actions {
			m.ActionsRequested += a.Actions
		}
		for _, a := range sm.Executed {
			if a.Action == action.Remove {
				m.ItemsRemoved += a.Actions
			}
		}
		st := counter{}
		for _, c := range sm.Appeals {
			m.Complaints += c.N
			st[c.Key] += c.N
		}
		m.ComplaintsByStatus = st.fixed([]string{decision.AppealOpen, decision.AppealUpheld, decision.AppealReversed})
		t.SpecificMeasures = m
	}
	return t
}
