package web

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
)

// kindsFor lists the notice kinds a user may send, as intake allows them per org kind.
func kindsFor(k org.Kind, r org.Role) []string {
	if !slices.Contains([]org.Role{org.RoleAuthority, org.RoleFlagger, org.RoleAdmin, org.RoleReviewer}, r) {
		return nil
	}
	return notice.KindsFor(k)
}

// noticeForm is the new-notice form's values, as typed.
type noticeForm struct {
	Kind, Regime, Category, Explanation, LegalBasis, Reference, RequestedAction string
	Scope, Language, Evidence, ContactName, ContactEmail, Links, Idem           string
	Urgent, GoodFaith                                                           bool
	// PreserveDays is a preservation request's days, as typed.
	PreserveDays string
}

type newNoticeData struct {
	F          noticeForm
	Kinds      []string
	Regimes    []string
	Categories []string
	Actions    []string
	// Errors holds translated messages per form field; Summary all of them, for the alert at the top.
	Errors  map[string][]string
	Summary []string
	Preview *linkCheck
	// Ready is true when the preview found links to send and refused none.
	Ready bool
	Max   int
	// Requests are the policy's preservation bounds, for the form's hint.
	Requests policy.Requests
}

func newIdem() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "web-" + base64.RawURLEncoding.EncodeToString(b[:])
}

func (p *Portal) formData(q *req, f noticeForm) *newNoticeData {
	return &newNoticeData{F: f, Kinds: kindsFor(q.User.OrgKind, q.User.Role), Regimes: p.Policy.RegimeNames(),
		Categories: policy.Categories, Actions: notice.RequestedActions, Errors: map[string][]string{}, Max: notice.MaxSubjects,
		Requests: p.Policy.Requests}
}

func (p *Portal) newNoticePage(w http.ResponseWriter, r *http.Request, q *req) {
	kinds := kindsFor(q.User.OrgKind, q.User.Role)
	if len(kinds) == 0 {
		p.render(w, r, q, http.StatusForbidden, "error", "error.title", map[string]any{"Message": "error.forbidden", "Status": http.StatusForbidden})
		return
	}
	o, err := p.DB.Org(r.Context(), q.User.OrgID)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	regime := o.DefaultRegime
	if regime == "" {
		regime = "ID-PSE"
	}
	// The content's language is the sender's to give: the interface's
	// language says nothing about the content's.
	f := noticeForm{Kind: kinds[0], Regime: regime, Idem: newIdem()}
	p.render(w, r, q, http.StatusOK, "notice_new", "new.title", p.formData(q, f))
}

var idemRe = regexp.MustCompile(`^web-[A-Za-z0-9_-]{10,40}$`)

func (p *Portal) newNoticePost(w http.ResponseWriter, r *http.Request, q *req) {
	if len(kindsFor(q.User.OrgKind, q.User.Role)) == 0 {
		p.render(w, r, q, http.StatusForbidden, "error", "error.title", map[string]any{"Message": "error.forbidden", "Status": http.StatusForbidden})
		return
	}
	if err := r.ParseMultipartForm(2 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			p.errorPage(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
			return
		}
		p.errorPage(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if r.PostForm == nil {
		if err := r.ParseForm(); err != nil {
			p.serverError(w, r, err)
			return
		}
	}
	v := r.PostForm.Get
	f := noticeForm{Kind: v("kind"), Regime: v("regime"), Category: v("category"), Explanation: v("explanation"),
		LegalBasis: v("legal_basis"), Reference: v("reference"), RequestedAction: v("requested_action"), Scope: v("territorial_scope"),
		Language: v("language"), Evidence: v("evidence"), ContactName: v("contact_name"), ContactEmail: v("contact_email"),
		Links: v("links"), Idem: v("idem"), Urgent: v("urgent") != "", GoodFaith: v("good_faith") != "", PreserveDays: v("preserve_days")}
	if !idemRe.MatchString(f.Idem) {
		f.Idem = newIdem()
	}
	d := p.formData(q, f)
	fail := func(field, msg string) {
		d.Errors[field] = append(d.Errors[field], msg)
		d.Summary = append(d.Summary, i18n.T(q.Lang, "field."+field)+": "+msg)
	}

	links := splitLinks(f.Links)
	if r.MultipartForm != nil && len(r.MultipartForm.File["file"]) > 0 {
		fh := r.MultipartForm.File["file"][0]
		file, err := fh.Open()
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		more, err := readLinkFile(file, fh.Filename)
		file.Close()
		switch {
		case errors.Is(err, errNotText):
			fail("file", i18n.T(q.Lang, "new.err.not_text"))
		case errors.Is(err, errTooManyLinks):
			fail("file", i18n.T(q.Lang, "new.err.too_many", notice.MaxSubjects))
		case err != nil:
			p.serverError(w, r, err)
			return
		default:
			links = append(links, more...)
		}
	}
	if len(links) > notice.MaxSubjects {
		fail("links", i18n.T(q.Lang, "new.err.too_many", notice.MaxSubjects))
	}
	docs, refused, err := formDocuments(r, q.Lang)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	for _, msg := range refused {
		fail("documents", msg)
	}
	if len(d.Summary) > 0 {
		p.render(w, r, q, http.StatusUnprocessableEntity, "notice_new", "new.title", d)
		return
	}
	allowPrivate := false
	if reg, err := p.Policy.Regime(f.Regime); err == nil {
		allowPrivate = reg.AllowPrivate
	}
	check := checkLinks(links, allowPrivate)
	d.Preview = &check
	// After a check, the box holds exactly what will be sent: recognised links, once each.
	d.F.Links = strings.Join(check.Recognised, "\n")
	d.Ready = len(check.Recognised) > 0 && check.NRefused == 0
	if len(check.Recognised) == 0 {
		fail("links", i18n.T(q.Lang, "new.err.no_links"))
	}
	if v("action") != "send" || len(check.Recognised) == 0 {
		status := http.StatusOK
		if len(d.Summary) > 0 {
			status = http.StatusUnprocessableEntity
		}
		p.render(w, r, q, status, "notice_new", "new.title", d)
		return
	}
	// The preview showed refusals: those links are gone from the box now, so a second send goes through.
	if check.NRefused > 0 {
		p.render(w, r, q, http.StatusUnprocessableEntity, "notice_new", "new.title", d)
		return
	}
	body, err := f.body(check.Recognised)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	o, err := p.DB.Org(r.Context(), q.User.OrgID)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	res, err := p.Intake.File(r.Context(), intake.Submission{Caller: q.Caller(), DefaultRegime: o.DefaultRegime, Body: body,
		IdempotencyKey: f.Idem, Documents: docs})
	var ve *notice.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			fail(formField(fe.Field), fieldMessage(q.Lang, fe))
		}
		d.Ready = false
		p.render(w, r, q, http.StatusUnprocessableEntity, "notice_new", "new.title", d)
		return
	case errors.Is(err, intake.ErrIdempotencyMismatch):
		d.F.Idem = newIdem()
		fail("form", i18n.T(q.Lang, "new.err.resent"))
		p.render(w, r, q, http.StatusConflict, "notice_new", "new.title", d)
		return
	case err != nil:
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/notices/"+res.Notice.ID+"?m=sent", http.StatusSeeOther)
}

// body builds the same JSON an API client would send, so the web form and the
// API go through one validation and one receipt.
func (f noticeForm) body(links []string) ([]byte, error) {
	m := map[string]any{"kind": f.Kind, "category": f.Category, "explanation": f.Explanation}
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			m[k] = v
		}
	}
	set("regime", f.Regime)
	set("legal_basis", f.LegalBasis)
	set("reference", f.Reference)
	set("requested_action", f.RequestedAction)
	set("language", f.Language)
	if f.Urgent {
		m["urgent"] = true
	}
	if f.GoodFaith {
		m["good_faith"] = true
	}
	if d := strings.TrimSpace(f.PreserveDays); d != "" {
		// A number goes as a number; anything else as typed, for intake to refuse with its reason.
		if n, err := strconv.Atoi(d); err == nil {
			m["preserve_days"] = n
		} else {
			m["preserve_days"] = d
		}
	}
	if scope := strings.FieldsFunc(strings.ToUpper(f.Scope), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }); len(scope) > 0 {
		m["territorial_scope"] = scope
	}
	var ev []map[string]string
	for _, line := range strings.Split(f.Evidence, "\n") {
		hash, desc, _ := strings.Cut(strings.TrimSpace(line), " ")
		if hash == "" {
			continue
		}
		e := map[string]string{"sha256": hash}
		if desc = strings.TrimSpace(desc); desc != "" {
			e["description"] = desc
		}
		ev = append(ev, e)
	}
	if len(ev) > 0 {
		m["evidence"] = ev
	}
	if strings.TrimSpace(f.ContactName) != "" || strings.TrimSpace(f.ContactEmail) != "" {
		m["contact"] = map[string]string{"name": strings.TrimSpace(f.ContactName), "email": strings.TrimSpace(f.ContactEmail)}
	}
	subs := make([]map[string]string, len(links))
	for i, l := range links {
		subs[i] = map[string]string{"url": l}
	}
	m["subjects"] = subs
	return json.Marshal(m)
}

// formField maps an API field path (subjects[3].url, contact.email) to the form field showing it.
func formField(apiField string) string {
	f := apiField
	if i := strings.IndexAny(f, "[."); i >= 0 {
		f = f[:i]
	}
	switch f {
	case "subjects":
		return "links"
	case "contact":
		if strings.Contains(apiField, "email") {
			return "contact_email"
		}
		return "contact_name"
	case "":
		return "form"
	}
	return f
}

// fieldMessage translates a validation error by its code; the API's English
// detail stays beside it where it carries specifics (which link, which value).
func fieldMessage(lang string, fe notice.FieldError) string {
	key := "ferr." + fe.Code
	if !i18n.Has(lang, key) {
		return fe.Message
	}
	msg := i18n.T(lang, key)
	if fe.Code == "invalid_link" || fe.Code == "unknown_value" || fe.Code == "invalid" {
		msg += " (" + fe.Message + ")"
	}
	return msg
}
