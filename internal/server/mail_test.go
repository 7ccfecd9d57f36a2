package server_test

import (
	"context"
	"log/slog"
	"net"
	"net/smtp"
	"testing"

	"github.com/sigap/sigap/internal/proctest"
	"github.com/sigap/sigap/internal/server"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestServeMail checks that serve runs the SMTP listener of --smtp-addr
// while it serves, and closes it when it stops.
func TestServeMail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		addr := proctest.FreeAddr(t)
		cfg := cfgFor(e)
		cfg.SMTPListen = addr
		s, err := server.New(ctx, cfg, slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		sctx, stop := context.WithCancel(ctx)
		ready := make(chan struct{})
		served := make(chan error, 1)
		go func() { served <- s.Serve(sctx, func(string) { close(ready) }) }()
		<-ready
		c, err := smtp.Dial(addr)
		if err != nil {
			t.Fatalf("the SMTP listener is not up while serving: %v", err)
		}
		if err := c.Hello("test.example"); err != nil {
			t.Fatalf("EHLO: %v", err)
		}
		if ok, _ := c.Extension("SIZE"); !ok {
			t.Errorf("the listener does not announce its size limit")
		}
		c.Quit()
		stop()
		if err := <-served; err != nil {
			t.Fatal(err)
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			t.Errorf("the SMTP listener still takes connections after serve stopped")
		}
	})
}
