package review

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// DSAExport is one page of the statements of reasons owed to the DSA
// Transparency Database (Art. 24(5)) for decisions that took effect in a
// period. Statements is a batch as POST /api/v1/statements takes it;
// DecisionIDs[i] is the decision Statements[i] stands for (for the operator:
// the database answers errors by index, and the puid cannot be reversed).
type DSAExport struct {
	Statements  []*dsasor.Statement `json:"statements"`
	DecisionIDs []string            `json:"decision_ids"`
	Skipped     []DSASkip           `json:"skipped"`
	NextCursor  string              `json:"next_cursor,omitempty"`
}

// The reasons a decision's statement is not in the export.
const (
	// SkipHeld: an authority asked not to inform the uploader before a date
	// (TCO Art. 11); the database is public, so the statement waits too.
	// Export the period again after Until.
	SkipHeld = "held"
	// SkipOutsideEEA: the restriction applies in no EU or EEA country, so
	// the DSA does not reach it.
	SkipOutsideEEA = "outside_eea"
	// SkipEUOrder: the decision carries out an order of an EU authority (a
	// DSA Art. 9 order or a TCO removal order); Art. 17(5) DSA takes those
	// out of Art. 17, and so out of the database.
	SkipEUOrder = "eu_order"
	// SkipInvalid: the statement would be refused by the database; listed
	// only when the caller asked to skip invalid statements.
	SkipInvalid = "invalid"
)

// DSASkip is a decision of the period whose statement is not in the export.
type DSASkip struct {
	DecisionID string              `json:"decision_id"`
	Reason     string              `json:"reason"`
	Detail     string              `json:"detail"`
	Until      *time.Time          `json:"until,omitempty"`
	Errors     []dsasor.FieldError `json:"errors,omitempty"`
}

// InvalidStatementsError lists the decisions of a page whose statements the
// database would refuse (each with its field errors). Nothing is exported
// until they are dealt with, or the caller asks to skip them.
type InvalidStatementsError struct {
	Decisions []DSASkip
}

func (e *InvalidStatementsError) Error() string {
	var parts []string
	for _, d := range e.Decisions {
		for _, fe := range d.Errors {
			parts = append(parts, "decision "+d.DecisionID+": "+fe.Message)
		}
	}
	return "review: statements the DSA database would refuse: " + strings.Join(parts, "; ")
}

// DSAExportRequest asks for one page of the export.
type DSAExportRequest struct {
	From, To time.Time
	// Cursor is the NextCursor of the previous page ("" for the first).
	Cursor string
	// Limit is how many decisions the page takes, 1 to 100 (the database's
	// batch size); zero means 100.
	Limit int
	// SkipInvalid lists statements the database would refuse under Skipped
	// instead of refusing the page.
	SkipInvalid bool
}

// isEUOrderRegime says whether an order under regime comes from an EU
// authority under EU law (EU-DSA Art. 9, EU-TCO): sigap's EU regimes are
// the ones named EU-*.
func isEUOrderRegime(regime string) bool { return strings.HasPrefix(strings.ToUpper(regime), "EU-") }

// DSAExport builds one page of statements for the decisions that took
// effect in [From, To): final or since reversed, restricting, oldest first.
// Every statement is checked with dsasor's validator, and the page as a
// batch; a statement the database would refuse makes the whole page an
// *InvalidStatementsError unless SkipInvalid is set.
func (s *Service) DSAExport(ctx context.Context, c org.Caller, q DSAExportRequest) (*DSAExport, error) {
	if !c.Platform() {
		return nil, ErrPlatformOnly
	}
	if q.Limit == 0 {
		q.Limit = dsasor.Default().Spec().MaxBatch
	}
	if q.Limit < 0 || q.Limit > dsasor.Default().Spec().MaxBatch {
		return nil, &notice.ValidationError{Fields: []notice.FieldError{{Field: "limit", Code: "invalid",
			Message: fmt.Sprintf("limit is from 1 to %d, the DSA database's batch size", dsasor.Default().Spec().MaxBatch)}}}
	}
	f := store.SoRFilter{From: q.From, To: q.To, Limit: q.Limit,
		Actions: action.Restricting()}
	if q.Cursor != "" {
		var err error
		if f.AfterAt, f.AfterID, err = decodeExportCursor(q.Cursor); err != nil {
			return nil, err
		}
	}
	rows, err := s.DB.SoRDecisions(ctx, f)
	if err != nil {
		return nil, err
	}
	caseIDs := make([]string, len(rows))
	for i, r := range rows {
		caseIDs[i] = r.Decision.CaseID
	}
	notices, err := s.DB.SoRNotices(ctx, caseIDs)
	if err != nil {
		return nil, err
	}
	now := clock.NowMilli(s.Clock)
	out := &DSAExport{Statements: []*dsasor.Statement{}, DecisionIDs: []string{}, Skipped: []DSASkip{}}
	var invalid []DSASkip
	v := dsasor.Default()
	for _, r := range rows {
		d := r.Decision
		f, hold, euOrder, notifier := factsOfSummary(notices[d.CaseID])
		switch {
		case hold.After(now):
			out.Skipped = append(out.Skipped, DSASkip{DecisionID: d.ID, Reason: SkipHeld, Until: &hold,
				Detail: "an authority asked not to inform the uploader before " + hold.Format(time.RFC3339) + "; export this period again after that"})
			continue
		case euOrder:
			out.Skipped = append(out.Skipped, DSASkip{DecisionID: d.ID, Reason: SkipEUOrder,
				Detail: "the decision carries out an order of an EU authority (DSA Art. 9 or TCO); Art. 17(5) DSA: no statement for the database"})
			continue
		}
		if _, ok := dsasor.EEAScope(d.TerritorialScope); !ok {
			out.Skipped = append(out.Skipped, DSASkip{DecisionID: d.ID, Reason: SkipOutsideEEA,
				Detail: "the restriction applies only in " + strings.Join(d.TerritorialScope, ", ") + ", outside the EU and EEA"})
			continue
		}
		c := &notice.Case{Subject: r.Subject, Kind: r.SubjectKind, Channel: r.Channel, Category: r.Category, Language: r.Language}
		st := s.sor().Build(s.sorDecision(d, c, f, notifier))
		if err := v.ValidateStatement(st); err != nil {
			var ve *dsasor.ValidationError
			if !errors.As(err, &ve) {
				return nil, err
			}
			invalid = append(invalid, DSASkip{DecisionID: d.ID, Reason: SkipInvalid, Errors: ve.Errors,
				Detail: "the DSA database would refuse this statement: " + strings.Join(ve.Fields(), ", ")})
			continue
		}
		out.Statements = append(out.Statements, st)
		out.DecisionIDs = append(out.DecisionIDs, d.ID)
	}
	if len(invalid) > 0 {
		if !q.SkipInvalid {
			return nil, &InvalidStatementsError{Decisions: invalid}
		}
		out.Skipped = append(out.Skipped, invalid...)
	}
	if len(out.Statements) > 0 {
		// The page is one batch: no more than the database takes, no puid twice.
		if err := v.ValidateStatements(out.Statements); err != nil {
			return nil, fmt.Errorf("review: export batch: %w", err)
		}
	}
	if len(rows) == q.Limit {
		last := rows[len(rows)-1].Decision
		out.NextCursor = encodeExportCursor(*last.EffectiveAt, last.ID)
	}
	return out, nil
}

// factsOfSummary reads the facts from the store's summary of a case's
// notices: the same facts factsOfNotices reads from the notices, plus the
// latest hold, whether an EU authority's order is among them, and the name
// of the authority whose order came first.
func factsOfSummary(ns []store.SoRNotice) (f caseFacts, hold time.Time, euOrder bool, notifier string) {
	f.kinds = []string{}
	for _, n := range ns {
		if !slices.Contains(f.kinds, n.Kind) {
			f.kinds = append(f.kinds, n.Kind)
		}
		if f.first.IsZero() || n.FirstReceived.Before(f.first) {
			f.first = n.FirstReceived
		}
		f.autoDetect = f.autoDetect || n.Scanned
		if n.HoldUntil.After(hold) {
			hold = n.HoldUntil
		}
		if notice.Binding(n.Kind) {
			euOrder = euOrder || isEUOrderRegime(n.Regime)
			if f.orderOrg == "" {
				// ns is in order of first receipt.
				f.orderOrg, notifier = n.OrgID, n.OrgName
			}
		}
	}
	slices.Sort(f.kinds)
	f.source = sourceOf(f.kinds, f.autoDetect)
	return f, hold, euOrder, notifier
}

func encodeExportCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMilli(), 10) + "." + id))
}

func decodeExportCursor(s string) (time.Time, string, error) {
	bad := &notice.ValidationError{Fields: []notice.FieldError{{Field: "cursor", Code: "invalid",
		Message: "cursor must be the next_cursor of the previous page, unchanged"}}}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, "", bad
	}
	msStr, id, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(msStr, 10, 64)
	if !ok || err != nil || id == "" || n < 0 {
		return time.Time{}, "", bad
	}
	return time.UnixMilli(n).UTC(), id, nil
}
