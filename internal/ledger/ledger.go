package ledger

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/store"
)

// WIB is Western Indonesia Time, the zone SAMAN and the ministry work in.
var WIB = clock.WIB()

// Row is one order in the ledger, every time in UTC and again in WIB.
type Row struct {
	NoticeID          string     `json:"notice_id"`
	Reference         string     `json:"reference"`
	OrgID             string     `json:"org_id"`
	Authority         string     `json:"authority"`
	Regime            string     `json:"regime"`
	Category          string     `json:"category"`
	Class             string     `json:"class"`
	Status            string     `json:"status"`
	Subjects          int        `json:"subjects"`
	SubjectsActioned  int        `json:"subjects_actioned"`
	ReceivedAt        time.Time  `json:"received_at"`
	ReceivedAtWIB     time.Time  `json:"received_at_wib"`
	DueAt             time.Time  `json:"due_at"`
	DueAtWIB          time.Time  `json:"due_at_wib"`
	AcknowledgedAt    *time.Time `json:"acknowledged_at"`
	AcknowledgedAtWIB *time.Time `json:"acknowledged_at_wib"`
	AcknowledgedBy    string     `json:"acknowledged_by"`
	ActionedAt        *time.Time `json:"actioned_at"`
	ActionedAtWIB     *time.Time `json:"actioned_at_wib"`
	PendingActions    int        `json:"pending_actions"`
	Compliance        string     `json:"compliance"`
	LateSeconds       *int64     `json:"late_seconds"`
	Late              string     `json:"late"`
}

func inWIB(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.In(WIB)
	return &v
}

// NewRow assesses one stored order as of now.
func NewRow(r *store.LedgerRow, now time.Time) Row {
	out := Row{NoticeID: r.NoticeID, Reference: r.Reference, OrgID: r.OrgID, Authority: r.Authority, Regime: r.Regime,
		Category: r.Category, Class: r.Class, Status: r.Status, Subjects: r.Subjects, SubjectsActioned: r.SubjectsActioned,
		ReceivedAt: r.ReceivedAt.UTC(), ReceivedAtWIB: r.ReceivedAt.In(WIB), DueAt: r.DueAt.UTC(), DueAtWIB: r.DueAt.In(WIB),
		AcknowledgedAt: r.AcknowledgedAt, AcknowledgedAtWIB: inWIB(r.AcknowledgedAt), AcknowledgedBy: r.AcknowledgedBy,
		ActionedAt: r.ActionedAt, ActionedAtWIB: inWIB(r.ActionedAt), PendingActions: r.PendingActions}
	var late *time.Duration
	out.Compliance, late = r.Assess(now)
	if late != nil {
		s := int64(late.Round(time.Second) / time.Second)
		out.LateSeconds, out.Late = &s, late.Round(time.Second).String()
	}
	return out
}

// Columns are the CSV's columns; times come twice, in UTC and WIB.
var Columns = []string{"notice_id", "reference", "authority", "regime", "category", "class", "status", "subjects",
	"subjects_actioned", "received_at_utc", "received_at_wib", "due_at_utc", "due_at_wib", "acknowledged_at_utc",
	"acknowledged_at_wib", "acknowledged_by", "actioned_at_utc", "actioned_at_wib", "pending_actions", "compliance",
	"late_seconds", "late"}

// Page is how many orders one store read returns while streaming CSV.
const Page = 1000

// Filename is the attachment name of a period's CSV.
func Filename(from, to time.Time) string {
	return "saman-ledger-" + from.Format("20060102") + "-" + to.Format("20060102") + ".csv"
}

// WriteCSV streams every order f selects, page by page, as CSV. An error
// after the header leaves the file cut short; the caller logs it.
func WriteCSV(ctx context.Context, w io.Writer, db *store.DB, f store.LedgerFilter, now time.Time) error {
	f.Limit = Page
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	ts := func(t *time.Time, z *time.Location) string {
		if t == nil {
			return ""
		}
		return t.In(z).Format(time.RFC3339)
	}
	for {
		rows, err := db.Ledger(ctx, f)
		if err != nil {
			cw.Flush()
			return err
		}
		for _, row := range rows {
			lr := NewRow(row, now)
			late := ""
			if lr.LateSeconds != nil {
				late = strconv.FormatInt(*lr.LateSeconds, 10)
			}
			_ = cw.Write([]string{lr.NoticeID, Cell(lr.Reference), Cell(lr.Authority), lr.Regime, lr.Category, lr.Class, lr.Status,
				strconv.Itoa(lr.Subjects), strconv.Itoa(lr.SubjectsActioned), ts(&row.ReceivedAt, time.UTC), ts(&row.ReceivedAt, WIB),
				ts(&row.DueAt, time.UTC), ts(&row.DueAt, WIB), ts(row.AcknowledgedAt, time.UTC), ts(row.AcknowledgedAt, WIB),
				lr.AcknowledgedBy, ts(row.ActionedAt, time.UTC), ts(row.ActionedAt, WIB), strconv.Itoa(lr.PendingActions),
				lr.Compliance, late, lr.Late})
		}
		if len(rows) < f.Limit {
			break
		}
		last := rows[len(rows)-1]
		f.AfterAt, f.AfterID = last.ReceivedAt, last.NoticeID
	}
	cw.Flush()
	return cw.Error()
}

// Cell keeps a free-text value (an authority's reference or name) from
// being read as a formula by a spreadsheet.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
