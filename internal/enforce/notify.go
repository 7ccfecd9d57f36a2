package enforce

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/sigap/sigap/internal/jobs"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/webhook"
)

// notify tells a notice's notifier, through its endpoint if it has one, of a
// timeline event on the notice (received, decided, actioned, clarification
// asked, deadline breached, appeal).
func (s *Service) notify(ctx context.Context, j *jobs.Job) error {
	var p struct {
		Seq int64 `json:"seq"`
	}
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.Seq == 0 {
		return jobs.Permanent(errors.New("enforce: notify job without seq"))
	}
	now := s.Clock.Now()
	added := false
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		typ, noticeID, caseID, _, data, at, err := tx.EventBySeq(ctx, p.Seq)
		if err != nil {
			return err
		}
		n, err := tx.NoticeHead(ctx, noticeID)
		if err != nil {
			return err
		}
		out := map[string]any{"notice_id": n.ID, "status": n.Status, "event": typ, "at": at}
		if caseID != "" {
			out["case_id"] = caseID
		}
		var changed map[string]any
		if json.Unmarshal([]byte(data), &changed) == nil && len(changed) > 0 {
			out["changed"] = changed
		}
		added, err = webhook.EnqueueTx(ctx, tx, now, webhook.Message{ID: "msg_ev" + strconv.FormatInt(p.Seq, 10), OrgID: n.OrgID,
			Type: TypeNoticeUpdated, Ref: n.ID, Data: out, OnlyIfEndpoint: true})
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Permanent(err)
	}
	if added {
		s.Jobs.Wake()
	}
	return err
}
