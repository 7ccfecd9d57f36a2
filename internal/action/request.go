package action

import "time"

// Request is an action a decision or a reversal asks enforcement to carry out.
type Request struct {
	ID               string     `json:"id"`
	CaseID           string     `json:"case_id"`
	DecisionID       string     `json:"decision_id"`
	AppealID         string     `json:"appeal_id,omitempty"`
	Subject          string     `json:"subject"`
	Action           string     `json:"action"`
	TerritorialScope []string   `json:"territorial_scope"`
	Until            *time.Time `json:"until,omitempty"`
	State            string     `json:"state"`
	CreatedAt        time.Time  `json:"created_at"`
}
