package rulelist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/store"
)

// Kind is the rule lists' filterset.Kind.
type Kind struct{}

// Names implements filterset.Kind.
func (Kind) Names() filterset.Names {
	return filterset.Names{Plural: "lists", Singular: "list", Family: store.FamilyList, IDPrefix: "lst"}
}

// SetKinds implements filterset.Kind.
func (Kind) SetKinds() []string { return Kinds }

// CheckSet implements filterset.Kind: a list has a kind and may name the
// language of its rules.
func (Kind) CheckSet(v *filterset.Validator, in *filterset.CreateInput) string {
	if !slices.Contains(Kinds, in.Kind) {
		v.Add("kind", "unknown_value", "kind must be one of "+strings.Join(Kinds, ", "))
	}
	if in.Language != "" && !languageRe.MatchString(in.Language) {
		v.Add("language", "invalid", "language must be a BCP 47 tag such as id, en or ar")
	}
	return in.Kind
}

// EntryTypes implements filterset.Kind: a rule's value decides its type.
func (Kind) EntryTypes() []string { return nil }

// CheckEntry implements filterset.Kind with Check; a refused rule is named
// by its place in an import, or as "value".
func (k Kind) CheckEntry(v *filterset.Validator, set store.FilterSet, prefix string, it *filterset.Item) string {
	typ, val, err := Check(set.Kind, it.Value)
	if err != nil {
		field := "value"
		if prefix != "" {
			field = strings.TrimSuffix(prefix, ".")
		}
		v.Add(field, "rule_refused", err.Error())
		return ""
	}
	it.Type, it.Value = typ, val
	return k.MatchKey(set.Kind, typ, val)
}

// MatchKey implements filterset.Kind with the package's MatchKey.
func (Kind) MatchKey(setKind, typ, value string) string { return MatchKey(setKind, typ, value) }

// MaxImport implements filterset.Kind.
func (Kind) MaxImport() int { return MaxImportLines }

// ImportFormats implements filterset.Kind: the body tells JSON from text.
func (Kind) ImportFormats() []string { return nil }

// ParseImport implements filterset.Kind: JSON {"entries": [{"value": ...}]}
// or a whole export, or else plain text (ParseText). A body without a JSON
// media type is JSON all the same when it starts with a brace (curl -d sends
// application/x-www-form-urlencoded); a text list would not.
func (Kind) ParseImport(body []byte, _, mediaType, setKind string) ([]filterset.Item, error) {
	isJSON := bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))
	switch mediaType {
	case "application/json":
		isJSON = true
	case "text/plain":
		isJSON = false
	}
	if !isJSON {
		items, err := ParseText(bytes.NewReader(body), setKind)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", filterset.ErrFormat, err)
		}
		return items, nil
	}
	if !utf8.Valid(body) {
		// encoding/json would put U+FFFD in place of the bad bytes and store rules nobody wrote.
		return nil, fmt.Errorf("%w: the JSON is not valid UTF-8", filterset.ErrFormat)
	}
	var doc importDoc
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %w", filterset.ErrFormat, err)
	}
	out := make([]filterset.Item, len(doc.Entries))
	for i, e := range doc.Entries {
		out[i] = filterset.Item{Value: e.Value, Source: e.Source, CaseID: e.CaseID}
	}
	return out, nil
}

// Export formats: JSON with provenance, or the plain text the import reads.
const (
	FormatJSON = "json"
	FormatText = "text"
)

// ExportFormats implements filterset.Kind.
func (Kind) ExportFormats() []filterset.Format {
	return []filterset.Format{{Name: FormatJSON, ContentType: "application/json", Ext: "json"},
		{Name: FormatText, ContentType: "text/plain; charset=utf-8", Ext: "txt"}}
}

// PortalExports implements filterset.Kind: the portal offers the text a
// person edits.
func (Kind) PortalExports() []string { return []string{FormatText} }

// UnknownExport implements filterset.Kind.
func (Kind) UnknownExport(string) error {
	return fmt.Errorf("%w: format is json (the default) or text", filterset.ErrUnknownFormat)
}

// Export implements filterset.Kind.
func (Kind) Export(w io.Writer, set filterset.Set, format string, now time.Time, each func(fn func(filterset.Entry) error) error) error {
	if format == FormatText {
		return writeText(w, set, each)
	}
	return writeJSON(w, set, now, each)
}
