package filterset_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

var (
	t0     = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	caller = org.Caller{OrgID: "org_platform", KeyID: "key_admin"}
)

// family is one kind of set as the tests drive it: how to create one, a
// valid entry, the same entry written another way (a duplicate), another
// valid entry, and an entry its kind refuses, with the field it is named by.
type family struct {
	name              string
	kind              filterset.Kind
	create            filterset.CreateInput
	first, dup, other filterset.Item
	bad               filterset.Item
	badField          string
	wantType          string
}

var families = []family{
	{
		name: "hash bank", kind: bank.Kind{},
		create:   filterset.CreateInput{Name: "GIFCT", Policy: filterset.PolicyReview, Labels: []string{"Terrorism"}},
		first:    filterset.Item{Type: bank.TypeMD5, Value: strings.Repeat("ab", 16), Source: "test"},
		dup:      filterset.Item{Type: bank.TypeMD5, Value: strings.Repeat("AB", 16)},
		other:    filterset.Item{Type: bank.TypeSHA256, Value: strings.Repeat("cd", 32)},
		bad:      filterset.Item{Type: bank.TypePDQ, Value: strings.Repeat("0", 64)},
		badField: "value", wantType: bank.TypeMD5,
	},
	{
		name: "keyword list", kind: rulelist.Kind{},
		create:   filterset.CreateInput{Name: "kw", Kind: rulelist.KindKeyword, Policy: filterset.PolicyShadow, Labels: []string{"terrorism"}, Language: "id"},
		first:    filterset.Item{Value: "bom bunuh diri", Source: "test"},
		dup:      filterset.Item{Value: "B.O.M  bunuh-diri"},
		other:    filterset.Item{Value: "granat rakitan"},
		bad:      filterset.Item{Value: "   "},
		badField: "value", wantType: rulelist.KindKeyword,
	},
	{
		name: "link list", kind: rulelist.Kind{},
		create:   filterset.CreateInput{Name: "links", Kind: rulelist.KindLink, Policy: filterset.PolicyAutoAction},
		first:    filterset.Item{Value: "t.me/SomeChannel"},
		dup:      filterset.Item{Value: "https://t.me/s/somechannel"},
		other:    filterset.Item{Value: "propaganda.example"},
		bad:      filterset.Item{Value: "not a link at all"},
		badField: "value", wantType: rulelist.TypeChannel,
	},
}

func newService(t *testing.T, eng storetest.Engine, k filterset.Kind, clk clock.Clock) *filterset.Service {
	t.Helper()
	return &filterset.Service{Kind: k, DB: storetest.Open(t, eng), Clock: clk, DailyCap: 3}
}

func fieldsOf(err error) []string {
	var ve *notice.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

// TestSetLifecycle drives every family through the same life: create, add,
// a duplicate refused, a refused value named, quarantine and release,
// removal, an import counting what it skipped, the daily cap in the stats,
// and a patch of the state; each change tells OnChange.
func TestSetLifecycle(t *testing.T) {
	t.Parallel()
	for _, fam := range families {
		t.Run(fam.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, eng storetest.Engine) {
				ctx := t.Context()
				svc := newService(t, eng, fam.kind, clock.NewFixed(t0))
				changes := 0
				svc.OnChange = func() { changes++ }

				set, err := svc.Create(ctx, caller, fam.create)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(set.ID, fam.kind.Names().IDPrefix+"_") || !set.Enabled || set.RolloutFraction != 1 ||
					len(set.Labels) != len(fam.create.Labels) {
					t.Errorf("created %+v", set)
				}
				if (fam.kind.SetKinds() == nil) != (set.Kind == "") {
					t.Errorf("kind shown as %q", set.Kind)
				}

				e, err := svc.AddEntry(ctx, caller, set.ID, fam.first)
				if err != nil {
					t.Fatal(err)
				}
				if e.Type != fam.wantType || e.AddedBy.OrgID != caller.OrgID || !e.AddedAt.Equal(t0) {
					t.Errorf("added %+v", e)
				}
				if _, err := svc.AddEntry(ctx, caller, set.ID, fam.dup); !errors.Is(err, store.ErrConflict) {
					t.Errorf("duplicate %q: %v, want ErrConflict", fam.dup.Value, err)
				}
				if _, err := svc.AddEntry(ctx, caller, set.ID, fam.bad); len(fieldsOf(err)) != 1 || !strings.HasPrefix(fieldsOf(err)[0], fam.badField+":") {
					t.Errorf("bad %q: %v (%v), want one refusal of %s", fam.bad.Value, err, fieldsOf(err), fam.badField)
				}

				if err := svc.DB.Write(ctx, func(tx *store.Tx) error { return tx.QuarantineEntry(ctx, e.ID, "flood", t0) }); err != nil {
					t.Fatal(err)
				}
				if got, err := svc.Entry(ctx, set.ID, e.ID); err != nil || got.QuarantinedAt == nil || got.QuarantineReason != "flood" {
					t.Errorf("quarantined: %+v %v", got, err)
				}
				if err := svc.ReleaseEntry(ctx, set.ID, e.ID); err != nil {
					t.Fatal(err)
				}
				if got, err := svc.Entry(ctx, set.ID, e.ID); err != nil || got.QuarantinedAt != nil {
					t.Errorf("released: %+v %v", got, err)
				}

				res, err := svc.Import(ctx, caller, set.ID, []filterset.Item{fam.dup, fam.other, fam.other, fam.first})
				if err != nil || !reflect.DeepEqual(res, filterset.ImportResult{Received: 4, Added: 1, Skipped: 3}) {
					t.Errorf("import: %+v %v; want 4 received, 1 added, 3 skipped", res, err)
				}
				if _, err := svc.Import(ctx, caller, set.ID, []filterset.Item{fam.other, fam.bad}); !slicesHave(fieldsOf(err), "entries[1]") {
					t.Errorf("import with a bad item: %v (%v), want entries[1] named", err, fieldsOf(err))
				}

				if err := svc.RemoveEntry(ctx, caller, set.ID, e.ID); err != nil {
					t.Fatal(err)
				}
				live, _, err := svc.Entries(ctx, set.ID, "", 10, false)
				if err != nil || len(live) != 1 || live[0].ID == e.ID {
					t.Errorf("live after removal: %+v %v", live, err)
				}
				all, _, err := svc.Entries(ctx, set.ID, "", 10, true)
				if err != nil || len(all) != 2 {
					t.Errorf("with removed: %+v %v", all, err)
				}
				if _, err := svc.AddEntry(ctx, caller, set.ID, fam.dup); err != nil {
					t.Errorf("the duplicate after the removal: %v", err)
				}

				day := t0.Format(time.DateOnly)
				if err := svc.DB.Write(ctx, func(tx *store.Tx) error {
					for range 4 {
						if _, err := tx.TakeBreaker(ctx, set.ID, day, svc.DailyCap); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				got, err := svc.Get(ctx, set.ID)
				if err != nil {
					t.Fatal(err)
				}
				if st := got.Stats; st == nil || *st != (filterset.Stats{Entries: 2, DailyCap: 3, FiledToday: 3, RefusedToday: 1}) {
					t.Errorf("stats %+v", got.Stats)
				}

				off, half, policy := false, 0.5, filterset.PolicyAutoAction
				p, err := svc.Patch(ctx, set.ID, filterset.PatchInput{Enabled: &off, RolloutFraction: &half, Policy: &policy})
				if err != nil || p.Enabled || p.RolloutFraction != 0.5 || p.Policy != policy {
					t.Errorf("patch: %+v %v", p, err)
				}
				if got, err := svc.Get(ctx, set.ID); err != nil || got.Enabled || got.RolloutFraction != 0.5 || got.Policy != policy {
					t.Errorf("after patch: %+v %v", got, err)
				}
				// create, add, release, import, remove, add, patch
				if changes != 7 {
					t.Errorf("OnChange told %d times, want 7", changes)
				}
				// Each change is on the audit record, written in its own
				// transaction; refused ones are not.
				items, err := svc.DB.AuditItems(ctx, store.AuditQuery{Limit: 50})
				if err != nil {
					t.Fatal(err)
				}
				var record []string
				for i := len(items) - 1; i >= 0; i-- {
					record = append(record, strings.TrimPrefix(items[i].Action, fam.kind.Names().Singular+".")+" "+items[i].Object)
				}
				want := []string{"created " + set.ID, "entry_added " + e.ID, "entry_released " + e.ID, "imported " + set.ID,
					"entry_removed " + e.ID, "entry_added " + all[len(all)-1].ID, "changed " + set.ID}
				if len(record) == len(want) {
					want[5] = record[5] // the re-added entry's ID is new; its action is what counts
				}
				if !reflect.DeepEqual(record, want) {
					t.Errorf("audit record:\n got %q\nwant %q", record, want)
				}
			})
		})
	}
}

func slicesHave(fields []string, prefix string) bool {
	for _, f := range fields {
		if strings.HasPrefix(f, prefix) {
			return true
		}
	}
	return false
}
