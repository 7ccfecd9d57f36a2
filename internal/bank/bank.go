package bank

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/tmk"
	"github.com/sigap/sigap/internal/vpdq"
)

// Signal types a bank holds.
const (
	TypePDQ    = "pdq"
	TypeMD5    = "md5"
	TypeSHA256 = "sha256"
	// TypeVPDQ is a video's vPDQ hash: the reference's lines
	// "frame_number,quality,pdq_hex,timestamp_seconds".
	TypeVPDQ = "vpdq"
	// TypeTMK is a video's TMK+PDQF features: base64 of the reference's .tmk file.
	TypeTMK = "tmk"
)

// Types lists the signal types. MD5 and SHA-256 serve images and whole
// video files alike.
var Types = []string{TypePDQ, TypeMD5, TypeSHA256, TypeVPDQ, TypeTMK}

// MaxVPDQFrames bounds the frames of one vpdq value (about 55 minutes at 30
// frames per second, some 8 MB of text).
const MaxVPDQFrames = 100_000

// MaxImportRows bounds one import.
const MaxImportRows = 200_000

// ErrBadValue wraps a signal value that is not valid for its type.
var ErrBadValue = errors.New("bank: bad signal value")

// NormalizeValue checks value as a signal of type typ and returns its
// canonical form (lower-case hex).
func NormalizeValue(typ, value string) (string, error) {
	switch typ {
	case TypeVPDQ:
		h, err := ParseVPDQ(value)
		if err != nil {
			return "", err
		}
		return h.String(), nil
	case TypeTMK:
		f, err := ParseTMK(value)
		if err != nil {
			return "", err
		}
		b, err := f.MarshalBinary()
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrBadValue, err)
		}
		return base64.StdEncoding.EncodeToString(b), nil
	}
	value = strings.ToLower(strings.TrimSpace(value))
	want := map[string]int{TypePDQ: 64, TypeMD5: 32, TypeSHA256: 64}[typ]
	if want == 0 {
		return "", fmt.Errorf("%w: type must be one of %s", ErrBadValue, strings.Join(Types, ", "))
	}
	if len(value) != want {
		return "", fmt.Errorf("%w: a %s is %d hexadecimal digits, got %d characters", ErrBadValue, typ, want, len(value))
	}
	if _, err := hex.DecodeString(value); err != nil {
		return "", fmt.Errorf("%w: a %s is %d hexadecimal digits", ErrBadValue, typ, want)
	}
	if typ == TypePDQ {
		h, err := pdq.ParseHex(value)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrBadValue, err)
		}
		// Images below the minimum size hash to zero; a bank of such hashes
		// would match every tiny image.
		if h.IsZero() {
			return "", fmt.Errorf("%w: the all-zero PDQ hash is what images too small to hash produce; it identifies nothing", ErrBadValue)
		}
	}
	return value, nil
}

// ParseVPDQ reads a vpdq value in any of the reference's text forms
// (vpdq.Parse) and refuses one that could never match: a hash with no frame
// of the matching quality (50), which the reference's index refuses too.
func ParseVPDQ(value string) (vpdq.Hash, error) {
	h, err := vpdq.Parse(value)
	if err != nil {
		return nil, fmt.Errorf("%w: a vpdq is lines frame_number,quality,pdq_hex,timestamp_seconds: %w", ErrBadValue, err)
	}
	if len(h) > MaxVPDQFrames {
		return nil, fmt.Errorf("%w: a vpdq has at most %d frames, got %d", ErrBadValue, MaxVPDQFrames, len(h))
	}
	if len(vpdq.Prepare(h, vpdq.DefaultMinQuality)) == 0 {
		return nil, fmt.Errorf("%w: the vpdq has no frame of quality %d or more, so it can never match", ErrBadValue, vpdq.DefaultMinQuality)
	}
	return h, nil
}

// ParseTMK reads a tmk value: base64 (standard or URL alphabet, padded or
// not) of a .tmk file made as the reference makes them (PDQF, 15 frames a
// second, its periods, coefficients and dimension), which is what a query
// hashed here can be compared with.
func ParseTMK(value string) (*tmk.Features, error) {
	value = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, value)
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(value); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: a tmk is the base64 of a .tmk file", ErrBadValue)
	}
	f, err := tmk.Unmarshal(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadValue, err)
	}
	if f.FramesPerSecond != tmk.FramesPerSecond || f.Dim() != tmk.FeatureDim {
		return nil, fmt.Errorf("%w: a tmk here is TMK+PDQF at %d frames a second of dimension %d, got %d and %d",
			ErrBadValue, tmk.FramesPerSecond, tmk.FeatureDim, f.FramesPerSecond, f.Dim())
	}
	return f, nil
}

// Kind is the hash banks' filterset.Kind.
type Kind struct{}

// Names implements filterset.Kind.
func (Kind) Names() filterset.Names {
	return filterset.Names{Plural: "banks", Singular: "bank", Family: store.FamilyBank, IDPrefix: "bnk"}
}

// SetKinds implements filterset.Kind: every bank is of one kind, "hash".
func (Kind) SetKinds() []string { return nil }

// CheckSet implements filterset.Kind; a bank has no fields of its own, and
// its signals have no language.
func (Kind) CheckSet(_ *filterset.Validator, in *filterset.CreateInput) string {
	in.Language = ""
	return "hash"
}

// EntryTypes implements filterset.Kind: the caller names a signal's type.
func (Kind) EntryTypes() []string { return Types }

// CheckEntry implements filterset.Kind. Banks find duplicates by type and
// canonical value; video hashes also get a match key (see MatchKey).
func (k Kind) CheckEntry(v *filterset.Validator, _ store.FilterSet, prefix string, it *filterset.Item) string {
	if !slices.Contains(Types, it.Type) {
		v.Add(prefix+"type", "unknown_value", "type must be one of "+strings.Join(Types, ", "))
		return ""
	}
	val, err := NormalizeValue(it.Type, it.Value)
	if err != nil {
		v.Add(prefix+"value", "invalid", err.Error())
		return ""
	}
	it.Value = val
	return k.MatchKey("", it.Type, val)
}

// MatchKey implements filterset.Kind. A vpdq or tmk value is kilobytes
// long; its key, the SHA-256 of the canonical value, is what finds a
// duplicate without comparing the values themselves. Other bank entries
// have none.
func (Kind) MatchKey(_, typ, value string) string {
	if typ != TypeVPDQ && typ != TypeTMK {
		return ""
	}
	sum := sha256.Sum256([]byte(value))
	return typ + ":" + hex.EncodeToString(sum[:])
}

// SkipImport implements filterset.ImportSkipper: an import skips the
// signals of types a bank does not hold (SHA-512, SHA-1, URLs, ...) and
// counts them under their lower-case name, rather than refusing a whole
// ThreatExchange or GIFCT dump for one line it cannot use. An item with no
// type is not skipped: it is refused.
func (Kind) SkipImport(it filterset.Item) (string, bool) {
	if slices.Contains(Types, it.Type) {
		return "", false
	}
	t := strings.ToLower(strings.TrimSpace(it.Type))
	if known := skippedAliases[t]; known != "" {
		t = known
	}
	if t == "" {
		return "", false // no type at all is a malformed item, refused by CheckEntry
	}
	if len(t) > 40 {
		t = t[:40]
	}
	return t, true
}

// MaxImport implements filterset.Kind.
func (Kind) MaxImport() int { return MaxImportRows }

// ImportFormats implements filterset.Kind.
func (Kind) ImportFormats() []string { return []string{FormatCSV, FormatJSON, FormatThreatExchange} }

// ParseImport implements filterset.Kind: the format named, else CSV for a
// text/csv body, else guessed from the first byte.
func (Kind) ParseImport(body []byte, format, mediaType, _ string) ([]filterset.Item, error) {
	if format == "" && mediaType == "text/csv" {
		format = FormatCSV
	}
	return Parse(bytes.NewReader(body), format)
}

// ExportFormats implements filterset.Kind.
func (Kind) ExportFormats() []filterset.Format {
	return []filterset.Format{{Name: FormatCSV, ContentType: "text/csv; charset=utf-8", Ext: "csv"},
		{Name: FormatJSON, ContentType: "application/json", Ext: "json"},
		{Name: FormatThreatExchange, ContentType: "application/json", Ext: "json"}}
}

// PortalExports implements filterset.Kind.
func (Kind) PortalExports() []string { return []string{FormatCSV, FormatJSON, FormatThreatExchange} }

// UnknownExport implements filterset.Kind: a bank's export format is a
// field of the request, refused as such.
func (Kind) UnknownExport(string) error {
	const msg = "format must be csv, json or threatexchange"
	return &notice.ValidationError{Fields: []notice.FieldError{{Field: "format", Code: "unknown_value", Message: msg}}}
}

// Export implements filterset.Kind.
func (Kind) Export(w io.Writer, _ filterset.Set, format string, _ time.Time, each func(fn func(filterset.Entry) error) error) error {
	ew, err := NewWriter(w, format)
	if err != nil {
		return err
	}
	if err := each(ew.Write); err != nil {
		return err
	}
	return ew.Close()
}
