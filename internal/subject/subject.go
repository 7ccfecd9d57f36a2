package subject

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen is the longest link, in bytes, that Parse accepts, before and after
// normalisation.
const MaxLen = 2048

// Kind says what sort of thing a subject names.
type Kind string

// The kinds of subject.
const (
	KindTelegramChannel Kind = "telegram_channel" // public channel/group/user/bot by username
	KindTelegramMessage Kind = "telegram_message" // a post in a public channel
	KindTelegramInvite  Kind = "telegram_invite"  // t.me/+HASH, t.me/joinchat/HASH, tg://join?invite=HASH, t.me/addlist/SLUG (private)
	KindTelegramPrivate Kind = "telegram_private" // t.me/c/<id>/<msg>, tg://privatepost and t.me/+<phone> (private)
	KindURL             Kind = "url"              // any other http(s) URL
)

// Subject is the canonical form of one link.
type Subject struct {
	Canonical string // e.g. "telegram:message/somechannel/123" or "url:https://example.com/a"
	Kind      Kind
	Private   bool   // invites, t.me/c links, folder and phone links: refused unless the regime's policy allows
	Channel   string // lower-case username for the telegram channel and message kinds ("" otherwise)
	URL       string // a normalised URL a person can open; Parse(URL) gives the same Subject
}

// The sentinel errors Parse wraps; compare with errors.Is.
var (
	ErrNotALink          = errors.New("not a link")
	ErrUnsupportedScheme = errors.New("unsupported link scheme")
	ErrTooLong           = errors.New("link too long")
	ErrInvalidUsername   = errors.New("invalid Telegram username")
)

// ChannelSubject returns the canonical subject of the channel a Telegram message
// belongs to, or a channel's own canonical; for other kinds it reports false.
func (s Subject) ChannelSubject() (string, bool) {
	switch s.Kind {
	case KindTelegramMessage:
		if s.Channel == "" {
			return "", false
		}
		return channelPrefix + s.Channel, true
	case KindTelegramChannel:
		return s.Canonical, true
	default:
		return "", false
	}
}

// Parse turns raw, a link as a person pasted it (perhaps with surrounding quotes,
// brackets or punctuation from prose), into its canonical Subject.
func Parse(raw string) (Subject, error) {
	if len(raw) > MaxLen {
		return Subject{}, fmt.Errorf("subject: %w: %d bytes, the limit is %d", ErrTooLong, len(raw), MaxLen)
	}
	if !utf8.ValidString(raw) {
		return Subject{}, fmt.Errorf("subject: %w: the text is not valid UTF-8", ErrNotALink)
	}
	s := trimProse(raw)
	if s == "" {
		return Subject{}, fmt.Errorf("subject: %w: the text is empty", ErrNotALink)
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			return Subject{}, fmt.Errorf("subject: %w: the text contains white space; give one link per subject", ErrNotALink)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return Subject{}, fmt.Errorf("subject: %w: the text contains the control or format character %U", ErrNotALink, r)
		}
	}
	sub, err := parseTrimmed(s)
	if err != nil {
		return Subject{}, err
	}
	if len(sub.URL) > MaxLen || len(sub.Canonical) > MaxLen+len("url:") {
		return Subject{}, fmt.Errorf("subject: %w: the normalised link is over %d bytes", ErrTooLong, MaxLen)
	}
	return sub, nil
}

func parseTrimmed(s string) (Subject, error) {
	if s[0] == '@' {
		name, err := username(s[1:])
		if err != nil {
			return Subject{}, err
		}
		return channelSubject(name), nil
	}
	scheme, rest, err := splitScheme(s)
	if err != nil {
		return Subject{}, err
	}
	if scheme == "tg" {
		return parseTG(rest)
	}
	return parseWeb(scheme, rest)
}

// splitScheme returns the lower-cased scheme ("http", "https" or "tg") and what
// follows its colon. Text without a scheme is taken as https.
func splitScheme(s string) (scheme, rest string, err error) {
	i := strings.IndexAny(s, ":/?#")
	if i <= 0 || s[i] != ':' || !isScheme(s[:i]) {
		if strings.HasPrefix(s, "//") {
			return "https", s, nil
		}
		return "https", "//" + s, nil
	}
	scheme = strings.ToLower(s[:i])
	rest = s[i+1:]
	switch scheme {
	case "http", "https", "tg":
		return scheme, rest, nil
	}
	// "example.com:8080/path" is a host and port, not a scheme.
	if isPortThenPath(rest) && !numberSchemes[scheme] {
		return "https", "//" + s, nil
	}
	return "", "", fmt.Errorf("subject: %w: %q links are not accepted, only http, https and tg", ErrUnsupportedScheme, clip(scheme))
}

// numberSchemes take a bare number, which is not a port.
var numberSchemes = map[string]bool{"tel": true, "sms": true, "fax": true, "callto": true}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

func isPortThenPath(s string) bool {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n > 0 && (n == len(s) || strings.IndexByte("/?#", s[n]) >= 0)
}

// clip shortens user text quoted in error messages.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
