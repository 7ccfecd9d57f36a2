package web

import (
	"errors"
	"net/http"

	"github.com/sigap/sigap/internal/mailgate"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// mailSenderRoutes are the admin pages of an authority's e-mail senders.
func (p *Portal) mailSenderRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/orgs/{id}/mail-senders", p.signedIn(p.mailSendersPage, org.RoleAdmin))
	mux.Handle("POST /admin/orgs/{id}/mail-senders", p.signedIn(p.mailSenderAdd, org.RoleAdmin))
	mux.Handle("POST /admin/orgs/{id}/mail-senders/{sender}/remove", p.signedIn(p.mailSenderRemove, org.RoleAdmin))
}

type mailSendersData struct {
	Org     org.Org
	Senders []store.MailSender
	// Errors are the refused form's fields, each with its code, said in
	// the page's language by the template.
	Errors []notice.FieldError
	Form   mailgate.SenderInput
}

func (p *Portal) mailSendersPage(w http.ResponseWriter, r *http.Request, q *req) {
	o, err := p.orgFor(r, q, r.PathValue("id"))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.renderMailSenders(w, r, q, http.StatusOK, mailSendersData{Org: o})
}

func (p *Portal) renderMailSenders(w http.ResponseWriter, r *http.Request, q *req, status int, d mailSendersData) {
	var err error
	if d.Senders, err = p.MailSenders.List(r.Context(), d.Org.ID); err != nil {
		p.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, q, status, "admin_mail_senders", "mail.senders", d)
}

func (p *Portal) mailSenderAdd(w http.ResponseWriter, r *http.Request, q *req) {
	o, ok := p.orgForm(w, r, q)
	if !ok {
		return
	}
	in := mailgate.SenderInput{Address: r.PostForm.Get("address"), DKIMDomain: r.PostForm.Get("dkim_domain"),
		DKIMSelector: r.PostForm.Get("dkim_selector"), DKIMPublicKey: r.PostForm.Get("dkim_public_key")}
	_, err := p.MailSenders.Add(r.Context(), o.ID, in)
	var ve *notice.ValidationError
	switch {
	case errors.As(err, &ve):
		p.renderMailSenders(w, r, q, http.StatusUnprocessableEntity, mailSendersData{Org: o, Errors: ve.Fields, Form: in})
		return
	case errors.Is(err, store.ErrConflict):
		p.renderMailSenders(w, r, q, http.StatusConflict, mailSendersData{Org: o, Form: in,
			Errors: []notice.FieldError{{Field: "address", Code: "conflict"}}})
		return
	case err != nil:
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/orgs/"+o.ID+"/mail-senders", http.StatusSeeOther)
}

func (p *Portal) mailSenderRemove(w http.ResponseWriter, r *http.Request, q *req) {
	o, err := p.orgFor(r, q, r.PathValue("id"))
	if err == nil {
		_, err = p.MailSenders.Remove(r.Context(), o.ID, r.PathValue("sender"))
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/orgs/"+o.ID+"/mail-senders", http.StatusSeeOther)
}
