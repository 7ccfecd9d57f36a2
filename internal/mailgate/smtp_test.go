package mailgate_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	x509name "crypto/x509/pkix"
	"errors"
	"log/slog"
	"math/big"
	"net/smtp"
	"net/textproto"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/mailgate"
)

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: x509name.Name{CommonName: "mx.platform.test"}, DNSNames: []string{"mx.platform.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}
}

// TestListenerTLSAndLimits checks STARTTLS is offered only with a
// certificate and works, and the size limit is announced.
func TestListenerTLSAndLimits(t *testing.T) {
	t.Parallel()
	g := &mailgate.Gate{Log: slog.New(slog.DiscardHandler)}
	for _, tc := range []struct {
		name string
		tls  *tls.Config
	}{
		{"plain", nil},
		{"starttls", &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := g.Listen(mailgate.ListenConfig{Addr: "127.0.0.1:0", TLS: tc.tls, MaxBytes: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Shutdown(t.Context())
			c, err := smtp.Dial(ln.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Hello("client.test"); err != nil {
				t.Fatal(err)
			}
			if ok, size := c.Extension("SIZE"); !ok || size != "1048576" {
				t.Errorf("SIZE %v %q, want 1048576", ok, size)
			}
			ok, _ := c.Extension("STARTTLS")
			if ok != (tc.tls != nil) {
				t.Fatalf("STARTTLS offered: %v", ok)
			}
			if ok {
				if err := c.StartTLS(&tls.Config{ServerName: "mx.platform.test", InsecureSkipVerify: true}); err != nil { //nolint:gosec // a test's self-signed certificate
					t.Fatalf("STARTTLS: %v", err)
				}
				if st, ok := c.TLSConnectionState(); !ok || !st.HandshakeComplete {
					t.Errorf("no TLS after STARTTLS")
				}
			}
			c.Quit()
		})
	}
}

// TestListenerInFlight checks a message past MaxInFlight is told to come
// back (421) and taken once a slot is free.
func TestListenerInFlight(t *testing.T) {
	t.Parallel()
	g := &mailgate.Gate{Log: slog.New(slog.DiscardHandler)}
	ln, err := g.Listen(mailgate.ListenConfig{Addr: "127.0.0.1:0", MaxInFlight: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Shutdown(t.Context())
	dial := func() *smtp.Client {
		c, err := smtp.Dial(ln.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Hello("client.test"); err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := dial(), dial()
	defer a.Close()
	defer b.Close()
	if err := a.Mail("a@komdigi.go.id"); err != nil {
		t.Fatal(err)
	}
	var te *textproto.Error
	if err := b.Mail("b@komdigi.go.id"); !errors.As(err, &te) || te.Code != 421 {
		t.Fatalf("a second message at once: %v, want 421", err)
	}
	if err := a.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := b.Mail("b@komdigi.go.id"); err != nil {
		t.Errorf("after the first let go: %v", err)
	}
}
