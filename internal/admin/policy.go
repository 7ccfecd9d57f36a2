package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/store"
)

// PolicyDigest names a policy file's content in the audit record.
func PolicyDigest(content []byte) string {
	sum := sha256.Sum256(content)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// RecordPolicy writes a policy.loaded audit entry when the policy file's
// digest differs from the last one recorded: the policy changes only by
// editing its file and restarting, so a start with a new file is the change.
// It reports whether it wrote one.
func (s *Service) RecordPolicy(ctx context.Context, digest string) (bool, error) {
	last, err := s.DB.LastAuditObject(ctx, audit.PolicyLoaded)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if last == digest {
		return false, nil
	}
	now := clock.NowMilli(s.Clock)
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, audit.Entry{At: now, Actor: audit.System, Action: audit.PolicyLoaded, Object: digest})
	})
	return err == nil, err
}
