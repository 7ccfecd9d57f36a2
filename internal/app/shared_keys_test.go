package app_test

import (
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/app"
	"github.com/sigap/sigap/internal/config"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestReplicasShareTheKeys starts several Apps on one database, each with
// its own data dir, and checks they sign as one service on PostgreSQL, with
// the keys sealed once a wrap key is given and refused without it or with
// another; on SQLite each data dir keeps its own files as before.
func TestReplicasShareTheKeys(t *testing.T) {
	t.Parallel()
	wrapA := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 32)))
	wrapB := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("b", 32)))
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		start := func(dir, wrap string) (*app.App, error) {
			return app.New(ctx, config.Config{DataDir: dir, DB: e.URL, KeyWrap: wrap}, slog.New(slog.DiscardHandler), nil)
		}
		first, err := start(e.Dir, "")
		if err != nil {
			t.Fatal(err)
		}
		keyID, logKey := first.Signer.KeyID(), first.TransLog.Key().VerifierKey
		first.Close()
		if e.URL == "" {
			return // SQLite: one process, the data dir's files (covered by TestNewBuildsEveryServiceOnce)
		}
		db := storetest.Open(t, e)
		for _, tc := range []struct {
			name, wrap, wantErr string
		}{
			{name: "plain, no wrap key"},
			{name: "sealed by the first wrap key", wrap: wrapA},
			{name: "sealed: no wrap key", wantErr: "--key-wrap-file"},
			{name: "sealed: another wrap key", wrap: wrapB, wantErr: "does not open"},
			{name: "sealed, the same wrap key", wrap: wrapA},
		} {
			dir := t.TempDir()
			a, err := start(dir, tc.wrap)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.wantErr)
				}
				if err == nil {
					a.Close()
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if a.Signer.KeyID() != keyID || a.TransLog.Key().VerifierKey != logKey {
				t.Errorf("%s: keys %s %s, want the first replica's %s %s", tc.name, a.Signer.KeyID(), a.TransLog.Key().VerifierKey, keyID, logKey)
			}
			for _, f := range []string{"receipt-signing.key", "log-signing.key", "dsa-puid.key"} {
				// A key file's time dates its key (its validity in GET /v1/keys): the
				// database's, on every replica.
				info, err := os.Stat(filepath.Join(dir, f))
				sk, serr := db.ServiceKey(ctx, f)
				if err != nil || serr != nil || !info.ModTime().Truncate(time.Millisecond).Equal(sk.CreatedAt.Truncate(time.Millisecond)) {
					t.Errorf("%s: %s dated %v, the database %v (%v, %v)", tc.name, f, info.ModTime(), sk.CreatedAt, err, serr)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "admin.key")); err == nil {
				t.Errorf("%s: a replica wrote admin.key on a database it did not create", tc.name)
			}
			a.Close()
		}

		// A data dir of another installation is refused, not silently replaced.
		other := t.TempDir()
		if err := os.WriteFile(filepath.Join(other, "dsa-puid.key"), []byte(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", 32)))+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if a, err := start(other, wrapA); err == nil || !strings.Contains(err.Error(), "another installation") {
			t.Errorf("a data dir with another key: %v, want refused", err)
			if err == nil {
				a.Close()
			}
		}
	})
}
