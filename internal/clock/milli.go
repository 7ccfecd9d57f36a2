package clock

import "time"

// Milli is t in UTC cut to the millisecond, the precision the store keeps, so
// a time read back from either engine equals the one written.
func Milli(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// NowMilli is c's reading as Milli keeps it: the "now" a service stamps on
// what it writes.
func NowMilli(c Clock) time.Time { return Milli(c.Now()) }
