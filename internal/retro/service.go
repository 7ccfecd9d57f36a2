package retro

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store"
)

// Limits on a retroactive scan.
const (
	// DefaultWindow is how far back a scan looks when nothing says otherwise.
	DefaultWindow = 7 * 24 * time.Hour
	// MaxWindow bounds a window asked for: the stream keeps no more by default.
	MaxWindow = 30 * 24 * time.Hour
	// MaxEntries bounds the entries of one job, the size of the largest import.
	MaxEntries = 1_000_000
)

// Service queues retroactive scans and answers what they did.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	Log   *slog.Logger
	// Window is how far back the scan of newly added entries looks (DefaultWindow when zero).
	Window time.Duration
}

func (s *Service) now() time.Time { return clock.NowMilli(s.Clock) }

func (s *Service) window() time.Duration {
	if s.Window > 0 {
		return min(s.Window, MaxWindow)
	}
	return DefaultWindow
}

// Job is a retroactive scan as the API and portal show it.
type Job struct {
	ID         string     `json:"id"`
	SetID      string     `json:"set_id"`
	Entries    int        `json:"entries"`
	IncidentID string     `json:"incident_id,omitempty"`
	State      string     `json:"state"`
	Since      time.Time  `json:"since"`
	Until      time.Time  `json:"until"`
	Total      int64      `json:"total"`
	Scanned    int64      `json:"scanned"`
	Posts      int64      `json:"posts"`
	Hits       int64      `json:"hits"`
	Progress   float64    `json:"progress"`
	Error      string     `json:"error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	// Filings are the notices the scan filed, each marked retroactive.
	Filings []Filing `json:"filings,omitempty"`
}

// Filing is a notice a retroactive scan filed.
type Filing struct {
	store.RetroFiling
	Retroactive bool `json:"retroactive"`
}

// View is a stored job as the API shows it.
func View(j store.RetroJob) Job {
	v := Job{ID: j.ID, SetID: j.SetID, Entries: len(j.EntryIDs), IncidentID: j.IncidentID, State: j.State, Since: j.Since, Until: j.Until,
		Total: j.Total, Scanned: j.Scanned, Posts: j.Posts, Hits: j.Hits, Error: j.Error, CreatedAt: j.CreatedAt, StartedAt: j.StartedAt,
		FinishedAt: j.FinishedAt}
	switch {
	case j.State == store.RetroDone:
		v.Progress = 1
	case j.Total > 0:
		v.Progress = math.Round(float64(j.Scanned)/float64(j.Total)*1000) / 1000
	}
	return v
}

// Request asks for a retroactive scan of a bank's or list's entries.
type Request struct {
	SetID string `json:"set_id"`
	// EntryIDs are the entries to look for; none means every live entry of the set.
	EntryIDs []string `json:"entry_ids"`
	// WindowHours is how far back to look (default 168, at most 720).
	WindowHours *float64 `json:"window_hours"`
}

// Start queues a retroactive scan asked for by hand. An unknown set is
// store.ErrNotFound; a bad window or entry a validation error; nothing is
// stored then.
func (s *Service) Start(ctx context.Context, req Request) (Job, error) {
	var v filterset.Validator
	window := s.window()
	if req.WindowHours != nil {
		h := *req.WindowHours
		if math.IsNaN(h) || h <= 0 || h > MaxWindow.Hours() {
			v.Add("window_hours", "out_of_range", fmt.Sprintf("window_hours must be more than 0 and at most %.0f (30 days)", MaxWindow.Hours()))
		} else {
			window = time.Duration(h * float64(time.Hour))
		}
	}
	if len(req.EntryIDs) > MaxEntries {
		v.Add("entry_ids", "too_many", fmt.Sprintf("at most %d entries per scan", MaxEntries))
	}
	if req.SetID == "" {
		v.Add("set_id", "required", "set_id is required: the bank or list whose entries to look for")
	}
	if err := v.Err(); err != nil {
		return Job{}, err
	}
	if _, err := s.DB.FilterSet(ctx, req.SetID); err != nil {
		return Job{}, err
	}
	entries := req.EntryIDs
	if len(entries) == 0 {
		var err error
		if entries, err = s.liveEntries(ctx, req.SetID); err != nil {
			return Job{}, err
		}
	} else if err := s.checkEntries(ctx, req.SetID, entries); err != nil {
		return Job{}, err
	}
	if len(entries) == 0 {
		v.Add("entry_ids", "empty", "the set has no live entries to look for")
		return Job{}, v.Err()
	}
	var job store.RetroJob
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		job, err = s.queue(ctx, tx, req.SetID, entries, window)
		return err
	})
	return View(job), err
}

// liveEntries lists the IDs of a set's live entries.
func (s *Service) liveEntries(ctx context.Context, setID string) ([]string, error) {
	var ids []string
	cursor := ""
	for {
		page, err := s.DB.FilterEntries(ctx, setID, cursor, 1000, false)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			ids = append(ids, e.ID)
		}
		if len(page) < 1000 || len(ids) >= MaxEntries {
			return ids, nil
		}
		cursor = page[len(page)-1].ID
	}
}

// checkEntries refuses entry IDs that are not live entries of the set.
func (s *Service) checkEntries(ctx context.Context, setID string, ids []string) error {
	live, err := s.liveEntries(ctx, setID)
	if err != nil {
		return err
	}
	have := make(map[string]bool, len(live))
	for _, e := range live {
		have[e] = true
	}
	var v filterset.Validator
	for i, e := range ids {
		if !have[e] && len(v.Fields) < 50 {
			v.Add(fmt.Sprintf("entry_ids[%d]", i), "unknown", "no live entry of this set has this id")
		}
	}
	return v.Err()
}

// EntriesAdded queues the retroactive scan of entries just added to a set,
// in a transaction of its own. Feeds call it for what a subscription brings.
func (s *Service) EntriesAdded(ctx context.Context, setID string, entryIDs []string) (Job, error) {
	var job store.RetroJob
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		job, err = s.queue(ctx, tx, setID, entryIDs, s.window())
		return err
	})
	return View(job), err
}

// EntriesAddedTx queues the retroactive scan of entries added in tx, so
// that the entries and their scan commit together; it suits
// filterset.Service.OnEntries.
func (s *Service) EntriesAddedTx(ctx context.Context, tx *store.Tx, setID string, entryIDs []string) error {
	if len(entryIDs) == 0 {
		return nil
	}
	j, err := s.job(ctx, tx, setID, entryIDs, s.window())
	if err != nil {
		return err
	}
	return tx.AppendRetroJob(ctx, j)
}

// queue stores (or merges) the job.
func (s *Service) queue(ctx context.Context, tx *store.Tx, setID string, entryIDs []string, window time.Duration) (store.RetroJob, error) {
	j, err := s.job(ctx, tx, setID, entryIDs, window)
	if err != nil {
		return store.RetroJob{}, err
	}
	return tx.QueueRetroJob(ctx, j)
}

// job is the retroactive scan of entryIDs: a set of an open incident's gets
// the incident's mark and priority, and looks back at least to its start.
func (s *Service) job(ctx context.Context, tx *store.Tx, setID string, entryIDs []string, window time.Duration) (store.RetroJob, error) {
	now := s.now()
	j := store.RetroJob{ID: id.New("rtr", now), SetID: setID, EntryIDs: entryIDs, Since: now.Add(-window), Until: now, CreatedAt: now}
	inc, err := tx.OpenIncidentOfSet(ctx, setID)
	switch {
	case err == nil:
		j.IncidentID, j.Priority = inc.ID, jobs.PriorityUrgent
		if inc.StartedAt.Before(j.Since) {
			j.Since = inc.StartedAt
		}
	case !errors.Is(err, store.ErrNotFound):
		return store.RetroJob{}, err
	}
	return j, nil
}

// Get reads one job with the notices it filed.
func (s *Service) Get(ctx context.Context, jobID string) (Job, error) {
	j, err := s.DB.RetroJob(ctx, jobID)
	if err != nil {
		return Job{}, err
	}
	v := View(j)
	fs, err := s.DB.RetroFilings(ctx, jobID, 1000)
	if err != nil {
		return Job{}, err
	}
	for _, f := range fs {
		v.Filings = append(v.Filings, Filing{RetroFiling: f, Retroactive: true})
	}
	return v, nil
}

// List reads up to limit jobs, newest first, before the cursor id, of one incident or ("") all.
func (s *Service) List(ctx context.Context, incidentID, cursor string, limit int) ([]Job, error) {
	rows, err := s.DB.RetroJobs(ctx, incidentID, cursor, limit)
	out := make([]Job, len(rows))
	for i, r := range rows {
		out[i] = View(r)
	}
	return out, err
}

// Filed records a retroactive scan's filing; it suits scan.Scanner.OnFiled.
func (s *Service) Filed(ctx context.Context, tx *store.Tx, f scan.Filed) error {
	if f.RetroJob == "" {
		return nil
	}
	return tx.InsertRetroFiling(ctx, store.RetroFiling{JobID: f.RetroJob, NoticeID: f.NoticeID, CaseID: f.CaseID, Post: f.Post, SetID: f.SetID, At: f.At})
}
