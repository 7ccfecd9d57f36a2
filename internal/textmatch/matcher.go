package textmatch

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/sigap/sigap/internal/textnorm"
)

// Hit is one match of a rule in a normalised text: text[Start:End] is the
// matched keyword, phrase or regular-expression match.
type Hit struct {
	Rule       int // index of the rule in the slice given to Compile
	ID         string
	Start, End int
}

// Matcher is a compiled, immutable rule set; it is safe for concurrent use.
// Rebuild it with Compile when a list changes and swap it atomically.
type Matcher struct {
	rules    []Rule
	keywords []string // normalised keyword per rule ("" for regex rules)
	ac       *automaton
	regexes  []compiledRegex
}

type compiledRegex struct {
	rule int
	re   *regexp.Regexp
}

// Compile validates and compiles rules. The error, if any, joins one error per
// bad rule (up to 50), each naming the rule and wrapping one of the Err
// sentinels; no Matcher is returned then.
func Compile(rules []Rule) (*Matcher, error) {
	m := &Matcher{rules: append([]Rule(nil), rules...), keywords: make([]string, len(rules))}
	var errs []error
	bad := func(i int, err error) {
		if len(errs) < maxReportedErrors {
			errs = append(errs, fmt.Errorf("textmatch: rule %q (#%d): %w", rules[i].ID, i, err))
		} else if len(errs) == maxReportedErrors {
			errs = append(errs, errors.New("textmatch: more bad rules not listed"))
		}
	}
	seen := make(map[string]int, len(rules))
	var patterns []acPattern
	for i, r := range rules {
		if r.ID == "" {
			bad(i, ErrEmptyID)
			continue
		}
		if j, dup := seen[r.ID]; dup {
			bad(i, fmt.Errorf("%w: also rule #%d", ErrDuplicateID, j))
			continue
		}
		seen[r.ID] = i
		switch r.Kind {
		case KindKeyword:
			norm := textnorm.Normalize(r.Pattern)
			if err := checkKeyword(norm); err != nil {
				bad(i, err)
				continue
			}
			m.keywords[i] = norm
			patterns = append(patterns, acPattern{rule: int32(i), text: norm})
		case KindRegex:
			re, err := compileRegex(r.Pattern)
			if err != nil {
				bad(i, err)
				continue
			}
			m.regexes = append(m.regexes, compiledRegex{rule: i, re: re})
		default:
			bad(i, fmt.Errorf("%w: %d", ErrUnknownKind, r.Kind))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m.ac = buildAutomaton(patterns)
	return m, nil
}

// NormVersion is the textnorm version the keywords were normalised with;
// content must be normalised with the same version.
func (m *Matcher) NormVersion() int { return textnorm.Version }

// Len is the number of rules.
func (m *Matcher) Len() int { return len(m.rules) }

// Rule returns rule i as given to Compile.
func (m *Matcher) Rule(i int) Rule { return m.rules[i] }

// Keyword returns the normalised form of keyword rule i ("" for a regex).
func (m *Matcher) Keyword(i int) string { return m.keywords[i] }

// Match appends to out every hit in normalized, which must be the output of
// textnorm (words separated by single spaces). Keyword hits come in order of
// their end, then regular-expression hits rule by rule. Overlapping hits are
// all reported: "bom bunuh diri" also reports "bom" and "bunuh diri" when they
// are rules.
func (m *Matcher) Match(normalized []byte, out []Hit) []Hit {
	out = m.ac.scan(normalized, out, m.rules)
	for _, cr := range m.regexes {
		for _, loc := range cr.re.FindAllIndex(normalized, -1) {
			out = append(out, Hit{Rule: cr.rule, ID: m.rules[cr.rule].ID, Start: loc[0], End: loc[1]})
		}
	}
	return out
}

// MatchString is Match for a string.
func (m *Matcher) MatchString(normalized string, out []Hit) []Hit {
	return m.Match([]byte(normalized), out)
}
