package clock

import "time"

// Ptr is t as an optional time for a JSON view: nil when t is zero, so the
// field is left out rather than shown as year 1.
func Ptr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
