package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/logtest"
	"github.com/sigap/sigap/internal/proctest"
)

// TestMailSendSink: sigap mail send signs a message that DKIM verifies with
// the key signing-key gen made, and sigap mail sink keeps it with its
// attachment beside it; bad input is refused and sends nothing.
func TestMailSendSink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := proctest.FreeAddr(t)
	ctx, stop := context.WithCancel(context.Background())
	sinkOut, sinkErr := &logtest.Buffer{}, &logtest.Buffer{}
	sinkEnv := testEnv(sinkOut, sinkErr, nil)
	done := make(chan error, 1)
	go func() {
		done <- runMail(ctx, sinkEnv, []string{"sink", "--addr", addr, "--dir", filepath.Join(dir, "in")})
	}()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("sink: %v", err)
		}
	})

	// The sink says so once it listens.
	for i := 0; !strings.Contains(sinkErr.String(), "taking mail on"); i++ {
		if i == 500 {
			t.Fatalf("the sink did not start: %q", sinkErr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	run := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		env := testEnv(&out, &errb, nil)
		err := runMail(t.Context(), env, args)
		return out.String(), err
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keyFile := filepath.Join(dir, "dkim.key")
	var keyOut, keyErr bytes.Buffer
	if err := signingKeyGen(t.Context(), &Env{Stdout: &keyOut, Stderr: &keyErr}, []string{"--out", keyFile}); err != nil {
		t.Fatal(err)
	}
	key, err := loadSigningKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	pdf := document.SamplePDF("Surat SP-1")
	body := write("body.txt", []byte("jenis: perintah\nkategori: terorisme\n\nhttps://t.me/s/Chan/1\n"))
	att := write("surat.pdf", pdf)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"no from", []string{"send", "--smtp", addr, body}},
		{"a from without a domain", []string{"send", "--smtp", addr, "--from", "pejabat", body}},
		{"no body", []string{"send", "--smtp", addr, "--from", "p@komdigi.go.id"}},
		{"a missing body", []string{"send", "--smtp", addr, "--from", "p@komdigi.go.id", filepath.Join(dir, "nope.txt")}},
		{"a missing attachment", []string{"send", "--smtp", addr, "--from", "p@komdigi.go.id", "--attach", filepath.Join(dir, "nope.pdf"), body}},
		{"a key that is not a key", []string{"send", "--smtp", addr, "--from", "p@komdigi.go.id", "--dkim-key", att, body}},
		{"no such subcommand", []string{"fly"}},
	} {
		if _, err := run(c.args...); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if got := sinkOut.String(); got != "" {
		t.Fatalf("refused sends reached the sink: %q", got)
	}

	signed := filepath.Join(dir, "sent.eml")
	out, err := run("send", "--smtp", addr, "--from", "pejabat@komdigi.go.id", "--dkim-key", keyFile, "--subject", "SP-1 Perintah",
		"--attach", att, "--out", signed, body)
	if err != nil || !strings.HasPrefix(out, "sent <") {
		t.Fatalf("send: %q %v", out, err)
	}
	msg, err := os.ReadFile(signed)
	if err != nil {
		t.Fatal(err)
	}
	pub := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(msg), &dkim.VerifyOptions{LookupTXT: func(domain string) ([]string, error) {
		if domain != "sigap._domainkey.komdigi.go.id" {
			t.Errorf("key looked up at %s", domain)
		}
		return []string{"v=DKIM1; k=ed25519; p=" + pub}, nil
	}})
	if err != nil || len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "komdigi.go.id" {
		t.Fatalf("DKIM: %+v %v", vs, err)
	}
	var saved []byte
	for range 100 {
		if saved, err = os.ReadFile(filepath.Join(dir, "in", "0001-surat.pdf")); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !bytes.Equal(saved, pdf) {
		t.Errorf("the sink kept the attachment as %d bytes, want the %d sent", len(saved), len(pdf))
	}
	if _, err := run("send", "--smtp", "127.0.0.1:1", "--from", "p@komdigi.go.id", body); err == nil {
		t.Errorf("sending to a closed port: no error")
	}
}
