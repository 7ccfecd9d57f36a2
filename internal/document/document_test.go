package document

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"testing"
)

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckAccepts(t *testing.T) {
	t.Parallel()
	chromium, err := os.ReadFile("testdata/chromium.pdf")
	if err != nil {
		t.Fatal(err)
	}
	sample := SamplePDF("Surat Perintah No. 12/2026 (penghapusan)")
	tests := []struct {
		name, file, ct string
		data           []byte
		wantType       string
	}{
		{"sample PDF", "surat.pdf", "application/pdf", sample, TypePDF},
		{"PDF printed by Chromium", "letter.pdf", "application/pdf", chromium, TypePDF},
		{"type with parameters and case", "surat.pdf", "Application/PDF; name=surat.pdf", sample, TypePDF},
		{"no type: sniffed", "surat", "", sample, TypePDF},
		{"octet-stream: sniffed", "scan.png", "application/octet-stream", pngBytes(t, 4, 4), TypePNG},
		{"PNG", "scan.png", "image/png", pngBytes(t, 4, 3), TypePNG},
		{"JPEG as image/jpg", "scan.jpg", "image/jpg", jpegBytes(t), TypeJPEG},
		{"PDF with CRLF and trailing white space", "crlf.pdf", "application/pdf", append(bytes.ReplaceAll(sample, []byte("%%EOF\n"), []byte("%%EOF\r\n")), "\n\n"...), TypePDF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := Check(tt.file, tt.ct, tt.data)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			sum := sha256.Sum256(tt.data)
			if u.ContentType != tt.wantType || u.Size != int64(len(tt.data)) || u.SHA256 != hex.EncodeToString(sum[:]) || !bytes.Equal(u.Data, tt.data) {
				t.Errorf("got %+v", Upload{Name: u.Name, ContentType: u.ContentType, Size: u.Size, SHA256: u.SHA256})
			}
		})
	}
}

func TestCheckRefuses(t *testing.T) {
	t.Parallel()
	sample := SamplePDF("x")
	zip := append([]byte("PK\x03\x04\x14\x00\x00\x00"), bytes.Repeat([]byte{0}, 100)...)
	exe := append([]byte("MZ\x90\x00\x03"), bytes.Repeat([]byte{0}, 100)...)
	cut := sample[:len(sample)/2]
	badXref := bytes.Replace(sample, []byte("0000000015 00000 n"), []byte("0000000016 00000 n"), 1)
	noRoot := bytes.Replace(sample, []byte("/Root 1 0 R"), []byte("/Info 1 0 R"), 1)
	js := bytes.Replace(sample, []byte("/Type /Catalog"), []byte("/OpenAction << /S /JavaScript /JS (app.alert(1)) >> /Type /Catalog"), 1)
	launch := bytes.Replace(sample, []byte("/Type /Catalog"), []byte("/OpenAction << /S /Launch /F (cmd.exe) >> /Type /Ca#74alog"), 1)
	unclosed := bytes.Replace(sample, []byte("/Count 1 >>"), []byte("/Count 1 ("), 1)
	appended := append(bytes.Clone(sample), []byte("PK\x03\x04 hidden zip")...)
	garbage := bytes.Replace(sample, []byte("xref\n"), []byte("@@@@ xref\n"), 1)
	deep := []byte("%PDF-1.7\n1 0 obj\n" + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\nendobj\ntrailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n")
	tests := []struct {
		name, file, ct string
		data           []byte
		code           string
	}{
		{"zip named PDF", "surat.pdf", "application/pdf", zip, CodeTypeMismatch},
		{"executable named PDF", "surat.pdf", "application/pdf", exe, CodeTypeMismatch},
		{"PNG claimed as PDF", "surat.pdf", "application/pdf", pngBytes(t, 2, 2), CodeTypeMismatch},
		{"PDF claimed as PNG", "scan.png", "image/png", sample, CodeTypeMismatch},
		{"unknown bytes, no type", "x", "", exe, CodeUnknownType},
		{"wrong content type", "surat.zip", "application/zip", zip, CodeUnknownType},
		{"HTML", "x.html", "text/html", []byte("<script>alert(1)</script>"), CodeUnknownType},
		{"empty", "surat.pdf", "application/pdf", nil, CodeEmpty},
		{"huge", "surat.pdf", "application/pdf", append(bytes.Clone(sample), make([]byte, MaxFileSize)...), CodeTooLarge},
		{"path in name", "../etc/passwd.pdf", "application/pdf", sample, CodeBadName},
		{"backslash in name", `C:\surat.pdf`, "application/pdf", sample, CodeBadName},
		{"control character in name", "sur\x00at.pdf", "application/pdf", sample, CodeBadName},
		{"no name", " ", "application/pdf", sample, CodeBadName},
		{"long name", strings.Repeat("a", MaxNameLen+1), "application/pdf", sample, CodeBadName},
		{"PDF cut short", "surat.pdf", "application/pdf", cut, CodeMalformedPDF},
		{"PDF header only", "surat.pdf", "application/pdf", []byte("%PDF-1.7\n%%EOF\n"), CodeMalformedPDF},
		{"bad version", "surat.pdf", "application/pdf", append([]byte("%PDF-x"), sample[6:]...), CodeMalformedPDF},
		{"xref entry off", "surat.pdf", "application/pdf", badXref, CodeMalformedPDF},
		{"no catalogue", "surat.pdf", "application/pdf", noRoot, CodeMalformedPDF},
		{"unclosed string", "surat.pdf", "application/pdf", unclosed, CodeMalformedPDF},
		{"zip appended after EOF", "surat.pdf", "application/pdf", appended, CodeMalformedPDF},
		{"garbage between objects", "surat.pdf", "application/pdf", garbage, CodeMalformedPDF},
		{"nested too deep", "surat.pdf", "application/pdf", deep, CodeMalformedPDF},
		{"JavaScript", "surat.pdf", "application/pdf", js, CodeActivePDF},
		{"launch action, name escaped", "surat.pdf", "application/pdf", launch, CodeActivePDF},
		{"PNG cut short", "scan.png", "image/png", pngBytes(t, 8, 8)[:40], CodeMalformedImage},
		{"JPEG header only", "scan.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), CodeMalformedImage},
		{"image too many pixels", "scan.png", "image/png", pngBytes(t, 5000, 4000), CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Check(tt.file, tt.ct, tt.data)
			var de *Error
			if !errors.As(err, &de) || !errors.Is(err, ErrRefused) {
				t.Fatalf("Check = %v, want a *document.Error", err)
			}
			if de.Code != tt.code {
				t.Errorf("code %q (%s), want %q", de.Code, de.EN, tt.code)
			}
			if de.ID == "" || de.EN == "" || !strings.Contains(de.Message(), " / ") {
				t.Errorf("message not in both languages: %q", de.Message())
			}
		})
	}
}

func TestCheckSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		docs []Upload
		code string
	}{
		{"none", nil, ""},
		{"ten small", make([]Upload, MaxFiles), ""},
		{"eleven", make([]Upload, MaxFiles+1), CodeTooMany},
		{"at the total", []Upload{{Size: MaxFileSize}, {Size: MaxTotalSize - MaxFileSize}}, ""},
		{"over the total", []Upload{{Size: MaxFileSize}, {Size: MaxTotalSize - MaxFileSize + 1}}, CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckSet(tt.docs)
			var de *Error
			switch {
			case tt.code == "" && err != nil:
				t.Errorf("CheckSet = %v, want nil", err)
			case tt.code != "" && (!errors.As(err, &de) || de.Code != tt.code):
				t.Errorf("CheckSet = %v, want code %s", err, tt.code)
			}
		})
	}
}

// FuzzCheck holds that no input makes Check panic or hang, and that what it
// accepts is of a type it takes, hashed right.
func FuzzCheck(f *testing.F) {
	f.Add("surat.pdf", "application/pdf", SamplePDF("x"))
	f.Add("surat.pdf", "application/pdf", []byte("%PDF-1.4\n1 0 obj<</Type/ObjStm/Filter/FlateDecode/Length 3>>stream\nabc\nendstream endobj\n%%EOF"))
	f.Add("scan.png", "image/png", pngBytes(f, 2, 2))
	f.Add("scan.jpg", "", jpegBytes(f))
	f.Fuzz(func(t *testing.T, name, ct string, data []byte) {
		u, err := Check(name, ct, data)
		if err != nil {
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("error %v is not a refusal", err)
			}
			return
		}
		sum := sha256.Sum256(data)
		if u.SHA256 != hex.EncodeToString(sum[:]) || u.Size != int64(len(data)) {
			t.Fatalf("hash or size wrong: %+v", u)
		}
		if u.ContentType != TypePDF && u.ContentType != TypePNG && u.ContentType != TypeJPEG {
			t.Fatalf("accepted type %q", u.ContentType)
		}
	})
}
