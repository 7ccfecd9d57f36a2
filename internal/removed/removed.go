package removed

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/store"
)

// The built-in sets have fixed IDs, so every process (API replicas, scan
// workers) finds the same ones without coordination.
const (
	// BankExactID holds MD5 and SHA-256 hashes of removed content. Its policy
	// is auto_action: an exact copy of what a reviewer already decided to
	// remove needs no second review (the circuit breaker and flood guard
	// still apply).
	BankExactID = "bnk_removed"
	// BankSimilarID holds PDQ hashes of removed images. A PDQ match within
	// the threshold is similar, not identical (a crop, a caption, a different
	// image that happens to be close), so its policy is review.
	BankSimilarID = "bnk_removed_similar"
	// ListTextsID holds the texts of removed posts, matched as near-duplicates
	// (similarity, not identity), so its policy is review.
	ListTextsID = "lst_removed_texts"
)

// Label is the label of the built-in sets. It is not a contract category,
// so automated notices from them are filed under "other".
const Label = "removed_by_platform"

// Source is the provenance of every entry a decision adds.
func Source(decisionID string) string { return "decision:" + decisionID }

func builtins(now time.Time, orgID string) []struct {
	set store.FilterSet
	alt string
} {
	mk := func(id, family, kind, name, policy, desc string) store.FilterSet {
		return store.FilterSet{ID: id, Family: family, Name: name, Kind: kind, Policy: policy, Labels: []string{Label},
			Description: desc, Enabled: true, RolloutFraction: 1, CreatedByOrg: orgID, CreatedByKey: "sigap-removed",
			CreatedAt: now, UpdatedAt: now}
	}
	return []struct {
		set store.FilterSet
		alt string
	}{
		{mk(BankExactID, store.FamilyBank, "hash", "Removed by the platform / Dihapus oleh platform", filterset.PolicyAutoAction,
			"Built in: MD5 and SHA-256 of content removed by a final decision, added automatically. / Bawaan: MD5 dan SHA-256 konten yang dihapus oleh keputusan final, ditambahkan otomatis."),
			"Removed by the platform / Dihapus oleh platform (sigap)"},
		{mk(BankSimilarID, store.FamilyBank, "hash", "Removed by the platform, similar images / Dihapus oleh platform, gambar mirip", filterset.PolicyReview,
			"Built in: PDQ hashes of images and vPDQ hashes of videos removed by a final decision; near matches go to review. / Bawaan: hash PDQ gambar dan vPDQ video yang dihapus oleh keputusan final; kecocokan mirip masuk peninjauan."),
			"Removed by the platform, similar images / Dihapus oleh platform, gambar mirip (sigap)"},
		{mk(ListTextsID, store.FamilyList, rulelist.KindText, "Removed texts / Teks yang dihapus", filterset.PolicyReview,
			"Built in: texts of posts removed by a final decision, matched as near-duplicates. / Bawaan: teks unggahan yang dihapus oleh keputusan final, dicocokkan sebagai hampir-duplikat."),
			"Removed texts / Teks yang dihapus (sigap)"},
	}
}

// OnRemove runs inside the transaction in which a remove decision becomes
// final. It adds every hash known for the case's content to the built-in
// banks (evidence SHA-256 of the notices; MD5, SHA-256 and PDQ of the posts
// the scan filed about) and the posts' texts to the built-in text list, each
// with source decision:<id>, the case and the reviewer. Hashes already live
// in a bank are skipped, never an error. Any change bumps the filter
// generation, so scanners rebuild within their poll interval.
func OnRemove(ctx context.Context, tx *store.Tx, caseID string, d *decision.Decision, now time.Time) error {
	evidence, err := tx.CaseEvidence(ctx, caseID)
	if err != nil {
		return err
	}
	posts, err := tx.CaseScanPosts(ctx, caseID)
	if err != nil {
		return err
	}
	type sig struct{ set, typ, value, key string }
	var sigs []sig
	add := func(set, typ, v string) {
		v, err := bank.NormalizeValue(typ, v)
		if err != nil {
			return // not a valid signal (or the all-zero PDQ): nothing to match on
		}
		if s := (sig{set, typ, v, bank.Kind{}.MatchKey("", typ, v)}); !slices.Contains(sigs, s) {
			sigs = append(sigs, s)
		}
	}
	for _, e := range evidence {
		add(BankExactID, bank.TypeSHA256, e.SHA256)
	}
	var texts []string
	for _, p := range posts {
		for _, m := range p.Media {
			add(BankExactID, bank.TypeMD5, m.MD5)
			add(BankExactID, bank.TypeSHA256, m.SHA256)
			// A low-quality PDQ hash is never matched; banking it would only mislead.
			if m.PDQ != "" && (m.Quality == nil || *m.Quality >= pdq.QualityThreshold) {
				add(BankSimilarID, bank.TypePDQ, m.PDQ)
			}
			// A video's vPDQ is similarity too (a cut, a re-encode): review.
			if m.VPDQ != "" {
				add(BankSimilarID, bank.TypeVPDQ, m.VPDQ)
			}
		}
		if t := textEntry(p.Text); t != "" && !slices.Contains(texts, t) {
			texts = append(texts, t)
		}
	}
	if len(sigs) == 0 && len(texts) == 0 {
		return nil
	}
	for _, b := range builtins(now, d.OrgID) {
		need := b.set.ID == ListTextsID && len(texts) > 0
		for _, s := range sigs {
			need = need || s.set == b.set.ID
		}
		if !need {
			continue
		}
		if _, err := tx.EnsureFilterSet(ctx, b.set, b.alt); err != nil {
			return fmt.Errorf("removed: built-in set %s: %w", b.set.ID, err)
		}
	}
	entry := func(set, typ, v string) store.FilterEntry {
		return store.FilterEntry{ID: id.New("ent", now), SetID: set, Type: typ, Value: v, Source: Source(d.ID), CaseID: caseID,
			AddedByOrg: d.OrgID, AddedByKey: d.Reviewer, AddedAt: now}
	}
	var hashes, textEntries []store.FilterEntry
	for _, s := range sigs {
		e := entry(s.set, s.typ, s.value)
		e.MatchKey = s.key
		hashes = append(hashes, e)
	}
	for _, t := range texts {
		e := entry(ListTextsID, rulelist.KindText, t)
		e.MatchKey = rulelist.MatchKey(rulelist.KindText, rulelist.KindText, t)
		textEntries = append(textEntries, e)
	}
	if _, err := tx.AddFilterEntries(ctx, append(hashes, textEntries...)); err != nil {
		return fmt.Errorf("removed: add entries: %w", err)
	}
	return nil
}

// OnReverse runs inside the transaction in which an appeal reverses a
// remove decision: the entries that decision added stop matching
// (tombstoned, kept on record with who removed them).
func OnReverse(ctx context.Context, tx *store.Tx, caseID string, d *decision.Decision, by string, now time.Time) error {
	_, err := tx.TombstoneCaseEntries(ctx, caseID, Source(d.ID), by, now)
	return err
}

// textEntry is a post's text as a near-duplicate entry, or "" when it is too
// short to be one (shorter texts would match too much) or otherwise refused
// by the list's own check, so a decision never fails over a text.
func textEntry(s string) string {
	if len(s) > rulelist.MaxTextEntry {
		s = s[:rulelist.MaxTextEntry]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	_, v, err := rulelist.Check(rulelist.KindText, s)
	if err != nil {
		return ""
	}
	return v
}
