package admin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// ErrKeyNotLive refuses to rotate a key that is revoked or expired: its
// holder must be given a new key instead.
var ErrKeyNotLive = errors.New("admin: the key is revoked or expired")

// MaxOverlap bounds a rotation's overlap: long enough to redeploy anything,
// short enough that a rotation ends the old key in time.
const MaxOverlap = 30 * 24 * time.Hour

// DefaultOverlap is how long the old key of a rotation keeps working when the
// request names no overlap.
const DefaultOverlap = 24 * time.Hour

// LastUsedEvery is how stale a key's last_used_at may be before a request
// writes it again: once a minute per key, not once a request.
const LastUsedEvery = time.Minute

// Keys lists an org's keys, never their secrets.
func (s *Service) Keys(ctx context.Context, orgID string) ([]store.KeyInfo, error) {
	if _, err := s.DB.Org(ctx, orgID); err != nil {
		return nil, err
	}
	return s.DB.Keys(ctx, orgID)
}

// RevokeKey revokes one of an org's keys; from the commit on every request
// with it is refused. Revoking a revoked key again changes nothing and is no
// error, so a retried revocation succeeds; a key of another org is ErrNotFound.
func (s *Service) RevokeKey(ctx context.Context, orgID, keyID string) error {
	now := clock.NowMilli(s.Clock)
	defer s.keys.forget() // after the commit: from here on this process reads the revoked row
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		k, err := tx.Key(ctx, orgID, keyID)
		if err != nil || k.Revoked {
			return err
		}
		if err := tx.RevokeKey(ctx, keyID, now); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{At: now, Action: audit.KeyRevoked, Object: keyID, OrgID: orgID})
	})
}

// Rotation is a rotated key: the new key, and when the old one stops working.
type Rotation struct {
	NewKey
	Replaces     string    `json:"replaces"`
	OldExpiresAt time.Time `json:"old_expires_at"`
}

// ParseOverlap reads a rotation's overlap in Go duration syntax ("24h",
// "90m"); "" is DefaultOverlap.
func ParseOverlap(s string) (time.Duration, error) {
	if s == "" {
		return DefaultOverlap, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > MaxOverlap {
		return 0, &notice.ValidationError{Fields: []notice.FieldError{{Field: "overlap", Code: "invalid",
			Message: "overlap must be a duration such as 24h or 90m, from 0s to 720h"}}}
	}
	return d, nil
}

// RotateKey issues a new key with the old key's role and makes the old one
// expire overlap from now (or sooner, if it was due to expire before), so its
// holder can move to the new key without a gap.
func (s *Service) RotateKey(ctx context.Context, orgID, keyID string, overlap time.Duration) (Rotation, error) {
	if overlap < 0 || overlap > MaxOverlap {
		return Rotation{}, fmt.Errorf("admin: overlap %s out of range", overlap)
	}
	now := clock.NowMilli(s.Clock)
	var rot Rotation
	defer s.keys.forget() // after the commit: the old key's new expiry holds here at once
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.Key(ctx, orgID, keyID)
		if err != nil {
			return err
		}
		if old.Revoked || old.Expired(now) {
			return ErrKeyNotLive
		}
		until := now.Add(overlap)
		if !old.ExpiresAt.IsZero() && old.ExpiresAt.Before(until) {
			until = old.ExpiresAt
		}
		if err := tx.SetKeyExpiry(ctx, keyID, until); err != nil {
			return err
		}
		nk, err := s.insertKey(ctx, tx, orgID, old.Role, time.Time{})
		if err != nil {
			return err
		}
		rot = Rotation{NewKey: nk, Replaces: keyID, OldExpiresAt: until}
		return tx.Audit(ctx, audit.Entry{At: now, Action: audit.KeyRotated, Object: keyID, OrgID: orgID})
	})
	return rot, err
}

// TouchKey records that a key was used now, when its last record is older
// than LastUsedEvery; k is the key as the caller read it.
func (s *Service) TouchKey(ctx context.Context, k store.KeyInfo) error {
	now := clock.NowMilli(s.Clock)
	if !k.LastUsedAt.IsZero() && now.Sub(k.LastUsedAt) < LastUsedEvery {
		return nil
	}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.TouchKey(ctx, k.ID, now, now.Add(-LastUsedEvery)) }); err != nil {
		return err
	}
	s.keys.touched(k.ID, now)
	return nil
}

// keyRole is the role of a key being made, checked against its org.
func keyRole(kind org.Kind, role org.Role) error {
	if !org.ValidRole(role) {
		return &notice.ValidationError{Fields: []notice.FieldError{{Field: "role", Code: "unknown_value",
			Message: "role must be one of: admin, reviewer, authority, flagger, auditor"}}}
	}
	if err := org.RoleFits(kind, role); err != nil {
		return &notice.ValidationError{Fields: []notice.FieldError{{Field: "role", Code: "role_mismatch", Message: err.Error()}}}
	}
	return nil
}
