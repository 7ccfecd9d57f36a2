package mailgate

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/sigap/sigap/internal/store"
)

// ErrDKIM wraps every reason a message's signature is not taken.
var ErrDKIM = errors.New("mailgate: DKIM")

// maxSignatures bounds the DKIM-Signature headers checked in one message.
const maxSignatures = 5

// verifyDKIM checks that raw carries a valid DKIM signature (RFC 6376) by
// the sender's registered key, made by its domain and covering the headers
// a notice is read from. The registered key answers the key query in place
// of DNS: any other domain or selector finds no key.
func verifyDKIM(raw []byte, s store.MailSender) error {
	kind, p, err := parseKey(s.DKIMPublicKey)
	if err != nil {
		return fmt.Errorf("%w: the registered key: %v", ErrDKIM, err)
	}
	record := "v=DKIM1; k=" + kind + "; p=" + p
	want := s.DKIMSelector + "._domainkey." + s.DKIMDomain
	lookup := func(name string) ([]string, error) {
		if strings.EqualFold(strings.TrimSuffix(name, "."), want) {
			return []string{record}, nil
		}
		return nil, fmt.Errorf("no key registered for %s", name)
	}
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup, MaxVerifications: maxSignatures})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrDKIM, err)
	}
	if len(verifs) == 0 {
		return fmt.Errorf("%w: the message is not signed", ErrDKIM)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrDKIM, err)
	}
	var reasons []string
	for _, v := range verifs {
		switch {
		case v.Err != nil:
			reasons = append(reasons, v.Err.Error())
		case !strings.EqualFold(v.Domain, s.DKIMDomain):
			reasons = append(reasons, "signed by "+v.Domain+", not by the registered "+s.DKIMDomain)
		default:
			// A header the notice is read from but the signature does not
			// cover could have been added on the way.
			for _, h := range []string{"Subject", "Message-Id"} {
				if len(m.Header[h]) > 0 && !slices.ContainsFunc(v.HeaderKeys, func(k string) bool { return strings.EqualFold(k, h) }) {
					return fmt.Errorf("%w: the signature does not cover the %s header", ErrDKIM, h)
				}
			}
			return nil
		}
	}
	return fmt.Errorf("%w: %s", ErrDKIM, strings.Join(reasons, "; "))
}
