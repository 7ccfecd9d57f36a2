package mailgate_test

import (
	"encoding/json"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/escalate"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestMailRequests: a DKIM-signed e-mail with `jenis: preservasi`, and one
// with `jenis: darurat`, sent over SMTP on loopback, each become that kind
// of notice with its clock (a preservation's days, an emergency's hour and
// its page to on-call), and each gets its signed receipt by return mail.
func TestMailRequests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		h := newHarness(t, e, 0)
		ctx := t.Context()
		for _, c := range []struct {
			ref, kind, body string
		}{
			{"PRS-2026-0007", notice.KindPreservation, "Yth. Tim Platform,\r\n\r\njenis: preservasi\r\nkategori: terorisme\r\ndasar hukum: KUHAP Pasal 44\r\n" +
				"lama penyimpanan: 90 hari\r\nreferensi: PRS-2026-0007\r\n\r\nhttps://t.me/s/PlotChannel/41\r\n\r\nMohon simpan data untuk penyidikan.\r\n"},
			{"DRT-2026-0001", notice.KindEmergency, "Yth. Tim Platform,\r\n\r\njenis: darurat\r\nkategori: terorisme\r\ndasar hukum: UU ITE Pasal 40\r\n" +
				"referensi: DRT-2026-0001\r\n\r\nhttps://t.me/s/PlotChannel/42\r\n\r\nAncaman serangan bom besok pagi.\r\n"},
		} {
			msg := sign(t, letter(h.from, c.ref, c.body, true, ""), "komdigi.go.id", h.rsaKey)
			if err := smtp.SendMail(h.smtp, nil, h.from, []string{"notices@platform.test"}, msg); err != nil {
				t.Fatalf("%s: SMTP to sigap: %v", c.kind, err)
			}
			m := h.relay.reply(t, h.from, c.ref)
			text, files := parts(t, m)
			var n notice.Notice
			if err := json.Unmarshal(files["receipt.json"], &n); err != nil {
				t.Fatalf("%s: no receipt.json in the reply (%v):\n%s", c.kind, err, text)
			}
			pl, err := receipt.Verify(n.Receipt, h.a.Signer.Keys())
			if err != nil {
				t.Fatalf("%s: the mailed receipt does not verify: %v", c.kind, err)
			}
			if pl["kind"] != c.kind || pl["reference"] != c.ref {
				t.Errorf("%s: receipt payload %v", c.kind, pl)
			}
			stored, err := h.a.DB.Notice(ctx, n.ID, h.orgID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Kind != c.kind || stored.DueAt.IsZero() || !stored.DueAt.After(stored.ReceivedAt) {
				t.Errorf("%s: stored as %s due %v (received %v)", c.kind, stored.Kind, stored.DueAt, stored.ReceivedAt)
			}
			switch c.kind {
			case notice.KindPreservation:
				p, err := h.a.DB.Preservation(ctx, n.ID)
				if err != nil || p.Days != 90 {
					t.Errorf("preservation: %+v, %v; want 90 days", p, err)
				}
			case notice.KindEmergency:
				if got := stored.DueAt.Sub(stored.ReceivedAt); got != time.Hour {
					t.Errorf("emergency: clock %v, want one hour", got)
				}
				alerts, err := h.a.DB.Alerts(ctx, n.ID, "", 10)
				if err != nil {
					t.Fatal(err)
				}
				paged := false
				for _, a := range alerts {
					paged = paged || a.Kind == escalate.AlertEmergency
				}
				if !paged {
					t.Errorf("emergency: on-call not paged: %+v", alerts)
				}
			}
			if !strings.Contains(text, "WIB") || !strings.Contains(text, n.ID) {
				t.Errorf("%s: reply text lacks the deadline or the notice:\n%s", c.kind, text)
			}
		}
		if c := h.notices(t); c != 2 {
			t.Errorf("%d notices, want 2", c)
		}
	})
}
