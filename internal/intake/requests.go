package intake

import (
	"context"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
)

// storeRequest keeps what a preservation, an emergency or an EU-TCO order
// needs beside the notice: a preservation's days, an order's Annex I fields,
// and the page an emergency sends at once.
func (s *Service) storeRequest(ctx context.Context, tx *store.Tx, n *notice.Notice) error {
	if n.Kind == notice.KindPreservation {
		if err := tx.InsertPreservation(ctx, n.ID, n.PreserveDays); err != nil {
			return err
		}
	}
	if n.TCO != nil {
		if err := tx.InsertNoticeTCO(ctx, n.ID, n.TCO); err != nil {
			return err
		}
	}
	if spec, _ := notice.Spec(n.Kind); spec.PageAtOnce && s.Page != nil {
		return s.Page(ctx, tx, n)
	}
	return nil
}
