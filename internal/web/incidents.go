package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/chart"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/incident"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/retro"
	"github.com/sigap/sigap/internal/store"
)

// Incidents are declared and closed by the platform's admins and read by
// everyone who reads its banks and lists.
var incidentWriters = []org.Role{org.RoleAdmin}

// CanDeclareIncidents reports whether the user may declare and close incidents.
func (q *req) CanDeclareIncidents() bool { return q.IsPlatform() && q.IsAdmin() }

type incidentsData struct {
	Incidents []incident.Incident
	Scans     []retro.Job
	// The declaration form as sent, and what was wrong with it.
	Name, Labels, StartedAt string
	Errors                  []string
	// Detail, when set, makes the page one incident's.
	Detail *incidentData
	// The retroactive-scan form (admins): the sets it offers, the form as
	// sent and what was wrong with it, and the scan just started.
	ScanSets           []retroSetChoice
	ScanSet, ScanHours string
	ScanErrors         []string
	Done, StartedScan  string
}

// incidentsPage lists incidents and the recent retroactive scans, with the
// declaration form for admins.
func (p *Portal) incidentsPage(w http.ResponseWriter, r *http.Request, q *req) {
	p.renderIncidents(w, r, q, http.StatusOK, incidentsData{Labels: "terrorism", Done: r.URL.Query().Get("done"), StartedScan: r.URL.Query().Get("scan")})
}

func (p *Portal) renderIncidents(w http.ResponseWriter, r *http.Request, q *req, status int, d incidentsData) {
	var err error
	if d.Incidents, err = p.Incidents.List(r.Context(), "", 100); err == nil {
		d.Scans, err = p.Retro.List(r.Context(), "", "", 50)
	}
	if err == nil && q.CanDeclareIncidents() {
		d.ScanSets, err = p.retroChoices(r)
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.render(w, r, q, status, "incidents", "inc.title", d)
}

// incidentDeclare declares an incident from the form; started_at is typed in WIB.
func (p *Portal) incidentDeclare(w http.ResponseWriter, r *http.Request, q *req) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	f := r.PostForm.Get
	d := incidentsData{Name: f("name"), Labels: f("labels"), StartedAt: strings.TrimSpace(f("started_at"))}
	in := incident.DeclareInput{Name: d.Name, Labels: splitLabels(d.Labels)}
	if d.StartedAt != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", d.StartedAt, wib)
		if err != nil {
			d.Errors = []string{i18n.T(q.Lang, "inc.err.started_at")}
			p.renderIncidents(w, r, q, http.StatusUnprocessableEntity, d)
			return
		}
		in.StartedAt = &at
	}
	inc, err := p.Incidents.Declare(r.Context(), filterCaller(q), in)
	if p.formRefused(w, r, q, err, filterErrors, func(msgs []string) {
		d.Errors = msgs
		p.renderIncidents(w, r, q, http.StatusUnprocessableEntity, d)
	}) {
		return
	}
	http.Redirect(w, r, "/incidents/"+inc.ID+"?done=declared", http.StatusSeeOther)
}

type incidentData struct {
	Incident incident.Incident
	Report   incident.Report
	Cases    []store.IncidentCase
	Scans    []retro.Job
	Chart    template.HTML
	Summary  string
	Closed   bool
	// DeclaredBy is the actor who declared it (the record keeps org/actor);
	// BankName and ListName name its sets (their IDs where a read fails).
	DeclaredBy, BankName, ListName string
}

// incidentPage shows one incident: its figures, its cases per hour as a
// chart, its cases and its retroactive scans; closed, its report.
func (p *Portal) incidentPage(w http.ResponseWriter, r *http.Request, q *req) {
	ctx, incID := r.Context(), r.PathValue("id")
	in, err := p.Incidents.Get(ctx, incID)
	if errors.Is(err, store.ErrNotFound) {
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	d := incidentData{Incident: in, Closed: in.State == store.IncidentClosed}
	if err == nil {
		d.Report, err = p.Incidents.Report(ctx, incID)
	}
	if err == nil {
		d.Cases, err = p.Incidents.Cases(ctx, incID, 500)
	}
	if err == nil {
		d.Scans, err = p.Retro.List(ctx, incID, "", 100)
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	rows := make([]chart.HourRow, len(d.Report.Hours))
	for i, h := range d.Report.Hours {
		rows[i] = chart.HourRow{Label: h.Hour.In(wib).Format("02 Jan 15:04") + " WIB", A: int64(h.Live), B: int64(h.Retroactive)}
	}
	d.Chart = chart.CountChart(i18n.T(q.Lang, "inc.chart"), i18n.T(q.Lang, "inc.live"), i18n.T(q.Lang, "inc.retroactive"), rows)
	d.Summary = d.Report.Summary[q.Lang]
	_, d.DeclaredBy, _ = strings.Cut(in.DeclaredBy, "/")
	d.BankName, d.ListName = p.setName(ctx, in.BankID), p.setName(ctx, in.ListID)
	p.render(w, r, q, http.StatusOK, "incidents", "inc.title", incidentsData{Detail: &d})
}

// incidentClose closes the incident; closing one closed already changes nothing.
func (p *Portal) incidentClose(w http.ResponseWriter, r *http.Request, q *req) {
	incID := r.PathValue("id")
	_, err := p.Incidents.Close(r.Context(), filterCaller(q), incID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		p.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	case errors.Is(err, incident.ErrClosed):
		http.Redirect(w, r, "/incidents/"+incID+"?done=already_closed", http.StatusSeeOther)
		return
	case err != nil:
		p.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/incidents/"+incID+"?done=closed", http.StatusSeeOther)
}

// setName names a bank or list for a page; a failed read shows its ID, as
// the page still serves.
func (p *Portal) setName(ctx context.Context, id string) string {
	if s, err := p.DB.FilterSet(ctx, id); err == nil && s.Name != "" {
		return s.Name
	}
	return id
}
