package translog_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/keyring"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
	"github.com/sigap/sigap/internal/translog"
)

// TestKeyRotation rotates the log key under a running log: during the
// announcement checkpoints carry both keys' signatures, each verifying alone
// with golang.org/x/mod/sumdb/note; afterwards only the new key signs, and
// the checkpoints signed before still verify with the ring.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		dir := t.TempDir()
		key, created, err := translog.LoadOrCreateKey(dir)
		if err != nil || !created {
			t.Fatalf("LoadOrCreateKey: %v %v", created, err)
		}
		clk := clock.NewFixed(time.Now())
		db := storetest.Open(t, e)
		l, err := translog.Open(ctx, db, key, clk, nil)
		if err != nil {
			t.Fatal(err)
		}
		appendEvents(t, db, 5)
		before, err := l.Sync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		oldV := key.Verifier

		rot, err := translog.PrepareRotation(ctx, dir, clk.Now(), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := rot.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if err := l.ReloadKeys(ctx); err != nil {
			t.Fatal(err)
		}
		next, err := translog.ParseSignerKey(rot.Next().Secret)
		if err != nil {
			t.Fatal(err)
		}
		newV := next.Verifier
		if newV.Name() != oldV.Name() || newV.KeyHash() == oldV.KeyHash() {
			t.Fatalf("the new key %s+%08x is not another key of the same log %s", newV.Name(), newV.KeyHash(), oldV.Name())
		}

		// Announced: the same tree, signed again by both keys.
		during, err := l.Sync(ctx)
		if err != nil || during.Size != before.Size {
			t.Fatalf("Sync during the announcement: size %d, %v", during.Size, err)
		}
		for _, v := range []note.Verifier{oldV, newV} {
			n, err := note.Open(during.Note, note.VerifierList(v))
			if err != nil || len(n.Sigs) != 1 || len(n.UnverifiedSigs) != 1 {
				t.Errorf("with %s+%08x alone: %v (verified %d, other %d)\n%s", v.Name(), v.KeyHash(), err, len(n.Sigs), len(n.UnverifiedSigs), during.Note)
			}
		}
		if got := l.Key().VerifierKey; got != key.VerifierKey {
			t.Errorf("GET /v1/log/key during the announcement would be %s, want the current %s", got, key.VerifierKey)
		}
		ks := l.Keys()
		if len(ks) != 2 || ks[0].Status != keyring.Active || ks[1].Status != keyring.Announced || ks[1].VerifierKey != next.VerifierKey {
			t.Errorf("Keys during the announcement: %+v", ks)
		}

		// Taken over: only the new key signs, even before the tree grows.
		clk.Advance(time.Hour + time.Second)
		after, err := l.Sync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := translog.OpenCheckpoint(after.Note, oldV); err == nil {
			t.Errorf("the retired key still signs:\n%s", after.Note)
		}
		if _, err := translog.OpenCheckpoint(after.Note, newV); err != nil {
			t.Errorf("the new key does not sign: %v", err)
		}
		if l.Key().VerifierKey != next.VerifierKey {
			t.Errorf("the current key is %s, want %s", l.Key().VerifierKey, next.VerifierKey)
		}
		appendEvents(t, db, 3)
		grown, err := l.Sync(ctx)
		if err != nil || grown.Size != before.Size+3 {
			t.Fatalf("Sync after the swap: %d, %v", grown.Size, err)
		}
		ring := l.Verifiers()
		for name, msg := range map[string][]byte{"before": before.Note, "during": during.Note, "after": grown.Note} {
			if _, by, err := translog.OpenCheckpointKeys(msg, ring); err != nil || len(by) == 0 {
				t.Errorf("checkpoint %s the rotation does not verify with the ring: %v", name, err)
			}
		}
		rep, err := translog.Audit(ctx, db, grown.Checkpoint, &before.Checkpoint)
		if err != nil || len(rep.Findings) != 0 {
			t.Errorf("audit across the rotation: %v %+v", err, rep.Findings)
		}

		// A restart reads the ring and takes the stored checkpoint.
		k2, err := translog.LoadKey(dir)
		if err != nil {
			t.Fatal(err)
		}
		l2, err := translog.Open(ctx, db, k2, clk, nil)
		if err != nil || l2.Latest().Size != grown.Size || len(l2.Keys()) != 2 {
			t.Fatalf("reopen: %v, size %d, keys %+v", err, l2.Latest().Size, l2.Keys())
		}
	})
}

// TestKeyRotationRefusesCorrupt checks a corrupt key or ring stops the
// rotation before anything is written.
func TestKeyRotationRefusesCorrupt(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, translog.KeyFile), []byte("PRIVATE+KEY+broken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := translog.PrepareRotation(ctx, dir, time.Now(), time.Hour); err == nil {
		t.Error("rotating a corrupt log key was accepted")
	}
	if _, err := os.Stat(filepath.Join(dir, translog.RingFile)); err == nil {
		t.Error("a failed rotation wrote the ring")
	}
	if err := os.WriteFile(filepath.Join(dir, translog.RingFile), []byte(`{"format":1,"keys":[{"id":"x","secret":"y","not_before":"2026-01-01T00:00:00Z"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := translog.LoadKey(dir); err == nil {
		t.Error("a ring with a corrupt secret was accepted")
	}
}

func appendEvents(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := t.Context()
	evs := make([]notice.Event, n)
	for i := range evs {
		evs[i] = notice.Event{At: time.Now(), Type: "test.event", NoticeID: "ntc_rot", Data: []byte(`{}`)}
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AppendEvents(ctx, evs) }); err != nil {
		t.Fatal(err)
	}
}
