package keyring

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Status is where a key stands at a given time.
type Status string

// The statuses of a key. An announced key is listed but does not sign yet
// (the transparency log already signs with it beside the active key); a
// retired key signs nothing more but is listed for ever, so what it signed
// still verifies.
const (
	Announced Status = "announced"
	Active    Status = "active"
	Retired   Status = "retired"
)

// ErrNoRing means no ring is stored yet.
var ErrNoRing = errors.New("keyring: no key ring stored")

// ErrAnnounced means a rotation is already under way.
var ErrAnnounced = errors.New("keyring: a key is already announced")

// Key is one key of a ring and the time it signs in.
type Key struct {
	// ID names the key the way its signatures name it (a receipt's key_id,
	// a note key's name and hash).
	ID string `json:"id"`
	// Secret is the private key in its owner's encoding; the ring never reads it.
	Secret string `json:"secret"`
	// NotBefore is when the key starts signing.
	NotBefore time.Time `json:"not_before"`
	// NotAfter is when it stops; zero until a rotation schedules its successor.
	NotAfter time.Time `json:"not_after,omitzero"`
}

// Status is k's status at now.
func (k Key) Status(now time.Time) Status {
	switch {
	case now.Before(k.NotBefore):
		return Announced
	case !k.NotAfter.IsZero() && !now.Before(k.NotAfter):
		return Retired
	}
	return Active
}

// Status is the status at now of the ring's key i. The first key has no
// predecessor to be announced beside, so it is active even before its
// NotBefore (a clock behind the key file's time).
func (r Ring) Status(i int, now time.Time) Status {
	st := r.Keys[i].Status(now)
	if i == 0 && st == Announced {
		return Active
	}
	return st
}

// Validity is a key's window and where it stands, as the public key lists
// (GET /v1/keys, GET /v1/log/keys) show it beside the key.
type Validity struct {
	// NotBefore is when the key started (or starts) signing.
	NotBefore time.Time `json:"not_before,omitzero"`
	// NotAfter is when it stopped (or stops) signing: set once a rotation
	// has announced its successor.
	NotAfter time.Time `json:"not_after,omitzero"`
	// Status is "active", "announced" or "retired"; empty for a key without
	// a window (one given without its ring).
	Status Status `json:"status,omitempty"`
}

// Validity is the window of the ring's key i and, where it has one, its
// status at now.
func (r Ring) Validity(i int, now time.Time) Validity {
	k := r.Keys[i]
	v := Validity{NotBefore: k.NotBefore, NotAfter: k.NotAfter}
	if !k.NotBefore.IsZero() || !k.NotAfter.IsZero() {
		v.Status = r.Status(i, now)
	}
	return v
}

// Ring is the keys of one signer, oldest first. Their validity windows follow
// each other without gap or overlap, so exactly one key is active at any time
// from the first key's NotBefore on.
type Ring struct {
	Keys []Key `json:"keys"`
}

// Validate checks the ring's shape: at least one key, distinct IDs, and
// windows that chain (each key's NotAfter is the next one's NotBefore, and
// only the last is open).
func (r Ring) Validate() error {
	if len(r.Keys) == 0 {
		return errors.New("keyring: the ring holds no key")
	}
	seen := make(map[string]bool, len(r.Keys))
	for i, k := range r.Keys {
		if k.ID == "" || k.Secret == "" {
			return fmt.Errorf("keyring: key %d has no id or no secret", i)
		}
		if seen[k.ID] {
			return fmt.Errorf("keyring: key %s is listed twice", k.ID)
		}
		seen[k.ID] = true
		last := i == len(r.Keys)-1
		switch {
		case last && !k.NotAfter.IsZero():
			return fmt.Errorf("keyring: the newest key %s has an end (%s): nothing would sign after it", k.ID, k.NotAfter.Format(time.RFC3339))
		case !last && !k.NotAfter.Equal(r.Keys[i+1].NotBefore):
			return fmt.Errorf("keyring: key %s ends at %s but %s starts at %s", k.ID, k.NotAfter.Format(time.RFC3339), r.Keys[i+1].ID, r.Keys[i+1].NotBefore.Format(time.RFC3339))
		}
	}
	return nil
}

// Current is the key that signs at now: the newest one that has started.
// Before the first key's NotBefore (a clock set back) the first key signs.
func (r Ring) Current(now time.Time) Key {
	for _, k := range slices.Backward(r.Keys) {
		if !now.Before(k.NotBefore) {
			return k
		}
	}
	return r.Keys[0]
}

// Signing is the keys that sign at now: the current one and, during an
// announcement, the announced one after it.
func (r Ring) Signing(now time.Time) []Key {
	cur := r.Current(now)
	out := []Key{cur}
	for _, k := range r.Keys {
		if k.ID != cur.ID && k.Status(now) == Announced {
			out = append(out, k)
		}
	}
	return out
}

// Rotate returns the ring with next appended: announced from now until
// now+announce, when it becomes the signer and the current key retires. A
// zero announce swaps at once (for a key that leaked). It refuses while
// another key is still announced.
func (r Ring) Rotate(next Key, now time.Time, announce time.Duration) (Ring, error) {
	if err := r.Validate(); err != nil {
		return Ring{}, err
	}
	if announce < 0 {
		return Ring{}, fmt.Errorf("keyring: announce for %s: it cannot be negative", announce)
	}
	last := r.Keys[len(r.Keys)-1]
	if r.Status(len(r.Keys)-1, now) == Announced {
		return Ring{}, fmt.Errorf("%w: %s signs from %s; rotate again after that", ErrAnnounced, last.ID, last.NotBefore.UTC().Format(time.RFC3339))
	}
	for _, k := range r.Keys {
		if k.ID == next.ID {
			return Ring{}, fmt.Errorf("keyring: key %s is already in the ring", next.ID)
		}
	}
	at := now.Add(announce).UTC().Truncate(time.Second)
	if at.Before(now) {
		at = at.Add(time.Second) // never start the new key before the rotation itself
	}
	out := Ring{Keys: slices.Clone(r.Keys)}
	out.Keys[len(out.Keys)-1].NotAfter = at
	next.NotBefore, next.NotAfter = at, time.Time{}
	out.Keys = append(out.Keys, next)
	return out, out.Validate()
}
