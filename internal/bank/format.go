package bank

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sigap/sigap/internal/filterset"
)

// Import and export formats.
const (
	FormatCSV            = "csv"
	FormatJSON           = "json" // HMA 2.0 style signal records
	FormatThreatExchange = "threatexchange"
)

// typeAliases maps the signal type names of HMA, python-threatexchange and
// ThreatExchange to ours.
var typeAliases = map[string]string{
	"pdq": TypePDQ, "hash_pdq": TypePDQ, "photo_pdq": TypePDQ,
	"md5": TypeMD5, "hash_md5": TypeMD5, "video_md5": TypeMD5, "photo_md5": TypeMD5, "hash_video_md5": TypeMD5,
	"sha256": TypeSHA256, "hash_sha256": TypeSHA256, "sha-256": TypeSHA256,
	// Video: python-threatexchange and HMA name them vpdq and
	// video_tmk_pdqf, ThreatExchange HASH_TMK, GIFCT's hash-sharing
	// database TMK+PDQF and vPDQ.
	"vpdq": TypeVPDQ, "hash_vpdq": TypeVPDQ, "video_vpdq": TypeVPDQ,
	"tmk": TypeTMK, "hash_tmk": TypeTMK, "video_tmk_pdqf": TypeTMK, "tmk+pdqf": TypeTMK, "tmk_pdqf": TypeTMK, "tmkpdqf": TypeTMK,
}

// skippedAliases names, for the import's count, the foreign types banks do
// not hold that dumps often carry.
var skippedAliases = map[string]string{
	"sha512": "sha512", "sha-512": "sha512", "hash_sha512": "sha512",
	"sha1": "sha1", "sha-1": "sha1", "hash_sha1": "sha1",
	"url": "url", "uri": "url", "url_md5": "url_md5", "raw_text": "raw_text",
}

// CanonicalType maps a foreign signal type name to ours ("" if unknown).
func CanonicalType(t string) string { return typeAliases[strings.ToLower(strings.TrimSpace(t))] }

// Parse reads signals from r. format is csv, json or threatexchange, or ""
// to guess from the first byte ('[' or '{' is JSON, of either shape).
// Values are not validated here (Import does that, naming the bad items),
// but unknown types are kept as given so the error can name them.
func Parse(r io.Reader, format string) ([]filterset.Item, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if format == "" {
		format = FormatCSV
		for {
			b, err := br.Peek(1)
			if err != nil {
				return nil, nil // empty file
			}
			if b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t' || b[0] == 0xef || b[0] == 0xbb || b[0] == 0xbf {
				_, _ = br.ReadByte()
				continue
			}
			if b[0] == '[' || b[0] == '{' {
				format = FormatJSON
			}
			break
		}
	}
	switch format {
	case FormatCSV:
		return parseCSV(br)
	case FormatJSON, FormatThreatExchange:
		return parseJSON(br)
	}
	return nil, fmt.Errorf("%w: format must be csv, json or threatexchange", filterset.ErrFormat)
}

func parseCSV(r io.Reader) ([]filterset.Item, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	var out []filterset.Item
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", filterset.ErrFormat, err)
		}
		if len(rec) == 0 || len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(out) == 0 && line == 1 && strings.EqualFold(strings.TrimPrefix(strings.TrimSpace(rec[0]), "\ufeff"), "type") {
			continue // header
		}
		if len(rec) < 2 {
			row, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("%w: line %d: want type,value[,source]", filterset.ErrFormat, row)
		}
		it := filterset.Item{Type: strings.TrimPrefix(strings.TrimSpace(rec[0]), "\ufeff"), Value: rec[1]}
		if t := CanonicalType(it.Type); t != "" {
			it.Type = t
		}
		if len(rec) > 2 {
			it.Source = rec[2]
		}
		if len(rec) > 3 {
			it.CaseID = rec[3]
		}
		out = append(out, it)
		if len(out) > MaxImportRows {
			return nil, fmt.Errorf("%w: more than %d rows; split the file", filterset.ErrFormat, MaxImportRows)
		}
	}
}

// jsonRecord is the union of the record shapes we read.
type jsonRecord struct {
	// HMA style
	SignalType  string `json:"signal_type"`
	Signal      string `json:"signal"`
	SignalValue string `json:"signal_value"`
	// ThreatExchange descriptors and python-threatexchange records
	Type         string `json:"type"`
	RawIndicator string `json:"raw_indicator"`
	Indicator    any    `json:"indicator"`
	Value        string `json:"value"`
	Owner        *struct {
		Name string `json:"name"`
	} `json:"owner"`
	// GIFCT hash-sharing style
	HashType  string `json:"hash_type"`
	HashValue string `json:"hash_value"`
	Source    string `json:"source"`
	CaseID    string `json:"case_id"`
	ID        any    `json:"id"`
}

// item takes the first value and type the record's format fills in.
func (j jsonRecord) item() filterset.Item {
	value := cmp.Or(j.Signal, j.SignalValue, j.RawIndicator)
	typ := cmp.Or(j.SignalType, j.Type)
	if value == "" {
		switch ind := j.Indicator.(type) {
		case string:
			value = ind
		case map[string]any: // ThreatExchange threat_updates: {"indicator": {"indicator": "...", "type": "..."}}
			value, _ = ind["indicator"].(string)
			t, _ := ind["type"].(string)
			typ = cmp.Or(typ, t)
		}
	}
	it := filterset.Item{Type: cmp.Or(typ, j.HashType), Value: cmp.Or(value, j.Value, j.HashValue), Source: j.Source, CaseID: j.CaseID}
	if it.Source == "" && j.Owner != nil {
		it.Source = "threatexchange:" + j.Owner.Name
	}
	if t := CanonicalType(it.Type); t != "" {
		it.Type = t
	}
	return it
}

func parseJSON(r io.Reader) ([]filterset.Item, error) {
	data, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", filterset.ErrFormat, err)
	}
	data = bytes.TrimPrefix(bytes.TrimSpace(data), []byte("\ufeff"))
	var recs []jsonRecord
	switch {
	case len(data) == 0:
		return nil, nil
	case data[0] == '[':
		if err := json.Unmarshal(data, &recs); err != nil {
			return nil, fmt.Errorf("%w: %w", filterset.ErrFormat, err)
		}
	case data[0] == '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(data, &obj); err != nil {
			return nil, fmt.Errorf("%w: %w", filterset.ErrFormat, err)
		}
		if raw, ok := obj["data"]; ok { // ThreatExchange Graph API page
			if err := json.Unmarshal(raw, &recs); err != nil {
				return nil, fmt.Errorf("%w: data: %w", filterset.ErrFormat, err)
			}
			break
		}
		if raw, ok := obj["entries"]; ok { // our own request shape
			if err := json.Unmarshal(raw, &recs); err != nil {
				return nil, fmt.Errorf("%w: entries: %w", filterset.ErrFormat, err)
			}
			break
		}
		// HMA signal map: {"pdq": ["hex", ...], "md5": "hex"}; a key that is
		// no type of ours is a type the import skips and counts.
		for k, raw := range obj {
			t := CanonicalType(k)
			if t == "" {
				t = k
			}
			var vals []string
			if err := json.Unmarshal(raw, &vals); err != nil {
				var one string
				if err2 := json.Unmarshal(raw, &one); err2 != nil {
					return nil, fmt.Errorf("%w: %s: want a string or a list of strings", filterset.ErrFormat, k)
				}
				vals = []string{one}
			}
			for _, v := range vals {
				recs = append(recs, jsonRecord{SignalType: t, Signal: v})
			}
		}
	default:
		return nil, fmt.Errorf("%w: JSON must be an array or an object", filterset.ErrFormat)
	}
	if len(recs) > MaxImportRows {
		return nil, fmt.Errorf("%w: more than %d records; split the file", filterset.ErrFormat, MaxImportRows)
	}
	out := make([]filterset.Item, len(recs))
	for i, rec := range recs {
		out[i] = rec.item()
	}
	return out, nil
}

// teTypes are ThreatExchange's names for our types.
var teTypes = map[string]string{TypePDQ: "HASH_PDQ", TypeMD5: "HASH_MD5", TypeSHA256: "HASH_SHA256",
	TypeVPDQ: "HASH_VPDQ", TypeTMK: "HASH_TMK"}

// Writer writes entries in one export format; call Close at the end.
type Writer struct {
	w      *bufio.Writer
	format string
	csv    *csv.Writer
	n      int
}

// NewWriter starts an export.
func NewWriter(w io.Writer, format string) (*Writer, error) {
	ew := &Writer{w: bufio.NewWriter(w), format: format}
	switch format {
	case FormatCSV:
		ew.csv = csv.NewWriter(ew.w)
		return ew, ew.csv.Write([]string{"type", "value", "source", "case_id", "added_at", "id"})
	case FormatJSON:
		_, err := ew.w.WriteString("[")
		return ew, err
	case FormatThreatExchange:
		_, err := ew.w.WriteString(`{"data":[`)
		return ew, err
	}
	return nil, fmt.Errorf("%w: format must be csv, json or threatexchange", filterset.ErrFormat)
}

// Write adds one entry.
func (ew *Writer) Write(e filterset.Entry) error {
	var rec any
	switch ew.format {
	case FormatCSV:
		return ew.csv.Write([]string{e.Type, e.Value, e.Source, e.CaseID, e.AddedAt.Format("2006-01-02T15:04:05Z"), e.ID})
	case FormatJSON:
		rec = map[string]any{"signal_type": e.Type, "signal": e.Value, "source": e.Source, "case_id": e.CaseID,
			"added_at": e.AddedAt, "id": e.ID}
	default:
		rec = map[string]any{"id": e.ID, "type": teTypes[e.Type], "raw_indicator": e.Value, "source": e.Source,
			"added_on": e.AddedAt}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if ew.n > 0 {
		ew.w.WriteByte(',')
	}
	ew.n++
	ew.w.WriteByte('\n')
	_, err = ew.w.Write(b)
	return err
}

// Close ends the document and flushes.
func (ew *Writer) Close() error {
	switch ew.format {
	case FormatCSV:
		ew.csv.Flush()
		if err := ew.csv.Error(); err != nil {
			return err
		}
	case FormatJSON:
		ew.w.WriteString("\n]\n")
	default:
		ew.w.WriteString("\n]}\n")
	}
	return ew.w.Flush()
}
