package rulelist

import (
	"fmt"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// benchKeywords returns n distinct keywords and phrases made of real
// Indonesian, English and Arabic words (one, two or three of them), as a
// large imported list would hold.
func benchKeywords(n int) []filterset.Item {
	g := testcorpus.New(7)
	seen := make(map[string]bool, n)
	out := make([]filterset.Item, 0, n)
	for len(out) < n {
		kw := g.Word()
		for range len(out) % 3 {
			kw += " " + g.Word()
		}
		if len([]rune(kw)) < 4 || seen[kw] {
			continue
		}
		seen[kw] = true
		out = append(out, filterset.Item{Value: kw})
	}
	return out
}

// BenchmarkCheckKeywords10k checks 10,000 keywords as an import does
// (textmatch's compile of each, the benign corpus check) without the store.
func BenchmarkCheckKeywords10k(b *testing.B) {
	in := benchKeywords(10_000)
	benign() // built once per process, as in the server
	b.ResetTimer()
	for b.Loop() {
		refused := 0
		for _, e := range in {
			if _, _, err := Check(KindKeyword, e.Value); err != nil {
				refused++
			}
		}
		b.ReportMetric(float64(refused), "refused")
	}
}

// BenchmarkImportKeywords10k imports 10,000 keywords into a fresh SQLite
// list, end to end (check, rows, insert).
func BenchmarkImportKeywords10k(b *testing.B) {
	in := benchKeywords(10_000)
	var valid []filterset.Item
	for _, e := range in {
		if _, _, err := Check(KindKeyword, e.Value); err == nil {
			valid = append(valid, e)
		}
	}
	ctx := b.Context()
	db, err := store.Open(ctx, store.Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	svc := &filterset.Service{Kind: Kind{}, DB: db, Clock: clock.NewFixed(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))}
	c := org.Caller{OrgID: "org_platform", KeyID: "key_1"}
	i := 0
	for b.Loop() {
		l, err := svc.Create(ctx, c, filterset.CreateInput{Name: fmt.Sprintf("bench %d", i), Kind: KindKeyword, Policy: "shadow", Labels: []string{"terrorism"}})
		if err != nil {
			b.Fatal(err)
		}
		i++
		res, err := svc.Import(ctx, c, l.ID, valid)
		// The generated corpus holds keywords that are one after
		// normalisation (one in 10,000 here): those are skipped, not added.
		if err != nil || res.Received != len(valid) || res.Added+res.Skipped != len(valid) || res.Added < len(valid)*99/100 {
			b.Fatalf("import: %+v %v", res, err)
		}
	}
}

// BenchmarkCheckRegex checks one regex rule (compile + benign corpus run).
func BenchmarkCheckRegex(b *testing.B) {
	benign()
	for b.Loop() {
		if _, _, err := Check(KindRegex, `daulah\s+islamiy+ah`); err != nil {
			b.Fatal(err)
		}
	}
}
