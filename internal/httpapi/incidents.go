package httpapi

import (
	"net/http"

	"github.com/sigap/sigap/internal/incident"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/retro"
	"github.com/sigap/sigap/internal/store"
)

// incidentDetail is an incident with its figures so far and its cases.
type incidentDetail struct {
	incident.Incident
	Report incident.Report      `json:"report"`
	Cases  []store.IncidentCase `json:"cases"`
}

func (a *API) declareIncident(r *http.Request, c org.Caller, in incident.DeclareInput) (incident.Incident, error) {
	return a.Incidents.Declare(r.Context(), c, in)
}

func (a *API) listIncidents(r *http.Request, _ org.Caller, _ noBody) (list[incident.Incident], error) {
	return paged(r, func(cursor string, limit int) ([]incident.Incident, error) {
		return a.Incidents.List(r.Context(), cursor, limit)
	}, func(x incident.Incident) string { return x.ID })
}

func (a *API) getIncident(r *http.Request, _ org.Caller, _ noBody) (incidentDetail, error) {
	ctx, incID := r.Context(), r.PathValue("id")
	in, err := a.Incidents.Get(ctx, incID)
	if err != nil {
		return incidentDetail{}, err
	}
	rep, err := a.Incidents.Report(ctx, incID)
	if err != nil {
		return incidentDetail{}, err
	}
	cases, err := a.Incidents.Cases(ctx, incID, 500)
	return incidentDetail{Incident: in, Report: rep, Cases: cases}, err
}

func (a *API) closeIncident(r *http.Request, c org.Caller, _ noBody) (incident.Report, error) {
	return a.Incidents.Close(r.Context(), c, r.PathValue("id"))
}

func (a *API) incidentReport(r *http.Request, _ org.Caller, _ noBody) (incident.Report, error) {
	return a.Incidents.Report(r.Context(), r.PathValue("id"))
}

func (a *API) startRetroScan(r *http.Request, _ org.Caller, in retro.Request) (retro.Job, error) {
	return a.Retro.Start(r.Context(), in)
}

func (a *API) listRetroScans(r *http.Request, _ org.Caller, _ noBody) (list[retro.Job], error) {
	return paged(r, func(cursor string, limit int) ([]retro.Job, error) {
		return a.Retro.List(r.Context(), r.URL.Query().Get("incident_id"), cursor, limit)
	}, func(x retro.Job) string { return x.ID })
}

func (a *API) getRetroScan(r *http.Request, _ org.Caller, _ noBody) (retro.Job, error) {
	return a.Retro.Get(r.Context(), r.PathValue("id"))
}
