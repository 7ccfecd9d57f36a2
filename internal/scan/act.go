package scan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/vpdq"
)

// group is the hits of one post on one bank or list: they share one notice.
type group struct {
	set      *setInfo
	hits     []int // indexes into Result.Hits
	rows     []store.ScanHit
	file     bool   // a notice is to be filed (or was, if noticeID is set)
	noticeID string // from an earlier scan of the same post
	actionID string
	retroJob string // the retroactive scan's job, "" for a live scan
}

// act records the hits and files what the policies ask for.
func (s *Scanner) act(ctx context.Context, snap *snapshot, vp validPost, media []MediaInfo, res *Result) error {
	now := clock.NowMilli(s.clock)
	day := now.Format(time.DateOnly)
	var groups []*group
	bySet := map[string]*group{}
	for i := range res.Hits {
		h := &res.Hits[i]
		r := &snap.refs[h.ref]
		g := bySet[r.set.ID]
		if g == nil {
			g = &group{set: r.set, retroJob: snap.retroJob}
			bySet[r.set.ID] = g
			groups = append(groups, g)
		}
		g.hits = append(g.hits, i)
	}
	quarantinedNow := false
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		quarantinedNow = false
		for _, g := range groups {
			g.rows, g.file, g.noticeID, g.actionID = g.rows[:0], false, "", ""
			var fresh []string // IDs of new hits that would file
			earlierFiled := false
			for _, hi := range g.hits {
				h := &res.Hits[hi]
				r := &snap.refs[h.ref]
				outcome, reason := s.outcomeFor(r)
				if outcome == "" {
					// review or auto_action: the flood guard looks first.
					q, why, err := s.floodGuard(ctx, tx, r.entry, now)
					if err != nil {
						return err
					}
					if q {
						outcome, reason, quarantinedNow = store.OutcomeQuarantined, why, true
					} else if g.set.Policy == filterset.PolicyAutoAction {
						outcome = store.OutcomeAction
					} else {
						outcome = store.OutcomeNotice
					}
				}
				at := now
				if !vp.postedAt.IsZero() && vp.postedAt.Before(now) {
					at = vp.postedAt
				}
				row := store.ScanHit{ID: id.New("hit", now), At: at, Post: vp.post, Channel: vp.channel, MessageID: vp.msgID,
					Matcher: h.Matcher, SetID: g.set.ID, EntryID: r.entry, Distance: h.Distance, Detail: h.Matched,
					Policy: g.set.Policy, Outcome: outcome}
				isNew, err := tx.InsertHit(ctx, &row)
				if err != nil {
					return err
				}
				if !isNew {
					outcome = row.Outcome
					reason = "already recorded for this post"
					if row.NoticeID != "" {
						g.noticeID, g.actionID = row.NoticeID, row.ActionID
					}
				}
				if outcome == store.OutcomeNotice || outcome == store.OutcomeAction {
					if isNew {
						fresh = append(fresh, row.ID)
					} else {
						earlierFiled = true
					}
				}
				h.Outcome, h.Reason = outcome, reason
				g.rows = append(g.rows, row)
			}
			switch {
			case earlierFiled:
				g.file = true // a repeat: file (idempotently) only if the earlier attempt did not finish
			case len(fresh) > 0:
				ok, err := tx.TakeBreaker(ctx, g.set.ID, day, s.cfg.DailyCap)
				if err != nil {
					return err
				}
				if !ok {
					if err := tx.SetHitsOutcome(ctx, fresh, store.OutcomeBreakerOpen); err != nil {
						return err
					}
					for _, hi := range g.hits {
						if h := &res.Hits[hi]; h.Outcome == store.OutcomeNotice || h.Outcome == store.OutcomeAction {
							h.Outcome = store.OutcomeBreakerOpen
							h.Reason = fmt.Sprintf("circuit breaker open: %s %q reached its cap of %d automated notices today (UTC); the hit is recorded, no notice filed",
								g.set.Family, g.set.Name, s.cfg.DailyCap)
						}
					}
					continue
				}
				g.file = true
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan: record hits: %w", err)
	}
	if quarantinedNow {
		s.Invalidate()
	}
	for _, g := range groups {
		if !g.file {
			continue
		}
		if err := s.file(ctx, g, vp, media, res, now); err != nil {
			return err
		}
	}
	return nil
}

// outcomeFor is the outcome decided by the snapshot alone, "" when the
// set's policy asks for a notice.
func (s *Scanner) outcomeFor(r *ref) (string, string) {
	switch {
	case r.set.Policy == filterset.PolicyShadow:
		return store.OutcomeShadow, "shadow mode: recorded only"
	case r.quarantined:
		return store.OutcomeQuarantined, "entry quarantined by the flood guard: recorded only until released"
	}
	return "", ""
}

// floodGuard quarantines an entry whose hits in the last hour exceed both
// FloodMin and FloodFactor times its hourly average over the week before.
func (s *Scanner) floodGuard(ctx context.Context, tx *store.Tx, entryID string, now time.Time) (bool, string, error) {
	if q, err := tx.EntryQuarantined(ctx, entryID); err != nil || q {
		return q, "entry quarantined by the flood guard: recorded only until released", err
	}
	recent, base, err := tx.EntryHitWindow(ctx, entryID, now.Add(-time.Hour), now.Add(-7*24*time.Hour))
	if err != nil {
		return false, "", err
	}
	recent++ // this hit
	perHour := float64(base) / (7*24 - 1)
	limit := max(float64(s.cfg.FloodMin), s.cfg.FloodFactor*perHour)
	if float64(recent) <= limit {
		return false, "", nil
	}
	why := fmt.Sprintf("flood guard: %d hits in the last hour against a usual %.1f an hour (limit %.0f); entry quarantined, acting as shadow until released",
		recent, perHour, limit)
	if err := tx.QuarantineEntry(ctx, entryID, why, now); err != nil {
		return false, "", err
	}
	s.log.Warn("scan: flood guard quarantined an entry", "entry", entryID, "hits_last_hour", recent, "hourly_baseline", perHour)
	return true, why, nil
}

func (s *Scanner) platformCaller(ctx context.Context) (org.Caller, error) {
	s.orgMu.Lock()
	defer s.orgMu.Unlock()
	if s.platformOrg == "" {
		id, err := s.db.PlatformOrgID(ctx)
		if err != nil {
			return org.Caller{}, err
		}
		s.platformOrg = id
	}
	return org.Caller{OrgID: s.platformOrg, OrgKind: org.KindPlatform, Role: org.RoleAdmin, KeyID: "sigap-scan"}, nil
}

// file submits the automated notice of a group through intake (idempotently
// per post and set), then records it on the hits and, for auto_action, a
// pending automated action.
func (s *Scanner) file(ctx context.Context, g *group, vp validPost, media []MediaInfo, res *Result, now time.Time) error {
	caller, err := s.platformCaller(ctx)
	if err != nil {
		return fmt.Errorf("scan: file notice: %w", err)
	}
	requested := notice.RequestReview
	if g.set.Policy == filterset.PolicyAutoAction {
		requested = action.Remove
	}
	var lines []string
	evidence := []notice.Evidence{}
	seenMedia := map[int]bool{}
	for _, hi := range g.hits {
		h := res.Hits[hi]
		if h.Outcome != store.OutcomeNotice && h.Outcome != store.OutcomeAction && h.Reason != "already recorded for this post" {
			continue
		}
		line := fmt.Sprintf("- %s entry %s", h.Matcher, h.Entry)
		switch {
		case h.Matcher == "pdq":
			line += fmt.Sprintf(" at distance %d", h.Distance)
		case h.Matcher == "near_duplicate":
			line += fmt.Sprintf(" at similarity %.2f", h.Similarity)
		case h.Value != "":
			line += fmt.Sprintf(" (%q)", clip(h.Value, 100))
		}
		if h.Matched != "" && h.Matcher != "pdq" {
			line += fmt.Sprintf(", matched %q", clip(h.Matched, 100))
		}
		lines = append(lines, line)
		if h.Media != nil && !seenMedia[*h.Media] && *h.Media < len(media) && media[*h.Media].SHA256 != "" && len(evidence) < 10 {
			seenMedia[*h.Media] = true
			evidence = append(evidence, notice.Evidence{SHA256: media[*h.Media].SHA256,
				Description: fmt.Sprintf("media %d of the post, matched by %s", *h.Media, h.Matcher)})
		}
	}
	how := "Automated match by sigap's scan"
	if g.retroJob != "" {
		how = "Retroactive match by sigap's scan (" + g.retroJob + ") of a post made before the entry existed"
	}
	expl := fmt.Sprintf("%s of %s: %s %q (%s, policy %s, labels %s).\n%s",
		how, vp.url, g.set.Family, g.set.Name, g.set.ID, g.set.Policy, strings.Join(g.set.Labels, ", "), strings.Join(lines, "\n"))
	body := map[string]any{
		"kind": notice.KindReport, "category": g.set.Category, "explanation": clip(expl, 19_000),
		"subjects": []map[string]string{{"url": vp.url}}, "good_faith": true, "requested_action": requested,
		"reference": "sigap-scan/" + g.set.ID,
	}
	if len(evidence) > 0 {
		body["evidence"] = evidence
	}
	if g.set.Language != "" {
		body["language"] = g.set.Language
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("scan: file notice: %w", err)
	}
	sum := sha256.Sum256([]byte(vp.post + "\x00" + g.set.ID))
	key := "scan-" + hex.EncodeToString(sum[:16])
	// The idempotency key is per post and set, not per body: a repeat may
	// carry different hits yet must not file twice. Submit compares bodies,
	// so a repeat's differing body reads the first notice back instead.
	r, err := s.intake.Submit(ctx, caller, "", raw, key)
	if err != nil {
		prev, perr := s.db.NoticeByIdempotencyKey(ctx, caller.OrgID, key)
		if perr != nil {
			return fmt.Errorf("scan: file notice for %s: %w", g.set.ID, err)
		}
		r.Notice, r.Stored = prev, false
	}
	n := r.Notice
	ref := NoticeRef{ID: n.ID, List: g.set.ID, RequestedAction: requested, Status: n.Status, DueAt: n.DueAt.Format(time.RFC3339), Repeat: !r.Stored}
	if len(n.Subjects) > 0 {
		ref.CaseID, ref.NewCase = n.Subjects[0].CaseID, n.Subjects[0].NewCase
	}
	res.Notices = append(res.Notices, ref)
	var act store.AutomatedAction
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		actionID := ""
		if g.set.Policy == filterset.PolicyAutoAction {
			var err error
			act, err = tx.InsertAutomatedAction(ctx, store.AutomatedAction{ID: id.New("act", now), CreatedAt: now, SetID: g.set.ID,
				Post: vp.post, URL: vp.url, Action: action.Remove, State: "pending", NoticeID: n.ID, CaseID: ref.CaseID})
			if err != nil {
				return err
			}
			actionID = act.ID
		}
		if err := tx.SetHitsFiled(ctx, vp.post, g.set.ID, n.ID, actionID); err != nil {
			return err
		}
		// What the post held, so a remove decision on its case can bank it (package removed).
		if err := tx.InsertScanPost(ctx, scanPost(n.ID, vp, media, now)); err != nil {
			return err
		}
		return s.tellFiled(ctx, tx, Filed{SetID: g.set.ID, NoticeID: n.ID, CaseID: ref.CaseID, Post: vp.post, RetroJob: g.retroJob, At: now})
	})
	if err != nil {
		return fmt.Errorf("scan: record notice: %w", err)
	}
	if act.ID != "" {
		res.Actions = append(res.Actions, ActionRef{ID: act.ID, List: g.set.ID, Notice: n.ID, CaseID: act.CaseID, Action: act.Action,
			State: act.State, Note: "recorded for the enforcement side to deliver; not executed yet"})
	}
	return nil
}

// maxKeptText bounds the text kept with an automated notice: the size of a
// near-duplicate list entry.
const maxKeptText = 64 << 10

// scanPost is what the post behind an automated notice held: its media
// hashes and its text (cut at maxKeptText on a character boundary).
func scanPost(noticeID string, vp validPost, media []MediaInfo, now time.Time) store.ScanPost {
	text := vp.text
	if len(text) > maxKeptText {
		text = text[:maxKeptText]
		for len(text) > 0 && !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
	}
	p := store.ScanPost{NoticeID: noticeID, Post: vp.post, Text: text, CreatedAt: now}
	for _, m := range media {
		sm := store.ScanMedia{PDQ: m.PDQ, Quality: m.Quality, MD5: m.MD5, SHA256: m.SHA256}
		if m.vpdq != nil {
			// Only the frames that can match, each hash once: what the
			// removed-content bank needs, in a fraction of the full hash.
			sm.VPDQ = matchableVPDQ(m.vpdq)
		}
		p.Media = append(p.Media, sm)
	}
	return p
}

// matchableVPDQ is h's frames of matching quality, each distinct hash once
// (its first frame), as the reference's lines.
func matchableVPDQ(h vpdq.Hash) string {
	seen := make(map[pdq.Hash]bool, len(h))
	var keep vpdq.Hash
	for _, f := range h {
		if f.Quality < vpdq.DefaultMinQuality || seen[f.Hash] {
			continue
		}
		seen[f.Hash] = true
		keep = append(keep, f)
	}
	if len(keep) == 0 {
		return ""
	}
	return keep.String()
}
