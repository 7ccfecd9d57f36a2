package ledger_test

import (
	"testing"
	"time"

	"github.com/sigap/sigap/internal/ledger"
	"github.com/sigap/sigap/internal/store"
)

func TestCellDefusesFormulas(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"KOMINFO/2026/001": "KOMINFO/2026/001", "": "", "=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+62 21": "'+62 21", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "a=b": "a=b",
	} {
		if got := ledger.Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewRowAssessesLateness(t *testing.T) {
	t.Parallel()
	recv := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	due := recv.Add(4 * time.Hour)
	acted := due.Add(90 * time.Minute)
	cases := []struct {
		name      string
		row       store.LedgerRow
		now       time.Time
		want      string
		lateSecs  int64
		wantLated bool
	}{
		{"actioned late", store.LedgerRow{Status: "actioned", ReceivedAt: recv, DueAt: due, ActionedAt: &acted}, acted, "late", 5400, true},
		{"open past due", store.LedgerRow{Status: "received", ReceivedAt: recv, DueAt: due}, due.Add(time.Hour), "overdue", 3600, true},
		{"open in time", store.LedgerRow{Status: "received", ReceivedAt: recv, DueAt: due}, recv.Add(time.Hour), "open", 0, true},
	}
	for _, tc := range cases {
		r := ledger.NewRow(&tc.row, tc.now)
		if r.Compliance != tc.want {
			t.Errorf("%s: compliance %q, want %q", tc.name, r.Compliance, tc.want)
		}
		if (r.LateSeconds != nil) != tc.wantLated || (r.LateSeconds != nil && *r.LateSeconds != tc.lateSecs) {
			t.Errorf("%s: late %v, want %d s", tc.name, r.LateSeconds, tc.lateSecs)
		}
		if r.ReceivedAtWIB.Hour() != 10 {
			t.Errorf("%s: received in WIB at %v, want 10:00", tc.name, r.ReceivedAtWIB)
		}
	}
	if got := ledger.Filename(recv, due.AddDate(0, 1, 0)); got != "saman-ledger-20261127-20261227.csv" {
		t.Errorf("Filename = %q", got)
	}
}
