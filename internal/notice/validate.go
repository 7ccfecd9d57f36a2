package notice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/subject"
)

// Limits of a notice.
const (
	MaxSubjects       = 100_000
	MaxExplanation    = 20_000
	MaxShortField     = 500
	MaxEvidence       = 100
	MaxTerritoryCodes = 60
)

// RequestReview asks the platform to review the content and choose the action itself.
const RequestReview = "review"

// RequestedActions lists the actions a notifier may ask for: a restricting
// decision action, or a review.
var RequestedActions = []string{action.Remove, action.GeoRestrict, action.Suspend, RequestReview}

// FieldError is one bad field of a request, as the contract's 422 lists them.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ErrInvalid wraps a request that failed validation; see Errors for the fields.
var ErrInvalid = errors.New("notice: invalid request")

// ValidationError carries every bad field of one request.
type ValidationError struct{ Fields []FieldError }

func (e *ValidationError) Error() string {
	return fmt.Sprintf("notice: %d invalid field(s), first: %s: %s", len(e.Fields), e.Fields[0].Field, e.Fields[0].Message)
}

// Unwrap lets callers test errors.Is(err, ErrInvalid).
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Request is a validated notice request, subjects already canonicalised.
type Request struct {
	Kind             string
	Regime           string
	Category         string
	Subjects         []Subject
	Explanation      string
	LegalBasis       string
	Reference        string
	Urgent           bool
	RequestedAction  string
	TerritorialScope []string
	Language         string
	Evidence         []Evidence
	Contact          *Contact
	GoodFaith        bool
	SLA              policy.SLA
	// InformUploaderAfter is an authority's "do not inform the uploader until" date (TCO Art. 11).
	InformUploaderAfter *time.Time
	// Documents are the files attached in the body (base64), checked.
	Documents []document.Upload
	// PreserveDays is how long a preservation asks the data kept (0 for other kinds).
	PreserveDays int
	// TCO is an EU-TCO removal order's Annex I fields, when given.
	TCO *TCO
}

// wire is the request body with every field raw, so each can fail on its own.
type wire map[string]json.RawMessage

var knownFields = []string{"kind", "regime", "category", "subjects", "explanation", "legal_basis", "reference",
	"urgent", "requested_action", "territorial_scope", "language", "evidence", "contact", "good_faith", "inform_uploader_after", "documents", "preserve_days", "tco"}

var (
	territoryRe = regexp.MustCompile(`^[A-Z]{2}$`)
	languageRe  = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$`)
	sha256Re    = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
)

// Parse reads and validates a notice body for caller under p. It returns every
// bad field at once, so a person can fix them all in one go.
func Parse(body []byte, caller org.Caller, defaultRegime string, p *policy.Policy) (*Request, error) {
	v := &validator{}
	if !utf8.Valid(body) {
		return nil, &ValidationError{Fields: []FieldError{{Field: "", Code: "invalid_utf8", Message: "the body is not valid UTF-8; send JSON encoded in UTF-8"}}}
	}
	var w wire
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil || w == nil {
		msg := "the body is not a JSON object"
		if err != nil {
			msg += ": " + err.Error()
		}
		return nil, &ValidationError{Fields: []FieldError{{Field: "", Code: "malformed_json", Message: msg}}}
	}
	if dec.More() {
		return nil, &ValidationError{Fields: []FieldError{{Field: "", Code: "malformed_json", Message: "the body has data after the JSON object"}}}
	}
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(knownFields, k) {
			v.add(k, "unknown_field", fmt.Sprintf("%q is not a field of a notice (fields: %s)", k, strings.Join(knownFields, ", ")))
		}
	}
	r := &Request{}
	v.enum(w, "kind", &r.Kind, Kinds, true)
	v.enum(w, "category", &r.Category, policy.Categories, true)
	v.str(w, "explanation", &r.Explanation, MaxExplanation, true)
	v.str(w, "legal_basis", &r.LegalBasis, MaxShortField, false)
	v.str(w, "reference", &r.Reference, MaxShortField, false)
	v.boolean(w, "urgent", &r.Urgent)
	v.boolean(w, "good_faith", &r.GoodFaith)
	v.enum(w, "requested_action", &r.RequestedAction, RequestedActions, false)
	v.str(w, "language", &r.Language, 35, false)
	if r.Language != "" && !languageRe.MatchString(r.Language) {
		v.add("language", "invalid", "language must be a BCP 47 tag such as id, en or ar")
	}
	v.str(w, "regime", &r.Regime, 32, false)
	if r.Regime == "" {
		r.Regime = defaultRegime
	}
	if r.Regime == "" {
		r.Regime = "ID-PSE"
	}
	regime, err := p.Regime(r.Regime)
	if err != nil {
		v.add("regime", "unknown_value", fmt.Sprintf("unknown regime %q; known regimes: %s", r.Regime, strings.Join(p.RegimeNames(), ", ")))
	}
	v.kindFor(r, caller)
	v.informAfter(w, r)
	v.scope(w, r, regime)
	v.evidence(w, r)
	v.contact(w, r)
	v.documents(w, r)
	v.preserveDays(w, r, p)
	v.tco(w, r)
	if _, ok := w["subjects"]; !ok {
		v.add("subjects", "required", "subjects is required: a list of 1 to 100000 items like {\"url\": \"https://t.me/channel/123\"}")
	} else {
		allowPrivate := regime != nil && regime.AllowPrivate
		r.Subjects = v.subjects(w["subjects"], allowPrivate)
	}
	if len(v.errs) > 0 {
		return nil, &ValidationError{Fields: v.errs}
	}
	r.SLA = regime.Classify(Binding(r.Kind), r.Category, r.Urgent)
	if s, _ := Spec(r.Kind); s.Class != "" {
		r.SLA = p.RequestSLA(regime, s.Class)
	}
	return r, nil
}

type validator struct{ errs []FieldError }

func (v *validator) add(field, code, msg string) {
	v.errs = append(v.errs, FieldError{Field: field, Code: code, Message: msg})
}

func (v *validator) str(w wire, field string, dst *string, max int, required bool) {
	raw, ok := w[field]
	if !ok || string(raw) == "null" {
		if required {
			v.add(field, "required", field+" is required")
		}
		return
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		v.add(field, "wrong_type", field+" must be a string")
		return
	}
	*dst = strings.TrimSpace(*dst)
	switch {
	case required && *dst == "":
		v.add(field, "required", field+" must not be empty")
	case utf8.RuneCountInString(*dst) > max:
		v.add(field, "too_long", fmt.Sprintf("%s is longer than %d characters", field, max))
	case strings.ContainsFunc(*dst, isBadControl):
		v.add(field, "invalid", field+" contains control characters")
	}
}

func isBadControl(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f }

func (v *validator) enum(w wire, field string, dst *string, allowed []string, required bool) {
	n := len(v.errs)
	v.str(w, field, dst, 64, required)
	if len(v.errs) > n || *dst == "" {
		return
	}
	if !slices.Contains(allowed, *dst) {
		v.add(field, "unknown_value", fmt.Sprintf("%q is not one of: %s", *dst, strings.Join(allowed, ", ")))
	}
}

func (v *validator) boolean(w wire, field string, dst *bool) {
	raw, ok := w[field]
	if !ok || string(raw) == "null" {
		return
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		v.add(field, "wrong_type", field+" must be true or false")
	}
}

// informAfter reads an authority's hold on informing the uploader; only authorities may set one.
func (v *validator) informAfter(w wire, r *Request) {
	raw, ok := w["inform_uploader_after"]
	if !ok || string(raw) == "null" {
		return
	}
	var t time.Time
	if err := json.Unmarshal(raw, &t); err != nil {
		v.add("inform_uploader_after", "wrong_type", "inform_uploader_after must be an RFC 3339 time such as 2026-12-31T00:00:00Z")
		return
	}
	if s, _ := Spec(r.Kind); !s.SentBy(org.KindAuthority) {
		v.add("inform_uploader_after", "not_allowed", "only an authority's order or referral may hold back informing the uploader")
		return
	}
	t = clock.Milli(t)
	r.InformUploaderAfter = &t
}

// kindFor checks the notice kind against who sends it and the fields each kind requires.
func (v *validator) kindFor(r *Request, c org.Caller) {
	s, ok := Spec(r.Kind)
	if !ok {
		return
	}
	if !s.SentBy(c.OrgKind) {
		allowed := KindsFor(c.OrgKind)
		v.add("kind", "kind_not_allowed", fmt.Sprintf("a %s org may send %s notices, not %q", c.OrgKind, strings.Join(allowed, " or "), r.Kind))
	}
	if s.NeedsLegalBasis && r.LegalBasis == "" {
		v.add("legal_basis", "required", article(r.Kind)+" must name its legal basis (the statute and article relied on)")
	}
	if s.NeedsGoodFaith && !r.GoodFaith {
		var need []string
		for _, k := range kinds {
			if k.NeedsGoodFaith {
				need = append(need, k.Name)
			}
		}
		v.add("good_faith", "required", article(strings.Join(need, " or "))+" must carry good_faith: true, the notifier's statement that it is accurate and complete")
	}
}

func (v *validator) scope(w wire, r *Request, regime *policy.Regime) {
	raw, ok := w["territorial_scope"]
	if ok && string(raw) != "null" {
		if !decodeList(v, raw, "territorial_scope", `ISO 3166-1 alpha-2 codes such as ["ID"]`, "territory codes", MaxTerritoryCodes, &r.TerritorialScope) {
			return
		}
		for i, c := range r.TerritorialScope {
			if !territoryRe.MatchString(c) {
				v.add(fmt.Sprintf("territorial_scope[%d]", i), "invalid", fmt.Sprintf("%q is not an upper-case ISO 3166-1 alpha-2 code (or EU)", c))
			}
		}
	}
	if len(r.TerritorialScope) == 0 && regime != nil {
		r.TerritorialScope = slices.Clone(regime.DefaultScope)
	}
	// A regime from the policy file may have no default scope; the answer's
	// territorial_scope is still a list, never null.
	if r.TerritorialScope == nil {
		r.TerritorialScope = []string{}
	}
}

// decodeList decodes raw, the value of field, into dst: a list of at most
// max items (shape says what one looks like, items what they are called in
// the refusal). It reports false, with the refusal added, when raw is not
// such a list.
func decodeList[T any](v *validator, raw json.RawMessage, field, shape, items string, max int, dst *[]T) bool {
	if err := json.Unmarshal(raw, dst); err != nil {
		v.add(field, "wrong_type", field+" must be a list of "+shape)
		return false
	}
	if len(*dst) > max {
		v.add(field, "too_many", fmt.Sprintf("at most %d %s", max, items))
		return false
	}
	return true
}

func (v *validator) evidence(w wire, r *Request) {
	raw, ok := w["evidence"]
	if !ok || string(raw) == "null" {
		return
	}
	if !decodeList(v, raw, "evidence", `{"sha256": "<64 hex digits>", "description": "..."}`, "evidence items", MaxEvidence, &r.Evidence) {
		return
	}
	for i := range r.Evidence {
		e := &r.Evidence[i]
		if !sha256Re.MatchString(e.SHA256) {
			v.add(fmt.Sprintf("evidence[%d].sha256", i), "invalid", "sha256 must be 64 hexadecimal digits")
		}
		e.SHA256 = strings.ToLower(e.SHA256)
		if utf8.RuneCountInString(e.Description) > MaxShortField {
			v.add(fmt.Sprintf("evidence[%d].description", i), "too_long", fmt.Sprintf("description is longer than %d characters", MaxShortField))
		}
	}
}

func (v *validator) contact(w wire, r *Request) {
	raw, ok := w["contact"]
	if !ok || string(raw) == "null" {
		return
	}
	var c Contact
	if err := json.Unmarshal(raw, &c); err != nil {
		v.add("contact", "wrong_type", "contact must be {\"name\": \"...\", \"email\": \"...\"}")
		return
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			v.add("contact.email", "invalid", fmt.Sprintf("%q is not an e-mail address", c.Email))
		}
	}
	if utf8.RuneCountInString(c.Name) > MaxShortField || len(c.Email) > 254 {
		v.add("contact", "too_long", "contact name or e-mail is too long")
	}
	r.Contact = &c
}

// subjects decodes the list quickly on the happy path and item by item only
// when something is wrong, so a 100,000-subject order stays cheap.
func (v *validator) subjects(raw json.RawMessage, allowPrivate bool) []Subject {
	var items []struct {
		URL *string `json:"url"`
	}
	badType := map[int]bool{}
	if err := json.Unmarshal(raw, &items); err != nil {
		var loose []json.RawMessage
		if err2 := json.Unmarshal(raw, &loose); err2 != nil {
			v.add("subjects", "wrong_type", "subjects must be a list of objects like {\"url\": \"https://t.me/channel/123\"}")
			return nil
		}
		items = make([]struct {
			URL *string `json:"url"`
		}, len(loose))
		for i, l := range loose {
			if err := json.Unmarshal(l, &items[i]); err != nil {
				v.add(fmt.Sprintf("subjects[%d]", i), "wrong_type", "each subject must be an object {\"url\": \"...\"} with a string url")
				badType[i] = true
			}
		}
	}
	switch {
	case len(items) == 0:
		v.add("subjects", "required", "subjects must list at least one item")
		return nil
	case len(items) > MaxSubjects:
		v.add("subjects", "too_many", fmt.Sprintf("a notice holds at most %d subjects (got %d); split it into several notices", MaxSubjects, len(items)))
		return nil
	}
	out := make([]Subject, 0, len(items))
	const maxReported = 100
	reported := 0
	report := func(field, code, msg string) {
		reported++
		if reported <= maxReported {
			v.add(field, code, msg)
		} else if reported == maxReported+1 {
			v.add("subjects", "too_many_errors", "more than 100 subjects are invalid; only the first 100 are listed")
		}
	}
	for i, it := range items {
		field := fmt.Sprintf("subjects[%d].url", i)
		if badType[i] {
			continue
		}
		if it.URL == nil {
			report(field, "required", "each subject needs a url")
			continue
		}
		s, err := subject.Parse(*it.URL)
		if err != nil {
			report(field, "invalid_link", err.Error())
			continue
		}
		if s.Private && !allowPrivate {
			report(field, "private_subject", "this link points to a private chat (an invite link or a t.me/c/ post); this regime covers public content only")
			continue
		}
		out = append(out, Subject{URL: *it.URL, Canonical: s.Canonical, Kind: string(s.Kind), Channel: s.Channel})
	}
	return out
}

// article puts "a" or "an" before a kind's name, for messages a person reads.
func article(name string) string {
	if name != "" && strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}
