package intake

import (
	"bytes"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/receipt"
)

// TestCanonicalIsReceiptMarshal holds the direct encoder to what the receipt
// package's RFC 8785 canonicalisation makes of the same payload: a receipt
// whose payload is not canonical does not verify.
func TestCanonicalIsReceiptMarshal(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 1, 0, 0, 123_000_000, time.UTC)
	sig := &httpsig.Result{KeyID: `komdigi "2026"`, SignatureInput: `sig1=("@method" "@target-uri" "content-digest");created=1796605200;keyid="komdigi-2026";alg="ed25519"`,
		Signature: "sig1=:O1zb+/A==:", ContentDigest: "sha-256=:ls7a=:", Created: 1796605200, Method: "POST",
		TargetURI: "https://sigap.example.go.id/v1/notices?a=<b>&c", Fields: map[string]string{"idempotency-key": "SP-1", "content-type": "application/json", "a": "\u2028"}}
	tests := []struct {
		name string
		p    Payload
	}{
		{"zero", Payload{}},
		{"unsigned", Payload{NoticeID: "ntc_1", OrgID: "org_1", Kind: "order", Reference: "SP/2026 <&> \"x\"\n\t\u0001\u007f é 🚀 \u2028",
			Regime: "id-pse", Category: "terrorism", Class: "urgent", ReceivedAt: at, DueAt: at.Add(4 * time.Hour),
			BodySHA256: "ab", Subjects: []string{"t.me/a/1", "t.me/b/2"}, Issuer: "sigap"}},
		{"signed", Payload{NoticeID: "ntc_1", Subjects: []string{}, ReceivedAt: at, DueAt: at, RequestSignature: sig}},
		{"invalid UTF-8", Payload{Reference: "a\xffb\xc3", Subjects: []string{"\xed\xa0\x80"}}},
		{"signature without fields, odd created", Payload{RequestSignature: &httpsig.Result{Created: -1 << 62}}},
		{"documents", Payload{NoticeID: "ntc_1", Documents: []document.Upload{{Name: "surat \"1\".pdf", ContentType: "application/pdf", Size: 123456, SHA256: "ab", Data: []byte("x")}, {Name: "b.png", Size: 1}}}},
		{"created 0", Payload{RequestSignature: &httpsig.Result{Created: 0, Fields: map[string]string{}}}},
		{"not UTC", Payload{ReceivedAt: at.In(time.FixedZone("WIB", 7*3600)), DueAt: time.Date(2026, 1, 2, 3, 4, 5, 100, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, err := receipt.Marshal(tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.p.canonical(); !bytes.Equal(got, want) {
				t.Errorf("canonical:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestCanonicalIsReceiptMarshalForAnyPayload(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		str := rapid.String()
		p := Payload{NoticeID: str.Draw(t, "id"), OrgID: str.Draw(t, "org"), Kind: str.Draw(t, "kind"),
			Reference: rapid.StringOf(rapid.Rune()).Draw(t, "reference"), Regime: str.Draw(t, "regime"),
			Category: str.Draw(t, "category"), Class: str.Draw(t, "class"),
			ReceivedAt: time.UnixMilli(rapid.Int64Range(0, 1<<42).Draw(t, "received")).UTC(),
			DueAt:      time.UnixMilli(rapid.Int64Range(0, 1<<42).Draw(t, "due")).UTC(),
			BodySHA256: str.Draw(t, "sha"), Subjects: rapid.SliceOf(str).Draw(t, "subjects"), Issuer: "sigap"}
		if rapid.Bool().Draw(t, "signed") {
			p.RequestSignature = &httpsig.Result{KeyID: str.Draw(t, "keyid"), SignatureInput: str.Draw(t, "input"),
				Signature: str.Draw(t, "sig"), ContentDigest: str.Draw(t, "digest"), Created: rapid.Int64().Draw(t, "created"),
				Method: str.Draw(t, "method"), TargetURI: str.Draw(t, "uri"),
				Fields: rapid.MapOf(rapid.StringMatching(`[a-z0-9-]{1,12}`), str).Draw(t, "fields")}
		}
		want, err := receipt.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.canonical(); !bytes.Equal(got, want) {
			t.Fatalf("canonical:\n got %q\nwant %q", got, want)
		}
	})
}

func BenchmarkCanonical(b *testing.B) {
	at := time.Now().UTC()
	p := Payload{NoticeID: "ntc_06h4w0y6g2gcqmfvwtbsgphr", OrgID: "org_06h4w0y6g2gcqmfvwtbsgphr", Kind: "order", Regime: "id-pse",
		Category: "terrorism", Class: "urgent", ReceivedAt: at, DueAt: at, BodySHA256: "ab", Subjects: []string{"t.me/benchchan1/1"}, Issuer: "sigap",
		RequestSignature: &httpsig.Result{KeyID: "bench", SignatureInput: `sig1=("@method" "@target-uri" "content-digest");created=1796605200;keyid="bench";alg="ed25519"`,
			Signature:     "sig1=:O1zbZKHWbXVsPxtvymb2yLZfqo1lwdnk1p1q6RDyDBtrA/y07IHNlEMtPBifpES9W0WO+j35cL39E+gPR7BzBA==:",
			ContentDigest: "sha-256=:ls7auh5IpXsAg3khhemEpOdSVe3owTaJsTFyjEeqCOM=:", Created: 1796605200, Method: "POST", TargetURI: "http://127.0.0.1:8080/v1/notices"}}
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			p.canonical()
		}
	})
	b.Run("receipt.Marshal", func(b *testing.B) {
		for b.Loop() {
			_, _ = receipt.Marshal(p)
		}
	})
}
