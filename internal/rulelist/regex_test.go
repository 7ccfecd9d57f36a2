package rulelist

import (
	"errors"
	"testing"

	"github.com/sigap/sigap/internal/textmatch"
)

// TestRegexComplexityAccepted: RE2 runs in time linear in the text, so nested
// quantifiers are not refused by themselves; only the program size is
// bounded.
func TestRegexComplexityAccepted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		cause error // nil: accepted
	}{
		{`(aaa+)+$`, nil},
		{`(\w{3,}){100}`, nil},
		{`(bom(b|bs)?)+ rakitan`, nil},
		{`(abc|def|ghi){200}`, textmatch.ErrTooComplex},
		{`[a-z]{3,}x{2001}`, textmatch.ErrBadRegex}, // repeat counts above 1000 do not parse
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			t.Parallel()
			_, _, err := Check(KindRegex, tc.value)
			if tc.cause == nil && err != nil || tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("Check(%s) = %v, want %v", tc.value, err, tc.cause)
			}
		})
	}
}
