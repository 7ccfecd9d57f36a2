package httpapi

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
)

// noticeView is a notice as the API shows it.
type noticeView struct {
	ID               string                     `json:"id"`
	OrgID            string                     `json:"org_id"`
	Kind             string                     `json:"kind"`
	Status           string                     `json:"status"`
	Lane             string                     `json:"lane"`
	LaneNote         string                     `json:"lane_note,omitempty"`
	Regime           string                     `json:"regime"`
	Category         string                     `json:"category"`
	ReceivedAt       time.Time                  `json:"received_at"`
	DueAt            time.Time                  `json:"due_at"`
	SLA              slaView                    `json:"sla"`
	Reference        string                     `json:"reference,omitempty"`
	Explanation      string                     `json:"explanation"`
	LegalBasis       string                     `json:"legal_basis,omitempty"`
	Urgent           bool                       `json:"urgent"`
	RequestedAction  string                     `json:"requested_action,omitempty"`
	TerritorialScope []string                   `json:"territorial_scope"`
	Language         string                     `json:"language,omitempty"`
	Evidence         []notice.Evidence          `json:"evidence,omitempty"`
	Contact          *notice.Contact            `json:"contact,omitempty"`
	GoodFaith        bool                       `json:"good_faith"`
	BodySHA256       string                     `json:"body_sha256"`
	SubjectCount     int                        `json:"subject_count"`
	Subjects         []notice.Subject           `json:"subjects,omitempty"`
	Receipt          receipt.Receipt            `json:"receipt"`
	RequestSignature *httpsig.Result            `json:"request_signature,omitempty"`
	LogIndex         *int64                     `json:"log_index,omitempty"`
	Documents        []documentView             `json:"documents,omitempty"`
	PreserveDays     int                        `json:"preserve_days,omitempty"`
	Preservation     *notice.Preservation       `json:"preservation,omitempty"`
	Art18            []notice.Art18Notification `json:"art18_notifications,omitempty"`
	TCO              *notice.TCO                `json:"tco,omitempty"`
	Cases            []notice.Case              `json:"cases,omitempty"`
	Timeline         []notice.Event             `json:"timeline,omitempty"`
}

type slaView struct {
	Regime string `json:"regime"`
	Class  string `json:"class"`
	Within string `json:"within"`
}

func viewOf(n *notice.Notice) noticeView {
	return noticeView{ID: n.ID, OrgID: n.OrgID, Kind: n.Kind, Status: n.Status, Lane: n.Lane, LaneNote: n.LaneNote, Regime: n.Regime, Category: n.Category,
		ReceivedAt: n.ReceivedAt, DueAt: n.DueAt, SLA: slaView{n.Regime, n.Class, policy.FormatDuration(n.Within)},
		Reference: n.Reference, Explanation: n.Explanation, LegalBasis: n.LegalBasis, Urgent: n.Urgent,
		RequestedAction: n.RequestedAction, TerritorialScope: n.TerritorialScope, Language: n.Language,
		Evidence: n.Evidence, Contact: n.Contact, GoodFaith: n.GoodFaith, BodySHA256: n.BodySHA256,
		SubjectCount: n.SubjectCount, Subjects: n.Subjects, Receipt: n.Receipt, LogIndex: n.LogIndex,
		Documents: newDocumentViews(n), PreserveDays: n.PreserveDays, TCO: n.TCO}
}

func (a *API) createNotice(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	idem := r.Header.Get("Idempotency-Key")
	if utf8.RuneCountInString(idem) > 255 || strings.ContainsFunc(idem, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		problem(w, http.StatusBadRequest, "invalid_idempotency_key", "Invalid Idempotency-Key", "the Idempotency-Key header must be at most 255 printable characters")
		return
	}
	if c.OrgKind == org.KindFlagger && !a.flaggerLimit().allow(c.OrgID) {
		w.Header().Set("Retry-After", "1")
		problem(w, http.StatusTooManyRequests, "rate_limited", "Too many notices",
			"this flagger is sending faster than 20 notices a second; wait a moment, or send many links in one notice")
		return
	}
	body, docs, err := noticeBody(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if err := checkJSON(body); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	res, err := a.Intake.File(r.Context(), intake.Submission{Caller: c, DefaultRegime: c.DefaultRegime, Body: body,
		IdempotencyKey: idem, Signature: signatureFrom(r.Context()), Documents: docs})
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	v := viewOf(res.Notice)
	if v.RequestSignature = signatureFrom(r.Context()); !res.Stored {
		v.RequestSignature = requestSignatureOf(res.Notice.Receipt) // the first notice's, signed or not
	}
	w.Header().Set("Location", "/v1/notices/"+res.Notice.ID)
	if !res.Stored {
		if v.Documents, err = a.noticeDocuments(r, res.Notice.ID); err != nil {
			a.errorResponse(w, r, err)
			return
		}
		w.Header().Set("Idempotent-Replayed", "true")
		a.withLogIndex(r, res.Notice)
		v.LogIndex = res.Notice.LogIndex
	}
	writeJSON(w, http.StatusCreated, v)
}

// scopeOrg is the org whose notices a caller may see: platform roles see all.
func scopeOrg(c org.Caller) string {
	if c.Platform() {
		return ""
	}
	return c.OrgID
}

func (a *API) getNotice(r *http.Request, c org.Caller, _ noBody) (noticeView, error) {
	n, err := a.DB.Notice(r.Context(), r.PathValue("id"), scopeOrg(c))
	if err != nil {
		return noticeView{}, err
	}
	a.withLogIndex(r, n)
	v := viewOf(n)
	v.RequestSignature = requestSignatureOf(n.Receipt)
	if v.Documents, err = a.noticeDocuments(r, n.ID); err != nil {
		return noticeView{}, err
	}
	if err = a.requestState(r, &v); err != nil {
		return noticeView{}, err
	}
	if v.Cases, err = a.DB.NoticeCases(r.Context(), n.ID); err != nil {
		return noticeView{}, err
	}
	if err = a.attachDecisions(r.Context(), v.Cases); err != nil {
		return noticeView{}, err
	}
	if v.Timeline, err = a.DB.Timeline(r.Context(), n.ID, 1000); err != nil {
		return noticeView{}, err
	}
	return v, nil
}

// noticeCursorRe matches the notice IDs listNotices hands out as next_cursor.
var noticeCursorRe = regexp.MustCompile(`^ntc_[0-9a-hjkmnp-tv-z]{24}$`)

func (a *API) listNotices(r *http.Request, c org.Caller, _ noBody) (list[noticeView], error) {
	limit, cursor, err := page(r)
	if err != nil {
		return list[noticeView]{}, err
	}
	q := r.URL.Query()
	f := store.NoticeFilter{OrgID: scopeOrg(c), Status: q.Get("status"), Kind: q.Get("kind"), Category: q.Get("category"), Cursor: cursor, Limit: limit + 1}
	var bad []notice.FieldError
	if f.Status != "" && !slices.Contains([]string{notice.StatusReceived, notice.StatusInReview, notice.StatusDecided, notice.StatusActioned, notice.StatusRejected}, f.Status) {
		bad = append(bad, notice.FieldError{Field: "status", Code: "unknown_value", Message: "status must be received, in_review, decided, actioned or rejected"})
	}
	if f.Kind != "" && !slices.Contains(notice.Kinds, f.Kind) {
		bad = append(bad, notice.FieldError{Field: "kind", Code: "unknown_value", Message: "kind must be one of: " + strings.Join(notice.Kinds, ", ")})
	}
	if f.Category != "" && !slices.Contains(policy.Categories, f.Category) {
		bad = append(bad, notice.FieldError{Field: "category", Code: "unknown_value", Message: "unknown category"})
	}
	// The cursor is a notice ID; anything else would silently page from an
	// arbitrary point instead of telling the client its cursor is wrong.
	if f.Cursor != "" && !noticeCursorRe.MatchString(f.Cursor) {
		bad = append(bad, notice.FieldError{Field: "cursor", Code: "invalid", Message: "cursor is not one this API gave out; pass the next_cursor of the previous page"})
	}
	if len(bad) > 0 {
		return list[noticeView]{}, &notice.ValidationError{Fields: bad}
	}
	ns, err := a.DB.Notices(r.Context(), f)
	if err != nil {
		return list[noticeView]{}, err
	}
	items := viewsOf(ns, viewOf)
	return pageOf(items, limit, func(v noticeView) string { return v.ID }), nil
}
