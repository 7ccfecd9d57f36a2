package rulelist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/linkmatch"
	"github.com/sigap/sigap/internal/subject"
	"github.com/sigap/sigap/internal/textmatch"
	"github.com/sigap/sigap/internal/textnorm"
)

// List kinds. KindText is sigap's extension of the contract: its entries
// are texts of removed content, matched as near-duplicates.
const (
	KindKeyword = "keyword"
	KindRegex   = "regex"
	KindLink    = "link"
	KindText    = "text"
)

// Kinds lists the list kinds.
var Kinds = []string{KindKeyword, KindRegex, KindLink, KindText}

// Entry types of link lists: what a link entry turned out to be.
const (
	TypeDomain  = "domain"
	TypeURL     = "url"
	TypeChannel = "channel"
	TypeMessage = "message"
)

// Limits.
const (
	MaxTextEntry   = 64 << 10
	MinTextWords   = 8
	MaxImportLines = 200_000
)

var languageRe = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// ErrRule wraps a rule refused at load.
var ErrRule = errors.New("rulelist: rule refused")

// Check validates value as an entry of a list of kind and returns the entry
// type and the value to store. The checks are the compilers' own, so what
// passes here compiles in the scanner's snapshot.
func Check(kind, value string) (typ, stored string, err error) {
	if !utf8.ValidString(value) {
		return "", "", refuse(ErrInvalidUTF8, "the rule is not valid UTF-8 text")
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return "", "", refuse(ErrEmpty, "the rule is empty")
	}
	switch kind {
	case KindKeyword, KindRegex:
		k := textmatch.KindKeyword
		if kind == KindRegex {
			k = textmatch.KindRegex
		}
		if _, err := textmatch.Compile([]textmatch.Rule{{ID: "entry", Kind: k, Pattern: value}}); err != nil {
			return "", "", textRefusal(kind, value, err)
		}
		if err := checkBenign(kind, value); err != nil {
			return "", "", err
		}
		return kind, value, nil
	case KindLink:
		typ, lk, err := ClassifyLink(value)
		if err != nil {
			return "", "", linkRefusal(value, err)
		}
		if lk == linkmatch.KindDomain {
			d, _ := linkmatch.NormalizeDomain(value)
			if err := checkPublicSuffix(d); err != nil {
				return "", "", err
			}
			return typ, d, nil
		}
		return typ, value, nil
	case KindText:
		if len(value) > MaxTextEntry {
			return "", "", refuse(ErrTextLength, fmt.Sprintf("a text entry is at most %d bytes", MaxTextEntry))
		}
		norm := textnorm.Normalize(value)
		if n := strings.Count(norm, " ") + 1; norm == "" || n < MinTextWords {
			return "", "", refuse(ErrTextLength, fmt.Sprintf("a near-duplicate text needs at least %d words after normalisation; shorter texts would match too much (use a keyword list)", MinTextWords))
		}
		return KindText, value, nil
	}
	return "", "", refuse(ErrUnknownKind, fmt.Sprintf("unknown list kind %q", kind))
}

// ClassifyLink says what a link list entry is: a Telegram channel or
// message link (every form of it), a URL (exact), or else a domain (with its
// subdomains). It refuses what linkmatch would refuse.
func ClassifyLink(v string) (string, linkmatch.Kind, error) {
	if !strings.Contains(v, "/") && !strings.Contains(v, ":") {
		if strings.ContainsFunc(v, unicode.IsSpace) {
			// A domain has no spaces: "not a url at all" is prose, not a top-level domain.
			return "", 0, ErrNotALink
		}
		if _, err := linkmatch.NormalizeDomain(v); err != nil {
			return "", 0, err
		}
		return TypeDomain, linkmatch.KindDomain, nil
	}
	sub, err := subject.Parse(v)
	if err != nil {
		// "example.com/" or "https://example.com" are domains written as links.
		if d, derr := linkmatch.NormalizeDomain(v); derr == nil && d != "" {
			return TypeDomain, linkmatch.KindDomain, nil
		}
		return "", 0, err
	}
	switch sub.Kind {
	case subject.KindTelegramChannel:
		return TypeChannel, linkmatch.KindChannel, nil
	case subject.KindTelegramMessage:
		return TypeMessage, linkmatch.KindMessage, nil
	}
	// A bare scheme+host ("https://example.com/") means the domain.
	if strings.Count(strings.TrimSuffix(strings.SplitN(v, "?", 2)[0], "/"), "/") <= 2 && !strings.Contains(v, "?") && !strings.HasPrefix(v, "tg:") &&
		!strings.Contains(v, "t.me") {
		if _, err := linkmatch.NormalizeDomain(v); err == nil {
			return TypeDomain, linkmatch.KindDomain, nil
		}
	}
	return TypeURL, linkmatch.KindURL, nil
}

// LinkKind maps a stored link entry type to the matcher's kind.
func LinkKind(typ string) linkmatch.Kind {
	switch typ {
	case TypeDomain:
		return linkmatch.KindDomain
	case TypeChannel:
		return linkmatch.KindChannel
	case TypeMessage:
		return linkmatch.KindMessage
	}
	return linkmatch.KindURL
}

// ParseText reads a plain-text import: one entry per line, blank lines and
// lines starting with "#" skipped. For text lists, entries are separated by
// a line holding only "---" instead, so a removed post may span lines.
func ParseText(r io.Reader, kind string) ([]filterset.Item, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxTextEntry+1024)
	var out []filterset.Item
	var para strings.Builder
	flush := func() {
		if t := strings.TrimSpace(para.String()); t != "" {
			out = append(out, filterset.Item{Value: t})
		}
		para.Reset()
	}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.ContainsRune(line, 0) {
			// PostgreSQL cannot store it in text and SQLite would: refused the same on both.
			return nil, fmt.Errorf("rulelist: line %d holds a NUL character (U+0000), which no entry may hold; remove it", n)
		}
		if kind == KindText {
			if strings.TrimSpace(line) == "---" {
				flush()
				continue
			}
			para.WriteString(line)
			para.WriteByte('\n')
			continue
		}
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, filterset.Item{Value: t})
		if len(out) > MaxImportLines {
			return nil, fmt.Errorf("rulelist: more than %d lines; split the file", MaxImportLines)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("rulelist: read import: %w", err)
	}
	return out, nil
}
