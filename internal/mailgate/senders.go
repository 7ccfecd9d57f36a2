package mailgate

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// The audit actions of the sender registry.
const (
	AuditSenderAdded   = "mail_sender.added"
	AuditSenderRemoved = "mail_sender.removed"
)

// SenderInput is a sender as the API and the portal take it.
type SenderInput struct {
	Address       string `json:"address"`
	DKIMDomain    string `json:"dkim_domain"`
	DKIMSelector  string `json:"dkim_selector"`
	DKIMPublicKey string `json:"dkim_public_key"`
}

// Senders keeps who may send notices by e-mail for each authority.
type Senders struct {
	DB    *store.DB
	Clock clock.Clock
}

var (
	domainRe   = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$`)
	selectorRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})$`)
)

// Check validates in, every bad field at once, and returns it normalised
// (addresses and domains lower case).
func (in SenderInput) Check() (SenderInput, error) {
	var bad []notice.FieldError
	add := func(f, code, msg string) { bad = append(bad, notice.FieldError{Field: f, Code: code, Message: msg}) }
	in.Address = strings.ToLower(strings.TrimSpace(in.Address))
	in.DKIMDomain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(in.DKIMDomain), "."))
	in.DKIMSelector = strings.TrimSpace(in.DKIMSelector)
	in.DKIMPublicKey = strings.Join(strings.Fields(in.DKIMPublicKey), "")
	a, err := mail.ParseAddress(in.Address)
	switch {
	case in.Address == "":
		add("address", "required", "address is the e-mail address the official sends from")
	case err != nil || a.Name != "" || a.Address != in.Address || len(in.Address) > 254:
		add("address", "invalid", "address must be a bare e-mail address such as pejabat@komdigi.go.id")
	}
	switch {
	case in.DKIMDomain == "":
		add("dkim_domain", "required", "dkim_domain is the d= domain of the DKIM signature")
	case !domainRe.MatchString(in.DKIMDomain) || len(in.DKIMDomain) > 253:
		add("dkim_domain", "invalid", "dkim_domain must be a domain name such as komdigi.go.id")
	case err == nil && !aligned(in.Address, in.DKIMDomain):
		add("dkim_domain", "not_aligned", "the address's domain must be dkim_domain or under it, so the signature speaks for the address (DMARC alignment)")
	}
	if !selectorRe.MatchString(in.DKIMSelector) {
		add("dkim_selector", "invalid", "dkim_selector must be the s= selector of the DKIM signature: letters, digits, '.', '_' or '-'")
	}
	if in.DKIMPublicKey == "" {
		add("dkim_public_key", "required", "dkim_public_key is base64 of the DER public key (RSA of 1024 to 8192 bits, or Ed25519)")
	} else if _, _, err := parseKey(in.DKIMPublicKey); err != nil {
		add("dkim_public_key", "invalid", "dkim_public_key: "+err.Error())
	}
	if len(bad) > 0 {
		return in, &notice.ValidationError{Fields: bad}
	}
	return in, nil
}

// aligned tells whether address's domain is domain or under it.
func aligned(address, domain string) bool {
	at := strings.LastIndexByte(address, '@')
	d := address[at+1:]
	return d == domain || strings.HasSuffix(d, "."+domain)
}

// parseKey reads a registered key (base64 of DER: SubjectPublicKeyInfo, an
// RSAPublicKey, or the 32 raw bytes of an Ed25519 key) into the DKIM key
// type (k=) and the p= value its DNS TXT record would hold.
func parseKey(b64 string) (kind, p string, err error) {
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", "", errors.New("not base64")
	}
	if len(der) == ed25519.PublicKeySize {
		return "ed25519", b64, nil
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		rsaPub, err2 := x509.ParsePKCS1PublicKey(der)
		if err2 != nil {
			return "", "", errors.New("not a DER public key (SubjectPublicKeyInfo or RSAPublicKey)")
		}
		pub = rsaPub
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < 1024 || bits > 8192 {
			return "", "", fmt.Errorf("an RSA key of %d bits; DKIM takes 1024 to 8192 (RFC 8301)", bits)
		}
		return "rsa", b64, nil
	case ed25519.PublicKey:
		return "ed25519", base64.StdEncoding.EncodeToString(k), nil
	}
	return "", "", fmt.Errorf("a %T key; DKIM takes RSA or Ed25519", pub)
}

// Add registers a sender for an authority, with its audit entry in the same transaction.
func (s *Senders) Add(ctx context.Context, orgID string, in SenderInput) (store.MailSender, error) {
	in, err := in.Check()
	if err != nil {
		return store.MailSender{}, err
	}
	o, err := s.DB.Org(ctx, orgID)
	if err != nil {
		return store.MailSender{}, err
	}
	if o.Kind != org.KindAuthority {
		return store.MailSender{}, &notice.ValidationError{Fields: []notice.FieldError{{Field: "org_id", Code: "not_authority",
			Message: "only an authority's officials send notices by e-mail; this organisation is a " + string(o.Kind)}}}
	}
	now := clock.NowMilli(s.Clock)
	ms := store.MailSender{ID: id.New("msd", now), OrgID: orgID, Address: in.Address, DKIMDomain: in.DKIMDomain,
		DKIMSelector: in.DKIMSelector, DKIMPublicKey: in.DKIMPublicKey, CreatedAt: now}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AddMailSender(ctx, ms); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: AuditSenderAdded, Object: ms.ID, OrgID: orgID})
	})
	if err != nil {
		return store.MailSender{}, err
	}
	return ms, nil
}

// List returns an authority's live senders, oldest first.
func (s *Senders) List(ctx context.Context, orgID string) ([]store.MailSender, error) {
	if _, err := s.DB.Org(ctx, orgID); err != nil {
		return nil, err
	}
	return s.DB.MailSenders(ctx, orgID)
}

// Remove stops a sender's mail from being taken, with its audit entry in the
// same transaction, and returns it as removed; ErrNotFound if the org has no
// such live sender.
func (s *Senders) Remove(ctx context.Context, orgID, senderID string) (store.MailSender, error) {
	now := clock.NowMilli(s.Clock)
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RemoveMailSender(ctx, orgID, senderID, now); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: AuditSenderRemoved, Object: senderID, OrgID: orgID})
	})
	if err != nil {
		return store.MailSender{}, err
	}
	return s.DB.MailSender(ctx, orgID, senderID)
}
