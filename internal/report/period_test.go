package report_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/report"
)

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 10, 30, 0, 123456789, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name, from, to string
		want           report.Period
		code, field    string
	}{
		{"dates", "2026-01-01", "2027-01-01", report.Period{From: day(2026, 1, 1), To: day(2027, 1, 1)}, "", ""},
		{"RFC 3339 with an offset", "2026-01-01T07:00:00+07:00", "2026-02-01T00:00:00Z", report.Period{From: day(2026, 1, 1), To: day(2026, 2, 1)}, "", ""},
		{"defaults: this year to now", "", "", report.Period{From: day(2026, 1, 1), To: now.Truncate(time.Millisecond)}, "", ""},
		{"to on new year: the year before", "", "2026-01-01", report.Period{From: day(2025, 1, 1), To: day(2026, 1, 1)}, "", ""},
		{"sub-millisecond bounds", "2026-01-01T00:00:00.0004Z", "2026-01-01T00:00:00.0019Z",
			report.Period{From: day(2026, 1, 1), To: day(2026, 1, 1).Add(time.Millisecond)}, "", ""},
		{"exactly five years", "2021-01-01", "2026-01-01", report.Period{From: day(2021, 1, 1), To: day(2026, 1, 1)}, "", ""},
		{"wrong way round", "2027-01-01", "2026-01-01", report.Period{}, report.CodeInvalidPeriod, "from"},
		{"empty", "2026-01-01", "2026-01-01", report.Period{}, report.CodeInvalidPeriod, "from"},
		{"from after now by default", "2027-01-01", "", report.Period{}, report.CodeInvalidPeriod, "from"},
		{"too long", "2020-01-01", "2026-01-02", report.Period{}, report.CodePeriodTooLong, "to"},
		{"malformed from", "2026-13-01", "2027-01-01", report.Period{}, report.CodeInvalidDate, "from"},
		{"malformed to", "2026-01-01", "tomorrow", report.Period{}, report.CodeInvalidDate, "to"},
		{"local time without zone", "2026-01-01T00:00:00", "2027-01-01", report.Period{}, report.CodeInvalidDate, "from"},
	} {
		got, err := report.ParsePeriod(tc.from, tc.to, now)
		var pe *report.PeriodError
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.code == "" && (!got.From.Equal(tc.want.From) || !got.To.Equal(tc.want.To)):
			t.Errorf("%s: got %v – %v, want %v – %v", tc.name, got.From, got.To, tc.want.From, tc.want.To)
		case tc.code != "" && !errors.As(err, &pe):
			t.Errorf("%s: err = %v, want a PeriodError %s", tc.name, err, tc.code)
		case tc.code != "" && (pe.Code != tc.code || pe.Field != tc.field || pe.Message == ""):
			t.Errorf("%s: error %+v, want code %s on %s", tc.name, pe, tc.code, tc.field)
		}
	}
}

// FuzzParsePeriod: whatever comes in, a period is either refused with a
// PeriodError or is non-empty, in UTC, at millisecond precision and at most MaxYears long.
func FuzzParsePeriod(f *testing.F) {
	now := time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, to string) {
		p, err := report.ParsePeriod(from, to, now)
		if err != nil {
			var pe *report.PeriodError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a PeriodError", err)
			}
			return
		}
		if !p.From.Before(p.To) || p.From.Location() != time.UTC || p.To.Location() != time.UTC ||
			p.From.Nanosecond()%1e6 != 0 || p.To.Nanosecond()%1e6 != 0 || p.To.After(p.From.AddDate(report.MaxYears, 0, 0)) {
			t.Fatalf("ParsePeriod(%q, %q) = %v – %v", from, to, p.From, p.To)
		}
	})
}
