package filterset

import (
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/store"
)

// Set is a bank or list as the API shows it. Kind and Language are shown
// only by families whose sets have kinds (rule lists).
type Set struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Kind            string    `json:"kind,omitempty"`
	Policy          string    `json:"policy"`
	Labels          []string  `json:"labels"`
	Language        string    `json:"language,omitempty"`
	Description     string    `json:"description,omitempty"`
	Enabled         bool      `json:"enabled"`
	RolloutFraction float64   `json:"rollout_fraction"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Stats           *Stats    `json:"stats,omitempty"`
	RuleHits        []Entry   `json:"rule_hits,omitempty"`
}

// Stats are a set's counts: entries, hits, quarantined entries and today's
// automated filings against the circuit breaker's cap.
type Stats struct {
	Entries      int64 `json:"entries"`
	Hits         int64 `json:"hits"`
	Quarantined  int64 `json:"quarantined"`
	FiledToday   int64 `json:"filed_today"`
	RefusedToday int64 `json:"refused_today"`
	DailyCap     int   `json:"daily_cap"`
}

// AddedBy is who added an entry.
type AddedBy struct {
	OrgID string `json:"org_id"`
	KeyID string `json:"key_id,omitempty"`
}

// Entry is one signal or rule with its provenance and hit count.
type Entry struct {
	ID               string     `json:"id"`
	Type             string     `json:"type"`
	Value            string     `json:"value"`
	Source           string     `json:"source,omitempty"`
	CaseID           string     `json:"case_id,omitempty"`
	AddedBy          AddedBy    `json:"added_by"`
	AddedAt          time.Time  `json:"added_at"`
	RemovedAt        *time.Time `json:"removed_at,omitempty"`
	Hits             int64      `json:"hits"`
	LastHitAt        *time.Time `json:"last_hit_at,omitempty"`
	QuarantinedAt    *time.Time `json:"quarantined_at,omitempty"`
	QuarantineReason string     `json:"quarantine_reason,omitempty"`
}

// EntryView turns a stored entry into its API form.
func EntryView(e store.FilterEntry) Entry {
	return Entry{ID: e.ID, Type: e.Type, Value: e.Value, Source: e.Source, CaseID: e.CaseID,
		AddedBy: AddedBy{OrgID: e.AddedByOrg, KeyID: e.AddedByKey}, AddedAt: e.AddedAt, RemovedAt: clock.Ptr(e.RemovedAt),
		Hits: e.Hits, LastHitAt: clock.Ptr(e.LastHitAt), QuarantinedAt: clock.Ptr(e.QuarantinedAt), QuarantineReason: e.QuarantineReason}
}

// view is a stored set as s's family shows it.
func (s *Service) view(set store.FilterSet) Set {
	v := Set{ID: set.ID, Name: set.Name, Policy: set.Policy, Labels: set.Labels, Language: set.Language,
		Description: set.Description, Enabled: set.Enabled, RolloutFraction: set.RolloutFraction,
		CreatedAt: set.CreatedAt, UpdatedAt: set.UpdatedAt}
	if s.Kind.SetKinds() != nil {
		v.Kind = set.Kind
	}
	return v
}
