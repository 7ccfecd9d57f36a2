package neardup

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sigap/sigap/internal/textnorm"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
	"pgregory.net/rapid"
)

const propaganda = `Wahai saudaraku kaum muslimin bergabunglah bersama daulah islamiyah dan tegakkan syariat di bumi Allah
hijrah adalah kewajiban bagi setiap muslim yang mampu jangan dengarkan ulama thaghut yang menipu kalian
Brothers and sisters the caliphate needs your support join the fight and leave the land of the disbelievers
أيها المسلمون بايعوا أمير المؤمنين وانفروا خفافا وثقالا وجاهدوا بأموالكم وأنفسكم في سبيل الله`

func TestQuery(t *testing.T) {
	t.Parallel()
	ix, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Add("removed-1", textnorm.Normalize(propaganda)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		found      bool
	}{
		{"identical", propaganda, true},
		{"case and punctuation", strings.ToUpper(propaganda) + "!!!", true},
		{"evasions", strings.ReplaceAll(strings.ReplaceAll(propaganda, "daulah", "d4ul4h"), "thaghut", "ｔｈａｇｈｕｔ"), true},
		{"one word changed", strings.Replace(propaganda, "kewajiban", "keharusan", 1), true},
		{"two words appended", propaganda + " sebarkan segera", true},
		{"unrelated", "Selamat pagi semua, jangan lupa rapat RT nanti malam di balai desa ya. Bawa kue dan teh.", false},
		{"shares one sentence only", "Hari ini cuaca cerah sekali dan kami pergi ke pantai bersama keluarga besar. hijrah adalah kewajiban bagi setiap muslim", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ix.Query(textnorm.Normalize(tt.text), nil)
			if found := len(got) > 0; found != tt.found {
				t.Errorf("found = %v (%v), want %v", found, got, tt.found)
			}
		})
	}
}

func TestAddErrorsAndRemove(t *testing.T) {
	t.Parallel()
	ix, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	norm := textnorm.Normalize(propaganda)
	if err := ix.Add("a", norm); err != nil {
		t.Fatal(err)
	}
	if err := ix.Add("a", norm); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate: %v", err)
	}
	if err := ix.Add("b", ""); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if !ix.Remove("a") || ix.Remove("a") {
		t.Error("Remove should succeed once")
	}
	if got := ix.Query(norm, nil); len(got) != 0 {
		t.Errorf("removed document still matches: %v", got)
	}
	if ix.Len() != 0 {
		t.Errorf("Len = %d", ix.Len())
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{NumHashes: 100, Bands: 32}, {Threshold: 1.5}, {Shingle: 40}, {NumHashes: 4}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, _ := New(Options{Seed: 7})
	b, _ := New(Options{Seed: 7})
	c, _ := New(Options{Seed: 8})
	n := textnorm.Normalize(propaganda)
	sa, _ := a.Signature(n)
	sb, _ := b.Signature(n)
	sc, _ := c.Signature(n)
	if fmt.Sprint(sa) != fmt.Sprint(sb) {
		t.Error("same seed, different signatures")
	}
	if fmt.Sprint(sa) == fmt.Sprint(sc) {
		t.Error("different seeds, same signature")
	}
}

// TestEditedFoundUnrelatedNot: a post of 150-300 words with a few words
// substituted is found; a post drawn independently is not. The threshold is
// 0.7 here so that the estimate's spread (about 0.03 at K=128) cannot make
// the property flaky: 3 edits in 150 words leave a true Jaccard of ≥ 0.88.
func TestEditedFoundUnrelatedNot(t *testing.T) {
	t.Parallel()
	ix, err := New(Options{Threshold: 0.7})
	if err != nil {
		t.Fatal(err)
	}
	g := testcorpus.New(11)
	var mu sync.Mutex
	seq := 0
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(150, 300).Draw(t, "words")
		mu.Lock()
		words := make([]string, n)
		for i := range words {
			words[i] = g.Word()
		}
		other := make([]string, n)
		for i := range other {
			other[i] = g.Word()
		}
		mu.Unlock()
		mu.Lock()
		seq++
		id := fmt.Sprintf("doc-%d", seq)
		mu.Unlock()
		base := textnorm.Normalize(strings.Join(words, " "))
		if err := ix.Add(id, base); err != nil {
			t.Fatal(err)
		}
		edits := rapid.IntRange(1, 3).Draw(t, "edits")
		for range edits {
			words[rapid.IntRange(0, n-1).Draw(t, "at")] = "suntingan"
		}
		found := false
		for _, m := range ix.Query(textnorm.Normalize(strings.Join(words, " ")), nil) {
			found = found || m.ID == id
		}
		if !found {
			t.Fatalf("edited text (%d edits of %d words) not found", edits, n)
		}
		for _, m := range ix.Query(textnorm.Normalize(strings.Join(other, " ")), nil) {
			if m.ID == id {
				t.Fatalf("unrelated text matched %s at %.2f", id, m.Similarity)
			}
		}
	})
}

func TestConcurrent(t *testing.T) {
	t.Parallel()
	ix, _ := New(Options{})
	g := testcorpus.New(5)
	posts := g.Posts(64)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(posts); i += 4 {
				n := textnorm.Normalize(posts[i])
				_ = ix.Add(fmt.Sprint(i), n)
				if got := ix.Query(n, nil); len(got) == 0 {
					t.Errorf("post %d not found right after Add", i)
				}
			}
		})
	}
	wg.Wait()
}

func FuzzSignature(f *testing.F) {
	f.Add("bom bunuh diri di jakarta")
	f.Add("")
	f.Add("a")
	ix, _ := New(Options{})
	f.Fuzz(func(t *testing.T, s string) {
		n := textnorm.Normalize(s)
		sig, ok := ix.Signature(n)
		if ok != (n != "") {
			t.Fatalf("ok = %v for %q", ok, n)
		}
		if ok && len(sig) != 128 {
			t.Fatalf("len %d", len(sig))
		}
	})
}
