package notice

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/policy"
)

// preserveDays reads how long a preservation asks the data kept: the
// policy's default when absent, from 1 to its maximum; other kinds may not
// carry it (an extension of a kept preservation is a hold on its evidence).
func (v *validator) preserveDays(w wire, r *Request, p *policy.Policy) {
	raw, ok := w["preserve_days"]
	given := ok && string(raw) != "null"
	if r.Kind != KindPreservation {
		if given {
			v.add("preserve_days", "not_allowed", "preserve_days hanya untuk permintaan preservation / preserve_days belongs to a preservation request only")
		}
		return
	}
	r.PreserveDays = p.Requests.PreserveDays
	if !given {
		return
	}
	if err := json.Unmarshal(raw, &r.PreserveDays); err != nil {
		v.add("preserve_days", "wrong_type", "preserve_days harus bilangan bulat hari / preserve_days must be a whole number of days")
		return
	}
	if maxDays := p.Requests.MaxPreserveDays; r.PreserveDays < 1 || r.PreserveDays > maxDays {
		v.add("preserve_days", "out_of_range", fmt.Sprintf("preserve_days harus 1 sampai %d hari / preserve_days must be from 1 to %d days; extend a kept preservation with a hold on its evidence", maxDays, maxDays))
	}
}

// Preservation is a preservation request's state.
type Preservation struct {
	Days        int        `json:"days"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
	ConfirmedBy string     `json:"confirmed_by,omitempty"`
	KeepUntil   *time.Time `json:"keep_until,omitempty"`
	// EvidenceIDs are the evidence records that keep the data, one a case.
	EvidenceIDs []string `json:"evidence_ids,omitempty"`
}

// Art18Notification is a DSA Art. 18 notification the platform made to a
// competent authority about a threat to life or safety, as it recorded it.
type Art18Notification struct {
	ID          string    `json:"-"`
	NoticeID    string    `json:"-"`
	Authority   string    `json:"authority"`
	MemberState string    `json:"member_state,omitempty"`
	Reference   string    `json:"reference,omitempty"`
	NotifiedAt  time.Time `json:"notified_at"`
	RecordedBy  string    `json:"recorded_by"`
	RecordedAt  time.Time `json:"recorded_at"`
}
