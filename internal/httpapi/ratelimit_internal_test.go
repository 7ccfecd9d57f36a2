package httpapi

import "testing"

func TestOrgLimiterIsPerOrg(t *testing.T) {
	t.Parallel()
	l := newOrgLimiter(0.001, 3)
	for i := range 3 {
		if !l.allow("org_a") {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	if l.allow("org_a") {
		t.Error("a fourth request beyond the burst was allowed")
	}
	if !l.allow("org_b") {
		t.Error("another org was rationed by org_a's flood")
	}
}
