package incident

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store"
)

// ErrClosed is an incident closed already: closing it again changes nothing.
var ErrClosed = errors.New("incident: already closed")

// AlertIncident is the kind of the on-call alert sent at declaration.
const AlertIncident = "incident"

// The audit record's actions of the crisis protocol, written in the
// transaction of the change.
const (
	AuditDeclared = "incident.declared"
	AuditClosed   = "incident.closed"
)

// Limits on a declaration.
const (
	// MaxAge is how long before its declaration an incident may have started.
	MaxAge = 30 * 24 * time.Hour
	// MaxAhead is how far a start time may be ahead of the clock (clock skew).
	MaxAhead = 5 * time.Minute
)

// Sharer shares an incident's sets with every subscriber at once, at a
// priority poll. The feeds package implements it; until it is wired,
// NoSharing stands in.
type Sharer interface {
	IncidentDeclared(ctx context.Context, in Incident) error
	IncidentClosed(ctx context.Context, in Incident) error
}

// NoSharing is the Sharer of a sigap that shares nothing: an incident
// is then this platform's alone.
type NoSharing struct{}

// IncidentDeclared does nothing.
func (NoSharing) IncidentDeclared(context.Context, Incident) error { return nil }

// IncidentClosed does nothing.
func (NoSharing) IncidentClosed(context.Context, Incident) error { return nil }

// AlertFunc records an on-call alert and queues its sending inside tx
// (escalate.Service.AlertTx).
type AlertFunc func(ctx context.Context, tx *store.Tx, a *store.Alert) error

// Service declares, reads and closes incidents, and files their hits.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Log    *slog.Logger
	Policy *policy.Policy
	Banks  *filterset.Service
	Lists  *filterset.Service
	Alert  AlertFunc
	// Sharer is told of declarations and closings; nil is NoSharing.
	Sharer Sharer
}

func (s *Service) now() time.Time { return clock.NowMilli(s.Clock) }

func (s *Service) sharer() Sharer {
	if s.Sharer == nil {
		return NoSharing{}
	}
	return s.Sharer
}

// Incident is an incident as the API and portal show it.
type Incident struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Labels     []string   `json:"labels"`
	State      string     `json:"state"`
	StartedAt  time.Time  `json:"started_at"`
	DeclaredAt time.Time  `json:"declared_at"`
	DeclaredBy string     `json:"declared_by"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	ClosedBy   string     `json:"closed_by,omitempty"`
	BankID     string     `json:"bank_id"`
	ListID     string     `json:"list_id"`
	// Lane is the review lane its cases go to.
	Lane string `json:"lane"`
}

func view(in store.Incident) Incident {
	return Incident{ID: in.ID, Name: in.Name, Labels: in.Labels, State: in.State, StartedAt: in.StartedAt, DeclaredAt: in.DeclaredAt,
		DeclaredBy: in.DeclaredBy, ClosedAt: in.ClosedAt, ClosedBy: in.ClosedBy, BankID: in.BankID, ListID: in.ListID, Lane: store.LaneIncident}
}

// DeclareInput declares an incident.
type DeclareInput struct {
	Name   string   `json:"name"`
	Labels []string `json:"labels"`
	// StartedAt is when the incident began (default now); the retroactive
	// scans of its entries look back at least that far.
	StartedAt *time.Time `json:"started_at"`
	// BankID and ListID name existing sets for the incident; each left
	// empty gets a new one, named after the incident, policy review.
	BankID string `json:"bank_id"`
	ListID string `json:"list_id"`
}

// Declare records an incident, makes its sets, and pages the on-call
// contacts. Bad input is a validation error and nothing is stored.
func (s *Service) Declare(ctx context.Context, c org.Caller, in DeclareInput) (Incident, error) {
	now := s.now()
	var v filterset.Validator
	v.Text("name", &in.Name, filterset.MaxName-20, true)
	labels := v.Labels("labels", in.Labels)
	if len(in.Labels) == 0 {
		v.Add("labels", "required", "at least one label, such as \"terrorism\"")
	}
	started := now
	if in.StartedAt != nil {
		started = in.StartedAt.UTC().Truncate(time.Millisecond)
		switch {
		case started.After(now.Add(MaxAhead)):
			v.Add("started_at", "in_future", "started_at is in the future; an incident is declared once it has begun")
		case started.Before(now.Add(-MaxAge)):
			v.Add("started_at", "too_old", "started_at is more than 30 days ago; declare an incident while it runs")
		}
	}
	s.checkSet(ctx, &v, s.Banks, "bank_id", in.BankID)
	s.checkSet(ctx, &v, s.Lists, "list_id", in.ListID)
	if err := v.Err(); err != nil {
		return Incident{}, err
	}
	rec := store.Incident{ID: id.New("inc", now), Name: in.Name, Labels: labels, State: store.IncidentOpen, StartedAt: started,
		DeclaredAt: now, DeclaredBy: c.OrgID + "/" + c.KeyID, BankID: in.BankID, ListID: in.ListID}
	if rec.BankID == "" {
		set, err := s.Banks.Create(ctx, c, filterset.CreateInput{Name: "Incident " + in.Name, Policy: filterset.PolicyReview, Labels: labels,
			Description: "Bank of incident " + rec.ID + " / Bank insiden " + rec.ID})
		if err != nil {
			return Incident{}, err
		}
		rec.BankID = set.ID
	}
	if rec.ListID == "" {
		set, err := s.Lists.Create(ctx, c, filterset.CreateInput{Name: "Incident " + in.Name, Kind: rulelist.KindKeyword,
			Policy: filterset.PolicyReview, Labels: labels, Description: "Keywords of incident " + rec.ID + " / Kata kunci insiden " + rec.ID})
		if err != nil {
			return Incident{}, err
		}
		rec.ListID = set.ID
	}
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertIncident(ctx, rec); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.Entry{At: now, Action: AuditDeclared, Object: rec.ID, OrgID: c.OrgID}); err != nil {
			return err
		}
		if s.Alert == nil {
			return nil
		}
		return s.Alert(ctx, tx, &store.Alert{ID: "alr_incident_" + rec.ID, At: now, Kind: AlertIncident,
			Detail: fmt.Sprintf("Insiden dideklarasikan / incident declared: %q (%s), labels %v, started %s (%s WIB); bank %s, list %s",
				rec.Name, rec.ID, rec.Labels, started.Format(time.RFC3339), started.In(wib).Format("2006-01-02 15:04"), rec.BankID, rec.ListID)})
	})
	if err != nil {
		return Incident{}, fmt.Errorf("incident: declare: %w", err)
	}
	out := view(rec)
	if err := s.sharer().IncidentDeclared(ctx, out); err != nil {
		s.log().Warn("incident: sharing its sets failed; subscribers get them at their usual poll", "incident", rec.ID, "err", err)
	}
	s.log().Warn("incident declared", "incident", rec.ID, "name", rec.Name, "bank", rec.BankID, "list", rec.ListID)
	return out, nil
}

var wib = time.FixedZone("WIB", 7*3600)

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// checkSet refuses a named set that does not exist in the family.
func (s *Service) checkSet(ctx context.Context, v *filterset.Validator, fam *filterset.Service, field, setID string) {
	if setID == "" {
		return
	}
	if _, err := fam.Get(ctx, setID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			v.Add(field, "unknown", field+" names no "+fam.Kind.Names().Family+" of this platform")
			return
		}
		v.Add(field, "unavailable", err.Error())
	}
}

// Get reads an incident.
func (s *Service) Get(ctx context.Context, incID string) (Incident, error) {
	in, err := s.DB.Incident(ctx, incID)
	if err != nil {
		return Incident{}, err
	}
	return view(in), nil
}

// List reads up to limit incidents, newest first, before the cursor id.
func (s *Service) List(ctx context.Context, cursor string, limit int) ([]Incident, error) {
	rows, err := s.DB.Incidents(ctx, cursor, limit)
	out := make([]Incident, len(rows))
	for i, r := range rows {
		out[i] = view(r)
	}
	return out, err
}

// Close closes an open incident and keeps its report; closing one closed
// already is ErrClosed and changes nothing.
func (s *Service) Close(ctx context.Context, c org.Caller, incID string) (Report, error) {
	in, err := s.DB.Incident(ctx, incID)
	if err != nil {
		return Report{}, err
	}
	if in.State != store.IncidentOpen {
		return Report{}, fmt.Errorf("incident %s: %w", incID, ErrClosed)
	}
	now := s.now()
	in.State, in.ClosedAt, in.ClosedBy = store.IncidentClosed, &now, c.OrgID+"/"+c.KeyID
	rep, err := s.report(ctx, in)
	if err != nil {
		return Report{}, err
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		return Report{}, fmt.Errorf("incident: report: %w", err)
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CloseIncident(ctx, incID, in.ClosedBy, string(raw), now); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: AuditClosed, Object: incID, OrgID: c.OrgID})
	})
	if errors.Is(err, store.ErrConflict) {
		return Report{}, fmt.Errorf("incident %s: %w", incID, ErrClosed)
	}
	if err != nil {
		return Report{}, err
	}
	if err := s.sharer().IncidentClosed(ctx, view(in)); err != nil {
		s.log().Warn("incident: telling subscribers of the close failed", "incident", incID, "err", err)
	}
	return rep, nil
}

// Filed moves a case filed on an open incident's bank or list into the
// incident lane with the shortest clock of the notice's regime; it suits
// scan.Scanner.OnFiled.
func (s *Service) Filed(ctx context.Context, tx *store.Tx, f scan.Filed) error {
	in, err := tx.OpenIncidentOfSet(ctx, f.SetID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	n, err := tx.NoticeHead(ctx, f.NoticeID)
	if err != nil {
		return err
	}
	due := n.ReceivedAt.Add(s.shortest(n.Regime, n.Within))
	return tx.FileIncidentCase(ctx, store.IncidentCase{IncidentID: in.ID, CaseID: f.CaseID, NoticeID: f.NoticeID, Post: f.Post,
		Retroactive: f.RetroJob != "", At: f.At}, due)
}

// shortest is the regime's shortest clock, or fallback when the regime is unknown.
func (s *Service) shortest(regime string, fallback time.Duration) time.Duration {
	if s.Policy == nil {
		return fallback
	}
	r, err := s.Policy.Regime(regime)
	if err != nil || len(r.Deadlines) == 0 {
		return fallback
	}
	ds := make([]time.Duration, 0, len(r.Deadlines))
	for _, d := range r.Deadlines {
		ds = append(ds, d)
	}
	return slices.Min(ds)
}
