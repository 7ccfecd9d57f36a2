package dsasor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldError is one reason a statement is refused.
type FieldError struct {
	// Field is the statement field as a path: "decision_facts", "content_type[1]", "content_id.EAN-13";
	// in a batch, prefixed with the statement: "statements[3].puid".
	Field string `json:"field"`
	// Code is machine-readable: required, wrong_type, unknown_field, unknown_value, too_long, too_few,
	// invalid, invalid_date, out_of_range, excluded, before_application_date, personal_data, duplicate.
	Code string `json:"code"`
	// Rule is the specification's cross-field rule (R1...), or P1 for our personal-data check.
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
}

func (e FieldError) String() string { return e.Field + ": " + e.Message }

// ErrInvalid is what every *ValidationError wraps.
var ErrInvalid = errors.New("dsasor: invalid statement")

// ValidationError lists everything wrong with a statement or a batch.
type ValidationError struct {
	Errors []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		parts[i] = fe.String()
	}
	return "dsasor: invalid statement: " + strings.Join(parts, "; ")
}

// Unwrap lets callers test errors.Is(err, ErrInvalid).
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Fields returns the names of the fields with errors, in order, without repeats.
func (e *ValidationError) Fields() []string {
	var out []string
	for _, fe := range e.Errors {
		if !slices.Contains(out, fe.Field) {
			out = append(out, fe.Field)
		}
	}
	return out
}

// RulePersonalData is our own rule (not the database's): free-text fields
// must carry no links, e-mail addresses, @usernames or phone numbers, because
// the database publishes every statement and takes no personal data (DSA Art. 24(5)).
const RulePersonalData = "P1"

// personalData are the patterns the P1 check refuses in free text. They are
// deliberately narrow, so that a legal reference or an ordinary sentence is
// never refused; Scrub removes a wider set before a statement is built.
var personalData = []struct {
	what string
	// hints: the pattern can only match text (lower-cased) holding one of them.
	hints []string
	re    *regexp.Regexp
}{
	{"a link", []string{"://"}, regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]{1,15}://\S`)},
	{"a link", []string{"www."}, regexp.MustCompile(`(?i)\bwww\.[a-z0-9-]+\.\S`)},
	{"a Telegram link", []string{"t.me/", "telegram."}, regexp.MustCompile(`(?i)\b(?:t\.me|telegram\.me|telegram\.dog)/\S`)},
	{"an e-mail address", []string{"@"}, regexp.MustCompile(`[^\s@]+@[^\s@]+\.[A-Za-z]{2,}`)},
	{"a @username", []string{"@"}, regexp.MustCompile(`(?:^|[^\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b`)},
	{"a phone number", []string{"+"}, regexp.MustCompile(`\+\d[\d ()-]{6,}\d`)},
	{"a long number (a phone number or an account id)", nil, regexp.MustCompile(`\b\d{9,}\b`)},
}

// PersonalData returns what personal data s seems to hold ("a link", ...), or "".
func PersonalData(s string) string {
	low := strings.ToLower(s)
	for _, p := range personalData {
		if p.hints != nil && !slices.ContainsFunc(p.hints, func(h string) bool { return strings.Contains(low, h) }) {
			continue
		}
		if p.re.MatchString(s) {
			return p.what
		}
	}
	return ""
}

// Validator checks statements against a specification.
type Validator struct {
	spec *Spec
}

// NewValidator returns a validator for s.
func NewValidator(s *Spec) *Validator { return &Validator{spec: s} }

// Spec returns the validator's specification.
func (v *Validator) Spec() *Spec { return v.spec }

// ValidateStatement checks a built statement.
func (v *Validator) ValidateStatement(st *Statement) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("dsasor: encode statement: %w", err)
	}
	return v.ValidateJSON(b)
}

// ValidateJSON checks one statement given as a JSON object.
func (v *Validator) ValidateJSON(b []byte) error {
	m, err := decodeObject(b)
	if err != nil {
		return &ValidationError{Errors: []FieldError{{Field: "", Code: "invalid", Message: err.Error()}}}
	}
	return v.Validate(m)
}

func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("a statement is a JSON object: %v", err)
	}
	if m == nil {
		return nil, errors.New("a statement is a JSON object, not null")
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("a statement is one JSON object with nothing after it")
	}
	return m, nil
}

// Validate checks one statement decoded from JSON (numbers as json.Number or
// float64). It returns a *ValidationError naming every bad field, or nil.
//
// Beyond what the database itself refuses it also refuses, so that nothing is
// lost or leaked silently: fields the database would drop (the "otherwise:
// excluded" and "nulled_by_server" rules), unknown fields, end dates before
// the application date (advisory rule R13), and personal data in free text (P1).
// Date bounds are taken as exclusive, the stricter reading of min_date/max_date.
func (v *Validator) Validate(m map[string]any) error {
	c := &check{v: v, m: m, bad: map[string]bool{}}
	c.run()
	if len(c.errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: c.errs}
}

type check struct {
	v    *Validator
	m    map[string]any
	errs []FieldError
	bad  map[string]bool
}

func (c *check) add(field, code, rule, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Field: field, Code: code, Rule: rule, Message: fmt.Sprintf(format, args...)})
	c.bad[field] = true
}

// null reports whether the field is absent or null (or the literal "null" the database takes for some fields).
func (c *check) null(f *Field) bool {
	x, ok := c.m[f.Name]
	if !ok || x == nil {
		return true
	}
	s, isStr := x.(string)
	return isStr && s == "null" && f.AcceptsLiteralNullString
}

// given reports whether the field carries a value: not null, not an empty
// string, array or object. A value of the wrong type counts as given.
func (c *check) given(f *Field) bool {
	if c.null(f) {
		return false
	}
	switch x := c.m[f.Name].(type) {
	case string:
		return strings.TrimSpace(x) != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

func (c *check) holds(w *Condition) bool {
	x := c.m[w.Field]
	if w.Equals != "" {
		s, ok := x.(string)
		return ok && s == w.Equals
	}
	items, ok := x.([]any)
	return ok && slices.Contains(items, any(w.Contains))
}

func (c *check) run() {
	s := c.v.spec
	var unknown []string
	for k := range c.m {
		if s.byName[k] == nil {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		c.add(k, "unknown_field", "", "%q is not a statement field of the DSA Transparency Database", k)
	}
	for _, f := range s.Fields {
		c.field(f)
	}
	for _, r := range s.Rules {
		c.rule(r)
	}
	for _, f := range s.Fields {
		if !f.FreeText() || c.bad[f.Name] || !c.given(f) {
			continue
		}
		if what := PersonalData(c.m[f.Name].(string)); what != "" {
			c.add(f.Name, "personal_data", RulePersonalData,
				"%s seems to hold %s; statements are published and must carry no personal data (DSA Art. 24(5)): describe the content instead", f.Name, what)
		}
	}
}

func (c *check) field(f *Field) {
	x, present := c.m[f.Name]
	if c.null(f) {
		switch {
		case f.Required == Required:
			c.add(f.Name, "required", "", "%s is required: %s", f.Name, f.Description)
		case present && x == nil && !f.Nullable:
			c.add(f.Name, "wrong_type", "", "%s may not be null; leave it out instead", f.Name)
		}
		return
	}
	if f.Required == Required && !c.given(f) {
		c.add(f.Name, "required", "", "%s is required and may not be empty: %s", f.Name, f.Description)
		return
	}
	switch f.Type {
	case "string", "url", "date":
		str, ok := x.(string)
		if !ok {
			c.add(f.Name, "wrong_type", "", "%s must be a string", f.Name)
			return
		}
		c.scalar(f, f.Name, str)
	case "array":
		items, ok := x.([]any)
		if !ok {
			c.add(f.Name, "wrong_type", "", "%s must be an array of %s values", f.Name, f.ItemEnum)
			return
		}
		if len(items) < f.MinItems {
			c.add(f.Name, "too_few", "", "%s needs at least %d value(s)", f.Name, f.MinItems)
		}
		for i, it := range items {
			path := fmt.Sprintf("%s[%d]", f.Name, i)
			str, ok := it.(string)
			switch {
			case !ok:
				c.add(path, "wrong_type", "", "%s must be a string", path)
			case !c.v.spec.InEnum(f.ItemEnum, str):
				c.add(path, "unknown_value", "", "%s: %q is not a %s value", path, clipMsg(str), f.ItemEnum)
			}
		}
		if c.bad[f.Name] || slices.ContainsFunc(c.errs, func(e FieldError) bool { return strings.HasPrefix(e.Field, f.Name+"[") }) {
			c.bad[f.Name] = true
		}
	case "object":
		obj, ok := x.(map[string]any)
		if !ok {
			c.add(f.Name, "wrong_type", "", "%s must be an object", f.Name)
			return
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			path := f.Name + "." + k
			p, ok := f.Properties[k]
			if !ok {
				c.add(path, "unknown_field", "", "%s takes only the keys %v", f.Name, propertyNames(f))
				c.bad[f.Name] = true
				continue
			}
			str, ok := obj[k].(string)
			switch {
			case !ok:
				c.add(path, "wrong_type", "", "%s must be a string", path)
				c.bad[f.Name] = true
			case p.re != nil && !p.re.MatchString(str):
				c.add(path, "invalid", "", "%s must match %s", path, p.Pattern)
				c.bad[f.Name] = true
			}
		}
	}
}

func propertyNames(f *Field) []string {
	out := make([]string, 0, len(f.Properties))
	for k := range f.Properties {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func clipMsg(s string) string {
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	return string([]rune(s)[:80]) + "…"
}

func (c *check) scalar(f *Field, path, str string) {
	if f.Enum != "" && !c.v.spec.InEnum(f.Enum, str) {
		c.add(path, "unknown_value", "", "%s: %q is not a %s value", path, clipMsg(str), f.Enum)
		return
	}
	if f.MaxLength > 0 && utf8.RuneCountInString(str) > f.MaxLength {
		c.add(path, "too_long", "", "%s may be at most %d characters; it has %d", path, f.MaxLength, utf8.RuneCountInString(str))
		return
	}
	if f.re != nil && !f.re.MatchString(str) {
		c.add(path, "invalid", "", "%s must match %s", path, f.Pattern)
		return
	}
	switch f.Type {
	case "url":
		u, err := url.Parse(str)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(str, " \t\n") {
			c.add(path, "invalid", "", "%s must be an http(s) URL", path)
		}
	case "date":
		d, ok := parseDate(str)
		switch {
		case !ok:
			c.add(path, "invalid_date", "", "%s must be a date YYYY-MM-DD with leading zeroes, not %q", path, clipMsg(str))
		case !f.min.IsZero() && !d.After(f.min):
			c.add(path, "out_of_range", "", "%s must be after %s", path, f.MinDate)
		case !f.max.IsZero() && !d.Before(f.max):
			c.add(path, "out_of_range", "", "%s must be before %s, the latest date the database takes", path, f.MaxDate)
		}
	}
}

func parseDate(s string) (time.Time, bool) {
	if len(s) != len(DateLayout) {
		return time.Time{}, false
	}
	d, err := time.Parse(DateLayout, s)
	return d, err == nil
}

func (c *check) rule(r *Rule) {
	s := c.v.spec
	switch r.Kind {
	case KindAtLeastOneOf:
		for _, name := range r.Fields {
			if c.given(s.byName[name]) {
				return
			}
		}
		c.add(r.Fields[0], "required", r.ID, "give at least one of %s: the statement must say what was restricted", strings.Join(r.Fields, ", "))
	case KindRequiredIf, KindAllowedIf, KindExcludedIf:
		f := s.byName[r.Field]
		if c.bad[r.When.Field] || c.bad[f.Name] {
			return
		}
		holds := c.holds(r.When)
		switch {
		case r.Kind == KindRequiredIf && holds && !c.given(f):
			c.add(f.Name, "required", r.ID, "%s is required when %s", f.Name, r.When)
		case r.Kind == KindExcludedIf && holds && !c.null(f):
			c.add(f.Name, "excluded", r.ID, "%s must be left out when %s; the database would drop it", f.Name, r.When)
		case r.Kind != KindExcludedIf && !holds && !c.null(f) && r.Otherwise != "":
			c.add(f.Name, "excluded", r.ID, "%s is only taken when %s; the database would drop it, so leave it out", f.Name, r.When)
		}
	case KindAdvisory:
		app := s.byName["application_date"]
		if c.bad[app.Name] || c.null(app) {
			return
		}
		a, ok := parseDate(fmt.Sprint(c.m[app.Name]))
		if !ok {
			return
		}
		for _, name := range r.Fields {
			f := s.byName[name]
			if c.bad[name] || c.null(f) {
				continue
			}
			if d, ok := parseDate(fmt.Sprint(c.m[name])); ok && d.Before(a) {
				c.add(name, "before_application_date", r.ID, "%s %s is before application_date %s", name, c.m[name], c.m[app.Name])
			}
		}
	case KindUnique:
		// Uniqueness is across statements: ValidateBatch checks it.
	}
}

// ValidateBatch checks a batch for POST /api/v1/statements: 1 to MaxBatch
// statements, each valid, with no puid twice. Errors name the statement:
// "statements[3].decision_facts".
func (v *Validator) ValidateBatch(batch []map[string]any) error {
	var errs []FieldError
	if len(batch) == 0 || len(batch) > v.spec.MaxBatch {
		errs = append(errs, FieldError{Field: "statements", Code: "too_many",
			Message: fmt.Sprintf("a batch holds 1 to %d statements, not %d", v.spec.MaxBatch, len(batch))})
		if len(batch) == 0 {
			errs[0].Code = "too_few"
		}
	}
	seen := map[string]map[string]int{}
	for _, r := range v.spec.Rules {
		if r.Kind == KindUnique {
			seen[r.Field] = map[string]int{}
		}
	}
	for i, m := range batch {
		prefix := fmt.Sprintf("statements[%d]", i)
		if err := v.Validate(m); err != nil {
			var ve *ValidationError
			errors.As(err, &ve)
			for _, fe := range ve.Errors {
				fe.Field = prefix + "." + fe.Field
				errs = append(errs, fe)
			}
		}
		for _, r := range v.spec.Rules {
			if r.Kind != KindUnique {
				continue
			}
			val, ok := m[r.Field].(string)
			if !ok {
				continue
			}
			if j, dup := seen[r.Field][val]; dup {
				errs = append(errs, FieldError{Field: prefix + "." + r.Field, Code: "duplicate", Rule: r.ID,
					Message: fmt.Sprintf("%s %q is also statements[%d]'s; it must be unique per platform", r.Field, clipMsg(val), j)})
				continue
			}
			seen[r.Field][val] = i
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: errs}
}

// ValidateStatements checks built statements as one batch.
func (v *Validator) ValidateStatements(sts []*Statement) error {
	raws := make([]json.RawMessage, len(sts))
	for i, st := range sts {
		b, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("dsasor: encode statement: %w", err)
		}
		raws[i] = b
	}
	_, err := v.ValidateRawBatch(raws)
	return err
}
