package review

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Statement is the statement of reasons owed to the affected user for one
// decision, with every element of DSA Art. 17(3). Its text is in one language.
type Statement struct {
	DecisionID string    `json:"decision_id"`
	CaseID     string    `json:"case_id"`
	Language   string    `json:"language"`
	Title      string    `json:"title"`
	Provider   string    `json:"provider"`
	IssuedAt   time.Time `json:"issued_at"`
	Subject    string    `json:"subject"`
	Status     string    `json:"status"`
	// Restriction is Art. 17(3)(a): the type of restriction, where and for how long.
	Restriction StatementRestriction `json:"restriction"`
	// Facts is Art. 17(3)(b): the facts and circumstances, and whether a notice started it.
	Facts StatementFacts `json:"facts"`
	// Automation is Art. 17(3)(c).
	Automation StatementAutomation `json:"automation"`
	// Ground is Art. 17(3)(d) (a legal ground) or (e) (a contractual ground).
	Ground StatementGround `json:"ground"`
	// Redress is Art. 17(3)(f).
	Redress StatementRedress `json:"redress"`
	// TransparencyDB maps the decision onto the DSA Transparency Database's fields (Art. 24(5)); no personal data.
	TransparencyDB *dsasor.Statement `json:"transparency_db"`
}

// StatementRestriction is what was restricted, where and until when.
type StatementRestriction struct {
	Action           string     `json:"action"`
	Description      string     `json:"description"`
	TerritorialScope []string   `json:"territorial_scope"`
	Until            *time.Time `json:"until,omitempty"`
	Duration         string     `json:"duration"`
}

// StatementFacts says what led to the decision.
type StatementFacts struct {
	Source string `json:"source"`
	// SourceDescription says in words whether a notice, a trusted flagger, an authority or the platform's own initiative started it.
	SourceDescription string `json:"source_description"`
	Reasons           string `json:"reasons"`
	// Notifier names the notifier only where that is strictly necessary: an authority's order.
	Notifier     string    `json:"notifier,omitempty"`
	NoticeKinds  []string  `json:"notice_kinds"`
	FirstNoticed time.Time `json:"first_noticed"`
}

// StatementAutomation says whether automated means were used.
type StatementAutomation struct {
	Detection   bool   `json:"detection"`
	Decision    bool   `json:"decision"`
	Description string `json:"description"`
}

// StatementGround is the legal or contractual ground and its explanation.
type StatementGround struct {
	Type        string `json:"type"`
	Description string `json:"description"`
	Reference   string `json:"reference"`
	Explanation string `json:"explanation"`
}

// StatementRedress lists the ways to challenge the decision.
type StatementRedress struct {
	AppealUntil       time.Time `json:"appeal_until"`
	InternalComplaint string    `json:"internal_complaint"`
	OutOfCourt        string    `json:"out_of_court"`
	Courts            string    `json:"courts"`
}

// Statement builds the statement of reasons for a decision in lang. A
// decision that restricts nothing owes none (ErrNoStatement); one whose
// case carries an authority's "do not inform the uploader until" date is
// held back until that date (a *HeldError).
func (s *Service) Statement(ctx context.Context, decisionID, lang string) (*Statement, error) {
	if !i18n.Valid(lang) {
		lang = i18n.ID
	}
	d, err := s.DB.Decision(ctx, decisionID)
	if err != nil {
		return nil, err
	}
	if d.Status == decision.Pending || d.Status == decision.Rejected || !action.Restricts(d.Action) {
		return nil, ErrNoStatement
	}
	hold, err := s.DB.CaseHold(ctx, d.CaseID)
	if err != nil {
		return nil, err
	}
	if hold.After(clock.NowMilli(s.Clock)) {
		return nil, &HeldError{Until: hold}
	}
	lc, err := s.DB.LeasedCase(ctx, d.CaseID)
	if err != nil {
		return nil, err
	}
	ns, err := s.DB.CaseNotices(ctx, d.CaseID)
	if err != nil {
		return nil, err
	}
	return s.buildStatement(ctx, lang, d, lc, ns)
}

func (s *Service) buildStatement(ctx context.Context, lang string, d *decision.Decision, lc *store.LeasedCase, ns []*notice.Notice) (*Statement, error) {
	T := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	issued := d.CreatedAt
	if d.EffectiveAt != nil {
		issued = *d.EffectiveAt
	}
	provider := s.Platform
	if provider == "" {
		provider = "Telegram"
	}
	st := &Statement{DecisionID: d.ID, CaseID: d.CaseID, Language: lang, Title: T("sor.title"), Provider: provider,
		IssuedAt: issued, Subject: lc.Subject, Status: d.Status}
	st.Restriction = StatementRestriction{Action: d.Action, Description: T("sor.action." + d.Action),
		TerritorialScope: d.TerritorialScope, Until: d.Until, Duration: T("sor.duration.indefinite")}
	if d.Until != nil {
		st.Restriction.Duration = T("sor.duration.until", d.Until.Format("2006-01-02 15:04 MST"))
	}
	f := factsOfNotices(ns)
	automatedDetection := f.autoDetect
	st.Facts = StatementFacts{Source: f.source, SourceDescription: T("sor.source." + f.source), Reasons: d.Reasons,
		NoticeKinds: f.kinds, FirstNoticed: f.first}
	if f.source == dsasor.SourceOrder {
		// An authority's identity is public and the user needs it to challenge the order.
		if o, err := s.DB.Org(ctx, f.orderOrg); err == nil {
			st.Facts.Notifier = o.Name
		}
	}
	autoKey := "sor.automation.none"
	switch {
	case automatedDetection && d.Automated:
		autoKey = "sor.automation.both"
	case automatedDetection:
		autoKey = "sor.automation.detection"
	case d.Automated:
		autoKey = "sor.automation.decision"
	}
	st.Automation = StatementAutomation{Detection: automatedDetection, Decision: d.Automated, Description: T(autoKey)}
	st.Ground = StatementGround{Type: d.Ground.Type, Description: T("sor.ground." + d.Ground.Type), Reference: d.Ground.Reference,
		Explanation: d.Reasons}
	until := issued.AddDate(0, AppealMonths, 0)
	st.Redress = StatementRedress{AppealUntil: until, InternalComplaint: T("sor.redress.internal", until.Format("2006-01-02")),
		OutOfCourt: T("sor.redress.out_of_court"), Courts: T("sor.redress.courts")}
	st.TransparencyDB = s.sor().Build(s.sorDecision(d, &lc.Case, f, st.Facts.Notifier))
	return st, nil
}

// caseFacts is what the notices on a case say about how its decision came about.
type caseFacts struct {
	source     string
	kinds      []string
	first      time.Time
	autoDetect bool
	// orderOrg is the org of the earliest order on the case.
	orderOrg string
}

// factsOfNotices reads the facts from the notices themselves.
func factsOfNotices(ns []*notice.Notice) caseFacts {
	f := caseFacts{kinds: []string{}}
	var orderAt time.Time
	for _, n := range ns {
		if !slices.Contains(f.kinds, n.Kind) {
			f.kinds = append(f.kinds, n.Kind)
		}
		if f.first.IsZero() || n.ReceivedAt.Before(f.first) {
			f.first = n.ReceivedAt
		}
		if strings.HasPrefix(n.Reference, "sigap-scan/") {
			f.autoDetect = true
		}
		if notice.Binding(n.Kind) && (f.orderOrg == "" || n.ReceivedAt.Before(orderAt)) {
			f.orderOrg, orderAt = n.OrgID, n.ReceivedAt
		}
	}
	slices.Sort(f.kinds)
	f.source = sourceOf(f.kinds, f.autoDetect)
	return f
}

// sourceOf says what started a decision: the most authoritative notice on
// the case decides, and a case only sigap's own scan reported is the
// platform's own initiative.
func sourceOf(kinds []string, autoDetect bool) string {
	source, rank := dsasor.SourceOwnInitiative, -1
	for _, k := range kinds {
		spec, ok := notice.Spec(k)
		// A notice the platform files itself is its own initiative when its scan found the content.
		if !ok || autoDetect && spec.SentBy(org.KindPlatform) {
			continue
		}
		if rank < 0 || spec.DSARank < rank {
			source, rank = spec.DSASource, spec.DSARank
		}
	}
	return source
}

func (s *Service) sor() *dsasor.Builder {
	if s.SoR == nil {
		return dsasor.NewBuilder(nil, s.Platform)
	}
	return s.SoR
}

// sorDecision is the decision as the DSA statement builder takes it.
func (s *Service) sorDecision(d *decision.Decision, c *notice.Case, f caseFacts, notifier string) dsasor.Decision {
	applied := d.CreatedAt
	if d.EffectiveAt != nil {
		applied = *d.EffectiveAt
	}
	return dsasor.Decision{ID: d.ID, Action: d.Action, GroundType: d.Ground.Type, GroundReference: d.Ground.Reference,
		Reasons: d.Reasons, TerritorialScope: d.TerritorialScope, Until: d.Until, Automated: d.Automated,
		AutomatedDetection: f.autoDetect, Source: f.source, Notifier: notifier, Category: c.Category,
		SubjectKind: c.Kind, Subject: c.Subject, Channel: c.Channel, Language: c.Language,
		FirstNoticed: f.first, AppliedAt: applied}
}
