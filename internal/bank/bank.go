package bank

import (
	"bytes"
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
)

// Signal types a bank holds.
const (
	TypePDQ    = "pdq"
	TypeMD5    = "md5"
	TypeSHA256 = "sha256"
)

// Types lists the signal types.
var Types = []string{TypePDQ, TypeMD5, TypeSHA256}

// MaxImportRows bounds one import.
const MaxImportRows = 200_000

// ErrBadValue wraps a signal value that is not valid for its type.
var ErrBadValue = errors.New("bank: bad signal value")

// NormalizeValue checks value as a signal of type typ and returns its
// canonical form (lower-case hex).
func NormalizeValue(typ, value string) (string, error) {
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
// value, so an entry has no match key.
func (Kind) CheckEntry(v *filterset.Validator, _ store.FilterSet, prefix string, it *filterset.Item) string {
	if !slices.Contains(Types, it.Type) {
		v.Add(prefix+"type", "unknown_value", "type must be one of "+strings.Join(Types, ", "))
	} else if val, err := NormalizeValue(it.Type, it.Value); err != nil {
		v.Add(prefix+"value", "invalid", err.Error())
	} else {
		it.Value = val
	}
	return ""
}

// MatchKey implements filterset.Kind: bank entries have none.
func (Kind) MatchKey(string, string, string) string { return "" }

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
