package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/sigap/sigap/internal/notice"
)

// NoticeHead returns one notice without its subjects, for a page that shows
// them a page at a time: a notice may hold 100,000. orgID limits the lookup
// as in Notice.
func (db *DB) NoticeHead(ctx context.Context, noticeID, orgID string) (*notice.Notice, error) {
	q, args := selectNotice(noticeID, orgID)
	return queryOne(ctx, db, "notice "+noticeID, scanNotice, q, args...)
}

// ListPage asks for one page of a notice's subjects or cases: those whose
// text holds Text (any case; empty is all), skipping Offset, at most Limit.
type ListPage struct {
	Text          string
	Offset, Limit int
}

// like is the LIKE pattern of the page's text, with its wildcards escaped.
func (p ListPage) like() string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(p.Text)) + "%"
}

// NoticeSubjectsPage returns one page of a notice's subjects in the order
// they were sent, those whose link or canonical subject holds p.Text, and how
// many match in all.
func (db *DB) NoticeSubjectsPage(ctx context.Context, noticeID string, p ListPage) ([]notice.Subject, int, error) {
	where := ` FROM notice_subjects WHERE notice_id = ?`
	args := []any{noticeID}
	if p.Text != "" {
		where += ` AND (lower(url) LIKE ? ESCAPE '\' OR lower(subject) LIKE ? ESCAPE '\')`
		args = append(args, p.like(), p.like())
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: notice subjects count: %w", err)
	}
	items, err := queryAll(ctx, db, "notice subjects page", func(r rowScanner) (notice.Subject, error) {
		var s notice.Subject
		err := r.Scan(&s.URL, &s.Canonical, &s.CaseID, &s.NewCase)
		return s, err
	}, `SELECT url, subject, case_id, new_case`+where+` ORDER BY position LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	return items, total, err
}

// NoticeCasesPage returns one page of the cases a notice's subjects belong
// to, in the order of their first link in the notice (which needs no sort of
// every case row of a 100,000-link notice, and is stable where IDs made in
// one millisecond are not), those whose subject or ID holds p.Text, and how
// many match in all.
func (db *DB) NoticeCasesPage(ctx context.Context, noticeID string, p ListPage) ([]notice.Case, int, error) {
	// Unfiltered, the count needs no cases row: the notice's links name them.
	count := `SELECT count(DISTINCT case_id) FROM notice_subjects WHERE notice_id = ?`
	filter := ""
	args := []any{noticeID}
	if p.Text != "" {
		filter = ` AND (lower(subject) LIKE ? ESCAPE '\' OR id LIKE ? ESCAPE '\')`
		count = `SELECT count(*) FROM cases WHERE id IN (SELECT case_id FROM notice_subjects WHERE notice_id = ?)` + filter
		args = append(args, p.like(), p.like())
	}
	var total int
	if err := db.queryRow(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: notice cases count: %w", err)
	}
	items, err := queryAll(ctx, db, "notice cases page", scanCase, `SELECT `+caseCols+` FROM cases
		JOIN (SELECT case_id, min(position) AS first_link FROM notice_subjects WHERE notice_id = ? GROUP BY case_id) s
		ON s.case_id = cases.id WHERE 1 = 1`+filter+` ORDER BY s.first_link LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	return items, total, err
}
