package report

import (
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/clock"
)

// MaxYears bounds a report's period: five years of figures is already more
// than any regulator asks for in one report, and the bound keeps one request
// from scanning the whole history of a large database by accident.
const MaxYears = 5

// Period is the half-open interval [From, To) a report covers, in UTC.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// The codes of a PeriodError.
const (
	CodeInvalidDate   = "invalid_date"    // not an RFC 3339 time or a YYYY-MM-DD date
	CodeInvalidPeriod = "invalid_period"  // from is not before to
	CodePeriodTooLong = "period_too_long" // more than MaxYears
	CodeUnknownFormat = "unknown_format"  // format is not one the report offers
	CodeUnknownLang   = "unknown_lang"    // lang is not id or en
)

const dateLayout = "2006-01-02"

// PeriodError is a bad request parameter: which one, a machine-readable code
// (the portal translates it) and an English message.
type PeriodError struct {
	Field, Code, Message string
}

func (e *PeriodError) Error() string { return "report: " + e.Field + ": " + e.Message }

// parseTime reads an RFC 3339 time or a date (midnight UTC).
func parseTime(field, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t, nil
	}
	return time.Time{}, &PeriodError{Field: field, Code: CodeInvalidDate,
		Message: fmt.Sprintf("%s must be an RFC 3339 time such as 2026-01-01T00:00:00Z or a date such as 2026-01-01", field)}
}

// ParsePeriod reads a report's from and to parameters. Dates are midnight
// UTC, and to is exclusive: from=2026-01-01&to=2027-01-01 is the year 2026.
// Without to the period ends now; without from it starts on 1 January (UTC)
// of the year it ends in.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	p := Period{To: clock.Milli(now)}
	var err error
	if to != "" {
		if p.To, err = parseTime("to", to); err != nil {
			return Period{}, err
		}
	}
	if from != "" {
		if p.From, err = parseTime("from", from); err != nil {
			return Period{}, err
		}
	} else {
		last := p.To.Add(-time.Millisecond)
		p.From = time.Date(last.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	// The store keeps milliseconds; a finer bound would not select anything more.
	p.From, p.To = clock.Milli(p.From), clock.Milli(p.To)
	if !p.From.Before(p.To) {
		return Period{}, &PeriodError{Field: "from", Code: CodeInvalidPeriod,
			Message: fmt.Sprintf("from (%s) must be before to (%s); the period is [from, to)", p.From.Format(time.RFC3339), p.To.Format(time.RFC3339))}
	}
	if p.To.After(p.From.AddDate(MaxYears, 0, 0)) {
		return Period{}, &PeriodError{Field: "to", Code: CodePeriodTooLong,
			Message: fmt.Sprintf("the period may span at most %d years; ask for several shorter reports", MaxYears)}
	}
	return p, nil
}
