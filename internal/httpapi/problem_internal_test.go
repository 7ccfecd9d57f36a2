package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/trust"
)

// TestErrorTable checks that domain errors, wrapped as services wrap them,
// find their problem in the one table, and that the table knows nothing of
// other errors (errorResponse makes those a 500).
func TestErrorTable(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("service: step: %w", err) }
	for _, tc := range []struct {
		name       string
		path       string
		err        error
		status     int
		code       string
		field      string
		retryAfter string
	}{
		{name: "not found", err: wrap(store.ErrNotFound), status: 404, code: "not_found"},
		{name: "closed", err: wrap(store.ErrClosed), status: 503, code: "shutting_down"},
		{name: "conflict", err: wrap(store.ErrConflict), status: 409, code: "conflict"},
		{name: "one bad field", err: invalid("url", "invalid_url", "bad"), status: 422, code: "validation", field: "url"},
		{name: "unreadable body", err: &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_json", Message: "x"}}},
			status: 400, code: "malformed_json"},
		{name: "body too large", path: "/v1/notices", err: wrap(&http.MaxBytesError{Limit: MaxBody}), status: 413, code: "body_too_large"},
		{name: "idempotency", err: wrap(intake.ErrIdempotencyMismatch), status: 409, code: "idempotency_mismatch"},
		{name: "flagger not active", err: wrap(trust.ErrNotActive), status: 403, code: "flagger_not_active"},
		{name: "quota", err: wrap(trust.ErrQuota), status: 429, code: "quota_exceeded", retryAfter: "3600"},
		{name: "held statement", err: wrap(&review.HeldError{Until: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}), status: 409, code: "statement_held"},
		{name: "not holder", err: wrap(review.ErrNotHolder), status: 409, code: "not_holder"},
		{name: "self approval", err: wrap(review.ErrSelfApproval), status: 403, code: "self_approval"},
		{name: "platform only", err: wrap(review.ErrPlatformOnly), status: 403, code: "platform_only"},
		{name: "no statement", err: wrap(review.ErrNoStatement), status: 404, code: "no_statement"},
		{name: "evidence of another", err: wrap(enforce.ErrEvidenceNotYours), status: 404, code: "not_found"},
		{name: "hold in the past", err: wrap(enforce.ErrHoldPast), status: 422, code: "validation", field: "until"},
		{name: "purged", err: wrap(enforce.ErrPurged), status: 409, code: "purged"},
		{name: "text too large", err: wrap(scan.ErrTextTooLarge), status: 413, code: "text_too_large"},
		{name: "bad image", err: wrap(&scan.ImageError{Index: 2, Err: pdq.ErrTooLarge}), status: 422, code: "validation", field: "media[2].data"},
		{name: "unknown", err: errors.New("db: connection reset by 10.0.0.7"), status: 500, code: "internal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := tc.path
			if path == "" {
				path = "/v1/x"
			}
			p, retryAfter, ok := problemFor(httptest.NewRequest("GET", path, nil), tc.err)
			if tc.status == 500 {
				if ok {
					t.Errorf("the table answers an unknown error with %+v; want a 500", p)
				}
				return
			}
			if !ok || p.Status != tc.status || p.Code != tc.code {
				t.Errorf("problem %+v (found %v); want %d %q", p, ok, tc.status, tc.code)
			}
			if p.Title == "" || p.Detail == "" || p.Type != "https://sigap.dev/problems/"+tc.code {
				t.Errorf("problem lacks title, detail or type: %+v", p)
			}
			if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field) {
				t.Errorf("errors = %+v; want one on %s", p.Errors, tc.field)
			}
			if retryAfter != tc.retryAfter {
				t.Errorf("Retry-After = %q, want %q", retryAfter, tc.retryAfter)
			}
		})
	}
}
