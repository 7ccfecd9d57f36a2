package enforce

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/evidence"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Evidence errors.
var (
	// ErrEvidenceNotYours hides evidence from an authority that sent no notice on its case.
	ErrEvidenceNotYours = errors.New("enforce: evidence not found")
	ErrHoldRole         = errors.New("enforce: only an authority that sent a notice on the case, or an admin, may hold evidence")
	ErrHoldPast         = errors.New("enforce: a hold must end in the future")
	ErrPurged           = errors.New("enforce: evidence already purged")
)

// readable reads evidence that c may see: platform roles, and the orgs that
// sent a notice on its case. Anyone else gets ErrEvidenceNotYours.
func (s *Service) readable(ctx context.Context, c org.Caller, evidenceID string) (*evidence.Evidence, error) {
	e, err := s.DB.Evidence(ctx, evidenceID)
	if err != nil {
		return nil, err
	}
	if c.Platform() {
		return e, nil
	}
	orgs, err := s.DB.NoticeOrgsOfCase(ctx, e.CaseID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(orgs, c.OrgID) {
		return nil, ErrEvidenceNotYours
	}
	return e, nil
}

func who(c org.Caller) string {
	if c.UserID != "" {
		return c.UserID
	}
	return c.KeyID
}

// Evidence reads preserved evidence and puts the access on the case's timeline.
func (s *Service) Evidence(ctx context.Context, c org.Caller, evidenceID string) (*evidence.Evidence, error) {
	e, err := s.readable(ctx, c, evidenceID)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "evidence.accessed", CaseID: e.CaseID, OrgID: c.OrgID,
			Data: jsonOf(map[string]any{"evidence_id": e.ID, "by": who(c), "org_id": c.OrgID, "role": c.Role})}})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Hold puts evidence under a legal hold until a time; it is purged only after both that and its retention end.
func (s *Service) Hold(ctx context.Context, c org.Caller, evidenceID string, until time.Time, reason string) (*evidence.Evidence, error) {
	e, err := s.readable(ctx, c, evidenceID)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	until, err = holdable(c, now, until, e.PurgedAt != nil, ErrPurged)
	if err != nil {
		return nil, err
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.HoldEvidence(ctx, e.ID, until, c.OrgID+"/"+who(c), reason); err != nil {
			return err
		}
		if until.After(e.KeepUntil) {
			if err := jobs.EnqueueTx(ctx, tx, now, jobs.Spec{Kind: JobPurge, Key: purgeKey(e.ID, until), RunAt: until}); err != nil {
				return err
			}
		}
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "evidence.hold", CaseID: e.CaseID, OrgID: c.OrgID,
			Data: jsonOf(map[string]any{"evidence_id": e.ID, "until": until, "by": who(c), "org_id": c.OrgID, "reason": reason})}})
	})
	if err != nil {
		return nil, err
	}
	return s.DB.Evidence(ctx, e.ID)
}

// holdable checks that c may hold something kept until until (purged or
// not) and gives the hold's end to the millisecond the store keeps.
func holdable(c org.Caller, now, until time.Time, purged bool, errPurged error) (time.Time, error) {
	if c.Role != org.RoleAdmin && c.Role != org.RoleAuthority {
		return time.Time{}, ErrHoldRole
	}
	if !until.After(now) {
		return time.Time{}, ErrHoldPast
	}
	if purged {
		return time.Time{}, errPurged
	}
	return clock.Milli(until), nil
}

// purge drops a snapshot reference and hash once retention and any hold have ended.
func (s *Service) purge(ctx context.Context, j *jobs.Job) error {
	rest := jobKeyID(j)
	evID, _, _ := cut(rest, ':')
	now := s.Clock.Now()
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		e, err := tx.LockEvidence(ctx, evID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.PurgedAt != nil || now.Before(e.KeepUntil) || (e.HoldUntil != nil && now.Before(*e.HoldUntil)) {
			// Still kept: a later purge job (enqueued with the hold) ends it.
			return nil
		}
		if err := tx.PurgeEvidence(ctx, e.ID, now); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "evidence.purged", CaseID: e.CaseID,
			Data: jsonOf(map[string]any{"evidence_id": e.ID, "kept_until": e.KeepUntil})}})
	})
}
