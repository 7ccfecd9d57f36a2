package rulelist

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/linkmatch"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/subject"
	"github.com/sigap/sigap/internal/textmatch"
	"github.com/sigap/sigap/internal/textnorm"
)

// List kinds. KindText is sigap's extension of the contract: its entries
// are texts of removed content, matched as near-duplicates.
const (
	KindKeyword = "keyword"
	KindRegex   = "regex"
	KindLink    = "link"
	KindText    = "text"
)

// Kinds lists the list kinds.
var Kinds = []string{KindKeyword, KindRegex, KindLink, KindText}

// Entry types of link lists: what a link entry turned out to be.
const (
	TypeDomain  = "domain"
	TypeURL     = "url"
	TypeChannel = "channel"
	TypeMessage = "message"
)

// Limits.
const (
	MaxTextEntry   = 64 << 10
	MinTextWords   = 8
	MaxImportLines = 200_000
)

// List is a rule list as the API shows it.
type List struct {
	ID              string       `json:"id"`
	Name            string       `json:"name"`
	Kind            string       `json:"kind"`
	Policy          string       `json:"policy"`
	Labels          []string     `json:"labels"`
	Language        string       `json:"language,omitempty"`
	Description     string       `json:"description,omitempty"`
	Enabled         bool         `json:"enabled"`
	RolloutFraction float64      `json:"rollout_fraction"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
	Stats           *bank.Stats  `json:"stats,omitempty"`
	RuleHits        []bank.Entry `json:"rule_hits,omitempty"`
}

func view(s store.FilterSet) List {
	return List{ID: s.ID, Name: s.Name, Kind: s.Kind, Policy: s.Policy, Labels: s.Labels, Language: s.Language,
		Description: s.Description, Enabled: s.Enabled, RolloutFraction: s.RolloutFraction, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

var languageRe = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// Service manages rule lists on the store.
type Service struct {
	DB       *store.DB
	Clock    clock.Clock
	DailyCap int
	OnChange func()
}

func (s *Service) changed() {
	if s.OnChange != nil {
		s.OnChange()
	}
}

func (s *Service) now() time.Time { return s.Clock.Now().UTC().Truncate(time.Millisecond) }

// CreateInput is a new list.
type CreateInput struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Policy      string   `json:"policy"`
	Labels      []string `json:"labels"`
	Language    string   `json:"language"`
	Description string   `json:"description"`
}

// Create stores a new, enabled list.
func (s *Service) Create(ctx context.Context, c org.Caller, in CreateInput) (List, error) {
	var v bank.Validator
	v.Text("name", &in.Name, bank.MaxName, true)
	v.Text("description", &in.Description, 2000, false)
	if !slices.Contains(Kinds, in.Kind) {
		v.Add("kind", "unknown_value", "kind must be one of "+strings.Join(Kinds, ", "))
	}
	v.Policy("policy", in.Policy)
	labels := v.Labels("labels", in.Labels)
	if in.Language != "" && !languageRe.MatchString(in.Language) {
		v.Add("language", "invalid", "language must be a BCP 47 tag such as id, en or ar")
	}
	if err := v.Err(); err != nil {
		return List{}, err
	}
	now := s.now()
	set := store.FilterSet{ID: id.New("lst", now), Family: store.FamilyList, Name: in.Name, Kind: in.Kind, Policy: in.Policy,
		Labels: labels, Language: in.Language, Description: in.Description, Enabled: true, RolloutFraction: 1,
		CreatedByOrg: c.OrgID, CreatedByKey: c.KeyID, CreatedAt: now, UpdatedAt: now}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateFilterSet(ctx, set) }); err != nil {
		return List{}, err
	}
	s.changed()
	return view(set), nil
}

func (s *Service) set(ctx context.Context, listID string) (store.FilterSet, error) {
	set, err := s.DB.FilterSet(ctx, listID)
	if err != nil {
		return set, err
	}
	if set.Family != store.FamilyList {
		return set, fmt.Errorf("list %s: %w", listID, store.ErrNotFound)
	}
	return set, nil
}

// Get returns a list with its stats and its most-hit rules.
func (s *Service) Get(ctx context.Context, listID string) (List, error) {
	set, err := s.set(ctx, listID)
	if err != nil {
		return List{}, err
	}
	l := view(set)
	l.Stats, l.RuleHits, err = bank.SetStats(ctx, s.DB, set.ID, s.now(), s.DailyCap)
	return l, err
}

// List pages through lists.
func (s *Service) List(ctx context.Context, cursor string, limit int) ([]List, string, error) {
	sets, err := s.DB.FilterSets(ctx, store.FamilyList, cursor, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(sets) > limit {
		sets, next = sets[:limit], sets[limit-1].ID
	}
	out := make([]List, len(sets))
	for i, set := range sets {
		out[i] = view(set)
	}
	return out, next, nil
}

// Patch enables, disables, re-rolls-out or re-policies a list.
func (s *Service) Patch(ctx context.Context, listID string, in bank.PatchInput) (List, error) {
	set, err := bank.Patch(ctx, s.DB, s.now(), store.FamilyList, listID, in)
	if err != nil {
		return List{}, err
	}
	s.changed()
	return view(set), nil
}

// ErrRule wraps a rule refused at load.
var ErrRule = errors.New("rulelist: rule refused")

// Check validates value as an entry of a list of kind and returns the entry
// type and the value to store. The checks are the compilers' own, so what
// passes here compiles in the scanner's snapshot.
func (s *Service) Check(kind, value string) (typ, stored string, err error) {
	if !utf8.ValidString(value) {
		return "", "", refuse(ErrInvalidUTF8, "the rule is not valid UTF-8 text")
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return "", "", refuse(ErrEmpty, "the rule is empty")
	}
	switch kind {
	case KindKeyword, KindRegex:
		k := textmatch.KindKeyword
		if kind == KindRegex {
			k = textmatch.KindRegex
		}
		if _, err := textmatch.Compile([]textmatch.Rule{{ID: "entry", Kind: k, Pattern: value}}); err != nil {
			return "", "", textRefusal(kind, value, err)
		}
		if err := checkBenign(kind, value); err != nil {
			return "", "", err
		}
		return kind, value, nil
	case KindLink:
		typ, lk, err := ClassifyLink(value)
		if err != nil {
			return "", "", linkRefusal(value, err)
		}
		if lk == linkmatch.KindDomain {
			d, _ := linkmatch.NormalizeDomain(value)
			if err := checkPublicSuffix(d); err != nil {
				return "", "", err
			}
			return typ, d, nil
		}
		return typ, value, nil
	case KindText:
		if len(value) > MaxTextEntry {
			return "", "", refuse(ErrTextLength, fmt.Sprintf("a text entry is at most %d bytes", MaxTextEntry))
		}
		norm := textnorm.Normalize(value)
		if n := strings.Count(norm, " ") + 1; norm == "" || n < MinTextWords {
			return "", "", refuse(ErrTextLength, fmt.Sprintf("a near-duplicate text needs at least %d words after normalisation; shorter texts would match too much (use a keyword list)", MinTextWords))
		}
		return KindText, value, nil
	}
	return "", "", refuse(ErrUnknownKind, fmt.Sprintf("unknown list kind %q", kind))
}

// ClassifyLink says what a link list entry is: a Telegram channel or
// message link (every form of it), a URL (exact), or else a domain (with its
// subdomains). It refuses what linkmatch would refuse.
func ClassifyLink(v string) (string, linkmatch.Kind, error) {
	if !strings.Contains(v, "/") && !strings.Contains(v, ":") {
		if strings.ContainsFunc(v, unicode.IsSpace) {
			// A domain has no spaces: "not a url at all" is prose, not a top-level domain.
			return "", 0, ErrNotALink
		}
		if _, err := linkmatch.NormalizeDomain(v); err != nil {
			return "", 0, err
		}
		return TypeDomain, linkmatch.KindDomain, nil
	}
	sub, err := subject.Parse(v)
	if err != nil {
		// "example.com/" or "https://example.com" are domains written as links.
		if d, derr := linkmatch.NormalizeDomain(v); derr == nil && d != "" {
			return TypeDomain, linkmatch.KindDomain, nil
		}
		return "", 0, err
	}
	switch sub.Kind {
	case subject.KindTelegramChannel:
		return TypeChannel, linkmatch.KindChannel, nil
	case subject.KindTelegramMessage:
		return TypeMessage, linkmatch.KindMessage, nil
	}
	// A bare scheme+host ("https://example.com/") means the domain.
	if strings.Count(strings.TrimSuffix(strings.SplitN(v, "?", 2)[0], "/"), "/") <= 2 && !strings.Contains(v, "?") && !strings.HasPrefix(v, "tg:") &&
		!strings.Contains(v, "t.me") {
		if _, err := linkmatch.NormalizeDomain(v); err == nil {
			return TypeDomain, linkmatch.KindDomain, nil
		}
	}
	return TypeURL, linkmatch.KindURL, nil
}

// LinkKind maps a stored link entry type to the matcher's kind.
func LinkKind(typ string) linkmatch.Kind {
	switch typ {
	case TypeDomain:
		return linkmatch.KindDomain
	case TypeChannel:
		return linkmatch.KindChannel
	case TypeMessage:
		return linkmatch.KindMessage
	}
	return linkmatch.KindURL
}

// EntryInput is one rule to add.
type EntryInput struct {
	Value  string `json:"value"`
	Source string `json:"source"`
	CaseID string `json:"case_id,omitempty"`
}

func (s *Service) entries(v *bank.Validator, set store.FilterSet, c org.Caller, now time.Time, in []EntryInput, field func(int) string) []store.FilterEntry {
	out := make([]store.FilterEntry, 0, len(in))
	for i, e := range in {
		if len(v.Fields) >= 50 {
			break
		}
		typ, val, err := s.Check(set.Kind, e.Value)
		if err != nil {
			v.Add(field(i), "rule_refused", err.Error())
			continue
		}
		src, cs := e.Source, e.CaseID
		v.Text("source", &src, bank.MaxSource, false)
		v.Text("case_id", &cs, 64, false)
		out = append(out, store.FilterEntry{ID: id.New("ent", now), SetID: set.ID, Type: typ, Value: val, MatchKey: MatchKey(set.Kind, typ, val), Source: src, CaseID: cs,
			AddedByOrg: c.OrgID, AddedByKey: c.KeyID, AddedAt: now})
	}
	return out
}

func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	cut := 80
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// AddEntry adds one rule; a refused rule is a 422 naming it, a live duplicate
// (the same value, or another way of writing the same rule: see MatchKey)
// store.ErrConflict.
func (s *Service) AddEntry(ctx context.Context, c org.Caller, listID string, in EntryInput) (bank.Entry, error) {
	set, err := s.set(ctx, listID)
	if err != nil {
		return bank.Entry{}, err
	}
	var v bank.Validator
	rows := s.entries(&v, set, c, s.now(), []EntryInput{in}, func(int) string { return "value" })
	if err := v.Err(); err != nil {
		return bank.Entry{}, err
	}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.AddFilterEntry(ctx, rows[0]) }); err != nil {
		return bank.Entry{}, err
	}
	s.changed()
	return bank.EntryView(rows[0]), nil
}

// Import adds many rules at once; any refused rule refuses the import, naming
// up to 50. Duplicates (of live rules or of each other, compared on what they
// match: see MatchKey) are skipped and counted.
func (s *Service) Import(ctx context.Context, c org.Caller, listID string, in []EntryInput) (bank.ImportResult, error) {
	set, err := s.set(ctx, listID)
	if err != nil {
		return bank.ImportResult{}, err
	}
	var v bank.Validator
	if len(in) > MaxImportLines {
		v.Add("entries", "too_many", fmt.Sprintf("at most %d entries per import", MaxImportLines))
		return bank.ImportResult{}, v.Err()
	}
	rows := s.entries(&v, set, c, s.now(), in, func(i int) string { return fmt.Sprintf("entries[%d]", i) })
	if err := v.Err(); err != nil {
		return bank.ImportResult{}, err
	}
	var added int
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		added, err = tx.AddFilterEntries(ctx, rows)
		return err
	}); err != nil {
		return bank.ImportResult{}, err
	}
	if added > 0 {
		s.changed()
	}
	return bank.ImportResult{Received: len(in), Added: added, Skipped: len(in) - added}, nil
}

// ParseText reads a plain-text import: one entry per line, blank lines and
// lines starting with "#" skipped. For text lists, entries are separated by
// a line holding only "---" instead, so a removed post may span lines.
func ParseText(r io.Reader, kind string) ([]EntryInput, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxTextEntry+1024)
	var out []EntryInput
	var para strings.Builder
	flush := func() {
		if t := strings.TrimSpace(para.String()); t != "" {
			out = append(out, EntryInput{Value: t})
		}
		para.Reset()
	}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.ContainsRune(line, 0) {
			// PostgreSQL cannot store it in text and SQLite would: refused the same on both.
			return nil, fmt.Errorf("rulelist: line %d holds a NUL character (U+0000), which no entry may hold; remove it", n)
		}
		if kind == KindText {
			if strings.TrimSpace(line) == "---" {
				flush()
				continue
			}
			para.WriteString(line)
			para.WriteByte('\n')
			continue
		}
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, EntryInput{Value: t})
		if len(out) > MaxImportLines {
			return nil, fmt.Errorf("rulelist: more than %d lines; split the file", MaxImportLines)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("rulelist: read import: %w", err)
	}
	return out, nil
}

// RemoveEntry tombstones a rule.
func (s *Service) RemoveEntry(ctx context.Context, c org.Caller, listID, entryID string) error {
	if _, err := s.set(ctx, listID); err != nil {
		return err
	}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		return tx.RemoveFilterEntry(ctx, listID, entryID, c.OrgID+"/"+c.KeyID, s.now())
	}); err != nil {
		return err
	}
	s.changed()
	return nil
}

// ReleaseEntry lifts a flood-guard quarantine.
func (s *Service) ReleaseEntry(ctx context.Context, listID, entryID string) error {
	if _, err := s.set(ctx, listID); err != nil {
		return err
	}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.ReleaseFilterEntry(ctx, listID, entryID) }); err != nil {
		return err
	}
	s.changed()
	return nil
}

// Entries pages through a list's rules.
func (s *Service) Entries(ctx context.Context, listID, cursor string, limit int, withRemoved bool) ([]bank.Entry, string, error) {
	if _, err := s.set(ctx, listID); err != nil {
		return nil, "", err
	}
	return bank.Entries(ctx, s.DB, listID, cursor, limit, withRemoved)
}
