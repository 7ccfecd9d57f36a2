package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/sigap/sigap/internal/keyring"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/translog"
)

// TestKeysDuringRotation checks GET /v1/keys and GET /v1/log/keys against
// the API document while a rotation is announced, and that the served
// checkpoint then carries a signature by each listed log key.
func TestKeysDuringRotation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		env := newEnv(t, e, "")
		var one struct{ Keys []receipt.PublicKey }
		env.do(t, "GET", "/v1/keys", "", nil).decode(t, &one)
		if len(one.Keys) != 1 || one.Keys[0].Status != keyring.Active || one.Keys[0].NotBefore.IsZero() {
			t.Fatalf("GET /v1/keys before any rotation: %+v", one.Keys)
		}
		for _, prep := range []func(context.Context, string, time.Time, time.Duration) (keyring.Rotation, error){receipt.PrepareRotation, translog.PrepareRotation} {
			rot, err := prep(ctx, e.Dir, time.Now(), 24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if err := rot.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := env.srv.Signer.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if err := env.srv.TransLog.ReloadKeys(ctx); err != nil {
			t.Fatal(err)
		}
		var rk struct{ Keys []receipt.PublicKey }
		if r := env.do(t, "GET", "/v1/keys", "", nil); r.Status != 200 {
			t.Fatalf("GET /v1/keys: %d %s", r.Status, r.Body)
		} else {
			r.decode(t, &rk)
		}
		if len(rk.Keys) != 2 || rk.Keys[0].KeyID != one.Keys[0].KeyID || rk.Keys[0].Status != keyring.Active ||
			rk.Keys[1].Status != keyring.Announced || !rk.Keys[0].NotAfter.Equal(rk.Keys[1].NotBefore) {
			t.Errorf("GET /v1/keys during the announcement: %+v", rk.Keys)
		}
		var lk struct{ Keys []translog.KeyInfo }
		if r := env.do(t, "GET", "/v1/log/keys", "", nil); r.Status != 200 {
			t.Fatalf("GET /v1/log/keys: %d %s", r.Status, r.Body)
		} else {
			r.decode(t, &lk)
		}
		cur := strings.TrimSpace(string(env.do(t, "GET", "/v1/log/key", "", nil).Body))
		if len(lk.Keys) != 2 || lk.Keys[0].VerifierKey != cur || lk.Keys[1].Status != keyring.Announced {
			t.Fatalf("GET /v1/log/keys during the announcement: %+v (current %s)", lk.Keys, cur)
		}
		cp := env.do(t, "POST", "/v1/log/checkpoint", env.admin, nil)
		for _, k := range lk.Keys {
			v, err := note.NewVerifier(k.VerifierKey)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := translog.OpenCheckpoint(cp.Body, v); err != nil {
				t.Errorf("the checkpoint does not verify with %s alone: %v\n%s", k.KeyID, err, cp.Body)
			}
		}
	})
}
