package httpapi

import (
	"errors"
	"net/http"

	"github.com/sigap/sigap/internal/enforce"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// requestState adds a preservation's state and the Art. 18 notifications
// recorded about a notice to its answer.
func (a *API) requestState(r *http.Request, v *noticeView) error {
	if v.Kind == notice.KindPreservation {
		p, err := a.DB.Preservation(r.Context(), v.ID)
		if err != nil {
			return err
		}
		v.PreserveDays, v.Preservation = p.Days, &p
	}
	if v.Regime == notice.RegimeTCO && notice.Binding(v.Kind) {
		t, err := a.DB.NoticeTCO(r.Context(), v.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		v.TCO = t
	}
	var err error
	v.Art18, err = a.DB.Art18Notifications(r.Context(), v.ID)
	return err
}

func (a *API) confirmPreservation(r *http.Request, c org.Caller, in enforce.PreservationConfirmation) (notice.Preservation, error) {
	return a.Enforce.ConfirmPreservation(r.Context(), c, r.PathValue("id"), in)
}

func (a *API) recordArt18(r *http.Request, c org.Caller, in enforce.Art18Request) (notice.Art18Notification, error) {
	return a.Enforce.RecordArt18(r.Context(), c, r.PathValue("id"), in)
}
