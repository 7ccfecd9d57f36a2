package filterset

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/notice"
)

// The policies of a set: what a hit does.
const (
	PolicyAutoAction = "auto_action"
	PolicyReview     = "review"
	PolicyShadow     = "shadow"
)

// Policies lists the valid policies.
var Policies = []string{PolicyAutoAction, PolicyReview, PolicyShadow}

// Limits on what a set holds.
const (
	MaxName        = 200
	MaxDescription = 2000
	MaxLabels      = 20
	MaxLabel       = 64
	MaxSource      = 200
	MaxCaseID      = 64
	// maxRefusals bounds the refusals one import names.
	maxRefusals = 50
)

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
