package flagger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/trust"
)

// Service runs the programme.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Misuse trust.Misuse
}

// Change is an admin's change of status or scope.
type Change struct {
	Status        string   `json:"status"`
	Categories    []string `json:"categories"`
	Jurisdictions []string `json:"jurisdictions"`
	Expertise     string   `json:"expertise"`
	DailyQuota    *int     `json:"daily_quota"`
	Reason        string   `json:"reason"`
}

// Put applies an admin's change to an org's accreditation.
func (s *Service) Put(ctx context.Context, admin org.Caller, orgID string, c Change) (trust.Record, error) {
	o, err := s.DB.Org(ctx, orgID)
	if err != nil {
		return trust.Record{}, err
	}
	var bad []notice.FieldError
	add := func(f, code, msg string) { bad = append(bad, notice.FieldError{Field: f, Code: code, Message: msg}) }
	if o.Kind == org.KindPlatform {
		add("org_id", "invalid", "the platform's own org is not part of the trusted flagger programme")
	}
	if !slices.Contains([]string{trust.StatusActive, trust.StatusSuspended, trust.StatusRevoked}, c.Status) {
		add("status", "unknown_value", `status must be "active", "suspended" or "revoked"`)
	}
	for i, cat := range c.Categories {
		if !slices.Contains(policy.Categories, cat) {
			add(fmt.Sprintf("categories[%d]", i), "unknown_value", fmt.Sprintf("unknown category %q", cat))
		}
	}
	for i, j := range c.Jurisdictions {
		if len(j) != 2 || strings.ToUpper(j) != j {
			add(fmt.Sprintf("jurisdictions[%d]", i), "invalid", fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 code (or EU)", j))
		}
	}
	c.Reason = strings.TrimSpace(c.Reason)
	if c.Reason == "" || utf8.RuneCountInString(c.Reason) > 2000 {
		add("reason", "required", "every change of accreditation needs a reason (1 to 2000 characters), which the flagger sees")
	}
	if c.DailyQuota != nil && (*c.DailyQuota < 0 || *c.DailyQuota > 10_000_000) {
		add("daily_quota", "invalid", "daily_quota must be between 0 (the default) and 10000000")
	}
	if len(bad) > 0 {
		return trust.Record{}, &notice.ValidationError{Fields: bad}
	}
	var rec trust.Record
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		cur, err := tx.TrustRecord(ctx, orgID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := trust.CheckTransition(cur.Status, c.Status); err != nil {
			return err
		}
		rec = cur
		kind := trust.KindStatus
		if cur.Status == c.Status {
			kind = trust.KindScope
		}
		rec.Status = c.Status
		if c.Categories != nil {
			rec.Categories = c.Categories
		}
		if c.Jurisdictions != nil {
			rec.Jurisdictions = c.Jurisdictions
		}
		if c.Expertise != "" {
			rec.Expertise = c.Expertise
		}
		if c.DailyQuota != nil {
			rec.DailyQuota = *c.DailyQuota
		}
		rec.UpdatedAt = clock.NowMilli(s.Clock)
		if err := tx.PutTrust(ctx, rec, trust.HistoryEntry{ID: id.New("trh", rec.UpdatedAt), Kind: kind, Status: rec.Status,
			Categories: rec.Categories, Reason: c.Reason, Actor: admin.OrgID + "/" + admin.KeyID + admin.UserID, At: rec.UpdatedAt}); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: rec.UpdatedAt, Action: audit.TrustChanged, Object: orgID, OrgID: orgID})
	})
	return rec, err
}

// Gate decides, inside the intake transaction, whether a notice from caller
// may be stored, and which lane it gets. Flaggers must be active; a flag
// outside the flagger's scope goes to the standard lane with the reason.
func (s *Service) Gate(ctx context.Context, tx *store.Tx, caller org.Caller, n *notice.Notice) error {
	rec, err := tx.TrustRecord(ctx, caller.OrgID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if caller.OrgKind == org.KindFlagger && rec.Status != trust.StatusActive {
		return fmt.Errorf("%w: the accreditation is %s", trust.ErrNotActive, rec.Status)
	}
	if caller.OrgKind != org.KindFlagger && errors.Is(err, store.ErrNotFound) {
		return nil // authorities and the platform are not rationed unless the admin enrols them
	}
	day := n.ReceivedAt.UTC().Truncate(24 * time.Hour)
	sent, err := tx.CountNoticesSince(ctx, caller.OrgID, day)
	if err != nil {
		return err
	}
	if sent >= rec.Quota() {
		return fmt.Errorf("%w: %d notices today (UTC), the quota is %d", trust.ErrQuota, sent, rec.Quota())
	}
	if n.Kind == notice.KindFlag && !rec.InScope(n.Category) {
		n.Lane = notice.LaneStandard
		n.LaneNote = fmt.Sprintf("category %s is outside this flagger's trusted scope (%s); handled as an ordinary notice",
			n.Category, strings.Join(rec.Categories, ", "))
	}
	return nil
}

// Standing is what GET /v1/orgs/{id}/trust shows.
type Standing struct {
	trust.Record
	History    []trust.HistoryEntry     `json:"history"`
	Accuracy   Accuracy                 `json:"accuracy"`
	ByCategory map[string]trust.Figures `json:"by_category"`
}

// Accuracy holds the figures over the rolling window and all time, flattened
// for the contract (decided, actioned, rejected, reversed, precision).
type Accuracy struct {
	trust.Figures
	WindowDays int           `json:"window_days"`
	Window     trust.Figures `json:"window"`
}

// WindowDays is the rolling window of the accuracy figures.
const WindowDays = 90

// Standing computes an org's record, history and accuracy, and records a
// misuse warning (or proposes a suspension) when the threshold is crossed.
func (s *Service) Standing(ctx context.Context, orgID string) (Standing, error) {
	if _, err := s.DB.Org(ctx, orgID); err != nil {
		return Standing{}, err
	}
	rec, err := s.DB.TrustRecord(ctx, orgID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Standing{}, err
	}
	all, err := s.DB.NotifierOutcomes(ctx, orgID, time.Time{})
	if err != nil {
		return Standing{}, err
	}
	now := clock.NowMilli(s.Clock)
	cut := now.AddDate(0, 0, -WindowDays)
	var recent []trust.Outcome
	byCat := map[string][]trust.Outcome{}
	for _, o := range all {
		if !o.ReceivedAt.Before(cut) {
			recent = append(recent, o)
		}
		byCat[o.Category] = append(byCat[o.Category], o)
	}
	st := Standing{Record: rec, Accuracy: Accuracy{Figures: trust.Compute(all), WindowDays: WindowDays, Window: trust.Compute(recent)},
		ByCategory: map[string]trust.Figures{}}
	for c, os := range byCat {
		st.ByCategory[c] = trust.Compute(os)
	}
	if err := s.checkMisuse(ctx, rec, all, now); err != nil {
		return Standing{}, err
	}
	st.History, err = s.DB.TrustHistory(ctx, orgID)
	return st, err
}

// checkMisuse warns first, then proposes a suspension for an admin to
// confirm; each step once per crossing, recorded where the flagger sees it.
func (s *Service) checkMisuse(ctx context.Context, rec trust.Record, all []trust.Outcome, now time.Time) error {
	m := s.Misuse
	if m.Window == 0 {
		m = trust.DefaultMisuse
	}
	if rec.Status != trust.StatusActive {
		return nil
	}
	over, f := m.Exceeded(all)
	if !over {
		return nil
	}
	hist, err := s.DB.TrustHistory(ctx, rec.OrgID)
	if err != nil {
		return err
	}
	kind := trust.KindWarning
	for _, h := range slices.Backward(hist) {
		if h.Kind == trust.KindStatus || h.Kind == trust.KindScope {
			break // a new accreditation decision starts the ladder again
		}
		if h.Kind == trust.KindProposedSuspend {
			return nil
		}
		if h.Kind == trust.KindWarning {
			if now.Sub(h.At) < 7*24*time.Hour {
				return nil // give the flagger a week after a warning
			}
			kind = trust.KindProposedSuspend
		}
	}
	reason := fmt.Sprintf("%.0f%% of the last %d decided notices were found unfounded (threshold %.0f%%)",
		f.RejectedShare*100, f.Decided, m.Share*100)
	if kind == trust.KindProposedSuspend {
		reason += "; suspension proposed: an admin confirms it with PUT /v1/orgs/{org_id}/trust"
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		return tx.AppendTrustHistory(ctx, rec.OrgID, trust.HistoryEntry{ID: id.New("trh", now), Kind: kind, Status: rec.Status,
			Categories: rec.Categories, Reason: reason, Actor: "sigap", At: now})
	})
}
