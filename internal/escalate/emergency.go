package escalate

import (
	"context"
	"fmt"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
)

// AlertEmergency is the alert kind of an emergency request's page.
const AlertEmergency = "emergency"

// PageTx pages the on-call contact of the notice's jurisdiction about an
// emergency request the moment it is stored, inside its transaction (suits
// intake.Service.Page); the alert goes out as an urgent job, by e-mail and
// the platform's oncall.alert webhook, like every other alert.
func (s *Service) PageTx(ctx context.Context, tx *store.Tx, n *notice.Notice) error {
	due := n.DueAt
	return s.AlertTx(ctx, tx, &store.Alert{At: n.ReceivedAt, Kind: AlertEmergency, NoticeID: n.ID, DueAt: &due,
		Detail: fmt.Sprintf("EMERGENCY / DARURAT: threat to life or safety, notice %s (%s, %d subjects); due %s UTC / %s WIB",
			n.ID, n.Regime, len(n.Subjects), due.UTC().Format("2006-01-02 15:04"), due.In(clock.WIB()).Format("2006-01-02 15:04"))})
}
