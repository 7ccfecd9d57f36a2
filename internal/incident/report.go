package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/store"
)

// Report is what an incident came to: kept when it is closed, and drawn
// live on its page while it runs.
type Report struct {
	Incident Incident `json:"incident"`
	// Cases counts the cases its hits filed: Live as posts arrived,
	// Retroactive from posts made before the entry that found them.
	Cases       int `json:"cases"`
	Live        int `json:"live"`
	Retroactive int `json:"retroactive"`
	// CaseStates counts those cases by their state now.
	CaseStates map[string]int `json:"case_states"`
	// Hours counts them per hour of filing (UTC).
	Hours []store.IncidentHourCount `json:"hours"`
	// FirstCaseAt is the first filing; FirstCaseAfter how long after the declaration.
	FirstCaseAt    *time.Time `json:"first_case_at,omitempty"`
	FirstCaseAfter string     `json:"first_case_after,omitempty"`
	// RetroScans are the retroactive scans of its entries.
	RetroScans []RetroScan `json:"retro_scans"`
	// Duration is from the start to the close (or now).
	Duration string `json:"duration"`
	// Summary says it in Bahasa Indonesia ("id") and English ("en").
	Summary map[string]string `json:"summary"`
}

// RetroScan is one retroactive scan in a report.
type RetroScan struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Posts int64  `json:"posts"`
	Hits  int64  `json:"hits"`
}

// Report is the incident's report: the one kept at its close, or one drawn now while it runs.
func (s *Service) Report(ctx context.Context, incID string) (Report, error) {
	in, err := s.DB.Incident(ctx, incID)
	if err != nil {
		return Report{}, err
	}
	if in.Report != "" {
		var r Report
		if err := json.Unmarshal([]byte(in.Report), &r); err != nil {
			return Report{}, fmt.Errorf("incident: stored report of %s: %w", incID, err)
		}
		return r, nil
	}
	return s.report(ctx, in)
}

func (s *Service) report(ctx context.Context, in store.Incident) (Report, error) {
	r := Report{Incident: view(in), Hours: []store.IncidentHourCount{}, RetroScans: []RetroScan{}}
	hours, err := s.DB.IncidentCounts(ctx, in.ID)
	if err != nil {
		return Report{}, err
	}
	if hours != nil {
		r.Hours = hours
	}
	for _, h := range hours {
		r.Live += h.Live
		r.Retroactive += h.Retroactive
	}
	r.Cases = r.Live + r.Retroactive
	if r.CaseStates, err = s.DB.IncidentCaseStates(ctx, in.ID); err != nil {
		return Report{}, err
	}
	first, err := s.DB.IncidentCases(ctx, in.ID, 1)
	if err != nil {
		return Report{}, err
	}
	if len(first) > 0 {
		at := first[0].At
		r.FirstCaseAt, r.FirstCaseAfter = &at, at.Sub(in.DeclaredAt).Round(time.Second).String()
	}
	jobs, err := s.DB.RetroJobs(ctx, in.ID, "", 1000)
	if err != nil {
		return Report{}, err
	}
	for _, j := range jobs {
		r.RetroScans = append(r.RetroScans, RetroScan{ID: j.ID, State: j.State, Posts: j.Posts, Hits: j.Hits})
	}
	end := s.now()
	if in.ClosedAt != nil {
		end = *in.ClosedAt
	}
	r.Duration = end.Sub(in.StartedAt).Round(time.Second).String()
	r.Summary = map[string]string{
		"id": fmt.Sprintf("Insiden %q berlangsung %s: %d kasus (%d langsung, %d retroaktif), %d pemindaian retroaktif.",
			in.Name, r.Duration, r.Cases, r.Live, r.Retroactive, len(r.RetroScans)),
		"en": fmt.Sprintf("Incident %q lasted %s: %d cases (%d live, %d retroactive), %d retroactive scans.",
			in.Name, r.Duration, r.Cases, r.Live, r.Retroactive, len(r.RetroScans)),
	}
	return r, nil
}

// Cases lists the incident's cases, oldest first, each marked live or retroactive.
func (s *Service) Cases(ctx context.Context, incID string, limit int) ([]store.IncidentCase, error) {
	if _, err := s.DB.Incident(ctx, incID); err != nil {
		return nil, err
	}
	cs, err := s.DB.IncidentCases(ctx, incID, limit)
	if cs == nil && err == nil {
		cs = []store.IncidentCase{}
	}
	return cs, err
}
