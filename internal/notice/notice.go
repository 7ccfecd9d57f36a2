package notice

import (
	"encoding/json"
	"time"

	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/receipt"
)

// The statuses a notice moves through.
const (
	StatusReceived = "received"
	StatusInReview = "in_review"
	StatusDecided  = "decided"
	StatusActioned = "actioned"
	StatusRejected = "rejected"
)

// The states of a case.
const (
	CaseOpen     = "open"
	CaseDecided  = "decided"
	CaseActioned = "actioned"
	CaseClosed   = "closed"
)

// The review lanes, most urgent first.
const (
	// LaneIncident holds the cases found on a declared incident's bank or
	// list (package incident), ahead of every other lane.
	LaneIncident = "incident"
	// LaneEmergency is a threat to life or safety, ahead of every order.
	LaneEmergency = "emergency"
	LaneOrder     = "order"
	LaneTrusted   = "trusted"
	LaneStandard  = "standard"
)

// Lanes lists the review lanes, most urgent first, as a new slice.
func Lanes() []string {
	return []string{LaneIncident, LaneEmergency, LaneOrder, LaneTrusted, LaneStandard}
}

// LaneRank orders lanes for the queue: lower is more urgent. The emergency
// lane came after the others and ranks below them, so that the ranks stored
// with existing cases keep their meaning.
func LaneRank(lane string) int {
	switch lane {
	case LaneIncident:
		return -2
	case LaneEmergency:
		return -1
	case LaneOrder:
		return 0
	case LaneTrusted:
		return 1
	}
	return 2
}

// Evidence is a hash of material the notifier holds, never the material itself.
type Evidence struct {
	SHA256      string `json:"sha256"`
	Description string `json:"description,omitempty"`
}

// Contact is who to ask about a notice.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Subject is one item a notice is about, as sent and as canonicalised.
type Subject struct {
	URL       string `json:"url"`
	Canonical string `json:"subject"`
	Kind      string `json:"-"`
	Channel   string `json:"-"`
	CaseID    string `json:"case_id"`
	NewCase   bool   `json:"new_case"`
}

// Notice is a stored notice.
type Notice struct {
	ID               string        `json:"id"`
	OrgID            string        `json:"org_id"`
	Kind             string        `json:"kind"`
	Regime           string        `json:"regime"`
	Category         string        `json:"category"`
	Class            string        `json:"class"`
	Within           time.Duration `json:"-"`
	Explanation      string        `json:"explanation"`
	LegalBasis       string        `json:"legal_basis,omitempty"`
	Reference        string        `json:"reference,omitempty"`
	Urgent           bool          `json:"urgent"`
	RequestedAction  string        `json:"requested_action,omitempty"`
	TerritorialScope []string      `json:"territorial_scope"`
	Language         string        `json:"language,omitempty"`
	Evidence         []Evidence    `json:"evidence,omitempty"`
	Contact          *Contact      `json:"contact,omitempty"`
	GoodFaith        bool          `json:"good_faith"`
	Status           string        `json:"status"`
	// Lane is the review lane this notice asked for; LaneNote says why a
	// flag went to the standard lane (outside the flagger's trusted scope).
	Lane           string          `json:"lane"`
	LaneNote       string          `json:"lane_note,omitempty"`
	ReceivedAt     time.Time       `json:"received_at"`
	DueAt          time.Time       `json:"due_at"`
	BodySHA256     string          `json:"body_sha256"`
	IdempotencyKey string          `json:"-"`
	Receipt        receipt.Receipt `json:"receipt"`
	SubjectCount   int             `json:"subject_count"`
	Subjects       []Subject       `json:"subjects,omitempty"`
	LogIndex       *int64          `json:"log_index,omitempty"` // of the notice.received event, once stored
	// InformUploaderAfter holds back the statement of reasons to the uploader until then (set by authorities only).
	InformUploaderAfter *time.Time `json:"inform_uploader_after,omitempty"`
	// Documents are the files attached to the notice (their bytes are not in JSON).
	Documents []document.Upload `json:"documents,omitempty"`
	// PreserveDays is what a preservation request asked (0 for other kinds).
	PreserveDays int `json:"preserve_days,omitempty"`
	// TCO is an EU-TCO removal order's Annex I fields, when the authority gave them.
	TCO *TCO `json:"tco,omitempty"`
}

// Case gathers every notice about one canonical subject while it is open.
type Case struct {
	ID        string    `json:"id"`
	Subject   string    `json:"subject"`
	Kind      string    `json:"subject_kind"`
	Channel   string    `json:"channel,omitempty"`
	State     string    `json:"state"`
	Lane      string    `json:"lane"`
	Category  string    `json:"category"`
	Language  string    `json:"language,omitempty"`
	DueAt     time.Time `json:"due_at"`
	OpenedAt  time.Time `json:"opened_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Decision is the case's live decision, when it has one (filled in by review).
	Decision *CaseDecision `json:"decision,omitempty"`
}

// CaseDecision is what a notifier sees of a decision on one of its cases.
type CaseDecision struct {
	ID               string     `json:"id"`
	Action           string     `json:"action"`
	Status           string     `json:"status"`
	DecidedAt        time.Time  `json:"decided_at"`
	EffectiveAt      *time.Time `json:"effective_at,omitempty"`
	TerritorialScope []string   `json:"territorial_scope,omitempty"`
	Until            *time.Time `json:"until,omitempty"`
}

// Event is one entry of a notice's or case's append-only timeline.
type Event struct {
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Type     string          `json:"type"`
	NoticeID string          `json:"notice_id,omitempty"`
	CaseID   string          `json:"case_id,omitempty"`
	OrgID    string          `json:"org_id,omitempty"`
	Data     json.RawMessage `json:"data,omitempty"`
}

// The event types of the timeline.
const (
	EventReceived   = "notice.received"
	EventCaseOpened = "case.opened"
	EventCaseJoined = "case.joined"
)
