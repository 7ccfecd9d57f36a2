package filterset

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/sigap/sigap/internal/store"
)

// exportPage is how many entries an export reads at a time.
const exportPage = 500

// EachLive calls fn for each live entry of set setID in turn, a page at a
// time, and stops at fn's first error.
func (s *Service) EachLive(ctx context.Context, setID string, fn func(Entry) error) error {
	cursor := ""
	for {
		items, next, err := s.Entries(ctx, setID, cursor, exportPage, false)
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

// ExportFormat returns the API's export format named name ("" for the
// default), or the family's error for a format it does not write.
func (s *Service) ExportFormat(name string) (Format, error) {
	formats := s.Kind.ExportFormats()
	if name == "" {
		return formats[0], nil
	}
	if i := slices.IndexFunc(formats, func(f Format) bool { return f.Name == name }); i >= 0 {
		return formats[i], nil
	}
	return Format{}, s.Kind.UnknownExport(name)
}

// Export writes set's live entries to w as format f; a failure midway leaves
// w with part of the set, which the caller must not pass off as all of it.
func (s *Service) Export(ctx context.Context, w io.Writer, set Set, f Format) error {
	err := s.Kind.Export(w, set, f.Name, s.now(), func(fn func(Entry) error) error { return s.EachLive(ctx, set.ID, fn) })
	if err != nil {
		return fmt.Errorf("filterset: export %s: %w", set.ID, err)
	}
	return nil
}

// BackfillMatchKeys gives a match key to the live entries stored before
// entries had them (migration 00110), so that one added later is found to
// be their duplicate too. Only rule lists got keys late, so for other
// families it does nothing. Of two such entries that match the same posts,
// the first in ID order gets the key and the other one of its own (see
// store.SetMatchKey). It returns how many entries it gave their key; when
// there are none left it costs one query, and nothing once it has completed.
func (s *Service) BackfillMatchKeys(ctx context.Context) (int, error) {
	if s.Kind.Names().Family != store.FamilyList {
		return 0, nil
	}
	if done, err := s.DB.MatchKeysDone(ctx); err != nil || done {
		return 0, err
	}
	keyed, after := 0, ""
	for {
		page, err := s.DB.KeylessListEntries(ctx, after, 1000)
		if err != nil {
			return keyed, err
		}
		if len(page) == 0 {
			// Every writer of list rules gives them keys since 00110, so this runs once.
			return keyed, s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SetMatchKeysDone(ctx) })
		}
		err = s.DB.Write(ctx, func(tx *store.Tx) error {
			for _, e := range page {
				ok, err := tx.SetMatchKey(ctx, e.ID, e.SetID, s.Kind.MatchKey(e.SetKind, e.Type, e.Value))
				if err != nil {
					return err
				}
				if ok {
					keyed++
				}
			}
			return nil
		})
		if err != nil {
			return keyed, fmt.Errorf("filterset: backfill match keys: %w", err)
		}
		after = page[len(page)-1].ID
	}
}
