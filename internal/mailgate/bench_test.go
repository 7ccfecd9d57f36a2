package mailgate_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/mailgate"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/server"
)

// BenchmarkIntake compares notices filed by DKIM-signed e-mail over SMTP
// (acknowledged once stored, replies sent by the job queue through a relay
// meanwhile) with notices filed by POST /v1/notices, on one server. Both
// carry two links. SIGAP_BENCH_DB=postgres://... runs it on PostgreSQL
// instead of SQLite. Run with:
//
//	go test -run '^$' -bench Intake -benchtime 2000x ./internal/mailgate/
func BenchmarkIntake(b *testing.B) {
	ctx := b.Context()
	r := newRelay(b)
	cfg := config.Config{DataDir: b.TempDir(), DB: os.Getenv("SIGAP_BENCH_DB"), Addr: "127.0.0.1:0", SMTPRelay: r.addr,
		SMTPFrom: "sigap@platform.test", ShutdownTimeout: 5 * time.Second}
	s, err := server.New(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	qctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); s.Jobs.Run(qctx) }()
	defer func() { stop(); <-done }()
	ln, err := s.Mail.Listen(mailgate.ListenConfig{Addr: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Shutdown(ctx)
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	o, _ := s.Admin.CreateOrg(ctx, "Komdigi", org.KindAuthority, "")
	k, _ := s.Admin.CreateKey(ctx, o.ID, org.RoleAuthority)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	from := "pejabat@komdigi.go.id"
	if _, err := s.MailSenders.Add(ctx, o.ID, mailgate.SenderInput{Address: from, DKIMDomain: "komdigi.go.id", DKIMSelector: "sigap",
		DKIMPublicKey: pkix(b, &key.PublicKey)}); err != nil {
		b.Fatal(err)
	}
	run := 0
	b.Run("mail", func(b *testing.B) {
		run++
		msgs := make([][]byte, b.N)
		for i := range msgs {
			ref := fmt.Sprintf("BM-%d-%d", run, i)
			msgs[i] = sign(b, letter(from, ref, fmt.Sprintf("kind: order\r\ncategory: terrorism\r\nlegal_basis: UU ITE\r\n"+
				"https://t.me/benchchan%d/%d\r\nhttps://t.me/benchchan%d/%d\r\nPropaganda.\r\n", i%97, i+1, i%89, i+2), false, ""), "komdigi.go.id", key)
		}
		perSecond(b, func(i int64) error {
			return smtp.SendMail(ln.Addr(), nil, from, []string{"notices@platform.test"}, msgs[i])
		})
	})
	b.Run("api", func(b *testing.B) {
		run++
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		perSecond(b, func(i int64) error {
			body := fmt.Sprintf(`{"kind":"order","category":"terrorism","legal_basis":"UU ITE","explanation":"Propaganda.","reference":"API-%d-%d",`+
				`"subjects":[{"url":"https://t.me/apichan%d/%d"},{"url":"https://t.me/apichan%d/%d"}]}`, run, i, i%97, i+1, i%89, i+2)
			req, _ := http.NewRequest("POST", hs.URL+"/v1/notices", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+k.Secret)
			req.Header.Set("Idempotency-Key", fmt.Sprintf("api-%d-%d", run, i))
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				return fmt.Errorf("POST /v1/notices: %d", resp.StatusCode)
			}
			return nil
		})
		hc.CloseIdleConnections()
	})
}

// perSecond runs send for b.N notices, four goroutines per CPU, and reports
// notices per second; send gets the notice's index.
func perSecond(b *testing.B, send func(i int64) error) {
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	t0 := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := send(next.Add(1) - 1); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "notices/s")
}
