package trust

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// The statuses of a trusted flagger.
const (
	StatusApplicant = "applicant"
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusRevoked   = "revoked"
)

// The kinds of history entry.
const (
	KindStatus          = "status"
	KindScope           = "scope"
	KindWarning         = "warning"
	KindProposedSuspend = "proposed_suspension"
)

// ErrNotActive is a notice from a flagger whose accreditation is not active.
var ErrNotActive = errors.New("trust: flagger not active")

// ErrTransition is a status change the programme does not allow.
var ErrTransition = errors.New("trust: invalid status transition")

// ErrQuota is a notice beyond the org's daily quota.
var ErrQuota = errors.New("trust: daily quota reached")

// Record is one org's standing in the programme.
type Record struct {
	OrgID         string    `json:"org_id"`
	Status        string    `json:"status"`
	Categories    []string  `json:"categories"`
	Jurisdictions []string  `json:"jurisdictions"`
	Expertise     string    `json:"expertise,omitempty"`
	DailyQuota    int       `json:"daily_quota"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// HistoryEntry is one recorded step: a status change, a scope change, a warning.
type HistoryEntry struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Status     string    `json:"status"`
	Categories []string  `json:"categories"`
	Reason     string    `json:"reason"`
	Actor      string    `json:"actor"`
	At         time.Time `json:"at"`
}

// allowed lists the moves between statuses; revocation is final (a revoked
// flagger applies again as a new organisation).
var allowed = map[string][]string{
	StatusApplicant: {StatusActive, StatusRevoked},
	StatusActive:    {StatusActive, StatusSuspended, StatusRevoked},
	StatusSuspended: {StatusActive, StatusSuspended, StatusRevoked},
	StatusRevoked:   {},
}

// CheckTransition reports whether from → to is allowed; staying active or
// suspended is a scope edit.
func CheckTransition(from, to string) error {
	if !slices.Contains(allowed[from], to) {
		return fmt.Errorf("%w: %s to %s (allowed from %s: %v)", ErrTransition, from, to, from, allowed[from])
	}
	return nil
}

// InScope reports whether a notice's category is within the record's scope;
// an empty scope covers every category.
func (r Record) InScope(category string) bool {
	return len(r.Categories) == 0 || slices.Contains(r.Categories, category)
}

// DefaultDailyQuota is the notices a flagger may send per UTC day unless the admin sets another.
const DefaultDailyQuota = 10_000

// Quota is the record's daily quota, or the default.
func (r Record) Quota() int {
	if r.DailyQuota > 0 {
		return r.DailyQuota
	}
	return DefaultDailyQuota
}
