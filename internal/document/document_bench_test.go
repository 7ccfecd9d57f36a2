package document

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// bigPDF is a well-formed PDF of about n bytes: many pages of text, each an
// object and a stream, so the parse walks real structure, not one blob.
func bigPDF(n int) []byte {
	var objs []string
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>", "")
	var kids []string
	text := strings.Repeat("Surat Perintah Nomor 12/2026 tentang penghapusan konten. ", 40)
	for i := 0; len(strings.Join(objs, "")) < n; i++ {
		page, content := len(objs)+1, len(objs)+2
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		body := "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET"
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>", content),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(body), body))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	return assemblePDF(objs)
}

// BenchmarkCheck measures Check on a small letter, Chromium's printout and a
// PDF near the 4 MiB limit (go test -bench Check ./internal/document).
func BenchmarkCheck(b *testing.B) {
	chromium, err := os.ReadFile("testdata/chromium.pdf")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{{"sample", SamplePDF("Surat")}, {"chromium", chromium}, {"4MiB", bigPDF(MaxFileSize - 256<<10)}} {
		if _, err := Check("a.pdf", TypePDF, c.data); err != nil {
			b.Fatalf("%s: %v", c.name, err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				if _, err := Check("a.pdf", TypePDF, c.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
