package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/flagger"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/trust"
)

// The programme's registry is the platform's: admins change it, reviewers and auditors read it.
var (
	trustWriters = []org.Role{org.RoleAdmin}
	trustReaders = []org.Role{org.RoleAdmin, org.RoleReviewer, org.RoleAuditor}
)

// CanReadRegistry reports whether the user may see the trusted flagger registry.
func (q *req) CanReadRegistry() bool {
	return q.IsPlatform() && slices.Contains(trustReaders, q.User.Role)
}

// HasStanding reports whether the user's org is a notifier with a standing of its own to see.
func (q *req) HasStanding() bool {
	return q.User != nil && (q.User.OrgKind == org.KindFlagger || q.User.OrgKind == org.KindAuthority)
}

// figures are accuracy figures with their shares written out.
type figures struct {
	trust.Figures
	Precision, Rejected, Median string
}

func figuresView(f trust.Figures) figures {
	v := figures{Figures: f, Precision: "–", Rejected: "–", Median: "–"}
	if f.Decided > 0 {
		v.Precision = strconv.FormatFloat(f.Precision*100, 'f', 0, 64) + "%"
		v.Rejected = strconv.FormatFloat(f.RejectedShare*100, 'f', 0, 64) + "%"
		v.Median = strconv.FormatFloat(f.MedianHoursToDecision, 'f', 1, 64)
	}
	return v
}

type categoryFigures struct {
	Category string
	F        figures
}

// standingView is an org's standing as its pages show it.
type standingView struct {
	Org        org.Org
	Rec        trust.Record
	Enrolled   bool
	Quota      int
	All        figures
	Window     figures
	WindowDays int
	ByCategory []categoryFigures
	History    []trust.HistoryEntry
	// Proposed is true when the last step is a proposed suspension an admin has not acted on.
	Proposed bool
}

func (p *Portal) standing(r *http.Request, o org.Org) (standingView, error) {
	st, err := p.Flaggers.Standing(r.Context(), o.ID)
	if err != nil {
		return standingView{}, err
	}
	v := standingView{Org: o, Rec: st.Record, Enrolled: !st.UpdatedAt.IsZero(), Quota: st.Quota(), All: figuresView(st.Accuracy.Figures),
		Window: figuresView(st.Accuracy.Window), WindowDays: st.Accuracy.WindowDays, History: st.History}
	for c, f := range st.ByCategory {
		v.ByCategory = append(v.ByCategory, categoryFigures{Category: c, F: figuresView(f)})
	}
	slices.SortFunc(v.ByCategory, func(a, b categoryFigures) int { return strings.Compare(a.Category, b.Category) })
	if n := len(st.History); n > 0 && st.History[n-1].Kind == trust.KindProposedSuspend {
		v.Proposed = true
	}
	// Newest first: the history is read from the top.
	slices.Reverse(v.History)
	return v, nil
}

type registryData struct {
	Rows []standingView
}

// flaggerRegistry lists every flagger and authority org with its standing.
func (p *Portal) flaggerRegistry(w http.ResponseWriter, r *http.Request, q *req) {
	orgs, err := p.DB.Orgs(r.Context())
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	var d registryData
	for _, kind := range []org.Kind{org.KindFlagger, org.KindAuthority} {
		for _, o := range orgs {
			if o.Kind != kind {
				continue
			}
			v, err := p.standing(r, o)
			if err != nil {
				p.serverError(w, r, err)
				return
			}
			d.Rows = append(d.Rows, v)
		}
	}
	p.render(w, r, q, http.StatusOK, "flaggers", "tf.registry.title", d)
}

type flaggerOrgData struct {
	S          standingView
	CanEdit    bool
	Done       bool
	Errors     []string
	Statuses   []string
	Categories []string
	// The form, kept on a refusal.
	Status, Jurisdictions, Expertise, Quota, Reason string
	Picked                                          []string
}

func (p *Portal) flaggerOrg(w http.ResponseWriter, r *http.Request, q *req) {
	p.renderFlaggerOrg(w, r, q, http.StatusOK, flaggerOrgData{Done: r.URL.Query().Get("done") == "saved"}, true)
}

func (p *Portal) renderFlaggerOrg(w http.ResponseWriter, r *http.Request, q *req, status int, d flaggerOrgData, fresh bool) {
	o, err := p.DB.Org(r.Context(), r.PathValue("id"))
	if err == nil && o.Kind == org.KindPlatform {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	if d.S, err = p.standing(r, o); err != nil {
		p.serverError(w, r, err)
		return
	}
	d.CanEdit = q.IsPlatform() && q.User.Role == org.RoleAdmin
	d.Statuses = []string{trust.StatusActive, trust.StatusSuspended, trust.StatusRevoked}
	d.Categories = policy.Categories
	if fresh {
		d.Status, d.Picked = d.S.Rec.Status, d.S.Rec.Categories
		if d.Status == trust.StatusApplicant || d.Status == "" {
			d.Status = trust.StatusActive
		}
		d.Jurisdictions, d.Expertise = strings.Join(d.S.Rec.Jurisdictions, ", "), d.S.Rec.Expertise
		if d.S.Rec.DailyQuota > 0 {
			d.Quota = strconv.Itoa(d.S.Rec.DailyQuota)
		}
	}
	p.render(w, r, q, status, "flaggers_org", "tf.org.title", d)
}

// flaggerChange accredits, suspends, reinstates or revokes an org, or changes its scope.
func (p *Portal) flaggerChange(w http.ResponseWriter, r *http.Request, q *req) {
	f, ok := p.postForm(w, r)
	if !ok {
		return
	}
	d := flaggerOrgData{Status: f.Get("status"), Jurisdictions: f.Get("jurisdictions"), Expertise: f.Get("expertise"), Quota: f.Get("daily_quota"),
		Reason: f.Get("reason"), Picked: f["categories"]}
	c := flagger.Change{Status: d.Status, Categories: append([]string{}, d.Picked...), Jurisdictions: []string{}, Expertise: strings.TrimSpace(d.Expertise),
		Reason: d.Reason}
	for _, j := range splitLabels(d.Jurisdictions) {
		c.Jurisdictions = append(c.Jurisdictions, strings.ToUpper(j))
	}
	var err error
	if s := strings.TrimSpace(d.Quota); s != "" {
		n, aerr := strconv.Atoi(s)
		if aerr != nil {
			err = &notice.ValidationError{Fields: []notice.FieldError{{Field: "daily_quota", Code: "invalid", Message: fmt.Sprintf("%q is not a whole number", s)}}}
		}
		c.DailyQuota = &n
	}
	if err == nil {
		caller := q.Caller()
		_, err = p.Flaggers.Put(r.Context(), caller, r.PathValue("id"), c)
	}
	var ve *notice.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			d.Errors = append(d.Errors, filterField(q.Lang, strings.Replace(fe.Field, "org_id", "status", 1))+": "+fieldMessage(q.Lang, fe))
		}
	case errors.Is(err, trust.ErrTransition):
		d.Errors = []string{i18n.T(q.Lang, "tf.err.transition", err.Error())}
	case err != nil:
		p.serverError(w, r, err)
		return
	default:
		http.Redirect(w, r, "/flaggers/"+r.PathValue("id")+"?done=saved", http.StatusSeeOther)
		return
	}
	p.renderFlaggerOrg(w, r, q, http.StatusUnprocessableEntity, d, false)
}

// flaggerOrgReport downloads an org's yearly report for the platform's users.
func (p *Portal) flaggerOrgReport(w http.ResponseWriter, r *http.Request, q *req) {
	p.reportCSV(w, r, r.PathValue("id"))
}
