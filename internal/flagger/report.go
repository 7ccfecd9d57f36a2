package flagger

import (
	"context"
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"time"
)

// ReportRow counts the subjects of one category that ended in one action.
type ReportRow struct {
	Provider string `json:"provider"`
	Category string `json:"category"`
	Action   string `json:"action"`
	Count    int    `json:"count"`
}

// Report is the yearly report DSA Art. 22(3) asks a trusted flagger to
// publish: notices by provider, type of content and action taken.
type Report struct {
	Year     int         `json:"year"`
	OrgID    string      `json:"org_id"`
	Notifier string      `json:"notifier"`
	Notices  int         `json:"notices"`
	Rows     []ReportRow `json:"rows"`
	Note     string      `json:"note"`
}

// Report computes an org's report for a calendar year (UTC). Undecided
// subjects count as "pending", decisions reversed on appeal as
// "reversed_on_appeal". The API's GET /v1/orgs/{org_id}/trust/report and the
// portal both show this.
func (s *Service) Report(ctx context.Context, orgID string, year int) (Report, error) {
	o, err := s.DB.Org(ctx, orgID)
	if err != nil {
		return Report{}, err
	}
	outcomes, err := s.DB.NotifierOutcomes(ctx, orgID, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return Report{}, err
	}
	counts := map[[2]string]int{}
	notices := map[string]bool{}
	for _, oc := range outcomes {
		if oc.ReceivedAt.UTC().Year() != year {
			continue
		}
		notices[oc.NoticeID] = true
		action := oc.Action
		switch {
		case action == "":
			action = "pending"
		case oc.Reversed:
			action = "reversed_on_appeal"
		}
		counts[[2]string{oc.Category, action}]++
	}
	rows := []ReportRow{}
	for k, n := range counts {
		rows = append(rows, ReportRow{Provider: "platform", Category: k[0], Action: k[1], Count: n})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Category != rows[j].Category {
			return rows[i].Category < rows[j].Category
		}
		return rows[i].Action < rows[j].Action
	})
	return Report{Year: year, OrgID: o.ID, Notifier: o.Name, Notices: len(notices), Rows: rows,
		Note: "counts are of subjects (cases) named in the notices, by the decision taken on each"}, nil
}

// WriteCSV writes the report as CSV: year, notifier, provider, category, action, subjects.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"year", "notifier", "provider", "category", "action", "subjects"})
	for _, x := range r.Rows {
		_ = cw.Write([]string{strconv.Itoa(r.Year), r.Notifier, x.Provider, x.Category, x.Action, strconv.Itoa(x.Count)})
	}
	cw.Flush()
	return cw.Error()
}

// ReportFilename is the download name of a year's CSV report.
func ReportFilename(year int) string {
	return "trusted-flagger-report-" + strconv.Itoa(year) + ".csv"
}
