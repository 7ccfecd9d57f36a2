package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/store"
)

// TestSearchFilterEntries: a set's entries narrow to a value or a source in
// any case, page by cursor, leave the removed out unless asked, and take
// LIKE's wildcards as plain characters.
func TestSearchFilterEntries(t *testing.T) {
	t.Parallel()
	eachWithPlatform(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		set := store.FilterSet{ID: "lst_1", Family: store.FamilyList, Name: "l", Kind: "keyword", Policy: "review",
			Enabled: true, RolloutFraction: 1, CreatedByOrg: "org_p", CreatedAt: t0, UpdatedAt: t0}
		entries := []store.FilterEntry{
			{ID: "ent_1", SetID: "lst_1", Type: "keyword", Value: "bom bunuh diri", Source: "GIFCT", AddedByOrg: "org_p", AddedAt: t0},
			{ID: "ent_2", SetID: "lst_1", Type: "keyword", Value: "serangan BOM", Source: "Kominfo", AddedByOrg: "org_p", AddedAt: t0},
			{ID: "ent_3", SetID: "lst_1", Type: "keyword", Value: "baiat 100%", Source: "Kominfo", AddedByOrg: "org_p", AddedAt: t0},
			{ID: "ent_4", SetID: "lst_1", Type: "keyword", Value: "bom lama", AddedByOrg: "org_p", AddedAt: t0},
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error {
			if err := tx.CreateFilterSet(ctx, set); err != nil {
				return err
			}
			if _, err := tx.AddFilterEntries(ctx, entries); err != nil {
				return err
			}
			return tx.RemoveFilterEntry(ctx, "lst_1", "ent_4", "org_p/key", t0.Add(time.Hour))
		})
		for _, tt := range []struct {
			name, text, cursor string
			limit              int
			removed            bool
			want               []string
		}{
			{"everything live", "", "", 0, false, []string{"ent_1", "ent_2", "ent_3"}},
			{"value, any case", "bom", "", 0, false, []string{"ent_1", "ent_2"}},
			{"with the removed", "bom", "", 0, true, []string{"ent_1", "ent_2", "ent_4"}},
			{"source", "KOMINFO", "", 0, false, []string{"ent_2", "ent_3"}},
			{"a page", "bom", "", 1, false, []string{"ent_1"}},
			{"the next page", "bom", "ent_1", 1, false, []string{"ent_2"}},
			{"percent is plain", "100%", "", 0, false, []string{"ent_3"}},
			{"percent alone matches only itself", "%", "", 0, false, []string{"ent_3"}},
			{"underscore is plain", "bom_bunuh", "", 0, false, nil},
			{"backslash is plain", `\`, "", 0, false, nil},
			{"another set", "bom", "", 0, false, nil},
		} {
			setID := "lst_1"
			if tt.name == "another set" {
				setID = "lst_2"
			}
			got, err := db.SearchFilterEntries(ctx, setID, tt.text, tt.cursor, tt.limit, tt.removed)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var ids []string
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, ids, tt.want)
			}
		}
	})
}
