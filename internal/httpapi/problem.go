package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/admin"
	"github.com/sigap/sigap/internal/contact"
	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/incident"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/retro"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/trust"
	"github.com/sigap/sigap/internal/video"
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

// newProblem is a problem whose type is named by its code.
func newProblem(status int, code, title, detail string) Problem {
	return Problem{Type: "https://sigap.dev/problems/" + code, Title: title, Status: status, Detail: detail, Code: code}
}

func problem(w http.ResponseWriter, status int, code, title, detail string) {
	writeProblem(w, newProblem(status, code, title, detail))
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// errorRule maps one domain error to its problem: a sentinel (is, compared
// with errors.Is) answered with status, code, title and detail, or a typed
// error (as, found with errors.As) that builds its own problem.
type errorRule struct {
	is     error
	as     func(r *http.Request, err error) (Problem, bool)
	status int
	code   string
	title  string
	// detail says what to do; it may quote the error, which never holds internals here.
	detail func(err error) string
	// retryAfter, when set, is sent as the Retry-After header (seconds).
	retryAfter string
}

// says is a detail that is always the same.
func says(detail string) func(error) string { return func(error) string { return detail } }

// quoting is a detail that is the error's own message.
func quoting(err error) string { return err.Error() }

// typed builds an errorRule.as for the error type E.
func typed[E error](build func(r *http.Request, e E) Problem) func(*http.Request, error) (Problem, bool) {
	return func(r *http.Request, err error) (Problem, bool) {
		var e E
		if !errors.As(err, &e) {
			return Problem{}, false
		}
		return build(r, e), true
	}
}

// imageFieldProblem is a 422 on an image that cannot be hashed.
func imageFieldProblem(field string, err error) Problem {
	code := "bad_image"
	if errors.Is(err, pdq.ErrTooLarge) || errors.Is(err, pdq.ErrTooManyPixels) {
		code = "image_too_large"
	}
	return validationProblem(&notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: code, Message: err.Error()}}})
}

// videoFieldProblem is a 422 on a video that cannot be hashed: over a
// limit (video_too_large) or not a video ffmpeg can decode (bad_video).
func videoFieldProblem(field string, err error) Problem {
	code := "bad_video"
	if errors.Is(err, scan.ErrVideoTooLarge) {
		code = "video_too_large"
	}
	return validationProblem(&notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: code, Message: err.Error()}}})
}

// fieldRule answers a sentinel as a 422 on one field.
func fieldRule(sentinel error, field, code string, message func(error) string) errorRule {
	return errorRule{as: func(_ *http.Request, err error) (Problem, bool) {
		if !errors.Is(err, sentinel) {
			return Problem{}, false
		}
		return validationProblem(&notice.ValidationError{Fields: []notice.FieldError{{Field: field, Code: code, Message: message(err)}}}), true
	}}
}

// errorTable is every domain error the API answers with a problem of its own,
// the more specific first; what none of them matches is a 500.
func errorTable() []errorRule {
	return []errorRule{
		{as: typed(func(_ *http.Request, ve *notice.ValidationError) Problem { return validationProblem(ve) })},
		{as: typed(func(r *http.Request, _ *http.MaxBytesError) Problem {
			detail := "the body is larger than 8 MiB; split a large order into several notices of at most 100000 subjects"
			if strings.HasPrefix(r.URL.Path, "/v1/scan") {
				detail = "the body is larger than 8 MiB and nothing was scanned; a post's text is at most 1 MiB by default, and a batch of many posts can be split over several requests (sigap scan sends 500 posts a request)"
			}
			return newProblem(http.StatusRequestEntityTooLarge, "body_too_large", "The request body is too large", detail)
		})},
		{as: typed(func(_ *http.Request, ie *contact.ErrInvalid) Problem {
			fields := make([]notice.FieldError, 0, len(ie.Fields))
			for _, f := range ie.Fields {
				fields = append(fields, notice.FieldError{Field: f.Field, Code: f.Code, Message: f.Message})
			}
			return validationProblem(&notice.ValidationError{Fields: fields})
		})},
		{as: typed(func(_ *http.Request, pe *report.PeriodError) Problem {
			return Problem{Type: "https://sigap.dev/problems/" + pe.Code, Title: "Invalid period or report parameters", Status: http.StatusBadRequest,
				Detail: pe.Message, Code: pe.Code, Errors: []notice.FieldError{{Field: pe.Field, Code: pe.Code, Message: pe.Message}}}
		})},
		{as: typed(func(_ *http.Request, inv *review.InvalidStatementsError) Problem {
			return invalidStatementsProblem(inv)
		})},
		{as: typed(func(_ *http.Request, held *review.HeldError) Problem {
			return newProblem(http.StatusConflict, "statement_held", "The statement is held back",
				"the authority asked not to inform the uploader before "+held.Until.Format(time.RFC3339)+"; deliver it after that")
		})},
		{as: typed(func(_ *http.Request, ie *scan.ImageError) Problem {
			return imageFieldProblem(fmt.Sprintf("media[%d].data", ie.Index), ie.Err)
		})},
		{as: typed(func(_ *http.Request, ve *scan.VideoError) Problem {
			return videoFieldProblem(fmt.Sprintf("media[%d].data", ve.Index), ve.Err)
		})},
		{is: video.ErrNoFFmpeg, status: http.StatusServiceUnavailable, code: "video_unavailable", title: "Videos cannot be decoded here",
			detail: says("the server has no ffmpeg (Debian's ffmpeg package); images and hashes still scan")},

		// The review workflow.
		{is: review.ErrNotHolder, status: http.StatusConflict, code: "not_holder", title: "You do not hold this case",
			detail: says("claim the case with POST /v1/queue/claim first; a lease lasts a limited time and then returns the case to the queue")},
		{is: review.ErrAlreadyDecided, status: http.StatusConflict, code: "already_decided", title: "The case is already decided",
			detail: says("a case takes one decision; a decision waiting for approval is settled with approve or reject; challenge a final one by appeal")},
		{is: review.ErrSelfApproval, status: http.StatusForbidden, code: "self_approval", title: "You cannot approve your own decision",
			detail: says("another reviewer must approve or reject it")},
		{is: review.ErrNotPending, status: http.StatusConflict, code: "not_pending", title: "The decision is not waiting for approval",
			detail: says("it was already approved or rejected")},
		{is: review.ErrNoDecision, status: http.StatusConflict, code: "no_decision", title: "The case has no final decision",
			detail: says("an appeal is against a final decision")},
		{is: review.ErrAppealExists, status: http.StatusConflict, code: "already_appealed", title: "The decision was already appealed",
			detail: says("a decision can be appealed once")},
		{is: review.ErrAppealTooLate, status: http.StatusConflict, code: "appeal_window_closed", title: "The appeal window has closed",
			detail: says("an appeal must be filed within six months of the decision")},
		{is: review.ErrSameReviewer, status: http.StatusForbidden, code: "same_reviewer", title: "A different reviewer must decide the appeal",
			detail: says("the reviewer who decided (or approved) the case cannot decide its appeal")},
		{is: review.ErrAppealDecided, status: http.StatusConflict, code: "appeal_decided", title: "The appeal is already decided",
			detail: says("an appeal takes one outcome")},
		{is: review.ErrNoStatement, status: http.StatusNotFound, code: "no_statement", title: "No statement of reasons",
			detail: says("only a final decision that restricts content (" + strings.Join(action.Restricting(), ", ") + ") owes one")},
		{is: review.ErrNotOrder, status: http.StatusConflict, code: "not_an_order", title: "Only an order can be objected to",
			detail: says("this notice is not a binding order; answer it with a decision or a message")},
		{is: review.ErrObjectionOpen, status: http.StatusConflict, code: "objection_open", title: "An objection is already open",
			detail: says("wait for the authority's answer to the open objection")},
		{is: review.ErrObjectionClosed, status: http.StatusConflict, code: "objection_answered", title: "The objection is already answered",
			detail: says("an objection takes one answer")},
		{is: review.ErrPlatformOnly, status: http.StatusForbidden, code: "platform_only", title: "Only the platform can do this",
			detail: says("use a key of the platform's org")},
		{is: review.ErrNotifierOnly, status: http.StatusForbidden, code: "notifier_only", title: "Only the notifier can do this",
			detail: says("use a key of the org that sent the notice")},

		// Evidence.
		{is: enforce.ErrEvidenceNotYours, status: http.StatusNotFound, code: "not_found", title: "Not found",
			detail: says("no such object, or it is not yours to see")},
		{is: enforce.ErrHoldRole, status: http.StatusForbidden, code: "hold_not_allowed", title: "You may not hold this evidence", detail: quoting},
		fieldRule(enforce.ErrHoldPast, "until", "in_past", says("until must be in the future")),
		{is: enforce.ErrPurged, status: http.StatusConflict, code: "purged", title: "The evidence was already purged",
			detail: says("its retention ended before the hold was asked for")},

		{is: document.ErrPurged, status: http.StatusGone, code: "document_purged", title: "The document's bytes were purged",
			detail: says("retensinya berakhir; nama, ukuran dan SHA-256-nya tetap tercatat / its retention ended; its name, size and SHA-256 stay on record")},

		// Preservation and emergency requests (docs/requests.md).
		{is: enforce.ErrNotPreservation, status: http.StatusConflict, code: "not_preservation", title: "Not a preservation request",
			detail: says("bukan permintaan preservasi / only a notice of kind preservation is confirmed this way")},
		{is: enforce.ErrAlreadyPreserved, status: http.StatusConflict, code: "already_confirmed", title: "The preservation is already confirmed",
			detail: says("sudah dikonfirmasi / a preservation is confirmed once; the authority extends it with a hold on its evidence")},
		fieldRule(enforce.ErrPreservationSHA256, "sha256", "invalid", says("sha256 harus 64 digit heksadesimal kecil / sha256 must be 64 lower-case hex digits")),
		fieldRule(enforce.ErrArt18Authority, "authority", "invalid", says("sebutkan otoritas berwenang / name the competent authority notified, 1 to 500 characters")),
		fieldRule(enforce.ErrArt18MemberState, "member_state", "invalid", says("kode ISO 3166-1 alpha-2 huruf besar / an upper-case ISO 3166-1 alpha-2 code such as DE")),
		fieldRule(enforce.ErrArt18Reference, "reference", "too_long", says("paling banyak 500 karakter / at most 500 characters")),
		fieldRule(enforce.ErrArt18NotifiedLate, "notified_at", "in_future", says("notified_at tidak boleh di masa depan / notified_at must not be in the future")),

		// Banks, lists and scanning.
		{is: store.ErrConflict, status: http.StatusConflict, code: "conflict", title: "Already exists",
			detail: func(err error) string { return strings.TrimPrefix(err.Error(), "store: ") }},
		{is: scan.ErrTextTooLarge, status: http.StatusRequestEntityTooLarge, code: "text_too_large", title: "The post's text is too large", detail: quoting},
		{is: filterset.ErrUnknownFormat, status: http.StatusBadRequest, code: "unknown_format", title: "Unknown format",
			detail: func(err error) string {
				return strings.TrimPrefix(err.Error(), filterset.ErrUnknownFormat.Error()+": ")
			}},
		fieldRule(filterset.ErrFormat, "body", "invalid", quoting),
		fieldRule(rulelist.ErrRule, "body", "invalid", quoting),

		// Notices and flaggers.
		{is: intake.ErrIdempotencyMismatch, status: http.StatusConflict, code: "idempotency_mismatch", title: "Idempotency-Key reused",
			detail: says("this Idempotency-Key was used before with a different body; use a new key for a new notice")},
		{is: trust.ErrNotActive, status: http.StatusForbidden, code: "flagger_not_active", title: "Flagger not active",
			detail: func(err error) string {
				return "this organisation's trusted flagger accreditation is not active (" + err.Error() + "); notices are refused until the platform's admin reinstates it"
			}},
		{is: trust.ErrQuota, status: http.StatusTooManyRequests, code: "quota_exceeded", title: "Daily quota reached", retryAfter: "3600",
			detail: func(err error) string { return err.Error() + "; it resets at 00:00 UTC (07:00 WIB)" }},
		{is: trust.ErrTransition, status: http.StatusConflict, code: "invalid_transition", title: "Invalid status change", detail: quoting},

		// Keys and users.
		{is: admin.ErrKeyNotLive, status: http.StatusConflict, code: "key_not_live", title: "The key is revoked or expired",
			detail: says("only a live key can be rotated; create a new key instead")},
		// Signed requests (RFC 9421); signatureProblem adds the 401's challenge.
		{is: httpsig.ErrUnsigned, status: http.StatusUnauthorized, code: "signature_required", title: "Signature required",
			detail: says("this organisation requires every request to be signed (RFC 9421 with its registered Ed25519 key): see docs/signed-requests.md, or give sigap --sign-key and --sign-keyid")},
		{is: httpsig.ErrExpired, status: http.StatusUnauthorized, code: "signature_expired", title: "Signature expired",
			detail: func(err error) string {
				return strings.TrimPrefix(err.Error(), "httpsig: ") + "; sign each request as it is sent, with the clock in sync (NTP)"
			}},
		{is: httpsig.ErrInvalid, status: http.StatusUnauthorized, code: "signature_invalid", title: "Invalid signature",
			detail: func(err error) string { return strings.TrimPrefix(err.Error(), "httpsig: ") }},

		{is: incident.ErrClosed, status: http.StatusConflict, code: "incident_closed", title: "The incident is already closed",
			detail: says("the incident was closed before and its report kept; nothing changed (insiden sudah ditutup; tidak ada yang berubah)")},
		{is: retro.ErrNotRetained, status: http.StatusConflict, code: "posts_not_retained", title: "Posts are not retained", detail: quoting},

		// Everywhere.
		{is: store.ErrNotFound, status: http.StatusNotFound, code: "not_found", title: "Not found",
			detail: says("no such object, or it is not yours to see")},
		{is: store.ErrClosed, status: http.StatusServiceUnavailable, code: "shutting_down", title: "The service is shutting down",
			detail: says("retry in a moment")},
		{as: func(_ *http.Request, err error) (Problem, bool) {
			return newProblem(http.StatusServiceUnavailable, "database_unavailable", "The database cannot be reached",
				"sigap lost its database for a moment (a restart or a failover) and stored nothing it has not acknowledged; retry with the same Idempotency-Key"), store.Unavailable(err)
		}, retryAfter: "1"},
	}
}

// errorResponse answers err with the problem errorTable gives it; unknown
// errors become a 500 whose detail never leaks internals.
func (a *API) errorResponse(w http.ResponseWriter, r *http.Request, err error) {
	p, retryAfter, ok := problemFor(r, err)
	if !ok {
		a.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p = newProblem(http.StatusInternalServerError, "internal", "Internal error", "the request failed inside sigap; it has been logged. Retry, and if it persists tell the operator")
	}
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeProblem(w, p)
}

// problemFor is err's problem from errorTable and the Retry-After to send
// with it; ok is false for an error the table does not know.
func problemFor(r *http.Request, err error) (p Problem, retryAfter string, ok bool) {
	for _, rule := range errorTable() {
		if rule.as != nil {
			if p, ok := rule.as(r, err); ok {
				return p, rule.retryAfter, true
			}
			continue
		}
		if errors.Is(err, rule.is) {
			return newProblem(rule.status, rule.code, rule.title, rule.detail(err)), rule.retryAfter, true
		}
	}
	return Problem{}, "", false
}

// validationProblem is a 422 listing each bad field, or a 400 when the body
// as a whole cannot be read.
func validationProblem(ve *notice.ValidationError) Problem {
	status, code, title := http.StatusUnprocessableEntity, "validation", "The request has invalid fields"
	if len(ve.Fields) == 1 && ve.Fields[0].Field == "" {
		status, code, title = http.StatusBadRequest, ve.Fields[0].Code, "The request body cannot be read"
	}
	detail := ve.Fields[0].Message
	if len(ve.Fields) > 1 {
		detail = "several fields are invalid; see errors for each one"
	}
	return Problem{Type: "https://sigap.dev/problems/" + code, Title: title, Status: status, Detail: detail, Code: code, Errors: ve.Fields}
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

// jsonBuffers keep writeJSON's encoding buffers for reuse.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON answers v with its length declared: net/http chunks an answer
// of more than 2 KB written without one, which costs both ends more than
// knowing the length (a signed notice's answer is ~2.4 KB). The answer is
// encoded into a pooled buffer, so declaring it costs no allocation.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 64<<10 { // a large list's buffer is not kept
			jsonBuffers.Put(buf)
		}
	}()
	buf.Reset()
	err := json.NewEncoder(buf).Encode(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if err == nil {
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	}
	w.WriteHeader(status)
	if err == nil {
		_, _ = w.Write(buf.Bytes())
	}
}
