package rulelist

import (
	"errors"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/linkmatch"
	"github.com/sigap/sigap/internal/subject"
	"github.com/sigap/sigap/internal/textmatch"
)

// TestRefusalMessages: a refused rule's message is a plain sentence without
// package prefixes or internal rule IDs, and the cause stays comparable with
// errors.Is.
func TestRefusalMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind, value string
		cause       error
		want        string
	}{
		{KindKeyword, "di", textmatch.ErrTooCommon, `"di" is too short or too common to be a rule (a keyword needs at least 3 letters`},
		{KindKeyword, "ya", textmatch.ErrTooCommon, `"ya" is too short or too common`},
		{KindKeyword, "the", textmatch.ErrTooCommon, `"the" is too short or too common`},
		{KindKeyword, "!!!", textmatch.ErrEmptyPattern, `keyword "!!!" has no letters or digits`},
		{KindKeyword, strings.Repeat("kata ", 60), textmatch.ErrTooLong, "a keyword is at most 256 bytes"},
		{KindRegex, "(unclosed", textmatch.ErrBadRegex, `regex "(unclosed" is not a valid regular expression (missing closing )`},
		{KindRegex, "x?", textmatch.ErrMatchesEmpty, `regex "x?" matches the empty string`},
		{KindRegex, ".*", textmatch.ErrMatchesEmpty, "matches the empty string"},
		{KindRegex, "(a+)+$", textmatch.ErrMatchesEverything, `regex "(a+)+$" can match text as short as 1 byte and would match ordinary posts`},
		{KindRegex, "(abc|def|ghi){200}", textmatch.ErrTooComplex, "is too complex: it compiles to more than 2000 steps"},
		{KindRegex, strings.Repeat("a", 600), textmatch.ErrTooLong, "a regular expression is at most 512 bytes"},
		{KindLink, "com", linkmatch.ErrTooBroad, `"com" is a single name without a dot, such as a top-level domain`},
		{KindLink, "not a url at all", ErrNotALink, `"not a url at all" is not a link or a domain`},
		{KindLink, "https://", ErrNotALink, "is not a link or a domain"},
		{KindLink, "ftp://example.com/x", subject.ErrUnsupportedScheme, "is not a web or Telegram link"},
		{KindText, "too short", ErrTextLength, "needs at least 8 words"},
		{KindKeyword, "bom \xff", ErrInvalidUTF8, "not valid UTF-8"},
		{KindKeyword, "   ", ErrEmpty, "the rule is empty"},
		{"colour", "x", ErrUnknownKind, `unknown list kind "colour"`},
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.value, func(t *testing.T) {
			t.Parallel()
			_, _, err := Check(tc.kind, tc.value)
			if !errors.Is(err, ErrRule) || !errors.Is(err, tc.cause) {
				t.Fatalf("want ErrRule and %v, got %v", tc.cause, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want it to hold %q", msg, tc.want)
			}
			for _, internal := range []string{"rulelist:", "textmatch:", "linkmatch:", "subject:", `rule "entry"`, "(#0)"} {
				if strings.Contains(msg, internal) {
					t.Errorf("message %q shows internal text %q", msg, internal)
				}
			}
		})
	}
}
