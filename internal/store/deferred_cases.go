package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
)

// A notice's cases are opened or joined when the group's rows are stored,
// like its other rows (deferred_events.go): one upsert for the group's
// subjects instead of one per notice, which on PostgreSQL was the one round
// trip a notice still made on its own, and the writer's most frequent wait.
// The result is the one the notices would have had one after another: the
// first notice naming a subject opens its case (or joins the open one), the
// later ones join it, and the case's deadline is the earliest and its lane
// the most urgent of them.

// pendingCases is a notice whose subjects wait for their cases; its events,
// already queued from index ev on (the received event, then one a subject),
// learn their case and whether it was opened when the cases are stored.
type pendingCases struct {
	n  *notice.Notice
	ev int
}

// touchesCases reports whether q reads or writes what waiting cases would change.
func touchesCases(q string) bool { return strings.Contains(q, "case") }

// caseRow is one subject's row in the group's upsert.
type caseRow struct {
	id, subject, kind, channel, lane, category, language string
	rank                                                 int
	due, opened, updated                                 int64
}

// flushCases opens or joins the cases of the waiting notices, and fills in
// their subjects' CaseID and NewCase and their events' case and type.
func (t *Tx) flushCases(ctx context.Context) error {
	return t.cases.flush(func(items []pendingCases) error {
		rows := map[string]*caseRow{}
		for _, p := range items {
			n := p.n
			rank, due, at := notice.LaneRank(n.Lane), ms(n.DueAt), ms(n.ReceivedAt)
			for _, s := range n.Subjects {
				r, ok := rows[s.Canonical]
				if !ok {
					rows[s.Canonical] = &caseRow{id: id.New("case", n.ReceivedAt), subject: s.Canonical, kind: s.Kind, channel: s.Channel,
						lane: n.Lane, category: n.Category, language: n.Language, rank: rank, due: due, opened: at, updated: at}
					continue
				}
				r.due, r.updated = min(r.due, due), max(r.updated, at)
				if rank < r.rank {
					r.lane, r.rank = n.Lane, rank
				}
			}
		}
		// In the order of the subjects, so two writers lock shared subjects'
		// index entries in one order and do not deadlock.
		order := make([]*caseRow, 0, len(rows))
		for _, r := range rows {
			order = append(order, r)
		}
		slices.SortFunc(order, func(a, b *caseRow) int { return strings.Compare(a.subject, b.subject) })
		got := make(map[string]string, len(order)) // subject -> the case it is in
		if err := t.insertRowsThen(ctx, "cases", caseInsertCols, len(order), func(i int, a []any) []any {
			r := order[i]
			return append(a, r.id, r.subject, r.kind, r.channel, notice.CaseOpen, r.lane, r.rank, r.category, r.language, r.due, r.opened, r.updated)
		}, joinOpenCase, func(r rowScanner) error {
			var cid, subj string
			if err := r.Scan(&cid, &subj); err != nil {
				return err
			}
			got[subj] = cid
			return nil
		}); err != nil {
			return fmt.Errorf("store: open cases: %w", err)
		}
		first := make(map[string]bool, len(order)) // subjects whose first link has been seen
		for _, p := range items {
			for i := range p.n.Subjects {
				s := &p.n.Subjects[i]
				cid, ok := got[s.Canonical]
				if !ok {
					return fmt.Errorf("store: open cases: no case for %s", s.Canonical)
				}
				s.CaseID, s.NewCase = cid, cid == rows[s.Canonical].id && !first[s.Canonical]
				first[s.Canonical] = true
				ev := &t.events.items[p.ev+1+i].ev
				ev.CaseID, ev.Type = cid, notice.EventCaseJoined
				if s.NewCase {
					ev.Type = notice.EventCaseOpened
				}
			}
		}
		return nil
	})
}
