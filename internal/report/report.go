package report

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
)

// SourceAutomated is a notice's source when the platform's own scan filed it
// (kind report, with the post it matched kept in scan_posts); any other
// notice's source is its kind.
const SourceAutomated = "automated"

// Sources lists the sources in the order reports show them: the notice kinds
// in the kind table's order (a kind counted as another, notice.KindSpec's
// ReportAs, under that one), then automated.
var Sources = append(notice.ReportSources(), SourceAutomated)

// The outcomes of a notice (store.ReportOutcomeRow; the definitions of trust.Compute).
var Outcomes = []string{"actioned", "rejected", "reversed", "pending"}

// The deadline states of a notice (store.ReportOutcomeRow).
var Compliances = []string{"on_time", "late", "overdue", "open"}

// statuses lists a notice's statuses in the order it moves through them.
var statuses = []string{"received", "in_review", "decided", "actioned", "rejected"}

// Scope says whose notices a report counts: the whole platform's, or one
// notifier's own (an authority or a flagger sees only its own figures).
type Scope struct {
	Platform bool   `json:"platform"`
	OrgID    string `json:"org_id,omitempty"`
	OrgName  string `json:"org_name,omitempty"`
}

// Count is one figure of a breakdown.
type Count struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// Report is a transparency report for a period (DSA Art. 15(1) and 24(1)
// figures, and the accuracy of trusted flaggers and authorities).
//
// Notices, Times, Deadlines and Accuracy are about the notices received in
// the period, followed to where they stand at GeneratedAt. Actions, Dialogue,
// Appeals and Automation count what happened in the period (a decision that
// took effect, an action carried out, a message, an appeal filed or decided).
type Report struct {
	Period      Period     `json:"period"`
	GeneratedAt time.Time  `json:"generated_at"`
	Scope       Scope      `json:"scope"`
	Notices     Notices    `json:"notices"`
	Actions     Actions    `json:"actions"`
	Times       Times      `json:"times"`
	Deadlines   []Deadline `json:"deadlines"`
	Dialogue    Dialogue   `json:"dialogue"`
	Appeals     Appeals    `json:"appeals"`
	Automation  Automation `json:"automation"`
	Accuracy    Accuracy   `json:"accuracy"`
}

// Notices counts the notices received in the period. A notice with several
// territories in its scope counts once under each of them in ByJurisdiction.
type Notices struct {
	Total          int64   `json:"total"`
	Subjects       int64   `json:"subjects"`
	BySource       []Count `json:"by_source"`
	ByCategory     []Count `json:"by_category"`
	ByRegime       []Count `json:"by_regime"`
	ByJurisdiction []Count `json:"by_jurisdiction"`
	ByStatus       []Count `json:"by_status"`
	ByOutcome      []Count `json:"by_outcome"`
}

// ActionGround counts decisions of one action on one ground.
type ActionGround struct {
	Action string `json:"action"`
	Ground string `json:"ground"`
	Count  int64  `json:"count"`
}

// Actions counts the decisions that took effect in the period (final, or
// final and since reversed on appeal) and the enforcement actions requested
// and carried out in it. Ground is law or terms (DSA Art. 15(1)(b)).
type Actions struct {
	Decisions          int64          `json:"decisions"`
	ByAction           []Count        `json:"by_action"`
	ByGround           []Count        `json:"by_ground"`
	ByActionAndGround  []ActionGround `json:"by_action_and_ground"`
	AutomatedDecisions int64          `json:"automated_decisions"`
	ReversedDecisions  int64          `json:"reversed_decisions"`
	Requested          int64          `json:"requested"`
	RequestedByState   []Count        `json:"requested_by_state"`
	Executed           int64          `json:"executed"`
	ExecutedByAction   []Count        `json:"executed_by_action"`
	ExecutedBySource   []Count        `json:"executed_by_source"`
}

// Distribution summarises durations in seconds (millisecond precision):
// median and 90th percentile interpolate between the closest ranks, like
// PostgreSQL's percentile_cont.
type Distribution struct {
	Key           string  `json:"key,omitempty"`
	Count         int64   `json:"count"`
	MedianSeconds float64 `json:"median_seconds"`
	P90Seconds    float64 `json:"p90_seconds"`
	MinSeconds    float64 `json:"min_seconds"`
	MaxSeconds    float64 `json:"max_seconds"`
}

// Timing is one duration over all notices and per source.
type Timing struct {
	All      Distribution   `json:"all"`
	BySource []Distribution `json:"by_source"`
}

// Times are durations from a notice's receipt, over the notices received in
// the period:
//
//   - ToAcknowledgement: to the first sign of the platform handling it (its
//     signed receipt is instant and automatic, so it does not count): a
//     reviewer claiming one of its cases or a decision on it (notice.status
//     and notice.decision events), a message from the platform, a
//     clarification request or clock pause, or an objection;
//   - ToDecision: to the last of its cases decided, once all are;
//   - ToAction: to the last action carried out on its cases, once the notice
//     is settled and at least one action was carried out.
type Times struct {
	ToAcknowledgement Timing `json:"to_acknowledgement"`
	ToDecision        Timing `json:"to_decision"`
	ToAction          Timing `json:"to_action"`
}

// Deadline is the deadline compliance of one regime's class of notices
// received in the period: settled before due_at (on time) or after (late),
// unsettled past due_at (overdue) or not yet due (open). OnTimeShare is on
// time over the notices whose deadline has come (on time, late, overdue).
type Deadline struct {
	Regime      string  `json:"regime"`
	Class       string  `json:"class"`
	Notices     int64   `json:"notices"`
	OnTime      int64   `json:"on_time"`
	Late        int64   `json:"late"`
	Overdue     int64   `json:"overdue"`
	Open        int64   `json:"open"`
	OnTimeShare float64 `json:"on_time_share"`
}

// Dialogue counts the period's messages, clarification requests, clock
// pauses and objections on notices.
type Dialogue struct {
	ClarificationRequests    int64   `json:"clarification_requests"`
	NoticesWithClarification int64   `json:"notices_with_clarification"`
	MessagesFromPlatform     int64   `json:"messages_from_platform"`
	MessagesFromNotifiers    int64   `json:"messages_from_notifiers"`
	ClockPauses              int64   `json:"clock_pauses"`
	ClockPausesEnded         int64   `json:"clock_pauses_ended"`
	PausedSeconds            float64 `json:"paused_seconds"`
	Objections               int64   `json:"objections"`
	ObjectionsByStatus       []Count `json:"objections_by_status"`
}

// Appeals counts the affected users' complaints (DSA Art. 15(1)(d)): filed in
// the period (by their status now), decided in the period (by outcome, with
// the time from filing to decision), and the reinstatements (restore actions
// carried out in the period).
type Appeals struct {
	Filed          int64          `json:"filed"`
	FiledByStatus  []Count        `json:"filed_by_status"`
	Decided        int64          `json:"decided"`
	Upheld         int64          `json:"upheld"`
	Reversed       int64          `json:"reversed"`
	DecisionTime   Distribution   `json:"decision_time"`
	ByOutcome      []Distribution `json:"decision_time_by_outcome"`
	Reinstatements int64          `json:"reinstatements"`
}

// Automation counts the platform's own detection: notices its scan filed
// (their share of all notices received), decisions marked automated, the
// scan's hits by outcome and the enforcement actions it requested and saw
// carried out. Scan hits are platform-wide and absent from a notifier's report.
type Automation struct {
	AutomatedNotices   int64   `json:"automated_notices"`
	Share              float64 `json:"share"`
	AutomatedDecisions int64   `json:"automated_decisions"`
	ScanHits           int64   `json:"scan_hits"`
	ScanHitsByOutcome  []Count `json:"scan_hits_by_outcome"`
	ActionsRequested   int64   `json:"actions_requested"`
	ActionsExecuted    int64   `json:"actions_executed"`
}

// NotifierAccuracy is one notifier's accuracy over its notices received in
// the period, with the definitions of trust.Compute (the figures of
// GET /v1/orgs/{id}/trust): a notice is decided when every case on it is;
// reversed when a decision on it was reversed on appeal, else actioned when
// any case was restricted, else rejected. Precision is actioned / decided.
type NotifierAccuracy struct {
	OrgID         string  `json:"org_id"`
	Name          string  `json:"name"`
	Notices       int64   `json:"notices"`
	Decided       int64   `json:"decided"`
	Actioned      int64   `json:"actioned"`
	Rejected      int64   `json:"rejected"`
	Reversed      int64   `json:"reversed"`
	Precision     float64 `json:"precision"`
	RejectedShare float64 `json:"rejected_share"`
}

// Accuracy lists the trusted flaggers' and the authorities' accuracy, most notices first.
type Accuracy struct {
	TrustedFlaggers []NotifierAccuracy `json:"trusted_flaggers"`
	Authorities     []NotifierAccuracy `json:"authorities"`
}

// JSON is the report as indented JSON.
func (r *Report) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// Build shapes a report from the store's aggregates.
func Build(p Period, now time.Time, scope Scope, f *store.ReportFigures) *Report {
	r := &Report{Period: p, GeneratedAt: now.UTC(), Scope: scope}
	r.Notices = buildNotices(f)
	r.Actions = buildActions(f)
	r.Times = Times{
		ToAcknowledgement: timing(f.Times, "ack"),
		ToDecision:        timing(f.Times, "decision"),
		ToAction:          timing(f.Times, "action"),
	}
	r.Deadlines = buildDeadlines(f.Outcomes)
	r.Dialogue = buildDialogue(f)
	r.Appeals = buildAppeals(f)
	r.Automation = buildAutomation(f, r)
	r.Accuracy = buildAccuracy(f.Outcomes)
	return r
}

// counter accumulates a breakdown.
type counter map[string]int64

// fixed lists the keys in order, zeros included, then any others by count.
func (c counter) fixed(keys []string) []Count {
	out := make([]Count, 0, len(c))
	for _, k := range keys {
		out = append(out, Count{k, c[k]})
	}
	var rest []Count
	for k, n := range c {
		if !slices.Contains(keys, k) {
			rest = append(rest, Count{k, n})
		}
	}
	return append(out, sortCounts(rest)...)
}

// sorted lists the keys by count, most first, then by key.
func (c counter) sorted() []Count {
	out := make([]Count, 0, len(c))
	for k, n := range c {
		out = append(out, Count{k, n})
	}
	return sortCounts(out)
}

func sortCounts(cs []Count) []Count {
	slices.SortFunc(cs, func(a, b Count) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return cmp.Compare(a.Key, b.Key)
	})
	if cs == nil {
		cs = []Count{}
	}
	return cs
}

func buildNotices(f *store.ReportFigures) Notices {
	var n Notices
	src, cat, reg, jur, st := counter{}, counter{}, counter{}, counter{}, counter{}
	for _, row := range f.Notices {
		n.Total += row.Notices
		n.Subjects += row.Subjects
		s := notice.ReportSource(row.Kind)
		if row.Automated {
			s = SourceAutomated
		}
		src[s] += row.Notices
		cat[row.Category] += row.Notices
		reg[row.Regime] += row.Notices
		st[row.Status] += row.Notices
		var scope []string
		_ = json.Unmarshal([]byte(row.Scope), &scope)
		seen := map[string]bool{}
		for _, t := range scope {
			if !seen[t] {
				seen[t] = true
				jur[t] += row.Notices
			}
		}
	}
	out := counter{}
	for _, o := range f.Outcomes {
		out[o.Outcome] += o.Notices
	}
	n.BySource, n.ByCategory, n.ByRegime, n.ByJurisdiction = src.fixed(Sources), cat.sorted(), reg.sorted(), jur.sorted()
	n.ByStatus, n.ByOutcome = st.fixed(statuses), out.fixed(Outcomes)
	return n
}

func buildActions(f *store.ReportFigures) Actions {
	var a Actions
	decisionActions := action.Decisions()
	act, ground := counter{}, counter{}
	ag := map[[2]string]int64{}
	for _, d := range f.Decisions {
		a.Decisions += d.Decisions
		act[d.Action] += d.Decisions
		ground[d.Ground] += d.Decisions
		ag[[2]string{d.Action, d.Ground}] += d.Decisions
		if d.Automated {
			a.AutomatedDecisions += d.Decisions
		}
		if d.Status == decision.Reversed {
			a.ReversedDecisions += d.Decisions
		}
	}
	a.ByAction, a.ByGround = act.fixed(decisionActions), ground.fixed([]string{"law", "terms"})
	a.ByActionAndGround = []ActionGround{}
	for k, n := range ag {
		a.ByActionAndGround = append(a.ByActionAndGround, ActionGround{Action: k[0], Ground: k[1], Count: n})
	}
	slices.SortFunc(a.ByActionAndGround, func(x, y ActionGround) int {
		return cmp.Or(cmp.Compare(rank(decisionActions, x.Action), rank(decisionActions, y.Action)), cmp.Compare(x.Action, y.Action), cmp.Compare(x.Ground, y.Ground))
	})
	state := counter{}
	for _, r := range f.Requested {
		a.Requested += r.Actions
		state[r.State] += r.Actions
	}
	a.RequestedByState = state.fixed([]string{action.StatePending, action.StateSent, action.StateExecuted, action.StateFailed})
	exAct, exSrc := counter{}, counter{}
	for _, r := range f.Executed {
		a.Executed += r.Actions
		exAct[r.Action] += r.Actions
		exSrc[r.Source] += r.Actions
	}
	a.ExecutedByAction = exAct.fixed(action.Executable())
	a.ExecutedBySource = exSrc.fixed([]string{"review", "scan"})
	return a
}

// rank is a key's place in an ordered list, unknown keys last.
func rank(keys []string, k string) int {
	if i := slices.Index(keys, k); i >= 0 {
		return i
	}
	return len(keys)
}

// seconds turns milliseconds into seconds at millisecond precision.
func seconds(ms float64) float64 { return math.Round(ms) / 1000 }

func dist(key string, d store.ReportDist) Distribution {
	return Distribution{Key: key, Count: d.N, MedianSeconds: seconds(d.P50), P90Seconds: seconds(d.P90),
		MinSeconds: seconds(float64(d.Min)), MaxSeconds: seconds(float64(d.Max))}
}

func timing(ds []store.ReportDist, measure string) Timing {
	t := Timing{BySource: []Distribution{}}
	by := map[string]store.ReportDist{}
	for _, d := range ds {
		if d.Measure != measure {
			continue
		}
		if d.Group == "" {
			t.All = dist("", d)
		} else {
			by[d.Group] = d
		}
	}
	for _, s := range Sources {
		t.BySource = append(t.BySource, dist(s, by[s]))
	}
	return t
}

func buildDeadlines(rows []store.ReportOutcomeRow) []Deadline {
	by := map[[2]string]*Deadline{}
	for _, o := range rows {
		k := [2]string{o.Regime, o.Class}
		d := by[k]
		if d == nil {
			d = &Deadline{Regime: o.Regime, Class: o.Class}
			by[k] = d
		}
		d.Notices += o.Notices
		switch o.Compliance {
		case "on_time":
			d.OnTime += o.Notices
		case "late":
			d.Late += o.Notices
		case "overdue":
			d.Overdue += o.Notices
		default:
			d.Open += o.Notices
		}
	}
	out := []Deadline{}
	for _, d := range by {
		if due := d.OnTime + d.Late + d.Overdue; due > 0 {
			d.OnTimeShare = share(d.OnTime, due)
		}
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Deadline) int { return cmp.Or(cmp.Compare(a.Regime, b.Regime), cmp.Compare(a.Class, b.Class)) })
	return out
}

// share is a/b rounded to four decimals, 0 when b is 0.
func share(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(float64(a)/float64(b)*10000) / 10000
}

func buildDialogue(f *store.ReportFigures) Dialogue {
	m := f.Messages
	d := Dialogue{ClarificationRequests: m.Clarifications, NoticesWithClarification: m.NoticesWithClarification,
		MessagesFromPlatform: m.Platform, MessagesFromNotifiers: m.Notifier, ClockPauses: m.PausesStarted,
		ClockPausesEnded: m.PausesEnded, PausedSeconds: seconds(float64(m.PausedMS))}
	st := counter{}
	for _, c := range f.Objections {
		d.Objections += c.N
		st[c.Key] += c.N
	}
	d.ObjectionsByStatus = st.fixed([]string{decision.ObjectionOpen, decision.ObjectionUpheld, decision.ObjectionWithdrawn})
	return d
}

func buildAppeals(f *store.ReportFigures) Appeals {
	var a Appeals
	st := counter{}
	for _, c := range f.Appeals {
		a.Filed += c.N
		st[c.Key] += c.N
	}
	a.FiledByStatus = st.fixed([]string{decision.AppealOpen, decision.AppealUpheld, decision.AppealReversed})
	by := map[string]store.ReportDist{}
	for _, d := range f.AppealTimes {
		if d.Group == "" {
			a.DecisionTime = dist("", d)
			a.Decided = d.N
		} else {
			by[d.Group] = d
		}
	}
	a.Upheld, a.Reversed = by[decision.AppealUpheld].N, by[decision.AppealReversed].N
	a.ByOutcome = []Distribution{dist(decision.AppealUpheld, by[decision.AppealUpheld]), dist(decision.AppealReversed, by[decision.AppealReversed])}
	for _, r := range f.Executed {
		if r.Action == action.Restore {
			a.Reinstatements += r.Actions
		}
	}
	return a
}

func buildAutomation(f *store.ReportFigures, r *Report) Automation {
	a := Automation{AutomatedDecisions: r.Actions.AutomatedDecisions}
	for _, c := range r.Notices.BySource {
		if c.Key == SourceAutomated {
			a.AutomatedNotices = c.Count
		}
	}
	a.Share = share(a.AutomatedNotices, r.Notices.Total)
	hits := counter{}
	for _, c := range f.ScanHits {
		a.ScanHits += c.N
		hits[c.Key] += c.N
	}
	a.ScanHitsByOutcome = hits.fixed([]string{store.OutcomeNotice, store.OutcomeAction, store.OutcomeShadow, store.OutcomeQuarantined, store.OutcomeBreakerOpen})
	for _, x := range f.Requested {
		if x.Source == "scan" {
			a.ActionsRequested += x.Actions
		}
	}
	for _, x := range f.Executed {
		if x.Source == "scan" {
			a.ActionsExecuted += x.Actions
		}
	}
	return a
}

func buildAccuracy(rows []store.ReportOutcomeRow) Accuracy {
	by := map[string]*NotifierAccuracy{}
	kind := map[string]string{}
	for _, o := range rows {
		if o.OrgKind != "flagger" && o.OrgKind != "authority" {
			continue
		}
		a := by[o.OrgID]
		if a == nil {
			a = &NotifierAccuracy{OrgID: o.OrgID, Name: o.OrgName}
			by[o.OrgID], kind[o.OrgID] = a, o.OrgKind
		}
		a.Notices += o.Notices
		switch o.Outcome {
		case "pending":
			continue
		case "actioned":
			a.Actioned += o.Notices
		case "rejected":
			a.Rejected += o.Notices
		case "reversed":
			a.Reversed += o.Notices
		}
		a.Decided += o.Notices
	}
	acc := Accuracy{TrustedFlaggers: []NotifierAccuracy{}, Authorities: []NotifierAccuracy{}}
	for id, a := range by {
		a.Precision, a.RejectedShare = ratio(a.Actioned, a.Decided), ratio(a.Rejected, a.Decided)
		if kind[id] == "flagger" {
			acc.TrustedFlaggers = append(acc.TrustedFlaggers, *a)
		} else {
			acc.Authorities = append(acc.Authorities, *a)
		}
	}
	order := func(x, y NotifierAccuracy) int {
		return cmp.Or(cmp.Compare(y.Notices, x.Notices), cmp.Compare(x.Name, y.Name), cmp.Compare(x.OrgID, y.OrgID))
	}
	slices.SortFunc(acc.TrustedFlaggers, order)
	slices.SortFunc(acc.Authorities, order)
	return acc
}

// ratio is a/b unrounded, as trust.Compute gives it, 0 when b is 0.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
