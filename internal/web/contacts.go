package web

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/contact"
	"github.com/sigap/sigap/internal/org"
)

// The contact registry is the platform's to change; authorities read their
// jurisdiction's representative and current on-call contact.
var contactWriters = []org.Role{org.RoleAdmin}

// jurisdictionQuery is the page's jurisdiction filter, as the API takes it.
var jurisdictionQuery = regexp.MustCompile(`^[A-Z]{2}$`)

// contactRoles are the registry's roles in the order the page shows them.
var contactRoles = []string{contact.RoleLegalRep, contact.RolePIC, contact.RoleOnCall}

// CanReadContacts reports whether the user may see the contacts page.
func (q *req) CanReadContacts() bool {
	return q.User != nil && (q.IsPlatform() || q.User.OrgKind == org.KindAuthority)
}

// contactView is a contact with its local time now, for "who is on call in which zone".
type contactView struct {
	*org.Contact
	LocalNow string
	OnShift  bool
	Days     string
}

// contactTable is one role's contacts, with whether the viewer may remove them.
type contactTable struct {
	Rows []contactView
	Edit bool
}

type contactsData struct {
	Jurisdiction string
	Full         bool
	CanEdit      bool
	LegalReps    contactTable
	PICs         contactTable
	OnCall       contactTable
	Current      *contactView
	Done         bool
	Errors       []contact.FieldError
	Roles        []string
	Weekdays     []int
	Form         contactForm
}

// contactForm is the add form, kept on a refusal.
type contactForm struct {
	Jurisdiction, Role, Name, Email, Phone, Languages, TimeZone, Position, ShiftStart, ShiftEnd string
	Webhook                                                                                     bool
	Days                                                                                        []int
}

func (p *Portal) contactView(c *org.Contact, now time.Time) contactView {
	v := contactView{Contact: c, OnShift: contact.OnShift(c, now)}
	if loc, err := time.LoadLocation(c.TimeZone); err == nil {
		v.LocalNow = now.In(loc).Format("Mon 15:04") + " " + c.TimeZone
	}
	days := make([]string, 0, len(c.Days))
	for _, d := range c.Days {
		days = append(days, strconv.Itoa(d))
	}
	v.Days = strings.Join(days, ",")
	return v
}

// contactsPage shows a jurisdiction's directory: all of it to the platform,
// the legal representative and who is on call now to an authority.
func (p *Portal) contactsPage(w http.ResponseWriter, r *http.Request, q *req) {
	d := contactsData{Done: r.URL.Query().Get("done") == "saved", Form: contactForm{Jurisdiction: "ID", TimeZone: clock.WIB().String()}}
	p.renderContacts(w, r, q, http.StatusOK, d)
}

func (p *Portal) renderContacts(w http.ResponseWriter, r *http.Request, q *req, status int, d contactsData) {
	if !q.CanReadContacts() {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	j := strings.ToUpper(r.URL.Query().Get("jurisdiction"))
	// The platform may also look at the fallback contacts ("*"), which serve
	// a jurisdiction only when it has none of its own.
	if !jurisdictionQuery.MatchString(j) && (j != "*" || !q.IsPlatform()) {
		j = "ID"
		// An authority starts at the jurisdiction its notices come from.
		if o, err := p.DB.Org(r.Context(), q.User.OrgID); err == nil && o.DefaultRegime != "" && jurisdictionQuery.MatchString(contact.Jurisdiction(o.DefaultRegime)) {
			j = contact.Jurisdiction(o.DefaultRegime)
		}
	}
	dir, err := p.Contacts.Lookup(r.Context(), j)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	now := p.now()
	d.Jurisdiction = dir.Jurisdiction
	d.Full = q.IsPlatform()
	d.CanEdit = q.IsPlatform() && q.IsAdmin()
	d.Roles = contactRoles
	d.Weekdays = []int{1, 2, 3, 4, 5, 6, 0}
	d.LegalReps.Edit, d.PICs.Edit, d.OnCall.Edit = d.CanEdit, d.CanEdit, d.CanEdit
	for _, c := range dir.LegalReps {
		d.LegalReps.Rows = append(d.LegalReps.Rows, p.contactView(c, now))
	}
	if dir.Current != nil {
		v := p.contactView(dir.Current, now)
		d.Current = &v
	}
	if d.Full {
		for _, c := range dir.PICs {
			d.PICs.Rows = append(d.PICs.Rows, p.contactView(c, now))
		}
		for _, c := range dir.OnCall {
			d.OnCall.Rows = append(d.OnCall.Rows, p.contactView(c, now))
		}
	}
	p.render(w, r, q, status, "contacts", "ct.title", d)
}

// contactAdd registers a contact through the registry the API uses, which validates it.
func (p *Portal) contactAdd(w http.ResponseWriter, r *http.Request, q *req) {
	f, ok := p.postForm(w, r)
	if !ok {
		return
	}
	form := contactForm{Jurisdiction: f.Get("jurisdiction"), Role: f.Get("role"), Name: f.Get("name"), Email: strings.TrimSpace(f.Get("email")),
		Phone: strings.TrimSpace(f.Get("phone")), Languages: f.Get("languages"), TimeZone: strings.TrimSpace(f.Get("time_zone")),
		Position: strings.TrimSpace(f.Get("position")), ShiftStart: f.Get("shift_start"), ShiftEnd: f.Get("shift_end"), Webhook: f.Get("webhook") == "on"}
	in := contact.Input{Jurisdiction: form.Jurisdiction, Role: form.Role, Name: form.Name, Email: form.Email, Phone: form.Phone,
		Webhook: form.Webhook, TimeZone: form.TimeZone, ShiftStart: form.ShiftStart, ShiftEnd: form.ShiftEnd}
	var errs []contact.FieldError
	for _, l := range strings.Split(form.Languages, ",") {
		if l = strings.TrimSpace(l); l != "" {
			in.Languages = append(in.Languages, l)
		}
	}
	for _, s := range f["days"] {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, contact.FieldError{Field: "days", Code: "invalid"})
			continue
		}
		in.Days = append(in.Days, n)
		form.Days = append(form.Days, n)
	}
	if form.Position != "" {
		n, err := strconv.Atoi(form.Position)
		if err != nil {
			errs = append(errs, contact.FieldError{Field: "position", Code: "invalid"})
		}
		in.Position = n
	}
	if len(errs) == 0 {
		_, err := p.Contacts.Add(r.Context(), in)
		var ie *contact.ErrInvalid
		switch {
		case errors.As(err, &ie):
			errs = ie.Fields
		case err != nil:
			p.serverError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		for i := range errs {
			// "languages[2]" is reported as the languages field.
			errs[i].Field, _, _ = strings.Cut(errs[i].Field, "[")
		}
		p.renderContacts(w, r, q, http.StatusUnprocessableEntity, contactsData{Errors: errs, Form: form})
		return
	}
	http.Redirect(w, r, "/contacts?jurisdiction="+strings.ToUpper(in.Jurisdiction)+"&done=saved", http.StatusSeeOther)
}

// contactRemove retires a contact (alerts keep its ID).
func (p *Portal) contactRemove(w http.ResponseWriter, r *http.Request, q *req) {
	if err := p.Contacts.Remove(r.Context(), r.PathValue("id")); err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/contacts?done=saved", http.StatusSeeOther)
}

// HasDay reports whether a weekday is picked on the form.
func (f contactForm) HasDay(d int) bool { return slices.Contains(f.Days, d) }
