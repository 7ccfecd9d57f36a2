package rulelist

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"

	"github.com/sigap/sigap/internal/linkmatch"
	"github.com/sigap/sigap/internal/subject"
	"github.com/sigap/sigap/internal/textmatch"
)

// ErrCommonText is the cause of a refusal of a keyword or regex rule that
// matches too much of the benign corpus.
var ErrCommonText = errors.New("rulelist: rule matches ordinary text")

// RuleError is a refused rule. Its Error is a sentence in plain words for the
// person who entered the rule (the API and the web pages show it as is);
// code compares it with errors.Is against ErrRule and the cause, which is one
// of this package's, textmatch's, linkmatch's or subject's sentinel errors.
type RuleError struct {
	Message string
	Err     error
}

func (e *RuleError) Error() string { return e.Message }

// Unwrap gives ErrRule and the cause.
func (e *RuleError) Unwrap() []error { return []error{ErrRule, e.Err} }

func refuse(cause error, msg string) error { return &RuleError{Message: msg, Err: cause} }

// ErrPublicSuffix is the cause of a refusal of a domain that is a public
// suffix: a name under which unrelated people register their own sites.
var ErrPublicSuffix = errors.New("rulelist: domain is a public suffix")

// checkPublicSuffix refuses a normalised domain that is itself on the Public
// Suffix List, ICANN section (co.id, go.id, co.uk) or private section
// (blogspot.com, github.io): as a domain rule it would cover every site
// registered under it (a go.id rule files notices for every government site).
func checkPublicSuffix(d string) error {
	if ps, _ := publicsuffix.PublicSuffix(d); ps != d {
		return nil
	}
	return refuse(ErrPublicSuffix, fmt.Sprintf("%q is a public suffix: many unrelated sites are registered under it (such as example.%s); a domain rule must name one site's own domain", d, d))
}

// ErrNotALink is the cause of a refusal of a link-list entry with spaces in it
// or that no link parser accepts.
var ErrNotALink = errors.New("rulelist: not a link or domain")

// textRefusal turns textmatch's refusal of a keyword or regex rule into a
// sentence in plain words; the cause stays comparable with errors.Is.
func textRefusal(kind, value string, err error) error {
	q := fmt.Sprintf("%s %q", kind, clip(value))
	var msg string
	switch {
	case errors.Is(err, textmatch.ErrEmptyPattern):
		msg = q + " has no letters or digits to match"
	case errors.Is(err, textmatch.ErrTooLong) && kind == KindKeyword:
		msg = fmt.Sprintf("%s is too long: a keyword is at most %d bytes after normalisation", q, textmatch.MaxKeywordBytes)
	case errors.Is(err, textmatch.ErrTooLong):
		msg = fmt.Sprintf("%s is too long: a regular expression is at most %d bytes", q, textmatch.MaxRegexBytes)
	case errors.Is(err, textmatch.ErrTooCommon):
		msg = fmt.Sprintf("%q is too short or too common to be a rule (a keyword needs at least %d letters and must not be made only of common words such as \"yang\", \"the\" or \"في\")",
			clip(value), textmatch.MinKeywordRunes)
	case errors.Is(err, textmatch.ErrBadRegex):
		msg = q + " is not a valid regular expression"
		var se *syntax.Error
		if errors.As(err, &se) {
			msg += fmt.Sprintf(" (%s)", se.Code)
		}
	case errors.Is(err, textmatch.ErrTooComplex):
		msg = fmt.Sprintf("%s is too complex: it compiles to more than %d steps (repeat counts such as {200} over a group multiply its size); write it shorter or split it into several rules",
			q, textmatch.MaxRegexInsts)
	case errors.Is(err, textmatch.ErrMatchesEmpty):
		msg = q + " matches the empty string, so it would match every post"
	case errors.Is(err, textmatch.ErrMatchesEverything):
		var n, min int
		if _, serr := fmt.Sscanf(detail(err, textmatch.ErrMatchesEverything), "shortest match is %d bytes, minimum %d", &n, &min); serr == nil {
			unit := "bytes"
			if n == 1 {
				unit = "byte"
			}
			msg = fmt.Sprintf("%s can match text as short as %d %s and would match ordinary posts; a regular expression must match at least %d bytes", q, n, unit, min)
		} else {
			msg = fmt.Sprintf("%s matches ordinary sentences (%s); a rule must be specific to the content it targets", q, detail(err, textmatch.ErrMatchesEverything))
		}
	default:
		msg = q + " cannot be used as a rule"
	}
	return refuse(err, msg)
}

// detail is what follows the sentinel's text in err's message ("" if nothing).
func detail(err, sentinel error) string {
	s := err.Error()
	if i := strings.Index(s, sentinel.Error()+": "); i >= 0 {
		return s[i+len(sentinel.Error())+2:]
	}
	return ""
}

// linkRefusal turns a refusal of a link-list entry into a sentence in plain words.
func linkRefusal(value string, err error) error {
	q := fmt.Sprintf("%q", clip(value))
	switch {
	case errors.Is(err, linkmatch.ErrTooBroad):
		return refuse(err, q+" is a single name without a dot, such as a top-level domain; a domain rule must name a site (such as example.com)")
	case errors.Is(err, subject.ErrTooLong):
		return refuse(err, fmt.Sprintf("%s is too long for a link (at most %d bytes)", q, subject.MaxLen))
	case errors.Is(err, subject.ErrUnsupportedScheme):
		return refuse(err, q+" is not a web or Telegram link (only http, https and tg links, domains and t.me links are accepted)")
	case errors.Is(err, subject.ErrInvalidUsername):
		return refuse(err, q+" is not a valid Telegram link: the channel name is invalid")
	}
	if !errors.Is(err, ErrNotALink) {
		err = errors.Join(ErrNotALink, err)
	}
	return refuse(err, q+" is not a link or a domain (write a domain such as example.com, a URL such as https://example.com/page, or a Telegram link such as t.me/channel)")
}

// Causes of refusals that are not a matcher's.
var (
	ErrInvalidUTF8 = errors.New("rulelist: not valid UTF-8")
	ErrEmpty       = errors.New("rulelist: empty rule")
	ErrTextLength  = errors.New("rulelist: text entry too short or too long")
	ErrUnknownKind = errors.New("rulelist: unknown list kind")
)

// clip shortens a rule for a refusal message to 80 bytes, on a rune boundary.
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
