package rulelist

import (
	"errors"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/linkmatch"
	"github.com/sigap/sigap/internal/subject"
	"github.com/sigap/sigap/internal/textmatch"
)

// TestCheck: what Check accepts, and what it stores, and what it refuses.
// A refusal is ErrRule and its cause, both comparable with errors.Is, and
// its message is a plain sentence without package prefixes or internal rule
// IDs.
func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind, value string
		cause       error  // nil: accepted
		msg         string // part of the refusal's message
		typ, stored string // when set: what an accepted rule is stored as
	}{
		// Refusals by the matchers and by Check itself.
		{KindKeyword, "di", textmatch.ErrTooCommon, `"di" is too short or too common to be a rule (a keyword needs at least 3 letters`, "", ""},
		{KindKeyword, "ya", textmatch.ErrTooCommon, `"ya" is too short or too common`, "", ""},
		{KindKeyword, "the", textmatch.ErrTooCommon, `"the" is too short or too common`, "", ""},
		{KindKeyword, "!!!", textmatch.ErrEmptyPattern, `keyword "!!!" has no letters or digits`, "", ""},
		{KindKeyword, strings.Repeat("kata ", 60), textmatch.ErrTooLong, "a keyword is at most 256 bytes", "", ""},
		{KindRegex, "(unclosed", textmatch.ErrBadRegex, `regex "(unclosed" is not a valid regular expression (missing closing )`, "", ""},
		{KindRegex, "x?", textmatch.ErrMatchesEmpty, `regex "x?" matches the empty string`, "", ""},
		{KindRegex, ".*", textmatch.ErrMatchesEmpty, "matches the empty string", "", ""},
		{KindRegex, "(a+)+$", textmatch.ErrMatchesEverything, `regex "(a+)+$" can match text as short as 1 byte and would match ordinary posts`, "", ""},
		{KindRegex, strings.Repeat("a", 600), textmatch.ErrTooLong, "a regular expression is at most 512 bytes", "", ""},
		{KindLink, "com", linkmatch.ErrTooBroad, `"com" is a single name without a dot, such as a top-level domain`, "", ""},
		{KindLink, "not a url at all", ErrNotALink, `"not a url at all" is not a link or a domain`, "", ""},
		{KindLink, "https://", ErrNotALink, "is not a link or a domain", "", ""},
		{KindLink, "ftp://example.com/x", subject.ErrUnsupportedScheme, "is not a web or Telegram link", "", ""},
		{KindText, "too short", ErrTextLength, "needs at least 8 words", "", ""},
		{KindKeyword, "bom \xff", ErrInvalidUTF8, "not valid UTF-8", "", ""},
		{KindKeyword, "   ", ErrEmpty, "the rule is empty", "", ""},
		{"colour", "x", ErrUnknownKind, `unknown list kind "colour"`, "", ""},

		// Keyword and regex rules that match ordinary sentences are refused
		// with a message giving the share; specific rules pass.
		{KindRegex, "yang", ErrCommonText, `regex "yang" matches`, "", ""},
		{KindRegex, "the", ErrCommonText, `regex "the" matches`, "", ""},
		{KindRegex, `\bdan\b`, ErrCommonText, "ordinary sentences", "", ""},
		{KindRegex, "kota", ErrCommonText, "a rule must be specific", "", ""},
		{KindRegex, "ال", ErrRule, "", "", ""}, // two letters: refused, whichever check sees it first
		{KindKeyword, "kota", ErrCommonText, `keyword "kota" matches`, "", ""},
		{KindKeyword, "hari ini", nil, "", "", ""}, // 4 of 300: below the line
		{KindKeyword, "weather", nil, "", "", ""},
		{KindKeyword, "bom bunuh diri", nil, "", "", ""},
		{KindKeyword, "perang suci", nil, "", "", ""},
		{KindKeyword, "senjata rakitan", nil, "", "", ""},
		{KindKeyword, "ragam kata", nil, "", "", ""},
		{KindRegex, `daulah\s+islamiy+ah`, nil, "", "", ""},
		{KindRegex, `j[i1]h[a4]d`, nil, "", "", ""},
		{KindKeyword, "الدولة الإسلامية", nil, "", "", ""},

		// A domain that is itself a public suffix (ICANN or private section)
		// is refused; sites under one are accepted.
		{KindLink, "co.id", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "go.id", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "ac.id", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "or.id", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "web.id", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "sch.id", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "CO.UK.", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "*.co.uk", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "com.au", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "blogspot.com", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "github.io", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "https://go.id/", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "www.go.id", ErrPublicSuffix, "public suffix", "", ""},
		{KindLink, "example.go.id", nil, "", TypeDomain, "example.go.id"},
		{KindLink, "www.example.go.id", nil, "", TypeDomain, "example.go.id"},
		{KindLink, "propaganda.example", nil, "", TypeDomain, "propaganda.example"},
		{KindLink, "someblog.blogspot.com", nil, "", TypeDomain, "someblog.blogspot.com"},
		{KindLink, "example.co.uk", nil, "", TypeDomain, "example.co.uk"},

		// RE2 runs in time linear in the text, so nested quantifiers are not
		// refused by themselves; only the program size is bounded.
		{KindRegex, `(aaa+)+$`, nil, "", "", ""},
		{KindRegex, `(\w{3,}){100}`, nil, "", "", ""},
		{KindRegex, `(bom(b|bs)?)+ rakitan`, nil, "", "", ""},
		{KindRegex, "(abc|def|ghi){200}", textmatch.ErrTooComplex, "is too complex: it compiles to more than 2000 steps", "", ""},
		{KindRegex, `[a-z]{3,}x{2001}`, textmatch.ErrBadRegex, "", "", ""}, // repeat counts above 1000 do not parse
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.value, func(t *testing.T) {
			t.Parallel()
			typ, stored, err := Check(tc.kind, tc.value)
			if tc.cause == nil {
				if err != nil || tc.typ != "" && (typ != tc.typ || stored != tc.stored) {
					t.Fatalf("Check = %q, %q, %v; want it accepted as %q %q", typ, stored, err, tc.typ, tc.stored)
				}
				return
			}
			if !errors.Is(err, ErrRule) || !errors.Is(err, tc.cause) {
				t.Fatalf("want ErrRule and %v, got %q, %q, %v", tc.cause, typ, stored, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q, want it to hold %q", msg, tc.msg)
			}
			for _, internal := range []string{"rulelist:", "textmatch:", "linkmatch:", "subject:", `rule "entry"`, "(#0)"} {
				if strings.Contains(msg, internal) {
					t.Errorf("message %q shows internal text %q", msg, internal)
				}
			}
		})
	}
}
