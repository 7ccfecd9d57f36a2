package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/trust"
)

// Problem is an RFC 9457 problem document, with sigap's machine-readable code.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail"`
	Code   string              `json:"code,omitempty"`
	Errors []notice.FieldError `json:"errors,omitempty"`
}

func problem(w http.ResponseWriter, status int, code, title, detail string) {
	writeProblem(w, Problem{Type: "https://sigap.dev/problems/" + code, Title: title, Status: status, Detail: detail, Code: code})
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// errorResponse maps domain errors to problems; unknown errors become a 500
// whose detail never leaks internals.
func (a *API) errorResponse(w http.ResponseWriter, r *http.Request, err error) {
	var ve *notice.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ve):
		status, code, title := http.StatusUnprocessableEntity, "validation", "The request has invalid fields"
		if len(ve.Fields) == 1 && ve.Fields[0].Field == "" {
			status, code, title = http.StatusBadRequest, ve.Fields[0].Code, "The request body cannot be read"
		}
		detail := ve.Fields[0].Message
		if len(ve.Fields) > 1 {
			detail = "several fields are invalid; see errors for each one"
		}
		writeProblem(w, Problem{Type: "https://sigap.dev/problems/" + code, Title: title, Status: status, Detail: detail, Code: code, Errors: ve.Fields})
	case errors.As(err, &mbe):
		detail := "the body is larger than 8 MiB; split a large order into several notices of at most 100000 subjects"
		if strings.HasPrefix(r.URL.Path, "/v1/scan") {
			detail = "the body is larger than 8 MiB and nothing was scanned; a post's text is at most 1 MiB by default, and a batch of many posts can be split over several requests (sigap scan sends 500 posts a request)"
		}
		problem(w, http.StatusRequestEntityTooLarge, "body_too_large", "The request body is too large", detail)
	case errors.Is(err, store.ErrNotFound):
		problem(w, http.StatusNotFound, "not_found", "Not found", "no such object, or it is not yours to see")
	case errors.Is(err, intake.ErrIdempotencyMismatch):
		problem(w, http.StatusConflict, "idempotency_mismatch", "Idempotency-Key reused",
			"this Idempotency-Key was used before with a different body; use a new key for a new notice")
	case errors.Is(err, trust.ErrNotActive):
		problem(w, http.StatusForbidden, "flagger_not_active", "Flagger not active",
			"this organisation's trusted flagger accreditation is not active ("+err.Error()+"); notices are refused until the platform's admin reinstates it")
	case errors.Is(err, trust.ErrQuota):
		w.Header().Set("Retry-After", "3600")
		problem(w, http.StatusTooManyRequests, "quota_exceeded", "Daily quota reached", err.Error()+"; it resets at 00:00 UTC (07:00 WIB)")
	case errors.Is(err, trust.ErrTransition):
		problem(w, http.StatusConflict, "invalid_transition", "Invalid status change", err.Error())
	case errors.Is(err, store.ErrClosed):
		problem(w, http.StatusServiceUnavailable, "shutting_down", "The service is shutting down", "retry in a moment")
	default:
		a.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		problem(w, http.StatusInternalServerError, "internal", "Internal error", "the request failed inside sigap; it has been logged. Retry, and if it persists tell the operator")
	}
}

// unmatched answers requests no route takes with a problem document: 405 with
// Allow when the path exists for other methods, else 404.
func unmatched(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := mux.Handler(probe); p != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			problem(w, http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed",
				r.Method+" is not allowed on "+r.URL.Path+"; use "+strings.Join(allow, " or "))
			return
		}
		problem(w, http.StatusNotFound, "no_route", "Not found", r.Method+" "+r.URL.Path+" is not part of the API; see /openapi.json")
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
