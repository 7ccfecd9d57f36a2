package bank

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/store"
)

// The policies of a bank or list.
const (
	PolicyAutoAction = "auto_action"
	PolicyReview     = "review"
	PolicyShadow     = "shadow"
)

// Policies lists the valid policies.
var Policies = []string{PolicyAutoAction, PolicyReview, PolicyShadow}

// Signal types a bank holds.
const (
	TypePDQ    = "pdq"
	TypeMD5    = "md5"
	TypeSHA256 = "sha256"
)

// Types lists the signal types.
var Types = []string{TypePDQ, TypeMD5, TypeSHA256}

// Limits on what a bank holds.
const (
	MaxName       = 200
	MaxLabels     = 20
	MaxLabel      = 64
	MaxSource     = 200
	MaxImportRows = 200_000
)

// Bank is a hash bank as the API shows it.
type Bank struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Policy          string    `json:"policy"`
	Labels          []string  `json:"labels"`
	Description     string    `json:"description,omitempty"`
	Enabled         bool      `json:"enabled"`
	RolloutFraction float64   `json:"rollout_fraction"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Stats           *Stats    `json:"stats,omitempty"`
	RuleHits        []Entry   `json:"rule_hits,omitempty"`
}

// Stats are a bank's or list's counts: entries, hits, quarantined entries and
// today's automated filings against the circuit breaker's cap.
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

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// EntryView turns a stored entry into its API form.
func EntryView(e store.FilterEntry) Entry {
	return Entry{ID: e.ID, Type: e.Type, Value: e.Value, Source: e.Source, CaseID: e.CaseID,
		AddedBy: AddedBy{OrgID: e.AddedByOrg, KeyID: e.AddedByKey}, AddedAt: e.AddedAt, RemovedAt: timePtr(e.RemovedAt),
		Hits: e.Hits, LastHitAt: timePtr(e.LastHitAt), QuarantinedAt: timePtr(e.QuarantinedAt), QuarantineReason: e.QuarantineReason}
}

func bankView(s store.FilterSet) Bank {
	return Bank{ID: s.ID, Name: s.Name, Policy: s.Policy, Labels: s.Labels, Description: s.Description, Enabled: s.Enabled,
		RolloutFraction: s.RolloutFraction, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

// Validator collects field errors into a notice.ValidationError, the type
// the API turns into a 422 with one entry per bad field.
type Validator struct{ Fields []notice.FieldError }

// Add records one bad field.
func (v *Validator) Add(field, code, msg string) {
	v.Fields = append(v.Fields, notice.FieldError{Field: field, Code: code, Message: msg})
}

// Err returns the collected errors, or nil.
func (v *Validator) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &notice.ValidationError{Fields: v.Fields}
}

// Text checks a free-text field: trimmed, bounded, no control characters.
func (v *Validator) Text(field string, s *string, max int, required bool) {
	*s = strings.TrimSpace(*s)
	switch {
	case required && *s == "":
		v.Add(field, "required", field+" is required")
	case !utf8.ValidString(*s):
		v.Add(field, "invalid_utf8", field+" is not valid UTF-8")
	case utf8.RuneCountInString(*s) > max:
		v.Add(field, "too_long", fmt.Sprintf("%s is longer than %d characters", field, max))
	case strings.ContainsFunc(*s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		v.Add(field, "invalid", field+" contains control characters")
	}
}

// Policy checks a policy field.
func (v *Validator) Policy(field, p string) {
	if !slices.Contains(Policies, p) {
		v.Add(field, "unknown_value", fmt.Sprintf("policy must be one of %s", strings.Join(Policies, ", ")))
	}
}

// Labels checks labels; they are lower-cased (categories such as "terrorism").
func (v *Validator) Labels(field string, labels []string) []string {
	if len(labels) > MaxLabels {
		v.Add(field, "too_many", fmt.Sprintf("at most %d labels", MaxLabels))
		return nil
	}
	out := make([]string, 0, len(labels))
	for i, l := range labels {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" || len(l) > MaxLabel || strings.ContainsFunc(l, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			v.Add(fmt.Sprintf("%s[%d]", field, i), "invalid", fmt.Sprintf("a label is 1 to %d characters without spaces, such as \"terrorism\"", MaxLabel))
			continue
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// Rollout checks a roll-out fraction.
func (v *Validator) Rollout(field string, f float64) {
	if math.IsNaN(f) || f < 0 || f > 1 {
		v.Add(field, "out_of_range", "rollout_fraction must be from 0 to 1")
	}
}

// ErrBadValue wraps a signal value that is not valid for its type.
var ErrBadValue = errors.New("bank: bad signal value")

// NormalizeValue checks value as a signal of type typ and returns its
// canonical form (lower-case hex).
func NormalizeValue(typ, value string) (string, error) {
	value = strings.ToLower(strings.TrimSpace(value))
	want := map[string]int{TypePDQ: 64, TypeMD5: 32, TypeSHA256: 64}[typ]
	if want == 0 {
		return "", fmt.Errorf("%w: type must be one of %s", ErrBadValue, strings.Join(Types, ", "))
	}
	if len(value) != want {
		return "", fmt.Errorf("%w: a %s is %d hexadecimal digits, got %d characters", ErrBadValue, typ, want, len(value))
	}
	if _, err := hex.DecodeString(value); err != nil {
		return "", fmt.Errorf("%w: a %s is %d hexadecimal digits", ErrBadValue, typ, want)
	}
	if typ == TypePDQ {
		h, err := pdq.ParseHex(value)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrBadValue, err)
		}
		// Images below the minimum size hash to zero; a bank of such hashes
		// would match every tiny image.
		if h.IsZero() {
			return "", fmt.Errorf("%w: the all-zero PDQ hash is what images too small to hash produce; it identifies nothing", ErrBadValue)
		}
	}
	return value, nil
}

// Service manages banks on the store.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	// DailyCap is the circuit breaker's cap, shown with each bank's stats.
	DailyCap int
	// OnChange, when set, is told that banks changed (the scanner rebuilds); it must not block.
	OnChange func()
}

func (s *Service) changed() {
	if s.OnChange != nil {
		s.OnChange()
	}
}

func (s *Service) now() time.Time { return s.Clock.Now().UTC().Truncate(time.Millisecond) }

// CreateInput is a new bank.
type CreateInput struct {
	Name        string   `json:"name"`
	Policy      string   `json:"policy"`
	Labels      []string `json:"labels"`
	Description string   `json:"description"`
}

// Create stores a new bank, enabled for every lookup.
func (s *Service) Create(ctx context.Context, c org.Caller, in CreateInput) (Bank, error) {
	var v Validator
	v.Text("name", &in.Name, MaxName, true)
	v.Text("description", &in.Description, 2000, false)
	v.Policy("policy", in.Policy)
	labels := v.Labels("labels", in.Labels)
	if err := v.Err(); err != nil {
		return Bank{}, err
	}
	now := s.now()
	set := store.FilterSet{ID: id.New("bnk", now), Family: store.FamilyBank, Name: in.Name, Kind: "hash", Policy: in.Policy,
		Labels: labels, Description: in.Description, Enabled: true, RolloutFraction: 1, CreatedByOrg: c.OrgID, CreatedByKey: c.KeyID,
		CreatedAt: now, UpdatedAt: now}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateFilterSet(ctx, set) }); err != nil {
		return Bank{}, err
	}
	s.changed()
	return bankView(set), nil
}

// Get returns a bank with its stats and its most-hit entries.
func (s *Service) Get(ctx context.Context, bankID string) (Bank, error) {
	set, err := s.set(ctx, bankID)
	if err != nil {
		return Bank{}, err
	}
	b := bankView(set)
	st, top, err := SetStats(ctx, s.DB, set.ID, s.now(), s.DailyCap)
	if err != nil {
		return Bank{}, err
	}
	b.Stats, b.RuleHits = st, top
	return b, nil
}

// SetStats reads the counts shown with a bank or list.
func SetStats(ctx context.Context, db *store.DB, setID string, now time.Time, dailyCap int) (*Stats, []Entry, error) {
	st, err := db.FilterSetStats(ctx, setID, now.UTC().Format(time.DateOnly))
	if err != nil {
		return nil, nil, err
	}
	top, err := db.TopFilterEntries(ctx, setID, 50)
	if err != nil {
		return nil, nil, err
	}
	views := make([]Entry, len(top))
	for i, e := range top {
		views[i] = EntryView(e)
	}
	return &Stats{Entries: st.Entries, Hits: st.Hits, Quarantined: st.Quarantined, FiledToday: st.FiledToday,
		RefusedToday: st.RefusedToday, DailyCap: dailyCap}, views, nil
}

func (s *Service) set(ctx context.Context, bankID string) (store.FilterSet, error) {
	set, err := s.DB.FilterSet(ctx, bankID)
	if err != nil {
		return set, err
	}
	if set.Family != store.FamilyBank {
		return set, fmt.Errorf("bank %s: %w", bankID, store.ErrNotFound)
	}
	return set, nil
}

// List pages through banks.
func (s *Service) List(ctx context.Context, cursor string, limit int) ([]Bank, string, error) {
	sets, err := s.DB.FilterSets(ctx, store.FamilyBank, cursor, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(sets) > limit {
		sets, next = sets[:limit], sets[limit-1].ID
	}
	out := make([]Bank, len(sets))
	for i, set := range sets {
		out[i] = bankView(set)
	}
	return out, next, nil
}

// PatchInput changes a bank's state; nil fields are kept.
type PatchInput struct {
	Enabled         *bool    `json:"enabled"`
	RolloutFraction *float64 `json:"rollout_fraction"`
	Policy          *string  `json:"policy"`
}

// Patch enables, disables, re-rolls-out or re-policies a bank or list of the given family.
func Patch(ctx context.Context, db *store.DB, now time.Time, family, setID string, in PatchInput) (store.FilterSet, error) {
	set, err := db.FilterSet(ctx, setID)
	if err != nil {
		return set, err
	}
	if set.Family != family {
		return set, fmt.Errorf("%s %s: %w", family, setID, store.ErrNotFound)
	}
	var v Validator
	if in.Enabled != nil {
		set.Enabled = *in.Enabled
	}
	if in.RolloutFraction != nil {
		v.Rollout("rollout_fraction", *in.RolloutFraction)
		set.RolloutFraction = *in.RolloutFraction
	}
	if in.Policy != nil {
		v.Policy("policy", *in.Policy)
		set.Policy = *in.Policy
	}
	if err := v.Err(); err != nil {
		return set, err
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		return tx.SetFilterSetState(ctx, setID, set.Enabled, set.RolloutFraction, set.Policy, now)
	})
	set.UpdatedAt = now
	return set, err
}

// Patch changes a bank's state.
func (s *Service) Patch(ctx context.Context, bankID string, in PatchInput) (Bank, error) {
	set, err := Patch(ctx, s.DB, s.now(), store.FamilyBank, bankID, in)
	if err != nil {
		return Bank{}, err
	}
	s.changed()
	return bankView(set), nil
}

// Item is one signal to add.
type Item struct {
	Type   string `json:"type"`
	Value  string `json:"value"`
	Source string `json:"source"`
	CaseID string `json:"case_id,omitempty"`
}

// AddEntry adds one signal; a live duplicate is store.ErrConflict.
func (s *Service) AddEntry(ctx context.Context, c org.Caller, bankID string, it Item) (Entry, error) {
	var v Validator
	checkItem(&v, "", &it)
	if err := v.Err(); err != nil {
		return Entry{}, err
	}
	if _, err := s.set(ctx, bankID); err != nil {
		return Entry{}, err
	}
	now := s.now()
	e := store.FilterEntry{ID: id.New("ent", now), SetID: bankID, Type: it.Type, Value: it.Value, Source: it.Source, CaseID: it.CaseID,
		AddedByOrg: c.OrgID, AddedByKey: c.KeyID, AddedAt: now}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.AddFilterEntry(ctx, e) }); err != nil {
		return Entry{}, err
	}
	s.changed()
	return EntryView(e), nil
}

func checkItem(v *Validator, prefix string, it *Item) {
	if !slices.Contains(Types, it.Type) {
		v.Add(prefix+"type", "unknown_value", "type must be one of "+strings.Join(Types, ", "))
	} else if val, err := NormalizeValue(it.Type, it.Value); err != nil {
		v.Add(prefix+"value", "invalid", err.Error())
	} else {
		it.Value = val
	}
	v.Text(prefix+"source", &it.Source, MaxSource, false)
	v.Text(prefix+"case_id", &it.CaseID, 64, false)
}

// ImportResult says what an import did.
type ImportResult struct {
	Received int `json:"received"`
	Added    int `json:"added"`
	Skipped  int `json:"skipped_duplicates"`
}

// Import adds many signals in one transaction; any bad item refuses the
// whole import (a rejected request stores nothing), naming up to 50 items.
func (s *Service) Import(ctx context.Context, c org.Caller, bankID string, items []Item) (ImportResult, error) {
	if len(items) > MaxImportRows {
		var v Validator
		v.Add("entries", "too_many", fmt.Sprintf("at most %d entries per import; split the file (sigap bank import does)", MaxImportRows))
		return ImportResult{}, v.Err()
	}
	var v Validator
	for i := range items {
		if len(v.Fields) >= 50 {
			break
		}
		checkItem(&v, fmt.Sprintf("entries[%d].", i), &items[i])
	}
	if err := v.Err(); err != nil {
		return ImportResult{}, err
	}
	if _, err := s.set(ctx, bankID); err != nil {
		return ImportResult{}, err
	}
	now := s.now()
	rows := make([]store.FilterEntry, len(items))
	for i, it := range items {
		rows[i] = store.FilterEntry{ID: id.New("ent", now), SetID: bankID, Type: it.Type, Value: it.Value, Source: it.Source,
			CaseID: it.CaseID, AddedByOrg: c.OrgID, AddedByKey: c.KeyID, AddedAt: now}
	}
	var added int
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		added, err = tx.AddFilterEntries(ctx, rows)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	if added > 0 {
		s.changed()
	}
	return ImportResult{Received: len(items), Added: added, Skipped: len(items) - added}, nil
}

// RemoveEntry tombstones an entry: it stops matching and stays for the record.
func (s *Service) RemoveEntry(ctx context.Context, c org.Caller, bankID, entryID string) error {
	if _, err := s.set(ctx, bankID); err != nil {
		return err
	}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		return tx.RemoveFilterEntry(ctx, bankID, entryID, c.OrgID+"/"+c.KeyID, s.now())
	}); err != nil {
		return err
	}
	s.changed()
	return nil
}

// ReleaseEntry lifts a flood-guard quarantine.
func (s *Service) ReleaseEntry(ctx context.Context, bankID, entryID string) error {
	if _, err := s.set(ctx, bankID); err != nil {
		return err
	}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.ReleaseFilterEntry(ctx, bankID, entryID) }); err != nil {
		return err
	}
	s.changed()
	return nil
}

// Entries pages through a bank's entries.
func (s *Service) Entries(ctx context.Context, bankID, cursor string, limit int, withRemoved bool) ([]Entry, string, error) {
	if _, err := s.set(ctx, bankID); err != nil {
		return nil, "", err
	}
	return Entries(ctx, s.DB, bankID, cursor, limit, withRemoved)
}

// Entries pages through the entries of any set.
func Entries(ctx context.Context, db *store.DB, setID, cursor string, limit int, withRemoved bool) ([]Entry, string, error) {
	rows, err := db.FilterEntries(ctx, setID, cursor, limit+1, withRemoved)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > limit {
		rows, next = rows[:limit], rows[limit-1].ID
	}
	out := make([]Entry, len(rows))
	for i, e := range rows {
		out[i] = EntryView(e)
	}
	return out, next, nil
}
