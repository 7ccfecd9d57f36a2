package textmatch

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/textnorm"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
	"pgregory.net/rapid"
)

var testRules = []Rule{
	{ID: "bom", Kind: KindKeyword, Pattern: "bom"},
	{ID: "bom-bunuh-diri", Kind: KindKeyword, Pattern: "Bom bunuh diri"},
	{ID: "bunuh-diri", Kind: KindKeyword, Pattern: "bunuh diri"},
	{ID: "jihad", Kind: KindKeyword, Pattern: "JIHAD"},
	{ID: "isis", Kind: KindKeyword, Pattern: "ISIS"},
	{ID: "daulah", Kind: KindKeyword, Pattern: "d4ulah"}, // normalised like content
	{ID: "bayah", Kind: KindKeyword, Pattern: "بيعة"},
	{ID: "dawla", Kind: KindKeyword, Pattern: "الدولة الإسلامية"},
	{ID: "join", Kind: KindKeyword, Pattern: "join the caliphate"},
	{ID: "jihad-dup", Kind: KindKeyword, Pattern: "jihád"}, // same text as "jihad"
	{ID: "rx-bom-kota", Kind: KindRegex, Pattern: `(^| )bom (di )?(jakarta|surabaya|bali)( |$)`},
}

func ids(hits []Hit) []string {
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.ID)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func TestMatch(t *testing.T) {
	t.Parallel()
	m := testcorpus.MustCompile(t, Compile, testRules)
	tests := []struct {
		name, text string
		want       []string
	}{
		{"clean indonesian", "Selamat pagi, ayo ke pasar bersama ibu", nil},
		{"keyword", "Ada BOM di sini", []string{"bom"}},
		{"not inside a word", "krisis ekonomi, bombardir, bomber", nil},
		{"isis not in krisis", "krisis isis", []string{"isis"}},
		{"overlapping phrases", "aksi bom bunuh diri kemarin", []string{"bom", "bom-bunuh-diri", "bunuh-diri"}},
		{"evasion spaced", "ayo j i h a d sekarang", []string{"jihad", "jihad-dup"}},
		{"evasion homoglyph", "ІЅІЅ menyerang", []string{"isis"}},
		{"evasion leet", "dukung d4ul4h", []string{"daulah"}},
		{"evasion fullwidth", "ｊｉｈａｄ", []string{"jihad", "jihad-dup"}},
		{"arabic with tashkeel", "أعلن البَيْعَة ثم بَيْعَة للأمير", []string{"bayah"}},
		{"arabic phrase", "جنود الدولة الإسلامية", []string{"dawla"}},
		{"english phrase", "Join The Caliphate now!", []string{"join"}},
		{"phrase split by line", "join the\ncaliphate", []string{"join"}},
		{"regex", "ada bom di Bali", []string{"bom", "rx-bom-kota"}},
		{"at end and start", "bom", []string{"bom"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			norm := textnorm.Normalize(tt.text)
			hits := m.MatchString(norm, nil)
			if got := ids(hits); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("Match(%q) = %v, want %v", norm, got, tt.want)
			}
			for _, h := range hits {
				if h.Start < 0 || h.End > len(norm) || h.Start >= h.End {
					t.Fatalf("hit %+v out of range for %q", h, norm)
				}
				if kw := m.Keyword(h.Rule); kw != "" && norm[h.Start:h.End] != kw {
					t.Errorf("hit %+v covers %q, want %q", h, norm[h.Start:h.End], kw)
				}
			}
		})
	}
}

func TestCompileRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rule Rule
		want error
	}{
		{"empty id", Rule{Kind: KindKeyword, Pattern: "bom"}, ErrEmptyID},
		{"unknown kind", Rule{ID: "x", Pattern: "bom"}, ErrUnknownKind},
		{"empty keyword", Rule{ID: "x", Kind: KindKeyword, Pattern: ""}, ErrEmptyPattern},
		{"punctuation only", Rule{ID: "x", Kind: KindKeyword, Pattern: "!!! ... \u200B"}, ErrEmptyPattern},
		{"too short", Rule{ID: "x", Kind: KindKeyword, Pattern: "di"}, ErrTooCommon},
		{"arabic too short", Rule{ID: "x", Kind: KindKeyword, Pattern: "وَ"}, ErrTooCommon},
		{"stopword", Rule{ID: "x", Kind: KindKeyword, Pattern: "yang"}, ErrTooCommon},
		{"stopword phrase", Rule{ID: "x", Kind: KindKeyword, Pattern: "the and of"}, ErrTooCommon},
		{"arabic stopword", Rule{ID: "x", Kind: KindKeyword, Pattern: "إلى"}, ErrTooCommon},
		{"too long keyword", Rule{ID: "x", Kind: KindKeyword, Pattern: strings.Repeat("jihad ", 60)}, ErrTooLong},
		{"bad regex", Rule{ID: "x", Kind: KindRegex, Pattern: "(bom"}, ErrBadRegex},
		{"backreference", Rule{ID: "x", Kind: KindRegex, Pattern: `(bom)\1`}, ErrBadRegex},
		{"matches empty", Rule{ID: "x", Kind: KindRegex, Pattern: "(bom)?"}, ErrMatchesEmpty},
		{"matches everything", Rule{ID: "x", Kind: KindRegex, Pattern: ".+"}, ErrMatchesEverything},
		{"too short match", Rule{ID: "x", Kind: KindRegex, Pattern: `\w`}, ErrMatchesEverything},
		{"any three letters", Rule{ID: "x", Kind: KindRegex, Pattern: `[a-z]{3}`}, ErrMatchesEverything},
		{"common word", Rule{ID: "x", Kind: KindRegex, Pattern: `(yang|the|في)`}, ErrMatchesEverything},
		{"too long regex", Rule{ID: "x", Kind: KindRegex, Pattern: strings.Repeat("a", MaxRegexBytes+1)}, ErrTooLong},
		{"too complex", Rule{ID: "x", Kind: KindRegex, Pattern: `(bom|jihad){200}`}, ErrTooComplex},
		{"nested repeat", Rule{ID: "x", Kind: KindRegex, Pattern: `((a{100}){100}){100}`}, ErrBadRegex},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compile([]Rule{{ID: "ok", Kind: KindKeyword, Pattern: "jihad"}, tt.rule})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Compile error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), `"`+tt.rule.ID+`" (#1)`) {
				t.Errorf("error %q does not name the rule", err)
			}
		})
	}
}

func TestCompileDuplicateAndManyErrors(t *testing.T) {
	t.Parallel()
	_, err := Compile([]Rule{{ID: "a", Kind: KindKeyword, Pattern: "jihad"}, {ID: "a", Kind: KindKeyword, Pattern: "daulah"}})
	if !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("err = %v, want ErrDuplicateID", err)
	}
	bad := make([]Rule, 200)
	for i := range bad {
		bad[i] = Rule{ID: strings.Repeat("x", i+1), Kind: KindKeyword, Pattern: "di"}
	}
	_, err = Compile(bad)
	if n := strings.Count(err.Error(), "\n"); n > maxReportedErrors+1 {
		t.Errorf("error lists %d lines, want at most %d", n, maxReportedErrors+1)
	}
}

// naive finds whole-word occurrences the slow way.
func naive(keywords []string, text string) []Hit {
	var out []Hit
	padded := " " + text + " "
	for i, kw := range keywords {
		needle := " " + kw + " "
		for off := 0; ; {
			j := strings.Index(padded[off:], needle)
			if j < 0 {
				break
			}
			start := off + j // index of the leading space in padded = start in text
			out = append(out, Hit{Rule: i, Start: start, End: start + len(kw)})
			off += j + 1
		}
	}
	return out
}

func sortHits(h []Hit) {
	sort.Slice(h, func(i, j int) bool {
		if h[i].Rule != h[j].Rule {
			return h[i].Rule < h[j].Rule
		}
		return h[i].Start < h[j].Start
	})
}

// TestAutomatonAgreesWithNaive checks the DFA against a naive search on random
// small alphabets, where overlaps and shared prefixes are frequent.
func TestAutomatonAgreesWithNaive(t *testing.T) {
	t.Parallel()
	word := rapid.StringOfN(rapid.SampledFrom([]rune("abcبي")), 3, 5, -1)
	rapid.Check(t, func(t *rapid.T) {
		kws := rapid.SliceOfNDistinct(rapid.Custom(func(t *rapid.T) string {
			ws := rapid.SliceOfN(word, 1, 3).Draw(t, "words")
			return strings.Join(ws, " ")
		}), 1, 30, rapid.ID[string]).Draw(t, "keywords")
		var rules []Rule
		var norms []string
		for i, k := range kws {
			n := textnorm.Normalize(k)
			if slices.Contains(norms, n) || checkKeyword(n) != nil {
				continue
			}
			norms = append(norms, n)
			rules = append(rules, Rule{ID: string(rune('A' + i)), Kind: KindKeyword, Pattern: n})
		}
		m := testcorpus.MustCompile(t, Compile, rules)
		text := strings.Join(rapid.SliceOfN(word, 0, 40).Draw(t, "text"), " ")
		text = textnorm.Normalize(text)
		got := m.MatchString(text, nil)
		for i := range got {
			got[i].ID = ""
		}
		want := naive(norms, text)
		sortHits(got)
		sortHits(want)
		if !slices.Equal(got, want) {
			t.Fatalf("text %q keywords %q:\n got %v\nwant %v", text, norms, got, want)
		}
	})
}

func FuzzMatch(f *testing.F) {
	m := testcorpus.MustCompile(f, Compile, testRules)
	for _, s := range []string{"bom bunuh diri", "j i h a d", "بَيْعَة", "", "krisis"} {
		f.Add(s)
	}
	dfa := buildByteDFA(keywordPatterns(m))
	f.Fuzz(func(t *testing.T, s string) {
		norm := textnorm.Normalize(s)
		hits := m.MatchString(norm, nil)
		for _, h := range hits {
			if h.Start < 0 || h.End > len(norm) || h.Start > h.End {
				t.Fatalf("hit %+v out of range for %q", h, norm)
			}
		}
		// The keyword hits, before the regular expression ones, are the
		// byte DFA's, on normalised and on raw input alike.
		for _, text := range []string{norm, s} {
			got := m.ac.scan([]byte(text), nil, m.rules)
			if want := dfa.scan([]byte(text), nil, m.rules); !slices.Equal(got, want) {
				t.Fatalf("text %q: got %v, byte DFA %v", text, got, want)
			}
		}
	})
}

func FuzzCompileRegex(f *testing.F) {
	for _, s := range []string{`(^| )bom( |$)`, `.*`, `(a+)+$`, `\bjihad\b`, `[`, `x{1000}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		m, err := Compile([]Rule{{ID: "r", Kind: KindRegex, Pattern: pattern}})
		if err != nil {
			return
		}
		if len(m.MatchString("", nil)) != 0 {
			t.Fatalf("accepted %q matches the empty text", pattern)
		}
	})
}
