package document

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The content types a document may have.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
)

// Limits of documents. A notice's body is at most 8 MiB (the API's MaxBody),
// and base64 grows data by a third, so the documents of one notice together
// hold at most 5 MiB: they still fit in one JSON body.
const (
	MaxFileSize  = 4 << 20
	MaxTotalSize = 5 << 20
	MaxFiles     = 10
	MaxNameLen   = 200
)

// Types lists the content types a document may have.
func Types() []string { return []string{TypePDF, TypePNG, TypeJPEG} }

// Upload is a checked document: what the receipt names (name, type, size,
// hash) and the bytes themselves, which are stored but never sent in JSON.
type Upload struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Data        []byte `json:"-"`
}

// The codes of the ways a document is refused, as the API's field errors name them.
const (
	CodeEmpty          = "document_empty"
	CodeTooLarge       = "document_too_large"
	CodeTooMany        = "too_many_documents"
	CodeBadName        = "invalid_document_name"
	CodeUnknownType    = "unsupported_content_type"
	CodeTypeMismatch   = "content_type_mismatch"
	CodeMalformedPDF   = "malformed_pdf"
	CodeActivePDF      = "active_pdf"
	CodeMalformedImage = "malformed_image"
)

// ErrRefused is what every *Error wraps, for errors.Is.
var ErrRefused = errors.New("document: refused")

// Error is a refused document: a code and what went wrong in Bahasa
// Indonesia and English, for the person who sent it.
type Error struct {
	Code string
	ID   string
	EN   string
}

func (e *Error) Error() string { return "document: " + e.EN }

// Unwrap lets callers test errors.Is(err, ErrRefused).
func (e *Error) Unwrap() error { return ErrRefused }

// Message is the refusal in both languages, Indonesian first.
func (e *Error) Message() string { return e.ID + " / " + e.EN }

func refuse(code, id, en string) *Error { return &Error{Code: code, ID: id, EN: en} }

// Check reads one attached file: its name, the content type its sender
// claims, and its bytes. It refuses an empty or oversized file, a name that
// is not a plain file name, a type other than PDF, PNG or JPEG, bytes that are
// not of the claimed type (a zip or an executable named .pdf), a PDF that does
// not parse or that carries scripts or launch actions, and an image that does
// not decode. The error is an *Error.
func Check(name, contentType string, data []byte) (Upload, error) {
	name = strings.TrimSpace(name)
	if err := checkName(name); err != nil {
		return Upload{}, err
	}
	ct := normaliseType(contentType)
	switch {
	case len(data) == 0:
		return Upload{}, refuse(CodeEmpty, "berkas "+name+" kosong", "the file "+name+" is empty")
	case len(data) > MaxFileSize:
		return Upload{}, refuse(CodeTooLarge,
			fmt.Sprintf("berkas %s berukuran %d bita; paling besar %d bita (4 MiB)", name, len(data), MaxFileSize),
			fmt.Sprintf("the file %s is %d bytes; at most %d bytes (4 MiB)", name, len(data), MaxFileSize))
	}
	sniffed := sniff(data)
	switch {
	case ct == "" || ct == "application/octet-stream":
		if sniffed == "" {
			return Upload{}, refuse(CodeUnknownType, "berkas "+name+" bukan PDF, PNG atau JPEG",
				"the file "+name+" is not a PDF, PNG or JPEG")
		}
		ct = sniffed
	case ct != TypePDF && ct != TypePNG && ct != TypeJPEG:
		return Upload{}, refuse(CodeUnknownType,
			fmt.Sprintf("jenis %q tidak diterima; lampirkan application/pdf, image/png atau image/jpeg", contentType),
			fmt.Sprintf("content type %q is not taken; attach application/pdf, image/png or image/jpeg", contentType))
	case ct != sniffed:
		what := "tidak dikenal / unknown"
		if sniffed != "" {
			what = sniffed
		} else if k := disguise(data); k != "" {
			what = k
		}
		return Upload{}, refuse(CodeTypeMismatch,
			fmt.Sprintf("berkas %s mengaku %s tetapi isinya %s", name, ct, what),
			fmt.Sprintf("the file %s claims to be %s but its bytes are %s", name, ct, what))
	}
	var err error
	switch ct {
	case TypePDF:
		err = checkPDF(data)
	default:
		err = checkImage(ct, data)
	}
	if err != nil {
		var de *Error
		if errors.As(err, &de) {
			de.ID, de.EN = name+": "+de.ID, name+": "+de.EN
			return Upload{}, de
		}
		return Upload{}, err
	}
	sum := sha256.Sum256(data)
	return Upload{Name: name, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data}, nil
}

// CheckSet bounds the documents of one notice together: how many, and their total size.
func CheckSet(docs []Upload) error {
	if len(docs) > MaxFiles {
		return refuse(CodeTooMany, fmt.Sprintf("paling banyak %d dokumen per pemberitahuan (ada %d)", MaxFiles, len(docs)),
			fmt.Sprintf("at most %d documents a notice (got %d)", MaxFiles, len(docs)))
	}
	var total int64
	for _, d := range docs {
		total += d.Size
	}
	if total > MaxTotalSize {
		return refuse(CodeTooLarge, fmt.Sprintf("dokumen-dokumen ini berjumlah %d bita; paling besar %d bita (5 MiB) per pemberitahuan", total, MaxTotalSize),
			fmt.Sprintf("the documents total %d bytes; at most %d bytes (5 MiB) a notice", total, MaxTotalSize))
	}
	return nil
}

// checkName takes a plain file name: no path, no control characters, not too long.
func checkName(name string) error {
	bad := func(why, whyEN string) error {
		return refuse(CodeBadName, "nama berkas "+why, "the file name "+whyEN)
	}
	switch {
	case name == "":
		return bad("wajib diisi", "is required")
	case !utf8.ValidString(name):
		return bad("bukan UTF-8 yang sah", "is not valid UTF-8")
	case utf8.RuneCountInString(name) > MaxNameLen:
		return bad(fmt.Sprintf("lebih dari %d karakter", MaxNameLen), fmt.Sprintf("is longer than %d characters", MaxNameLen))
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return bad("tidak boleh memuat jalur (/ atau \\)", `must not hold a path (/ or \)`)
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return bad("memuat karakter kendali", "holds control characters")
	}
	return nil
}

// normaliseType drops parameters and case: "Application/PDF; name=x" is application/pdf.
func normaliseType(ct string) string {
	ct, _, _ = strings.Cut(ct, ";")
	ct = strings.ToLower(strings.TrimSpace(ct))
	if ct == "image/jpg" || ct == "image/pjpeg" {
		return TypeJPEG
	}
	return ct
}

// sniff names the type data's first bytes show, or "" for none this package takes.
func sniff(data []byte) string {
	switch {
	case strings.HasPrefix(string(data[:min(len(data), 8)]), "%PDF-"):
		return TypePDF
	case strings.HasPrefix(string(data[:min(len(data), 8)]), "\x89PNG\r\n\x1a\n"):
		return TypePNG
	case strings.HasPrefix(string(data[:min(len(data), 3)]), "\xff\xd8\xff"):
		return TypeJPEG
	}
	return ""
}

// disguise names a few kinds of file often sent under another name, for the refusal's message.
func disguise(data []byte) string {
	head := string(data[:min(len(data), 8)])
	for _, k := range []struct{ magic, name string }{
		{"PK\x03\x04", "zip"}, {"MZ", "Windows executable"}, {"\x7fELF", "ELF executable"},
		{"Rar!", "rar"}, {"\x1f\x8b", "gzip"}, {"7z\xbc\xaf", "7z"}, {"<", "HTML/XML"},
		{"\xd0\xcf\x11\xe0", "MS Office"}, {"#!", "script"}, {"GIF8", "GIF"},
	} {
		if strings.HasPrefix(head, k.magic) {
			return k.name
		}
	}
	return ""
}
