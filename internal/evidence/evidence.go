package evidence

import "time"

// Evidence is the platform's preserved copy of removed content: a reference
// to its snapshot and the snapshot's hash, kept until KeepUntil (or a later
// legal hold) and then purged.
type Evidence struct {
	ID          string     `json:"id"`
	ActionID    string     `json:"action_id"`
	CaseID      string     `json:"case_id,omitempty"`
	SnapshotRef string     `json:"snapshot_ref,omitempty"`
	SHA256      string     `json:"sha256,omitempty"`
	PreservedAt time.Time  `json:"preserved_at"`
	KeepUntil   time.Time  `json:"keep_until"`
	HoldUntil   *time.Time `json:"hold_until,omitempty"`
	HoldBy      string     `json:"hold_by,omitempty"`
	HoldReason  string     `json:"hold_reason,omitempty"`
	PurgedAt    *time.Time `json:"purged_at,omitempty"`
}
