package contact

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // zone rules even where the machine has none

	"github.com/sigap/sigap/internal/org"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOnShiftAcrossMidnightAndZones(t *testing.T) {
	t.Parallel()
	night := &org.Contact{ID: "n", TimeZone: "Asia/Jakarta", ShiftStart: "22:00", ShiftEnd: "06:00", Days: []int{1}} // Monday nights, WIB
	tests := []struct {
		name string
		at   time.Time // UTC
		want bool
	}{
		{"Monday 23:00 WIB", time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), true},
		{"Tuesday 02:00 WIB, the same shift past midnight", time.Date(2026, 11, 30, 19, 0, 0, 0, time.UTC), true},
		{"Tuesday 06:00 WIB, shift over", time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC), false},
		{"Monday 02:00 WIB belongs to Sunday's shift", time.Date(2026, 11, 29, 19, 0, 0, 0, time.UTC), false},
		{"Tuesday 23:00 WIB, not a Tuesday shift", time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		if got := OnShift(night, tt.at); got != tt.want {
			t.Errorf("%s: OnShift = %v, want %v", tt.name, got, tt.want)
		}
	}
	day := &org.Contact{ID: "d", TimeZone: "Europe/Brussels", ShiftStart: "09:00", ShiftEnd: "17:00"}
	if !OnShift(day, time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)) || OnShift(day, time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)) {
		t.Error("Brussels day shift judged in UTC instead of CET")
	}
}

func TestRotationLeadsWithWhoIsOnShift(t *testing.T) {
	t.Parallel()
	a := &org.Contact{ID: "a", Position: 1, TimeZone: "UTC", ShiftStart: "00:00", ShiftEnd: "08:00"}
	b := &org.Contact{ID: "b", Position: 2, TimeZone: "UTC", ShiftStart: "08:00", ShiftEnd: "16:00"}
	c := &org.Contact{ID: "c", Position: 3, TimeZone: "UTC", ShiftStart: "16:00", ShiftEnd: "00:00"}
	got := Rotation([]*org.Contact{c, a, b}, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
	var ids []string
	for _, x := range got {
		ids = append(ids, x.ID)
	}
	if strings.Join(ids, "") != "bca" {
		t.Errorf("rotation at 10:00 = %v, want b (on shift) then c, a", ids)
	}
}

// smtpServer is a minimal SMTP server on loopback that keeps what it receives.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
	wg   sync.WaitGroup
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = c.Write([]byte(line + "\r\n")) }
	say("220 test ESMTP")
	var data strings.Builder
	inData := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if inData {
			if line == ".\r\n" {
				inData = false
				s.mu.Lock()
				s.msgs = append(s.msgs, data.String())
				s.mu.Unlock()
				say("250 queued")
				continue
			}
			data.WriteString(line)
			continue
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 test")
		case strings.HasPrefix(cmd, "DATA"):
			inData = true
			say("354 go on")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestMailerSendsOverSMTP(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t)
	m := &Mailer{Addr: srv.ln.Addr().String(), From: "sigap@platform.example"}
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := m.Send("oncall@platform.example", "Deadline 80%: ntc_1\r\nBcc: evil@x", "Order ntc_1 is due at 14:00 UTC.\nPlease act.", at); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.msgs) != 1 {
		t.Fatalf("server got %d messages", len(srv.msgs))
	}
	msg := srv.msgs[0]
	if !strings.Contains(msg, "To: oncall@platform.example\r\n") || !strings.Contains(msg, "Order ntc_1 is due") {
		t.Errorf("message: %q", msg)
	}
	if strings.Contains(msg, "\r\nBcc:") {
		t.Errorf("a header was injected through the subject: %q", msg)
	}
	if err := (&Mailer{}).Send("a@b.example", "s", "b", at); err == nil {
		t.Error("sending without an SMTP server configured did not fail")
	}
}
