package notice

import "time"

// Message is one entry of a notice's two-way thread.
type Message struct {
	ID            string    `json:"id"`
	NoticeID      string    `json:"notice_id"`
	OrgID         string    `json:"org_id"`
	Author        string    `json:"author"`
	Side          string    `json:"side"`
	Body          string    `json:"body"`
	Clarification bool      `json:"clarification"`
	CreatedAt     time.Time `json:"created_at"`
}

// Pause is a stretch of time a notice's clock stood still while the platform
// waited for the notifier's answer to a clarification request.
type Pause struct {
	NoticeID  string     `json:"notice_id"`
	MessageID string     `json:"message_id"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	AnswerID  string     `json:"answer_id,omitempty"`
}
