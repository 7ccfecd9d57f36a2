package clock_test

import (
	"context"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/clock"
)

func TestMilli(t *testing.T) {
	t.Parallel()
	jakarta := time.FixedZone("X", 7*3600)
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"cuts below the millisecond", time.Date(2026, 11, 27, 10, 0, 0, 123_456_789, time.UTC), time.Date(2026, 11, 27, 10, 0, 0, 123_000_000, time.UTC)},
		{"moves to UTC", time.Date(2026, 11, 27, 17, 0, 0, 999_999, jakarta), time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)},
		{"keeps a whole millisecond", time.Date(2026, 1, 1, 0, 0, 0, 5_000_000, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 5_000_000, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := clock.Milli(tt.in)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Milli(%v) = %v (%v), want %v in UTC", tt.in, got, got.Location(), tt.want)
			}
		})
	}
}

func TestNowMilli(t *testing.T) {
	t.Parallel()
	c := clock.NewFixed(time.Date(2026, 11, 27, 10, 0, 0, 1_500_000, time.UTC))
	if got, want := clock.NowMilli(c), time.Date(2026, 11, 27, 10, 0, 0, 1_000_000, time.UTC); !got.Equal(want) {
		t.Errorf("NowMilli = %v, want %v", got, want)
	}
}

func TestWIB(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC).In(clock.WIB())
	if got := at.Format("2006-01-02 15:04 MST -07:00"); got != "2026-11-27 14:00 WIB +07:00" {
		t.Errorf("07:00 UTC in WIB = %q, want 2026-11-27 14:00 WIB +07:00", got)
	}
	if clock.WIB().String() != "Asia/Jakarta" {
		t.Errorf("WIB() = %q, want Asia/Jakarta", clock.WIB())
	}
}

// TestEveryStopsWithItsContext: Every keeps calling until its context ends
// and then returns; it never calls before the first interval has passed.
func TestEveryStopsWithItsContext(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		calls int
	}{
		{"cancelled before the first tick", 0},
		{"cancelled after three calls", 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(t.Context())
			d := time.Millisecond
			if tt.calls == 0 {
				d = time.Hour
				cancel()
			}
			calls := 0
			clock.Every(ctx, d, func() {
				if calls++; calls == tt.calls {
					cancel()
				}
			})
			cancel()
			if calls != tt.calls {
				t.Errorf("Every made %d calls, want %d", calls, tt.calls)
			}
		})
	}
}
