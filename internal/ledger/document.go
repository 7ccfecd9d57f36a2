package ledger

import "time"

// Doc is the ledger as JSON over the orders of From to To: one page as
// GET /v1/exports/saman-ledger answers it, with NextCursor while more follow,
// or every page put together as sigap export saman-ledger writes it.
type Doc[T any] struct {
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	Regime      string    `json:"regime"`
	GeneratedAt time.Time `json:"generated_at"`
	Items       []T       `json:"items"`
	NextCursor  string    `json:"next_cursor,omitempty"`
}
