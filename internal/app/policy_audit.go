package app

import (
	"context"
	"fmt"
	"os"

	"github.com/sigap/sigap/internal/admin"
)

// auditPolicy records the policy file in the audit record when its content
// is new: the policy changes by editing the file and restarting. Without a
// file the built-in defaults are in force and nothing is recorded.
func (a *App) auditPolicy(ctx context.Context) error {
	if a.Config.PolicyFile == "" {
		return nil
	}
	b, err := os.ReadFile(a.Config.PolicyFile)
	if err != nil {
		return fmt.Errorf("app: read policy file for the audit record: %w", err)
	}
	digest := admin.PolicyDigest(b)
	wrote, err := a.Admin.RecordPolicy(ctx, digest)
	if err != nil {
		return fmt.Errorf("app: audit the policy file: %w", err)
	}
	if wrote {
		a.Log.Info("policy file is new since the last start; recorded in the audit record", "file", a.Config.PolicyFile, "digest", digest)
	}
	return nil
}
