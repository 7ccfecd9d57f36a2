package web

import (
	"net/http"

	"github.com/sigap/sigap/internal/account"
)

type enrolData struct {
	Secret, URI, QR, Error string
}

func (p *Portal) enrolData(r *http.Request, q *req) (enrolData, error) {
	secret, err := p.Accounts.PendingTOTP(r.Context(), q.User.ID)
	if err != nil {
		return enrolData{}, err
	}
	uri := account.TOTPURI("sigap", q.User.Email, secret)
	qr, err := account.TOTPQRCode(uri)
	if err != nil {
		p.Log.Warn("portal: qr code", "err", err)
	}
	return enrolData{Secret: secret, URI: uri, QR: qr}, nil
}

// enrolSession is the session of the authenticator set-up, with the posted
// form parsed if form; one that has its authenticator already goes to the
// dashboard instead.
func (p *Portal) enrolSession(w http.ResponseWriter, r *http.Request, form bool) *req {
	q := p.stageSession(w, r, account.StageEnrol, account.StageFull)
	if q == nil {
		return nil
	}
	if q.User.TOTPEnabled {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return nil
	}
	if form {
		if err := r.ParseForm(); err != nil {
			p.serverError(w, r, err)
			return nil
		}
	}
	return q
}

// enrolPage shows the authenticator set-up: the secret as text, the otpauth URI and a QR code.
func (p *Portal) enrolPage(w http.ResponseWriter, r *http.Request) {
	q := p.enrolSession(w, r, false)
	if q == nil {
		return
	}
	p.renderEnrol(w, r, q, http.StatusOK, "")
}

// renderEnrol shows the set-up page with msg, why a code was refused; no
// cache may keep its secret.
func (p *Portal) renderEnrol(w http.ResponseWriter, r *http.Request, q *req, status int, msg string) {
	d, err := p.enrolData(r, q)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	d.Error = msg
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, q, status, "enrol", "enrol.title", d)
}

func (p *Portal) enrolPost(w http.ResponseWriter, r *http.Request) {
	q := p.enrolSession(w, r, true)
	if q == nil {
		return
	}
	err := p.Accounts.ConfirmTOTP(r.Context(), q.User.ID, r.PostForm.Get("code"), clientIP(r))
	if p.authRefused(w, r, q, err, func(status int, msg string) { p.renderEnrol(w, r, q, status, msg) }) {
		return
	}
	token, err := p.Accounts.NewSession(r.Context(), q.User.ID, account.StageFull, q.Token)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	setSessionCookie(w, r, token)
	http.Redirect(w, r, "/dashboard?m=totp_on", http.StatusSeeOther)
}
