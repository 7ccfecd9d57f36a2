package dsasor_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/dsasor"
)

// base is a valid statement: a removal of illegal content after a trusted flagger's notice.
func base() map[string]any {
	return map[string]any{
		"puid":                         "sgp1-0123456789abcdef",
		"decision_visibility":          []any{"DECISION_VISIBILITY_CONTENT_REMOVED"},
		"decision_ground":              "DECISION_GROUND_ILLEGAL_CONTENT",
		"illegal_content_legal_ground": "UU ITE Art. 40(2b)",
		"illegal_content_explanation":  "The post calls for attacks on named places.",
		"content_type":                 []any{"CONTENT_TYPE_TEXT"},
		"category":                     "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
		"content_date":                 "2026-11-20",
		"application_date":             "2026-11-27",
		"decision_facts":               "The item is a post in a public channel. It was assessed as terrorist content.",
		"source_type":                  "SOURCE_TRUSTED_FLAGGER",
		"automated_detection":          "No",
		"automated_decision":           "AUTOMATED_DECISION_NOT_AUTOMATED",
	}
}

// jsonNull sets a field to JSON null in with.
type jsonNull struct{}

// with returns a copy of m with the given field/value pairs set: a nil value
// deletes the field, jsonNull{} makes it null.
func with(m map[string]any, kv ...any) map[string]any {
	out := maps.Clone(m)
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		switch kv[i+1].(type) {
		case nil:
			delete(out, k)
		case jsonNull:
			out[k] = nil
		default:
			out[k] = kv[i+1]
		}
	}
	return out
}

// holds evaluates a rule's condition on m.
func holds(w *dsasor.Condition, m map[string]any) bool {
	if w.Equals != "" {
		return m[w.Field] == w.Equals
	}
	items, _ := m[w.Field].([]any)
	return slices.Contains(items, any(w.Contains))
}

// fixup makes m satisfy the cross-field rules around the field keep: a rule
// on keep gets its condition made true (required_if, allowed_if) or false
// (excluded_if); then fields other rules now require are filled in, fields
// they drop are removed, and a restriction is added if none is left.
func fixup(s *dsasor.Spec, m map[string]any, keep string) map[string]any {
	for _, r := range s.Rules {
		if r.Field != keep || r.When == nil {
			continue
		}
		switch {
		case r.Kind == dsasor.KindExcludedIf && holds(r.When, m):
			m[r.When.Field] = otherValue(s, r.When.Field, r.When.Equals)
		case r.Kind != dsasor.KindExcludedIf && r.When.Equals != "":
			m[r.When.Field] = r.When.Equals
		case r.Kind != dsasor.KindExcludedIf:
			items, _ := m[r.When.Field].([]any)
			m[r.When.Field] = append(slices.Clone(items), r.When.Contains)
		}
	}
	given := func(name string) bool { v, ok := m[name]; return ok && v != nil && v != "null" }
	for range 3 {
		for _, r := range s.Rules {
			if r.Kind == dsasor.KindAtLeastOneOf && !slices.ContainsFunc(r.Fields, given) {
				for _, name := range r.Fields {
					if name != keep {
						m[name] = firstValue(s, name)
						break
					}
				}
			}
			if r.Field == keep || r.When == nil {
				continue
			}
			h := holds(r.When, m)
			switch r.Kind {
			case dsasor.KindRequiredIf:
				if h {
					if _, ok := m[r.Field]; !ok {
						m[r.Field] = "Described in words."
					}
				} else if r.Otherwise != "" {
					delete(m, r.Field)
				}
			case dsasor.KindAllowedIf:
				if !h {
					delete(m, r.Field)
				}
			case dsasor.KindExcludedIf:
				if h {
					delete(m, r.Field)
				}
			}
		}
	}
	return m
}

// firstValue is a valid value of an enum field (an array of one for arrays).
func firstValue(s *dsasor.Spec, name string) any {
	f := s.Field(name)
	if f.Type == "array" {
		return []any{s.Values(f.ItemEnum)[0]}
	}
	return s.Values(f.Enum)[0]
}

// otherValue is a value of the enum field other than not.
func otherValue(s *dsasor.Spec, name, not string) any {
	for _, v := range s.Values(s.Field(name).Enum) {
		if v != not {
			return v
		}
	}
	return nil
}

// problems returns the field errors of err (nil when err is nil) and fails on any other error.
func problems(t *testing.T, err error) []dsasor.FieldError {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *dsasor.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, dsasor.ErrInvalid) {
		t.Fatalf("error %v is not a *ValidationError wrapping ErrInvalid", err)
	}
	for _, fe := range ve.Errors {
		if fe.Code == "" || fe.Message == "" {
			t.Errorf("error without code or message: %+v", fe)
		}
	}
	return ve.Errors
}

// has reports whether errs hold one for field with code, and the message names the field.
func has(errs []dsasor.FieldError, field, code string) bool {
	for _, e := range errs {
		name := field
		if strings.HasPrefix(name, "statements[") && strings.Contains(name, "].") {
			name = name[strings.Index(name, "].")+2:]
		}
		if i := strings.IndexAny(name, "[."); i > 0 {
			name = name[:i]
		}
		if e.Field == field && e.Code == code && strings.Contains(e.Message, name) {
			return true
		}
	}
	return false
}
