package mailin_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/mailin"
)

const head = "From: Pejabat <Pejabat@Komdigi.go.id>\r\nTo: notices@platform.example\r\nSubject: SP-1 Perintah\r\nMessage-ID: <a1@komdigi.go.id>\r\n"

func plain(body string) string {
	return head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
}

func TestNotice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		raw   string
		want  map[string]any // fields of the body that must be as given
		codes []string       // problems expected, by field/code
	}{
		{name: "english fields, links, explanation", raw: plain("Dear team,\r\n\r\nkind: order\r\ncategory: terrorism\r\nlegal_basis: UU ITE 40\r\n\r\nhttps://t.me/s/A/1\r\nt.me/a/2\r\n\r\nPropaganda.\r\n"),
			want: map[string]any{"kind": "order", "category": "terrorism", "legal_basis": "UU ITE 40", "reference": "SP-1 Perintah",
				"explanation": "Dear team,\n\nPropaganda.", "subjects": []any{map[string]any{"url": "https://t.me/s/A/1"}, map[string]any{"url": "t.me/a/2"}}}},
		{name: "indonesian names and values", raw: plain("Jenis: perintah\r\nKategori: Terorisme\r\nDasar hukum: UU ITE\r\nNomor surat: B-12/2026\r\nMendesak: ya\r\nTindakan: hapus\r\nWilayah: id, my\r\n- https://t.me/a/1\r\n2) https://t.me/a/2\r\nKonten teror.\r\n"),
			want: map[string]any{"kind": "order", "category": "terrorism", "legal_basis": "UU ITE", "reference": "B-12/2026", "urgent": true,
				"requested_action": "remove", "territorial_scope": []any{"ID", "MY"}, "explanation": "Konten teror."}},
		{name: "a preservation request", raw: plain("Jenis: preservasi\r\nLama penyimpanan: 90 hari\r\nhttps://t.me/a/1\r\nSimpan data.\r\n"),
			want: map[string]any{"kind": "preservation", "preserve_days": float64(90)}},
		{name: "bad preservation days", raw: plain("kind: preservation\r\npreserve_days: lama\r\nhttps://t.me/a/1\r\nx\r\n"), codes: []string{"preserve_days/invalid"}},
		{name: "quoted text and signature are not read", raw: plain("kind: order\r\ncategory: hoax\r\nhttps://t.me/a/1\r\nHoaks.\r\n> https://t.me/quoted/9\r\n-- \r\nhttps://t.me/signature/1\r\nkind: flag\r\n"),
			want: map[string]any{"kind": "order", "explanation": "Hoaks.", "subjects": []any{map[string]any{"url": "https://t.me/a/1"}}}},
		{name: "html only, scripts dropped", raw: head + "Content-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>x</title><script>alert('kind: flag')</script></head><body><p>kind: order</p><p>category: terrorism</p><div>https://t.me/a/1</div><style>p{}</style><p>Teror &amp; ancaman</p><script>https://t.me/evil/1</script></body></html>",
			want: map[string]any{"kind": "order", "explanation": "Teror & ancaman", "subjects": []any{map[string]any{"url": "https://t.me/a/1"}}}},
		{name: "plain preferred to html", raw: head + "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhttps://t.me/plain/1\r\nx\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>https://t.me/html/1</p><p>y</p>\r\n--b--\r\n",
			want: map[string]any{"explanation": "x", "subjects": []any{map[string]any{"url": "https://t.me/plain/1"}}}},
		{name: "quoted-printable body", raw: head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhttps://t.me/a/=\r\n1\r\nPenjelasan =E2=80=94 ya\r\n",
			want: map[string]any{"explanation": "Penjelasan — ya", "subjects": []any{map[string]any{"url": "https://t.me/a/1"}}}},
		{name: "subject without Re: is the reference", raw: strings.Replace(plain("https://t.me/a/1\r\nx\r\n"), "SP-1 Perintah", "Re: Fwd: SP-9", 1),
			want: map[string]any{"reference": "SP-9"}},
		{name: "no links", raw: plain("kind: order\r\nJust words.\r\n"), codes: []string{"subjects/required"}},
		{name: "no explanation", raw: plain("https://t.me/a/1\r\n"), codes: []string{"explanation/required"}},
		{name: "bad urgency, empty and conflicting fields", raw: plain("urgent: maybe\r\nkind:\r\ncategory: hoax\r\nkategori: fraud\r\nhttps://t.me/a/1\r\nx\r\n"),
			codes: []string{"kind/required", "category/duplicate", "urgent/invalid"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := mailin.Read([]byte(tc.raw), mailin.Limits{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if m.From != "pejabat@komdigi.go.id" || m.MessageID != "<a1@komdigi.go.id>" {
				t.Errorf("From %q, Message-ID %q", m.From, m.MessageID)
			}
			body, probs := mailin.Notice(m)
			var got []string
			for _, p := range probs {
				got = append(got, p.Field+"/"+p.Code)
				if p.ID == "" || p.EN == "" {
					t.Errorf("problem %+v lacks a language", p)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.codes) {
				t.Fatalf("problems %v, want %v", got, tc.codes)
			}
			if tc.codes != nil {
				if body != nil {
					t.Errorf("a refused message made a body: %s", body)
				}
				return
			}
			var b map[string]any
			if err := json.Unmarshal(body, &b); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			for k, v := range tc.want {
				if !reflect.DeepEqual(b[k], v) {
					t.Errorf("%s = %#v, want %#v (body %s)", k, b[k], v, body)
				}
			}
			again, _ := mailin.Notice(m)
			if string(again) != string(body) {
				t.Errorf("the same message made two bodies:\n%s\n%s", body, again)
			}
		})
	}
}

func TestReadAttachments(t *testing.T) {
	t.Parallel()
	raw := head + "Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhttps://t.me/a/1\r\nx\r\n" +
		"--X\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"=?utf-8?q?surat_perintah.pdf?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x\r\nLjQK\r\n--X--\r\n"
	m, err := mailin.Read([]byte(raw), mailin.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(m.Attachments))
	}
	a := m.Attachments[0]
	if a.Name != "surat perintah.pdf" || a.ContentType != "application/pdf" || string(a.Data) != "%PDF-1.4\n" || a.Inline {
		t.Errorf("attachment %q %q %q inline %v", a.Name, a.ContentType, a.Data, a.Inline)
	}
	logo := head + "Content-Type: multipart/related; boundary=R\r\n\r\n--R\r\nContent-Type: text/html\r\n\r\n<p>https://t.me/a/1</p><img src=\"cid:logo\">\r\n" +
		"--R\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\n\r\nPNG\r\n--R--\r\n"
	m, err = mailin.Read([]byte(logo), mailin.Limits{})
	if err != nil || len(m.Attachments) != 1 || !m.Attachments[0].Inline || !m.FromHTML {
		t.Errorf("an inline logo: %v, %+v", err, m)
	}
}

func TestReadRefuses(t *testing.T) {
	t.Parallel()
	nest := func(depth int) string {
		var sb strings.Builder
		sb.WriteString(head)
		for i := range depth {
			fmt.Fprintf(&sb, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i)
		}
		sb.WriteString("Content-Type: text/plain\r\n\r\nx\r\n")
		return sb.String()
	}
	many := head + "Content-Type: multipart/mixed; boundary=Z\r\n\r\n" + strings.Repeat("--Z\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n", 30) + "--Z--\r\n"
	tests := []struct{ name, raw string }{
		{"not a message", "no headers here"},
		{"no From", "Subject: x\r\n\r\nbody"},
		{"two From headers", "From: a@b.c\r\nFrom: d@e.f\r\n\r\nbody"},
		{"two Subject headers", "From: a@b.c\r\nSubject: x\r\nSubject: y\r\n\r\nbody"},
		{"nested too deep", nest(12)},
		{"too many attachments", many},
		{"broken base64", head + "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64\r\n"},
		{"multipart without boundary", head + "Content-Type: multipart/mixed\r\n\r\nx"},
		{"unknown charset, not UTF-8", head + "Content-Type: text/plain; charset=koi8-r\r\n\r\n\xff\xfe\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := mailin.Read([]byte(tc.raw), mailin.Limits{}); !errors.Is(err, mailin.ErrMalformed) {
				t.Errorf("Read = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestNoticeManyLinks(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	sb.WriteString(plain("kind: order\r\ncategory: terrorism\r\nBanyak tautan.\r\n"))
	for i := range 100_000 {
		fmt.Fprintf(&sb, "https://t.me/chan%d/%d\r\n", i%500, i)
	}
	m, err := mailin.Read([]byte(sb.String()), mailin.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	body, probs := mailin.Notice(m)
	if probs != nil {
		t.Fatal(probs)
	}
	var b struct{ Subjects []map[string]string }
	if err := json.Unmarshal(body, &b); err != nil || len(b.Subjects) != 100_000 {
		t.Fatalf("%d subjects, err %v", len(b.Subjects), err)
	}
}
