package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	t.Parallel()
	eachWithPlatform(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		s := store.Session{Hash: "s1", UserID: "usr_1", Stage: "full", CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(12 * time.Hour)}
		seedAdmin(t, db, "usr_1", "a@example.org")
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.CreateSession(ctx, s); err != nil {
				return err
			}
			s2 := s
			s2.Hash, s2.LastSeen = "s2", t0.Add(-time.Hour)
			return tx.CreateSession(ctx, s2)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Session(ctx, "s1")
		if err != nil || got.UserID != "usr_1" || got.Stage != "full" || !got.ExpiresAt.Equal(s.ExpiresAt) {
			t.Fatalf("Session = %+v, %v", got, err)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.TouchSession(ctx, "s1", t0.Add(time.Minute)) })
		if got, _ := db.Session(ctx, "s1"); !got.LastSeen.Equal(t0.Add(time.Minute)) {
			t.Fatalf("touch: last seen %v", got.LastSeen)
		}
		// s2 has been idle since an hour before t0: housekeeping with a 30-minute idle limit removes it.
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.DeleteExpiredSessions(ctx, t0, t0.Add(-30*time.Minute)) })
		if _, err := db.Session(ctx, "s2"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("idle session kept: %v", err)
		}
		mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.DeleteUserSessions(ctx, "usr_1") })
		if _, err := db.Session(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("session after DeleteUserSessions: %v", err)
		}
	})
}

func TestSearchAndStats(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		seedOrg(t, db, "org_a", org.KindAuthority)
		seedOrg(t, db, "org_b", org.KindAuthority)
		mk := func(id, orgID, ref, expl string, received time.Time, due time.Duration) *notice.Notice {
			return &notice.Notice{ID: id, OrgID: orgID, Kind: "order", Regime: "ID-PSE", Category: "terrorism", Class: "urgent",
				Within: due, Explanation: expl, Reference: ref, TerritorialScope: []string{"ID"}, Status: notice.StatusReceived,
				ReceivedAt: received, DueAt: received.Add(due), BodySHA256: "00", Receipt: receipt.Receipt{KeyID: "k"},
				Subjects: []notice.Subject{{URL: "https://t.me/" + id, Canonical: "telegram:channel/" + id, Kind: "telegram_channel"}}}
		}
		ns := []*notice.Notice{
			mk("ntc_1", "org_a", "KOMINFO/100%_x", "propaganda", t0, 4*time.Hour),
			mk("ntc_2", "org_a", "REF-2", "recruitment video", t0.Add(time.Hour), time.Hour),
			mk("ntc_3", "org_b", "B-1", "propaganda", t0, 4*time.Hour),
		}
		for _, n := range ns {
			mustWrite(ctx, t, db, func(tx *store.Tx) error { return tx.InsertNotice(ctx, n) })
		}
		search := func(f store.NoticeSearch) []string {
			t.Helper()
			if f.Limit == 0 {
				f.Limit = 10
			}
			got, err := db.SearchNotices(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, len(got))
			for i, n := range got {
				ids[i] = n.ID
			}
			return ids
		}
		for _, tc := range []struct {
			name string
			f    store.NoticeSearch
			want string
		}{
			{"org only, newest first", store.NoticeSearch{NoticeFilter: store.NoticeFilter{OrgID: "org_a"}}, "[ntc_2 ntc_1]"},
			{"all orgs", store.NoticeSearch{}, "[ntc_3 ntc_2 ntc_1]"},
			{"text in explanation", store.NoticeSearch{Text: "PROPAGANDA"}, "[ntc_3 ntc_1]"},
			{"LIKE wildcards are literal", store.NoticeSearch{Text: "100%_"}, "[ntc_1]"},
			{"percent alone matches nothing extra", store.NoticeSearch{Text: "%"}, "[ntc_1]"},
			{"by deadline", store.NoticeSearch{NoticeFilter: store.NoticeFilter{OrgID: "org_a"}, ByDue: true, OpenOnly: true}, "[ntc_2 ntc_1]"},
		} {
			if got := fmtIDs(search(tc.f)); got != tc.want {
				t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
			}
		}
		st, err := db.Stats(ctx, "org_a", t0.Add(-time.Hour), t0.Add(24*time.Hour), t0.Add(3*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if st.ByStatus["received"] != 2 || st.Received != 2 || st.Closed != 0 || st.Overdue != 1 {
			t.Fatalf("stats = %+v", st)
		}
	})
}

func fmtIDs(ids []string) string {
	out := "["
	for i, id := range ids {
		if i > 0 {
			out += " "
		}
		out += id
	}
	return out + "]"
}
