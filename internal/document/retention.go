package document

import (
	"errors"
	"fmt"
	"time"
)

// Retention is how many months a notice's documents are kept without a
// legal hold: the evidence rule (EU TCO Art. 6), which internal/enforce
// applies to preserved snapshots too.
const Retention = 6

// JobPurge is the job that drops a notice's documents' bytes once their
// retention (and any hold) has ended.
const JobPurge = "document.purge"

// Timeline events of a document's keeping.
const (
	EventHold   = "document.hold"
	EventPurged = "document.purged"
)

// ErrPurged means a document's bytes were purged after its retention: its
// name, size and SHA-256 remain, the file does not.
var ErrPurged = errors.New("document: purged after its retention")

// KeepUntil is when the documents of a notice received at t may be purged.
func KeepUntil(received time.Time) time.Time { return received.AddDate(0, Retention, 0) }

// PurgeKey is the key of the purge job of a notice's documents due at t;
// a hold past the retention adds another one.
func PurgeKey(noticeID string, at time.Time) string {
	return fmt.Sprintf("%s:%s:%d", JobPurge, noticeID, at.UnixMilli())
}

// Kept is a stored document's record: what the receipt names, where it sits
// on its notice, and how long its bytes are kept.
type Kept struct {
	Upload
	Position   int        `json:"position"`
	KeepUntil  time.Time  `json:"keep_until"`
	HoldUntil  *time.Time `json:"hold_until,omitempty"`
	HoldBy     string     `json:"hold_by,omitempty"`
	HoldReason string     `json:"hold_reason,omitempty"`
	PurgedAt   *time.Time `json:"purged_at,omitempty"`
}

// Due reports whether k's bytes may be purged at now: kept, past its
// retention, and under no hold that lasts beyond now.
func (k Kept) Due(now time.Time) bool {
	return k.PurgedAt == nil && !now.Before(k.KeepUntil) && (k.HoldUntil == nil || !now.Before(*k.HoldUntil))
}
