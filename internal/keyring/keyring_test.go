package keyring

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

func TestRotateSchedule(t *testing.T) {
	t.Parallel()
	r := Ring{Keys: []Key{{ID: "a", Secret: "sa", NotBefore: t0}}}
	r2, err := r.Rotate(Key{ID: "b", Secret: "sb"}, t0.Add(time.Hour), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	swap := t0.Add(25 * time.Hour)
	if len(r.Keys) != 1 || !r.Keys[0].NotAfter.IsZero() {
		t.Errorf("Rotate changed the ring it was called on: %+v", r)
	}
	tests := []struct {
		at        time.Time
		current   string
		signing   []string
		statusA   Status
		statusB   Status
		wantFirst bool
	}{
		{t0.Add(-time.Hour), "a", []string{"a", "b"}, Announced, Announced, true}, // clock set back: the first key
		{t0.Add(2 * time.Hour), "a", []string{"a", "b"}, Active, Announced, false},
		{swap.Add(-time.Nanosecond), "a", []string{"a", "b"}, Active, Announced, false},
		{swap, "b", []string{"b"}, Retired, Active, false},
		{swap.Add(1000 * time.Hour), "b", []string{"b"}, Retired, Active, false},
	}
	for _, tt := range tests {
		if got := r2.Current(tt.at).ID; got != tt.current {
			t.Errorf("at %s: current %s, want %s", tt.at, got, tt.current)
		}
		var ids []string
		for _, k := range r2.Signing(tt.at) {
			ids = append(ids, k.ID)
		}
		if strings.Join(ids, ",") != strings.Join(tt.signing, ",") {
			t.Errorf("at %s: signing %v, want %v", tt.at, ids, tt.signing)
		}
		if a, b := r2.Keys[0].Status(tt.at), r2.Keys[1].Status(tt.at); a != tt.statusA || b != tt.statusB {
			t.Errorf("at %s: statuses %s, %s; want %s, %s", tt.at, a, b, tt.statusA, tt.statusB)
		}
	}
	// The first key has nothing to be announced beside: a clock behind its
	// file's time still finds it active, and a rotation is not refused.
	if st := r2.Status(0, t0.Add(-time.Hour)); st != Active {
		t.Errorf("the first key before its start: %s, want active", st)
	}
	if _, err := r.Rotate(Key{ID: "b", Secret: "sb"}, t0.Add(-time.Hour), time.Hour); err != nil {
		t.Errorf("rotating a first key dated after the clock: %v", err)
	}
	if !r2.Keys[0].NotAfter.Equal(swap) || !r2.Keys[1].NotBefore.Equal(swap) {
		t.Errorf("windows %+v", r2.Keys)
	}
	// A second rotation waits for the first to finish.
	if _, err := r2.Rotate(Key{ID: "c", Secret: "sc"}, t0.Add(2*time.Hour), time.Hour); !errors.Is(err, ErrAnnounced) {
		t.Errorf("rotate during an announcement: %v, want ErrAnnounced", err)
	}
	r3, err := r2.Rotate(Key{ID: "c", Secret: "sc"}, swap.Add(time.Hour), 0)
	if err != nil || r3.Current(swap.Add(time.Hour+time.Second)).ID != "c" || r3.Keys[1].Status(swap.Add(time.Hour+time.Second)) != Retired {
		t.Errorf("rotation at once: %+v, %v", r3, err)
	}
	for _, bad := range []Key{{ID: "a", Secret: "x"}, {ID: "", Secret: "x"}} {
		if _, err := r3.Rotate(bad, swap.Add(2*time.Hour), 0); err == nil {
			t.Errorf("Rotate accepted %+v", bad)
		}
	}
	if _, err := r.Rotate(Key{ID: "z", Secret: "z"}, t0, -time.Second); err == nil {
		t.Error("a negative announcement was accepted")
	}
}

func TestValidateRefuses(t *testing.T) {
	t.Parallel()
	tests := map[string]Ring{
		"empty":        {},
		"no secret":    {Keys: []Key{{ID: "a"}}},
		"twice":        {Keys: []Key{{ID: "a", Secret: "s", NotAfter: t0}, {ID: "a", Secret: "s", NotBefore: t0}}},
		"gap":          {Keys: []Key{{ID: "a", Secret: "s", NotAfter: t0}, {ID: "b", Secret: "s", NotBefore: t0.Add(time.Second)}}},
		"newest ended": {Keys: []Key{{ID: "a", Secret: "s", NotAfter: t0}}},
	}
	for name, r := range tests {
		if err := r.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, r)
		}
	}
}

func TestFileStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	f := File{Path: filepath.Join(dir, "ring")}
	if _, err := f.Load(ctx); !errors.Is(err, ErrNoRing) {
		t.Fatalf("Load of no file: %v, want ErrNoRing", err)
	}
	r, _ := Ring{Keys: []Key{{ID: "a", Secret: "sa", NotBefore: t0}}}.Rotate(Key{ID: "b", Secret: "sb"}, t0, time.Hour)
	if err := f.Save(ctx, r); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(f.Path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("ring file: %v %v, want mode 0600", info, err)
	}
	got, err := f.Load(ctx)
	if err != nil || len(got.Keys) != 2 || !got.Keys[1].NotBefore.Equal(t0.Add(time.Hour)) || got.Keys[1].Secret != "sb" {
		t.Fatalf("Load = %+v, %v", got, err)
	}
	if err := f.Save(ctx, Ring{}); err == nil {
		t.Error("Save wrote an invalid ring")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".ring.*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	for _, bad := range []string{"garbage", `{"format": 9, "keys": []}`, `{"format": 1, "keys": []}`} {
		if err := os.WriteFile(f.Path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Load(ctx); err == nil || errors.Is(err, ErrNoRing) {
			t.Errorf("Load of %q: %v, want an error", bad, err)
		}
	}
}

func TestLegacy(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "one.key")
	if err := os.WriteFile(path, []byte("  secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, t0, t0); err != nil {
		t.Fatal(err)
	}
	r, err := Legacy(path, func(s string) (string, error) { return "id-" + s, nil })
	if err != nil || len(r.Keys) != 1 || r.Keys[0].ID != "id-secret" || !r.Keys[0].NotBefore.Equal(t0) || r.Validate() != nil {
		t.Fatalf("Legacy = %+v, %v", r, err)
	}
	if _, err := Legacy(path, func(string) (string, error) { return "", errors.New("corrupt") }); err == nil {
		t.Error("a key its parser refuses was accepted")
	}
	if _, err := Legacy(path+".none", nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}
