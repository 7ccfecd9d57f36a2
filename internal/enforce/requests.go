package enforce

import (
	"context"
	"errors"
	"fmt"
	"github.com/sigap/sigap/internal/clock"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/evidence"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Errors of preservation and Art. 18 requests.
var (
	ErrPreservationSHA256 = errors.New("enforce: sha256 must be 64 lower-case hex digits")
	ErrNotPreservation    = errors.New("enforce: the notice is not a preservation request")
	ErrAlreadyPreserved   = errors.New("enforce: the preservation is already confirmed")
	ErrArt18Authority     = errors.New("enforce: authority names the competent authority notified (1 to 500 characters)")
	ErrArt18MemberState   = errors.New("enforce: member_state is an upper-case ISO 3166-1 alpha-2 code")
	ErrArt18NotifiedLate  = errors.New("enforce: notified_at is in the future")
	ErrArt18Reference     = errors.New("enforce: reference is at most 500 characters")
)

var memberStateRe = regexp.MustCompile(`^[A-Z]{2}$`)

// PreservationConfirmation is what the platform says when it confirms a
// preservation: where the kept copy is and its hash, both optional.
type PreservationConfirmation struct {
	SnapshotRef string `json:"snapshot_ref"`
	SHA256      string `json:"sha256"`
}

// ConfirmPreservation records that the platform keeps a preservation
// request's data: one evidence record a case of the notice, kept for the
// days asked from now and then purged by the evidence machinery (an
// authority extends it with a hold), the notice actioned, and the
// confirmation on its timeline.
func (s *Service) ConfirmPreservation(ctx context.Context, c org.Caller, noticeID string, in PreservationConfirmation) (notice.Preservation, error) {
	switch {
	case in.SHA256 != "" && !sha256Hex.MatchString(in.SHA256):
		return notice.Preservation{}, ErrPreservationSHA256
	case len(in.SnapshotRef) > 2000:
		return notice.Preservation{}, ErrSnapshotTooLong
	}
	n, err := s.DB.Notice(ctx, noticeID, "")
	if err != nil {
		return notice.Preservation{}, err
	}
	if n.Kind != notice.KindPreservation {
		return notice.Preservation{}, ErrNotPreservation
	}
	cases, err := s.DB.NoticeCases(ctx, n.ID)
	if err != nil {
		return notice.Preservation{}, err
	}
	now := s.Clock.Now()
	by := c.OrgID + "/" + who(c)
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.Preservation(ctx, n.ID)
		if err != nil {
			return err
		}
		if p.ConfirmedAt != nil {
			return ErrAlreadyPreserved
		}
		keep := now.AddDate(0, 0, p.Days)
		var ids []string
		var evs []notice.Event
		for _, cs := range cases {
			ev := &evidence.Evidence{ID: id.New("evd", now), ActionID: store.PreservationActionPrefix + n.ID + ":" + cs.ID, CaseID: cs.ID,
				SnapshotRef: in.SnapshotRef, SHA256: in.SHA256, PreservedAt: now, KeepUntil: keep}
			if _, err := tx.InsertEvidence(ctx, ev); err != nil {
				return err
			}
			if err := jobs.EnqueueTx(ctx, tx, now, jobs.Spec{Kind: JobPurge, Key: purgeKey(ev.ID, keep), RunAt: keep}); err != nil {
				return err
			}
			ids = append(ids, ev.ID)
			evs = append(evs, notice.Event{At: now, Type: "evidence.preserved", CaseID: cs.ID,
				Data: jsonOf(map[string]any{"evidence_id": ev.ID, "notice_id": n.ID, "keep_until": keep})})
		}
		if err := tx.ConfirmPreservation(ctx, n.ID, now, by, keep); err != nil {
			return err
		}
		if err := tx.SetNoticeStatus(ctx, n.ID, notice.StatusActioned); err != nil {
			return err
		}
		evs = append(evs, notice.Event{At: now, Type: "preservation.confirmed", NoticeID: n.ID, OrgID: n.OrgID,
			Data: jsonOf(map[string]any{"days": p.Days, "keep_until": keep, "evidence_ids": ids, "by": by})},
			notice.Event{At: now, Type: "notice.status", NoticeID: n.ID, OrgID: n.OrgID,
				Data: jsonOf(map[string]any{"status": notice.StatusActioned})})
		return tx.AppendEvents(ctx, evs)
	})
	if err != nil {
		return notice.Preservation{}, err
	}
	s.Jobs.Wake()
	return s.DB.Preservation(ctx, n.ID)
}

// Art18Request is the platform's record of a DSA Art. 18 notification.
type Art18Request struct {
	Authority   string     `json:"authority"`
	MemberState string     `json:"member_state"`
	Reference   string     `json:"reference"`
	NotifiedAt  *time.Time `json:"notified_at"`
}

// RecordArt18 records that the platform notified a competent authority (DSA
// Art. 18) about the threat to life or safety a notice raised, when (default
// now), and puts it on the notice's timeline and so in the log.
func (s *Service) RecordArt18(ctx context.Context, c org.Caller, noticeID string, in Art18Request) (notice.Art18Notification, error) {
	// To the millisecond the store keeps, so the answer equals what GET shows.
	now := clock.NowMilli(s.Clock)
	in.Authority, in.Reference = strings.TrimSpace(in.Authority), strings.TrimSpace(in.Reference)
	switch {
	case in.Authority == "" || utf8.RuneCountInString(in.Authority) > 500 || strings.ContainsFunc(in.Authority, isControl):
		return notice.Art18Notification{}, ErrArt18Authority
	case in.MemberState != "" && !memberStateRe.MatchString(in.MemberState):
		return notice.Art18Notification{}, ErrArt18MemberState
	case utf8.RuneCountInString(in.Reference) > 500 || strings.ContainsFunc(in.Reference, isControl):
		return notice.Art18Notification{}, ErrArt18Reference
	case in.NotifiedAt != nil && in.NotifiedAt.After(now.Add(time.Minute)):
		return notice.Art18Notification{}, ErrArt18NotifiedLate
	}
	n, err := s.DB.Notice(ctx, noticeID, "")
	if err != nil {
		return notice.Art18Notification{}, err
	}
	a := notice.Art18Notification{ID: id.New("a18", now), NoticeID: n.ID, Authority: in.Authority, MemberState: in.MemberState,
		Reference: in.Reference, NotifiedAt: now, RecordedBy: c.OrgID + "/" + who(c), RecordedAt: now}
	if in.NotifiedAt != nil {
		a.NotifiedAt = in.NotifiedAt.UTC().Truncate(time.Millisecond)
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertArt18(ctx, a); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "dsa.threat_notified", NoticeID: n.ID, OrgID: n.OrgID,
			Data: jsonOf(map[string]any{"authority": a.Authority, "member_state": a.MemberState, "reference": a.Reference,
				"notified_at": a.NotifiedAt, "by": a.RecordedBy})}})
	})
	if err != nil {
		return notice.Art18Notification{}, fmt.Errorf("enforce: record art. 18 notification: %w", err)
	}
	return a, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
