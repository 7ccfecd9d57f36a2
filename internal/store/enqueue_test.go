package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestEnforcementQueuedWithTheAction stores review and automated actions and
// finds each new one's enforcement action and send job, none for a repeat of
// an automated action, and none for a write that rolled back.
func TestEnforcementQueuedWithTheAction(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		n := fileOrder(t, db, time.Hour, "enforced")
		caseID := n.Subjects[0].CaseID
		until := t0.Add(48 * time.Hour)
		review := func(id string) *action.Request {
			return &action.Request{ID: id, CaseID: caseID, DecisionID: "dec_1", Subject: "telegram:channel/enforced", Action: "remove",
				TerritorialScope: []string{"ID"}, Until: &until, State: "pending", CreatedAt: t0.Add(time.Minute)}
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.InsertAction(ctx, review("act_review")) }); err != nil {
			t.Fatal(err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.InsertAction(ctx, review("act_undone")); err != nil {
				return err
			}
			return errRolledBack
		}); !errors.Is(err, errRolledBack) {
			t.Fatalf("rolled-back write: %v", err)
		}
		scan := store.AutomatedAction{ID: "act_scan", CreatedAt: t0.Add(2 * time.Minute), SetID: "set_1", Post: "telegram:message/c/1",
			URL: "https://t.me/c/1", Action: "remove", State: "pending", NoticeID: n.ID, CaseID: caseID}
		again := scan
		again.ID, again.CreatedAt = "act_scan_again", t0.Add(3*time.Minute)
		for _, a := range []store.AutomatedAction{scan, again} {
			if err := db.Write(ctx, func(tx *store.Tx) error {
				got, err := tx.InsertAutomatedAction(ctx, a)
				if err == nil && got.ID != scan.ID {
					err = fmt.Errorf("stored %s, want the first, %s", got.ID, scan.ID)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			id, source, notice string
			scope              []string
			until              *time.Time
			at                 time.Time
		}{
			{"act_review", "review", "", []string{"ID"}, &until, t0.Add(time.Minute)},
			{"act_scan", "scan", n.ID, []string{}, nil, t0.Add(2 * time.Minute)},
		} {
			a, err := db.Action(ctx, tc.id)
			if err != nil {
				t.Fatalf("action %s: %v", tc.id, err)
			}
			if a.Source != tc.source || a.CaseID != caseID || a.NoticeID != tc.notice || a.Action != "remove" || a.State != "pending" ||
				!slices.Equal(a.TerritorialScope, tc.scope) || !a.RequestedAt.Equal(tc.at) ||
				(tc.until == nil) != (a.Until == nil) || (a.Until != nil && !a.Until.Equal(*tc.until)) {
				t.Errorf("action %s: %+v", tc.id, a)
			}
			j, err := db.JobByKey(ctx, "enforce.send:"+tc.id)
			if err != nil {
				t.Fatalf("job of %s: %v", tc.id, err)
			}
			if j.ID != "job_"+tc.id || j.Kind != "enforce.send" || j.State != "available" || j.Payload != "{}" || !j.RunAt.Equal(tc.at) {
				t.Errorf("job of %s: %+v", tc.id, j)
			}
		}
		for _, id := range []string{"act_undone", "act_scan_again"} {
			if _, err := db.Action(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("action %s: %v, want ErrNotFound", id, err)
			}
			if _, err := db.JobByKey(ctx, "enforce.send:"+id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("job of %s: %v, want ErrNotFound", id, err)
			}
		}
	})
}

// TestNotifyJobsOnlyForSubscribers stores a notice from an org with a webhook
// endpoint and one from an org without, plus a status event on each: only
// the subscriber's notified events get a notify.event job, and only those
// (not the case events beside them).
func TestNotifyJobsOnlyForSubscribers(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		sub, quiet := mkOrg(t, db, org.KindAuthority), mkOrg(t, db, org.KindAuthority)
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.PutWebhookEndpoint(ctx, store.WebhookEndpoint{OrgID: sub.ID, URL: "https://example.id/hook", Secret: "s",
				CreatedAt: t0, UpdatedAt: t0})
		}); err != nil {
			t.Fatal(err)
		}
		subN, quietN := mkNotice(sub, notice.KindOrder, t0, time.Hour, "notify_sub"), mkNotice(quiet, notice.KindOrder, t0, time.Hour, "notify_quiet")
		for _, n := range []*notice.Notice{subN, quietN} {
			casetest.File(t, db, n)
			if err := db.Write(ctx, func(tx *store.Tx) error {
				return tx.AppendEvents(ctx, []notice.Event{{At: t0.Add(time.Minute), Type: "notice.status", NoticeID: n.ID, OrgID: n.OrgID,
					Data: []byte(`{"status":"in_review"}`)}})
			}); err != nil {
				t.Fatal(err)
			}
		}
		for _, n := range []*notice.Notice{subN, quietN} {
			evs, err := db.Timeline(ctx, n.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			notified := 0
			for _, ev := range evs {
				key := fmt.Sprintf("notify.event:%d", ev.Seq)
				j, err := db.JobByKey(ctx, key)
				want := n == subN && (ev.Type == notice.EventReceived || ev.Type == "notice.status")
				switch {
				case want && err != nil:
					t.Errorf("%s event %s: job: %v", n.OrgID, ev.Type, err)
				case want && (j.ID != fmt.Sprintf("job_ev%d", ev.Seq) || j.Kind != "notify.event" ||
					j.Payload != fmt.Sprintf(`{"seq":%d}`, ev.Seq) || !j.RunAt.Equal(ev.At)):
					t.Errorf("%s event %s: job %+v", n.OrgID, ev.Type, j)
				case want:
					notified++
				case !errors.Is(err, store.ErrNotFound):
					t.Errorf("%s event %s: job %v, %v; want none", n.OrgID, ev.Type, j, err)
				}
			}
			if n == subN && notified != 2 {
				t.Errorf("subscriber's notified events: %d of %d, want 2", notified, len(evs))
			}
		}
	})
}
