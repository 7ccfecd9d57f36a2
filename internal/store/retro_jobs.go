package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Retro job states.
const (
	RetroQueued  = "queued"
	RetroRunning = "running"
	RetroDone    = "done"
	RetroFailed  = "failed"
)

// RetroJob is a retroactive scan: the posts of [Since, Until) scanned again
// for a few new entries of one bank or list.
type RetroJob struct {
	ID         string
	SetID      string
	EntryIDs   []string
	IncidentID string
	Priority   int
	Since      time.Time
	Until      time.Time
	State      string
	// Total is how many stream messages the window holds (known once the
	// job starts); Scanned how many of them are done, Posts the posts they
	// held, Hits the posts that matched.
	Total, Scanned, Posts, Hits int64
	// FirstSeq, LastSeq and EndSeq are stream sequences: the window's first,
	// the last one scanned (a restart resumes after it) and the last one
	// the job will scan (the stream's last when the job started).
	FirstSeq, LastSeq, EndSeq uint64
	Holder                    string
	HeartbeatAt               time.Time
	Error                     string
	CreatedAt                 time.Time
	StartedAt, FinishedAt     *time.Time
}

const retroCols = `id, set_id, entry_ids, incident_id, priority, since_at, until_at, state, total, scanned, posts, hits,
	first_seq, last_seq, end_seq, holder, heartbeat_at, error, created_at, started_at, finished_at`

func scanRetroJob(r rowScanner) (RetroJob, error) {
	var j RetroJob
	var entries string
	var since, until, hb, created int64
	var first, last, end int64
	var started, finished sql.NullInt64
	if err := r.Scan(&j.ID, &j.SetID, &entries, &j.IncidentID, &j.Priority, &since, &until, &j.State, &j.Total, &j.Scanned,
		&j.Posts, &j.Hits, &first, &last, &end, &j.Holder, &hb, &j.Error, &created, &started, &finished); err != nil {
		return j, err
	}
	if err := json.Unmarshal([]byte(entries), &j.EntryIDs); err != nil {
		return j, fmt.Errorf("entry_ids of %s: %w", j.ID, err)
	}
	j.Since, j.Until, j.HeartbeatAt, j.CreatedAt = fromMS(since), fromMS(until), fromMS(hb), fromMS(created)
	j.FirstSeq, j.LastSeq, j.EndSeq = uint64(first), uint64(last), uint64(end)
	j.StartedAt, j.FinishedAt = timePtr(started), timePtr(finished)
	return j, nil
}

// QueueRetroJob stores j as queued, or, when a queued job of the same set
// and incident already waits, adds j's entries to it and widens its window,
// so that a run of additions costs one pass over the stream. It returns the
// job that will run them.
func (t *Tx) QueueRetroJob(ctx context.Context, j RetroJob) (RetroJob, error) {
	prev, err := queryOne(ctx, t, "queued retro job", scanRetroJob, `SELECT `+retroCols+` FROM retro_jobs
		WHERE set_id = ? AND incident_id = ? AND state = ? ORDER BY created_at LIMIT 1`, j.SetID, j.IncidentID, RetroQueued)
	switch {
	case err == nil:
		// A set, not slices.Contains: a merged job grows to a whole
		// import's entries, and the scan of its list was quadratic.
		had := make(map[string]struct{}, len(prev.EntryIDs))
		for _, e := range prev.EntryIDs {
			had[e] = struct{}{}
		}
		for _, e := range j.EntryIDs {
			if _, ok := had[e]; !ok {
				had[e] = struct{}{}
				prev.EntryIDs = append(prev.EntryIDs, e)
			}
		}
		prev.Since = minTime(prev.Since, j.Since)
		prev.Until = maxTime(prev.Until, j.Until)
		prev.Priority = max(prev.Priority, j.Priority)
		raw, _ := json.Marshal(prev.EntryIDs)
		if _, err := t.exec(ctx, `UPDATE retro_jobs SET entry_ids = ?, since_at = ?, until_at = ?, priority = ? WHERE id = ?`,
			string(raw), ms(prev.Since), ms(prev.Until), prev.Priority, prev.ID); err != nil {
			return RetroJob{}, fmt.Errorf("store: merge retro job %s: %w", prev.ID, err)
		}
		return prev, nil
	case !errors.Is(err, ErrNotFound):
		return RetroJob{}, err
	}
	j.State = RetroQueued
	raw, _ := json.Marshal(j.EntryIDs)
	if _, err := t.exec(ctx, `INSERT INTO retro_jobs (id, set_id, entry_ids, incident_id, priority, since_at, until_at, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, j.ID, j.SetID, string(raw), j.IncidentID, j.Priority, ms(j.Since), ms(j.Until), j.State,
		ms(j.CreatedAt)); err != nil {
		return RetroJob{}, fmt.Errorf("store: queue retro job: %w", err)
	}
	return j, nil
}

// RetroJob reads one retro job.
func (db *DB) RetroJob(ctx context.Context, id string) (RetroJob, error) {
	return queryOne(ctx, db, "retro job "+id, scanRetroJob, `SELECT `+retroCols+` FROM retro_jobs WHERE id = ?`, id)
}

// RetroJobs lists retro jobs, newest first, before the cursor id ("" from
// the newest), of one incident or ("") all.
func (db *DB) RetroJobs(ctx context.Context, incidentID, before string, limit int) ([]RetroJob, error) {
	return queryAll(ctx, db, "retro jobs", scanRetroJob, `SELECT `+retroCols+` FROM retro_jobs
		WHERE (? = '' OR incident_id = ?) AND (? = '' OR id < ?) ORDER BY id DESC LIMIT `+fmt.Sprint(max(limit, 1)),
		incidentID, incidentID, before, before)
}

// retroLock is the advisory lock that makes claiming a retro job one process's at a time ("sigaprtr").
const retroLock = 0x7369676170727472

// ClaimRetroJob gives holder the next retro job to run, unless another
// holder's job is running (its heartbeat newer than staleBefore): one
// retroactive scan runs at a time across every process on the database, so
// a big import cannot take more than one scanner away from live posts. A
// running job whose holder stopped beating is taken over and resumes after
// its LastSeq. None to run is ErrNotFound.
func (db *DB) ClaimRetroJob(ctx context.Context, holder string, now, staleBefore time.Time) (RetroJob, error) {
	var claimed RetroJob
	err := db.Exclusively(ctx, retroLock, func() error {
		return db.Write(ctx, func(tx *Tx) error {
			claimed = RetroJob{}
			var busy int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM retro_jobs WHERE state = ? AND heartbeat_at >= ? AND holder <> ?`,
				RetroRunning, ms(staleBefore), holder).Scan(&busy); err != nil {
				return fmt.Errorf("store: running retro jobs: %w", err)
			}
			if busy > 0 {
				return fmt.Errorf("store: a retro job is running elsewhere: %w", ErrNotFound)
			}
			j, err := queryOne(ctx, tx, "next retro job", scanRetroJob, `SELECT `+retroCols+` FROM retro_jobs
				WHERE state = ? OR state = ? ORDER BY CASE WHEN state = ? THEN 0 ELSE 1 END, priority DESC, created_at LIMIT 1`,
				RetroRunning, RetroQueued, RetroRunning)
			if err != nil {
				return err
			}
			if j.StartedAt == nil {
				j.StartedAt = &now
			}
			if _, err := tx.exec(ctx, `UPDATE retro_jobs SET state = ?, holder = ?, heartbeat_at = ?, started_at = ? WHERE id = ?`,
				RetroRunning, holder, ms(now), ms(*j.StartedAt), j.ID); err != nil {
				return fmt.Errorf("store: claim retro job %s: %w", j.ID, err)
			}
			j.State, j.Holder, j.HeartbeatAt = RetroRunning, holder, now
			claimed = j
			return nil
		})
	})
	return claimed, err
}

// RetroProgress records how far holder's job has got; a job another holder
// took over meanwhile is ErrConflict, and the caller stops.
func (db *DB) RetroProgress(ctx context.Context, j RetroJob, now time.Time) error {
	return db.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE retro_jobs SET total = ?, scanned = ?, posts = ?, hits = ?, first_seq = ?, last_seq = ?, end_seq = ?,
			heartbeat_at = ? WHERE id = ? AND holder = ? AND state = ?`, j.Total, j.Scanned, j.Posts, j.Hits, int64(j.FirstSeq),
			int64(j.LastSeq), int64(j.EndSeq), ms(now), j.ID, j.Holder, RetroRunning)
		if err != nil {
			return fmt.Errorf("store: retro progress %s: %w", j.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: retro job %s is no longer %s's: %w", j.ID, j.Holder, ErrConflict)
		}
		return nil
	})
}

// FinishRetroJob records holder's job as done or failed (errText says why).
func (db *DB) FinishRetroJob(ctx context.Context, j RetroJob, state, errText string, now time.Time) error {
	if err := db.RetroProgress(ctx, j, now); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE retro_jobs SET state = ?, error = ?, finished_at = ? WHERE id = ? AND holder = ?`,
			state, errText, ms(now), j.ID, j.Holder)
		if err != nil {
			return fmt.Errorf("store: finish retro job %s: %w", j.ID, err)
		}
		return nil
	})
}

// RetroFiling is a notice a retroactive scan filed.
type RetroFiling struct {
	JobID    string    `json:"job_id"`
	NoticeID string    `json:"notice_id"`
	CaseID   string    `json:"case_id,omitempty"`
	Post     string    `json:"post"`
	SetID    string    `json:"set_id"`
	At       time.Time `json:"at"`
}

// InsertRetroFiling marks a notice as filed by a retroactive scan (once).
func (t *Tx) InsertRetroFiling(ctx context.Context, f RetroFiling) error {
	return t.run(ctx, "retro filing", `INSERT INTO retro_filings (job_id, notice_id, case_id, post, set_id, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, f.JobID, f.NoticeID, f.CaseID, f.Post, f.SetID, ms(f.At))
}

// RetroFilings lists the notices a retro job filed, oldest first (at most limit).
func (db *DB) RetroFilings(ctx context.Context, jobID string, limit int) ([]RetroFiling, error) {
	return queryAll(ctx, db, "retro filings of "+jobID, func(r rowScanner) (RetroFiling, error) {
		var f RetroFiling
		var at int64
		err := r.Scan(&f.JobID, &f.NoticeID, &f.CaseID, &f.Post, &f.SetID, &at)
		f.At = fromMS(at)
		return f, err
	}, `SELECT job_id, notice_id, case_id, post, set_id, at FROM retro_filings WHERE job_id = ? ORDER BY at, notice_id LIMIT `+
		fmt.Sprint(max(limit, 1)), jobID)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
