package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/sigap/sigap/internal/notice"
)

// A notice's own row and its subjects wait in the transaction like its
// events (deferred_events.go), and are stored before anything that refers to
// them: any statement that names a notice table or a notice_id column.

// touchesNotices reports whether q reads or writes what waiting notices would change.
func touchesNotices(q string) bool { return strings.Contains(q, "notice") }

// flushNotices stores the waiting notices and their subjects.
func (t *Tx) flushNotices(ctx context.Context) error {
	if err := t.flushCases(ctx); err != nil { // the subjects name their cases
		return err
	}
	return t.notices.flush(func(ns []*notice.Notice) error {
		cols := strings.Fields(strings.ReplaceAll(noticeCols, ",", " "))
		if err := t.insertRows(ctx, "notices", cols, len(ns), func(i int, a []any) []any {
			return append(a, noticeRow(ns[i])...)
		}); err != nil {
			return err
		}
		type link struct{ n, i int }
		var links []link
		for j, n := range ns {
			for i := range n.Subjects {
				links = append(links, link{j, i})
			}
		}
		return t.insertRows(ctx, "notice_subjects", []string{"notice_id", "position", "url", "subject", "case_id", "new_case"},
			len(links), func(k int, a []any) []any {
				n := ns[links[k].n]
				s := n.Subjects[links[k].i]
				return append(a, n.ID, links[k].i, s.URL, s.Canonical, s.CaseID, s.NewCase)
			})
	})
}

// noticeRow is n's values in the order of noticeCols.
func noticeRow(n *notice.Notice) []any {
	scope, _ := json.Marshal(n.TerritorialScope)
	evidence, _ := json.Marshal(n.Evidence)
	contact := ""
	if n.Contact != nil {
		b, _ := json.Marshal(n.Contact)
		contact = string(b)
	}
	var idem any
	if n.IdempotencyKey != "" {
		idem = n.IdempotencyKey
	}
	return []any{n.ID, n.OrgID, n.Kind, n.Regime, n.Category, n.Class, n.Within.Milliseconds(), n.Explanation, n.LegalBasis,
		n.Reference, n.Urgent, n.RequestedAction, string(scope), n.Language, string(evidence), contact, n.GoodFaith,
		n.Status, ms(n.ReceivedAt), ms(n.DueAt), n.BodySHA256, idem, n.Receipt.KeyID, n.Receipt.Payload,
		n.Receipt.Signature, len(n.Subjects), n.Lane, n.LaneNote}
}

// waitingNotice returns a copy of the notice waiting in the transaction that
// org orgID sent with idempotency key key, or nil.
func (t *Tx) waitingNotice(orgID, key string) *notice.Notice {
	if key == "" {
		return nil
	}
	for _, n := range t.notices.items[t.notices.flushed:] {
		if n.OrgID == orgID && n.IdempotencyKey == key {
			c := *n
			return &c
		}
	}
	return nil
}
