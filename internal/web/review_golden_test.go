package web_test

import (
	"regexp"
	"testing"
)

// The review pages carry IDs the shared golden filter does not know.
var reviewUnstable = regexp.MustCompile(`\b(dec|apl|msg|obj|act)_[0-9a-z]{24}\b`)

func TestGoldenReviewCase(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t, sqliteEngine(t))
	id := claim(t, e.rina)
	golden(t, "review_case_id", reviewUnstable.ReplaceAllString(e.rina.get("/review/cases/"+id).body, "${1}_ID"))
}
