package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestDeliveryWithEndpoint reads a message with its org's endpoint, without
// one when the org has none, and ErrNotFound for no message.
func TestDeliveryWithEndpoint(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		err := db.Write(ctx, func(tx *store.Tx) error {
			for _, o := range []string{"org_gov", "org_quiet"} {
				if err := tx.CreateOrg(ctx, org.Org{ID: o, Name: o, Kind: org.KindAuthority, CreatedAt: t0}); err != nil {
					return err
				}
			}
			if err := tx.PutWebhookEndpoint(ctx, store.WebhookEndpoint{OrgID: "org_gov", URL: "https://gov.example/hook", Secret: "whsec_x", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				return err
			}
			for _, d := range []store.Delivery{{ID: "msg_1", OrgID: "org_gov", Type: "notice.deadline", Body: `{"a":1}`, CreatedAt: t0, Ref: "ntc_1"},
				{ID: "msg_2", OrgID: "org_quiet", Type: "notice.updated", Body: `{}`, CreatedAt: t0}} {
				if _, err := tx.InsertDelivery(ctx, &d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		d, ep, err := db.DeliveryWithEndpoint(ctx, "msg_1")
		if err != nil || d.OrgID != "org_gov" || d.Body != `{"a":1}` || d.Ref != "ntc_1" || d.State != store.DeliveryPending || !d.CreatedAt.Equal(t0) {
			t.Fatalf("msg_1: %+v %v", d, err)
		}
		if ep == nil || ep.URL != "https://gov.example/hook" || ep.Secret != "whsec_x" || !ep.UpdatedAt.Equal(t0) {
			t.Errorf("msg_1's endpoint: %+v", ep)
		}
		if d, ep, err := db.DeliveryWithEndpoint(ctx, "msg_2"); err != nil || d.ID != "msg_2" || ep != nil {
			t.Errorf("msg_2 (org without endpoint): %+v %+v %v", d, ep, err)
		}
		if _, _, err := db.DeliveryWithEndpoint(ctx, "msg_nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown message: %v, want ErrNotFound", err)
		}
	})
}
