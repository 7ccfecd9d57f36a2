package httpapi

import (
	"encoding/csv"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/sigap/sigap/internal/flagger"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
)

func (a *API) putTrust(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !c.Platform() {
		problem(w, http.StatusForbidden, "forbidden_role", "Not allowed", "only the platform's admins accredit, suspend or revoke flaggers")
		return
	}
	var in flagger.Change
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if _, err := a.Flaggers.Put(r.Context(), c, r.PathValue("org_id"), in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	a.getTrust(w, r)
}

// trustVisible lets platform roles see any org's standing and an org see its own.
func trustVisible(r *http.Request) bool {
	c := callerFrom(r.Context())
	return c.Platform() || c.OrgID == r.PathValue("org_id")
}

func (a *API) getTrust(w http.ResponseWriter, r *http.Request) {
	if !trustVisible(r) {
		a.errorResponse(w, r, store.ErrNotFound)
		return
	}
	st, err := a.Flaggers.Standing(r.Context(), r.PathValue("org_id"))
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// trustReport is the yearly report DSA Art. 22(3) asks a trusted flagger to
// publish: notices by provider, type of content and action taken.
func (a *API) trustReport(w http.ResponseWriter, r *http.Request) {
	if !trustVisible(r) {
		a.errorResponse(w, r, store.ErrNotFound)
		return
	}
	year := a.Clock.Now().UTC().Year()
	if s := r.URL.Query().Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 9999 {
			a.errorResponse(w, r, &notice.ValidationError{Fields: []notice.FieldError{{Field: "year", Code: "invalid", Message: "year must be a four-digit year such as 2026"}}})
			return
		}
		year = y
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		a.errorResponse(w, r, &notice.ValidationError{Fields: []notice.FieldError{{Field: "format", Code: "unknown_value", Message: "format must be json or csv"}}})
		return
	}
	orgID := r.PathValue("org_id")
	o, err := a.DB.Org(r.Context(), orgID)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	outcomes, err := a.DB.NotifierOutcomes(r.Context(), orgID, from)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	type row struct {
		Provider string `json:"provider"`
		Category string `json:"category"`
		Action   string `json:"action"`
		Count    int    `json:"count"`
	}
	counts := map[[2]string]int{}
	notices := map[string]bool{}
	for _, oc := range outcomes {
		if oc.ReceivedAt.Year() != year {
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
	rows := []row{}
	for k, n := range counts {
		rows = append(rows, row{Provider: "platform", Category: k[0], Action: k[1], Count: n})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Category != rows[j].Category {
			return rows[i].Category < rows[j].Category
		}
		return rows[i].Action < rows[j].Action
	})
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="trusted-flagger-report-`+strconv.Itoa(year)+`.csv"`)
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"year", "notifier", "provider", "category", "action", "subjects"})
		for _, x := range rows {
			_ = cw.Write([]string{strconv.Itoa(year), o.Name, x.Provider, x.Category, x.Action, strconv.Itoa(x.Count)})
		}
		cw.Flush()
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "org_id": o.ID, "notifier": o.Name, "notices": len(notices),
		"rows": rows, "note": "counts are of subjects (cases) named in the notices, by the decision taken on each"})
}
