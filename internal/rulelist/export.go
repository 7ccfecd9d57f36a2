package rulelist

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/filterset"
)

// exportEntry is one live rule with where it came from.
type exportEntry struct {
	Value   string             `json:"value"`
	Source  string             `json:"source"`
	CaseID  string             `json:"case_id,omitempty"`
	AddedBy *filterset.AddedBy `json:"added_by,omitempty"`
	AddedAt *time.Time         `json:"added_at,omitempty"`
}

// importDoc is what the JSON form of an import may hold: {"entries": [...]}
// or a whole export.
type importDoc struct {
	List       json.RawMessage `json:"list,omitempty"`
	ExportedAt json.RawMessage `json:"exported_at,omitempty"`
	Entries    []exportEntry   `json:"entries"`
}

// writeText writes list l's live rules as the plain text ParseText reads
// back: a comment line naming the list, then one rule a line, or for text
// lists each entry followed by a "---" line (their import has no comments).
func writeText(w io.Writer, l filterset.Set, each func(fn func(filterset.Entry) error) error) error {
	bw := bufio.NewWriter(w)
	if l.Kind != KindText {
		fmt.Fprintf(bw, "# %s (%s, %s)\n", strings.ReplaceAll(l.Name, "\n", " "), l.Kind, l.ID)
	}
	err := each(func(e filterset.Entry) error {
		bw.WriteString(e.Value)
		if l.Kind == KindText {
			bw.WriteString("\n---")
		}
		return bw.WriteByte('\n')
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// writeJSON writes the JSON export, {"list", "exported_at", "entries":
// [exportEntry...]}, one entry at a time; the import takes it back as it is
// (see importDoc).
func writeJSON(w io.Writer, l filterset.Set, now time.Time, each func(fn func(filterset.Entry) error) error) error {
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(struct {
		List       filterset.Set `json:"list"`
		ExportedAt time.Time     `json:"exported_at"`
	}{l, now})
	if err != nil {
		return err
	}
	bw.Write(head[:len(head)-1]) // the object stays open for its entries
	bw.WriteString(`,"entries":[`)
	first := true
	err = each(func(e filterset.Entry) error {
		if !first {
			bw.WriteByte(',')
		}
		first = false
		b, err := json.Marshal(exportEntry{Value: e.Value, Source: e.Source, CaseID: e.CaseID, AddedBy: &e.AddedBy, AddedAt: &e.AddedAt})
		if err != nil {
			return err
		}
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}
