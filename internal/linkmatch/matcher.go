package linkmatch

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sigap/sigap/internal/subject"
)

// Kind is the kind of a link rule.
type Kind uint8

// Rule kinds.
const (
	// KindDomain matches a host and all its subdomains.
	KindDomain Kind = iota + 1
	// KindURL matches one link exactly, after canonicalisation by package
	// subject (scheme, case of the host, default port, escapes, query order).
	KindURL
	// KindChannel matches every link form of a Telegram channel and every
	// message in it.
	KindChannel
	// KindMessage matches every link form of one Telegram message.
	KindMessage
)

func (k Kind) String() string {
	switch k {
	case KindDomain:
		return "domain"
	case KindURL:
		return "url"
	case KindChannel:
		return "channel"
	case KindMessage:
		return "message"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Rule is one link rule. A rule holds a list of values so that a whole
// imported list (two million domains) is one rule costing ~10 bytes a value.
type Rule struct {
	ID     string
	Kind   Kind
	Values []string
}

// Hit is one rule matching one link.
type Hit struct {
	Rule    int // index of the rule in the slice given to Compile
	ID      string
	Kind    Kind
	Link    string // canonical subject of the link that matched
	Matched string // the listed value that matched: the domain suffix, or the canonical subject
}

// Errors returned (wrapped, naming the rule and value) by Compile.
var (
	ErrEmptyID      = errors.New("empty rule ID")
	ErrDuplicateID  = errors.New("duplicate rule ID")
	ErrUnknownKind  = errors.New("unknown rule kind")
	ErrNoValues     = errors.New("rule has no values")
	ErrBadValue     = errors.New("value is not a valid link or domain")
	ErrTooBroad     = errors.New("domain is a single label (a top-level domain) and would match too much")
	ErrWrongSubject = errors.New("value is not of the rule's kind")
)

const maxReportedErrors = 50

// Matcher is a compiled, immutable set of link rules, safe for concurrent use.
type Matcher struct {
	rules    []ruleInfo
	domains  *domainSet
	exact    map[string][]int32 // canonical subject → rules (URL and message kinds)
	channels map[string][]int32 // canonical channel subject → rules
	nDomains int
}

type ruleInfo struct {
	id   string
	kind Kind
}

// Compile validates and compiles rules. The rules' value slices are not kept.
func Compile(rules []Rule) (*Matcher, error) {
	m := &Matcher{
		rules:    make([]ruleInfo, len(rules)),
		exact:    make(map[string][]int32),
		channels: make(map[string][]int32),
	}
	var errs []error
	bad := func(i int, err error) {
		if len(errs) < maxReportedErrors {
			errs = append(errs, fmt.Errorf("linkmatch: rule %q (#%d): %w", rules[i].ID, i, err))
		} else if len(errs) == maxReportedErrors {
			errs = append(errs, errors.New("linkmatch: more bad rules or values not listed"))
		}
	}
	seen := make(map[string]int, len(rules))
	var entries []domainEntry
	for i, r := range rules {
		m.rules[i] = ruleInfo{id: r.ID, kind: r.Kind}
		switch {
		case r.ID == "":
			bad(i, ErrEmptyID)
			continue
		case len(r.Values) == 0:
			bad(i, ErrNoValues)
			continue
		}
		if j, dup := seen[r.ID]; dup {
			bad(i, fmt.Errorf("%w: also rule #%d", ErrDuplicateID, j))
			continue
		}
		seen[r.ID] = i
		if r.Kind < KindDomain || r.Kind > KindMessage {
			bad(i, fmt.Errorf("%w: %d", ErrUnknownKind, r.Kind))
			continue
		}
		for k, v := range r.Values {
			var err error
			switch r.Kind {
			case KindDomain:
				var d string
				if d, err = NormalizeDomain(v); err == nil {
					entries = append(entries, domainEntry{hash: hashDomain(d), rule: uint32(i)})
				}
			default:
				err = m.addSubject(i, r.Kind, v)
			}
			if err != nil {
				bad(i, fmt.Errorf("value %d %q: %w", k, clip(v), err))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m.domains = newDomainSet(entries, len(rules))
	m.nDomains = len(m.domains.hashes)
	return m, nil
}

func (m *Matcher) addSubject(i int, kind Kind, v string) error {
	sub, err := subject.Parse(v)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadValue, err)
	}
	switch kind {
	case KindURL:
		m.exact[sub.Canonical] = appendRule(m.exact[sub.Canonical], i)
	case KindMessage:
		if sub.Kind != subject.KindTelegramMessage {
			return fmt.Errorf("%w: %s is a %s", ErrWrongSubject, sub.Canonical, sub.Kind)
		}
		m.exact[sub.Canonical] = appendRule(m.exact[sub.Canonical], i)
	case KindChannel:
		if sub.Kind != subject.KindTelegramChannel {
			return fmt.Errorf("%w: %s is a %s", ErrWrongSubject, sub.Canonical, sub.Kind)
		}
		m.channels[sub.Canonical] = appendRule(m.channels[sub.Canonical], i)
	}
	return nil
}

func appendRule(list []int32, i int) []int32 {
	for _, r := range list {
		if r == int32(i) {
			return list
		}
	}
	return append(list, int32(i))
}

// NormalizeDomain turns a listed domain ("Example.COM.", "*.example.com",
// "www.example.com", "https://example.com/", "bücher.de") into the form that
// is hashed: lower-case ASCII (IDNA), no trailing dot, no leading "www." or
// "*.". Single-label names are refused: they would block a whole TLD.
func NormalizeDomain(v string) (string, error) {
	v = strings.TrimSpace(v)
	v = strings.TrimPrefix(v, "*.")
	if v == "" {
		return "", ErrBadValue
	}
	link := v
	if !strings.Contains(v, "://") && !strings.Contains(strings.TrimSuffix(v, "."), ".") {
		return "", ErrTooBroad
	}
	if !strings.Contains(v, "://") {
		link = "https://" + v
	}
	sub, err := subject.Parse(link)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadValue, err)
	}
	host := hostOf(sub)
	if host == "" {
		return "", ErrBadValue
	}
	host = strings.TrimPrefix(host, "www.")
	if !strings.Contains(host, ".") {
		return "", ErrTooBroad
	}
	return host, nil
}

// hostOf returns the normalised host of a parsed subject, read straight from
// its normalised URL (scheme://host[:port]/...), which is cheaper than
// url.Parse.
func hostOf(sub subject.Subject) string {
	u := sub.URL
	i := strings.Index(u, "://")
	if i < 0 {
		return ""
	}
	u = u[i+3:]
	if j := strings.IndexAny(u, "/?#"); j >= 0 {
		u = u[:j]
	}
	if j := strings.LastIndexByte(u, '@'); j >= 0 {
		u = u[j+1:]
	}
	if strings.HasPrefix(u, "[") {
		if j := strings.IndexByte(u, ']'); j >= 0 {
			return u[1:j]
		}
		return ""
	}
	if j := strings.LastIndexByte(u, ':'); j >= 0 {
		u = u[:j]
	}
	return strings.ToLower(strings.TrimSuffix(u, "."))
}

// Len is the number of rules; Domains the number of distinct (domain, rule)
// entries.
func (m *Matcher) Len() int     { return len(m.rules) }
func (m *Matcher) Domains() int { return m.nDomains }

// MemoryBytes is the size of the domain tables (the large part).
func (m *Matcher) MemoryBytes() int { return m.domains.memoryBytes() }

// MatchHost appends the domain hits of a normalised host name (lower case,
// ASCII, no trailing dot, as NormalizeDomain or subject.Parse produce).
func (m *Matcher) MatchHost(host string, out []Hit) []Hit {
	m.domains.lookup(host, func(suffix string, rule int) {
		out = append(out, Hit{Rule: rule, ID: m.rules[rule].id, Kind: KindDomain, Link: host, Matched: suffix})
	})
	return out
}

// MatchLink appends the hits of one link as written in a post. A link that
// does not parse has no hits.
func (m *Matcher) MatchLink(raw string, out []Hit) []Hit {
	sub, err := subject.Parse(raw)
	if err != nil {
		return out
	}
	return m.matchSubject(sub, out)
}

func (m *Matcher) matchSubject(sub subject.Subject, out []Hit) []Hit {
	for _, r := range m.exact[sub.Canonical] {
		out = append(out, Hit{Rule: int(r), ID: m.rules[r].id, Kind: m.rules[r].kind, Link: sub.Canonical, Matched: sub.Canonical})
	}
	if ch, ok := sub.ChannelSubject(); ok {
		for _, r := range m.channels[ch] {
			out = append(out, Hit{Rule: int(r), ID: m.rules[r].id, Kind: KindChannel, Link: sub.Canonical, Matched: ch})
		}
	}
	if host := hostOf(sub); host != "" {
		n := len(out)
		out = m.MatchHost(host, out)
		for k := n; k < len(out); k++ {
			out[k].Link = sub.Canonical
		}
	}
	return out
}

// MatchText extracts the links of a post's text (see ExtractLinks) and
// appends their hits.
func (m *Matcher) MatchText(text string, out []Hit) []Hit {
	for _, l := range ExtractLinks(text, nil) {
		out = m.MatchLink(l, out)
	}
	return out
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
