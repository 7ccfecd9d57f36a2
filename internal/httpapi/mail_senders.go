package httpapi

import (
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/mailgate"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// mailSenderView is a registered e-mail sender as the API shows it.
type mailSenderView struct {
	ID            string     `json:"id"`
	OrgID         string     `json:"org_id"`
	Address       string     `json:"address"`
	DKIMDomain    string     `json:"dkim_domain"`
	DKIMSelector  string     `json:"dkim_selector"`
	DKIMPublicKey string     `json:"dkim_public_key"`
	CreatedAt     time.Time  `json:"created_at"`
	RemovedAt     *time.Time `json:"removed_at,omitempty"`
}

func mailSenderViewOf(s store.MailSender) mailSenderView {
	return mailSenderView{ID: s.ID, OrgID: s.OrgID, Address: s.Address, DKIMDomain: s.DKIMDomain, DKIMSelector: s.DKIMSelector,
		DKIMPublicKey: s.DKIMPublicKey, CreatedAt: s.CreatedAt, RemovedAt: s.RemovedAt}
}

// addMailSender registers an address whose DKIM-signed mail becomes the org's notices.
func (a *API) addMailSender(r *http.Request, _ org.Caller, in mailgate.SenderInput) (mailSenderView, error) {
	s, err := a.MailSenders.Add(r.Context(), r.PathValue("org_id"), in)
	return mailSenderViewOf(s), err
}

// listMailSenders lists an org's live e-mail senders.
func (a *API) listMailSenders(r *http.Request, _ org.Caller, _ noBody) (list[mailSenderView], error) {
	ss, err := a.MailSenders.List(r.Context(), r.PathValue("org_id"))
	if err != nil {
		return list[mailSenderView]{}, err
	}
	return listOf(viewsOf(ss, mailSenderViewOf), ""), nil
}

// removeMailSender stops taking mail from a sender; its past notices stay.
func (a *API) removeMailSender(r *http.Request, _ org.Caller, _ noBody) (mailSenderView, error) {
	s, err := a.MailSenders.Remove(r.Context(), r.PathValue("org_id"), r.PathValue("sender_id"))
	return mailSenderViewOf(s), err
}
