package clock

import (
	"context"
	"time"
)

// Every calls fn every d until ctx ends, the first time after d. It makes no
// call once ctx has ended; one running then finishes first.
func Every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if ctx.Err() != nil {
				return // both were ready and select took the tick
			}
			fn()
		}
	}
}
