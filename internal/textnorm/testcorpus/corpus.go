package testcorpus

import (
	"embed"
	"math/rand/v2"
	"strings"
)

//go:embed words/*.txt
var wordFS embed.FS

// Words returns the word lists: Indonesian, English and Arabic.
func Words() (id, en, ar []string) {
	read := func(name string) []string {
		b, err := wordFS.ReadFile("words/" + name)
		if err != nil {
			panic(err) // embedded at build time
		}
		return strings.Fields(string(b))
	}
	return read("id.txt"), read("en.txt"), read("ar.txt")
}

var syllables = strings.Fields("ba be bi bo bu da di du ga gi gu ka ki ku la li lu ma mi mu na ni nu pa pi pu ra ri ru sa si su ta ti tu ya ng an in un ar ir ur kan lah nya mer ter ber per")

// Generator draws words from the three lists (60% Indonesian, 25% English,
// 15% Arabic) with a Zipf-like skew, plus invented Indonesian-like words so
// that the vocabulary is large, as it is in real traffic.
type Generator struct {
	rng              *rand.Rand
	id, en, ar, fake []string
	zID, zEN, zAR    *rand.Zipf
	zFake            *rand.Zipf
}

// New returns a deterministic generator.
func New(seed uint64) *Generator {
	id, en, ar := Words()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &Generator{rng: rng, id: id, en: en, ar: ar}
	fake := make([]string, 20000)
	for i := range fake {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		fake[i] = b.String()
	}
	g.fake = fake
	g.zID = rand.NewZipf(rng, 1.1, 2, uint64(len(id)-1))
	g.zEN = rand.NewZipf(rng, 1.1, 2, uint64(len(en)-1))
	g.zAR = rand.NewZipf(rng, 1.1, 2, uint64(len(ar)-1))
	g.zFake = rand.NewZipf(rng, 1.05, 5, uint64(len(fake)-1))
	return g
}

// Word draws one word.
func (g *Generator) Word() string {
	switch p := g.rng.IntN(100); {
	case p < 45:
		return g.id[g.zID.Uint64()]
	case p < 60:
		return g.fake[g.zFake.Uint64()]
	case p < 85:
		return g.en[g.zEN.Uint64()]
	default:
		return g.ar[g.zAR.Uint64()]
	}
}

// Post returns a post of about size bytes: sentences with capitals,
// punctuation, the odd number, emoji, hashtag or link.
func (g *Generator) Post(size int) string {
	var b strings.Builder
	start := true
	for b.Len() < size {
		w := g.Word()
		if start && w[0] < 0x80 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		start = false
		b.WriteString(w)
		switch p := g.rng.IntN(100); {
		case p < 8:
			b.WriteString(". ")
			start = true
		case p < 12:
			b.WriteString(", ")
		case p < 13:
			b.WriteString(" 2024 ")
		case p < 14:
			b.WriteString(" 🔥 ")
		case p < 15:
			b.WriteString(" #")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// Posts returns n posts of sizes uniformly between 200 and 2,000 bytes.
func (g *Generator) Posts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.Post(200 + g.rng.IntN(1800))
	}
	return out
}

// Keywords returns n distinct keyword and phrase patterns: known terms, rare
// vocabulary words, invented words and two-word phrases, in the proportions
// of a real list where most entries are rare.
func (g *Generator) Keywords(n int) []string {
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	add := func(s string) {
		if !seen[s] && len(out) < n {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range []string{"bom", "jihad", "isis", "daulah", "khilafah", "thaghut", "amaliyah", "istisyhad", "بيعة", "جهاد", "الدولة الإسلامية", "bom bunuh diri", "join the fight"} {
		add(s)
	}
	for len(out) < n {
		switch p := g.rng.IntN(100); {
		case p < 50:
			add(g.fake[g.rng.IntN(len(g.fake))])
		case p < 70:
			add(g.fake[g.rng.IntN(len(g.fake))] + " " + g.Word())
		case p < 85:
			add(g.Word() + " " + g.Word())
		default:
			add(g.ar[g.rng.IntN(len(g.ar))] + " " + g.ar[g.rng.IntN(len(g.ar))])
		}
	}
	return out
}
