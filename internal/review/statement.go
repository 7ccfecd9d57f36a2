package review

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
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
	TransparencyDB map[string]any `json:"transparency_db"`
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
	if d.Status == store.DecisionPending || d.Status == store.DecisionRejected || !Restricts(d.Action) {
		return nil, ErrNoStatement
	}
	hold, err := s.DB.CaseHold(ctx, d.CaseID)
	if err != nil {
		return nil, err
	}
	if hold.After(s.now()) {
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

func (s *Service) buildStatement(ctx context.Context, lang string, d *store.Decision, lc *store.LeasedCase, ns []*notice.Notice) (*Statement, error) {
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
	// Source: the most authoritative notice on the case decides how it is described.
	source, kinds := "own_initiative", []string{}
	var first time.Time
	automatedDetection := false
	for _, n := range ns {
		if !slices.Contains(kinds, n.Kind) {
			kinds = append(kinds, n.Kind)
		}
		if first.IsZero() || n.ReceivedAt.Before(first) {
			first = n.ReceivedAt
		}
		if strings.HasPrefix(n.Reference, "sigap-scan/") {
			automatedDetection = true
		}
	}
	slices.Sort(kinds)
	switch {
	case slices.Contains(kinds, notice.KindOrder):
		source = "order"
	case slices.Contains(kinds, notice.KindFlag):
		source = "trusted_flagger"
	case slices.Contains(kinds, notice.KindReferral):
		source = "referral"
	case slices.Contains(kinds, notice.KindReport) && !automatedDetection:
		source = "notice"
	}
	st.Facts = StatementFacts{Source: source, SourceDescription: T("sor.source." + source), Reasons: d.Reasons,
		NoticeKinds: kinds, FirstNoticed: first}
	if source == "order" {
		// An authority's identity is public and the user needs it to challenge the order.
		for _, n := range ns {
			if n.Kind == notice.KindOrder {
				if o, err := s.DB.Org(ctx, n.OrgID); err == nil {
					st.Facts.Notifier = o.Name
				}
				break
			}
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
	st.TransparencyDB = transparencyFields(d, source, automatedDetection, lc, first)
	return st, nil
}

// transparencyFields maps a decision onto the DSA Transparency Database's
// statement fields (shared/spec/dsa-sor-fields.json).
func transparencyFields(d *store.Decision, source string, autoDetect bool, lc *store.LeasedCase, first time.Time) map[string]any {
	out := map[string]any{"puid": d.ID, "content_type": []string{"CONTENT_TYPE_TEXT"},
		"decision_facts": d.Reasons, "application_date": d.CreatedAt.Format("2006-01-02"),
		"content_date": first.Format("2006-01-02")}
	switch d.Action {
	case ActionRemove:
		out["decision_visibility"] = []string{"DECISION_VISIBILITY_CONTENT_REMOVED"}
	case ActionGeoRestrict:
		out["decision_visibility"] = []string{"DECISION_VISIBILITY_CONTENT_DISABLED"}
	case ActionRestrict:
		out["decision_visibility"] = []string{"DECISION_VISIBILITY_CONTENT_DEMOTED"}
	case ActionSuspend:
		out["decision_provision"] = "DECISION_PROVISION_TOTAL_SUSPENSION"
		if lc.Kind == "telegram_channel" {
			out["decision_account"] = "DECISION_ACCOUNT_SUSPENDED"
		}
	}
	if d.Ground.Type == "law" {
		out["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT"
		out["illegal_content_legal_ground"] = clip(d.Ground.Reference, 500)
		out["illegal_content_explanation"] = clip(d.Reasons, 2000)
	} else {
		out["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
		out["incompatible_content_ground"] = clip(d.Ground.Reference, 500)
		out["incompatible_content_explanation"] = clip(d.Reasons, 2000)
	}
	switch source {
	case "trusted_flagger":
		out["source_type"] = "SOURCE_TRUSTED_FLAGGER"
	case "notice":
		out["source_type"] = "SOURCE_ARTICLE_16"
	case "order", "referral":
		out["source_type"] = "SOURCE_TYPE_OTHER_NOTIFICATION"
	default:
		out["source_type"] = "SOURCE_VOLUNTARY"
	}
	out["automated_detection"] = map[bool]string{true: "Yes", false: "No"}[autoDetect]
	out["automated_decision"] = map[bool]string{true: "AUTOMATED_DECISION_FULLY", false: "AUTOMATED_DECISION_NOT_AUTOMATED"}[d.Automated]
	if d.Until != nil {
		out["end_date_visibility_restriction"] = d.Until.Format("2006-01-02")
	}
	if len(d.TerritorialScope) > 0 {
		out["territorial_scope"] = d.TerritorialScope
	}
	return out
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
