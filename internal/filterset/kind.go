package filterset

import (
	"errors"
	"io"
	"time"

	"github.com/sigap/sigap/internal/store"
)

// Kind is what one family of filter sets (hash banks, rule lists) does its
// own way; the Service does the rest.
type Kind interface {
	// Names says how the family is called in paths, IDs and page titles.
	Names() Names
	// SetKinds are the kinds a new set may be created as; nil when the
	// family has only one, which callers then do not name (CheckSet says it).
	SetKinds() []string
	// CheckSet checks the fields of a new set that only this family has and
	// returns the kind to store.
	CheckSet(v *Validator, in *CreateInput) string
	// EntryTypes are the types a caller picks for an entry; nil when the
	// entry's value decides its type.
	EntryTypes() []string
	// CheckEntry checks it as an entry of set in place (type, canonical
	// value), recording refusals on v under fields prefixed with prefix
	// ("" or "entries[3]."), and returns the entry's match key.
	CheckEntry(v *Validator, set store.FilterSet, prefix string, it *Item) (matchKey string)
	// MatchKey is the key of an entry already checked (see CheckEntry).
	MatchKey(setKind, typ, value string) string
	// MaxImport bounds the entries of one import.
	MaxImport() int
	// ImportFormats are the formats a caller may name for an import; nil
	// when the body alone decides.
	ImportFormats() []string
	// ParseImport reads an import body; format is what the caller named (or
	// ""), mediaType the body's media type (or ""). Errors wrap ErrFormat or
	// are validation errors.
	ParseImport(body []byte, format, mediaType, setKind string) ([]Item, error)
	// ExportFormats are the formats the API exports in, its default first;
	// PortalExports those the portal offers, its default first.
	ExportFormats() []Format
	PortalExports() []string
	// UnknownExport is the error for an export format the family does not write.
	UnknownExport(format string) error
	// Export writes set's live entries, read in turn by each, as format;
	// now is the time of the export, for formats that say it.
	Export(w io.Writer, set Set, format string, now time.Time, each func(fn func(Entry) error) error) error
}

// Names is how a family is called: its plural names the API and portal paths
// (/v1/banks, /banks) and the index page's texts (flt.banks.*), its singular
// the detail page's (flt.bank.title).
type Names struct {
	Plural, Singular string
	// Family is the store's family of the sets; IDPrefix begins their IDs.
	Family, IDPrefix string
}

// Format is one export format.
type Format struct {
	Name, ContentType, Ext string
}

// ErrFormat wraps an import or export in a form the family cannot read or
// write.
var ErrFormat = errors.New("filterset: unreadable import file")

// ErrUnknownFormat wraps an export format that is not one of the family's.
var ErrUnknownFormat = errors.New("filterset: unknown format")
