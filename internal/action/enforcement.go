package action

import "time"

// The states of an enforcement action.
const (
	StatePending  = "pending"  // recorded, not yet handed to the platform's endpoint
	StateSent     = "sent"     // delivered (2xx), waiting for the platform's confirmation
	StateExecuted = "executed" // confirmed carried out
	StateFailed   = "failed"   // the delivery was dead-lettered
)

// Enforcement is one action asked of the platform (enforcement_actions).
type Enforcement struct {
	ID               string     `json:"id"`
	Source           string     `json:"source"`
	CaseID           string     `json:"case_id,omitempty"`
	NoticeID         string     `json:"notice_id,omitempty"`
	Subject          string     `json:"subject"`
	Action           string     `json:"action"`
	TerritorialScope []string   `json:"territorial_scope"`
	Until            *time.Time `json:"until,omitempty"`
	State            string     `json:"state"`
	RequestedAt      time.Time  `json:"requested_at"`
	SentAt           *time.Time `json:"sent_at,omitempty"`
	ExecutedAt       *time.Time `json:"executed_at,omitempty"`
	EvidenceSHA256   string     `json:"evidence_sha256,omitempty"`
	ConfirmedBy      string     `json:"confirmed_by,omitempty"`
}
