package decision

import "time"

// The statuses of a decision.
const (
	Pending  = "pending_approval"
	Final    = "final"
	Rejected = "rejected"
	Reversed = "reversed"
)

// The statuses of an appeal and of an objection.
const (
	AppealOpen         = "open"
	AppealUpheld       = "upheld"
	AppealReversed     = "reversed"
	ObjectionOpen      = "open"
	ObjectionUpheld    = "upheld"
	ObjectionWithdrawn = "withdrawn"
)

// Ground is what a decision rests on: a legal provision or a terms-of-service clause.
type Ground struct {
	Type      string `json:"type"`
	Reference string `json:"reference"`
}

// Decision is a reviewer's decision on a case.
type Decision struct {
	ID               string     `json:"id"`
	CaseID           string     `json:"case_id"`
	Reviewer         string     `json:"reviewer"`
	OrgID            string     `json:"org_id"`
	Action           string     `json:"action"`
	Ground           Ground     `json:"ground"`
	Reasons          string     `json:"reasons"`
	TerritorialScope []string   `json:"territorial_scope"`
	Until            *time.Time `json:"until,omitempty"`
	Automated        bool       `json:"automated"`
	Status           string     `json:"status"`
	Approver         string     `json:"approver,omitempty"`
	ApprovedAt       *time.Time `json:"approved_at,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	EffectiveAt      *time.Time `json:"effective_at,omitempty"`
}

// Appeal is the affected user's complaint against a decision.
type Appeal struct {
	ID             string     `json:"id"`
	CaseID         string     `json:"case_id"`
	DecisionID     string     `json:"decision_id"`
	FiledBy        string     `json:"filed_by"`
	Reasons        string     `json:"reasons"`
	Status         string     `json:"status"`
	Reviewer       string     `json:"reviewer,omitempty"`
	OutcomeReasons string     `json:"outcome_reasons,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
}

// Objection is the platform's objection to an order (SAMAN "sanggah", TCO Art. 4).
type Objection struct {
	ID         string     `json:"id"`
	NoticeID   string     `json:"notice_id"`
	OrgID      string     `json:"org_id"`
	Author     string     `json:"author"`
	Reasons    string     `json:"reasons"`
	Status     string     `json:"status"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}
