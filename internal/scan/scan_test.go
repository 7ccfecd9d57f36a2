package scan

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/linkmatch"
	"github.com/sigap/sigap/internal/neardup"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/textmatch"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// corpus builds the benchmark's rule set: keywords, domains and removed texts.
type corpus struct {
	sets    []store.FilterSet
	entries []store.LiveEntry
	vocab   []string
	rng     *rand.Rand
}

func syllables(rng *rand.Rand, n int) string {
	const cons, vow = "bcdfghjklmnprstw", "aeiou"
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(cons[rng.IntN(len(cons))])
		b.WriteByte(vow[rng.IntN(len(vow))])
	}
	return b.String()
}

func newCorpus(keywords, domains, texts int) *corpus {
	c := &corpus{rng: rand.New(rand.NewPCG(1, 2))}
	for i := 0; i < 3000; i++ {
		c.vocab = append(c.vocab, syllables(c.rng, 2+c.rng.IntN(3)))
	}
	c.vocab = append(c.vocab, "yang", "dan", "di", "ini", "itu", "the", "and", "of", "untuk", "dengan", "في", "من", "على")
	for _, s := range []store.FilterSet{
		{ID: "lst_kw", Family: store.FamilyList, Kind: "keyword", Policy: "review"},
		{ID: "lst_link", Family: store.FamilyList, Kind: "link", Policy: "review"},
		{ID: "lst_text", Family: store.FamilyList, Kind: "text", Policy: "shadow"},
	} {
		s.Enabled, s.RolloutFraction, s.Name = true, 1, s.ID
		c.sets = append(c.sets, s)
	}
	seen := map[string]bool{}
	for len(seen) < keywords {
		// Rule keywords are longer than the vocabulary's words so clean posts stay clean.
		kw := syllables(c.rng, 5+c.rng.IntN(3))
		if c.rng.IntN(4) == 0 {
			kw += " " + syllables(c.rng, 4)
		}
		if seen[kw] {
			continue
		}
		seen[kw] = true
		c.entries = append(c.entries, store.LiveEntry{ID: fmt.Sprintf("ent_kw%06d", len(seen)), SetID: "lst_kw", Type: "keyword", Value: kw})
	}
	for i := 0; i < domains; i++ {
		c.entries = append(c.entries, store.LiveEntry{ID: fmt.Sprintf("ent_dom%07d", i), SetID: "lst_link", Type: "domain",
			Value: syllables(c.rng, 4) + fmt.Sprint(i) + ".example"})
	}
	for i := 0; i < texts; i++ {
		c.entries = append(c.entries, store.LiveEntry{ID: fmt.Sprintf("ent_txt%06d", i), SetID: "lst_text", Type: "text", Value: c.text(40)})
	}
	return c
}

func (c *corpus) text(words int) string {
	w := make([]string, words)
	for i := range w {
		w[i] = c.vocab[c.rng.IntN(len(c.vocab))]
	}
	return strings.Join(w, " ")
}

// post is about 1 KB of words with three links, none listed.
func (c *corpus) post() string {
	var b strings.Builder
	for b.Len() < 900 {
		b.WriteString(c.vocab[c.rng.IntN(len(c.vocab))])
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "https://news%d.example.org/a/%d www.berita%d.co.id t.me/kanal_%d/%d", c.rng.IntN(1000), c.rng.IntN(1e6), c.rng.IntN(1000), c.rng.IntN(1000), c.rng.IntN(1e5))
	return b.String()
}

func (c *corpus) scanner(t testing.TB) *Scanner {
	t.Helper()
	s := New(nil, nil, nil, nil, Config{})
	snap, err := compile(1, c.sets, func(fn func(store.LiveEntry) error) error {
		for _, e := range c.entries {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}, neardup.Options{}, s.log)
	if err != nil {
		t.Fatal(err)
	}
	s.snap.Store(snap)
	return s
}

func TestMatchFindsEachKind(t *testing.T) {
	t.Parallel()
	c := newCorpus(200, 500, 50)
	s := c.scanner(t)
	kw := c.entries[7].Value
	dom := c.entries[200+3].Value
	txt := c.entries[200+500+5].Value
	tests := []struct {
		name, text string
		links      []string
		want       string
	}{
		{"keyword", "lihat " + strings.ToUpper(kw) + " sekarang", nil, "keyword"},
		{"domain in text", "buka https://cdn." + dom + "/x", nil, "link"},
		{"domain in links", "", []string{"http://" + dom}, "link"},
		{"near duplicate", txt + " tambahan", nil, "near_duplicate"},
		{"clean", c.post(), nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.want == "" {
				res, err := s.Scan(t.Context(), Post{Channel: "chan_one", MessageID: "1", Text: tc.text, Links: tc.links})
				if err != nil || len(res.Hits) != 0 {
					t.Fatalf("clean post: %v %+v", err, res.Hits)
				}
				return
			}
			// Hits need the database to be recorded; matching alone is checked here.
			sc := new(scratch)
			vp, _ := s.validate(&Post{Channel: "chan_one", MessageID: "1"})
			hits, _, err := s.match(s.snap.Load(), &Post{Text: tc.text, Links: tc.links}, vp.post, sc, nil)
			if err != nil || len(hits) == 0 || hits[0].Matcher != tc.want {
				t.Fatalf("hits %+v, err %v; want a %s hit", hits, err, tc.want)
			}
		})
	}
}

func TestRolloutIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, frac := range []float64{0, 0.1, 0.5, 1} {
		set := &setInfo{ID: "bnk_x", Rollout: frac}
		in := 0
		for i := 0; i < 2000; i++ {
			post := fmt.Sprintf("telegram:message/chan/%d", i)
			a, b := applies(set, post), applies(set, post)
			if a != b {
				t.Fatalf("applies changed its answer for %s", post)
			}
			if a {
				in++
			}
		}
		if frac == 0 && in != 0 || frac == 1 && in != 2000 || frac == 0.5 && (in < 800 || in > 1200) || frac == 0.1 && (in < 100 || in > 300) {
			t.Errorf("rollout %.1f covered %d of 2000 posts", frac, in)
		}
	}
}

// BenchmarkScan is the whole in-memory scan of 1 KB posts with links against
// 10,000 keywords, 100,000 domains and 10,000 removed texts: validation,
// normalisation, keyword matching, link extraction and matching, and the
// near-duplicate query. Posts are clean, so no database is touched.
func BenchmarkScan(b *testing.B) {
	c := newCorpus(10_000, 100_000, 10_000)
	s := c.scanner(b)
	posts := make([]Post, 256)
	bytes := 0
	for i := range posts {
		posts[i] = Post{Channel: "chan_one", MessageID: FlexString(fmt.Sprint(i + 1)), Text: c.post(), Links: []string{"https://example.net/x"}}
		bytes += len(posts[i].Text)
	}
	ctx := b.Context()
	b.SetBytes(int64(bytes / len(posts)))
	b.ReportAllocs()
	cpu0 := testcorpus.ProcessCPU()
	for i := 0; b.Loop(); i++ {
		res, err := s.Scan(ctx, posts[i%len(posts)])
		if err != nil || len(res.Hits) != 0 {
			b.Fatalf("%v %+v", err, res.Hits)
		}
	}
	// posts/s is wall-clock; posts/cpu-s divides by the CPU time the process
	// used (GC included), which stays meaningful on a shared, loaded machine.
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
	b.ReportMetric(float64(b.N)/(testcorpus.ProcessCPU()-cpu0).Seconds(), "posts/cpu-s")
}

// TestCompileLeavesOutBrokenRules: a stored rule that no longer compiles is
// left out of the snapshot and logged, the others still match, and the refs
// stay with their rules.
func TestCompileLeavesOutBrokenRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		compile func(log *slog.Logger) (rules int, refs []int32, err error)
		logged  string
	}{
		{
			name: "text",
			compile: func(log *slog.Logger) (int, []int32, error) {
				m, refs, err := compileText([]textmatch.Rule{
					{ID: "bom", Kind: textmatch.KindKeyword, Pattern: "bom"},
					{ID: "broken", Kind: textmatch.KindRegex, Pattern: "(bom"},
					{ID: "jihad", Kind: textmatch.KindKeyword, Pattern: "jihad"},
				}, []int32{10, 11, 12}, log)
				if err != nil {
					return 0, nil, err
				}
				return m.Len(), refs, nil
			},
			logged: "scan: text rule left out of the snapshot",
		},
		{
			name: "link",
			compile: func(log *slog.Logger) (int, []int32, error) {
				m, refs, err := compileLinks([]linkmatch.Rule{
					{ID: "judi", Kind: linkmatch.KindDomain, Values: []string{"judi-online.com"}},
					{ID: "broken", Kind: linkmatch.KindDomain, Values: []string{"com"}},
					{ID: "radikal", Kind: linkmatch.KindDomain, Values: []string{"situs-radikal.net"}},
				}, []int32{10, 11, 12}, log)
				if err != nil {
					return 0, nil, err
				}
				return m.Len(), refs, nil
			},
			logged: "scan: link rule left out of the snapshot",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			n, refs, err := tt.compile(slog.New(slog.NewTextHandler(&buf, nil)))
			if err != nil {
				t.Fatal(err)
			}
			if n != 2 || !slices.Equal(refs, []int32{10, 12}) {
				t.Errorf("kept %d rules with refs %v, want 2 with [10 12]", n, refs)
			}
			if out := buf.String(); !strings.Contains(out, tt.logged) || !strings.Contains(out, "entry=broken") {
				t.Errorf("log %q, want %q for entry broken", out, tt.logged)
			}
		})
	}
}
