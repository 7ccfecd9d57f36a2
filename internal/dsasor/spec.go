package dsasor

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"
)

// specJSON is the distilled DSA Transparency Database specification. It lives
// in testdata so that the tests and the validator read the very same bytes;
// TestSpecMatchesShared compares it with ../shared/spec when that is present.
//
//go:embed testdata/dsa-sor-fields.json
var specJSON []byte

// SpecJSON returns a copy of the embedded specification.
func SpecJSON() []byte { return bytes.Clone(specJSON) }

// DateLayout is the format of every date field (YYYY-MM-DD with leading zeroes).
const DateLayout = "2006-01-02"

// EnumValue is one allowed value of an enum and its label.
type EnumValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Requirement is a field's "required": true, false or "conditional" (a
// cross-field rule says when).
type Requirement string

// The requirements a field can have.
const (
	Required    Requirement = "required"
	Optional    Requirement = "optional"
	Conditional Requirement = "conditional"
)

// UnmarshalJSON reads true, false or "conditional".
func (r *Requirement) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "true":
		*r = Required
	case "false":
		*r = Optional
	case `"conditional"`:
		*r = Conditional
	default:
		return fmt.Errorf("required must be true, false or \"conditional\", not %s", b)
	}
	return nil
}

// Property is one key an object field accepts.
type Property struct {
	Type    string `json:"type"`
	Pattern string `json:"pattern"`
	re      *regexp.Regexp
}

// Field is one statement field as the specification describes it.
type Field struct {
	Name                     string              `json:"name"`
	Type                     string              `json:"type"`
	Required                 Requirement         `json:"required"`
	Enum                     string              `json:"enum"`
	ItemEnum                 string              `json:"item_enum"`
	MaxLength                int                 `json:"max_length"`
	Pattern                  string              `json:"pattern"`
	Format                   string              `json:"format"`
	MinDate                  string              `json:"min_date"`
	MaxDate                  string              `json:"max_date"`
	Nullable                 bool                `json:"nullable"`
	MinItems                 int                 `json:"min_items"`
	UniquePerPlatform        bool                `json:"unique_per_platform"`
	AcceptsLiteralNullString bool                `json:"accepts_literal_null_string"`
	Properties               map[string]Property `json:"properties"`
	Description              string              `json:"description"`
	DSARef                   string              `json:"dsa_ref"`

	re       *regexp.Regexp
	min, max time.Time
}

// FreeText reports whether the field takes free text (a string with no enum
// and no pattern): the fields that must be kept free of personal data.
func (f *Field) FreeText() bool { return f.Type == "string" && f.Enum == "" && f.Pattern == "" }

// Condition is the "when" of a cross-field rule.
type Condition struct {
	Field    string `json:"field"`
	Equals   string `json:"equals"`
	Contains string `json:"contains"`
}

func (c *Condition) String() string {
	if c.Contains != "" {
		return c.Field + " contains " + c.Contains
	}
	return c.Field + " is " + c.Equals
}

// Rule is one cross-field rule of the specification.
type Rule struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Field       string     `json:"field"`
	Fields      []string   `json:"fields"`
	When        *Condition `json:"when"`
	Otherwise   string     `json:"otherwise"`
	Note        string     `json:"note"`
	Scope       string     `json:"scope"`
	OnViolation string     `json:"on_violation"`
}

// The rule kinds the validator implements. A specification with any other
// kind does not load.
const (
	KindAtLeastOneOf = "at_least_one_of"
	KindRequiredIf   = "required_if"
	KindAllowedIf    = "allowed_if"
	KindExcludedIf   = "excluded_if"
	KindUnique       = "unique"
	KindAdvisory     = "advisory"
)

// advisoryEndDates is the advisory rule the specification asks us to enforce
// ourselves: a restriction's end date is not before its application date.
const advisoryEndDates = "R13"

// Spec is a loaded, checked specification.
type Spec struct {
	FormatVersion int
	Enums         map[string][]EnumValue
	EnumSubsets   map[string][]string
	Fields        []*Field
	Rules         []*Rule
	// MaxBatch is the most statements one POST /api/v1/statements takes.
	MaxBatch int

	byName map[string]*Field
	values map[string]map[string]bool
}

// ErrSpec means a specification file cannot be used.
var ErrSpec = errors.New("dsasor: unusable specification")

// Field returns the named field, or nil.
func (s *Spec) Field(name string) *Field { return s.byName[name] }

// InEnum reports whether v is a value of the named enum.
func (s *Spec) InEnum(enum, v string) bool { return s.values[enum][v] }

// Values lists the values of the named enum in the specification's order.
func (s *Spec) Values(enum string) []string {
	out := make([]string, 0, len(s.Enums[enum]))
	for _, e := range s.Enums[enum] {
		out = append(out, e.Value)
	}
	return out
}

var fieldTypes = []string{"string", "array", "date", "url", "object"}

// LoadSpec reads and checks a specification in the dsa-sor-fields format.
// Fields and rules are decoded strictly: an attribute, a field type or a rule
// kind this package does not implement is an error, never silently ignored.
func LoadSpec(b []byte) (*Spec, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrSpec, fmt.Sprintf(format, args...))
	}
	var top struct {
		Spec            string          `json:"spec"`
		FormatVersion   int             `json:"format_version"`
		Enums           json.RawMessage `json:"enums"`
		EnumSubsets     json.RawMessage `json:"enum_subsets"`
		Fields          json.RawMessage `json:"fields"`
		Rules           json.RawMessage `json:"rules"`
		ValueConvention struct {
			ArrayFields []string `json:"array_fields"`
		} `json:"value_conventions"`
		API struct {
			Endpoints []struct {
				Method   string `json:"method"`
				Path     string `json:"path"`
				MaxItems int    `json:"max_items"`
			} `json:"endpoints"`
		} `json:"api"`
	}
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, bad("%v", err)
	}
	if top.Spec != "dsa-sor-fields" || top.FormatVersion != 1 {
		return nil, bad("spec %q format_version %d; this package reads dsa-sor-fields version 1", top.Spec, top.FormatVersion)
	}
	s := &Spec{FormatVersion: top.FormatVersion, byName: map[string]*Field{}, values: map[string]map[string]bool{}}
	strict := func(raw json.RawMessage, v any, what string) error {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(v); err != nil {
			return bad("%s: %v", what, err)
		}
		return nil
	}
	if err := strict(top.Enums, &s.Enums, "enums"); err != nil {
		return nil, err
	}
	if len(top.EnumSubsets) > 0 {
		if err := strict(top.EnumSubsets, &s.EnumSubsets, "enum_subsets"); err != nil {
			return nil, err
		}
	}
	if err := strict(top.Fields, &s.Fields, "fields"); err != nil {
		return nil, err
	}
	if err := strict(top.Rules, &s.Rules, "rules"); err != nil {
		return nil, err
	}
	for name, vs := range s.Enums {
		if len(vs) == 0 {
			return nil, bad("enum %s has no values", name)
		}
		s.values[name] = map[string]bool{}
		for _, v := range vs {
			if v.Value == "" || s.values[name][v.Value] {
				return nil, bad("enum %s: empty or repeated value %q", name, v.Value)
			}
			s.values[name][v.Value] = true
		}
	}
	for name, sub := range s.EnumSubsets {
		for _, v := range sub {
			found := false
			for _, vals := range s.values {
				found = found || vals[v]
			}
			if !found {
				return nil, bad("enum subset %s: %q is in no enum", name, v)
			}
		}
	}
	var arrays []string
	for _, f := range s.Fields {
		if err := s.compileField(f); err != nil {
			return nil, bad("field %s: %v", f.Name, err)
		}
		if f.Type == "array" {
			arrays = append(arrays, f.Name)
		}
	}
	if conv := top.ValueConvention.ArrayFields; conv != nil && !sameSet(conv, arrays) {
		return nil, bad("value_conventions.array_fields %v disagree with the array fields %v", conv, arrays)
	}
	ruled := map[string]bool{}
	for _, r := range s.Rules {
		if err := s.checkRule(r); err != nil {
			return nil, bad("rule %s: %v", r.ID, err)
		}
		if r.Kind == KindAtLeastOneOf {
			for _, f := range r.Fields {
				ruled[f] = true
			}
		}
		if r.Kind == KindRequiredIf {
			ruled[r.Field] = true
		}
	}
	for _, f := range s.Fields {
		if f.Required == Conditional && !ruled[f.Name] {
			return nil, bad("field %s is conditionally required but no rule says when", f.Name)
		}
	}
	for _, e := range top.API.Endpoints {
		if e.Method == "POST" && e.Path == "/api/v1/statements" {
			s.MaxBatch = e.MaxItems
		}
	}
	if s.MaxBatch <= 0 {
		return nil, bad("api.endpoints has no POST /api/v1/statements with max_items")
	}
	return s, nil
}

func (s *Spec) compileField(f *Field) error {
	if f.Name == "" {
		return errors.New("no name")
	}
	if s.byName[f.Name] != nil {
		return errors.New("defined twice")
	}
	s.byName[f.Name] = f
	if !slices.Contains(fieldTypes, f.Type) {
		return fmt.Errorf("type %q is not one of %v", f.Type, fieldTypes)
	}
	if f.Required == "" {
		return errors.New(`no "required"`)
	}
	for _, e := range []string{f.Enum, f.ItemEnum} {
		if e != "" && s.values[e] == nil {
			return fmt.Errorf("enum %s is not defined", e)
		}
	}
	switch f.Type {
	case "array":
		if f.ItemEnum == "" || f.Enum != "" {
			return errors.New("an array needs item_enum (and no enum)")
		}
	default:
		if f.ItemEnum != "" || f.MinItems != 0 {
			return errors.New("item_enum and min_items are for arrays")
		}
	}
	if f.Enum != "" && f.Type != "string" {
		return errors.New("enum is for strings")
	}
	if f.Pattern != "" {
		re, err := regexp.Compile(f.Pattern)
		if err != nil {
			return err
		}
		f.re = re
	}
	if f.Type == "date" {
		if f.Format != "YYYY-MM-DD" {
			return fmt.Errorf("date format %q; only YYYY-MM-DD is implemented", f.Format)
		}
		var err error
		if f.MinDate != "" {
			if f.min, err = time.Parse(DateLayout, f.MinDate); err != nil {
				return err
			}
		}
		if f.MaxDate != "" {
			if f.max, err = time.Parse(DateLayout, f.MaxDate); err != nil {
				return err
			}
		}
	} else if f.Format != "" || f.MinDate != "" || f.MaxDate != "" {
		return errors.New("format, min_date and max_date are for dates")
	}
	if f.Type == "object" {
		if len(f.Properties) == 0 {
			return errors.New("an object needs properties")
		}
		for k, p := range f.Properties {
			if p.Type != "string" {
				return fmt.Errorf("property %s: type %q; only string is implemented", k, p.Type)
			}
			if p.Pattern != "" {
				re, err := regexp.Compile(p.Pattern)
				if err != nil {
					return fmt.Errorf("property %s: %w", k, err)
				}
				p.re = re
				f.Properties[k] = p
			}
		}
	} else if f.Properties != nil {
		return errors.New("properties are for objects")
	}
	if f.UniquePerPlatform && f.Required != Required {
		return errors.New("a unique field must be required")
	}
	return nil
}

func (s *Spec) checkRule(r *Rule) error {
	known := func(name string) error {
		if s.byName[name] == nil {
			return fmt.Errorf("names unknown field %q", name)
		}
		return nil
	}
	switch r.Kind {
	case KindAtLeastOneOf:
		if len(r.Fields) < 2 {
			return errors.New("at_least_one_of needs two fields or more")
		}
		for _, f := range r.Fields {
			if err := known(f); err != nil {
				return err
			}
		}
	case KindRequiredIf, KindAllowedIf, KindExcludedIf:
		if err := known(r.Field); err != nil {
			return err
		}
		if r.When == nil {
			return errors.New("no when")
		}
		if err := known(r.When.Field); err != nil {
			return err
		}
		w := s.byName[r.When.Field]
		switch {
		case r.When.Equals != "" && r.When.Contains == "":
			if w.Type != "string" || !s.values[w.Enum][r.When.Equals] {
				return fmt.Errorf("when %s: %s is not a value of %s", r.When, r.When.Equals, w.Name)
			}
		case r.When.Contains != "" && r.When.Equals == "":
			if w.Type != "array" || !s.values[w.ItemEnum][r.When.Contains] {
				return fmt.Errorf("when %s: %s is not an item value of %s", r.When, r.When.Contains, w.Name)
			}
		default:
			return errors.New("when needs exactly one of equals and contains")
		}
		switch r.Otherwise {
		case "", "excluded", "nulled_by_server":
		default:
			return fmt.Errorf("otherwise %q is not implemented", r.Otherwise)
		}
	case KindUnique:
		if err := known(r.Field); err != nil {
			return err
		}
		if !s.byName[r.Field].UniquePerPlatform {
			return fmt.Errorf("%s is unique but not marked unique_per_platform", r.Field)
		}
	case KindAdvisory:
		if r.ID != advisoryEndDates {
			return fmt.Errorf("advisory rule %s has no implementation here; implement it or say why not", r.ID)
		}
		for _, f := range r.Fields {
			if err := known(f); err != nil {
				return err
			}
			if s.byName[f].Type != "date" {
				return fmt.Errorf("%s is not a date", f)
			}
		}
		if s.byName["application_date"] == nil {
			return errors.New("needs application_date")
		}
	default:
		return fmt.Errorf("kind %q is not implemented", r.Kind)
	}
	return nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// loadDefault loads the embedded specification once.
var loadDefault = sync.OnceValues(func() (*Validator, error) {
	s, err := LoadSpec(specJSON)
	if err != nil {
		return nil, err
	}
	return NewValidator(s), nil
})

// Default returns the validator of the embedded specification. The embedded
// file is checked by the tests, so a failure here is a build defect and panics.
func Default() *Validator {
	v, err := loadDefault()
	if err != nil {
		panic(err)
	}
	return v
}
