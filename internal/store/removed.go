package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sigap/sigap/internal/notice"
)

// ScanMedia is what the scan learned of one media item of a post.
type ScanMedia struct {
	PDQ     string `json:"pdq,omitempty"`
	Quality *int   `json:"quality,omitempty"`
	MD5     string `json:"md5,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	// VPDQ is a video's vPDQ frames of matching quality (the reference's lines).
	VPDQ string `json:"vpdq,omitempty"`
}

// ScanPost is a post the scan filed an automated notice about: kept so that
// a final remove decision on the notice's case can feed the post's hashes
// and text to the removed-content banks and list.
type ScanPost struct {
	NoticeID  string
	Post      string
	Media     []ScanMedia
	Text      string
	CreatedAt time.Time
}

// InsertScanPost records the post behind an automated notice, once per notice.
func (t *Tx) InsertScanPost(ctx context.Context, p ScanPost) error {
	media := p.Media
	if media == nil {
		media = []ScanMedia{}
	}
	m, err := json.Marshal(media)
	if err != nil {
		return fmt.Errorf("store: scan post: %w", err)
	}
	return t.run(ctx, "scan post", `INSERT INTO scan_posts (notice_id, post, media, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		p.NoticeID, p.Post, string(m), p.Text, ms(p.CreatedAt))
}

// CaseScanPosts returns the scanned posts behind the automated notices on a case.
func (t *Tx) CaseScanPosts(ctx context.Context, caseID string) ([]ScanPost, error) {
	return queryAll(ctx, t, "case scan posts", scanScanPost, `SELECT notice_id, post, media, text, created_at FROM scan_posts WHERE notice_id IN
		(SELECT notice_id FROM notice_subjects WHERE case_id = ?) ORDER BY notice_id`, caseID)
}

func scanScanPost(r rowScanner) (ScanPost, error) {
	var p ScanPost
	var media string
	var created int64
	if err := r.Scan(&p.NoticeID, &p.Post, &media, &p.Text, &created); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(media), &p.Media); err != nil {
		return p, fmt.Errorf("media of %s: %w", p.NoticeID, err)
	}
	p.CreatedAt = fromMS(created)
	return p, nil
}

// CaseEvidence returns the evidence items of every notice on a case, in notice order.
func (t *Tx) CaseEvidence(ctx context.Context, caseID string) ([]notice.Evidence, error) {
	lists, err := queryAll(ctx, t, "case evidence", func(r rowScanner) ([]notice.Evidence, error) {
		var raw string
		var ev []notice.Evidence
		err := r.Scan(&raw)
		if err == nil && raw != "" && raw != "null" {
			err = json.Unmarshal([]byte(raw), &ev)
		}
		return ev, err
	}, `SELECT evidence FROM notices WHERE id IN (SELECT notice_id FROM notice_subjects WHERE case_id = ?) ORDER BY id`, caseID)
	return slices.Concat(lists...), err
}

// EnsureFilterSet creates s (a built-in set with a fixed ID) unless a set
// with its ID exists, and returns the stored set. A user's set that already
// holds the name is left alone: the built-in takes alt as its name instead.
func (t *Tx) EnsureFilterSet(ctx context.Context, s FilterSet, alt string) (FilterSet, error) {
	got, err := t.FilterSet(ctx, s.ID)
	if err == nil {
		return got, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return got, err
	}
	taken, err := exists(ctx, t, "ensure filter set", `SELECT COUNT(*) FROM filter_sets WHERE family = ? AND name = ?`, s.Family, s.Name)
	if err != nil {
		return s, err
	}
	if taken {
		s.Name = alt
	}
	if err := t.CreateFilterSet(ctx, s); err != nil {
		return s, err
	}
	return s, nil
}

// TombstoneCaseEntries tombstones the live entries of a case that carry
// source (say "decision:dec_..."), in any set, and returns how many. The
// extra condition on an empty case_id lets both engines use the partial
// index filter_entries_case.
func (t *Tx) TombstoneCaseEntries(ctx context.Context, caseID, source, by string, now time.Time) (int, error) {
	n, err := t.changed(ctx, "tombstone case entries",
		`UPDATE filter_entries SET removed_at = ?, removed_by = ? WHERE case_id = ? AND case_id <> '' AND source = ? AND removed_at IS NULL`,
		ms(now), by, caseID, source)
	if err != nil {
		return 0, err
	}
	return t.entriesChanged(ctx, n)
}
