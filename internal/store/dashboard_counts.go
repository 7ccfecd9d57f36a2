package store

import (
	"context"
	"strconv"
	"time"
)

// QueueCount is how many open cases of one lane fall due within one span
// of the time left (Bucket indexes the bounds QueueByTimeLeft was given;
// len(bounds) is past the last bound).
type QueueCount struct {
	Lane   string
	Bucket int
	Count  int
}

// QueueByTimeLeft counts the open cases by lane and by the first of bounds
// (offsets from now, ascending) their deadline falls before; bucket 0 are
// those already past their deadline when bounds[0] is zero.
func (db *DB) QueueByTimeLeft(ctx context.Context, now time.Time, bounds []time.Duration) ([]QueueCount, error) {
	q := `SELECT lane, CASE`
	args := make([]any, 0, len(bounds))
	for i, b := range bounds {
		q += ` WHEN due_at <= ? THEN ` + strconv.Itoa(i)
		args = append(args, ms(now.Add(b)))
	}
	q += ` ELSE ` + strconv.Itoa(len(bounds)) + ` END AS bucket, COUNT(*) FROM cases WHERE state = 'open' GROUP BY lane, bucket ORDER BY lane, bucket`
	return queryAll(ctx, db, "queue by time left", func(r rowScanner) (QueueCount, error) {
		var c QueueCount
		return c, r.Scan(&c.Lane, &c.Bucket, &c.Count)
	}, q, args...)
}

// HourCount is how many scan hits one hour saw, the hour given by its start.
type HourCount struct {
	Hour  time.Time
	Count int
}

// HitsPerHour counts the scan hits of each hour from since (an hour's
// start) to now; hours without hits are left out.
func (db *DB) HitsPerHour(ctx context.Context, since time.Time) ([]HourCount, error) {
	const hour = int64(time.Hour / time.Millisecond)
	// The hour is a literal: PostgreSQL matches a grouped expression by its
	// text, and two parameters are two texts.
	return queryAll(ctx, db, "hits per hour", func(r rowScanner) (HourCount, error) {
		var h int64
		var c HourCount
		err := r.Scan(&h, &c.Count)
		c.Hour = fromMS(h * hour)
		return c, err
	}, `SELECT at / `+strconv.FormatInt(hour, 10)+` AS h, COUNT(*) FROM scan_hits WHERE at >= ? GROUP BY h ORDER BY h`, ms(since))
}
