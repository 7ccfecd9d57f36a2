package filterset

import (
	"context"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Service manages the sets of one family on the store.
type Service struct {
	Kind  Kind
	DB    *store.DB
	Clock clock.Clock
	// DailyCap is the circuit breaker's cap, shown with each set's stats.
	DailyCap int
	// OnChange, when set, is told that sets changed (the scanner rebuilds); it must not block.
	OnChange func()
	// OnEntries, when set, is told inside the adding transaction of the
	// entries added by hand or by import (package retro queues their
	// retroactive scan, which then commits with them).
	OnEntries func(ctx context.Context, tx *store.Tx, setID string, entryIDs []string) error
	// Guard, when set, may refuse changes by hand to a set's entries (a
	// subscription's copy of another server's feed: see internal/feed).
	Guard func(ctx context.Context, setID string) error
}

// entriesAdded tells OnEntries of rows added in tx.
func (s *Service) entriesAdded(ctx context.Context, tx *store.Tx, setID string, rows []store.FilterEntry) error {
	if s.OnEntries == nil || len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return s.OnEntries(ctx, tx, setID, ids)
}

// guard asks Guard, if set, whether setID's entries may be changed by hand.
func (s *Service) guard(ctx context.Context, setID string) error {
	if s.Guard == nil {
		return nil
	}
	return s.Guard(ctx, setID)
}

func (s *Service) changed() {
	if s.OnChange != nil {
		s.OnChange()
	}
}

func (s *Service) now() time.Time { return clock.NowMilli(s.Clock) }

// audit records a change of the family's sets in tx, the change's own
// transaction, so the record and the change commit together; the actor is
// the context's (audit.ActorFrom).
func (s *Service) audit(ctx context.Context, tx *store.Tx, now time.Time, action, object, orgID string) error {
	return tx.Audit(ctx, audit.Entry{At: now, Action: s.Kind.Names().Singular + "." + action, Object: object, OrgID: orgID})
}

// CreateInput is a new set. Kind and Language are for families whose sets
// have kinds (rule lists).
type CreateInput struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Policy      string   `json:"policy"`
	Labels      []string `json:"labels"`
	Language    string   `json:"language"`
	Description string   `json:"description"`
}

// Create stores a new set, enabled for every lookup.
func (s *Service) Create(ctx context.Context, c org.Caller, in CreateInput) (Set, error) {
	var v Validator
	v.Text("name", &in.Name, MaxName, true)
	v.Text("description", &in.Description, MaxDescription, false)
	kind := s.Kind.CheckSet(&v, &in)
	v.Policy("policy", in.Policy)
	labels := v.Labels("labels", in.Labels)
	if err := v.Err(); err != nil {
		return Set{}, err
	}
	n, now := s.Kind.Names(), s.now()
	set := store.FilterSet{ID: id.New(n.IDPrefix, now), Family: n.Family, Name: in.Name, Kind: kind, Policy: in.Policy,
		Labels: labels, Language: in.Language, Description: in.Description, Enabled: true, RolloutFraction: 1,
		CreatedByOrg: c.OrgID, CreatedByKey: c.KeyID, CreatedAt: now, UpdatedAt: now}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateFilterSet(ctx, set); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, audit.SetCreated, set.ID, c.OrgID)
	}); err != nil {
		return Set{}, err
	}
	s.changed()
	return s.view(set), nil
}

// changeableSet reads a set of this family whose entries may be changed by
// hand (see guard).
func (s *Service) changeableSet(ctx context.Context, setID string) (store.FilterSet, error) {
	set, err := s.set(ctx, setID)
	if err == nil {
		err = s.guard(ctx, setID)
	}
	if err != nil {
		return store.FilterSet{}, err
	}
	return set, nil
}

// set reads a set of this family; one of another family is not found.
func (s *Service) set(ctx context.Context, setID string) (store.FilterSet, error) {
	set, err := s.DB.FilterSet(ctx, setID)
	if err != nil {
		return set, err
	}
	if n := s.Kind.Names(); set.Family != n.Family {
		return set, fmt.Errorf("%s %s: %w", n.Singular, setID, store.ErrNotFound)
	}
	return set, nil
}

// Get returns a set with its stats and its most-hit entries.
func (s *Service) Get(ctx context.Context, setID string) (Set, error) {
	set, err := s.set(ctx, setID)
	if err != nil {
		return Set{}, err
	}
	st, err := s.DB.FilterSetStats(ctx, set.ID, s.now().Format(time.DateOnly))
	if err != nil {
		return Set{}, err
	}
	top, err := s.DB.TopFilterEntries(ctx, set.ID, 50)
	if err != nil {
		return Set{}, err
	}
	out := s.view(set)
	out.Stats = &Stats{Entries: st.Entries, Hits: st.Hits, Quarantined: st.Quarantined, FiledToday: st.FiledToday,
		RefusedToday: st.RefusedToday, DailyCap: s.DailyCap}
	out.RuleHits = make([]Entry, len(top))
	for i, e := range top {
		out.RuleHits[i] = EntryView(e)
	}
	return out, nil
}

// List pages through the family's sets.
func (s *Service) List(ctx context.Context, cursor string, limit int) ([]Set, string, error) {
	sets, err := s.DB.FilterSets(ctx, s.Kind.Names().Family, cursor, limit+1)
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(sets, limit, func(set store.FilterSet) string { return set.ID }, s.view)
	return out, next, nil
}

// pageOf views rows, read with one more than limit, as a page: the next
// cursor is the ID of the last row shown when more follow.
func pageOf[R, V any](rows []R, limit int, id func(R) string, view func(R) V) ([]V, string) {
	next := ""
	if len(rows) > limit {
		rows, next = rows[:limit], id(rows[limit-1])
	}
	out := make([]V, len(rows))
	for i, r := range rows {
		out[i] = view(r)
	}
	return out, next
}

// PatchInput changes a set's state; nil fields are kept.
type PatchInput struct {
	Enabled         *bool    `json:"enabled"`
	RolloutFraction *float64 `json:"rollout_fraction"`
	Policy          *string  `json:"policy"`
}

// Patch enables, disables, re-rolls-out or re-policies a set.
func (s *Service) Patch(ctx context.Context, setID string, in PatchInput) (Set, error) {
	set, err := s.set(ctx, setID)
	if err != nil {
		return Set{}, err
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
		return Set{}, err
	}
	now := s.now()
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetFilterSetState(ctx, setID, set.Enabled, set.RolloutFraction, set.Policy, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, audit.SetChanged, setID, set.CreatedByOrg)
	}); err != nil {
		return Set{}, err
	}
	set.UpdatedAt = now
	s.changed()
	return s.view(set), nil
}

// Item is one entry to add. Type is for families whose callers pick it (hash
// banks); for the others the value decides it.
type Item struct {
	Type   string `json:"type"`
	Value  string `json:"value"`
	Source string `json:"source"`
	CaseID string `json:"case_id,omitempty"`
}

// rows checks items as entries of set and makes their rows, naming at most
// maxRefusals refusals; single names the fields of a lone entry without an
// entries[i] prefix; pos, when not nil, is each item's place in the import
// (items an ImportSkipper left out are not in items).
func (s *Service) rows(v *Validator, set store.FilterSet, c org.Caller, items []Item, single bool, pos []int) []store.FilterEntry {
	now := s.now()
	out := make([]store.FilterEntry, 0, len(items))
	for i := range items {
		if len(v.Fields) >= maxRefusals {
			break
		}
		it, prefix := &items[i], ""
		if !single {
			at := i
			if pos != nil {
				at = pos[i]
			}
			prefix = fmt.Sprintf("entries[%d].", at)
		}
		key := s.Kind.CheckEntry(v, set, prefix, it)
		v.Text(prefix+"source", &it.Source, MaxSource, false)
		v.Text(prefix+"case_id", &it.CaseID, MaxCaseID, false)
		out = append(out, store.FilterEntry{ID: id.New("ent", now), SetID: set.ID, Type: it.Type, Value: it.Value, MatchKey: key,
			Source: it.Source, CaseID: it.CaseID, AddedByOrg: c.OrgID, AddedByKey: c.KeyID, AddedAt: now})
	}
	return out
}

// AddEntry adds one entry; a refused one is a validation error naming it, a
// live duplicate (the same value, or for rule lists another way of writing
// the same rule: see the Kind's MatchKey) store.ErrConflict.
func (s *Service) AddEntry(ctx context.Context, c org.Caller, setID string, it Item) (Entry, error) {
	set, err := s.changeableSet(ctx, setID)
	if err != nil {
		return Entry{}, err
	}
	var v Validator
	rows := s.rows(&v, set, c, []Item{it}, true, nil)
	if err := v.Err(); err != nil {
		return Entry{}, err
	}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AddFilterEntry(ctx, rows[0]); err != nil {
			return err
		}
		if err := s.entriesAdded(ctx, tx, setID, rows); err != nil {
			return err
		}
		return s.audit(ctx, tx, rows[0].AddedAt, audit.SetEntryAdded, rows[0].ID, c.OrgID)
	}); err != nil {
		return Entry{}, err
	}
	s.changed()
	return EntryView(rows[0]), nil
}

// ImportResult says what an import did.
type ImportResult struct {
	Received int `json:"received"`
	Added    int `json:"added"`
	Skipped  int `json:"skipped_duplicates"`
	// SkippedTypes counts, per type, the items of types the family does not
	// hold (see ImportSkipper), left out rather than refusing the import.
	SkippedTypes map[string]int `json:"skipped_types,omitempty"`
}

// ImportSkipper is a Kind whose imports leave out some items (signals of
// types it does not hold) instead of refusing them; typ names the item's
// type for ImportResult.SkippedTypes.
type ImportSkipper interface {
	SkipImport(it Item) (typ string, skip bool)
}

// Import adds many entries in one transaction; any refused item refuses the
// whole import (a rejected request stores nothing), naming up to 50 items.
// Duplicates, of live entries or of each other, are skipped and counted.
func (s *Service) Import(ctx context.Context, c org.Caller, setID string, items []Item) (ImportResult, error) {
	set, err := s.changeableSet(ctx, setID)
	if err != nil {
		return ImportResult{}, err
	}
	var v Validator
	if max := s.Kind.MaxImport(); len(items) > max {
		v.Add("entries", "too_many", fmt.Sprintf("at most %d entries per import; split the file", max))
		return ImportResult{}, v.Err()
	}
	received := len(items)
	var skippedTypes map[string]int
	var pos []int
	if sk, ok := s.Kind.(ImportSkipper); ok {
		kept := make([]Item, 0, len(items))
		pos = make([]int, 0, len(items))
		for i, it := range items {
			if typ, skip := sk.SkipImport(it); skip {
				if skippedTypes == nil {
					skippedTypes = map[string]int{}
				}
				skippedTypes[typ]++
				continue
			}
			kept, pos = append(kept, it), append(pos, i)
		}
		items = kept
	}
	rows := s.rows(&v, set, c, items, false, pos)
	if err := v.Err(); err != nil {
		return ImportResult{}, err
	}
	var added int
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if added, err = tx.AddFilterEntries(ctx, rows); err != nil {
			return err
		}
		if added > 0 {
			// Duplicates skipped are not live entries, so their scan finds nothing to match.
			if err := s.entriesAdded(ctx, tx, setID, rows); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, s.now(), audit.SetImported, setID, c.OrgID)
	}); err != nil {
		return ImportResult{}, err
	}
	if added > 0 {
		s.changed()
	}
	return ImportResult{Received: received, Added: added, Skipped: len(items) - added, SkippedTypes: skippedTypes}, nil
}

// RemoveEntry tombstones an entry: it stops matching and stays for the record.
func (s *Service) RemoveEntry(ctx context.Context, c org.Caller, setID, entryID string) error {
	if _, err := s.changeableSet(ctx, setID); err != nil {
		return err
	}
	now := s.now()
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RemoveFilterEntry(ctx, setID, entryID, c.OrgID+"/"+c.KeyID, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, audit.SetEntryRemoved, entryID, c.OrgID)
	}); err != nil {
		return err
	}
	s.changed()
	return nil
}

// ReleaseEntry lifts a flood-guard quarantine.
func (s *Service) ReleaseEntry(ctx context.Context, setID, entryID string) error {
	set, err := s.set(ctx, setID)
	if err != nil {
		return err
	}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.ReleaseFilterEntry(ctx, setID, entryID); err != nil {
			return err
		}
		return s.audit(ctx, tx, s.now(), audit.SetEntryRelease, entryID, set.CreatedByOrg)
	}); err != nil {
		return err
	}
	s.changed()
	return nil
}

// Entry returns one entry of a set as it is now.
func (s *Service) Entry(ctx context.Context, setID, entryID string) (Entry, error) {
	if _, err := s.set(ctx, setID); err != nil {
		return Entry{}, err
	}
	e, err := s.DB.FilterEntry(ctx, setID, entryID)
	if err != nil {
		return Entry{}, err
	}
	return EntryView(e), nil
}

// Entries pages through a set's entries.
func (s *Service) Entries(ctx context.Context, setID, cursor string, limit int, withRemoved bool) ([]Entry, string, error) {
	return s.SearchEntries(ctx, setID, "", cursor, limit, withRemoved)
}

// SearchEntries pages through the entries of a set whose value or source
// holds text (any case; "" is every entry).
func (s *Service) SearchEntries(ctx context.Context, setID, text, cursor string, limit int, withRemoved bool) ([]Entry, string, error) {
	if _, err := s.set(ctx, setID); err != nil {
		return nil, "", err
	}
	rows, err := s.DB.SearchFilterEntries(ctx, setID, text, cursor, limit+1, withRemoved)
	if err != nil {
		return nil, "", err
	}
	out, next := pageOf(rows, limit, func(e store.FilterEntry) string { return e.ID }, EntryView)
	return out, next, nil
}
