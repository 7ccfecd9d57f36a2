package review

import (
	"context"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// The sides of a notice's thread.
const (
	SidePlatform = "platform"
	SideNotifier = "notifier"
)

// MaxMessage bounds a message body.
const MaxMessage = 10_000

// scope is the org whose notices a caller may see: platform roles see all.
func scope(c org.Caller) string {
	if c.Platform() {
		return ""
	}
	return c.OrgID
}

// PostMessage adds a message to a notice's thread. A clarification request
// from the platform pauses the notice's clock where its regime says so; the
// notifier's next message answers it, restarts the clock and moves the
// deadlines by the time it stood still. Another tenant's notice is not found.
func (s *Service) PostMessage(ctx context.Context, c org.Caller, noticeID, body string, clarification bool) (*notice.Message, error) {
	return s.PostMessageSigned(ctx, c, noticeID, body, clarification, nil)
}

// PostMessageSigned is PostMessage for a request whose RFC 9421 signature
// the caller verified (nil: unsigned). The message.posted event records it,
// so the transparency log commits to who signed the message.
func (s *Service) PostMessageSigned(ctx context.Context, c org.Caller, noticeID, body string, clarification bool, sig *httpsig.Result) (*notice.Message, error) {
	body, err := textField("body", body, MaxMessage)
	if err != nil {
		return nil, err
	}
	now := clock.NowMilli(s.Clock)
	side := SideNotifier
	if c.Platform() {
		side = SidePlatform
	}
	var m *notice.Message
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.LockNotice(ctx, noticeID, scope(c))
		if err != nil {
			return err
		}
		m = &notice.Message{ID: id.New("msg", now), NoticeID: n.ID, OrgID: c.OrgID, Author: Actor(c), Side: side, Body: body,
			Clarification: clarification && side == SidePlatform, CreatedAt: now}
		if err := tx.InsertMessage(ctx, m); err != nil {
			return err
		}
		evs := []notice.Event{{At: now, Type: "message.posted", NoticeID: n.ID, OrgID: n.OrgID,
			Data: messageData(m, side, sig)}}
		open, err := tx.OpenPause(ctx, n.ID)
		if err != nil {
			return err
		}
		switch {
		case side == SidePlatform && m.Clarification && open == nil && s.pauses(n) && !settled(n.Status):
			if err := tx.StartPause(ctx, &notice.Pause{NoticeID: n.ID, MessageID: m.ID, StartedAt: now}); err != nil {
				return err
			}
			evs = append(evs, notice.Event{At: now, Type: "clock.paused", NoticeID: n.ID, OrgID: n.OrgID,
				Data: jsonOf(map[string]any{"message_id": m.ID, "due_at": n.DueAt})})
			cases, err := tx.NoticeCaseIDs(ctx, n.ID)
			if err != nil {
				return err
			}
			for _, cid := range cases {
				evs = append(evs, notice.Event{At: now, Type: "clock.paused", CaseID: cid,
					Data: jsonOf(map[string]any{"notice_id": n.ID, "message_id": m.ID})})
			}
		case side == SideNotifier && open != nil:
			paused, due, err := tx.EndPause(ctx, open, m.ID, now)
			if err != nil {
				return err
			}
			data := map[string]any{"message_id": m.ID, "paused_ms": paused.Milliseconds(), "paused": paused.String(), "due_at": due}
			evs = append(evs, notice.Event{At: now, Type: "clock.resumed", NoticeID: n.ID, OrgID: n.OrgID, Data: jsonOf(data)})
			cases, err := tx.NoticeCaseIDs(ctx, n.ID)
			if err != nil {
				return err
			}
			for _, cid := range cases {
				evs = append(evs, notice.Event{At: now, Type: "clock.resumed", CaseID: cid,
					Data: jsonOf(map[string]any{"notice_id": n.ID, "message_id": m.ID, "paused_ms": paused.Milliseconds()})})
			}
		case side == SidePlatform && m.Clarification:
			evs = append(evs, notice.Event{At: now, Type: "clarification.requested", NoticeID: n.ID, OrgID: n.OrgID,
				Data: jsonOf(map[string]any{"message_id": m.ID, "clock_paused": open != nil})})
		}
		return tx.AppendEvents(ctx, evs)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Service) pauses(n *notice.Notice) bool {
	if s.Policy == nil {
		return false
	}
	r, err := s.Policy.Regime(n.Regime)
	return err == nil && r.PauseOnClarification
}

func settled(status string) bool {
	return status == notice.StatusDecided || status == notice.StatusActioned || status == notice.StatusRejected
}

// Thread is a notice's messages and clock pauses.
type Thread struct {
	Messages []*notice.Message
	Pauses   []notice.Pause
	Next     string
}

// Messages returns a notice's thread for a caller who may see the notice,
// at most limit messages (at least 1) after cursor.
func (s *Service) Messages(ctx context.Context, c org.Caller, noticeID, cursor string, limit int) (*Thread, error) {
	if limit < 1 {
		// A page of none would have no last message to continue after.
		return nil, &notice.ValidationError{Fields: []notice.FieldError{{Field: "limit", Code: "invalid", Message: "limit must be at least 1"}}}
	}
	n, err := s.DB.NoticeHead(ctx, noticeID, scope(c))
	if err != nil {
		return nil, err
	}
	ms, err := s.DB.Messages(ctx, n.ID, cursor, limit+1)
	if err != nil {
		return nil, err
	}
	t := &Thread{Messages: ms}
	if len(ms) > limit {
		t.Messages = ms[:limit]
		t.Next = ms[limit-1].ID
	}
	if t.Messages == nil {
		t.Messages = []*notice.Message{}
	}
	if t.Pauses, err = s.DB.Pauses(ctx, n.ID); err != nil {
		return nil, err
	}
	return t, nil
}

// Object raises the platform's objection to an order (SAMAN "sanggah", TCO Art. 4 scrutiny).
func (s *Service) Object(ctx context.Context, c org.Caller, noticeID, reasons string) (*decision.Objection, error) {
	reasons, err := platformReasons(c, reasons)
	if err != nil {
		return nil, err
	}
	now := clock.NowMilli(s.Clock)
	var o *decision.Objection
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.LockNotice(ctx, noticeID, "")
		if err != nil {
			return err
		}
		if !notice.Binding(n.Kind) {
			return ErrNotOrder
		}
		o = &decision.Objection{ID: id.New("obj", now), NoticeID: n.ID, OrgID: c.OrgID, Author: Actor(c), Reasons: reasons,
			Status: decision.ObjectionOpen, CreatedAt: now}
		if err := tx.InsertObjection(ctx, o); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "objection.raised", NoticeID: n.ID, OrgID: n.OrgID,
			Data: jsonOf(map[string]string{"objection_id": o.ID, "reasons": reasons})}})
	})
	if err != nil {
		if isConflict(err) {
			return nil, ErrObjectionOpen
		}
		return nil, err
	}
	return o, nil
}

// AnswerObjection is the issuing authority's answer: upheld (the order
// stands) or withdrawn (the authority takes it back).
func (s *Service) AnswerObjection(ctx context.Context, c org.Caller, objectionID, outcome, answer string) (*decision.Objection, error) {
	if c.Platform() {
		return nil, ErrNotifierOnly
	}
	if outcome != decision.ObjectionUpheld && outcome != decision.ObjectionWithdrawn {
		return nil, &notice.ValidationError{Fields: []notice.FieldError{{Field: "outcome", Code: "unknown_value", Message: `outcome must be "upheld" or "withdrawn"`}}}
	}
	if utf8.RuneCountInString(answer) > MaxReasons {
		return nil, &notice.ValidationError{Fields: []notice.FieldError{{Field: "reasons", Code: "too_long", Message: "reasons is too long"}}}
	}
	now := clock.NowMilli(s.Clock)
	var o *decision.Objection
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = tx.LockObjection(ctx, objectionID); err != nil {
			return err
		}
		n, err := tx.LockNotice(ctx, o.NoticeID, c.OrgID)
		if err != nil {
			return err
		}
		if o.Status != decision.ObjectionOpen {
			return ErrObjectionClosed
		}
		o.Status, o.Answer, o.AnsweredBy, o.AnsweredAt = outcome, answer, Actor(c), &now
		if err := tx.UpdateObjection(ctx, o); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, []notice.Event{{At: now, Type: "objection.answered", NoticeID: n.ID, OrgID: n.OrgID,
			Data: jsonOf(map[string]string{"objection_id": o.ID, "outcome": outcome})}})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Objections lists a notice's objections for a caller who may see it.
func (s *Service) Objections(ctx context.Context, c org.Caller, noticeID string) ([]*decision.Objection, error) {
	if _, err := s.DB.NoticeHead(ctx, noticeID, scope(c)); err != nil {
		return nil, err
	}
	return s.DB.Objections(ctx, noticeID)
}

// messageData is a message.posted event's data: the request signature, when
// there is one, beside the message's id, side and kind.
func messageData(m *notice.Message, side string, sig *httpsig.Result) []byte {
	d := map[string]any{"message_id": m.ID, "side": side, "clarification": m.Clarification}
	if sig != nil {
		d["request_signature"] = sig
	}
	return jsonOf(d)
}
