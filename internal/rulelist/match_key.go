package rulelist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp/syntax"

	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/subject"
	"github.com/sigap/sigap/internal/textnorm"
)

// MatchKey is what a checked rule matches, hashed to a fixed size so the
// store can index it (a text entry may be 64 KiB): the normalised text of a
// keyword or near-duplicate text, the simplified syntax of a regex, the
// normalised domain, or the canonical subject of a URL, channel or message
// link. Two rules of one list with the same key match the same posts, so the
// store keeps one ("JIHAD" and "j1h4d" beside "jihad"; "t.me/SomeChannel"
// beside "https://t.me/s/somechannel"; "tg://resolve?domain=OtherChan&post=77"
// beside "https://t.me/OtherChan/77"). typ and stored are what Check returned.
// Every writer of list rules sets it, the removed-content feed too.
func MatchKey(kind, typ, stored string) string {
	k := stored
	switch kind {
	case KindKeyword, KindText:
		k = textnorm.Normalize(stored)
	case KindRegex:
		if re, err := syntax.Parse(stored, syntax.Perl); err == nil {
			k = re.Simplify().String()
		}
	case KindLink:
		if typ != TypeDomain {
			if sub, err := subject.Parse(stored); err == nil {
				k = sub.Canonical
			}
		}
	}
	sum := sha256.Sum256([]byte(kind + "\x00" + typ + "\x00" + k))
	return hex.EncodeToString(sum[:])
}

// BackfillMatchKeys gives a match key to the live rules stored before rules
// had them (migration 00110), so that a rule added later is found to be their
// duplicate too. Of two such rules that match the same posts, the first in ID
// order gets the key and the other one of its own (see store.SetMatchKey). It
// returns how many rules it gave their key; when there are none left it costs
// one query, and nothing once it has completed.
func (s *Service) BackfillMatchKeys(ctx context.Context) (int, error) {
	if done, err := s.DB.MatchKeysDone(ctx); err != nil || done {
		return 0, err
	}
	keyed, after := 0, ""
	for {
		page, err := s.DB.KeylessListEntries(ctx, after, 1000)
		if err != nil {
			return keyed, err
		}
		if len(page) == 0 {
			// Every writer of list rules gives them keys since 00110, so this runs once.
			return keyed, s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SetMatchKeysDone(ctx) })
		}
		err = s.DB.Write(ctx, func(tx *store.Tx) error {
			for _, e := range page {
				ok, err := tx.SetMatchKey(ctx, e.ID, e.SetID, MatchKey(e.SetKind, e.Type, e.Value))
				if err != nil {
					return err
				}
				if ok {
					keyed++
				}
			}
			return nil
		})
		if err != nil {
			return keyed, fmt.Errorf("rulelist: backfill match keys: %w", err)
		}
		after = page[len(page)-1].ID
	}
}
