package textmatch

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/textnorm"
)

// Kind is the kind of a text rule.
type Kind uint8

// Rule kinds.
const (
	// KindKeyword is a word or phrase; it matches whole words of the
	// normalised text after being normalised itself.
	KindKeyword Kind = iota + 1
	// KindRegex is a Go regular expression applied to the normalised text.
	KindRegex
)

func (k Kind) String() string {
	switch k {
	case KindKeyword:
		return "keyword"
	case KindRegex:
		return "regex"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Rule is one text rule as loaded from a list.
type Rule struct {
	ID      string
	Kind    Kind
	Pattern string
}

// Load limits. They bound the cost of one rule, not the size of a list.
const (
	// MaxKeywordBytes bounds a normalised keyword or phrase.
	MaxKeywordBytes = 256
	// MinKeywordRunes is the shortest single-word keyword accepted: one- and
	// two-letter words ("di", "is", "و") occur in nearly every post.
	MinKeywordRunes = 3
	// MaxRegexBytes bounds the source of a regular expression.
	MaxRegexBytes = 512
	// MaxRegexInsts bounds the compiled program of a regular expression.
	MaxRegexInsts = 2000
	// MinRegexBytes is the shortest match a regular expression may have.
	MinRegexBytes = 3
)

// Errors returned (wrapped, naming the rule) by Compile.
var (
	ErrEmptyID           = errors.New("empty rule ID")
	ErrDuplicateID       = errors.New("duplicate rule ID")
	ErrUnknownKind       = errors.New("unknown rule kind")
	ErrEmptyPattern      = errors.New("pattern is empty after normalisation")
	ErrTooLong           = errors.New("pattern too long")
	ErrTooCommon         = errors.New("pattern is a too-short or too-common word and would match nearly every post")
	ErrBadRegex          = errors.New("invalid regular expression")
	ErrTooComplex        = errors.New("regular expression too complex")
	ErrMatchesEmpty      = errors.New("regular expression matches the empty string")
	ErrMatchesEverything = errors.New("regular expression would match ordinary text")
)

// maxReportedErrors keeps the error of a huge bad list readable.
const maxReportedErrors = 50

// stopwordSource lists the commonest words of the three languages. A
// keyword made only of them is refused. They are normalised at first use, so
// the list needs no care about spelling variants.
const stopwordSource = `yang dan di ini itu dengan untuk tidak dari dalam akan pada juga saya ke karena
bisa ada mereka kami kita sudah atau seperti hanya oleh kepada jika telah masih dapat harus
the and of to in is for on that with you this are was be as at by it not or have from but
an they we he she his her their what all were when there can will one would who
في من على الى إلى عن مع هذا هذه ذلك التي الذي كان ان أن إن لا ما لم هو هي ثم او أو قد`

var stopwords = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(stopwordSource) {
		m[textnorm.Normalize(w)] = true
	}
	return m
}()

// probes are ordinary normalised sentences; a regular expression that matches
// most of them would fire on most posts.
var probes = func() []string {
	src := []string{
		"saya pergi ke pasar bersama ibu pagi ini",
		"pemerintah kota membuka sekolah baru tahun depan",
		"terima kasih atas bantuan dan doanya",
		"the weather is nice today and we went to the park",
		"please share this video with your friends",
		"breaking news from the city council meeting",
		"ذهبت الى السوق مع اخي في الصباح",
		"الحمد لله على كل حال",
		"jadwal pertandingan sepak bola minggu ini 2024",
		"ok",
		"a b",
		"123 456",
	}
	out := make([]string, len(src))
	for i, s := range src {
		out[i] = textnorm.Normalize(s)
	}
	return out
}()

// compileRegex applies the load-time checks to one regular expression.
func compileRegex(pattern string) (*regexp.Regexp, error) {
	if len(pattern) > MaxRegexBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLong, len(pattern), MaxRegexBytes)
	}
	if !utf8.ValidString(pattern) {
		return nil, fmt.Errorf("%w: invalid UTF-8", ErrBadRegex)
	}
	parsed, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadRegex, err)
	}
	simple := parsed.Simplify()
	prog, err := syntax.Compile(simple)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadRegex, err)
	}
	if len(prog.Inst) > MaxRegexInsts {
		return nil, fmt.Errorf("%w: %d instructions, limit %d", ErrTooComplex, len(prog.Inst), MaxRegexInsts)
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadRegex, err)
	}
	if re.MatchString("") {
		return nil, ErrMatchesEmpty
	}
	if n := minLen(simple); n < MinRegexBytes {
		return nil, fmt.Errorf("%w: shortest match is %d bytes, minimum %d", ErrMatchesEverything, n, MinRegexBytes)
	}
	hits := 0
	for _, p := range probes {
		if re.MatchString(p) {
			hits++
		}
	}
	if hits*4 >= len(probes) {
		return nil, fmt.Errorf("%w: matches %d of %d ordinary sentences", ErrMatchesEverything, hits, len(probes))
	}
	return re, nil
}

// minLen is the length in bytes of the shortest string re can match.
func minLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			n += utf8.RuneLen(r)
		}
		return n
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n += minLen(s)
		}
		return n
	case syntax.OpAlternate:
		m := -1
		for _, s := range re.Sub {
			if l := minLen(s); m < 0 || l < m {
				m = l
			}
		}
		return max(m, 0)
	}
	return 0 // empty-width assertions, star, quest, no-match
}

// checkKeyword validates a normalised keyword.
func checkKeyword(norm string) error {
	if norm == "" {
		return ErrEmptyPattern
	}
	if len(norm) > MaxKeywordBytes {
		return fmt.Errorf("%w: %d bytes normalised, limit %d", ErrTooLong, len(norm), MaxKeywordBytes)
	}
	words := strings.Split(norm, " ")
	if len(words) == 1 && utf8.RuneCountInString(norm) < MinKeywordRunes {
		return fmt.Errorf("%w: %q is shorter than %d letters", ErrTooCommon, norm, MinKeywordRunes)
	}
	for _, w := range words {
		if !stopwords[w] {
			return nil
		}
	}
	return fmt.Errorf("%w: %q has only common words", ErrTooCommon, norm)
}
