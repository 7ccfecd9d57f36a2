package filterset_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestRefusals: what the service refuses, named by field, and a set of the
// other family, which is not found through this family's service.
func TestRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		ctx := t.Context()
		db := storetest.Open(t, eng)
		banks := &filterset.Service{Kind: bank.Kind{}, DB: db, Clock: clock.NewFixed(t0)}
		lists := &filterset.Service{Kind: rulelist.Kind{}, DB: db, Clock: clock.NewFixed(t0)}
		creates := []struct {
			name string
			svc  *filterset.Service
			in   filterset.CreateInput
			want []string
		}{
			{"no name", banks, filterset.CreateInput{Policy: "review"}, []string{"name:required"}},
			{"unknown policy", banks, filterset.CreateInput{Name: "b", Policy: "delete"}, []string{"policy:unknown_value"}},
			{"label with a space", banks, filterset.CreateInput{Name: "b", Policy: "review", Labels: []string{"ok", "two words"}}, []string{"labels[1]:invalid"}},
			{"list without a kind", lists, filterset.CreateInput{Name: "l", Policy: "review"}, []string{"kind:unknown_value"}},
			{"bad language", lists, filterset.CreateInput{Name: "l", Kind: "keyword", Policy: "review", Language: "indonesian!"}, []string{"language:invalid"}},
		}
		for _, tc := range creates {
			if _, err := tc.svc.Create(ctx, caller, tc.in); !slices.Equal(fieldsOf(err), tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, fieldsOf(err), tc.want)
			}
		}

		b, err := banks.Create(ctx, caller, filterset.CreateInput{Name: "b", Policy: "review", Language: "id"})
		if err != nil || b.Language != "" {
			t.Fatalf("bank: %+v %v (a bank has no language)", b, err)
		}
		l, err := lists.Create(ctx, caller, filterset.CreateInput{Name: "l", Kind: "regex", Policy: "review"})
		if err != nil {
			t.Fatal(err)
		}
		half := 1.5
		if _, err := banks.Patch(ctx, b.ID, filterset.PatchInput{RolloutFraction: &half}); !slices.Equal(fieldsOf(err), []string{"rollout_fraction:out_of_range"}) {
			t.Errorf("rollout 1.5: %v", err)
		}
		if _, err := banks.Import(ctx, caller, b.ID, make([]filterset.Item, bank.MaxImportRows+1)); !slices.Equal(fieldsOf(err), []string{"entries:too_many"}) {
			t.Errorf("oversized import: %v", err)
		}
		if _, err := banks.AddEntry(ctx, caller, b.ID, filterset.Item{Type: "sha512", Value: "00"}); !slices.Equal(fieldsOf(err), []string{"type:unknown_value"}) {
			t.Errorf("unknown type: %v", fieldsOf(err))
		}
		if _, err := lists.AddEntry(ctx, caller, l.ID, filterset.Item{Value: "(unclosed"}); !slices.Equal(fieldsOf(err), []string{"value:rule_refused"}) {
			t.Errorf("bad regex: %v", fieldsOf(err))
		}

		for _, body := range []string{"{\"entries\": [{\"value\": \"bom \xff\"}]}", `{"entries": [{"value": "x", "type": "regex"}]}`, `{"entries": [`} {
			if _, err := lists.Kind.ParseImport([]byte(body), "", "application/json", l.Kind); !errors.Is(err, filterset.ErrFormat) {
				t.Errorf("list import %q: %v, want ErrFormat", body, err)
			}
		}
		if _, err := banks.Kind.ParseImport([]byte("md5\n"), "", "text/csv", ""); !errors.Is(err, filterset.ErrFormat) {
			t.Errorf("a CSV line without a value: %v, want ErrFormat", err)
		}

		// Each family's service sees only its own sets.
		for _, tc := range []struct {
			svc *filterset.Service
			id  string
		}{{banks, l.ID}, {lists, b.ID}} {
			calls := map[string]error{}
			_, calls["get"] = tc.svc.Get(ctx, tc.id)
			_, calls["add"] = tc.svc.AddEntry(ctx, caller, tc.id, filterset.Item{Type: bank.TypeMD5, Value: strings.Repeat("ab", 16)})
			_, calls["import"] = tc.svc.Import(ctx, caller, tc.id, nil)
			_, calls["patch"] = tc.svc.Patch(ctx, tc.id, filterset.PatchInput{})
			_, _, calls["entries"] = tc.svc.Entries(ctx, tc.id, "", 10, false)
			calls["remove"] = tc.svc.RemoveEntry(ctx, caller, tc.id, "ent_x")
			calls["release"] = tc.svc.ReleaseEntry(ctx, tc.id, "ent_x")
			for name, err := range calls {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s %s through the %s: %v, want ErrNotFound", name, tc.id, tc.svc.Kind.Names().Plural, err)
				}
			}
		}
		sets, _, err := banks.List(ctx, "", 10)
		if err != nil || len(sets) != 1 || sets[0].ID != b.ID {
			t.Errorf("banks listed: %+v %v", sets, err)
		}
	})
}

// TestExportImportRoundTrip: what a family exports, in each of its formats
// its import reads, imports back into a fresh set whole.
func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
		ctx := t.Context()
		db := storetest.Open(t, eng)
		for _, tc := range []struct {
			kind    filterset.Kind
			create  filterset.CreateInput
			items   []filterset.Item
			formats []string
		}{
			{bank.Kind{}, filterset.CreateInput{Name: "b", Policy: "review"},
				[]filterset.Item{{Type: bank.TypeMD5, Value: strings.Repeat("ab", 16), Source: "s1"}, {Type: bank.TypeSHA256, Value: strings.Repeat("cd", 32)}},
				[]string{bank.FormatCSV, bank.FormatJSON, bank.FormatThreatExchange}},
			{rulelist.Kind{}, filterset.CreateInput{Name: "kw", Kind: rulelist.KindKeyword, Policy: "review"},
				[]filterset.Item{{Value: "bom bunuh diri", Source: "s1"}, {Value: "granat rakitan"}},
				[]string{rulelist.FormatJSON, rulelist.FormatText}},
		} {
			svc := &filterset.Service{Kind: tc.kind, DB: db, Clock: clock.NewFixed(t0)}
			from, err := svc.Create(ctx, caller, tc.create)
			if err != nil {
				t.Fatal(err)
			}
			if res, err := svc.Import(ctx, caller, from.ID, tc.items); err != nil || res.Added != len(tc.items) {
				t.Fatalf("import: %+v %v", res, err)
			}
			for _, name := range tc.formats {
				f, err := svc.ExportFormat(name)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := svc.Export(ctx, &buf, from, f); err != nil {
					t.Fatal(err)
				}
				in := tc.create
				in.Name += " copy " + name
				to, err := svc.Create(ctx, caller, in)
				if err != nil {
					t.Fatal(err)
				}
				items, err := tc.kind.ParseImport(buf.Bytes(), "", "", to.Kind)
				if err != nil {
					t.Fatalf("%s: parse %q: %v", name, buf.String(), err)
				}
				if res, err := svc.Import(ctx, caller, to.ID, items); err != nil || res.Added != len(tc.items) {
					t.Errorf("%s: round trip %+v %v, want %d added", name, res, err, len(tc.items))
				}
			}
			if _, err := svc.ExportFormat("xml"); err == nil {
				t.Error("xml export accepted")
			}
		}
	})
}
