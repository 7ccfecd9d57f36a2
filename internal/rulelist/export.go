package rulelist

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/sigap/sigap/internal/bank"
)

// EachLive calls fn for each live rule of list l in turn, a page at a time,
// and stops at fn's first error.
func (s *Service) EachLive(ctx context.Context, l List, fn func(bank.Entry) error) error {
	cursor := ""
	for {
		items, next, err := s.Entries(ctx, l.ID, cursor, 500, false)
		if err != nil {
			return err
		}
		for _, e := range items {
			if err := fn(e); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

// WriteText writes list l's live rules as the plain text ParseText reads
// back: a comment line naming the list, then one rule a line, or for text
// lists each entry followed by a "---" line (their import has no comments).
func (s *Service) WriteText(ctx context.Context, w io.Writer, l List) error {
	bw := bufio.NewWriter(w)
	if l.Kind != KindText {
		fmt.Fprintf(bw, "# %s (%s, %s)\n", strings.ReplaceAll(l.Name, "\n", " "), l.Kind, l.ID)
	}
	err := s.EachLive(ctx, l, func(e bank.Entry) error {
		bw.WriteString(e.Value)
		if l.Kind == KindText {
			bw.WriteString("\n---")
		}
		return bw.WriteByte('\n')
	})
	if err != nil {
		return fmt.Errorf("rulelist: export %s: %w", l.ID, err)
	}
	return bw.Flush()
}
